/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core/tx.c's one UDP send on a real EAL mempool, without a port: an
 * lcore whose frames stay in its TX queue, read back and reassembled as a
 * receiver's stack would (RFC 791 / RFC 8200 4.5 rules checked frame by
 * frame), then classified whole by proto/frame(6), which checks the UDP
 * checksum over the entire datagram. The payload comes from two fake
 * cache chunks (data, checksum prefix sums, an ext-buf refcount), with a
 * piece that ends and one that starts at odd offsets, copied and attached
 * (zero copy). Exits 77 where EAL cannot start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/core/tx.h"
#include "dataplane/proto/csum.h"
#include "dataplane/proto/frame6.h"
#include "unit.h"

#define CHUNK_LEN 65536
#define MAX_DGRAM 65536

static struct lcore lc;
static struct port port;
static struct cache_chunk chunks[2];
static uint8_t head[4] = { 0, 3, 0x12, 0x34 };	/* a TFTP DATA header */
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

static void
chunk_free_cb(void *addr, void *opaque)
{
	(void)addr;
	(void)opaque;
}

static int
fake_chunk(struct cache_chunk *ch, unsigned seed)
{
	uint32_t i;

	memset(ch, 0, sizeof(*ch));
	ch->data = rte_malloc("test_chunk", CHUNK_LEN, 64);
	ch->sums = rte_malloc("test_sums", csum_prefix_entries(CHUNK_LEN) * sizeof(uint32_t), 0);
	if (!ch->data || !ch->sums)
		return -1;
	for (i = 0; i < CHUNK_LEN; i++)
		ch->data[i] = (uint8_t)(i * 31 + seed + i / 509);
	ch->len = CHUNK_LEN;
	csum_prefix_fill(ch->data, CHUNK_LEN, ch->sums);
	ch->iova = rte_malloc_virt2iova(ch->data);
	ch->shinfo.free_cb = chunk_free_cb;
	rte_mbuf_ext_refcnt_set(&ch->shinfo, 1);
	return 0;
}

