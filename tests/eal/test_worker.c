/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real worker loop on a real EAL, without hugepages or a NIC: the
 * data plane is brought up by dataplane_setup() on a net_ring port made
 * from two rings (rte_eth_from_rings), worker_main runs on lcore 1, and
 * the test, on the main lcore, plays the client: it puts frames on the RX
 * ring and reads what the engine sent from the TX ring, decoding them with
 * proto/frame as the client's own stack would. Exits 77 where EAL cannot
 * start (no root, no /dev/shm...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "config/config.h"
#include "dataplane/base/clock.h"
#include "dataplane/base/events.h"
#include "dataplane/dhcp/snap_rcu.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/setup.h"
#include "unit.h"
#include "unit_tmpdir.h"

#define SERVER_IP 0xc0000202u		/* 192.0.2.2 */
#define CLIENT_IP 0xc000020au		/* 192.0.2.10 */
#define WAIT_NS (6ull * 1000 * 1000 * 1000)	/* give up on a frame after this */

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static struct pxeline_config cfg;
static struct dataplane dp;
static struct rte_ring *rx_ring, *tx_ring;
static struct rte_mempool *test_pool;
static struct frame_local client;	/* the client's view, to decode replies */
static char root[128];
static uint16_t next_client_port = 40000;

/* ---- frames in and out ---- */

static void
inject(const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	d = rte_pktmbuf_append(m, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, frame, len);
	CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(rx_ring, m), 0);
}

/*
 * Client ports below this belong to earlier tests: a late retransmission
 * of theirs (the engine's timer on a loaded machine) is not news to the
 * test that runs now. Each test starts by moving it up.
 */
static uint16_t oldest_port = 40000;

/* True for a datagram to an earlier test's client port. */
static bool
stale(const uint8_t *buf, size_t len)
{
	struct frame_info fi;

	return frame_classify(buf, len, &client, 0, &fi) == FRAME_OK && fi.kind == FRAME_UDP &&
	       fi.dst_port >= 40000 && fi.dst_port < oldest_port;
}

/* The next frame the engine sent, linearised into buf; its length, or 0
 * when none came in WAIT_NS. */
static size_t
next_frame(uint8_t *buf, size_t cap)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;
	struct rte_mbuf *m;
	size_t len;

	for (;;) {
		while (rte_ring_dequeue(tx_ring, (void **)&m) != 0) {
			if (clock_mono_ns() > deadline)
				return 0;
			usleep(200);
		}
		len = m->pkt_len < cap ? m->pkt_len : cap;
		memcpy(buf, rte_pktmbuf_read(m, 0, len, buf), len);
		rte_pktmbuf_free(m);
		if (!stale(buf, len))
			return len;
	}
}

/* The next frame, decoded as the client: a UDP datagram for it. */
static bool
next_udp(uint8_t *buf, size_t cap, struct frame_info *fi)
{
	size_t len = next_frame(buf, cap);

	if (!len)
		return false;
	return frame_classify(buf, len, &client, 0, fi) == FRAME_OK && fi->kind == FRAME_UDP;
}

/*
 * The next datagram to client port cport that is not a repeat of the one
 * before it: on a loaded machine the engine's timer may resend a block
 * before the test's ACK lands, and an earlier test's session may still
 * send. Both are right; they are not what the caller waits for.
 */
static bool
next_udp_fresh(uint16_t cport, uint8_t *buf, size_t cap, struct frame_info *fi)
{
	static uint8_t last[2048];
	static size_t last_len;
	size_t len;

	while ((len = next_frame(buf, cap)) != 0) {
		if (frame_classify(buf, len, &client, 0, fi) != FRAME_OK || fi->kind != FRAME_UDP ||
		    fi->dst_port != cport)
			continue;
		if (len == last_len && memcmp(buf, last, len) == 0)
			continue;
		last_len = len < sizeof(last) ? len : 0;
		memcpy(last, buf, last_len);
		return true;
	}
	return false;
}

/* A UDP datagram from src_ip (the client's MAC) to the engine. */
static void
send_udp_from(uint32_t src_ip, uint32_t dst_ip, const uint8_t dst_mac[6], uint16_t sport,
	      uint16_t dport, const void *payload, size_t len)
{
	struct frame_udp_tx t = { 0 };
	uint8_t f[2048];
	size_t h;

	memcpy(t.src_mac, client_mac, 6);
	memcpy(t.dst_mac, dst_mac, 6);
	t.src_ip = src_ip;
	t.dst_ip = dst_ip;
	t.src_port = sport;
	t.dst_port = dport;
	t.ttl = 64;
	h = frame_build_udp_header(f, sizeof(f), &t, len, frame_udp_csum(&t, payload, len));
	CU_ASSERT_FATAL(h > 0 && h + len <= sizeof(f));
	memcpy(f + h, payload, len);
	inject(f, h + len);
}

/* A UDP datagram from the client to the engine (checksum computed). */
static void
send_udp(uint32_t dst_ip, const uint8_t dst_mac[6], uint16_t sport, uint16_t dport,
	 const void *payload, size_t len)
{
	send_udp_from(CLIENT_IP, dst_ip, dst_mac, sport, dport, payload, len);
}

