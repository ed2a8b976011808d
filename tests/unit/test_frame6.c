/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/frame6: classify hostile IPv6/ICMPv6 frames, round-trip the ND
 * builders, and check the address helpers against RFC examples. Test
 * frames are built here byte by byte with a naive checksum, not with the
 * code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/frame6.h"
#include "dataplane/proto/ipv6_hdr.h"
#include "unit.h"

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
/* 2001:db8::2 (ours), 2001:db8::1 (the peer), fe80::1, ::, groups */
static const uint8_t our_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t peer_ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t peer_ll[16] = { 0xfe, 0x80, [15] = 0x01 };
static const uint8_t unspec[16];
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t all_routers[16] = { 0xff, 0x02, [15] = 0x02 };
static const uint8_t our_snm[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x02 };

/* ---- building test frames by hand ---- */

struct tf {
	uint8_t buf[256];
	size_t len;	/* frame length */
	size_t l3;	/* IPv6 header */
	size_t icmp;	/* ICMPv6 message */
	size_t icmp_len;
};

static uint16_t
naive_csum6_nh(const uint8_t *src, const uint8_t *dst, const uint8_t *p, size_t n, uint8_t nh)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		s += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	s += (uint32_t)n + nh;
	for (i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint16_t
naive_csum6(const uint8_t *src, const uint8_t *dst, const uint8_t *p, size_t n)
{
	return naive_csum6_nh(src, dst, p, n, 58);
}

static uint16_t
naive_udp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *p, size_t n)
{
	return naive_csum6_nh(src, dst, p, n, 17);
}

/* Recomputes the ICMPv6 checksum after a row changed the message. */
static void
fix_csum(struct tf *f)
{
	uint8_t *m = f->buf + f->icmp;
	uint16_t c;

	m[2] = m[3] = 0;
	c = naive_csum6(f->buf + f->l3 + 8, f->buf + f->l3 + 24, m, f->icmp_len);
	m[2] = c >> 8;
	m[3] = c & 0xff;
}

/*
 * Ethernet (VLAN if vlan), IPv6 with hop limit hop, optional hop-by-hop
 * header (8 bytes), then msg as the ICMPv6 message; checksum filled.
 */
static void
tf_make(struct tf *f, uint16_t vlan, uint8_t hop, const uint8_t *src, const uint8_t *dst,
	bool hbh, const uint8_t *msg, size_t msg_len)
{
	uint8_t *p = f->buf;
	size_t plen = msg_len + (hbh ? 8 : 0);

	memset(f, 0, sizeof(*f));
	memcpy(p, our_mac, 6);
	memcpy(p + 6, peer_mac, 6);
	p += 12;
	if (vlan) {
		*p++ = 0x81;
		*p++ = 0x00;
		*p++ = vlan >> 8;
		*p++ = vlan & 0xff;
	}
	*p++ = 0x86;
	*p++ = 0xdd;
	f->l3 = (size_t)(p - f->buf);
	p[0] = 0x60;
	p[4] = plen >> 8;
	p[5] = plen & 0xff;
	p[6] = hbh ? 0 : 58;
	p[7] = hop;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p += 40;
	if (hbh) {
		/* next header ICMPv6, length 0 units, router alert (RFC 2711), PadN */
		static const uint8_t h[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };

		memcpy(p, h, 8);
		p += 8;
	}
	f->icmp = (size_t)(p - f->buf);
	f->icmp_len = msg_len;
	memcpy(p, msg, msg_len);
	f->len = f->icmp + msg_len;
	fix_csum(f);
}

/* An NS (type 135) for target, with an SLLA option unless slla is false. */
static size_t
ns_msg(uint8_t *m, const uint8_t *target, bool slla)
{
	memset(m, 0, 32);
	m[0] = 135;
	memcpy(m + 8, target, 16);
	if (!slla)
		return 24;
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	return 32;
}

static size_t
na_msg(uint8_t *m, const uint8_t *target, uint8_t flags)
{
	memset(m, 0, 32);
	m[0] = 136;
	m[4] = flags;
	memcpy(m + 8, target, 16);
	m[24] = 2;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	return 32;
}

static size_t
rs_msg(uint8_t *m, bool slla)
{
	memset(m, 0, 16);
	m[0] = 133;
	if (!slla)
		return 8;
	m[8] = 1;
	m[9] = 1;
	memcpy(m + 10, peer_mac, 6);
	return 16;
}

static size_t
echo_msg(uint8_t *m)
{
	static const uint8_t e[16] = { 128, 0, 0, 0, 0x12, 0x34, 0, 7, 'p', 'x', 'e', 'l',
				       'i', 'n', 'e', '!' };

	memcpy(m, e, sizeof(e));
	return sizeof(e);
}

/* ---- the table ---- */

enum tf_shape { S_NS, S_NS_DAD, S_NA, S_RS, S_RS_NONE, S_ECHO };

struct row {
	const char *name;
	enum tf_shape shape;
	uint16_t vlan;		/* frame's tag; the interface is on VLAN 0 unless iface_vlan */
	uint16_t iface_vlan;
	bool hbh;
	int mutate;		/* what the row breaks, after building */
	enum frame6_err want;
};

enum {
	M_NONE, M_CUT_ETH, M_CUT_IP, M_PLEN_BIG, M_PLEN_ZERO, M_VERSION, M_ETHERTYPE_V4,
	M_SRC_MCAST, M_NH_ROUTING, M_NH_FRAGMENT, M_NH_UDP, M_HBH_LONG, M_CSUM, M_ICMP_4,
	M_TYPE_RA, M_CODE, M_HOP_64, M_HOP_254, M_HOP_1, M_NS_SHORT, M_TARGET_MCAST,
	M_OPT_ZERO, M_OPT_PAST, M_DAD_SLLA, M_DAD_TO_ALL, M_NA_SOL_TO_ALL, M_RS_NONE_SLLA,
	M_PAD, M_NH_DSTOPT_AFTER_HBH,
};

