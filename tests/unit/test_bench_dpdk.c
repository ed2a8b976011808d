/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK engine's pure parts, without EAL: client address and MAC
 * assignment, the receive decision (ARP for clients, learning the server,
 * datagrams by destination, hostile frames) and fragment reassembly
 * against the original datagram in every arrival order.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bench/bench_clients.h"
#include "bench/bench_reasm.h"
#include "dataplane/proto/frame.h"
#include "unit.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SERVER IP(192, 0, 2, 2)
#define FIRST IP(192, 0, 2, 100)
#define NET IP(192, 0, 2, 0)
#define MASK24 0xffffff00u
#define NCLIENTS 100

static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static struct bench_clients cl;

/* ---- addresses ---- */

static void
test_parse_net(void)
{
	static const struct {
		const char *name;
		const char *s;
		enum bench_clients_err want;
		uint32_t net, mask;
	} rows[] = {
		{ "plain /24", "192.0.2.0/24", BENCH_CLIENTS_OK, NET, MASK24 },
		{ "host bits are masked", "192.0.2.77/24", BENCH_CLIENTS_OK, NET, MASK24 },
		{ "/30", "198.51.100.4/30", BENCH_CLIENTS_OK, IP(198, 51, 100, 4), 0xfffffffcu },
		{ "/1", "128.0.0.0/1", BENCH_CLIENTS_OK, 0x80000000u, 0x80000000u },
		{ "no prefix", "192.0.2.0", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "empty prefix", "192.0.2.0/", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "prefix 0", "192.0.2.0/0", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "/31 has no room", "192.0.2.0/31", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "/33", "192.0.2.0/33", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "negative prefix", "192.0.2.0/-8", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "plus prefix", "192.0.2.0/+8", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "trailing junk", "192.0.2.0/24x", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "octet 300", "300.0.2.0/24", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "no address", "/24", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "empty", "", BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "too long", "192.0.2.0/24                                  ",
		  BENCH_CLIENTS_ERR_NET, 0, 0 },
		{ "NULL", NULL, BENCH_CLIENTS_ERR_NET, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t net = 1, mask = 1;
		enum bench_clients_err e = bench_clients_parse_net(rows[i].s, &net, &mask);

		CU_ASSERT_EQUAL(e, rows[i].want);
		if (e != rows[i].want)
			fprintf(stderr, "row %s: got %s\n", rows[i].name,
				bench_clients_strerror(e));
		if (rows[i].want == BENCH_CLIENTS_OK) {
			CU_ASSERT_EQUAL(net, rows[i].net);
			CU_ASSERT_EQUAL(mask, rows[i].mask);
		}
	}
}

static void
test_init(void)
{
	static const struct {
		const char *name;
		uint32_t net, mask, first, count, server;
		enum bench_clients_err want;
	} rows[] = {
		{ "lab", NET, MASK24, FIRST, 100, SERVER, BENCH_CLIENTS_OK },
		{ "up to .254", NET, MASK24, FIRST, 155, SERVER, BENCH_CLIENTS_OK },
		{ "thousands in a /20", IP(198, 51, 96, 0), 0xfffff000u,
		  IP(198, 51, 96, 10), 4000, IP(198, 51, 96, 1), BENCH_CLIENTS_OK },
		{ "no clients", NET, MASK24, FIRST, 0, SERVER, BENCH_CLIENTS_ERR_COUNT },
		{ "covers broadcast", NET, MASK24, FIRST, 156, SERVER,
		  BENCH_CLIENTS_ERR_SPECIAL },
		{ "runs off the net", NET, MASK24, FIRST, 300, SERVER,
		  BENCH_CLIENTS_ERR_OUTSIDE },
		{ "first is the network", NET, MASK24, NET, 10, SERVER,
		  BENCH_CLIENTS_ERR_SPECIAL },
		{ "first outside", NET, MASK24, IP(192, 0, 3, 1), 1, SERVER,
		  BENCH_CLIENTS_ERR_OUTSIDE },
		{ "wraps 2^32", IP(255, 255, 255, 0), MASK24, IP(255, 255, 255, 250),
		  20, IP(255, 255, 255, 1), BENCH_CLIENTS_ERR_OUTSIDE },
		{ "server off the link", NET, MASK24, FIRST, 10, IP(198, 51, 100, 2),
		  BENCH_CLIENTS_ERR_SERVER },
		{ "server among clients", NET, MASK24, IP(192, 0, 2, 1), 10, SERVER,
		  BENCH_CLIENTS_ERR_SERVER },
		{ "server is broadcast", NET, MASK24, FIRST, 10, IP(192, 0, 2, 255),
		  BENCH_CLIENTS_ERR_SERVER },
		{ "server is the network", NET, MASK24, FIRST, 10, NET,
		  BENCH_CLIENTS_ERR_SERVER },
	};
	struct bench_clients c;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum bench_clients_err e = bench_clients_init(&c, rows[i].net, rows[i].mask,
							      rows[i].first, rows[i].count,
							      rows[i].server);

		CU_ASSERT_EQUAL(e, rows[i].want);
		if (e != rows[i].want)
			fprintf(stderr, "row %s: got %s\n", rows[i].name,
				bench_clients_strerror(e));
		CU_ASSERT_PTR_NOT_NULL(bench_clients_strerror(e));
	}
	CU_ASSERT_STRING_EQUAL(bench_clients_strerror(BENCH_CLIENTS_ERR__MAX), "unknown");
}