static void
send_tftp(uint16_t sport, uint16_t dport, const void *payload, size_t len)
{
	send_udp(SERVER_IP, dp.ports[0].local.mac, sport, dport, payload, len);
}

/* An RRQ: name, "octet" (or mode), then option pairs. */
static size_t
build_rrq(uint8_t *b, uint16_t op, const char *name, const char *mode, const char *const *opts)
{
	size_t n = 0;

	b[n++] = 0;
	b[n++] = (uint8_t)op;
	n += (size_t)sprintf((char *)b + n, "%s", name) + 1;
	n += (size_t)sprintf((char *)b + n, "%s", mode) + 1;
	for (; opts && *opts; opts++)
		n += (size_t)sprintf((char *)b + n, "%s", *opts) + 1;
	return n;
}

static void
send_ack(uint16_t sport, uint16_t tid, uint16_t block)
{
	uint8_t a[4] = { 0, TFTP_OP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	send_tftp(sport, tid, a, sizeof(a));
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t
stat_of(size_t offset)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)dp.stats[0] + offset, sizeof(v));
	return v;
}
#define STAT(name) stat_of(offsetof(struct worker_stats, name))

/* Waits until counter `name` reaches want (the worker writes it). */
#define WAIT_STAT(name, want)							\
	do {									\
		uint64_t d_ = clock_mono_ns() + WAIT_NS;			\
		while (STAT(name) < (want) && clock_mono_ns() < d_)		\
			usleep(200);						\
		CU_ASSERT_EQUAL(STAT(name), (want));				\
	} while (0)

/* ---- fixture ---- */

static int
write_file(const char *name, size_t size)
{
	char path[256];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (i = 0; i < size; i++)
		fputc((int)(i * 7 + i / 251) & 0xff, f);
	return fclose(f);
}

