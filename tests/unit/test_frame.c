/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/frame: classify hostile frames, round-trip the builders, and check
 * the checksum against a naive RFC 1071 reference. Test frames are built
 * here byte by byte, not with the code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/frame.h"
#include "unit.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define OUR_IP IP4(192, 0, 2, 1)
#define PEER_IP IP4(192, 0, 2, 77)
#define PEER_PORT 40000
#define OUR_PORT 69

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static const struct frame_local local_plain = {
	{ 0x02, 0, 0, 0, 0, 0x01 }, OUR_IP, IP4(255, 255, 255, 0), 0, { 0 }, { 0 }
};
static const struct frame_local local_vlan = {
	{ 0x02, 0, 0, 0, 0, 0x01 }, OUR_IP, IP4(255, 255, 255, 0), 100, { 0 }, { 0 }
};

/* Report a failed check with the row it belongs to. */
static void
check(bool ok, const char *row, const char *what, unsigned line)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "[%s] %s", row, what);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}
#define CHECK(row, cond) check((cond), (row), #cond, __LINE__)

/* ---- naive reference checksum (RFC 1071, one word at a time) ---- */

static uint16_t
naive_csum(const uint8_t *p, size_t n, uint32_t init)
{
	uint32_t s = init;
	size_t i;

	for (i = 0; i < n; i += 2) {
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
		s = (s & 0xffff) + (s >> 16);
	}
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The network-order value frame_csum_fold returns, as a host value. */
static uint16_t
net16(uint16_t v)
{
	return get16((const uint8_t *)&v);
}

/* ---- a test frame generator ---- */

enum base {
	B_UDP,
	B_ICMP,
	B_ARP_REQ,
	B_ARP_REP,
	B_ETH_IPV6,
};

struct gen {
	enum base base;
	int tag;		/* -1 untagged, else the VID */
	uint32_t src_ip;	/* 0 = PEER_IP */
	uint32_t dst_ip;	/* 0 = OUR_IP */
	int opt_len;		/* IP options, multiple of 4 */
	int pad;		/* Ethernet padding after IP total length */
	int payload;		/* UDP or ICMP data bytes */
	bool udp_csum_zero;	/* send UDP with checksum 0 */
};

struct built {
	uint8_t buf[2048];
	size_t len;
	size_t l3;
	size_t l4;		/* 0 for ARP */
};

static void
fix_ip_csum(struct built *b)
{
	uint8_t *ip = b->buf + b->l3;
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, naive_csum(ip, hlen, 0));
}

static void
fix_l4_csum(struct built *b)
{
	uint8_t *ip = b->buf + b->l3, *l4 = b->buf + b->l4;
	size_t l4len = get16(ip + 2) - (size_t)(ip[0] & 0x0f) * 4;
	uint32_t pseudo;
	uint16_t ulen;

	if (ip[9] == 1) {
		put16(l4 + 2, 0);
		put16(l4 + 2, naive_csum(l4, l4len, 0));
		return;
	}
	ulen = get16(l4 + 4);
	pseudo = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) +
		 17 + ulen;
	put16(l4 + 6, 0);
	put16(l4 + 6, naive_csum(l4, ulen, pseudo));
}

static void
gen_frame(const struct gen *g, struct built *b)
{
	uint8_t *p = b->buf;
	uint32_t src = g->src_ip ? g->src_ip : PEER_IP;
	uint32_t dst = g->dst_ip ? g->dst_ip : OUR_IP;
	size_t n = 0, l4len;
	int i;

	memset(b, 0, sizeof(*b));
	memcpy(p, g->base == B_ARP_REQ ? bcast_mac : our_mac, 6);
	memcpy(p + 6, peer_mac, 6);
	n = 12;
	if (g->tag >= 0) {
		put16(p + n, 0x8100);
		put16(p + n + 2, (uint16_t)g->tag);
		n += 4;
	}
	put16(p + n, g->base == B_ARP_REQ || g->base == B_ARP_REP ? 0x0806 :
		     g->base == B_ETH_IPV6 ? 0x86dd : 0x0800);
	n += 2;
	b->l3 = n;

	if (g->base == B_ARP_REQ || g->base == B_ARP_REP) {
		put16(p + n, 1);
		put16(p + n + 2, 0x0800);
		p[n + 4] = 6;
		p[n + 5] = 4;
		put16(p + n + 6, g->base == B_ARP_REQ ? 1 : 2);
		memcpy(p + n + 8, peer_mac, 6);
		put32(p + n + 14, src);
		if (g->base == B_ARP_REP)
			memcpy(p + n + 18, our_mac, 6);
		put32(p + n + 24, dst);
		b->len = n + 28 + (size_t)g->pad;
		return;
	}
	if (g->base == B_ETH_IPV6) {
		b->len = n + 40;
		return;
	}

	/* IPv4 */
	l4len = (size_t)8 + (size_t)g->payload;
	p[n] = (uint8_t)(0x40 | (5 + g->opt_len / 4));
	put16(p + n + 2, (uint16_t)(20 + g->opt_len + l4len));
	put16(p + n + 4, 0x1234);
	p[n + 8] = 64;
	p[n + 9] = g->base == B_ICMP ? 1 : 17;
	put32(p + n + 12, src);
	put32(p + n + 16, dst);
	for (i = 0; i < g->opt_len; i++)
		p[n + 20 + i] = 0x01;	/* NOP */
	b->l4 = n + 20 + (size_t)g->opt_len;
	n = b->l4;
	if (g->base == B_ICMP) {
		p[n] = 8;
		put16(p + n + 4, 0x4242);
		put16(p + n + 6, 7);
	} else {
		put16(p + n, PEER_PORT);
		put16(p + n + 2, OUR_PORT);
		put16(p + n + 4, (uint16_t)l4len);
	}
	for (i = 0; i < g->payload; i++)
		p[n + 8 + i] = (uint8_t)(i * 7 + 3);
	b->len = n + l4len + (size_t)g->pad;
	for (i = 0; i < g->pad; i++)
		p[n + l4len + i] = 0xee;	/* padding that must be ignored */
	fix_ip_csum(b);
	if (!g->udp_csum_zero)
		fix_l4_csum(b);
}

/* ---- the hostile table ---- */

enum layer { L_NONE, L_ETH, L_L3, L_L4 };

struct patch {
	enum layer layer;
	int off;
	int width;		/* 1, 2 or 4 bytes */
	uint32_t val;
	bool xor;		/* flip bits instead of storing */
};

struct row {
	const char *name;
	struct gen gen;
	struct patch patch[2];
	bool refix_ip;		/* recompute the IP checksum after patching */
	bool refix_l4;		/* recompute the ICMP/UDP checksum after patching */
	enum layer cut_layer;	/* truncate the frame at layer start + cut_off */
	int cut_off;
	const struct frame_local *local;
	unsigned flags;
	enum frame_err err;
	enum frame_kind kind;
	int bcast;		/* -1 = do not check */
	int mcast;
	long payload_len;	/* -1 = do not check */
};

#define UDP_TO(dst) { B_UDP, -1, 0, (dst), 0, 0, 16, false }
#define UDP_G { B_UDP, -1, 0, 0, 0, 0, 16, false }
#define ICMP_G { B_ICMP, -1, 0, 0, 0, 0, 24, false }
#define ARPQ_G { B_ARP_REQ, -1, 0, 0, 0, 18, 0, false }
#define P(l, o, w, v) { (l), (o), (w), (v), false }
#define X(l, o, w, v) { (l), (o), (w), (v), true }
#define OK(k) FRAME_OK, (k)
#define ERR(e) (e), FRAME_UDP