static const struct row rows[] = {
	{ "ns with slla", S_NS, 0, 0, false, M_NONE, FRAME6_OK },
	{ "dad ns", S_NS_DAD, 0, 0, false, M_NONE, FRAME6_OK },
	{ "na solicited", S_NA, 0, 0, false, M_NONE, FRAME6_OK },
	{ "rs with slla", S_RS, 0, 0, false, M_NONE, FRAME6_OK },
	{ "rs from ::", S_RS_NONE, 0, 0, false, M_NONE, FRAME6_OK },
	{ "echo", S_ECHO, 0, 0, false, M_NONE, FRAME6_OK },
	{ "ns after hop-by-hop", S_NS, 0, 0, true, M_NONE, FRAME6_OK },
	{ "ns on vlan 100", S_NS, 100, 100, false, M_NONE, FRAME6_OK },
	{ "ns, ethernet padding", S_NS, 0, 0, false, M_PAD, FRAME6_OK },
	{ "priority tag is vlan 0", S_NS, 0x2000, 0, false, M_NONE, FRAME6_OK },
	{ "tagged for another vlan", S_NS, 101, 100, false, M_NONE, FRAME6_ERR_VLAN },
	{ "untagged on a vlan", S_NS, 0, 100, false, M_NONE, FRAME6_ERR_VLAN },
	{ "cut in ethernet", S_NS, 0, 0, false, M_CUT_ETH, FRAME6_ERR_SHORT },
	{ "cut in ipv6 header", S_NS, 0, 0, false, M_CUT_IP, FRAME6_ERR_SHORT },
	{ "payload length past frame", S_NS, 0, 0, false, M_PLEN_BIG, FRAME6_ERR_PAYLOAD_LEN },
	{ "payload length 0 (jumbo)", S_NS, 0, 0, false, M_PLEN_ZERO, FRAME6_ERR_PAYLOAD_LEN },
	{ "version 4", S_NS, 0, 0, false, M_VERSION, FRAME6_ERR_VERSION },
	{ "ethertype ipv4", S_NS, 0, 0, false, M_ETHERTYPE_V4, FRAME6_ERR_ETHERTYPE },
	{ "source multicast", S_ECHO, 0, 0, false, M_SRC_MCAST, FRAME6_ERR_SRC },
	{ "routing header", S_NS, 0, 0, false, M_NH_ROUTING, FRAME6_ERR_EXT_HDR },
	{ "fragment header", S_NS, 0, 0, false, M_NH_FRAGMENT, FRAME6_ERR_FRAGMENT },
	{ "dest options after hop-by-hop", S_NS, 0, 0, true, M_NH_DSTOPT_AFTER_HBH,
	  FRAME6_ERR_EXT_HDR },
	{ "an NS read as udp", S_NS, 0, 0, false, M_NH_UDP, FRAME6_ERR_UDP_LEN },
	{ "hop-by-hop past payload", S_NS, 0, 0, true, M_HBH_LONG, FRAME6_ERR_SHORT },
	{ "wrong checksum", S_NS, 0, 0, false, M_CSUM, FRAME6_ERR_CSUM },
	{ "icmp of 4 bytes", S_ECHO, 0, 0, false, M_ICMP_4, FRAME6_ERR_ICMP_SHORT },
	{ "router advertisement", S_RS, 0, 0, false, M_TYPE_RA, FRAME6_ERR_ICMP_TYPE },
	{ "ns code 1", S_NS, 0, 0, false, M_CODE, FRAME6_ERR_ICMP_CODE },
	{ "ns hop limit 64", S_NS, 0, 0, false, M_HOP_64, FRAME6_ERR_ND_HOP_LIMIT },
	{ "na hop limit 254 (routed)", S_NA, 0, 0, false, M_HOP_254, FRAME6_ERR_ND_HOP_LIMIT },
	{ "rs hop limit 1", S_RS, 0, 0, false, M_HOP_1, FRAME6_ERR_ND_HOP_LIMIT },
	{ "echo hop limit 1 is fine", S_ECHO, 0, 0, false, M_HOP_1, FRAME6_OK },
	{ "ns of 20 bytes", S_NS, 0, 0, false, M_NS_SHORT, FRAME6_ERR_ICMP_SHORT },
	{ "ns target multicast", S_NS, 0, 0, false, M_TARGET_MCAST, FRAME6_ERR_ND_TARGET },
	{ "na target multicast", S_NA, 0, 0, false, M_TARGET_MCAST, FRAME6_ERR_ND_TARGET },
	{ "option of length 0", S_NS, 0, 0, false, M_OPT_ZERO, FRAME6_ERR_ND_OPTION },
	{ "rs option of length 0", S_RS, 0, 0, false, M_OPT_ZERO, FRAME6_ERR_ND_OPTION },
	{ "option past message", S_NS, 0, 0, false, M_OPT_PAST, FRAME6_ERR_ND_OPTION },
	{ "dad ns with slla", S_NS_DAD, 0, 0, false, M_DAD_SLLA, FRAME6_ERR_ND_SLLA },
	{ "dad ns to all-nodes", S_NS_DAD, 0, 0, false, M_DAD_TO_ALL, FRAME6_ERR_ND_DST },
	{ "solicited na to all-nodes", S_NA, 0, 0, false, M_NA_SOL_TO_ALL, FRAME6_ERR_ND_DST },
	{ "rs from :: with slla", S_RS_NONE, 0, 0, false, M_RS_NONE_SLLA, FRAME6_ERR_ND_SLLA },
};