static int
write_config(char *path, size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/eal.cfg", root);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "interfaces = ( { device = \"net_ring_pxl\"; address = \"192.0.2.2/24\"; } );\n"
		   "workers = 1;\n"
		   "tftp = { root = \"%s\"; timeout_ms = 1000; retries = 2;\n"
		   "	source_rate = 1; source_burst = 30; };\n"
		   "cache = { size_mb = 16; chunk_kb = 64; };\n"
		   "dhcp = { enabled = true; };\n"
		   "profiles = ( { name = \"default\"; bios = \"undionly.kpxe\"; } );\n"
		   "control = { socket = \"%s/ctl.sock\"; };\n"
		   "state = { db = \"%s/state.db\"; };\n", root, root, root);
	return fclose(f);
}

static int
eal_start(void)
{
	char *argv[] = { "test_worker", "-l", "0-1", "--no-huge", "-m", "256", "--no-pci",
			 "--no-shconf", "--file-prefix", "pxl-eal-test", "--log-level", "error",
			 NULL };

	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

static int
setup(void)
{
	char path[256];
	int port;

	if (unit_tmpdir_make(root, sizeof(root), "pxl-eal") != 0 ||
	    write_file("hello.bin", 1000) != 0 || write_file("big.bin", 300000) != 0 ||
	    write_config(path, sizeof(path)) != 0 || cfg_load(path, &cfg, stderr) != 0)
		return -1;
	rx_ring = rte_ring_create("pxl_eal_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("pxl_eal_tx", 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	test_pool = rte_pktmbuf_pool_create("pxl_eal_pool", 1023, 0, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!rx_ring || !tx_ring || !test_pool)
		return -1;
	/* The ring PMD names the device "net_ring_" + name. */
	port = rte_eth_from_rings("pxl", &rx_ring, 1, &tx_ring, 1, 0);
	if (port < 0)
		return -1;
	if (dataplane_setup(&dp, &cfg) != 0) {
		fprintf(stderr, "dataplane_setup: %s\n", dp.err);
		return -1;
	}
	memcpy(client.mac, client_mac, 6);
	client.ip = CLIENT_IP;
	client.netmask = 0xffffff00u;
	dataplane_launch(&dp);
	return 0;
}

static int
teardown(void)
{
	dataplane_stop(&dp);
	dataplane_teardown(&dp);
	cfg_free(&cfg);
	return unit_tmpdir_remove(root);
}

/* ---- tests ---- */

static struct log_event end_event(uint16_t cport);

static void
send_arp_request(void)
{
	uint8_t f[60] = { 0 };

	memset(f, 0xff, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = 1;			/* request */
	memcpy(f + 22, client_mac, 6);
	f[28] = 192; f[29] = 0; f[30] = 2; f[31] = 10;
	f[38] = 192; f[39] = 0; f[40] = 2; f[41] = 2;
	inject(f, sizeof(f));
}

/* ARP for our address is answered with our MAC. */
static void
test_arp(void)
{
	oldest_port = next_client_port;
	uint8_t buf[2048];
	size_t len;

	send_arp_request();
	len = next_frame(buf, sizeof(buf));
	CU_ASSERT_FATAL(len >= 42);
	CU_ASSERT_EQUAL(rd16(buf + 12), 0x0806);
	CU_ASSERT_EQUAL(rd16(buf + 20), 2);		/* reply */
	CU_ASSERT_EQUAL(memcmp(buf + 22, dp.ports[0].local.mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(buf, client_mac, 6), 0);
}

/* Junk of every kind produces nothing and is counted; the engine goes on. */
static void
test_junk(void)
{
	oldest_port = next_client_port;
	static const uint8_t short_frame[10] = { 1, 2, 3 };
	uint8_t buf[2048], f[64];
	uint64_t dropped = STAT(rx_dropped), bad = STAT(dhcp_bad);
	size_t len;

	inject(short_frame, sizeof(short_frame));
	/* IPv4 whose header checksum is wrong. */
	memset(f, 0, sizeof(f));
	memcpy(f, dp.ports[0].local.mac, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45; f[17] = 28; f[22] = 64; f[23] = 17; f[24] = 0xde; f[25] = 0xad;
	f[26] = 192; f[27] = 0; f[28] = 2; f[29] = 10; f[30] = 192; f[31] = 0; f[32] = 2; f[33] = 2;
	inject(f, sizeof(f));
	/* Not DHCP at all, to 67. */
	send_udp(0xffffffffu, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 68, 67,
		 "garbage", 7);
	/* The marker: the first frame out must answer it. */
	send_arp_request();
	len = next_frame(buf, sizeof(buf));
	CU_ASSERT_FATAL(len >= 42);
	CU_ASSERT_EQUAL(rd16(buf + 12), 0x0806);
	CU_ASSERT_EQUAL(STAT(rx_dropped), dropped + 2);
	CU_ASSERT_EQUAL(STAT(dhcp_bad), bad + 1);
	CU_ASSERT_EQUAL(rte_ring_count(dp.dhcp_req), 0);
}

/* A lock-step transfer: DATA 1 (512), ACK, DATA 2 (488), ACK, done. */
static void
test_rrq_lockstep(void)
{
	oldest_port = next_client_port;
	uint8_t rrq[128], buf[2048];
	uint16_t cport = next_client_port++, tid;
	uint64_t done = STAT(tftp_completed);
	struct log_event ev = { 0 };
	struct frame_info fi;

	send_tftp(cport, TFTP_PORT, rrq, build_rrq(rrq, TFTP_OP_RRQ, "Hello.BIN", "octet", NULL));
	CU_ASSERT_FATAL(next_udp_fresh(cport, buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(fi.dst_port, cport);
	CU_ASSERT(fi.src_port >= TFTP_TID_BASE && fi.src_port < TFTP_TID_BASE + TFTP_TID_COUNT);
	tid = fi.src_port;
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_DATA);
	CU_ASSERT_EQUAL(rd16(fi.payload + 2), 1);
	CU_ASSERT_EQUAL(fi.payload_len, 4 + 512);
	CU_ASSERT_EQUAL(fi.payload[4 + 3], (3 * 7) & 0xff);	/* file byte 3 */
	send_ack(cport, tid, 1);
	CU_ASSERT_FATAL(next_udp_fresh(cport, buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload + 2), 2);
	CU_ASSERT_EQUAL(fi.payload_len, 4 + 488);
	send_ack(cport, tid, 2);
	WAIT_STAT(tftp_completed, done + 1);
	/* One trace event, "done", with the bytes the client acknowledged. */
	ev = end_event(cport);
	CU_ASSERT_EQUAL(ev.kind, LOG_TFTP_END);
	CU_ASSERT_EQUAL(ev.reason, TFTP_END_DONE);
	CU_ASSERT_EQUAL(ev.bytes, 1000);
	CU_ASSERT_STRING_EQUAL(ev.file, "Hello.BIN");	/* as asked; found case-insensitively */
}

/* Options: OACK first, ACK 0 starts a window of 4 blocks of 1400. */
static void
test_rrq_options_window(void)
{
	oldest_port = next_client_port;
	static const char *const opts[] = { "blksize", "1400", "tsize", "0", "windowsize", "4",
					    NULL };
	uint8_t rrq[128], buf[2048];
	uint16_t cport = next_client_port++, tid;
	struct frame_info fi;
	int i;

	send_tftp(cport, TFTP_PORT, rrq, build_rrq(rrq, TFTP_OP_RRQ, "big.bin", "octet", opts));
	CU_ASSERT_FATAL(next_udp_fresh(cport, buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_OACK);
	CU_ASSERT_PTR_NOT_NULL(memmem(fi.payload, fi.payload_len, "tsize\0" "300000", 13));
	CU_ASSERT_PTR_NOT_NULL(memmem(fi.payload, fi.payload_len, "blksize\0" "1400", 13));
	tid = fi.src_port;
	send_ack(cport, tid, 0);
	for (i = 1; i <= 4; i++) {
		CU_ASSERT_FATAL(next_udp_fresh(cport, buf, sizeof(buf), &fi));
		CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_DATA);
		CU_ASSERT_EQUAL(rd16(fi.payload + 2), i);
		CU_ASSERT_EQUAL(fi.payload_len, 4 + 1400);
	}
	/* The client goes away: an ERROR from it ends the session. */
	send_tftp(cport, tid, "\0\5\0\0bye", 8);
	WAIT_STAT(tftp_client_aborts, 1);
}

/* Refusals: each gets its ERROR code from port 69, no session. */
static void
test_refusals(void)
{
	oldest_port = next_client_port;
	static const struct {
		uint16_t op;
		const char *name, *mode;
		uint16_t code;
	} rows[] = {
		{ TFTP_OP_RRQ, "missing.bin", "octet", TFTP_ENOTFOUND },
		{ TFTP_OP_RRQ, "../etc/passwd", "octet", TFTP_EACCESS },
		{ TFTP_OP_RRQ, "..\\..\\x", "octet", TFTP_EACCESS },
		{ TFTP_OP_WRQ, "up.bin", "octet", TFTP_EACCESS },
		{ TFTP_OP_RRQ, "hello.bin", "netascii", TFTP_EBADOP },
	};
	uint8_t rrq[128], buf[2048];
	struct frame_info fi;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint16_t cport = next_client_port++;

		send_tftp(cport, TFTP_PORT, rrq,
			  build_rrq(rrq, rows[i].op, rows[i].name, rows[i].mode, NULL));
		CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
		CU_ASSERT_EQUAL(fi.dst_port, cport);
		CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_ERROR);
		CU_ASSERT_EQUAL(rd16(fi.payload + 2), rows[i].code);
	}
}

/* An ACK for a block never sent (before ACK 0 of the OACK) ends the
 * transfer with ERROR 4 and counts a protocol error. */
static void
test_bad_ack(void)
{
	oldest_port = next_client_port;
	static const char *const opts[] = { "tsize", "0", NULL };
	uint8_t rrq[128], buf[2048];
	uint16_t cport = next_client_port++;
	uint64_t perr = STAT(tftp_protocol_errors);
	struct frame_info fi;

	send_tftp(cport, TFTP_PORT, rrq, build_rrq(rrq, TFTP_OP_RRQ, "hello.bin", "octet", opts));
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_OACK);
	send_ack(cport, fi.src_port, 7);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_ERROR);
	CU_ASSERT_EQUAL(rd16(fi.payload + 2), TFTP_EBADOP);
	CU_ASSERT_EQUAL(STAT(tftp_protocol_errors), perr + 1);
}

/* A datagram to a TID no session has gets ERROR 5 from that port. */
static void
test_unknown_tid(void)
{
	oldest_port = next_client_port;
	uint8_t buf[2048];
	struct frame_info fi;

	send_ack(next_client_port++, TFTP_TID_BASE + 17, 1);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(fi.src_port, TFTP_TID_BASE + 17);
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_ERROR);
	CU_ASSERT_EQUAL(rd16(fi.payload + 2), TFTP_EBADID);
}

/*
 * The trace event that ended client port cport's transfer. The worker
 * counts a completion a moment before it pushes the event: wait for it.
 */
static struct log_event
end_event(uint16_t cport)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;
	struct log_event ev = { 0 }, got = { 0 };
	bool found = false;

	/* kind 0 is LOG_TFTP_END itself: a zeroed event is no answer. */
	got.kind = LOG_KIND__MAX;
	while (!found && clock_mono_ns() < deadline) {
		while (rte_ring_dequeue_elem(dp.log_rings[0], &ev, sizeof(ev)) == 0)
			if (ev.kind == LOG_TFTP_END && ev.client_port == cport) {
				got = ev;
				found = true;
			}
		if (!found)
			usleep(200);
	}
	return got;
}

/*
 * A client that never answers (a spoofed source) gets its first packet
 * twice, never a third time, and the session ends silently as a timeout.
 * retries = 2 would allow three copies to a client that had answered.
 */
static void
test_reflection_cap(void)
{
	oldest_port = next_client_port;
	static const char *const opts[] = { "tsize", "0", NULL };
	const char *const *with[] = { NULL, opts };
	uint8_t rrq[128], buf[2048];
	struct frame_info fi;
	struct log_event ev;
	unsigned k;

	for (k = 0; k < 2; k++) {
		uint16_t cport = next_client_port++;
		uint64_t capped = STAT(tftp_reflection_capped);
		uint16_t want = with[k] ? TFTP_OP_OACK : TFTP_OP_DATA;

		send_tftp(cport, TFTP_PORT, rrq,
			  build_rrq(rrq, TFTP_OP_RRQ, "hello.bin", "octet", with[k]));
		CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
		CU_ASSERT_EQUAL(rd16(fi.payload), want);
		CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
		CU_ASSERT_EQUAL(rd16(fi.payload), want);
		WAIT_STAT(tftp_reflection_capped, capped + 1);
		/* Nothing more: no third copy, no ERROR. */
		CU_ASSERT_EQUAL(next_frame(buf, sizeof(buf)), 0);
		ev = end_event(cport);
		CU_ASSERT_EQUAL(ev.reason, TFTP_END_TIMEOUT);
		CU_ASSERT_EQUAL(ev.retransmits, 1);
	}
}

/* The kernel's answer to DATA for a closed socket: ICMP port unreachable. */
static void
send_port_unreachable(uint16_t tid, uint16_t cport, const uint8_t *data)
{
	uint8_t f[256] = { 0 }, *icmp, *q;
	size_t n = 14 + 20 + 8 + 20 + 8;
	uint16_t c;

	memcpy(f, dp.ports[0].local.mac, 6);
	memcpy(f + 6, client_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((n - 14) >> 8);
	f[17] = (uint8_t)(n - 14);
	f[22] = 64;
	f[23] = 1;
	memcpy(f + 26, (uint8_t[]){ 192, 0, 2, 10 }, 4);
	memcpy(f + 30, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	c = frame_csum_fold(frame_csum_add(0, f + 14, 20));
	memcpy(f + 24, &c, 2);
	icmp = f + 34;
	icmp[0] = 3;
	icmp[1] = 3;
	q = icmp + 8;
	memcpy(q, data + 14, 20 + 8);	/* our datagram's IPv4 + UDP headers */
	CU_ASSERT_EQUAL(rd16(q + 20), tid);
	CU_ASSERT_EQUAL(rd16(q + 22), cport);
	c = frame_csum_fold(frame_csum_add(0, icmp, 8 + 28));
	memcpy(icmp + 2, &c, 2);
	inject(f, n);
}

/* An ICMP port unreachable quoting our DATA ends the session at once. */
static void
test_unreachable(void)
{
	oldest_port = next_client_port;
	uint8_t rrq[128], buf[2048];
	uint16_t cport = next_client_port++;
	uint64_t un = STAT(tftp_unreachable), rtx = STAT(tftp_retransmits);
	struct frame_info fi;

	send_tftp(cport, TFTP_PORT, rrq, build_rrq(rrq, TFTP_OP_RRQ, "hello.bin", "octet", NULL));
	CU_ASSERT_FATAL(next_udp_fresh(cport, buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload), TFTP_OP_DATA);
	send_port_unreachable(fi.src_port, cport, buf);
	WAIT_STAT(tftp_unreachable, un + 1);
	/* The 1 s timer would have resent DATA 1: it is gone instead. */
	CU_ASSERT_EQUAL(next_frame(buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(STAT(tftp_retransmits), rtx);
	CU_ASSERT_EQUAL(end_event(cport).reason, TFTP_END_UNREACHABLE);
	/* The same ICMP again names no session: counted, nothing else. */
	send_port_unreachable(fi.src_port, cport, buf);
	WAIT_STAT(icmp_unreachable_unmatched, 1);
}

/*
 * One fresh source sends 40 RRQs at once with source_burst = 30 and
 * source_rate = 1: at most 31 are answered (a token may refill while they
 * arrive), the rest get silence and count as rate-limited. Another source
 * is still served.
 */
static void
test_rate_limit(void)
{
	oldest_port = next_client_port;
	const uint32_t src = 0xc000020bu;	/* 192.0.2.11 */
	struct frame_local other = client;
	uint64_t limited = STAT(tftp_rate_limited);
	uint8_t rrq[128], buf[2048];
	struct frame_info fi;
	unsigned i, errors = 0;
	size_t len;

	other.ip = src;
	for (i = 0; i < 40; i++)
		send_udp_from(src, SERVER_IP, dp.ports[0].local.mac, 50000 + i, TFTP_PORT, rrq,
			      build_rrq(rrq, TFTP_OP_RRQ, "missing.bin", "octet", NULL));
	while ((len = next_frame(buf, sizeof(buf))) > 0)
		if (frame_classify(buf, len, &other, 0, &fi) == FRAME_OK &&
		    rd16(fi.payload) == TFTP_OP_ERROR && rd16(fi.payload + 2) == TFTP_ENOTFOUND)
			errors++;
	CU_ASSERT(errors >= 30 && errors <= 31);
	CU_ASSERT_EQUAL(STAT(tftp_rate_limited) - limited, 40 - errors);
	/* The client's own bucket is its own. */
	send_tftp(next_client_port++, TFTP_PORT, rrq,
		  build_rrq(rrq, TFTP_OP_RRQ, "missing.bin", "octet", NULL));
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(rd16(fi.payload + 2), TFTP_ENOTFOUND);
}

/* A PXE DISCOVER from a BIOS client. */
static size_t
build_discover(uint8_t *b, const char *vendor)
{
	size_t n = DHCP_FIXED_LEN;

	memset(b, 0, DHCP_MIN_LEN + 64);
	b[0] = DHCP_OP_REQUEST; b[1] = DHCP_HTYPE_ETHER; b[2] = 6;
	b[4] = 0xca; b[5] = 0xfe; b[6] = 0x00; b[7] = 0x01;
	b[10] = 0x80;
	memcpy(b + 28, client_mac, 6);
	b[n++] = 99; b[n++] = 130; b[n++] = 83; b[n++] = 99;
	b[n++] = DHCP_OPT_MSG_TYPE; b[n++] = 1; b[n++] = DHCP_DISCOVER;
	b[n++] = DHCP_OPT_VENDOR_CLASS; b[n++] = (uint8_t)strlen(vendor);
	memcpy(b + n, vendor, strlen(vendor));
	n += strlen(vendor);
	b[n++] = DHCP_OPT_CLIENT_ARCH; b[n++] = 2; b[n++] = 0; b[n++] = 0;
	b[n++] = DHCP_OPT_END;
	return n < DHCP_MIN_LEN ? DHCP_MIN_LEN : n;
}

/* A PXE DISCOVER reaches the control thread's ring parsed, once; a
 * non-PXE one does not; the reply the control thread hands back goes out. */
static void
test_dhcp_path(void)
{
	oldest_port = next_client_port;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t d[DHCP_MIN_LEN + 64], buf[2048];
	uint64_t not_pxe = STAT(dhcp_not_pxe);
	struct dhcp_ring_reply rep = { 0 };
	struct dhcp_ring_req req;
	struct frame_info fi;
	uint64_t deadline;
	int got = -1;

	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, build_discover(d, "MSFT 5.0"));
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d,
		 build_discover(d, "PXEClient:Arch:00000:UNDI:002001"));
	deadline = clock_mono_ns() + WAIT_NS;
	while (got != 0 && clock_mono_ns() < deadline) {
		got = rte_ring_dequeue_elem(dp.dhcp_req, &req, sizeof(req));
		usleep(200);
	}
	CU_ASSERT_EQUAL_FATAL(got, 0);
	CU_ASSERT_EQUAL(STAT(dhcp_not_pxe), not_pxe + 1);
	CU_ASSERT_EQUAL(req.msg.msg_type, DHCP_DISCOVER);
	CU_ASSERT_TRUE(req.msg.is_pxeclient);
	CU_ASSERT_EQUAL(memcmp(req.msg.chaddr, client_mac, 6), 0);
	CU_ASSERT_EQUAL(req.msg.xid, 0xcafe0001u);
	CU_ASSERT_EQUAL(req.dst_port, DHCP_PORT_SERVER);
	CU_ASSERT_TRUE(req.broadcast);
	CU_ASSERT_EQUAL(rte_ring_count(dp.dhcp_req), 0);

	/* What the control thread would hand back. */
	memcpy(rep.dst_mac, bcast, 6);
	rep.dst_ip = 0xffffffffu;
	rep.src_port = DHCP_PORT_SERVER;
	rep.dst_port = DHCP_PORT_CLIENT;
	rep.len = 300;
	memset(rep.payload, 0x42, rep.len);
	CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue_elem(dp.dhcp_reply[0], &rep, sizeof(rep)), 0);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(fi.src_port, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(fi.dst_port, DHCP_PORT_CLIENT);
	CU_ASSERT_TRUE(fi.ip_broadcast);
	CU_ASSERT_EQUAL(fi.payload_len, 300);
	CU_ASSERT_EQUAL(fi.payload[299], 0x42);
}

/* A snapshot of the test's config with one once host (MAC 52:54:00:00:00:0b). */
static struct dhcp_snapshot *
test_snapshot(const char *bios)
{
	static const uint8_t once_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };
	struct dhcp_snap_host h = { 0 };
	struct dhcp_snapshot *s;
	uint32_t ip = SERVER_IP;

	CU_ASSERT_EQUAL_FATAL(dhcp_snap_create(&cfg, &ip, 1, &s), DHCP_SNAP_OK);
	snprintf(s->profiles[0].bios, sizeof(s->profiles[0].bios), "%s", bios);
	h.h.id = 5;
	h.h.action = BOOT_ACTION_ONCE;
	h.h.once_armed = true;
	snprintf(h.h.profile, sizeof(h.h.profile), "default");
	h.has_mac = true;
	memcpy(h.mac, once_mac, 6);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_add_host(s, &h), DHCP_SNAP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_snap_seal(s), DHCP_SNAP_OK);
	return s;
}

/* The next LOG_DHCP event of the worker, within WAIT_NS. */
static bool
next_dhcp_event(struct log_event *ev)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;

	while (clock_mono_ns() < deadline) {
		if (rte_ring_dequeue_elem(dp.log_rings[0], ev, sizeof(*ev)) == 0) {
			if (ev->kind == LOG_DHCP)
				return true;
			continue;
		}
		usleep(200);
	}
	return false;
}