static void
test_mac_and_index(void)
{
	struct bench_clients c;
	uint8_t mac[6], prev[6] = { 0 };
	uint32_t i, idx;

	CU_ASSERT_EQUAL_FATAL(bench_clients_init(&c, IP(198, 51, 96, 0), 0xfffff000u,
						 IP(198, 51, 96, 10), 4000,
						 IP(198, 51, 96, 1)), BENCH_CLIENTS_OK);
	bench_clients_mac(&cl, 0, mac);
	{
		static const uint8_t want[6] = { 0x02, 0x62, 192, 0, 2, 100 };

		CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	}
	for (i = 0; i < c.count; i++) {
		bench_clients_mac(&c, i, mac);
		CU_ASSERT_EQUAL(mac[0] & 0x01, 0);	/* unicast */
		CU_ASSERT_EQUAL(mac[0] & 0x02, 0x02);	/* locally administered */
		/* Addresses ascend, so MACs ascend: all distinct. */
		if (i)
			CU_ASSERT(memcmp(prev, mac, 6) < 0);
		memcpy(prev, mac, 6);
		CU_ASSERT_TRUE(bench_clients_index(&c, bench_clients_ip(&c, i), &idx));
		CU_ASSERT_EQUAL(idx, i);
	}
	CU_ASSERT_FALSE(bench_clients_index(&c, IP(198, 51, 96, 9), &idx));
	CU_ASSERT_FALSE(bench_clients_index(&c, IP(198, 51, 96, 10) + 4000, &idx));
	CU_ASSERT_FALSE(bench_clients_index(&c, 0, &idx));
	CU_ASSERT_FALSE(bench_clients_index(&c, 0xffffffffu, &idx));
}

static void
test_port(void)
{
	uint32_t g;
	uint16_t prev = 0;

	for (g = 0; g < 200000; g++) {
		uint16_t p = bench_clients_port(g);

		CU_ASSERT(p >= 1024);
		if (g)
			CU_ASSERT_NOT_EQUAL(p, prev);	/* a new TID per transfer */
		prev = p;
	}
	CU_ASSERT_EQUAL(bench_clients_port(0xffffffffu) >= 1024, 1);
}

/* ---- crafted frames ---- */

static size_t
mk_arp(uint8_t *f, uint16_t op, const uint8_t sha[6], uint32_t spa, uint32_t tpa)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *a = f + 14;

	memset(f, 0, 60);
	memcpy(f, bc, 6);
	memcpy(f + 6, sha, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a[1] = 1;
	a[2] = 0x08;
	a[4] = 6;
	a[5] = 4;
	a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	a[14] = spa >> 24; a[15] = spa >> 16; a[16] = spa >> 8; a[17] = (uint8_t)spa;
	a[24] = tpa >> 24; a[25] = tpa >> 16; a[26] = tpa >> 8; a[27] = (uint8_t)tpa;
	return 60;
}