static const struct row rows[] = {
	/* Ethernet and VLAN */
	{ "udp to us", UDP_G, {}, 0, 0, L_NONE, 0, &local_plain, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "udp on our vlan", { B_UDP, 100, 0, 0, 0, 0, 16, false }, {}, 0, 0, L_NONE, 0,
	  &local_vlan, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "wrong vlan", { B_UDP, 200, 0, 0, 0, 0, 16, false }, {}, 0, 0, L_NONE, 0,
	  &local_vlan, 0, ERR(FRAME_ERR_VLAN), -1, -1, -1 },
	{ "tagged when untagged expected", { B_UDP, 100, 0, 0, 0, 0, 16, false }, {}, 0, 0,
	  L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_VLAN), -1, -1, -1 },
	{ "untagged when tag expected", UDP_G, {}, 0, 0, L_NONE, 0, &local_vlan, 0,
	  ERR(FRAME_ERR_VLAN), -1, -1, -1 },
	{ "priority tag (vid 0) is untagged", { B_UDP, 0, 0, 0, 0, 0, 16, false }, {}, 0, 0,
	  L_NONE, 0, &local_plain, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "priority tag when tag expected", { B_UDP, 0, 0, 0, 0, 0, 16, false }, {}, 0, 0,
	  L_NONE, 0, &local_vlan, 0, ERR(FRAME_ERR_VLAN), -1, -1, -1 },
	{ "vlan tci priority bits ignored", { B_UDP, 0xe064, 0, 0, 0, 0, 16, false }, {}, 0, 0,
	  L_NONE, 0, &local_vlan, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "qinq outer tpid", { B_UDP, 100, 0, 0, 0, 0, 16, false }, { P(L_ETH, 12, 2, 0x88a8) },
	  0, 0, L_NONE, 0, &local_vlan, 0, ERR(FRAME_ERR_VLAN), -1, -1, -1 },
	{ "double 802.1q tag", { B_UDP, 100, 0, 0, 0, 0, 16, false }, { P(L_ETH, 16, 2, 0x8100) },
	  0, 0, L_NONE, 0, &local_vlan, 0, ERR(FRAME_ERR_ETHERTYPE), -1, -1, -1 },
	{ "ipv6 ethertype", { B_ETH_IPV6, -1, 0, 0, 0, 0, 0, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ETHERTYPE), -1, -1, -1 },
	{ "802.3 length field", UDP_G, { P(L_ETH, 12, 2, 0x05dc) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ETHERTYPE), -1, -1, -1 },

	/* truncation at every header boundary */
	{ "trunc: empty", UDP_G, {}, 0, 0, L_ETH, 0, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: mid ethernet", UDP_G, {}, 0, 0, L_ETH, 13, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: mid vlan tag", { B_UDP, 100, 0, 0, 0, 0, 16, false }, {}, 0, 0, L_ETH, 15,
	  &local_vlan, 0, ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: after vlan tci", { B_UDP, 100, 0, 0, 0, 0, 16, false }, {}, 0, 0, L_ETH, 16,
	  &local_vlan, 0, ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: after ethernet", UDP_G, {}, 0, 0, L_L3, 0, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: mid ipv4 header", UDP_G, {}, 0, 0, L_L3, 19, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: mid ip options", { B_UDP, -1, 0, 0, 8, 0, 16, false }, {}, 0, 0, L_L3, 24,
	  &local_plain, 0, ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "trunc: after ipv4 header", UDP_G, {}, 0, 0, L_L4, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "trunc: mid udp header", UDP_G, {}, 0, 0, L_L4, 7, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "trunc: after udp header", UDP_G, {}, 0, 0, L_L4, 8, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "trunc: last payload byte", UDP_G, {}, 0, 0, L_L4, 23, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "trunc: mid icmp header", ICMP_G, {}, 0, 0, L_L4, 4, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "trunc: mid arp", ARPQ_G, {}, 0, 0, L_L3, 27, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },
	{ "trunc: arp fixed part only", ARPQ_G, {}, 0, 0, L_L3, 8, &local_plain, 0,
	  ERR(FRAME_ERR_SHORT), -1, -1, -1 },

	/* IPv4 header */
	{ "ip version 6 in ipv4", UDP_G, { P(L_L3, 0, 1, 0x65) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_VERSION), -1, -1, -1 },
	{ "ihl 0", UDP_G, { P(L_L3, 0, 1, 0x40) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl 1", UDP_G, { P(L_L3, 0, 1, 0x41) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl 2", UDP_G, { P(L_L3, 0, 1, 0x42) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl 3", UDP_G, { P(L_L3, 0, 1, 0x43) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl 4", UDP_G, { P(L_L3, 0, 1, 0x44) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl 15 beyond frame", { B_UDP, -1, 0, 0, 0, 0, 0, false }, { P(L_L3, 0, 1, 0x4f) },
	  1, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_IP_HDRLEN), -1, -1, -1 },
	{ "ihl beyond total length", { B_UDP, -1, 0, 0, 0, 40, 0, false },
	  { P(L_L3, 0, 1, 0x4f) }, 1, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "total length larger than frame", UDP_G, { P(L_L3, 2, 2, 20 + 24 + 1) }, 1, 0,
	  L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "total length 0xffff", UDP_G, { P(L_L3, 2, 2, 0xffff) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "total length below ihl", UDP_G, { P(L_L3, 2, 2, 19) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_LEN), -1, -1, -1 },
	{ "ethernet padding ignored", { B_UDP, -1, 0, 0, 0, 18, 2, false }, {}, 0, 0,
	  L_NONE, 0, &local_plain, 0, OK(FRAME_UDP), 0, 0, 2 },
	{ "ip options skipped", { B_UDP, -1, 0, 0, 12, 0, 16, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "bad ip checksum", UDP_G, { X(L_L3, 10, 2, 0x0100) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_CSUM), -1, -1, -1 },
	{ "bad ip checksum, offload says good", UDP_G, { X(L_L3, 10, 2, 0x0100) }, 0, 0,
	  L_NONE, 0, &local_plain, FRAME_IP_CSUM_GOOD, OK(FRAME_UDP), 0, 0, 16 },
	{ "ip field changed, checksum stale", UDP_G, { P(L_L3, 8, 1, 63) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_CSUM), -1, -1, -1 },
	{ "fragment: more fragments", UDP_G, { P(L_L3, 6, 2, 0x2000) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_FRAGMENT), -1, -1, -1 },
	{ "fragment: offset", UDP_G, { P(L_L3, 6, 2, 0x0001) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_FRAGMENT), -1, -1, -1 },
	{ "fragment: last, offset and DF", UDP_G, { P(L_L3, 6, 2, 0x40b9) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_IP_FRAGMENT), -1, -1, -1 },
	{ "DF alone is not a fragment", UDP_G, { P(L_L3, 6, 2, 0x4000) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "tcp", UDP_G, { P(L_L3, 9, 1, 6) }, 1, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_PROTO), -1, -1, -1 },
	/* TCP to our address goes to the kernel through the TAP (HTTP Boot). */
	{ "tcp to us: the kernel's", UDP_G, { P(L_L3, 9, 1, 6), P(L_L4, 12, 1, 0x50) }, 1, 0,
	  L_NONE, 0, &local_plain, 0, OK(FRAME_TCP), 0, 0, 4 },
	{ "tcp to broadcast", UDP_TO(0xffffffff), { P(L_L3, 9, 1, 6), P(L_L4, 12, 1, 0x50) }, 1,
	  0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_PROTO), -1, -1, -1 },
	{ "tcp to another host", UDP_TO(IP4(192, 0, 2, 9)), { P(L_L3, 9, 1, 6),
	  P(L_L4, 12, 1, 0x50) }, 1, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_NOT_FOR_US),
	  -1, -1, -1 },
	{ "tcp data offset past the segment", UDP_G, { P(L_L3, 9, 1, 6), P(L_L4, 12, 1, 0x70) },
	  1, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_PROTO), -1, -1, -1 },

	/* destinations */
	{ "limited broadcast", UDP_TO(0xffffffff), {}, 0, 0, L_NONE, 0, &local_plain, 0,
	  OK(FRAME_UDP), 1, 0, 16 },
	{ "subnet broadcast", UDP_TO(IP4(192, 0, 2, 255)), {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 1, 0, 16 },
	{ "multicast", UDP_TO(IP4(239, 255, 0, 1)), {}, 0, 0, L_NONE, 0, &local_plain, 0,
	  OK(FRAME_UDP), 0, 1, 16 },
	{ "another host's unicast", UDP_TO(IP4(192, 0, 2, 2)), {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_NOT_FOR_US), -1, -1, -1 },
	{ "another subnet's broadcast", UDP_TO(IP4(198, 51, 100, 255)), {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_NOT_FOR_US), -1, -1, -1 },
	{ "network address is not broadcast", UDP_TO(IP4(192, 0, 2, 0)), {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_NOT_FOR_US), -1, -1, -1 },

	/* ICMP */
	{ "icmp echo to us", ICMP_G, {}, 0, 0, L_NONE, 0, &local_plain, 0,
	  OK(FRAME_ICMP_ECHO), 0, 0, 32 },
	{ "icmp echo, odd length", { B_ICMP, -1, 0, 0, 0, 0, 5, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_ICMP_ECHO), 0, 0, 13 },
	{ "icmp echo with bad checksum", ICMP_G, { X(L_L4, 2, 2, 0x0001) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp bad checksum, L4 offload flag", ICMP_G, { X(L_L4, 2, 2, 0x0001) }, 0, 0,
	  L_NONE, 0, &local_plain, FRAME_L4_CSUM_GOOD, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo reply", ICMP_G, { P(L_L4, 0, 1, 0) }, 0, 1, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo code 1", ICMP_G, { P(L_L4, 1, 1, 1) }, 0, 1, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp unreachable to us: the kernel's", ICMP_G, { P(L_L4, 0, 1, 3) }, 0, 1, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_ICMP_ERROR), 0, 0, 32 },
	{ "icmp time exceeded to us", ICMP_G, { P(L_L4, 0, 1, 11) }, 0, 1, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_ICMP_ERROR), 0, 0, 32 },
	{ "icmp unreachable, bad checksum", ICMP_G, { P(L_L4, 0, 1, 3) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp unreachable to broadcast", { B_ICMP, -1, 0, 0xffffffff, 0, 0, 8, false },
	  { P(L_L4, 0, 1, 3) }, 0, 1, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo to broadcast", { B_ICMP, -1, 0, 0xffffffff, 0, 0, 8, false }, {}, 0, 0,
	  L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo to multicast", { B_ICMP, -1, 0, IP4(224, 0, 0, 1), 0, 0, 8, false }, {},
	  0, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo from broadcast source", { B_ICMP, -1, 0xffffffff, 0, 0, 0, 8, false }, {},
	  0, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp echo from 0.0.0.0", { B_ICMP, -1, 0, 0, 0, 0, 8, false },
	  { P(L_L3, 12, 4, 0) }, 1, 1, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp shorter than 8", ICMP_G, { P(L_L3, 2, 2, 20 + 4) }, 1, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ICMP), -1, -1, -1 },
	{ "icmp to another host", { B_ICMP, -1, 0, IP4(192, 0, 2, 9), 0, 0, 8, false }, {},
	  0, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_NOT_FOR_US), -1, -1, -1 },

	/* UDP */
	{ "udp length 7", UDP_G, { P(L_L4, 4, 2, 7) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_UDP_LEN), -1, -1, -1 },
	{ "udp length 0", UDP_G, { P(L_L4, 4, 2, 0) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_UDP_LEN), -1, -1, -1 },
	{ "udp length larger than ip payload", UDP_G, { P(L_L4, 4, 2, 25) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_UDP_LEN), -1, -1, -1 },
	{ "ip payload shorter than udp header", UDP_G, { P(L_L3, 2, 2, 20 + 6) }, 1, 0,
	  L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_UDP_LEN), -1, -1, -1 },
	{ "udp length shorter than ip payload", { B_UDP, -1, 0, 0, 0, 0, 16, true },
	  { P(L_L4, 4, 2, 8 + 10) }, 0, 0, L_NONE, 0, &local_plain, 0, OK(FRAME_UDP), 0, 0, 10 },
	{ "udp checksum 0 accepted", { B_UDP, -1, 0, 0, 0, 0, 16, true }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 0, 0, 16 },
	{ "udp empty payload", { B_UDP, -1, 0, 0, 0, 0, 0, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 0, 0, 0 },
	{ "udp odd payload", { B_UDP, -1, 0, 0, 0, 0, 13, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_UDP), 0, 0, 13 },
	{ "bad udp checksum", UDP_G, { X(L_L4, 6, 2, 0x0100) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_UDP_CSUM), -1, -1, -1 },
	{ "udp payload changed, checksum stale", UDP_G, { X(L_L4, 9, 1, 0x40) }, 0, 0,
	  L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_UDP_CSUM), -1, -1, -1 },
	{ "bad udp checksum, offload says good", UDP_G, { X(L_L4, 6, 2, 0x0100) }, 0, 0,
	  L_NONE, 0, &local_plain, FRAME_L4_CSUM_GOOD, OK(FRAME_UDP), 0, 0, 16 },
	{ "udp checksum over shorter udp length", { B_UDP, -1, 0, 0, 0, 0, 16, false },
	  { P(L_L4, 4, 2, 8 + 3) }, 0, 1, L_NONE, 0, &local_plain, 0, OK(FRAME_UDP), 0, 0, 3 },

	/* ARP */
	{ "arp request for us", ARPQ_G, {}, 0, 0, L_NONE, 0, &local_plain, 0,
	  OK(FRAME_ARP_REQUEST), -1, -1, 28 },
	{ "arp request for us, unpadded", { B_ARP_REQ, -1, 0, 0, 0, 0, 0, false }, {}, 0, 0,
	  L_NONE, 0, &local_plain, 0, OK(FRAME_ARP_REQUEST), -1, -1, 28 },
	{ "arp request on our vlan", { B_ARP_REQ, 100, 0, 0, 0, 14, 0, false }, {}, 0, 0,
	  L_NONE, 0, &local_vlan, 0, OK(FRAME_ARP_REQUEST), -1, -1, 28 },
	{ "arp request for another ip", { B_ARP_REQ, -1, 0, IP4(192, 0, 2, 2), 0, 18, 0, false },
	  {}, 0, 0, L_NONE, 0, &local_plain, 0, ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp reply (to learn)", { B_ARP_REP, -1, 0, 0, 0, 18, 0, false }, {}, 0, 0, L_NONE, 0,
	  &local_plain, 0, OK(FRAME_ARP_REPLY), -1, -1, 28 },
	{ "arp reply for another ip", { B_ARP_REP, -1, 0, IP4(192, 0, 2, 3), 0, 18, 0, false },
	  {}, 0, 0, L_NONE, 0, &local_plain, 0, OK(FRAME_ARP_REPLY), -1, -1, 28 },
	{ "arp with wrong hlen", ARPQ_G, { P(L_L3, 4, 1, 8) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp with wrong plen", ARPQ_G, { P(L_L3, 5, 1, 16) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp for ipv6 ptype", ARPQ_G, { P(L_L3, 2, 2, 0x86dd) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp htype ieee802", ARPQ_G, { P(L_L3, 0, 2, 6) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp opcode 3 (rarp)", ARPQ_G, { P(L_L3, 6, 2, 3) }, 0, 0, L_NONE, 0, &local_plain, 0,
	  ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp sender is a group mac", ARPQ_G, { P(L_L3, 8, 1, 0x01) }, 0, 0, L_NONE, 0,
	  &local_plain, 0, ERR(FRAME_ERR_ARP), -1, -1, -1 },
	{ "arp on the wrong vlan", { B_ARP_REQ, 7, 0, 0, 0, 14, 0, false }, {}, 0, 0, L_NONE, 0,
	  &local_vlan, 0, ERR(FRAME_ERR_VLAN), -1, -1, -1 },
};

static size_t
layer_start(const struct built *b, enum layer l)
{
	switch (l) {
	case L_L3:
		return b->l3;
	case L_L4:
		return b->l4;
	default:
		return 0;
	}
}

static void
apply_patch(struct built *b, const struct patch *pt)
{
	uint8_t *p;
	uint32_t v;

	if (pt->layer == L_NONE)
		return;
	p = b->buf + layer_start(b, pt->layer) + pt->off;
	v = pt->width == 1 ? p[0] : pt->width == 2 ? get16(p) : get32(p);
	v = pt->xor ? v ^ pt->val : pt->val;
	if (pt->width == 1)
		p[0] = (uint8_t)v;
	else if (pt->width == 2)
		put16(p, (uint16_t)v);
	else
		put32(p, v);
}

/* What every accepted frame must satisfy, whatever the row. */
static void
check_accepted(const char *name, const struct built *b, const struct frame_info *fi,
	       const struct frame_local *local)
{
	CHECK(name, fi->l3_off == b->l3);
	CHECK(name, fi->vlan == local->vlan);
	CHECK(name, fi->payload >= b->buf && fi->payload + fi->payload_len <= b->buf + b->len);
	if (fi->kind == FRAME_ARP_REQUEST || fi->kind == FRAME_ARP_REPLY) {
		CHECK(name, fi->l4_off == 0);
		CHECK(name, fi->payload == b->buf + b->l3);
		CHECK(name, memcmp(fi->src_mac, peer_mac, 6) == 0);
		CHECK(name, fi->src_ip == PEER_IP);
		CHECK(name, fi->dst_ip == get32(b->buf + b->l3 + 24));
		return;
	}
	CHECK(name, fi->l4_off == b->l4);
	CHECK(name, memcmp(fi->src_mac, peer_mac, 6) == 0);
	CHECK(name, memcmp(fi->dst_mac, b->buf, 6) == 0);
	CHECK(name, fi->src_ip == get32(b->buf + b->l3 + 12));
	CHECK(name, fi->dst_ip == get32(b->buf + b->l3 + 16));
	CHECK(name, fi->ttl == b->buf[b->l3 + 8]);
	if (fi->kind == FRAME_UDP) {
		CHECK(name, fi->payload == b->buf + b->l4 + 8);
		CHECK(name, fi->src_port == PEER_PORT);
		CHECK(name, fi->dst_port == OUR_PORT);
	} else if (fi->kind == FRAME_TCP) {
		CHECK(name, fi->payload == b->buf + b->l4 + 20);
		CHECK(name, fi->src_port == PEER_PORT);
		CHECK(name, fi->dst_port == OUR_PORT);
	} else {
		CHECK(name, fi->payload == b->buf + b->l4);
	}
}

static void
test_classify_table(void)
{
	size_t i, k;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct built b;
		struct frame_info fi;
		enum frame_err e;

		gen_frame(&r->gen, &b);
		for (k = 0; k < 2; k++)
			apply_patch(&b, &r->patch[k]);
		if (r->refix_ip)
			fix_ip_csum(&b);
		if (r->refix_l4)
			fix_l4_csum(&b);
		if (r->cut_layer != L_NONE)
			b.len = layer_start(&b, r->cut_layer) + (size_t)r->cut_off;

		e = frame_classify(b.buf, b.len, r->local, r->flags, &fi);
		check(e == r->err, r->name, frame_strerror(e), __LINE__);
		if (e != FRAME_OK || r->err != FRAME_OK)
			continue;
		CHECK(r->name, fi.kind == r->kind);
		if (r->bcast >= 0)
			CHECK(r->name, fi.ip_broadcast == (r->bcast == 1));
		if (r->mcast >= 0)
			CHECK(r->name, fi.ip_multicast == (r->mcast == 1));
		if (r->payload_len >= 0)
			CHECK(r->name, fi.payload_len == (size_t)r->payload_len);
		check_accepted(r->name, &b, &fi, r->local);
	}
}

/* ---- UDP checksums a local kernel sender left to offload ---- */

/*
 * Stores what the kernel's udp4_hwcsum() leaves in a CHECKSUM_PARTIAL
 * datagram: the pseudo-header sum over udp_len, folded, not complemented
 * (naive_csum of nothing from that sum is its complement).
 */
static void
set_partial_csum(struct built *b, uint16_t udp_len)
{
	const uint8_t *ip = b->buf + b->l3;
	uint32_t pseudo = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) +
			  get16(ip + 18) + 17 + udp_len;

	put16(b->buf + b->l4 + 6, (uint16_t)~naive_csum(NULL, 0, pseudo));
}

enum partial_how {
	PH_FULL,	/* a complete checksum, as gen_frame leaves it */
	PH_PARTIAL,	/* the kernel's partial value */
	PH_PARTIAL_PLUS1,	/* a partial value one off: corrupted */
	PH_PARTIAL_NOT,	/* complemented, as a confused sender might */
	PH_PARTIAL_IPLEN,	/* summed over the IP payload, not the UDP length */
	PH_BAD,		/* a complete checksum one off */
};

static void
test_udp_csum_partial(void)
{
	static const struct {
		const char *name;
		struct gen gen;
		enum partial_how how;
		bool bad_ip_csum;
		unsigned flags;
		enum frame_err err;
		bool partial;
	} prow[] = {
		{ "partial on a kernel-shared port", UDP_G, PH_PARTIAL, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
		{ "partial on a port that is not (memif, PCI)", UDP_G, PH_PARTIAL, false, 0,
		  FRAME_ERR_UDP_CSUM, false },
		{ "partial, PCI offload flags only", UDP_G, PH_PARTIAL, false,
		  FRAME_IP_CSUM_GOOD, FRAME_ERR_UDP_CSUM, false },
		{ "partial one off (corrupted)", UDP_G, PH_PARTIAL_PLUS1, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_ERR_UDP_CSUM, false },
		{ "partial complemented", UDP_G, PH_PARTIAL_NOT, false, FRAME_L4_CSUM_PARTIAL_OK,
		  FRAME_ERR_UDP_CSUM, false },
		{ "partial with a bad ip header checksum", UDP_G, PH_PARTIAL, true,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_ERR_IP_CSUM, false },
		{ "full checksum on a kernel-shared port", UDP_G, PH_FULL, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, false },
		{ "bad full checksum on a kernel-shared port", UDP_G, PH_BAD, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_ERR_UDP_CSUM, false },
		{ "checksum 0 on a kernel-shared port", { B_UDP, -1, 0, 0, 0, 0, 16, true },
		  PH_FULL, false, FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, false },
		{ "partial, odd payload", { B_UDP, -1, 0, 0, 0, 0, 13, false }, PH_PARTIAL, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
		{ "partial, one byte payload", { B_UDP, -1, 0, 0, 0, 0, 1, false }, PH_PARTIAL,
		  false, FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
		{ "partial, empty payload", { B_UDP, -1, 0, 0, 0, 0, 0, false }, PH_PARTIAL, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
		{ "partial, odd payload, not shared", { B_UDP, -1, 0, 0, 0, 0, 13, false },
		  PH_PARTIAL, false, 0, FRAME_ERR_UDP_CSUM, false },
		{ "partial on vlan, options and padding", { B_UDP, 100, 0, 0, 8, 6, 517, false },
		  PH_PARTIAL, false, FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
		{ "partial over the ip payload length", { B_UDP, -1, 0, 0, 0, 6, 16, false },
		  PH_PARTIAL_IPLEN, false, FRAME_L4_CSUM_PARTIAL_OK, FRAME_ERR_UDP_CSUM, false },
		{ "partial to broadcast", UDP_TO(0xffffffff), PH_PARTIAL, false,
		  FRAME_L4_CSUM_PARTIAL_OK, FRAME_OK, true },
	};
	const struct frame_local *local;
	struct frame_info fi;
	struct built b;
	uint16_t ulen, c;
	enum frame_err e;
	size_t i;

	for (i = 0; i < sizeof(prow) / sizeof(prow[0]); i++) {
		gen_frame(&prow[i].gen, &b);
		ulen = get16(b.buf + b.l4 + 4);
		c = get16(b.buf + b.l4 + 6);
		switch (prow[i].how) {
		case PH_FULL:
			break;
		case PH_BAD:
			put16(b.buf + b.l4 + 6, (uint16_t)(c + 1));
			break;
		case PH_PARTIAL_IPLEN:
			/* Padding makes the IP payload longer than ulen. */
			put16(b.buf + b.l3 + 2, (uint16_t)(get16(b.buf + b.l3 + 2) + 6));
			fix_ip_csum(&b);
			set_partial_csum(&b, (uint16_t)(ulen + 6));
			break;
		default:
			set_partial_csum(&b, ulen);
			c = get16(b.buf + b.l4 + 6);
			if (prow[i].how == PH_PARTIAL_PLUS1)
				put16(b.buf + b.l4 + 6, (uint16_t)(c + 1));
			else if (prow[i].how == PH_PARTIAL_NOT)
				put16(b.buf + b.l4 + 6, (uint16_t)~c);
			break;
		}
		if (prow[i].bad_ip_csum)
			b.buf[b.l3 + 10] ^= 0x01;
		local = prow[i].gen.tag >= 0 ? &local_vlan : &local_plain;
		e = frame_classify(b.buf, b.len, local, prow[i].flags, &fi);
		check(e == prow[i].err, prow[i].name, frame_strerror(e), __LINE__);
		CHECK(prow[i].name, fi.l4_csum_partial == prow[i].partial);
		if (e == FRAME_OK)
			check_accepted(prow[i].name, &b, &fi, local);
	}
}

/* Random payloads and lengths: partial accepted only where allowed. */
static void
test_udp_csum_partial_random(void)
{
	struct gen g = { B_UDP, -1, 0, 0, 0, 0, 0, false };
	struct frame_info fi;
	struct built b;
	int iter, i;

	srand(2349);
	for (iter = 0; iter < 2000; iter++) {
		g.payload = rand() % 1473;
		g.src_ip = IP4(192, 0, 2, 2 + rand() % 250);
		gen_frame(&g, &b);
		for (i = 0; i < g.payload; i++)
			b.buf[b.l4 + 8 + i] = (uint8_t)rand();
		set_partial_csum(&b, get16(b.buf + b.l4 + 4));
		CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &local_plain,
					       FRAME_L4_CSUM_PARTIAL_OK, &fi), FRAME_OK);
		CU_ASSERT(fi.l4_csum_partial);
		CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &local_plain, 0, &fi),
				FRAME_ERR_UDP_CSUM);
		fix_l4_csum(&b);
		CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &local_plain,
					       FRAME_L4_CSUM_PARTIAL_OK, &fi), FRAME_OK);
		CU_ASSERT(!fi.l4_csum_partial);
	}
}

/* Every proper prefix of a valid frame is refused, with the error of its layer. */
static void
test_truncation_sweep(void)
{
	struct gen g = { B_UDP, 100, 0, 0, 8, 0, 9, false };
	struct frame_info fi;
	struct built b;
	enum frame_err e, want;
	size_t n;

	gen_frame(&g, &b);
	CU_ASSERT_EQUAL_FATAL(frame_classify(b.buf, b.len, &local_vlan, 0, &fi), FRAME_OK);
	for (n = 0; n < b.len; n++) {
		e = frame_classify(b.buf, n, &local_vlan, 0, &fi);
		if (n < b.l3 + 20)
			want = FRAME_ERR_SHORT;
		else if (n < b.l4)
			want = FRAME_ERR_IP_HDRLEN;
		else
			want = FRAME_ERR_IP_LEN;
		CU_ASSERT_EQUAL(e, want);
	}
}

/* Random byte flips of valid frames: whatever is accepted stays in bounds. */
static void
test_mutation_bounds(void)
{
	static const struct gen gens[] = {
		{ B_UDP, -1, 0, 0, 4, 6, 20, false },
		{ B_UDP, 100, 0, 0xffffffff, 0, 0, 3, true },
		{ B_ICMP, -1, 0, 0, 0, 0, 11, false },
		{ B_ARP_REQ, -1, 0, 0, 0, 18, 0, false },
	};
	unsigned accepted = 0, flags;
	struct frame_info fi;
	struct built b;
	size_t gi, pos;
	int iter, k;

	srand(1234);
	for (iter = 0; iter < 20000; iter++) {
		gi = (size_t)iter % (sizeof(gens) / sizeof(gens[0]));
		gen_frame(&gens[gi], &b);
		for (k = 0; k < 1 + rand() % 3; k++) {
			pos = (size_t)rand() % b.len;
			b.buf[pos] ^= (uint8_t)(1u << (rand() % 8));
		}
		if (rand() % 4 == 0)
			b.len = (size_t)rand() % (b.len + 1);
		flags = (unsigned)rand() % 4;
		if (frame_classify(b.buf, b.len, gens[gi].tag > 0 ? &local_vlan : &local_plain,
				   flags, &fi) != FRAME_OK)
			continue;
		accepted++;
		CU_ASSERT(fi.payload >= b.buf && fi.payload + fi.payload_len <= b.buf + b.len);
		CU_ASSERT(fi.l3_off == 14 || fi.l3_off == 18);
		if (fi.kind == FRAME_UDP || fi.kind == FRAME_ICMP_ECHO)
			CU_ASSERT(fi.l4_off >= fi.l3_off + 20 && fi.l4_off <= b.len);
	}
	/* Flips in payload bytes with offload flags set must still pass. */
	CU_ASSERT(accepted > 100);
}

/* ---- checksum ---- */

static void
test_csum_rfc1071_example(void)
{
	/* RFC 1071 section 3: the sum of these words is ddf2. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t sum = frame_csum_add(0, v, sizeof(v));

	CU_ASSERT_EQUAL(net16(frame_csum_fold(sum)), 0x220d);
	CU_ASSERT_EQUAL(net16(frame_csum_fold(0)), 0xffff);
	/* One odd byte is the high half of a word. */
	CU_ASSERT_EQUAL(net16(frame_csum_fold(frame_csum_add(0, v + 2, 1))), (uint16_t)~0xf200);
}

static void
test_csum_vs_naive(void)
{
	static uint8_t buf[4096];
	uint32_t sum;
	size_t len, cut, i;
	int iter;

	srand(42);
	for (iter = 0; iter < 2000; iter++) {
		len = (size_t)rand() % sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rand();
		CU_ASSERT_EQUAL(net16(frame_csum_fold(frame_csum_add(0, buf, len))),
				naive_csum(buf, len, 0));
		/* Chained: every piece but the last has even length. */
		cut = len ? ((size_t)rand() % len) & ~(size_t)1 : 0;
		sum = frame_csum_add(0, buf, cut);
		sum = frame_csum_add(sum, buf + cut, len - cut);
		CU_ASSERT_EQUAL(net16(frame_csum_fold(sum)), naive_csum(buf, len, 0));
		/* Non-zero starting sums (pseudo headers). */
		sum = (uint32_t)rand() % 0x40000;
		CU_ASSERT_EQUAL(net16(frame_csum_fold(frame_csum_add(sum, buf, len))),
				naive_csum(buf, len, sum));
	}
}

/* All-ones input drives every carry: 1 MiB overflows a naive 32-bit sum. */
static void
test_csum_carries(void)
{
	static uint8_t big[1 << 20];
	uint32_t sum;

	memset(big, 0xff, sizeof(big));
	CU_ASSERT_EQUAL(net16(frame_csum_fold(frame_csum_add(0, big, sizeof(big)))),
			naive_csum(big, sizeof(big), 0));
	sum = frame_csum_add(0xffffffffu, big, sizeof(big) - 1);
	CU_ASSERT_EQUAL(net16(frame_csum_fold(sum)),
			naive_csum(big, sizeof(big) - 1, 0xffffffffu % 0xffff));
	CU_ASSERT_EQUAL(frame_csum_fold(0xffffffffu), 0);
}

static void
test_pseudo_sum(void)
{
	uint8_t ph[12];
	uint32_t src = IP4(198, 51, 100, 200), dst = IP4(239, 255, 3, 4);

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = 17;
	put16(ph + 10, 1480);
	CU_ASSERT_EQUAL(net16(frame_csum_fold(frame_udp_pseudo_sum(src, dst, 1480))),
			naive_csum(ph, sizeof(ph), 0));
}

/* ---- builders ---- */

static void
test_udp_round_trip(void)
{
	static uint8_t frame[FRAME_ETH_LEN + FRAME_VLAN_LEN + 65535];
	static uint8_t payload[1500];
	struct frame_udp_tx t = {
		{ 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x99 }, 0,
		OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, 0, 0xbeef, false, { 0 }, { 0 }
	};
	struct frame_local peer = { { 0x02, 0, 0, 0, 0, 0x99 }, PEER_IP, IP4(255, 255, 255, 0), 0, { 0 }, { 0 } };
	static const size_t lens[] = { 0, 1, 13, 512, 1432, 1468 };
	struct frame_info fi;
	uint16_t csum;
	uint32_t sum;
	size_t h, i, li;
	int vl;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31 + 1);
	for (vl = 0; vl < 2; vl++) {
		t.vlan = vl ? 100 : 0;
		peer.vlan = t.vlan;
		for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			csum = frame_udp_csum(&t, payload, lens[li]);
			h = frame_build_udp_header(frame, sizeof(frame), &t, lens[li], csum);
			CU_ASSERT_EQUAL_FATAL(h, frame_udp_header_len(&t));
			CU_ASSERT_EQUAL(h, vl ? 46u : 42u);
			memcpy(frame + h, payload, lens[li]);
			CU_ASSERT_EQUAL_FATAL(frame_classify(frame, h + lens[li], &peer, 0, &fi),
					      FRAME_OK);
			CU_ASSERT_EQUAL(fi.kind, FRAME_UDP);
			CU_ASSERT_EQUAL(fi.vlan, t.vlan);
			CU_ASSERT_EQUAL(fi.src_ip, OUR_IP);
			CU_ASSERT_EQUAL(fi.dst_ip, PEER_IP);
			CU_ASSERT_EQUAL(fi.src_port, OUR_PORT);
			CU_ASSERT_EQUAL(fi.dst_port, PEER_PORT);
			CU_ASSERT_EQUAL(fi.ttl, 64);
			CU_ASSERT_EQUAL(fi.payload_len, lens[li]);
			CU_ASSERT(memcmp(fi.payload, payload, lens[li]) == 0);
			CU_ASSERT(memcmp(fi.src_mac, t.src_mac, 6) == 0);
			CU_ASSERT(memcmp(fi.dst_mac, t.dst_mac, 6) == 0);
			/* Wire details: id, DF clear, checksum as the reference computes it. */
			CU_ASSERT_EQUAL(get16(frame + fi.l3_off + 4), 0xbeef);
			CU_ASSERT_EQUAL(get16(frame + fi.l3_off + 6), 0);
			CU_ASSERT_EQUAL(get16(frame + fi.l3_off + 2), 28 + lens[li]);
			CU_ASSERT_EQUAL(get16(frame + fi.l4_off + 4), 8 + lens[li]);
			CU_ASSERT_NOT_EQUAL(get16(frame + fi.l4_off + 6), 0);
			sum = frame_udp_pseudo_sum(OUR_IP, PEER_IP, (uint16_t)(8 + lens[li]));
			CU_ASSERT_EQUAL(frame_csum_fold(frame_csum_add(sum, frame + fi.l4_off,
								       8 + lens[li])), 0);
		}
	}
	/* A non-default TTL is kept; checksum 0 is stored as given and accepted. */
	t.vlan = 0;
	peer.vlan = 0;
	t.ttl = 1;
	h = frame_build_udp_header(frame, sizeof(frame), &t, 4, 0);
	memcpy(frame + h, payload, 4);
	CU_ASSERT_EQUAL(frame_classify(frame, h + 4, &peer, 0, &fi), FRAME_OK);
	CU_ASSERT_EQUAL(fi.ttl, 1);
	CU_ASSERT_EQUAL(get16(frame + fi.l4_off + 6), 0);
	/* A stored checksum is checked: a wrong one is refused. */
	h = frame_build_udp_header(frame, sizeof(frame), &t, 4,
				   (uint16_t)(frame_udp_csum(&t, payload, 4) ^ 0x0101));
	CU_ASSERT_EQUAL(frame_classify(frame, h + 4, &peer, 0, &fi), FRAME_ERR_UDP_CSUM);
}