/*
 * With a snapshot published, the worker answers a DISCOVER itself: the
 * OFFER comes with nothing on the control ring and nobody polling it, the
 * trace as a LOG_DHCP event. A new snapshot replaces it (the next OFFER
 * names its file) and the old one is freed once the worker passed a
 * quiescent state. A one-shot still goes to the control thread.
 */
static void
test_dhcp_snapshot(void)
{
	oldest_port = next_client_port;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t d[DHCP_MIN_LEN + 64], buf[2048];
	struct dhcp_ring_req req;
	struct frame_info fi;
	struct log_event ev;
	struct dhcp_msg m;
	uint64_t answered = STAT(dhcp_answered), to_control = STAT(dhcp_to_control);
	uint64_t deadline;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dp.dhcp_snap);
	while (rte_ring_dequeue_elem(dp.log_rings[0], &ev, sizeof(ev)) == 0)
		;
	dhcp_snap_rcu_publish(dp.dhcp_snap, test_snapshot("first.kpxe"));
	n = build_discover(d, "PXEClient:Arch:00000:UNDI:002001");
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL(fi.src_port, DHCP_PORT_SERVER);
	CU_ASSERT_EQUAL(fi.dst_port, DHCP_PORT_CLIENT);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi.payload, fi.payload_len, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.msg_type, DHCP_OFFER);
	CU_ASSERT_EQUAL(m.xid, 0xcafe0001u);
	CU_ASSERT_STRING_EQUAL(m.file, "first.kpxe");
	CU_ASSERT_EQUAL(m.siaddr, SERVER_IP);
	CU_ASSERT_EQUAL(rte_ring_count(dp.dhcp_req), 0);
	WAIT_STAT(dhcp_answered, answered + 1);
	CU_ASSERT_TRUE_FATAL(next_dhcp_event(&ev));
	CU_ASSERT_EQUAL(ev.dhcp.outcome, DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(ev.dhcp.xid, 0xcafe0001u);
	CU_ASSERT_STRING_EQUAL(ev.dhcp.file, "first.kpxe");
	CU_ASSERT_EQUAL(memcmp(ev.dhcp.mac, client_mac, 6), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(ev.dhcp.reason, "unknown computer: policy boot"));

	/* A new snapshot: the next answer is its; the old one is freed. */
	dhcp_snap_rcu_publish(dp.dhcp_snap, test_snapshot("second.kpxe"));
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi.payload, fi.payload_len, &m), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(m.file, "second.kpxe");
	deadline = clock_mono_ns() + WAIT_NS;
	while (dp.dhcp_snap->n_retired && clock_mono_ns() < deadline) {
		dhcp_snap_rcu_reclaim(dp.dhcp_snap);
		usleep(200);
	}
	CU_ASSERT_EQUAL(dp.dhcp_snap->n_retired, 0);
	CU_ASSERT_EQUAL(dp.dhcp_snap->freed, 1);

	/* dhcp.delay_ms: held in the worker's queue, then sent all the same. */
	{
		struct dhcp_snapshot *delayed = test_snapshot("delayed.kpxe");

		delayed->delay_ms = 50;
		dhcp_snap_rcu_publish(dp.dhcp_snap, delayed);
		send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
		CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi.payload, fi.payload_len, &m), DHCP_OK);
		CU_ASSERT_STRING_EQUAL(m.file, "delayed.kpxe");
		CU_ASSERT_EQUAL(STAT(dhcp_delay_full), 0);
	}

	/* The armed one-shot: to the control thread, nothing sent here. */
	d[28 + 5] = 0x0b;
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	WAIT_STAT(dhcp_to_control, to_control + 1);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue_elem(dp.dhcp_req, &req, sizeof(req)), 0);
	CU_ASSERT_EQUAL(req.msg.chaddr[5], 0x0b);
	CU_ASSERT_EQUAL(next_frame(buf, sizeof(buf)), 0);
}

