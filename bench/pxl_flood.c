/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pxl-flood: the hostile network's load, bounded. Sends spoofed TFTP RRQs
 * (random source addresses in a documentation prefix, random ports) or
 * proxyDHCP DISCOVERs (random MACs, PXE vendor class) from a raw AF_PACKET
 * socket with sendmmsg, paced to --rate frames per second, until --count
 * frames or --seconds have gone, whichever comes first. For the namespace
 * lab only: the source prefix must be 192.0.2.0/24 or 198.51.100.0/24.
 *
 *   pxl-flood --iface pxl-cli --dst-mac MAC --dst-ip 192.0.2.2 \
 *             --mode rrq --file big.bin --src 198.51.100.0/24 \
 *             --rate 100000 --count 500000 --seconds 10
 *
 * Prints one line: "mode=rrq sent=N queued=Q seconds=S pps=R" (queued: the
 * frames the kernel took; a full queue refuses the rest).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/base/clock.h"
#include "dataplane/proto/frame.h"

#define FLOOD_BATCH 64
#define FLOOD_FRAME_MAX 512
#define FLOOD_MAX_RATE 100000u
#define FLOOD_MAX_SECONDS 120u

enum flood_mode { FLOOD_RRQ, FLOOD_DISCOVER };

struct flood_opts {
	const char *iface;
	uint8_t dst_mac[6];
	uint32_t dst_ip;
	uint32_t src_net;	/* host order */
	bool src_one;		/* a /32: every frame from src_net itself */
	enum flood_mode mode;
	const char *file;
	const char *opts;	/* "blksize=1468,tsize=0": RRQ options, "" = none */
	uint32_t rate;
	uint64_t count;
	uint32_t seconds;
	uint32_t seed;
	bool client_mac_set;	/* --client-mac: every DISCOVER from one (known) host */
	uint8_t client_mac[6];
};

/* xorshift32: reproducible from --seed, no libc state. */
static uint32_t
flood_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static int
flood_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/*
 * Only the documentation prefixes the lab uses, never a real network: the
 * whole /24 (random hosts .1-.254) or one address in it (/32).
 */
static int
flood_parse_src(const char *s, struct flood_opts *o)
{
	char addr[32];
	struct in_addr a;
	unsigned len;
	uint32_t ip;

	if (sscanf(s, "%31[0-9.]/%u", addr, &len) != 2 || inet_pton(AF_INET, addr, &a) != 1 ||
	    (len != 24 && len != 32))
		return -1;
	ip = ntohl(a.s_addr);
	if ((ip & 0xffffff00u) != 0xc6336400u && (ip & 0xffffff00u) != 0xc0000200u)
		return -1;
	o->src_one = len == 32;
	o->src_net = o->src_one ? ip : ip & 0xffffff00u;
	return 0;
}

/* An RRQ: opcode 1, name, "octet", then "k=v" pairs of opts as options. */
static size_t
flood_rrq(uint8_t *p, size_t cap, const struct flood_opts *o)
{
	char buf[256], *tok, *save = NULL;
	size_t n = 0, l;

	n += (size_t)snprintf((char *)p, cap, "%c%c%s%coctet%c", 0, 1, o->file, 0, 0);
	snprintf(buf, sizeof(buf), "%s", o->opts);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		l = strlen(tok) + strlen(eq + 1) + 2;
		if (n + l > cap)
			break;
		n += (size_t)sprintf((char *)p + n, "%s%c%s%c", tok, 0, eq + 1, 0);
	}
	return n;
}

/* A PXE DISCOVER (BIOS, UNDI 2.1) from mac, with a random xid. */
static size_t
flood_discover(uint8_t *p, const uint8_t mac[6], uint32_t xid)
{
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";
	size_t n = 240;

	memset(p, 0, 300);
	p[0] = 1;		/* BOOTREQUEST */
	p[1] = 1;
	p[2] = 6;
	memcpy(p + 4, &xid, 4);
	p[10] = 0x80;		/* broadcast flag */
	memcpy(p + 28, mac, 6);
	memcpy(p + 236, (const uint8_t[]){ 99, 130, 83, 99 }, 4);
	memcpy(p + n, (const uint8_t[]){ 53, 1, 1 }, 3);
	n += 3;
	p[n++] = 60;
	p[n++] = sizeof(vc) - 1;
	memcpy(p + n, vc, sizeof(vc) - 1);
	n += sizeof(vc) - 1;
	memcpy(p + n, (const uint8_t[]){ 93, 2, 0, 0, 94, 3, 1, 2, 1 }, 9);
	n += 9;
	p[n++] = 97;		/* client UUID: type 0 + 16 bytes */
	p[n++] = 17;
	p[n++] = 0;
	memcpy(p + n, mac, 6);
	n += 16;
	p[n++] = 255;
	return n < 300 ? 300 : n;	/* BOOTP minimum */
}