static void
test_udp_builder_limits(void)
{
	static uint8_t frame[FRAME_ETH_LEN + FRAME_VLAN_LEN + 65535];
	struct frame_udp_tx t = {
		{ 0x02, 0, 0, 0, 0, 0x01 }, { 0 }, 100, OUR_IP, IP4(239, 255, 0, 7),
		1758, 1758, 0, 1, false, { 0 }, { 0 }
	};
	struct frame_local grp = { { 0 }, IP4(198, 51, 100, 5), IP4(255, 255, 255, 0), 100, { 0 }, { 0 } };
	struct frame_info fi;
	size_t h;

	frame_multicast_mac(t.dst_ip, t.dst_mac);
	h = frame_udp_header_len(&t);
	CU_ASSERT_EQUAL(frame_build_udp_header(frame, h - 1, &t, 0, 0), 0);
	CU_ASSERT_EQUAL(frame_build_udp_header(frame, sizeof(frame), &t, 65508, 0), 0);
	CU_ASSERT_EQUAL(frame_build_udp_header(frame, sizeof(frame), &t, 65507, 0), h);
	memset(frame + h, 0x5a, 65507);
	CU_ASSERT_EQUAL(get16(frame + h - 28 + 2), 65535);
	CU_ASSERT_EQUAL(frame_classify(frame, h + 65507, &grp, 0, &fi), FRAME_OK);
	CU_ASSERT(fi.ip_multicast);
	CU_ASSERT_EQUAL(fi.payload_len, 65507);
	CU_ASSERT(memcmp(frame, "\x01\x00\x5e\x7f\x00\x07", 6) == 0);
	t.vlan = 4096;
	CU_ASSERT_EQUAL(frame_build_udp_header(frame, sizeof(frame), &t, 0, 0), 0);
}