/*
 * A fleet of two engines where this one does not own client_mac: its
 * DISCOVER is held (counted, traced with the owner's name, no reply: the
 * next frame out answers the MAC this engine owns, sent after it), and
 * the same xid retransmitted with secs = 4 is answered as standby.
 */
static void
test_dhcp_fleet(void)
{
	oldest_port = next_client_port;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const char *const names[] = { "eng-a", "eng-b" };
	uint8_t d[DHCP_MIN_LEN + 64], buf[2048], owned[6];
	uint64_t held = STAT(dhcp_held), standby = STAT(dhcp_standby_answers);
	struct dhcp_snapshot *s = test_snapshot("fleet.kpxe");
	struct dhcp_fleet f = { 0 };
	struct frame_info fi;
	struct log_event ev;
	struct dhcp_msg m;
	const char *owner;
	size_t n;
	int i;

	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, NULL), 0);
	owner = f.names[dhcp_fleet_owner(&f, client_mac)];
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_set(&f, names, 2, strcmp(owner, "eng-a") ? "eng-a" :
					     "eng-b"), 0);
	memcpy(owned, client_mac, 6);
	for (i = 0x10; i < 0x100 && dhcp_fleet_owner(&f, owned) != f.self; i++)
		owned[5] = (uint8_t)i;
	CU_ASSERT_EQUAL_FATAL(dhcp_fleet_owner(&f, owned), f.self);
	dhcp_snap_set_fleet(s, &f);
	CU_ASSERT_EQUAL(s->fleet.standby_delay_ms, 1500);
	while (rte_ring_dequeue_elem(dp.log_rings[0], &ev, sizeof(ev)) == 0)
		;
	dhcp_snap_rcu_publish(dp.dhcp_snap, s);

	n = build_discover(d, "PXEClient:Arch:00000:UNDI:002001");
	d[4] = 0x0f;	/* xid 0x0ffe0001: a request of its own */
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	/* The event is pushed after the count: the count is seen with it. */
	CU_ASSERT_TRUE_FATAL(next_dhcp_event(&ev));
	CU_ASSERT_EQUAL(STAT(dhcp_held), held + 1);
	CU_ASSERT_EQUAL(ev.dhcp.outcome, DHCP_OUT_HELD);
	CU_ASSERT_STRING_EQUAL(ev.dhcp.owner, owner);

	/* A client this engine owns: answered at once, the first frame out. */
	memcpy(d + 28, owned, 6);
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi.payload, fi.payload_len, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.msg_type, DHCP_OFFER);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, owned, 6), 0);
	CU_ASSERT_STRING_EQUAL(m.file, "fleet.kpxe");
	CU_ASSERT_TRUE_FATAL(next_dhcp_event(&ev));
	CU_ASSERT_EQUAL(ev.dhcp.outcome, DHCP_OUT_REPLY);
	CU_ASSERT_EQUAL(ev.dhcp.notes & (DHCP_NOTE_STANDBY | DHCP_NOTE_CHOSEN), 0);

	/* The held client asks again 4 s into its boot: the owner is silent. */
	memcpy(d + 28, client_mac, 6);
	d[8] = 0;
	d[9] = 4;	/* secs */
	send_udp(0xffffffffu, bcast, 68, DHCP_PORT_SERVER, d, n);
	CU_ASSERT_FATAL(next_udp(buf, sizeof(buf), &fi));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(fi.payload, fi.payload_len, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.msg_type, DHCP_OFFER);
	CU_ASSERT_EQUAL(m.xid, 0x0ffe0001u);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, client_mac, 6), 0);
	CU_ASSERT_TRUE_FATAL(next_dhcp_event(&ev));
	CU_ASSERT_EQUAL(STAT(dhcp_standby_answers), standby + 1);
	CU_ASSERT_EQUAL(STAT(dhcp_held), held + 1);
	CU_ASSERT_EQUAL(ev.dhcp.outcome, DHCP_OUT_REPLY);
	CU_ASSERT(ev.dhcp.notes & DHCP_NOTE_STANDBY);
	CU_ASSERT(ev.dhcp.silent_ms >= 4000);	/* secs; more if this machine stalled */
	CU_ASSERT_STRING_EQUAL(ev.dhcp.owner, owner);
}