/* One frame of the flood into f; its length. */
static size_t
flood_frame(const struct flood_opts *o, const uint8_t own_mac[6], uint32_t *rng, uint8_t *f)
{
	struct frame_udp_tx t = { 0 };
	uint8_t payload[FLOOD_FRAME_MAX];
	size_t len, h;
	uint32_t r = flood_rand(rng);

	t.ttl = 64;
	if (o->mode == FLOOD_RRQ) {
		memcpy(t.src_mac, own_mac, 6);
		memcpy(t.dst_mac, o->dst_mac, 6);
		/* .1 .. .254 of the prefix: no network or broadcast address. */
		t.src_ip = o->src_one ? o->src_net : o->src_net | (1 + r % 254);
		t.dst_ip = o->dst_ip;
		t.src_port = (uint16_t)(1024 + (r >> 8) % 64000);
		t.dst_port = 69;
		len = flood_rrq(payload, sizeof(payload), o);
	} else {
		uint8_t mac[6] = { 0x02, 0xf1, 0, 0, 0, 0 };	/* locally administered */

		if (o->client_mac_set)
			memcpy(mac, o->client_mac, 6);
		else
			memcpy(mac + 2, &r, 4);
		memcpy(t.src_mac, mac, 6);
		memset(t.dst_mac, 0xff, 6);
		t.src_ip = 0;
		t.dst_ip = FRAME_IP_BROADCAST;
		t.src_port = 68;
		t.dst_port = 67;
		len = flood_discover(payload, mac, flood_rand(rng));
	}
	h = frame_build_udp_header(f, FLOOD_FRAME_MAX + 64, &t, len,
				   frame_udp_csum(&t, payload, len));
	memcpy(f + h, payload, len);
	return h + len;
}

static void
flood_usage(FILE *out)
{
	fprintf(out, "usage: pxl-flood --iface IF --dst-mac MAC [--dst-ip A.B.C.D] --mode rrq|discover\n"
		     "       [--file NAME] [--options k=v,...] [--src 198.51.100.0/24|192.0.2.0/24|one /32 in them]\n"
		     "       [--rate PPS (<= %u)] [--count N] [--seconds S (<= %u)] [--seed N]\n"
		     "       [--client-mac MAC (discover: one host's, not random ones)]\n",
		FLOOD_MAX_RATE, FLOOD_MAX_SECONDS);
}