static void
test_arp_reply_round_trip(void)
{
	const struct frame_local *locals[] = { &local_plain, &local_vlan };
	uint8_t out[128];
	struct frame_info req, rep;
	struct frame_local peer;
	const uint8_t *a;
	struct built b;
	size_t n, i;

	for (i = 0; i < 2; i++) {
		struct gen g = { B_ARP_REQ, locals[i]->vlan ? locals[i]->vlan : -1,
				 0, 0, 0, 18, 0, false };

		gen_frame(&g, &b);
		CU_ASSERT_EQUAL_FATAL(frame_classify(b.buf, b.len, locals[i], 0, &req), FRAME_OK);
		CU_ASSERT_EQUAL_FATAL(req.kind, FRAME_ARP_REQUEST);
		n = frame_build_arp_reply(out, sizeof(out), locals[i], &req);
		CU_ASSERT_EQUAL_FATAL(n, 60);
		CU_ASSERT(memcmp(out, peer_mac, 6) == 0);
		CU_ASSERT(memcmp(out + 6, our_mac, 6) == 0);
		if (locals[i]->vlan) {
			CU_ASSERT_EQUAL(get16(out + 12), 0x8100);
			CU_ASSERT_EQUAL(get16(out + 14), locals[i]->vlan);
		}
		a = out + (locals[i]->vlan ? 18 : 14);
		CU_ASSERT_EQUAL(get16(a + 6), 2);
		CU_ASSERT(memcmp(a + 8, our_mac, 6) == 0);
		CU_ASSERT_EQUAL(get32(a + 14), OUR_IP);
		CU_ASSERT(memcmp(a + 18, peer_mac, 6) == 0);
		CU_ASSERT_EQUAL(get32(a + 24), PEER_IP);
		CU_ASSERT_EQUAL(out[n - 1], 0);

		/* The requester learns from it. */
		memset(&peer, 0, sizeof(peer));
		memcpy(peer.mac, peer_mac, 6);
		peer.ip = PEER_IP;
		peer.netmask = IP4(255, 255, 255, 0);
		peer.vlan = locals[i]->vlan;
		CU_ASSERT_EQUAL(frame_classify(out, n, &peer, 0, &rep), FRAME_OK);
		CU_ASSERT_EQUAL(rep.kind, FRAME_ARP_REPLY);
		CU_ASSERT(memcmp(rep.src_mac, our_mac, 6) == 0);
		CU_ASSERT_EQUAL(rep.src_ip, OUR_IP);
		CU_ASSERT_EQUAL(rep.dst_ip, PEER_IP);

		CU_ASSERT_EQUAL(frame_build_arp_reply(out, 59, locals[i], &req), 0);
	}
	/* Only a request gets a reply. */
	req.kind = FRAME_ARP_REPLY;
	CU_ASSERT_EQUAL(frame_build_arp_reply(out, sizeof(out), &local_plain, &req), 0);
}