/*
 * Retiring without a live worker: a reader that has not reported since the
 * swap keeps the old snapshot alive; its quiescent report frees it. A
 * reader that went offline holds nothing.
 */
static void
test_snap_rcu_retire(void)
{
	oldest_port = next_client_port;
	/* The readers' QSBR, as setup.c makes it for two workers. */
	struct rte_rcu_qsbr *qs = rte_zmalloc("test_qsbr", rte_rcu_qsbr_get_memsize(2),
					      RTE_CACHE_LINE_SIZE);
	struct dhcp_snap_rcu *r;

	CU_ASSERT_FATAL(qs && rte_rcu_qsbr_init(qs, 2) == 0);
	r = dhcp_snap_rcu_create(qs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	rte_rcu_qsbr_thread_register(qs, 1);	/* this thread plays worker 1 */
	rte_rcu_qsbr_thread_online(qs, 1);
	dhcp_snap_rcu_publish(r, test_snapshot("a.kpxe"));
	CU_ASSERT_EQUAL(r->n_retired, 0);	/* nothing replaced yet */
	CU_ASSERT_PTR_NOT_NULL(dhcp_snap_rcu_get(r));
	dhcp_snap_rcu_publish(r, test_snapshot("b.kpxe"));
	CU_ASSERT_EQUAL(r->n_retired, 1);
	CU_ASSERT_EQUAL(dhcp_snap_rcu_reclaim(r), 0);	/* worker 1 may hold a.kpxe */
	CU_ASSERT_EQUAL(dhcp_snap_rcu_reclaim(r), 0);
	CU_ASSERT_STRING_EQUAL(dhcp_snap_rcu_get(r)->profiles[0].bios, "b.kpxe");
	rte_rcu_qsbr_quiescent(qs, 1);
	CU_ASSERT_EQUAL(dhcp_snap_rcu_reclaim(r), 1);
	CU_ASSERT_EQUAL(r->n_retired, 0);
	/* Offline: a swap is free at once. */
	rte_rcu_qsbr_thread_offline(qs, 1);
	rte_rcu_qsbr_thread_unregister(qs, 1);
	dhcp_snap_rcu_publish(r, test_snapshot("c.kpxe"));
	CU_ASSERT_EQUAL(dhcp_snap_rcu_reclaim(r), 1);
	CU_ASSERT_EQUAL(r->freed, 2);
	dhcp_snap_rcu_free(r);
	rte_free(qs);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "ARP request answered", test_arp },
		{ "junk dropped and counted, nothing sent", test_junk },
		{ "RRQ lock-step to the end, one trace event", test_rrq_lockstep },
		{ "RRQ with options: OACK, window of 4", test_rrq_options_window },
		{ "refusals: not found, traversal, WRQ, netascii", test_refusals },
		{ "ACK for a block never sent ends with ERROR 4", test_bad_ack },
		{ "unknown TID gets ERROR 5", test_unknown_tid },
		{ "unanswered first packet: two copies, then silence", test_reflection_cap },
		{ "ICMP port unreachable ends the session", test_unreachable },
		{ "new sessions per source rate-limited", test_rate_limit },
		{ "DHCP: parsed once onto the ring, reply sent", test_dhcp_path },
		{ "DHCP: answered by the worker from a published snapshot", test_dhcp_snapshot },
		{ "DHCP: a fleet: another engine's client held, then standby", test_dhcp_fleet },
		{ "DHCP: a snapshot outlives its last reader, no longer", test_snap_rcu_retire },
		{ NULL, NULL },
	};

	if (geteuid() != 0 || eal_start() < 0) {
		fprintf(stderr, "test_worker: EAL cannot start here: skipped\n");
		return 77;
	}
	return unit_run_fixture("eal: worker loop on net_ring", setup, teardown, tests);
}