static void
row_build(const struct row *r, struct tf *f)
{
	uint8_t m[64];
	size_t n = 0;

	switch (r->shape) {
	case S_NS:
		n = ns_msg(m, our_ip, true);
		tf_make(f, r->vlan, 255, peer_ip, our_snm, r->hbh, m, n);
		break;
	case S_NS_DAD:
		n = ns_msg(m, our_ip, r->mutate == M_DAD_SLLA);
		tf_make(f, r->vlan, 255, unspec, r->mutate == M_DAD_TO_ALL ? all_nodes : our_snm,
			r->hbh, m, n);
		break;
	case S_NA:
		n = na_msg(m, peer_ip, FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE);
		tf_make(f, r->vlan, 255, peer_ip, r->mutate == M_NA_SOL_TO_ALL ? all_nodes : our_ip,
			r->hbh, m, n);
		break;
	case S_RS:
		n = rs_msg(m, true);
		tf_make(f, r->vlan, 255, peer_ll, all_routers, r->hbh, m, n);
		break;
	case S_RS_NONE:
		n = rs_msg(m, r->mutate == M_RS_NONE_SLLA);
		tf_make(f, r->vlan, 255, unspec, all_routers, r->hbh, m, n);
		break;
	case S_ECHO:
		n = echo_msg(m);
		tf_make(f, r->vlan, 64, peer_ip, our_ip, r->hbh, m, n);
		break;
	}
}

static void
set_plen(struct tf *f, size_t plen)
{
	f->buf[f->l3 + 4] = plen >> 8;
	f->buf[f->l3 + 5] = plen & 0xff;
}

/* Header-level breakage: no checksum fix needed (or wanted). */
static bool
row_mutate_headers(const struct row *r, struct tf *f)
{
	uint8_t *ip = f->buf + f->l3, *m = f->buf + f->icmp;

	switch (r->mutate) {
	case M_CUT_ETH: f->len = 13; return true;
	case M_CUT_IP: f->len = f->l3 + 39; return true;
	case M_PLEN_BIG: set_plen(f, f->len - f->l3 - 40 + 1); return true;
	case M_PLEN_ZERO: set_plen(f, 0); return true;
	case M_VERSION: ip[0] = 0x40; return true;
	case M_ETHERTYPE_V4: f->buf[f->l3 - 1] = 0x00; f->buf[f->l3 - 2] = 0x08; return true;
	case M_NH_ROUTING: ip[6] = 43; return true;
	case M_NH_FRAGMENT: ip[6] = 44; return true;
	case M_NH_UDP: ip[6] = 17; return true;
	case M_NH_DSTOPT_AFTER_HBH: ip[40] = 60; return true;
	case M_HBH_LONG: ip[41] = 9; return true;
	case M_CSUM: m[3] ^= 0x01; return true;
	case M_HOP_64: ip[7] = 64; return true;
	case M_HOP_254: ip[7] = 254; return true;
	case M_HOP_1: ip[7] = 1; return true;
	case M_PAD: memset(f->buf + f->len, 0xee, 20); f->len += 20; return true;
	default: return false;
	}
}

/* Message-level breakage: the checksum is made right again after. */
static void
row_mutate(const struct row *r, struct tf *f)
{
	uint8_t *m = f->buf + f->icmp;

	if (row_mutate_headers(r, f))
		return;
	switch (r->mutate) {
	case M_SRC_MCAST: f->buf[f->l3 + 8] = 0xff; break;
	case M_ICMP_4: f->icmp_len = 4; set_plen(f, 4); f->len = f->icmp + 4; break;
	case M_TYPE_RA: m[0] = 134; break;
	case M_CODE: m[1] = 1; break;
	case M_NS_SHORT: f->icmp_len = 20; set_plen(f, 20); f->len = f->icmp + 20; break;
	case M_TARGET_MCAST: m[8] = 0xff; break;
	case M_OPT_ZERO: m[r->shape == S_RS ? 9 : 25] = 0; break;
	case M_OPT_PAST: m[25] = 2; break;
	default: return;
	}
	fix_csum(f);
}

static void
test_classify_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct frame6_info fi;
		enum frame6_err e;
		struct tf f;

		row_build(r, &f);
		row_mutate(r, &f);
		e = frame6_classify(f.buf, f.len, r->iface_vlan, 0, &fi);
		ROW_ASSERT(e == r->want, r->name);
		if (e != r->want)
			fprintf(stderr, "  got %s, want %s\n", frame6_strerror(e),
				frame6_strerror(r->want));
		ROW_ASSERT(frame6_is_ipv6(f.buf, f.len) == (r->mutate != M_ETHERTYPE_V4 &&
							   r->mutate != M_CUT_ETH), r->name);
		if (e != FRAME6_OK)
			continue;
		ROW_ASSERT(memcmp(fi.src_mac, peer_mac, 6) == 0, r->name);
		ROW_ASSERT(fi.l4_off == f.icmp && fi.icmp == f.buf + f.icmp, r->name);
		ROW_ASSERT(fi.icmp_len == f.icmp_len, r->name);
	}
}

/* What the good rows parse to. */
static void
test_classify_fields(void)
{
	struct frame6_info fi;
	uint8_t m[64];
	struct tf f;

	tf_make(&f, 0, 255, peer_ip, our_snm, false, m, ns_msg(m, our_ip, true));
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_NS);
	CU_ASSERT_EQUAL(memcmp(fi.target, our_ip, 16), 0);
	CU_ASSERT_EQUAL(memcmp(fi.src, peer_ip, 16), 0);
	CU_ASSERT_EQUAL(memcmp(fi.dst, our_snm, 16), 0);
	CU_ASSERT_TRUE(fi.has_lladdr);
	CU_ASSERT_EQUAL(memcmp(fi.lladdr, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(fi.hop_limit, 255);

	tf_make(&f, 0, 255, peer_ip, our_ip, false, m, na_msg(m, peer_ip, 0xe0));
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_NA);
	CU_ASSERT_EQUAL(fi.na_flags, FRAME6_NA_ROUTER | FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE);
	CU_ASSERT_TRUE(fi.has_lladdr);	/* the TLLA */

	/* An NS's TLLA is no source address: not taken. */
	ns_msg(m, our_ip, true);
	m[24] = 2;
	tf_make(&f, 0, 255, peer_ip, our_snm, false, m, 32);
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_FALSE(fi.has_lladdr);

	tf_make(&f, 0, 255, unspec, all_routers, false, m, rs_msg(m, false));
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_RS);
	CU_ASSERT_FALSE(fi.has_lladdr);
}