static void
test_icmp_reply(void)
{
	static const int sizes[] = { 0, 5, 56, 1472 };
	struct frame_local peer = { { 0x02, 0, 0, 0, 0, 0x99 }, PEER_IP, 0xffffffff, 0, { 0 }, { 0 } };
	uint8_t out[2048];
	struct frame_info req, rep;
	struct built b;
	size_t n, i, l3, l4, ilen;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct gen g = { B_ICMP, -1, 0, 0, 4, 6, sizes[i], false };

		gen_frame(&g, &b);
		CU_ASSERT_EQUAL_FATAL(frame_classify(b.buf, b.len, &local_plain, 0, &req), FRAME_OK);
		CU_ASSERT_EQUAL_FATAL(req.kind, FRAME_ICMP_ECHO);
		ilen = 8 + (size_t)sizes[i];
		n = frame_build_icmp_echo_reply(out, sizeof(out), &local_plain, &req);
		CU_ASSERT_EQUAL_FATAL(n, ilen + 34 < 60 ? 60 : ilen + 34);
		l3 = 14;
		l4 = 34;
		CU_ASSERT(memcmp(out, peer_mac, 6) == 0);
		CU_ASSERT(memcmp(out + 6, our_mac, 6) == 0);
		CU_ASSERT_EQUAL(naive_csum(out + l3, 20, 0), 0);
		CU_ASSERT_EQUAL(get16(out + l3 + 2), 20 + ilen);
		CU_ASSERT_EQUAL(out[l3 + 9], 1);
		CU_ASSERT_EQUAL(get32(out + l3 + 12), OUR_IP);
		CU_ASSERT_EQUAL(get32(out + l3 + 16), PEER_IP);
		CU_ASSERT_EQUAL(out[l4], 0);
		CU_ASSERT_EQUAL(out[l4 + 1], 0);
		CU_ASSERT_EQUAL(naive_csum(out + l4, ilen, 0), 0);
		CU_ASSERT(memcmp(out + l4 + 4, b.buf + b.l4 + 4, ilen - 4) == 0);
		/* The requester's stack passes it up to ICMP, which is not an echo request. */
		CU_ASSERT_EQUAL(frame_classify(out, n, &peer, 0, &rep), FRAME_ERR_ICMP);
		CU_ASSERT_EQUAL(rep.dst_ip, PEER_IP);
		CU_ASSERT_EQUAL(rep.l4_off, l4);

		/* Built over the request's own buffer, the reply is the same. */
		{
			uint8_t copy[2048];

			memcpy(copy, out, n);
			CU_ASSERT_EQUAL(frame_build_icmp_echo_reply(b.buf, sizeof(b.buf),
								    &local_plain, &req), n);
			CU_ASSERT(memcmp(b.buf, copy, n) == 0);
		}
		CU_ASSERT_EQUAL(frame_build_icmp_echo_reply(out, n - 1, &local_plain, &req), 0);
	}
	req.kind = FRAME_UDP;
	CU_ASSERT_EQUAL(frame_build_icmp_echo_reply(out, sizeof(out), &local_plain, &req), 0);
}