static int
flood_args(int argc, char **argv, struct flood_opts *o)
{
	static const struct option lo[] = {
		{ "iface", 1, NULL, 'i' }, { "dst-mac", 1, NULL, 'm' }, { "dst-ip", 1, NULL, 'd' },
		{ "mode", 1, NULL, 'M' }, { "file", 1, NULL, 'f' }, { "options", 1, NULL, 'o' },
		{ "src", 1, NULL, 's' }, { "rate", 1, NULL, 'r' }, { "count", 1, NULL, 'c' },
		{ "seconds", 1, NULL, 't' }, { "seed", 1, NULL, 'S' }, { "help", 0, NULL, 'h' },
		{ "client-mac", 1, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct in_addr a;
	bool mac = false;
	int c;

	*o = (struct flood_opts){ .file = "ready.txt", .opts = "", .rate = 10000, .count = 10000,
				  .seconds = 10, .seed = 1, .src_net = 0xc6336400u };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'm': mac = flood_parse_mac(optarg, o->dst_mac) == 0; break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return -1;
			o->dst_ip = ntohl(a.s_addr);
			break;
		case 'M':
			if (strcmp(optarg, "rrq") && strcmp(optarg, "discover"))
				return -1;
			o->mode = strcmp(optarg, "rrq") ? FLOOD_DISCOVER : FLOOD_RRQ;
			break;
		case 'f': o->file = optarg; break;
		case 'o': o->opts = optarg; break;
		case 's':
			if (flood_parse_src(optarg, o) != 0)
				return -1;
			break;
		case 'r': o->rate = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'c': o->count = strtoull(optarg, NULL, 10); break;
		case 't': o->seconds = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'S': o->seed = (uint32_t)strtoul(optarg, NULL, 10) | 1; break;
		case 'C':
			if (flood_parse_mac(optarg, o->client_mac) != 0)
				return -1;
			o->client_mac_set = true;
			break;
		case 'h': flood_usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!o->iface || (!mac && o->mode == FLOOD_RRQ) || (o->mode == FLOOD_RRQ && !o->dst_ip))
		return -1;
	/* Bounded, whatever was asked. */
	if (o->rate == 0 || o->rate > FLOOD_MAX_RATE || o->seconds == 0 ||
	    o->seconds > FLOOD_MAX_SECONDS || strlen(o->file) > 128)
		return -1;
	return 0;
}

static int
flood_open(const char *iface, uint8_t own_mac[6], struct sockaddr_ll *ret_to)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		close(fd);
		return -1;
	}
	memcpy(own_mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(ret_to, 0, sizeof(*ret_to));
	ret_to->sll_family = AF_PACKET;
	ret_to->sll_ifindex = (int)if_nametoindex(iface);
	ret_to->sll_halen = 6;
	return ret_to->sll_ifindex > 0 ? fd : (close(fd), -1);
}

int
main(int argc, char **argv)
{
	static uint8_t frames[FLOOD_BATCH][FLOOD_FRAME_MAX + 64];
	struct mmsghdr msgs[FLOOD_BATCH];
	struct iovec iov[FLOOD_BATCH];
	struct sockaddr_ll to;
	struct flood_opts o;
	uint8_t own_mac[6];
	uint64_t start, now, end, sent = 0, queued = 0, due;
	uint32_t rng;
	unsigned i, n;
	int fd, k;

	if (flood_args(argc, argv, &o) != 0) {
		flood_usage(stderr);
		return 2;
	}
	fd = flood_open(o.iface, own_mac, &to);
	if (fd < 0) {
		fprintf(stderr, "pxl-flood: %s: %s\n", o.iface, strerror(errno));
		return 1;
	}
	rng = o.seed;
	start = clock_mono_ns();
	end = start + (uint64_t)o.seconds * 1000000000ull;
	for (now = start; sent < o.count && now < end; now = clock_mono_ns()) {
		/* Frames due by now at the rate, one batch at most. */
		due = (now - start) * o.rate / 1000000000ull + 1;
		if (due <= sent) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
			continue;
		}
		n = (unsigned)(due - sent < FLOOD_BATCH ? due - sent : FLOOD_BATCH);
		if (n > o.count - sent)
			n = (unsigned)(o.count - sent);
		for (i = 0; i < n; i++) {
			iov[i].iov_base = frames[i];
			iov[i].iov_len = flood_frame(&o, own_mac, &rng, frames[i]);
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &to;
			msgs[i].msg_hdr.msg_namelen = sizeof(to);
		}
		k = sendmmsg(fd, msgs, n, 0);
		if (k < 0 && errno != ENOBUFS && errno != EAGAIN) {
			fprintf(stderr, "pxl-flood: sendmmsg: %s\n", strerror(errno));
			break;
		}
		/* A full qdisc refuses some: they count as sent, not queued. */
		sent += n;
		queued += k > 0 ? (unsigned)k : 0;
	}
	now = clock_mono_ns();
	printf("mode=%s sent=%llu queued=%llu seconds=%.2f pps=%.0f\n",
	       o.mode == FLOOD_RRQ ? "rrq" : "discover", (unsigned long long)sent,
	       (unsigned long long)queued, (now - start) / 1e9,
	       sent / ((now - start) / 1e9 > 0 ? (now - start) / 1e9 : 1));
	close(fd);
	return 0;
}