/* Every cut of a good frame is refused, never read past. */
static void
test_truncation_sweep(void)
{
	struct frame6_info fi;
	uint8_t m[64], *copy;
	struct tf f;
	size_t n;

	tf_make(&f, 100, 255, peer_ip, our_snm, true, m, ns_msg(m, our_ip, true));
	for (n = 0; n < f.len; n++) {
		copy = malloc(n ? n : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, f.buf, n);
		CU_ASSERT_NOT_EQUAL(frame6_classify(copy, n, 100, 0, &fi), FRAME6_OK);
		free(copy);
	}
	CU_ASSERT_EQUAL(frame6_classify(f.buf, f.len, 100, 0, &fi), FRAME6_OK);
}

static void
test_addresses(void)
{
	/* RFC 4291 appendix A: 52:54:00:12:34:56 -> fe80::5054:ff:fe12:3456 */
	static const uint8_t ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12,
					0x34, 0x56 };
	static const uint8_t snm_mac[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 };
	uint8_t a[16], mac[6];

	frame6_link_local(our_mac, a);
	CU_ASSERT_EQUAL(memcmp(a, ll, 16), 0);
	frame6_solicited_node(our_ip, a);
	CU_ASSERT_EQUAL(memcmp(a, our_snm, 16), 0);
	frame6_multicast_mac(a, mac);
	CU_ASSERT_EQUAL(memcmp(mac, snm_mac, 6), 0);
	CU_ASSERT_TRUE(frame6_is_unspecified(unspec));
	CU_ASSERT_FALSE(frame6_is_unspecified(our_ip));
	CU_ASSERT_TRUE(frame6_is_multicast(all_nodes));
	CU_ASSERT_FALSE(frame6_is_multicast(peer_ll));
	CU_ASSERT_EQUAL(memcmp(frame6_all_nodes, all_nodes, 16), 0);
}

static void
tx_to(struct frame6_tx *t, const uint8_t *src, const uint8_t *dst, uint16_t vlan)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->src_mac, our_mac, 6);
	memcpy(t->dst_mac, peer_mac, 6);
	t->vlan = vlan;
	memcpy(t->src, src, 16);
	memcpy(t->dst, dst, 16);
}

/* What a peer's stack checks of a built message: its own checksum. */
static void
check_built(const uint8_t *buf, size_t len, size_t l3, uint8_t type, uint8_t hop)
{
	const uint8_t *ip = buf + l3;
	size_t plen = (size_t)(ip[4] << 8 | ip[5]);

	CU_ASSERT_EQUAL(ip[0] >> 4, 6);
	CU_ASSERT_EQUAL(ip[6], 58);
	CU_ASSERT_EQUAL(ip[7], hop);
	CU_ASSERT_EQUAL(l3 + 40 + plen, len);
	CU_ASSERT_EQUAL(ip[40], type);
	CU_ASSERT_EQUAL(naive_csum6(ip + 8, ip + 24, ip + 40, plen), 0);
}

static void
test_build_na(void)
{
	struct frame6_info fi;
	struct frame6_tx t;
	uint8_t buf[128];
	size_t n;

	tx_to(&t, our_ip, peer_ip, 0);
	n = frame6_build_na(buf, sizeof(buf), &t, our_ip, FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE,
			    our_mac);
	CU_ASSERT_EQUAL_FATAL(n, 14 + 40 + 32);
	check_built(buf, n, 14, 136, 255);
	CU_ASSERT_EQUAL_FATAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_NA);
	CU_ASSERT_EQUAL(fi.na_flags, FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE);
	CU_ASSERT_EQUAL(memcmp(fi.target, our_ip, 16), 0);
	CU_ASSERT_TRUE(fi.has_lladdr);
	CU_ASSERT_EQUAL(memcmp(fi.lladdr, our_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(fi.dst_mac, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(frame6_build_na(buf, n - 1, &t, our_ip, 0, our_mac), 0);

	/* The DAD answer: to all-nodes, not solicited, on a VLAN. */
	tx_to(&t, our_ip, all_nodes, 7);
	n = frame6_build_na(buf, sizeof(buf), &t, our_ip, FRAME6_NA_OVERRIDE, our_mac);
	CU_ASSERT_EQUAL_FATAL(n, 18 + 40 + 32);
	check_built(buf, n, 18, 136, 255);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 7, 0, &fi), FRAME6_OK);
	t.vlan = 4096;
	CU_ASSERT_EQUAL(frame6_build_na(buf, sizeof(buf), &t, our_ip, 0, our_mac), 0);
}

static void
test_build_dad_ns(void)
{
	struct frame6_info fi;
	struct frame6_tx t;
	uint8_t buf[128];
	size_t n;

	tx_to(&t, unspec, our_snm, 0);
	frame6_multicast_mac(our_snm, t.dst_mac);
	n = frame6_build_ns(buf, sizeof(buf), &t, our_ip, NULL);
	CU_ASSERT_EQUAL_FATAL(n, 14 + 40 + 24);
	check_built(buf, n, 14, 135, 255);
	CU_ASSERT_EQUAL_FATAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_NS);
	CU_ASSERT_FALSE(fi.has_lladdr);
	CU_ASSERT_TRUE(frame6_is_unspecified(fi.src));
	CU_ASSERT_EQUAL(buf[0], 0x33);
	CU_ASSERT_EQUAL(buf[2], 0xff);

	tx_to(&t, peer_ip, our_snm, 0);
	n = frame6_build_ns(buf, sizeof(buf), &t, our_ip, peer_mac);
	CU_ASSERT_EQUAL_FATAL(n, 14 + 40 + 32);
	CU_ASSERT_EQUAL_FATAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_TRUE(fi.has_lladdr);
	CU_ASSERT_EQUAL(frame6_build_ns(buf, n - 1, &t, our_ip, peer_mac), 0);
}