static void
test_icmp_reply_vlan(void)
{
	struct gen g = { B_ICMP, 100, 0, 0, 0, 0, 32, false };
	uint8_t out[256];
	struct frame_info req;
	struct built b;
	size_t n;

	gen_frame(&g, &b);
	CU_ASSERT_EQUAL_FATAL(frame_classify(b.buf, b.len, &local_vlan, 0, &req), FRAME_OK);
	n = frame_build_icmp_echo_reply(out, sizeof(out), &local_vlan, &req);
	CU_ASSERT_EQUAL(n, 18 + 20 + 40);
	CU_ASSERT_EQUAL(get16(out + 12), 0x8100);
	CU_ASSERT_EQUAL(get16(out + 14), 100);
	CU_ASSERT_EQUAL(get16(out + 16), 0x0800);
	CU_ASSERT_EQUAL(naive_csum(out + 38, 40, 0), 0);
}

static void
test_multicast_mac(void)
{
	uint8_t m[6];

	frame_multicast_mac(IP4(239, 255, 0, 1), m);
	CU_ASSERT(memcmp(m, "\x01\x00\x5e\x7f\x00\x01", 6) == 0);
	/* Bit 23 of the group is dropped: 224.128.x.y shares 224.0.x.y's MAC. */
	frame_multicast_mac(IP4(224, 128, 2, 3), m);
	CU_ASSERT(memcmp(m, "\x01\x00\x5e\x00\x02\x03", 6) == 0);
	frame_multicast_mac(IP4(239, 255, 255, 250), m);
	CU_ASSERT(memcmp(m, "\x01\x00\x5e\x7f\xff\xfa", 6) == 0);
}