/* A UDP datagram from src to dst (MAC dmac) with len payload bytes. */
static size_t
mk_udp(uint8_t *f, size_t cap, const uint8_t dmac[6], uint32_t src, uint32_t dst,
       uint16_t dport, const uint8_t *payload, size_t len)
{
	struct frame_udp_tx t;
	size_t h;

	memset(&t, 0, sizeof(t));
	memcpy(t.src_mac, server_mac, 6);
	memcpy(t.dst_mac, dmac, 6);
	t.src_ip = src;
	t.dst_ip = dst;
	t.src_port = 50000;
	t.dst_port = dport;
	t.ip_id = 0x1234;
	h = frame_build_udp_header(f, cap, &t, len, frame_udp_csum(&t, payload, len));
	CU_ASSERT_FATAL(h == 42 && h + len <= cap);
	memcpy(f + h, payload, len);
	return h + len;
}

static void
ip_recsum(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = frame_csum_fold(frame_csum_add(0, ip, 20));
	memcpy(ip + 10, &c, 2);
}

static void
test_rx_decisions(void)
{
	static const uint8_t stranger[6] = { 0x02, 0x99, 0, 0, 0, 9 };
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t data[] = { 0, 3, 0, 1, 'h', 'i' };
	uint8_t f[2048], c3[6], reply[128], seen[6];
	struct bench_rx rx;
	struct frame_local srv;
	struct frame_info fi;
	size_t n;

	bench_clients_mac(&cl, 3, c3);

	/* ARP request for client 5, from the server: answer as client 5. */
	mk_arp(f, 1, server_mac, SERVER, FIRST + 5);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_ARP_REPLY);
	CU_ASSERT_EQUAL(rx.client, 5);
	n = bench_clients_build_arp_reply(&cl, &rx, reply, sizeof(reply));
	CU_ASSERT_EQUAL_FATAL(n, 60);
	memset(&srv, 0, sizeof(srv));
	memcpy(srv.mac, server_mac, 6);
	srv.ip = SERVER;
	srv.netmask = MASK24;
	CU_ASSERT_EQUAL(frame_classify(reply, n, &srv, 0, &fi), FRAME_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME_ARP_REPLY);
	CU_ASSERT_EQUAL(fi.src_ip, FIRST + 5);
	CU_ASSERT_EQUAL(fi.dst_ip, SERVER);
	bench_clients_mac(&cl, 5, seen);
	CU_ASSERT_EQUAL(memcmp(fi.src_mac, seen, 6), 0);
	CU_ASSERT_EQUAL(memcmp(fi.dst_mac, server_mac, 6), 0);
	/* A reply is built only for an ARP_REPLY verdict. */
	rx.action = BENCH_RX_UDP;
	CU_ASSERT_EQUAL(bench_clients_build_arp_reply(&cl, &rx, reply, sizeof(reply)), 0);

	/* Anyone may ask for a client: the kernel peer of a veth does. */
	mk_arp(f, 1, stranger, IP(192, 0, 2, 50), FIRST + NCLIENTS - 1);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_ARP_REPLY);
	CU_ASSERT_EQUAL(rx.client, NCLIENTS - 1);

	/* Hostile or irrelevant ARP. */
	mk_arp(f, 1, server_mac, SERVER, FIRST + NCLIENTS);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_NOT_CLIENT);
	mk_arp(f, 1, stranger, IP(192, 0, 2, 50), SERVER);	/* for the server */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_NOT_CLIENT);
	mk_arp(f, 1, group, IP(192, 0, 2, 50), FIRST);	/* group sender MAC */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_MALFORMED);
	mk_arp(f, 3, server_mac, SERVER, FIRST);		/* RARP opcode */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_MALFORMED);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 20, 0, &rx), BENCH_RX_DROP);	/* cut */
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_MALFORMED);

	/* ARP replies: the server's teaches its MAC, others are ignored. */
	mk_arp(f, 2, server_mac, SERVER, FIRST);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_LEARN);
	CU_ASSERT_EQUAL(memcmp(rx.fi.src_mac, server_mac, 6), 0);
	mk_arp(f, 2, stranger, IP(192, 0, 2, 50), FIRST);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 60, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_ARP_OTHER);

	/* A datagram from the server to client 3 at its own MAC. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST + 3, 4321, data, sizeof(data));
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_UDP);
	CU_ASSERT_EQUAL(rx.client, 3);
	CU_ASSERT_EQUAL(rx.fi.dst_port, 4321);
	CU_ASSERT_EQUAL(rx.fi.src_port, 50000);
	CU_ASSERT_EQUAL_FATAL(rx.fi.payload_len, sizeof(data));
	CU_ASSERT_EQUAL(memcmp(rx.fi.payload, data, sizeof(data)), 0);

	/* The same to client 3's address but another client's MAC. */
	n = mk_udp(f, sizeof(f), server_mac, SERVER, FIRST + 3, 4321, data, sizeof(data));
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_WRONG_MAC);
	/* From someone other than the server. */
	n = mk_udp(f, sizeof(f), c3, IP(192, 0, 2, 3), FIRST + 3, 4321, data, sizeof(data));
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_FOREIGN);
	/* To an address that is no client, and to broadcast. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST - 1, 4321, data, sizeof(data));
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_NOT_CLIENT);
	n = mk_udp(f, sizeof(f), bcast, SERVER, 0xffffffffu, 68, data, sizeof(data));
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_NOT_EQUAL(rx.drop, BENCH_DROP_NONE);
	/* A flipped payload byte: the UDP checksum catches it. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST + 3, 4321, data, sizeof(data));
	f[n - 1] ^= 0x40;
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_MALFORMED);
	CU_ASSERT_EQUAL(rx.err, FRAME_ERR_UDP_CSUM);
	/* ... unless the NIC vouched for it. */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, FRAME_L4_CSUM_GOOD, &rx), BENCH_RX_UDP);
	/* Truncated inside the IPv4 header. */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, 30, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_MALFORMED);
	/* A bad IPv4 header checksum. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST + 3, 4321, data, sizeof(data));
	f[14 + 8] ^= 1;		/* TTL */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.err, FRAME_ERR_IP_CSUM);

	/* A fragment for client 3: to the reassembler, not to the session. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST + 3, 4321, data, sizeof(data));
	f[14 + 6] = 0x20;	/* MF */
	ip_recsum(f + 14);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_FRAGMENT);
	CU_ASSERT_EQUAL(rx.client, 3);
	CU_ASSERT_EQUAL(rx.fi.l3_off, 14);
	/* A fragment to someone else, or from someone else. */
	n = mk_udp(f, sizeof(f), c3, SERVER, FIRST + NCLIENTS, 4321, data, sizeof(data));
	f[14 + 6] = 0x20;
	ip_recsum(f + 14);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_NOT_CLIENT);
	n = mk_udp(f, sizeof(f), c3, IP(192, 0, 2, 3), FIRST + 3, 4321, data, sizeof(data));
	f[14 + 6] = 0x20;
	ip_recsum(f + 14);
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, f, n, 0, &rx), BENCH_RX_DROP);
	CU_ASSERT_EQUAL(rx.drop, BENCH_DROP_FOREIGN);
	CU_ASSERT_STRING_EQUAL(bench_rx_drop_str(BENCH_DROP__MAX), "unknown");
}

