/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cost: the data plane's own instructions per DATA packet, counted
 * deterministically under callgrind (bench/cost.sh runs it). The real data
 * plane (dataplane_setup/dataplane_launch, one worker on lcore 1) serves a
 * file on a net_ring port (rte_eth_from_rings: multi-segment TX, so
 * pxeline attaches cache chunks, zero copy, as on memif or a NIC); this
 * program, on the main lcore, is the client: RRQ with blksize and
 * windowsize, an ACK per window, every datagram reassembled and checked
 * (UDP checksum and bytes) unless --no-verify.
 *
 * The cache is filled from the main thread before the worker starts, so
 * the worker's whole life is one transfer with every chunk present: the
 * worker thread's counts (callgrind --separate-threads=yes) hold nothing
 * else but idle polling, which cost.sh leaves out by counting only the
 * functions that run when there is work. It prints what it counted as
 * key=value lines for cost.sh.
 *
 *   cost [--blocks N] [--blksize B] [--windowsize W] [--mtu M] [--no-verify]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "config/config.h"
#include "dataplane/base/clock.h"
#include "dataplane/cache/cache.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/setup.h"

#define SERVER_IP 0xc0000202u		/* 192.0.2.2 */
#define CLIENT_IP 0xc000020au		/* 192.0.2.10 */
#define CLIENT_PORT 40000
#define WAIT_NS (60ull * 1000 * 1000 * 1000)	/* without a frame; valgrind is slow */

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };

struct cost_opts {
	unsigned blocks, blksize, windowsize, mtu;
	bool verify;
};

/* The client's view of one transfer. */
struct cost_client {
	const struct cost_opts *o;
	const uint8_t *file;
	uint64_t size;
	uint16_t cport, tid;
	uint32_t next;			/* next block expected */
	uint64_t datagrams, frames, unexpected, bad;
	uint8_t dgram[65536];		/* the IP payload being reassembled */
	size_t have;			/* bytes of it so far */
};

static struct rte_ring *rx_ring, *tx_ring;
static struct rte_mempool *client_pool;
static struct dataplane dp;
static struct pxeline_config cfg;

static void
die(const char *what)
{
	fprintf(stderr, "cost: %s\n", what);
	exit(1);
}

/* Freeing what the engine sent: on a NIC the worker's TX completion does
 * this; here it is the client's, counted apart (noinline: its own entry). */