static void
test_strerror(void)
{
	int i, j;

	for (i = 0; i < FRAME_ERR__MAX; i++) {
		const char *s = frame_strerror((enum frame_err)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT(s[0] != '\0');
		CU_ASSERT(strstr(s, "unknown") == NULL);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(s, frame_strerror((enum frame_err)j)) != 0);
	}
	CU_ASSERT(strstr(frame_strerror(FRAME_ERR__MAX), "unknown") != NULL);
	CU_ASSERT(strstr(frame_strerror((enum frame_err)-1), "unknown") != NULL);
}

/* /31 and /32 have no broadcast; /0 makes every address "the" broadcast only at all-ones. */
static void
test_netmask_edges(void)
{
	struct frame_local l31 = local_plain, l32 = local_plain;
	struct gen g = UDP_TO(IP4(192, 0, 2, 1));
	struct frame_info fi;
	struct built b;

	l31.ip = IP4(192, 0, 2, 0);
	l31.netmask = 0xfffffffe;
	gen_frame(&g, &b);	/* to .1, the /31 peer: not ours */
	CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &l31, 0, &fi), FRAME_ERR_NOT_FOR_US);
	l32.netmask = 0xffffffff;
	CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &l32, 0, &fi), FRAME_OK);
	CU_ASSERT(!fi.ip_broadcast);
	/* An engine with no address yet takes only broadcast and multicast. */
	l32.ip = 0;
	g.dst_ip = 0;
	gen_frame(&g, &b);
	put32(b.buf + b.l3 + 16, 0);
	fix_ip_csum(&b);
	fix_l4_csum(&b);
	CU_ASSERT_EQUAL(frame_classify(b.buf, b.len, &l32, 0, &fi), FRAME_ERR_NOT_FOR_US);
}

/* ---- ICMP unreachable quoting our datagram ---- */

struct unreach_row {
	const char *name;
	uint8_t type, code;
	uint32_t q_src;		/* 0 = OUR_IP */
	uint32_t q_dst;		/* 0 = PEER_IP */
	uint8_t q_proto;	/* 0 = UDP */
	int q_opts;		/* quoted IP options, bytes */
	uint16_t q_frag;
	int q_udp;		/* bytes of the quoted UDP header: 8 unless less */
	int q_extra;		/* quoted payload after the UDP header */
	bool bad_csum;
	uint32_t outer_dst;	/* 0 = OUR_IP */
	enum frame_err err;
};

#define UR(n, c) n, 3, (c)

static const struct unreach_row unreach_rows[] = {
	{ UR("port unreachable", 3), 0, 0, 0, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("host unreachable", 1), 0, 0, 0, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("host admin prohibited", 10), 0, 0, 0, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("communication admin prohibited", 13), 0, 0, 0, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("router quotes more (RFC 1812)", 3), 0, 0, 0, 0, 0, 8, 512, false, 0, FRAME_OK },
	{ UR("quoted ip options skipped", 3), 0, 0, 0, 12, 0, 8, 4, false, 0, FRAME_OK },
	{ UR("first fragment quotes udp", 3), 0, 0, 0, 0, 0x2000, 8, 0, false, 0, FRAME_OK },
	{ UR("net unreachable: a route, not the peer", 0), 0, 0, 0, 0, 0, 8, 0, false, 0,
	  FRAME_ERR_ICMP },
	{ UR("frag needed: a route, not the peer", 4), 0, 0, 0, 0, 0, 8, 0, false, 0,
	  FRAME_ERR_ICMP },
	/* Errors that are not about our UDP are the kernel's (HTTP Boot's TCP):
	 * classified FRAME_ICMP_ERROR, never FRAME_ICMP_UNREACH. */
	{ "time exceeded", 11, 0, 0, 0, 0, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("quotes another host's datagram", 3), IP4(192, 0, 2, 5), 0, 0, 0, 0, 8, 0, false, 0,
	  FRAME_ERR_ICMP },
	{ UR("quotes a broadcast", 3), 0, 0xffffffff, 0, 0, 0, 8, 0, false, 0, FRAME_ERR_ICMP },
	{ UR("quotes tcp", 3), 0, 0, 6, 0, 0, 8, 0, false, 0, FRAME_OK },
	{ UR("quotes a later fragment", 3), 0, 0, 0, 0, 0x0010, 8, 0, false, 0, FRAME_ERR_ICMP },
	{ UR("quoted udp header cut to ports", 3), 0, 0, 0, 0, 0, 4, 0, false, 0,
	  FRAME_ERR_ICMP },
	{ UR("quoted udp header missing", 3), 0, 0, 0, 0, 0, 0, 0, false, 0, FRAME_ERR_ICMP },
	{ UR("quoted ip options beyond the message", 3), 0, 0, 0, 40, 0, 0, 0, false, 0,
	  FRAME_ERR_ICMP },
	{ UR("bad icmp checksum", 3), 0, 0, 0, 0, 0, 8, 0, true, 0, FRAME_ERR_ICMP },
	{ UR("to broadcast", 3), 0, 0, 0, 0, 0, 8, 0, false, 0xffffffff, FRAME_ERR_ICMP },
};