static void
test_arp_request(void)
{
	uint8_t f[128], mac[6];
	struct frame_local srv;
	struct frame_info fi;
	size_t n;

	n = bench_clients_build_arp_request(&cl, 7, f, sizeof(f));
	CU_ASSERT_EQUAL_FATAL(n, BENCH_CLIENTS_ARP_LEN);
	memset(&srv, 0, sizeof(srv));
	memcpy(srv.mac, server_mac, 6);
	srv.ip = SERVER;
	srv.netmask = MASK24;
	/* The server's own codec takes it as a request for its address. */
	CU_ASSERT_EQUAL(frame_classify(f, n, &srv, 0, &fi), FRAME_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME_ARP_REQUEST);
	CU_ASSERT_EQUAL(fi.src_ip, FIRST + 7);
	bench_clients_mac(&cl, 7, mac);
	CU_ASSERT_EQUAL(memcmp(fi.src_mac, mac, 6), 0);
	CU_ASSERT_EQUAL(fi.dst_mac[0], 0xff);
	CU_ASSERT_EQUAL(bench_clients_build_arp_request(&cl, NCLIENTS, f, sizeof(f)), 0);
	CU_ASSERT_EQUAL(bench_clients_build_arp_request(&cl, 0, f, 41), 0);
}

/* ---- reassembly ---- */

#define FRAG_MAX 64

struct frags {
	uint8_t f[FRAG_MAX][1600];
	size_t len[FRAG_MAX];
	unsigned int n;
};