static __attribute__((noinline)) void
cost_free_frame(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

static void
send_tftp(const struct cost_client *c, uint16_t dport, const void *payload, size_t len)
{
	struct frame_udp_tx t = { 0 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(client_pool);
	uint8_t *f;
	size_t h;

	if (!m || !(f = (uint8_t *)rte_pktmbuf_append(m, 128)))
		die("client mbuf");
	memcpy(t.src_mac, client_mac, 6);
	memcpy(t.dst_mac, dp.ports[0].local.mac, 6);
	t.src_ip = CLIENT_IP;
	t.dst_ip = SERVER_IP;
	t.src_port = c->cport;
	t.dst_port = dport;
	t.ttl = 64;
	h = frame_build_udp_header(f, 128, &t, len, frame_udp_csum(&t, payload, len));
	if (!h || h + len > 128)
		die("client frame");
	memcpy(f + h, payload, len);
	rte_pktmbuf_trim(m, (uint16_t)(128 - h - len));
	if (rte_ring_enqueue(rx_ring, m) != 0)
		die("rx ring full");
}

static void
send_ack(const struct cost_client *c, uint16_t block)
{
	uint8_t a[4] = { 0, TFTP_OP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	send_tftp(c, c->tid, a, sizeof(a));
}

static void
send_rrq(const struct cost_client *c, const char *name)
{
	uint8_t b[256];
	size_t n = 2;

	b[0] = 0;
	b[1] = TFTP_OP_RRQ;
	n += (size_t)sprintf((char *)b + n, "%s", name) + 1;
	n += (size_t)sprintf((char *)b + n, "octet") + 1;
	n += (size_t)sprintf((char *)b + n, "blksize") + 1;
	n += (size_t)sprintf((char *)b + n, "%u", c->o->blksize) + 1;
	n += (size_t)sprintf((char *)b + n, "windowsize") + 1;
	n += (size_t)sprintf((char *)b + n, "%u", c->o->windowsize) + 1;
	send_tftp(c, TFTP_PORT, b, n);
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A whole datagram (UDP header first) from the server: check, then ACK. */
static void
client_datagram(struct cost_client *c, const uint8_t *ip)
{
	const uint8_t *udp = c->dgram, *tftp = udp + FRAME_UDP_LEN;
	size_t ulen = rd16(udp + 4), payload;
	uint32_t src = (uint32_t)rd16(ip + 12) << 16 | rd16(ip + 14);
	uint32_t dst = (uint32_t)rd16(ip + 16) << 16 | rd16(ip + 18);
	uint16_t op = rd16(tftp), block = rd16(tftp + 2);
	uint64_t off;

	if (ulen < FRAME_UDP_LEN + 4 || ulen > c->have)
		goto bad;
	payload = ulen - FRAME_UDP_LEN - 4;
	if (op == TFTP_OP_OACK) {
		c->tid = rd16(udp);
		send_ack(c, 0);
		return;
	}
	if (op != TFTP_OP_DATA)
		goto bad;
	c->datagrams++;
	if (block != (uint16_t)c->next) {
		c->unexpected++;	/* a retransmit: not expected here */
		return;
	}
	off = (uint64_t)(c->next - 1) * c->o->blksize;
	if (c->o->verify &&
	    (frame_csum_fold(frame_csum_add(frame_udp_pseudo_sum(src, dst, (uint16_t)ulen),
					    udp, ulen)) != 0 ||
	     off + payload > c->size || memcmp(tftp + 4, c->file + off, payload) != 0))
		goto bad;
	c->next++;
	if (block % c->o->windowsize == 0 || payload < c->o->blksize)
		send_ack(c, block);
	return;
bad:
	if (c->bad++ == 0)
		fprintf(stderr, "cost: unexpected datagram: %zu bytes, op %u block %u (want %u)\n",
			ulen, op, block, c->next);
}

/* One frame the engine sent: an IPv4 fragment (or a whole datagram). */
static void
client_frame(struct cost_client *c, struct rte_mbuf *m)
{
	uint8_t buf[16384];
	const uint8_t *f = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len, sizeof(buf)), buf);
	size_t ihl, len, off;
	uint16_t fr;

	c->frames++;
	if (!f || m->pkt_len < 34 || rd16(f + 12) != 0x0800 || m->pkt_len > sizeof(buf)) {
		if (c->bad++ == 0)
			fprintf(stderr, "cost: not an IPv4 frame (%u bytes, type %04x)\n",
				m->pkt_len, f ? rd16(f + 12) : 0);
		return;
	}
	ihl = (size_t)(f[14] & 0xf) * 4;
	if (c->o->verify && frame_csum_fold(frame_csum_add(0, f + 14, ihl)) != 0) {
		if (c->bad++ == 0)
			fprintf(stderr, "cost: bad IPv4 header checksum\n");
		return;
	}
	len = rd16(f + 16) - ihl;
	fr = rd16(f + 20);
	off = (size_t)(fr & 0x1fff) * 8;
	if (off == 0)
		c->have = 0;
	if (off != c->have || off + len > sizeof(c->dgram) || 14 + ihl + len > m->pkt_len) {
		if (c->bad++ == 0)
			fprintf(stderr, "cost: fragment at %zu, %zu reassembled\n", off, c->have);
		return;
	}
	/* Without --verify only the headers matter. */
	if (c->o->verify || off == 0)
		memcpy(c->dgram + off, f + 14 + ihl, c->o->verify ? len : RTE_MIN(len, 16u));
	c->have = off + len;
	if (!(fr & 0x2000))
		client_datagram(c, f + 14);
}

/* A whole transfer; false if it did not finish. */
static bool
client_transfer(struct cost_client *c, const char *name)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;
	uint32_t n_blocks = (uint32_t)(c->size / c->o->blksize + 1);
	struct rte_mbuf *ms[64];
	unsigned i, n;

	c->next = 1;
	c->datagrams = c->frames = c->unexpected = c->bad = 0;
	send_rrq(c, name);
	while (c->next <= n_blocks && c->bad == 0) {
		n = rte_ring_dequeue_burst(tx_ring, (void **)ms, RTE_DIM(ms), NULL);
		for (i = 0; i < n; i++) {
			client_frame(c, ms[i]);
			cost_free_frame(ms[i]);
		}
		if (n > 0) {
			deadline = clock_mono_ns() + WAIT_NS;
		} else {
			if (clock_mono_ns() > deadline)
				return false;
			usleep(50);
		}
	}
	return c->bad == 0;
}

static void
write_file(const char *path, uint8_t *data, uint64_t size)
{
	FILE *f = fopen(path, "w");
	uint64_t i, x = 0x9e3779b97f4a7c15ull;

	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (uint8_t)x;
	}
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		die("cannot write the file");
}

static void
write_config(const char *path, const char *root, const struct cost_opts *o, uint64_t size)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die("cannot write the config");
	fprintf(f, "interfaces = ( { device = \"net_ring_cost\"; address = \"192.0.2.2/24\"; "
		   "mtu = %u; } );\n"
		   "workers = 1;\n"
		   "tftp = { root = \"%s\"; timeout_ms = 255000; blksize_max = 65464; "
		   "windowsize_max = %u; };\n"
		   "cache = { size_mb = %u; chunk_kb = 1024; readahead = 4; };\n"
		   "dhcp = { enabled = false; };\n"
		   "control = { socket = \"%s/ctl.sock\"; };\n"
		   "state = { db = \"%s/state.db\"; };\n",
		   o->mtu, root, o->windowsize, (unsigned)(size >> 20) + 16, root, root);
	if (fclose(f) != 0)
		die("cannot write the config");
}

