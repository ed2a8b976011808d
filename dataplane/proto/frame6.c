/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 and ICMPv6 neighbour discovery: classify what arrives, build the
 * few frames the engine sends. Every field is read through the bounded
 * cursor of wire.h; the checksum arithmetic is frame.c's.
 */
#include <string.h>

#include "dataplane/proto/eth.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/frame6.h"
#include "dataplane/proto/ipv6_hdr.h"
#include "dataplane/proto/wire.h"

#define ETHERTYPE_IPV6 IPV6_ETHERTYPE
#define NH_HOP_BY_HOP IPV6_NH_HOP_BY_HOP
#define NH_ICMPV6 IPV6_NH_ICMPV6
#define EXT_HDR_MAX 8		/* extension headers walked before giving up */
#define FRAG_OFF_MASK 0xfff8
#define ICMP6_DEST_UNREACH 1

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_RS 133
#define ICMP6_RA 134
#define ICMP6_NS 135
#define ICMP6_NA 136

#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_OPT_UNIT 8		/* option lengths count 8-byte units */

#define ICMP6_HDR_LEN 8		/* type, code, checksum + 4 bytes of body */
#define ND_TARGET_MSG_LEN 24	/* NS and NA up to their options */
#define ECHO_HOP_LIMIT 64

static const char *const frame6_errstr[] = {
	[FRAME6_OK] = "ok",
	[FRAME6_ERR_SHORT] = "frame shorter than its headers",
	[FRAME6_ERR_ETHERTYPE] = "ethertype is not IPv6",
	[FRAME6_ERR_VLAN] = "wrong VLAN or wrong tagging",
	[FRAME6_ERR_VERSION] = "IP version is not 6",
	[FRAME6_ERR_PAYLOAD_LEN] = "IPv6 payload length 0 or beyond the frame",
	[FRAME6_ERR_SRC] = "IPv6 source is multicast",
	[FRAME6_ERR_EXT_HDR] = "IPv6 extension header not walked",
	[FRAME6_ERR_PROTO] = "IPv6 next header not served",
	[FRAME6_ERR_ICMP_SHORT] = "ICMPv6 message too short",
	[FRAME6_ERR_CSUM] = "bad ICMPv6 checksum",
	[FRAME6_ERR_ICMP_TYPE] = "ICMPv6 type not served",
	[FRAME6_ERR_ICMP_CODE] = "ICMPv6 code not 0",
	[FRAME6_ERR_ND_HOP_LIMIT] = "ND message with hop limit other than 255",
	[FRAME6_ERR_ND_TARGET] = "ND target is multicast",
	[FRAME6_ERR_ND_OPTION] = "ND option of length 0 or past the message",
	[FRAME6_ERR_ND_SLLA] = "source link-layer option from the unspecified address",
	[FRAME6_ERR_ND_DST] = "ND message to a destination RFC 4861 forbids",
	[FRAME6_ERR_FRAGMENT] = "IPv6 fragment",
	[FRAME6_ERR_UDP_LEN] = "bad UDP length",
	[FRAME6_ERR_UDP_CSUM] = "bad or missing UDP checksum",
	[FRAME6_ERR_UNREACH] = "ICMPv6 unreachable not quoting a datagram of ours",
};

_Static_assert(sizeof(frame6_errstr) / sizeof(frame6_errstr[0]) == FRAME6_ERR__MAX,
	       "one string per frame6_err");

const uint8_t frame6_all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

const char *
frame6_strerror(enum frame6_err e)
{
	if ((unsigned)e >= FRAME6_ERR__MAX || frame6_errstr[e] == NULL)
		return "unknown frame6 error";
	return frame6_errstr[e];
}

bool
frame6_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