static void
test_build_ra(void)
{
	struct frame6_info fi;
	struct frame6_tx t;
	uint8_t buf[128], ll[16];
	const uint8_t *ra;
	size_t n;

	frame6_link_local(our_mac, ll);
	tx_to(&t, ll, peer_ll, 0);
	n = frame6_build_ra_none(buf, sizeof(buf), &t, our_mac);
	CU_ASSERT_EQUAL_FATAL(n, 14 + 40 + 16 + 8);
	check_built(buf, n, 14, 134, 255);
	ra = buf + 54;
	CU_ASSERT_EQUAL(ra[1], 0);			/* code */
	CU_ASSERT_EQUAL(ra[5] & 0xc0, 0);		/* M, O clear */
	CU_ASSERT_EQUAL(ra[6] << 8 | ra[7], 0);		/* router lifetime 0 */
	CU_ASSERT_EQUAL(ra[16], 1);			/* the one option: SLLA */
	CU_ASSERT_EQUAL(ra[17], 1);
	CU_ASSERT_EQUAL(memcmp(ra + 18, our_mac, 6), 0);
	/* We do not act on RAs, but the checksum passed before the type. */
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_ICMP_TYPE);
	CU_ASSERT_EQUAL(frame6_build_ra_none(buf, n - 1, &t, our_mac), 0);
	/* Hosts drop an RA from a global address (RFC 4861 6.1.2). */
	tx_to(&t, our_ip, peer_ll, 0);
	CU_ASSERT_EQUAL(frame6_build_ra_none(buf, sizeof(buf), &t, our_mac), 0);
}

static void
test_build_echo_reply(void)
{
	struct frame6_info fi, rep;
	struct frame6_tx t;
	uint8_t m[64], out[128];
	struct tf f;
	size_t n;

	/* In place, from a request that came with a hop-by-hop header. */
	tf_make(&f, 0, 64, peer_ip, our_ip, true, m, echo_msg(m));
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_ECHO_REQUEST);
	tx_to(&t, our_ip, peer_ip, 0);
	n = frame6_build_echo_reply(f.buf, sizeof(f.buf), &t, &fi);
	CU_ASSERT_EQUAL_FATAL(n, 14 + 40 + 16);
	check_built(f.buf, n, 14, 129, 64);
	CU_ASSERT_EQUAL(memcmp(f.buf + 54 + 4, m + 4, 12), 0);	/* id, seq, data */
	CU_ASSERT_EQUAL(frame6_classify(f.buf, n, 0, 0, &rep), FRAME6_ERR_ICMP_TYPE);

	tf_make(&f, 0, 64, peer_ip, our_ip, false, m, echo_msg(m));
	CU_ASSERT_EQUAL_FATAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(frame6_build_echo_reply(out, 14 + 40 + 15, &t, &fi), 0);
	CU_ASSERT_EQUAL(frame6_build_echo_reply(out, sizeof(out), &t, &fi), 14 + 40 + 16);
	fi.kind = FRAME6_NS;
	CU_ASSERT_EQUAL(frame6_build_echo_reply(out, sizeof(out), &t, &fi), 0);
}

static void
test_csum_odd_and_vector(void)
{
	uint8_t msg[7] = { 128, 0, 0, 0, 1, 2, 3 };
	uint16_t c = frame6_icmp_csum(peer_ip, our_ip, msg, sizeof(msg));
	const uint8_t *cb = (const uint8_t *)&c;

	CU_ASSERT_EQUAL((uint16_t)(cb[0] << 8 | cb[1]),
			naive_csum6(peer_ip, our_ip, msg, sizeof(msg)));
}

static void
test_strerror(void)
{
	int i, j;

	for (i = 0; i < FRAME6_ERR__MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL(frame6_strerror(i));
		CU_ASSERT_NOT_EQUAL(strcmp(frame6_strerror(i), "unknown frame6 error"), 0);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(strcmp(frame6_strerror(i), frame6_strerror(j)), 0);
	}
	CU_ASSERT_STRING_EQUAL(frame6_strerror(FRAME6_ERR__MAX), "unknown frame6 error");
	CU_ASSERT_STRING_EQUAL(frame6_strerror(-1), "unknown frame6 error");
}

/* ---- UDP over IPv6 ---- */

/* Extension headers a test datagram carries before its UDP header. */
enum u6_ext { U6_NONE, U6_HBH, U6_DSTOPT, U6_ROUTING_SPENT, U6_ROUTING_LIVE, U6_FRAGMENT,
	      U6_HBH_DSTOPT_ROUTING, U6_AH };

/* An 8-byte extension header with next header nh (type-specific bytes 0
 * but for a routing header's segments left). */
static uint8_t *
put_ext(uint8_t *p, uint8_t nh, uint8_t seg_left)
{
	memset(p, 0, 8);
	p[0] = nh;
	p[3] = seg_left;
	return p + 8;
}

/*
 * Ethernet + IPv6 (src to dst) + ext + UDP 40000 -> 69 with payload; the
 * checksum right (naive), its offset in *csum_at. Returns the length.
 */