static int
setup(void)
{
	memset(&port, 0, sizeof(port));
	port.mtu = 1500;
	memcpy(port.local.mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	port.local.ip = 0xc0000202u;
	memcpy(port.local.ip6, our6, 16);
	frame6_link_local(port.local.mac, port.local.ll6);
	memset(&lc, 0, sizeof(lc));
	lc.pool = rte_pktmbuf_pool_create("pxl_tx_pool", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	lc.ports = &port;
	lc.n_ports = 1;
	lc.n_workers = 1;
	if (!lc.pool || fake_chunk(&chunks[0], 0) != 0 || fake_chunk(&chunks[1], 77) != 0)
		return -1;
	return 0;
}

static int
teardown(void)
{
	return 0;
}

/* The pieces of a block: header, the tail of chunk 0 from off0, the head
 * of chunk 1 (len1 bytes). Returns the payload length, its bytes in want. */
static size_t
pieces_for(struct tx_piece pc[3], uint32_t off0, uint32_t len1, uint8_t *want)
{
	pc[0] = (struct tx_piece){ head, sizeof(head), NULL };
	pc[1] = (struct tx_piece){ chunks[0].data + off0, CHUNK_LEN - off0, &chunks[0] };
	pc[2] = (struct tx_piece){ chunks[1].data, len1, &chunks[1] };
	memcpy(want, head, 4);
	memcpy(want + 4, pc[1].p, pc[1].len);
	memcpy(want + 4 + pc[1].len, pc[2].p, len1);
	return 4 + pc[1].len + len1;
}

/* What one datagram's frames said, fragment by fragment. */
struct seen {
	int n;
	uint32_t id;
	size_t max_frame;
	bool rules_ok;		/* offsets, M, lengths, ids as RFC 791/8200 want */
};

/* Ethernet header length of what the port sends (tagged or not). */
#define L2 ((size_t)(port.local.vlan ? 18 : 14))

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Takes the frames tx_udp queued (they were not sent: no port) and puts
 * the datagram back together into out as one unfragmented frame of the
 * same family; returns its length, 0 when it cannot be.
 */
static size_t
collect(bool ipv6, uint8_t *out, struct seen *s)
{
	static uint8_t f[2048];
	struct lcore_txq *q = &lc.txq[0];
	size_t at = 0, total = 0, flen, len, fhl;
	uint16_t offw;
	uint32_t id;
	int i;

	memset(s, 0, sizeof(*s));
	s->rules_ok = true;
	s->n = q->n;
	for (i = 0; i < q->n; i++) {
		struct rte_mbuf *m = q->m[i];

		len = m->pkt_len;
		if (len > sizeof(f))
			return 0;
		memcpy(f, rte_pktmbuf_read(m, 0, len, f), len);
		rte_pktmbuf_free(m);
		if (len > s->max_frame)
			s->max_frame = len;
		if (q->n == 1) {
			memcpy(out, f, len);
			total = len;
			continue;
		}
		if (ipv6) {
			/* IPv6 + Fragment header, the fragmentable part after. */
			if (f[L2 + 6] != 44 || f[L2 + 40] != 17)
				s->rules_ok = false;
			offw = rd16(f + L2 + 40 + 2);
			id = (uint32_t)rd16(f + L2 + 44) << 16 | rd16(f + L2 + 46);
			flen = rd16(f + L2 + 4) - 8u;
			fhl = L2 + 48;
			if ((offw & 0xfff8) != at || ((offw & 1) != (i + 1 < q->n)))
				s->rules_ok = false;
		} else {
			offw = rd16(f + L2 + 6);
			id = rd16(f + L2 + 4);
			flen = rd16(f + L2 + 2) - 20u;
			fhl = L2 + 20;
			if ((size_t)(offw & 0x1fff) * 8 != at || (!!(offw & 0x2000) != (i + 1 < q->n)))
				s->rules_ok = false;
		}
		if (i + 1 < q->n && flen % 8 != 0)
			s->rules_ok = false;
		if (i == 0)
			s->id = id;
		else if (id != s->id)
			s->rules_ok = false;
		if (i == 0)
			memcpy(out, f, fhl - (ipv6 ? 8 : 0));
		memcpy(out + (ipv6 ? L2 + 40 : L2 + 20) + at, f + fhl, flen);
		at += flen;
		total = (ipv6 ? L2 + 40 : L2 + 20) + at;
	}
	q->n = 0;
	if (s->n > 1) {
		/* The reassembled header: no fragment header, whole lengths. */
		if (ipv6) {
			out[L2 + 6] = 17;
			out[L2 + 4] = (uint8_t)(at >> 8);
			out[L2 + 5] = (uint8_t)at;
		} else {
			uint16_t c;

			out[L2 + 2] = (uint8_t)((at + 20) >> 8);
			out[L2 + 3] = (uint8_t)(at + 20);
			out[L2 + 6] = out[L2 + 7] = 0;
			out[L2 + 10] = out[L2 + 11] = 0;
			c = frame_csum_fold(frame_csum_add(0, out + L2, 20));
			memcpy(out + L2 + 10, &c, 2);
		}
	}
	return total;
}

/* Sends one datagram to the peer and checks what a receiver makes of it:
 * its payload exactly want, its UDP checksum right over all of it. */
static void
send_and_check(bool ipv6, bool zc, uint32_t off0, uint32_t len1, int want_frags,
	       uint32_t *ret_id)
{
	static uint8_t want[MAX_DGRAM], dgram[MAX_DGRAM + 64];
	struct frame_udp_tx t;
	struct tx_piece pc[3];
	struct seen s;
	size_t n, len;
	int sent;

	port.tx_zero_copy = zc;
	n = pieces_for(pc, off0, len1, want);
	tx_udp_addr(&lc, 0, peer_mac, ipv6 ? ip_addr_v6(peer6) : ip_addr_v4(0xc000020a), 1758,
		    40000, &t);
	CU_ASSERT_EQUAL(t.ipv6, ipv6);
	sent = tx_udp(&lc, 0, &t, pc, 3);
	CU_ASSERT_EQUAL(sent, want_frags);
	len = collect(ipv6, dgram, &s);
	CU_ASSERT_EQUAL(s.n, want_frags);
	CU_ASSERT_TRUE(s.rules_ok);
	CU_ASSERT(s.max_frame <= L2 + port.mtu);
	if (ret_id)
		*ret_id = s.id;
	if (ipv6) {
		struct frame6_info fi;

		CU_ASSERT_EQUAL_FATAL(frame6_classify(dgram, len, port.local.vlan, 0, &fi), FRAME6_OK);
		CU_ASSERT_EQUAL(fi.kind, FRAME6_UDP);
		CU_ASSERT_EQUAL(memcmp(fi.src, our6, 16), 0);
		CU_ASSERT_EQUAL(memcmp(fi.dst, peer6, 16), 0);
		CU_ASSERT_EQUAL(fi.src_port, 1758);
		CU_ASSERT_EQUAL_FATAL(fi.payload_len, n);
		CU_ASSERT_EQUAL(memcmp(fi.payload, want, n), 0);
	} else {
		struct frame_local peer = { { 0x02, 0, 0, 0, 0, 0x99 }, 0xc000020a, 0xffffff00u, 0,
					    { 0 }, { 0 } };
		struct frame_info fi;

		CU_ASSERT_EQUAL_FATAL(frame_classify(dgram, len, &peer, 0, &fi), FRAME_OK);
		CU_ASSERT_EQUAL_FATAL(fi.payload_len, n);
		CU_ASSERT_EQUAL(memcmp(fi.payload, want, n), 0);
	}
}

/* One frame: 4 + 499 bytes (a piece at an odd chunk offset). */
static void
test_v6_single(void)
{
	send_and_check(true, false, CHUNK_LEN - 499, 0, 1, NULL);
	send_and_check(true, true, CHUNK_LEN - 499, 0, 1, NULL);
	/* The largest that fits 1500: 1452 bytes of UDP payload. */
	send_and_check(true, false, CHUNK_LEN - 1448, 0, 1, NULL);
}

/*
 * 4 + 4097 + 4099 = 8200 bytes: the chunk edge at 4101 falls inside the
 * third fragment (1448 each), pieces of odd length on both sides. Six
 * fragments: 5 x 1448 + 968 = 8208 = 8 + 8200.
 */
static void
test_v6_fragments(void)
{
	uint32_t id1, id2;
	uint64_t f6 = lc.stats.tx_fragments6, d6 = lc.stats.tx_datagrams6;

	send_and_check(true, false, CHUNK_LEN - 4097, 4099, 6, &id1);
	send_and_check(true, true, CHUNK_LEN - 4097, 4099, 6, &id2);
	CU_ASSERT_NOT_EQUAL(id1, id2);	/* a new id per datagram */
	CU_ASSERT_EQUAL(lc.stats.tx_fragments6, f6 + 12);
	CU_ASSERT_EQUAL(lc.stats.tx_datagrams6, d6 + 2);
	/* Exactly one fragment's worth over: 1452 + 1 bytes of UDP. */
	send_and_check(true, false, CHUNK_LEN - 1449, 0, 2, NULL);
	/* The largest TFTP block (65464) over 46 frames. */
	send_and_check(true, true, CHUNK_LEN - 33000, 32460, 46, NULL);
}

/* The minimum IPv6 link MTU (RFC 8200 5): 1232 bytes a fragment. */
static void
test_v6_mtu_1280(void)
{
	port.mtu = 1280;
	send_and_check(true, false, CHUNK_LEN - 4097, 4099, 7, NULL);
	port.mtu = 1500;
}

/* Tagged: the longest header (18 + 40 + 8) still fits the template. */
static void
test_v6_vlan(void)
{
	port.local.vlan = 100;
	send_and_check(true, false, CHUNK_LEN - 499, 0, 1, NULL);
	send_and_check(true, true, CHUNK_LEN - 4097, 4099, 6, NULL);
	port.local.vlan = 0;
}

/* The same pieces over IPv4: the path both families share. */
static void
test_v4_fragments(void)
{
	send_and_check(false, false, CHUNK_LEN - 4097, 4099, 6, NULL);
	send_and_check(false, true, CHUNK_LEN - 4097, 4099, 6, NULL);
	send_and_check(false, false, CHUNK_LEN - 499, 0, 1, NULL);
}

/* A link-local peer gets the link-local source (DHCPv6's case). */
static void
test_v6_source(void)
{
	static const uint8_t ll_peer[16] = { 0xfe, 0x80, [15] = 0x10 };
	struct frame_udp_tx t;

	tx_udp_addr(&lc, 0, peer_mac, ip_addr_v6(ll_peer), 547, 546, &t);
	CU_ASSERT_TRUE(t.ipv6);
	CU_ASSERT_EQUAL(memcmp(t.src6, port.local.ll6, 16), 0);
	tx_udp_addr(&lc, 0, peer_mac, ip_addr_v6(peer6), 547, 546, &t);
	CU_ASSERT_EQUAL(memcmp(t.src6, our6, 16), 0);
	CU_ASSERT_EQUAL(t.ttl, 64);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "IPv6: one frame, copied and attached", test_v6_single },
		{ "IPv6: Fragment headers across a chunk edge, ids, 46 frames", test_v6_fragments },
		{ "IPv6: MTU 1280", test_v6_mtu_1280 },
		{ "IPv6: on VLAN 100", test_v6_vlan },
		{ "IPv4: the same pieces, fragments", test_v4_fragments },
		{ "IPv6: source address by the peer's scope", test_v6_source },
		{ NULL, NULL },
	};
	char *argv[] = { "test_tx", "-l", "0", "--no-huge", "-m", "128", "--no-pci",
			 "--no-shconf", "--file-prefix", "pxl-tx-test", "--log-level", "error", NULL };

	if (geteuid() != 0 || rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "test_tx: EAL cannot start here: skipped\n");
		return 77;
	}
	return unit_run_fixture("eal: tx_udp of both families", setup, teardown, tests);
}