/* Splits the datagram in whole (Ethernet at 0, IPv4 at 14) into pieces of
 * chunk payload bytes (a multiple of 8), as pxeline's tx does. */
static void
fragment(const uint8_t *whole, size_t wlen, size_t chunk, uint16_t id, struct frags *fr)
{
	size_t ip_payload = wlen - 34, off;

	fr->n = 0;
	for (off = 0; off < ip_payload; off += chunk) {
		size_t plen = ip_payload - off < chunk ? ip_payload - off : chunk;
		uint8_t *f = fr->f[fr->n];
		uint16_t fo = (uint16_t)(off / 8) | (off + plen < ip_payload ? 0x2000 : 0);

		CU_ASSERT_FATAL(fr->n < FRAG_MAX);
		memcpy(f, whole, 34);
		memcpy(f + 34, whole + 34 + off, plen);
		f[14 + 2] = (uint8_t)((20 + plen) >> 8);
		f[14 + 3] = (uint8_t)(20 + plen);
		f[14 + 4] = id >> 8;
		f[14 + 5] = (uint8_t)id;
		f[14 + 6] = fo >> 8;
		f[14 + 7] = (uint8_t)fo;
		ip_recsum(f + 14);
		fr->len[fr->n++] = 34 + plen;
	}
}

static uint8_t big[70000];
static uint8_t payload[65536];
static struct frags fr;

/* Feeds fragments in order[], expects completion exactly at the last. */
static void
feed_expect(struct bench_reasm *r, const unsigned int *order, unsigned int n,
	    const uint8_t *whole, size_t wlen, size_t data_len)
{
	const uint8_t *out = NULL;
	struct bench_rx rx;
	unsigned int i;
	size_t got = 0;

	for (i = 0; i < n; i++) {
		got = bench_reasm_add(r, fr.f[order[i]], fr.len[order[i]], 14, 1000, &out);
		if (i + 1 < n)
			CU_ASSERT_EQUAL(got, 0);
	}
	CU_ASSERT_EQUAL_FATAL(got, wlen);
	/* The frame is the original, checksum and all: classify it. */
	CU_ASSERT_EQUAL(bench_clients_rx(&cl, out, got, 0, &rx), BENCH_RX_UDP);
	CU_ASSERT_EQUAL(rx.fi.payload_len, data_len);
	CU_ASSERT_EQUAL(memcmp(rx.fi.payload, payload, data_len), 0);
	CU_ASSERT_EQUAL(memcmp(out, whole, 14), 0);
	CU_ASSERT_EQUAL(memcmp(out + 34, whole + 34, wlen - 34), 0);
}

static void
test_reasm_orders(void)
{
	static const size_t sizes[] = { 1473, 1480 * 2 - 8, 8192 + 4, 16384 + 4, 65464 + 4 };
	struct bench_reasm *r = bench_reasm_create(16, 1000000000ull);
	unsigned int order[FRAG_MAX], i, k, s;
	uint8_t c3[6];
	uint64_t seed = 42;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	bench_clients_mac(&cl, 3, c3);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + (i >> 8));
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t wlen = mk_udp(big, sizeof(big), c3, SERVER, FIRST + 3, 7000,
				     payload, sizes[s]);

		fragment(big, wlen, 1480, (uint16_t)(100 + s), &fr);
		/* in order, reversed, and shuffled (seeded) */
		for (i = 0; i < fr.n; i++)
			order[i] = i;
		feed_expect(r, order, fr.n, big, wlen, sizes[s]);
		for (i = 0; i < fr.n; i++)
			order[i] = fr.n - 1 - i;
		feed_expect(r, order, fr.n, big, wlen, sizes[s]);
		for (k = 0; k < 20; k++) {
			for (i = fr.n - 1; i > 0; i--) {
				unsigned int j, t;

				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				j = (unsigned int)((seed >> 33) % (i + 1));
				t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
			feed_expect(r, order, fr.n, big, wlen, sizes[s]);
		}
	}
	CU_ASSERT_EQUAL(bench_reasm_stats(r)->bad, 0);
	CU_ASSERT_EQUAL(bench_reasm_stats(r)->completed, 5 * 22);
	bench_reasm_destroy(r);
}