static size_t
u6_make(uint8_t *buf, enum u6_ext ext, const uint8_t *src, const uint8_t *dst,
	const void *payload, size_t n, size_t *csum_at)
{
	uint8_t *p = buf, *ip, *udp;
	uint16_t c;
	size_t plen;

	memcpy(p, our_mac, 6);
	memcpy(p + 6, peer_mac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	ip = p + 14;
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	p = ip + 40;
	switch (ext) {
	case U6_NONE: ip[6] = 17; break;
	case U6_HBH: ip[6] = 0; p = put_ext(p, 17, 0); break;
	case U6_DSTOPT: ip[6] = 60; p = put_ext(p, 17, 0); break;
	case U6_ROUTING_SPENT: ip[6] = 43; p = put_ext(p, 17, 0); break;
	case U6_ROUTING_LIVE: ip[6] = 43; p = put_ext(p, 17, 1); break;
	case U6_FRAGMENT: ip[6] = 44; p = put_ext(p, 17, 0); break;	/* offset 0, M 0 */
	case U6_HBH_DSTOPT_ROUTING:
		ip[6] = 0;
		p = put_ext(p, 60, 0);
		p = put_ext(p, 43, 0);
		p = put_ext(p, 17, 0);
		break;
	case U6_AH: ip[6] = 51; p = put_ext(p, 17, 0); break;
	}
	udp = p;
	udp[0] = 40000 >> 8;
	udp[1] = 40000 & 0xff;
	udp[2] = 0;
	udp[3] = 69;
	udp[4] = (uint8_t)((8 + n) >> 8);
	udp[5] = (uint8_t)(8 + n);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, payload, n);
	c = naive_udp6_csum(src, dst, udp, 8 + n);
	udp[6] = c >> 8;
	udp[7] = c & 0xff;
	*csum_at = (size_t)(udp + 6 - buf);
	plen = (size_t)(udp + 8 + n - (ip + 40));
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	return (size_t)(udp + 8 + n - buf);
}

static void
test_udp6_classify(void)
{
	static const struct { enum u6_ext ext; enum frame6_err want; const char *name; } u6_rows[] = {
		{ U6_NONE, FRAME6_OK, "plain" },
		{ U6_HBH, FRAME6_OK, "after hop-by-hop" },
		{ U6_DSTOPT, FRAME6_OK, "after destination options" },
		{ U6_ROUTING_SPENT, FRAME6_OK, "after a routing header with 0 segments left" },
		{ U6_HBH_DSTOPT_ROUTING, FRAME6_OK, "after three headers" },
		{ U6_ROUTING_LIVE, FRAME6_ERR_EXT_HDR, "routing header still in use" },
		{ U6_FRAGMENT, FRAME6_ERR_FRAGMENT, "atomic fragment" },
		{ U6_AH, FRAME6_ERR_EXT_HDR, "AH" },
	};
	static const char payload[] = "\0\1pxelinux.0\0octet\0";
	uint8_t buf[256];
	struct frame6_info fi;
	struct frame_info f4;
	size_t i, n, at;

	for (i = 0; i < sizeof(u6_rows) / sizeof(u6_rows[0]); i++) {
		n = u6_make(buf, u6_rows[i].ext, peer_ip, our_ip, payload, sizeof(payload), &at);
		ROW_ASSERT(frame6_classify(buf, n, 0, 0, &fi) == u6_rows[i].want, u6_rows[i].name);
		if (u6_rows[i].want != FRAME6_OK)
			continue;
		ROW_ASSERT(fi.kind == FRAME6_UDP && fi.src_port == 40000 && fi.dst_port == 69,
			   u6_rows[i].name);
		ROW_ASSERT(fi.payload_len == sizeof(payload) &&
			   memcmp(fi.payload, payload, sizeof(payload)) == 0, u6_rows[i].name);
		ROW_ASSERT(fi.payload == buf + at + 2, u6_rows[i].name);
		ROW_ASSERT(!fi.l4_csum_partial, u6_rows[i].name);
		/* The same datagram as the IPv4 path's frame_info. */
		ROW_ASSERT(frame6_to_frame_info(&fi, &f4), u6_rows[i].name);
		ROW_ASSERT(f4.kind == FRAME_UDP && f4.ipv6 && f4.src_port == 40000 &&
			   f4.dst_port == 69 && f4.payload == fi.payload &&
			   memcmp(f4.src6, peer_ip, 16) == 0 && memcmp(f4.dst6, our_ip, 16) == 0 &&
			   !f4.ip_multicast && f4.src_ip == 0, u6_rows[i].name);
	}
}

static void
test_udp6_checksum(void)
{
	static const uint8_t payload[5] = { 0, 4, 0, 1, 0x7f };	/* odd length */
	uint8_t buf[256];
	struct frame6_info fi;
	uint32_t pseudo;
	size_t n, at;
	uint16_t folded;

	n = u6_make(buf, U6_NONE, peer_ip, our_ip, payload, sizeof(payload), &at);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	buf[at + 4] ^= 0x40;	/* a payload bit */
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UDP_CSUM);
	/* The NIC said good: not summed again. */
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, FRAME_L4_CSUM_GOOD, &fi), FRAME6_OK);
	buf[at + 4] ^= 0x40;
	/* No checksum: refused over IPv6 (RFC 8200 8.1), good flag or not. */
	buf[at] = buf[at + 1] = 0;
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UDP_CSUM);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, FRAME_L4_CSUM_GOOD, &fi), FRAME6_ERR_UDP_CSUM);
	/* A kernel sender's CHECKSUM_PARTIAL field: the folded pseudo-header
	 * sum, passed only where the port shares the kernel. */
	pseudo = ipv6_pseudo_sum(peer_ip, our_ip, (uint32_t)(8 + sizeof(payload)), 17);
	folded = (uint16_t)((pseudo & 0xffff) + (pseudo >> 16));
	folded = (uint16_t)((folded & 0xffff) + (folded >> 16));
	buf[at] = folded >> 8;
	buf[at + 1] = folded & 0xff;
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UDP_CSUM);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, FRAME_L4_CSUM_PARTIAL_OK, &fi), FRAME6_OK);
	CU_ASSERT_TRUE(fi.l4_csum_partial);
	/* Any other wrong value is still wrong there. */
	buf[at + 1] ^= 1;
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, FRAME_L4_CSUM_PARTIAL_OK, &fi),
			FRAME6_ERR_UDP_CSUM);
}