static void
parse_opts(int argc, char **argv, struct cost_opts *o)
{
	static const struct option lo[] = {
		{ "blocks", required_argument, NULL, 'n' },
		{ "blksize", required_argument, NULL, 'b' },
		{ "windowsize", required_argument, NULL, 'w' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct cost_opts){ 2000, 1456, 64, 1500, true };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->blocks = (unsigned)atoi(optarg); break;
		case 'b': o->blksize = (unsigned)atoi(optarg); break;
		case 'w': o->windowsize = (unsigned)atoi(optarg); break;
		case 'm': o->mtu = (unsigned)atoi(optarg); break;
		case 'V': o->verify = false; break;
		default:
			fprintf(stderr, "usage: cost [--blocks N] [--blksize B] [--windowsize W] "
					"[--mtu M] [--no-verify]\n");
			exit(2);
		}
	}
	if (o->blocks < 1 || o->blksize < 8 || o->blksize > 65464 || o->windowsize < 1)
		die("bad arguments");
}

/* One answer for the main lcore's use of worker 0's ring (before launch). */
static void
prefill_wait(struct cache *cache, struct cache_done *d)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;

	while (cache_poll(cache, 0, d, 1) != 1) {
		if (clock_mono_ns() > deadline)
			die("the feeder does not answer");
		usleep(100);
	}
	if (d->err != CACHE_OK)
		die(cache_strerror(d->err));
}

/* Reads every chunk of name into the cache before the worker runs. */
static void
prefill(struct cache *cache, const char *name)
{
	struct cache_file *f;
	struct cache_done d;
	uint32_t i;

	if (cache_open_async(cache, 0, 0, name) != CACHE_OK)
		die("open ring");
	prefill_wait(cache, &d);
	f = d.file;
	for (i = 0; i < f->n_chunks; i++) {
		while (cache_chunk_request(cache, 0, i, f, i) == CACHE_ERR_BUSY)
			usleep(100);
		prefill_wait(cache, &d);
	}
	cache_file_put(f);
}

/* EAL, the two rings and the data plane on them, the cache filled. */
static void
bring_up(const char *cfg_path)
{
	char *eal[] = { "cost", "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci",
			"--no-shconf", "--no-telemetry", "--file-prefix", "pxl-cost",
			"--log-level", "error", NULL };

	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		die("EAL cannot start (root? /dev/shm?)");
	rx_ring = rte_ring_create("cost_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("cost_tx", 16384, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	client_pool = rte_pktmbuf_pool_create("cost_client", 1023, 0, 0,
					      RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!rx_ring || !tx_ring || !client_pool)
		die("rings");
	if (rte_eth_from_rings("cost", &rx_ring, 1, &tx_ring, 1, 0) < 0)
		die("net_ring port");
	if (cfg_load(cfg_path, &cfg, stderr) != 0)
		die("config");
	if (dataplane_setup(&dp, &cfg) != 0) {
		fprintf(stderr, "cost: dataplane_setup: %s\n", dp.err);
		exit(1);
	}
	prefill(dp.cache, "file.bin");
	dataplane_launch(&dp);
}

#define STAT(name) (dp.stats[0]->name)

int
main(int argc, char **argv)
{
	static struct cost_client c;
	struct cost_opts o;
	char root[] = "/tmp/pxl-cost.XXXXXX", path[256];
	uint64_t size;
	uint8_t *data;
	bool ok;

	parse_opts(argc, argv, &o);
	/* n blocks: n - 1 full ones and a last one of half a block. */
	size = (uint64_t)(o.blocks - 1) * o.blksize + o.blksize / 2;
	if (!mkdtemp(root) || !(data = malloc(size + 1)))
		die("tmpdir");
	snprintf(path, sizeof(path), "%s/file.bin", root);
	write_file(path, data, size);
	snprintf(path, sizeof(path), "%s/cost.cfg", root);
	write_config(path, root, &o, size);
	bring_up(path);

	c.o = &o;
	c.file = data;
	c.size = size;
	c.cport = CLIENT_PORT;
	ok = client_transfer(&c, "file.bin");

	printf("ok=%d blksize=%u windowsize=%u mtu=%u blocks=%u verify=%d\n", ok, o.blksize,
	       o.windowsize, o.mtu, o.blocks, o.verify);
	printf("client_datagrams=%lu client_frames=%lu unexpected=%lu bad=%lu\n",
	       (unsigned long)c.datagrams, (unsigned long)c.frames,
	       (unsigned long)c.unexpected, (unsigned long)c.bad);
	printf("data_packets=%lu frames=%lu retransmits=%lu chunk_waits=%lu zero_copy=%d\n",
	       (unsigned long)STAT(tftp_data_packets), (unsigned long)STAT(tx_packets),
	       (unsigned long)STAT(tftp_retransmits), (unsigned long)STAT(tftp_chunk_waits),
	       dp.ports[0].tx_zero_copy);
	dataplane_stop(&dp);
	dataplane_teardown(&dp);
	cfg_free(&cfg);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		fprintf(stderr, "cost: could not remove %s\n", root);
	free(data);
	return ok ? 0 : 1;
}