/* Ether + IPv4 (ICMP) + ICMP header + the quoted IPv4 header + UDP header. */
static size_t
gen_unreach(const struct unreach_row *r, uint8_t *p, size_t cap)
{
	size_t icmp = 14 + 20, q = icmp + 8, qhl = 20 + (size_t)r->q_opts, u = q + qhl, n;
	int i;

	n = u + (size_t)r->q_udp + (size_t)r->q_extra;
	if (r->q_opts == 40)
		n = q + 20;	/* the options the IHL claims are not there */
	CU_ASSERT_FATAL(n <= cap);
	memset(p, 0, n);
	memcpy(p, our_mac, 6);
	memcpy(p + 6, peer_mac, 6);
	put16(p + 12, 0x0800);
	p[14] = 0x45;
	put16(p + 16, (uint16_t)(n - 14));
	p[22] = 64;
	p[23] = 1;
	put32(p + 26, IP4(192, 0, 2, 254));	/* a router says so */
	put32(p + 30, r->outer_dst ? r->outer_dst : OUR_IP);
	put16(p + 24, naive_csum(p + 14, 20, 0));
	p[icmp] = r->type;
	p[icmp + 1] = r->code;
	p[q] = (uint8_t)(0x40 | (5 + r->q_opts / 4));
	put16(p + q + 2, (uint16_t)(qhl + 8 + 512));
	put16(p + q + 6, r->q_frag);
	p[q + 8] = 64;
	p[q + 9] = r->q_proto ? r->q_proto : 17;
	put32(p + q + 12, r->q_src ? r->q_src : OUR_IP);
	put32(p + q + 16, r->q_dst ? r->q_dst : PEER_IP);
	for (i = 0; i < r->q_opts && q + 20 + (size_t)i < n; i++)
		p[q + 20 + i] = 0x01;
	if (r->q_udp >= 4) {
		put16(p + u, 33000);
		put16(p + u + 2, PEER_PORT);
	}
	if (r->q_udp >= 8)
		put16(p + u + 4, 8 + 512);
	for (i = 0; i < r->q_extra; i++)
		p[u + 8 + (size_t)i] = (uint8_t)i;
	put16(p + icmp + 2, naive_csum(p + icmp, n - icmp, 0));
	if (r->bad_csum)
		p[icmp + 2] ^= 0x40;
	return n;
}

static void
test_icmp_unreach_table(void)
{
	static uint8_t buf[2048];
	struct frame_info fi;
	size_t i, n;
	enum frame_err e;

	for (i = 0; i < sizeof(unreach_rows) / sizeof(unreach_rows[0]); i++) {
		const struct unreach_row *r = &unreach_rows[i];

		n = gen_unreach(r, buf, sizeof(buf));
		e = frame_classify(buf, n, &local_plain, 0, &fi);
		CHECK(r->name, e == r->err);
		if (r->err != FRAME_OK || e != FRAME_OK)
			continue;
		if (r->type != 3 || (r->q_proto && r->q_proto != 17)) {
			CHECK(r->name, fi.kind == FRAME_ICMP_ERROR);
			continue;
		}
		CHECK(r->name, fi.kind == FRAME_ICMP_UNREACH);
		CHECK(r->name, fi.icmp_code == r->code);
		CHECK(r->name, fi.quoted.src_ip == OUR_IP && fi.quoted.dst_ip == PEER_IP);
		CHECK(r->name, fi.quoted.src_port == 33000 && fi.quoted.dst_port == PEER_PORT);
		CHECK(r->name, fi.src_ip == IP4(192, 0, 2, 254));
		CHECK(r->name, fi.payload == buf + 34 && fi.payload_len == n - 34);
		/* The NIC's L4 flag covers UDP/TCP, never ICMP: still summed. */
		buf[36] ^= 0x40;
		CHECK(r->name, frame_classify(buf, n, &local_plain, FRAME_L4_CSUM_GOOD, &fi) ==
			       FRAME_ERR_ICMP);
	}
}

/*
 * Every cut of a valid unreachable is refused as one, never read past: a
 * cut that leaves too little to quote UDP is at most an ICMP error for the
 * kernel (FRAME_ICMP_ERROR), never a session's FRAME_ICMP_UNREACH.
 */
static void
test_icmp_unreach_truncation(void)
{
	static uint8_t buf[2048];
	struct frame_info fi;
	size_t n, cut;
	uint8_t *copy;

	n = gen_unreach(&unreach_rows[0], buf, sizeof(buf));
	for (cut = 0; cut < n; cut++) {
		copy = malloc(cut ? cut : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, buf, cut);
		/* The outer IP length still claims n: shorten it too past L3. */
		if (cut >= 34)
			put16(copy + 16, (uint16_t)(cut - 14));
		if (cut >= 34) {
			put16(copy + 24, 0);
			put16(copy + 24, naive_csum(copy + 14, 20, 0));
			put16(copy + 36, 0);
			put16(copy + 36, naive_csum(copy + 34, cut - 34, 0));
		}
		if (frame_classify(copy, cut, &local_plain, 0, &fi) == FRAME_OK)
			CU_ASSERT(fi.kind == FRAME_ICMP_ERROR && cut - 34 < 8 + 20 + 8);
		free(copy);
	}
}

/* TCP for the kernel's tap: a partial checksum is completed, nothing else. */
static void
test_tcp_complete_partial(void)
{
	const uint32_t src = IP4(192, 0, 2, 10), dst = OUR_IP;
	uint8_t seg[20 + 33], want[sizeof(seg)];
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 +
			  sizeof(seg);
	uint32_t folded;
	size_t i;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = (uint8_t)(i * 31 + 7);
	seg[12] = 5 << 4;
	seg[16] = seg[17] = 0;
	put16(seg + 16, naive_csum(seg, sizeof(seg), pseudo));
	memcpy(want, seg, sizeof(seg));
	/* Complete already: untouched. */
	CU_ASSERT_FALSE(frame_tcp_complete_partial(seg, sizeof(seg), src, dst));
	CU_ASSERT_EQUAL(memcmp(seg, want, sizeof(seg)), 0);
	/* What a kernel sender leaves: the folded pseudo-header sum. */
	folded = (pseudo & 0xffff) + (pseudo >> 16);
	folded = (folded & 0xffff) + (folded >> 16);
	put16(seg + 16, (uint16_t)folded);
	CU_ASSERT_TRUE(frame_tcp_complete_partial(seg, sizeof(seg), src, dst));
	CU_ASSERT_EQUAL(memcmp(seg, want, sizeof(seg)), 0);
	/* Really bad (one off): left for the kernel to drop. */
	put16(seg + 16, (uint16_t)(folded + 1));
	CU_ASSERT_FALSE(frame_tcp_complete_partial(seg, sizeof(seg), src, dst));
	CU_ASSERT_EQUAL(seg[16] << 8 | seg[17], (uint16_t)(folded + 1));
	CU_ASSERT_FALSE(frame_tcp_complete_partial(seg, 19, src, dst));
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "classify: hostile table", test_classify_table },
		{ "classify: truncation sweep", test_truncation_sweep },
		{ "classify: random mutations stay in bounds", test_mutation_bounds },
		{ "classify: netmask edges", test_netmask_edges },
		{ "classify: kernel partial udp checksum", test_udp_csum_partial },
		{ "classify: kernel partial checksum, random", test_udp_csum_partial_random },
		{ "csum: RFC 1071 example", test_csum_rfc1071_example },
		{ "csum: vs naive reference", test_csum_vs_naive },
		{ "csum: carries", test_csum_carries },
		{ "csum: pseudo header", test_pseudo_sum },
		{ "build: udp round trip", test_udp_round_trip },
		{ "build: udp limits and multicast", test_udp_builder_limits },
		{ "build: arp reply round trip", test_arp_reply_round_trip },
		{ "build: icmp echo reply", test_icmp_reply },
		{ "build: icmp echo reply on vlan", test_icmp_reply_vlan },
		{ "multicast mac", test_multicast_mac },
		{ "strerror", test_strerror },
		{ "classify: icmp unreachable table", test_icmp_unreach_table },
		{ "classify: icmp unreachable truncation", test_icmp_unreach_truncation },
		{ "tcp: a kernel sender's partial checksum completed", test_tcp_complete_partial },
		{ NULL, NULL },
	};

	return unit_run("frame", tests);
}