static void
test_udp6_bad(void)
{
	static const uint8_t payload[4] = { 0, 4, 0, 1 };
	uint8_t buf[256];
	struct frame6_info fi;
	size_t n, at;

	/* UDP length beyond the payload, and below the header. */
	n = u6_make(buf, U6_NONE, peer_ip, our_ip, payload, sizeof(payload), &at);
	buf[at - 1] = 13;
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UDP_LEN);
	buf[at - 1] = 7;
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UDP_LEN);
	/* From :: there is nobody to answer. */
	n = u6_make(buf, U6_NONE, unspec, our_ip, payload, sizeof(payload), &at);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_SRC);
	/* To a group: classified, the service decides (DHCPv6's ff02::1:2). */
	n = u6_make(buf, U6_NONE, peer_ll, all_routers, payload, sizeof(payload), &at);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_UDP);
	/* Every truncation of a good datagram fails cleanly. */
	n = u6_make(buf, U6_HBH, peer_ip, our_ip, payload, sizeof(payload), &at);
	for (; n > 0; n--)
		CU_ASSERT_NOT_EQUAL(frame6_classify(buf, n - 1, 0, 0, &fi), FRAME6_OK);
}

/* An ICMPv6 unreachable (code) from the peer quoting a datagram we sent
 * it (first fragment's header when frag); returns the frame length. */
static size_t
unreach_make(uint8_t *buf, uint8_t code, int frag_off)
{
	uint8_t msg[8 + 40 + 8 + 8] = { 1, code };
	uint8_t *q = msg + 8, *u;
	struct tf f;
	size_t n = 8 + 40 + 8;

	q[0] = 0x60;
	q[5] = 8 + 100;		/* the original length: quotes may be cut */
	q[6] = frag_off >= 0 ? 44 : 17;
	q[7] = 64;
	memcpy(q + 8, our_ip, 16);
	memcpy(q + 24, peer_ip, 16);
	u = q + 40;
	if (frag_off >= 0) {
		put_ext(u, 17, 0);
		u[2] = (uint8_t)(frag_off >> 8);
		u[3] = (uint8_t)frag_off | 1;	/* M */
		u += 8;
		n += 8;
	}
	u[0] = 1758 >> 8;	/* our port */
	u[1] = 1758 & 0xff;
	u[2] = 40000 >> 8;	/* theirs */
	u[3] = 40000 & 0xff;
	tf_make(&f, 0, 64, peer_ip, our_ip, false, msg, n);
	memcpy(buf, f.buf, f.len);
	return f.len;
}

static void
test_unreach6(void)
{
	uint8_t buf[256];
	struct frame6_info fi;
	struct frame_info f4;
	size_t n;

	n = unreach_make(buf, 4, -1);
	CU_ASSERT_EQUAL_FATAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_UNREACH);
	CU_ASSERT_EQUAL(fi.icmp_code, FRAME6_UNREACH_PORT);
	CU_ASSERT_EQUAL(memcmp(fi.quoted.src, our_ip, 16), 0);
	CU_ASSERT_EQUAL(memcmp(fi.quoted.dst, peer_ip, 16), 0);
	CU_ASSERT_EQUAL(fi.quoted.src_port, 1758);
	CU_ASSERT_EQUAL(fi.quoted.dst_port, 40000);
	CU_ASSERT_TRUE_FATAL(frame6_to_frame_info(&fi, &f4));
	CU_ASSERT_EQUAL(f4.kind, FRAME_ICMP_UNREACH);
	CU_ASSERT_EQUAL(f4.icmp_code, FRAME_UNREACH_PORT);
	CU_ASSERT_EQUAL(f4.quoted.src_port, 1758);
	CU_ASSERT_EQUAL(f4.quoted.dst_port, 40000);
	CU_ASSERT_EQUAL(memcmp(f4.quoted.dst6, peer_ip, 16), 0);
	/* A first fragment quotes its UDP header; a later one has none. */
	n = unreach_make(buf, 1, 0);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.quoted.dst_port, 40000);
	n = unreach_make(buf, 4, 1448);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UNREACH);
	/* No route (0) is the path's trouble, not the peer's answer. */
	n = unreach_make(buf, 0, -1);
	CU_ASSERT_EQUAL(frame6_classify(buf, n, 0, 0, &fi), FRAME6_ERR_UNREACH);
	/* Cut before the quoted ports. */
	n = unreach_make(buf, 4, -1);
	buf[18] = 0;
	buf[19] = 8 + 40 + 2;
	{
		struct tf f;
		uint8_t msg[8 + 40 + 2];

		memcpy(msg, buf + 54, sizeof(msg));
		msg[2] = msg[3] = 0;
		tf_make(&f, 0, 64, peer_ip, our_ip, false, msg, sizeof(msg));
		CU_ASSERT_EQUAL(frame6_classify(f.buf, f.len, 0, 0, &fi), FRAME6_ERR_UNREACH);
	}
	(void)n;
}