static void
test_reasm_hostile(void)
{
	struct bench_reasm *r = bench_reasm_create(4, 1000000ull);
	const struct bench_reasm_stats *st;
	const uint8_t *out = NULL;
	uint8_t c3[6], save[1600];
	size_t wlen, l;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	st = bench_reasm_stats(r);
	bench_clients_mac(&cl, 3, c3);
	wlen = mk_udp(big, sizeof(big), c3, SERVER, FIRST + 3, 7000, payload, 4000);
	fragment(big, wlen, 1480, 7, &fr);
	CU_ASSERT_EQUAL_FATAL(fr.n, 3);

	/* duplicate: ignored, and the datagram still completes once */
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 10, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 11, &out), 0);
	CU_ASSERT_EQUAL(st->duplicates, 1);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1], 14, 12, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 13, &out), wlen);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 14, &out), 0);

	/* a missing middle fragment: never complete */
	fragment(big, wlen, 1480, 8, &fr);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 20, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 21, &out), 0);

	/* overlap: fragment 1 moved 8 bytes back over fragment 0 */
	fragment(big, wlen, 1480, 9, &fr);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 30, &out), 0);
	memcpy(save, fr.f[1], fr.len[1]);
	fr.f[1][14 + 7] -= 1;
	ip_recsum(fr.f[1] + 14);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1], 14, 31, &out), 0);
	CU_ASSERT_EQUAL(st->bad, 1);

	/* a middle fragment not a multiple of 8 */
	fragment(big, wlen, 1480, 10, &fr);
	l = fr.len[0] - 4;
	fr.f[0][14 + 2] = (uint8_t)((l - 14) >> 8);
	fr.f[0][14 + 3] = (uint8_t)(l - 14);
	ip_recsum(fr.f[0] + 14);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], l, 14, 40, &out), 0);
	CU_ASSERT_EQUAL(st->bad, 2);

	/* the end beyond 65515 bytes of payload */
	fragment(big, wlen, 1480, 11, &fr);
	fr.f[2][14 + 6] = 0x1f;
	fr.f[2][14 + 7] = 0xff;
	ip_recsum(fr.f[2] + 14);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 50, &out), 0);
	CU_ASSERT_EQUAL(st->bad, 3);

	/* two last fragments that disagree on the end */
	fragment(big, wlen, 1480, 12, &fr);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 60, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1] - 8, 14, 61, &out), 0);
	CU_ASSERT_EQUAL(st->bad, 3);	/* length from the header, not the frame */
	fr.f[1][14 + 6] &= ~0x20;	/* fragment 1 claims to be last */
	ip_recsum(fr.f[1] + 14);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1], 14, 62, &out), 0);
	CU_ASSERT_EQUAL(st->bad, 4);

	/* header claims more than the frame holds */
	fragment(big, wlen, 1480, 13, &fr);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0] - 1, 14, 70, &out), 0);

	/* more open datagrams than entries: the oldest are evicted */
	for (i = 0; i < 6; i++) {
		fragment(big, wlen, 1480, (uint16_t)(200 + i), &fr);
		CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 100 + i, &out), 0);
	}
	CU_ASSERT(st->evicted >= 2);

	/* a datagram finished after the timeout starts over */
	fragment(big, wlen, 1480, 300, &fr);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 1000, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1], 14, 1000, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[2], fr.len[2], 14, 5000000, &out), 0);
	CU_ASSERT(st->expired >= 1);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[0], fr.len[0], 14, 5000001, &out), 0);
	CU_ASSERT_EQUAL(bench_reasm_add(r, fr.f[1], fr.len[1], 14, 5000002, &out), wlen);
	bench_reasm_destroy(r);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "parse client net (hostile rows)", test_parse_net },
		{ "client range checks", test_init },
		{ "MAC per client, index by address", test_mac_and_index },
		{ "a new port per transfer", test_port },
		{ "receive decisions (ARP, UDP, hostile)", test_rx_decisions },
		{ "ARP request for the server", test_arp_request },
		{ "reassembly in every order", test_reasm_orders },
		{ "reassembly of hostile fragments", test_reasm_hostile },
		{ NULL, NULL },
	};

	if (bench_clients_init(&cl, NET, MASK24, FIRST, NCLIENTS, SERVER) != BENCH_CLIENTS_OK)
		return 1;
	return unit_run("bench_dpdk", tests);
}