bool
frame6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool
is_solicited_node(const uint8_t a[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

void
frame6_solicited_node(const uint8_t addr[16], uint8_t ret[16])
{
	memset(ret, 0, 16);
	ret[0] = 0xff;
	ret[1] = 0x02;
	ret[11] = 0x01;
	ret[12] = 0xff;
	memcpy(ret + 13, addr + 13, 3);
}

void
frame6_multicast_mac(const uint8_t group[16], uint8_t ret_mac[6])
{
	ret_mac[0] = 0x33;
	ret_mac[1] = 0x33;
	memcpy(ret_mac + 2, group + 12, 4);
}

void
frame6_link_local(const uint8_t mac[6], uint8_t ret[16])
{
	memset(ret, 0, 16);
	ret[0] = 0xfe;
	ret[1] = 0x80;
	ret[8] = mac[0] ^ 0x02;	/* the universal/local bit, inverted */
	ret[9] = mac[1];
	ret[10] = mac[2];
	ret[11] = 0xff;
	ret[12] = 0xfe;
	ret[13] = mac[3];
	ret[14] = mac[4];
	ret[15] = mac[5];
}

uint16_t
frame6_icmp_csum(const uint8_t src[16], const uint8_t dst[16], const void *msg, size_t len)
{
	uint32_t sum;

	/* Pseudo-header: addresses, 32-bit upper-layer length, next header. */
	sum = ipv6_pseudo_sum(src, dst, (uint32_t)len, NH_ICMPV6);
	return frame_csum_fold(frame_csum_add(sum, msg, len));
}

bool
frame6_is_ipv6(const uint8_t *frame, size_t len)
{
	struct wire w = wire_reader(frame, len);
	struct eth_hdr eth;

	eth_read(&w, &eth);
	return wire_ok(&w) && eth.type == ETHERTYPE_IPV6;
}

/*
 * The options after an ND message's fixed part: every one at least one
 * unit long and inside the message (RFC 4861 4.6); the link-layer address
 * of kind want, if present, is kept.
 */
static enum frame6_err
parse_nd_options(const uint8_t *opt, size_t len, uint8_t want, struct frame6_info *out)
{
	struct wire w = wire_reader(opt, len);
	const uint8_t *body;
	uint8_t type, units;

	while (wire_left(&w) > 0) {
		type = wire_u8(&w);
		units = wire_u8(&w);
		if (!wire_ok(&w) || units == 0)
			return FRAME6_ERR_ND_OPTION;
		body = wire_take(&w, (size_t)units * ND_OPT_UNIT - 2);
		if (body == NULL)
			return FRAME6_ERR_ND_OPTION;
		/* Ethernet's link-layer option is one unit (RFC 2464 6). */
		if (type == want && units == 1 && !out->has_lladdr) {
			out->has_lladdr = true;
			memcpy(out->lladdr, body, 6);
		}
	}
	return FRAME6_OK;
}

static enum frame6_err
classify_nd(const uint8_t *icmp, size_t len, struct frame6_info *out)
{
	bool from_none = frame6_is_unspecified(out->src);
	enum frame6_err e;
	size_t fixed = out->kind == FRAME6_RS ? ICMP6_HDR_LEN : ND_TARGET_MSG_LEN;

	if (out->hop_limit != FRAME6_ND_HOP_LIMIT)
		return FRAME6_ERR_ND_HOP_LIMIT;
	if (len < fixed)
		return FRAME6_ERR_ICMP_SHORT;
	if (out->kind != FRAME6_RS) {
		memcpy(out->target, icmp + 8, 16);
		if (frame6_is_multicast(out->target))
			return FRAME6_ERR_ND_TARGET;
	}
	if (out->kind == FRAME6_NA)
		out->na_flags = icmp[4] & (FRAME6_NA_ROUTER | FRAME6_NA_SOLICITED |
					   FRAME6_NA_OVERRIDE);
	e = parse_nd_options(icmp + fixed, len - fixed,
			     out->kind == FRAME6_NA ? ND_OPT_TLLA : ND_OPT_SLLA, out);
	if (e != FRAME6_OK)
		return e;
	switch (out->kind) {
	case FRAME6_NS:
		/* RFC 4861 7.1.1: a DAD probe goes to a solicited-node group
		 * and carries no link-layer address. */
		if (from_none && !is_solicited_node(out->dst))
			return FRAME6_ERR_ND_DST;
		if (from_none && out->has_lladdr)
			return FRAME6_ERR_ND_SLLA;
		break;
	case FRAME6_NA:
		/* 7.1.2: a solicited NA is never multicast. */
		if (frame6_is_multicast(out->dst) && (out->na_flags & FRAME6_NA_SOLICITED))
			return FRAME6_ERR_ND_DST;
		break;
	default:	/* RS, 6.1.1 */
		if (from_none && out->has_lladdr)
			return FRAME6_ERR_ND_SLLA;
		break;
	}
	return FRAME6_OK;
}

/*
 * Walks the extension headers (RFC 8200 4.1) up to the upper-layer one:
 * hop-by-hop (only first, 4.3; MLD reports carry a router alert in one,
 * RFC 2711), destination options and a routing header with no segments
 * left are skipped. A Fragment header ends the walk: *frag_off gets its
 * offset word (offset | M) and *nh what follows it; the caller decides.
 * AH, ESP, a routing header still in use and the rest are refused:
 * nothing we answer needs them.
 */
static enum frame6_err
skip_ext_headers(struct wire *w, uint8_t *nh, int *frag_off)
{
	const uint8_t *hdr;
	uint8_t next, units;
	int i;

	*frag_off = -1;
	for (i = 0; i < EXT_HDR_MAX; i++) {
		switch (*nh) {
		case NH_HOP_BY_HOP:
			if (i != 0)
				return FRAME6_ERR_EXT_HDR;
			/* fall through */
		case IPV6_NH_DEST_OPTS:
		case IPV6_NH_ROUTING:
			next = wire_u8(w);
			units = wire_u8(w);
			hdr = wire_take(w, (size_t)units * 8 + 6);
			if (hdr == NULL)
				return FRAME6_ERR_SHORT;
			/* Segments left (the fourth byte) not 0: a hop we are not. */
			if (*nh == IPV6_NH_ROUTING && hdr[1] != 0)
				return FRAME6_ERR_EXT_HDR;
			*nh = next;
			break;
		case IPV6_NH_FRAGMENT:
			next = wire_u8(w);
			wire_u8(w);
			*frag_off = wire_be16(w);
			wire_be32(w);	/* identification */
			if (!wire_ok(w))
				return FRAME6_ERR_SHORT;
			*nh = next;
			return FRAME6_OK;
		case NH_ICMPV6:
		case IPV6_NH_UDP:
			return FRAME6_OK;
		case 50:		/* ESP */
		case 51:		/* AH */
		case 135:		/* mobility */
		case 139:		/* HIP */
		case 140:		/* shim6 */
		case 253:		/* experiments (RFC 3692) */
		case 254:
			return FRAME6_ERR_EXT_HDR;
		default:
			return FRAME6_ERR_PROTO;
		}
	}
	return FRAME6_ERR_EXT_HDR;
}

static bool
unreach_code_ends(uint8_t code)
{
	return code == FRAME6_UNREACH_ADMIN || code == FRAME6_UNREACH_ADDR ||
	       code == FRAME6_UNREACH_PORT;
}

/*
 * A destination unreachable (RFC 4443 3.1) quoting a UDP datagram: the
 * quoted IPv6 header, its extension headers (a first fragment's Fragment
 * header too: it still carries the UDP header) and the UDP ports.
 * Whether the quoted source is ours is the caller's.
 */
static enum frame6_err
classify_unreach(const uint8_t *icmp, size_t len, struct frame6_info *out)
{
	struct wire w = wire_reader(icmp, len);
	const uint8_t *src, *dst;
	uint8_t nh;
	int frag_off;

	wire_take(&w, ICMP6_HDR_LEN);	/* type, code, checksum, unused */
	if ((wire_be32(&w) >> 28) != 6)
		return FRAME6_ERR_UNREACH;
	wire_be16(&w);			/* the quoted payload length: may be cut */
	nh = wire_u8(&w);
	wire_u8(&w);
	src = wire_take(&w, 16);
	dst = wire_take(&w, 16);
	if (!wire_ok(&w))
		return FRAME6_ERR_UNREACH;
	memcpy(out->quoted.src, src, 16);
	memcpy(out->quoted.dst, dst, 16);
	if (skip_ext_headers(&w, &nh, &frag_off) != FRAME6_OK || nh != IPV6_NH_UDP ||
	    (frag_off >= 0 && (frag_off & FRAG_OFF_MASK) != 0))
		return FRAME6_ERR_UNREACH;
	out->quoted.src_port = wire_be16(&w);
	out->quoted.dst_port = wire_be16(&w);
	if (!wire_ok(&w) || !unreach_code_ends(icmp[1]) || frame6_is_multicast(dst))
		return FRAME6_ERR_UNREACH;
	out->icmp_code = icmp[1];
	out->kind = FRAME6_UNREACH;
	return FRAME6_OK;
}

static enum frame6_err
classify_icmp6(const uint8_t *icmp, size_t len, struct frame6_info *out)
{
	out->icmp = icmp;
	out->icmp_len = len;
	if (len < ICMP6_HDR_LEN)
		return FRAME6_ERR_ICMP_SHORT;
	/* NICs offload TCP/UDP checksums, not ICMPv6: always verified. */
	if (frame6_icmp_csum(out->src, out->dst, icmp, len) != 0)
		return FRAME6_ERR_CSUM;
	switch (icmp[0]) {
	case ICMP6_DEST_UNREACH:
		return classify_unreach(icmp, len, out);
	case ICMP6_ECHO_REQUEST:
		out->kind = FRAME6_ECHO_REQUEST;
		break;
	case ICMP6_RS:
		out->kind = FRAME6_RS;
		break;
	case ICMP6_NS:
		out->kind = FRAME6_NS;
		break;
	case ICMP6_NA:
		out->kind = FRAME6_NA;
		break;
	default:
		return FRAME6_ERR_ICMP_TYPE;
	}
	if (icmp[1] != 0)
		return FRAME6_ERR_ICMP_CODE;
	if (out->kind == FRAME6_ECHO_REQUEST)
		return FRAME6_OK;
	return classify_nd(icmp, len, out);
}

/*
 * UDP over IPv6: the checksum is mandatory (RFC 8200 8.1) and verified
 * unless the NIC did; a local kernel sender's partial one passes where
 * csum_flags allows it, as over IPv4 (frame.h frame_udp_read).
 */
static enum frame6_err
classify_udp6(const uint8_t *udp, size_t len, unsigned csum_flags, struct frame6_info *out)
{
	struct frame_udp_rx u;
	enum frame_err e;

	e = frame_udp_read(udp, len, csum_flags, ipv6_pseudo_sum(out->src, out->dst, 0, IPV6_NH_UDP),
			   true, &u);
	out->src_port = u.src_port;
	out->dst_port = u.dst_port;
	if (e != FRAME_OK)
		return e == FRAME_ERR_UDP_LEN ? FRAME6_ERR_UDP_LEN : FRAME6_ERR_UDP_CSUM;
	if (frame6_is_unspecified(out->src))
		return FRAME6_ERR_SRC;		/* nobody to answer */
	out->l4_csum_partial = u.csum_partial;
	out->payload = u.payload;
	out->payload_len = u.payload_len;
	out->kind = FRAME6_UDP;
	return FRAME6_OK;
}

static enum frame6_err
classify_ipv6(const uint8_t *frame, size_t len, unsigned csum_flags, struct frame6_info *out)
{
	struct wire w = wire_reader(frame + out->l3_off, len - out->l3_off);
	const uint8_t *src, *dst;
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh;
	int frag_off;
	enum frame6_err e;

	vtf = wire_be32(&w);
	plen = wire_be16(&w);
	nh = wire_u8(&w);
	out->hop_limit = wire_u8(&w);
	src = wire_take(&w, 16);
	dst = wire_take(&w, 16);
	if (!wire_ok(&w))
		return FRAME6_ERR_SHORT;
	memcpy(out->src, src, 16);
	memcpy(out->dst, dst, 16);
	if (vtf >> 28 != 6)
		return FRAME6_ERR_VERSION;
	/* Bytes after the payload are Ethernet padding: ignored. */
	if (plen == 0 || plen > wire_left(&w))
		return FRAME6_ERR_PAYLOAD_LEN;
	if (frame6_is_multicast(out->src))
		return FRAME6_ERR_SRC;
	w.len = w.pos + plen;
	e = skip_ext_headers(&w, &nh, &frag_off);
	if (e != FRAME6_OK)
		return e;
	/* Requests are small: a fragment (even an atomic one) is not ours. */
	if (frag_off >= 0)
		return FRAME6_ERR_FRAGMENT;
	out->l4_off = out->l3_off + w.pos;
	if (nh == IPV6_NH_UDP)
		return classify_udp6(w.buf + w.pos, wire_left(&w), csum_flags, out);
	return classify_icmp6(w.buf + w.pos, wire_left(&w), out);
}

bool
frame6_to_frame_info(const struct frame6_info *in, struct frame_info *out)
{
	if (in->kind != FRAME6_UDP && in->kind != FRAME6_UNREACH)
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->src_mac, in->src_mac, 6);
	memcpy(out->dst_mac, in->dst_mac, 6);
	out->vlan = in->vlan;
	out->ttl = in->hop_limit;
	out->l3_off = in->l3_off;
	out->l4_off = in->l4_off;
	out->ipv6 = true;
	memcpy(out->src6, in->src, 16);
	memcpy(out->dst6, in->dst, 16);
	out->ip_multicast = frame6_is_multicast(in->dst);
	if (in->kind == FRAME6_UDP) {
		out->kind = FRAME_UDP;
		out->src_port = in->src_port;
		out->dst_port = in->dst_port;
		out->payload = in->payload;
		out->payload_len = in->payload_len;
		out->l4_csum_partial = in->l4_csum_partial;
		return true;
	}
	out->kind = FRAME_ICMP_UNREACH;
	out->icmp_code = in->icmp_code == FRAME6_UNREACH_PORT ? FRAME_UNREACH_PORT :
			 in->icmp_code == FRAME6_UNREACH_ADDR ? FRAME_UNREACH_HOST :
			 FRAME_UNREACH_ADMIN_PROHIBITED;
	out->quoted.src_port = in->quoted.src_port;
	out->quoted.dst_port = in->quoted.dst_port;
	memcpy(out->quoted.dst6, in->quoted.dst, 16);
	out->payload = in->icmp;
	out->payload_len = in->icmp_len;
	return true;
}

enum frame6_err
frame6_classify(const uint8_t *frame, size_t len, uint16_t vlan, unsigned csum_flags,
		struct frame6_info *out)
{
	struct wire w = wire_reader(frame, len);
	struct eth_hdr eth;

	memset(out, 0, sizeof(*out));
	eth_read(&w, &eth);
	out->vlan = eth.vlan;
	if (!wire_ok(&w))
		return FRAME6_ERR_SHORT;
	memcpy(out->dst_mac, eth.dst, 6);
	memcpy(out->src_mac, eth.src, 6);
	if (out->vlan != vlan)
		return FRAME6_ERR_VLAN;
	if (eth.type != ETHERTYPE_IPV6)
		return FRAME6_ERR_ETHERTYPE;
	out->l3_off = w.pos;
	return classify_ipv6(frame, len, csum_flags, out);
}

/*
 * Ethernet(+VLAN) and the IPv6 header for an ICMPv6 message of icmp_len
 * bytes; returns where the message starts in out, or 0.
 */
static size_t
put_headers(struct wire *w, const struct frame6_tx *t, uint8_t hop_limit, size_t icmp_len)
{
	if (t->vlan > ETH_VLAN_VID_MASK || icmp_len > UINT16_MAX)
		return 0;
	eth_write(w, t->dst_mac, t->src_mac, t->vlan, ETHERTYPE_IPV6);
	ipv6_write_header(w, (uint16_t)icmp_len, NH_ICMPV6, hop_limit, t->src, t->dst);
	return wire_ok(w) ? w->pos : 0;
}

/* Stores the checksum of the message that starts at icmp_off; the length. */
static size_t
finish(struct wire *w, const struct frame6_tx *t, size_t icmp_off)
{
	uint16_t csum;

	if (!wire_ok(w) || icmp_off == 0)
		return 0;
	csum = frame6_icmp_csum(t->src, t->dst, w->buf + icmp_off, w->pos - icmp_off);
	memcpy(w->buf + icmp_off + 2, &csum, sizeof(csum));
	return w->pos;
}

static void
put_lladdr_option(struct wire *w, uint8_t type, const uint8_t mac[6])
{
	wire_put_u8(w, type);
	wire_put_u8(w, 1);
	wire_put_bytes(w, mac, 6);
}

size_t
frame6_build_na(uint8_t *out, size_t cap, const struct frame6_tx *t, const uint8_t target[16],
		uint8_t flags, const uint8_t tlla[6])
{
	struct wire w = wire_writer(out, cap);
	size_t at = put_headers(&w, t, FRAME6_ND_HOP_LIMIT, ND_TARGET_MSG_LEN + ND_OPT_UNIT);

	wire_put_u8(&w, ICMP6_NA);
	wire_put_u8(&w, 0);
	wire_put_be16(&w, 0);
	wire_put_be32(&w, (uint32_t)flags << 24);
	wire_put_bytes(&w, target, 16);
	put_lladdr_option(&w, ND_OPT_TLLA, tlla);
	return finish(&w, t, at);
}

size_t
frame6_build_ns(uint8_t *out, size_t cap, const struct frame6_tx *t, const uint8_t target[16],
		const uint8_t *slla)
{
	struct wire w = wire_writer(out, cap);
	size_t at = put_headers(&w, t, FRAME6_ND_HOP_LIMIT,
				ND_TARGET_MSG_LEN + (slla ? ND_OPT_UNIT : 0));

	wire_put_u8(&w, ICMP6_NS);
	wire_put_u8(&w, 0);
	wire_put_be16(&w, 0);
	wire_put_be32(&w, 0);
	wire_put_bytes(&w, target, 16);
	if (slla)
		put_lladdr_option(&w, ND_OPT_SLLA, slla);
	return finish(&w, t, at);
}

size_t
frame6_build_ra_none(uint8_t *out, size_t cap, const struct frame6_tx *t, const uint8_t slla[6])
{
	struct wire w = wire_writer(out, cap);
	size_t at;

	if (t->src[0] != 0xfe || (t->src[1] & 0xc0) != 0x80)
		return 0;	/* hosts drop an RA from anything but link-local */
	at = put_headers(&w, t, FRAME6_ND_HOP_LIMIT, 16 + ND_OPT_UNIT);
	wire_put_u8(&w, ICMP6_RA);
	wire_put_u8(&w, 0);
	wire_put_be16(&w, 0);
	wire_put_u8(&w, 0);	/* cur hop limit: unspecified */
	wire_put_u8(&w, 0);	/* M, O clear: no DHCPv6 to wait for */
	wire_put_be16(&w, 0);	/* router lifetime 0: not a default router */
	wire_put_be32(&w, 0);	/* reachable time: unspecified */
	wire_put_be32(&w, 0);	/* retrans timer: unspecified */
	put_lladdr_option(&w, ND_OPT_SLLA, slla);
	return finish(&w, t, at);
}

size_t
frame6_build_echo_reply(uint8_t *out, size_t cap, const struct frame6_tx *t,
			const struct frame6_info *req)
{
	struct wire w = wire_writer(out, cap);
	uint8_t *icmp;
	size_t at;

	if (req->kind != FRAME6_ECHO_REQUEST || req->icmp == NULL ||
	    req->icmp_len < ICMP6_HDR_LEN)
		return 0;
	at = put_headers(&w, t, ECHO_HOP_LIMIT, req->icmp_len);
	icmp = wire_take(&w, req->icmp_len);
	if (icmp == NULL || at == 0)
		return 0;
	/* memmove: the reply may be built over the request's own buffer. */
	memmove(icmp, req->icmp, req->icmp_len);
	icmp[0] = ICMP6_ECHO_REPLY;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	return finish(&w, t, at);
}