/* frame.h's builder over IPv6: what a client's stack reads back. */
static void
test_udp6_build(void)
{
	static const uint8_t payload[7] = { 0, 3, 0, 1, 'a', 'b', 'c' };
	struct frame_udp_tx t = { 0 };
	uint8_t buf[256];
	struct frame6_info fi;
	size_t h, i;
	uint16_t c;

	memcpy(t.src_mac, our_mac, 6);
	memcpy(t.dst_mac, peer_mac, 6);
	t.ipv6 = true;
	memcpy(t.src6, our_ip, 16);
	memcpy(t.dst6, peer_ip, 16);
	t.src_port = 1758;
	t.dst_port = 40000;
	t.vlan = 7;
	CU_ASSERT_EQUAL(frame_udp_header_len(&t), 14 + 4 + 40 + 8);
	c = frame_udp_csum(&t, payload, sizeof(payload));
	h = frame_build_udp_header(buf, sizeof(buf), &t, sizeof(payload), c);
	CU_ASSERT_EQUAL_FATAL(h, 14 + 4 + 40 + 8);
	memcpy(buf + h, payload, sizeof(payload));
	/* Bytes as RFC 8200 lays them out. */
	CU_ASSERT_EQUAL(buf[16] << 8 | buf[17], 0x86dd);
	CU_ASSERT_EQUAL(buf[18], 0x60);
	CU_ASSERT_EQUAL(buf[18 + 4] << 8 | buf[18 + 5], 8 + sizeof(payload));
	CU_ASSERT_EQUAL(buf[18 + 6], 17);
	CU_ASSERT_EQUAL(buf[18 + 7], 64);	/* hop limit when ttl is 0 */
	CU_ASSERT_EQUAL(memcmp(buf + 18 + 8, our_ip, 16), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 18 + 24, peer_ip, 16), 0);
	CU_ASSERT_EQUAL(naive_udp6_csum(our_ip, peer_ip, buf + 58, 8 + sizeof(payload)), 0);
	/* The peer classifies it (its own view: on VLAN 7, swapped roles). */
	CU_ASSERT_EQUAL_FATAL(frame6_classify(buf, h + sizeof(payload), 7, 0, &fi), FRAME6_OK);
	CU_ASSERT_EQUAL(fi.kind, FRAME6_UDP);
	CU_ASSERT_EQUAL(fi.src_port, 1758);
	CU_ASSERT_EQUAL(fi.payload_len, sizeof(payload));
	/* Too large for one IPv6 datagram. */
	CU_ASSERT_EQUAL(frame_build_udp_header(buf, sizeof(buf), &t, 65528, 0), 0);
	CU_ASSERT_NOT_EQUAL(frame_build_udp_header(buf, sizeof(buf), &t, 65527, 0), 0);
	/* The pseudo-header sum is the naive one. */
	for (i = 0; i < 3; i++) {
		uint32_t s = frame_udp_tx_pseudo_sum(&t, (uint16_t)(8 + i));

		CU_ASSERT_EQUAL(s, ipv6_pseudo_sum(our_ip, peer_ip, (uint32_t)(8 + i), 17));
	}
}

static void
test_frag_header(void)
{
	uint8_t b[8];
	struct wire w = wire_writer(b, sizeof(b));

	ipv6_write_frag(&w, 17, 1448, true, 0x01020304);
	CU_ASSERT_TRUE(wire_ok(&w));
	CU_ASSERT_EQUAL(b[0], 17);
	CU_ASSERT_EQUAL(b[1], 0);
	/* 1448 = 181 units of 8, in the top 13 bits; M the lowest. */
	CU_ASSERT_EQUAL(b[2] << 8 | b[3], (181 << 3) | 1);
	CU_ASSERT_EQUAL(b[4], 1);
	CU_ASSERT_EQUAL(b[7], 4);
	w = wire_writer(b, sizeof(b));
	ipv6_write_frag(&w, 17, 2896, false, 7);
	CU_ASSERT_EQUAL(b[2] << 8 | b[3], 2896);
	w = wire_writer(b, 7);
	ipv6_write_frag(&w, 17, 0, false, 7);
	CU_ASSERT_FALSE(wire_ok(&w));
}

static void
test_ip_addr(void)
{
	struct ip_addr a = ip_addr_v4(0xc000020a), b = ip_addr_v6(peer_ip);
	char s[IP_ADDR_PORT_STRLEN];

	CU_ASSERT_TRUE(ip_addr_is_v4(&a));
	CU_ASSERT_FALSE(ip_addr_is_v4(&b));
	CU_ASSERT_EQUAL(ip_addr_to_v4(&a), 0xc000020a);
	CU_ASSERT_STRING_EQUAL(ip_addr_format(s, sizeof(s), &a, 69), "192.0.2.10:69");
	CU_ASSERT_STRING_EQUAL(ip_addr_format(s, sizeof(s), &b, 40000), "[2001:db8::1]:40000");
	CU_ASSERT_STRING_EQUAL(ip_addr_format(s, sizeof(s), &b, 0), "2001:db8::1");
	CU_ASSERT_FALSE(ip_addr_eq(&a, &b));
	/* One /64 is one source for rate limiting. */
	{
		uint8_t other[16];

		memcpy(other, peer_ip, 16);
		other[15] = 0x77;
		struct ip_addr c = ip_addr_v6(other);

		CU_ASSERT_EQUAL(ip_addr_source_key(&b), ip_addr_source_key(&c));
	}
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "classify: hostile table", test_classify_table },
		{ "classify: fields", test_classify_fields },
		{ "classify: truncation sweep", test_truncation_sweep },
		{ "addresses: EUI-64, solicited-node, group MAC", test_addresses },
		{ "build: NA round trip", test_build_na },
		{ "build: DAD and plain NS", test_build_dad_ns },
		{ "build: RA that configures nothing", test_build_ra },
		{ "build: echo reply", test_build_echo_reply },
		{ "csum: odd length vs naive", test_csum_odd_and_vector },
		{ "strerror", test_strerror },
		{ "udp6: classify past extension headers", test_udp6_classify },
		{ "udp6: checksum, none, NIC-good, partial", test_udp6_checksum },
		{ "udp6: bad lengths, sources, truncation", test_udp6_bad },
		{ "udp6: unreachable quoting ours", test_unreach6 },
		{ "udp6: header builder round trip", test_udp6_build },
		{ "ipv6: fragment header", test_frag_header },
		{ "ip_addr: families, format, source key", test_ip_addr },
		{ NULL, NULL },
	};

	return unit_run("frame6", tests);
}
