/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet (+802.1Q), ARP, IPv4, ICMP echo and UDP: classify what arrives,
 * build the few frames the engine sends. Every field is read through the
 * bounded cursor of wire.h; nothing here logs or allocates.
 */
#include <endian.h>
#include <string.h>

#include "dataplane/proto/eth.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/ipv6_hdr.h"
#include "dataplane/proto/wire.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define VLAN_VID_MASK 0x0fff

#define ETH_MIN_LEN 60		/* without FCS; not every PMD pads short frames */

#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_LEN 28

#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define IP_PROTO_TCP 6
#define TCP_HDR_LEN 20
#define IP_FLAG_MF 0x2000
#define IP_FRAG_OFF_MASK 0x1fff
#define IP_MAX_LEN 65535
#define IP_DEFAULT_TTL 64

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP_DEST_UNREACH 3
#define ICMP_HDR_LEN 8

#define UDP_MAX_PAYLOAD (IP_MAX_LEN - FRAME_IPV4_LEN - FRAME_UDP_LEN)
#define UDP6_MAX_PAYLOAD (IP_MAX_LEN - FRAME_UDP_LEN)	/* payload length counts no IPv6 header */

static const char *const frame_errstr[] = {
	[FRAME_OK] = "ok",
	[FRAME_ERR_SHORT] = "frame shorter than its headers",
	[FRAME_ERR_ETHERTYPE] = "ethertype neither IPv4 nor ARP",
	[FRAME_ERR_VLAN] = "wrong VLAN or wrong tagging",
	[FRAME_ERR_ARP] = "malformed ARP or not for us",
	[FRAME_ERR_IP_VERSION] = "IP version is not 4",
	[FRAME_ERR_IP_HDRLEN] = "IPv4 header length below 5 or beyond the frame",
	[FRAME_ERR_IP_LEN] = "IPv4 total length inconsistent with the frame",
	[FRAME_ERR_IP_CSUM] = "bad IPv4 header checksum",
	[FRAME_ERR_IP_FRAGMENT] = "IPv4 fragment",
	[FRAME_ERR_NOT_FOR_US] = "IPv4 destination is not ours",
	[FRAME_ERR_PROTO] = "IP protocol not served",
	[FRAME_ERR_ICMP] = "ICMP other than a valid echo request or unreachable to us",
	[FRAME_ERR_UDP_LEN] = "bad UDP length",
	[FRAME_ERR_UDP_CSUM] = "bad UDP checksum",
};

_Static_assert(sizeof(frame_errstr) / sizeof(frame_errstr[0]) == FRAME_ERR__MAX,
	       "one string per frame_err");

const char *
frame_strerror(enum frame_err e)
{
	if ((unsigned)e >= FRAME_ERR__MAX || frame_errstr[e] == NULL)
		return "unknown frame error";
	return frame_errstr[e];
}

/*
 * The partial sum is kept as big-endian 16-bit words added into 32 bits.
 * Four bytes are added at a time: (a << 16 | b) == a + b modulo 0xffff.
 */
uint32_t
frame_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum, nat = 0, v;

	/*
	 * Eight bytes a step in host order: every DATA payload is summed on
	 * the send path, so this loop is most of the engine's cost per packet.
	 * A ones' complement sum of byte-swapped words is the byte-swapped sum
	 * (RFC 1071 2(B)), so the host-order part is folded and swapped once.
	 */
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		nat += (v >> 32) + (v & 0xffffffffu);
	}
	while (nat >> 16)
		nat = (nat & 0xffff) + (nat >> 16);
#if __BYTE_ORDER == __LITTLE_ENDIAN
	nat = (nat & 0xff) << 8 | nat >> 8;
#endif
	acc += nat;
	for (; len >= 4; p += 4, len -= 4)
		acc += (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	if (len >= 2) {
		acc += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;	/* RFC 1071: pad the odd byte */
	/* 2^32 == 1 modulo 0xffff: adding the carries back keeps the sum. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
frame_csum_fold(uint32_t sum)
{
	uint8_t b[2];
	uint16_t v;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	v = (uint16_t)~sum;
	b[0] = v >> 8;
	b[1] = v & 0xff;
	memcpy(&v, b, sizeof(v));	/* network order, whatever the host */
	return v;
}

uint32_t
frame_udp_pseudo_sum(uint32_t src_ip, uint32_t dst_ip, uint16_t udp_len)
{
	return (src_ip >> 16) + (src_ip & 0xffff) + (dst_ip >> 16) +
	       (dst_ip & 0xffff) + IP_PROTO_UDP + udp_len;
}

uint32_t
frame_udp_tx_pseudo_sum(const struct frame_udp_tx *t, uint16_t udp_len)
{
	if (t->ipv6)
		return ipv6_pseudo_sum(t->src6, t->dst6, udp_len, IPV6_NH_UDP);
	return frame_udp_pseudo_sum(t->src_ip, t->dst_ip, udp_len);
}

uint16_t
frame_udp_csum(const struct frame_udp_tx *t, const void *payload, size_t payload_len)
{
	uint16_t ulen = (uint16_t)(FRAME_UDP_LEN + payload_len);
	uint32_t sum;
	uint16_t c;

	sum = frame_udp_tx_pseudo_sum(t, ulen);
	sum += (uint32_t)t->src_port + t->dst_port + ulen;
	c = frame_csum_fold(frame_csum_add(sum, payload, payload_len));
	/* 0 on the wire means "no checksum" (RFC 768): send its other zero. */
	return c == 0 ? 0xffff : c;
}

void
frame_multicast_mac(uint32_t group, uint8_t ret_mac[6])
{
	ret_mac[0] = 0x01;
	ret_mac[1] = 0x00;
	ret_mac[2] = 0x5e;
	ret_mac[3] = (group >> 16) & 0x7f;
	ret_mac[4] = (group >> 8) & 0xff;
	ret_mac[5] = group & 0xff;
}

static bool
ip_is_multicast(uint32_t ip)
{
	return (ip >> 28) == 0xe;
}

static bool
ip_is_subnet_broadcast(const struct frame_local *local, uint32_t ip)
{
	uint32_t host = ~local->netmask;

	/* A /31 (RFC 3021) or /32 has no broadcast address. */
	if (host <= 1)
		return false;
	return ip == (local->ip | host);
}

/* A source a reply may go to: not zero, broadcast or multicast. */
static bool
ip_is_unicast_peer(const struct frame_local *local, uint32_t ip)
{
	return ip != 0 && ip != FRAME_IP_BROADCAST && !ip_is_multicast(ip) &&
	       !ip_is_subnet_broadcast(local, ip);
}

static enum frame_err
classify_arp(const uint8_t *arp, size_t len, const struct frame_local *local,
	     struct frame_info *out)
{
	struct wire w = wire_reader(arp, len);
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	const uint8_t *sha;

	htype = wire_be16(&w);
	ptype = wire_be16(&w);
	hlen = wire_u8(&w);
	plen = wire_u8(&w);
	op = wire_be16(&w);
	sha = wire_take(&w, 6);
	out->src_ip = wire_be32(&w);
	wire_take(&w, 6);	/* target hardware address: unused */
	out->dst_ip = wire_be32(&w);
	if (!wire_ok(&w))
		return FRAME_ERR_SHORT;
	if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return FRAME_ERR_ARP;
	/* A group address owns no IP address: learning it would poison. */
	if (sha[0] & 1)
		return FRAME_ERR_ARP;
	/* RFC 826 answers and learns the sender hardware address. */
	memcpy(out->src_mac, sha, 6);
	out->payload = arp;
	out->payload_len = ARP_LEN;
	switch (op) {
	case ARP_OP_REQUEST:
		if (local->ip == 0 || out->dst_ip != local->ip)
			return FRAME_ERR_ARP;
		out->kind = FRAME_ARP_REQUEST;
		return FRAME_OK;
	case ARP_OP_REPLY:
		out->kind = FRAME_ARP_REPLY;
		return FRAME_OK;
	default:
		return FRAME_ERR_ARP;
	}
}

static bool
icmp_unreach_code_ends(uint8_t code)
{
	return code == FRAME_UNREACH_HOST || code == FRAME_UNREACH_PORT ||
	       code == FRAME_UNREACH_HOST_PROHIBITED || code == FRAME_UNREACH_ADMIN_PROHIBITED;
}

/*
 * A destination unreachable (RFC 792) quoting a UDP datagram of ours: the
 * quoted IPv4 header (options included) and at least the UDP header, the
 * 64 bits RFC 792 promises. A first fragment quotes its UDP header; a later
 * one has none and is refused.
 */
static enum frame_err
classify_icmp_unreach(const uint8_t *icmp, size_t len, const struct frame_local *local,
		      struct frame_info *out)
{
	struct wire w = wire_reader(icmp, len);
	uint8_t code, vihl, proto;
	uint16_t frag;
	size_t hlen;

	wire_u8(&w);		/* type: 3, checked by the caller */
	code = wire_u8(&w);
	wire_take(&w, 6);	/* checksum (summed below), unused word */
	vihl = wire_u8(&w);
	wire_take(&w, 5);	/* DSCP, total length, identification */
	frag = wire_be16(&w);
	wire_u8(&w);		/* TTL */
	proto = wire_u8(&w);
	wire_be16(&w);		/* the quoted header's checksum: ours, never rechecked */
	out->quoted.src_ip = wire_be32(&w);
	out->quoted.dst_ip = wire_be32(&w);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (!wire_ok(&w) || vihl >> 4 != 4 || hlen < FRAME_IPV4_LEN)
		return FRAME_ERR_ICMP;
	wire_take(&w, hlen - FRAME_IPV4_LEN);
	out->quoted.src_port = wire_be16(&w);
	out->quoted.dst_port = wire_be16(&w);
	wire_take(&w, 4);	/* UDP length and checksum */
	if (!wire_ok(&w) || proto != IP_PROTO_UDP || (frag & IP_FRAG_OFF_MASK) != 0)
		return FRAME_ERR_ICMP;
	if (!icmp_unreach_code_ends(code) || out->quoted.src_ip != local->ip ||
	    !ip_is_unicast_peer(local, out->quoted.dst_ip))
		return FRAME_ERR_ICMP;
	if (frame_csum_fold(frame_csum_add(0, icmp, len)) != 0)
		return FRAME_ERR_ICMP;
	out->icmp_code = code;
	out->payload = icmp;
	out->payload_len = len;
	out->kind = FRAME_ICMP_UNREACH;
	return FRAME_OK;
}

static enum frame_err
classify_icmp(const uint8_t *icmp, size_t len, const struct frame_local *local,
	      struct frame_info *out)
{
	/* No echo to broadcast or multicast (RFC 1122 3.2.2.6: no smurfing). */
	if (out->ip_broadcast || out->ip_multicast || out->dst_ip != local->ip)
		return FRAME_ERR_ICMP;
	if (!ip_is_unicast_peer(local, out->src_ip))
		return FRAME_ERR_ICMP;
	if (len < ICMP_HDR_LEN)
		return FRAME_ERR_ICMP;
	/* An unreachable quoting one of our UDP datagrams ends its session. */
	if (icmp[0] == ICMP_DEST_UNREACH && len >= ICMP_HDR_LEN + FRAME_IPV4_LEN &&
	    icmp[ICMP_HDR_LEN + 9] == IP_PROTO_UDP)
		return classify_icmp_unreach(icmp, len, local, out);
	/* Other errors (about our TCP: path MTU, unreachable) are the kernel's. */
	if (icmp[0] == 3 || icmp[0] == 11 || icmp[0] == 12)
		out->kind = FRAME_ICMP_ERROR;
	else if (icmp[0] == ICMP_ECHO_REQUEST && icmp[1] == 0)
		out->kind = FRAME_ICMP_ECHO;
	else
		return FRAME_ERR_ICMP;
	/* NICs offload TCP/UDP checksums, not ICMP: always verified. */
	if (frame_csum_fold(frame_csum_add(0, icmp, len)) != 0)
		return FRAME_ERR_ICMP;
	out->payload = icmp;
	out->payload_len = len;
	return FRAME_OK;
}

/*
 * A kernel sender on a port that shares the kernel (csum_flags says so)
 * leaves in the field what udp4_hwcsum() writes: ~csum_tcpudp_magic(), the
 * pseudo-header sum folded and not complemented, never 0. Accepting it costs
 * one false accept in 65536 frames whose checksum is really bad (a random
 * field equals that one value); Ethernet's FCS has already caught wire
 * corruption, and nothing we serve trusts a UDP checksum for more than
 * that. The IP header checksum the kernel always completes: still checked.
 */
bool
frame_udp_csum_is_partial(unsigned csum_flags, uint16_t csum, uint32_t pseudo_sum)
{
	uint32_t folded = pseudo_sum;

	if (!(csum_flags & FRAME_L4_CSUM_PARTIAL_OK))
		return false;
	folded = (folded & 0xffff) + (folded >> 16);
	folded = (folded & 0xffff) + (folded >> 16);
	return csum == folded;
}

bool
frame_tcp_complete_partial(uint8_t *tcp, size_t len, uint32_t src_ip, uint32_t dst_ip)
{
	uint32_t pseudo, folded;
	uint16_t field, c;

	if (len < 20 || len > 0xffff)
		return false;
	pseudo = (src_ip >> 16) + (src_ip & 0xffff) + (dst_ip >> 16) + (dst_ip & 0xffff) +
		 IP_PROTO_TCP + (uint32_t)len;
	if (frame_csum_fold(frame_csum_add(pseudo, tcp, len)) == 0)
		return false;		/* complete already */
	folded = (pseudo & 0xffff) + (pseudo >> 16);
	folded = (folded & 0xffff) + (folded >> 16);
	field = (uint16_t)(tcp[16] << 8 | tcp[17]);
	if (field != folded)
		return false;		/* really bad: the kernel drops it */
	tcp[16] = tcp[17] = 0;
	c = frame_csum_fold(frame_csum_add(pseudo, tcp, len));
	memcpy(tcp + 16, &c, 2);	/* frame_csum_fold is network order */
	return true;
}

enum frame_err
frame_udp_read(const uint8_t *udp, size_t len, unsigned csum_flags, uint32_t addr_sum,
	       bool csum_required, struct frame_udp_rx *out)
{
	struct wire w = wire_reader(udp, len);
	uint16_t ulen, csum;
	uint32_t sum;

	memset(out, 0, sizeof(*out));
	out->src_port = wire_be16(&w);
	out->dst_port = wire_be16(&w);
	ulen = wire_be16(&w);
	csum = wire_be16(&w);
	if (!wire_ok(&w) || ulen < FRAME_UDP_LEN || ulen > len)
		return FRAME_ERR_UDP_LEN;
	if (csum == 0 && csum_required)
		return FRAME_ERR_UDP_CSUM;
	if (csum != 0 && !(csum_flags & FRAME_L4_CSUM_GOOD)) {
		sum = addr_sum + ulen;
		if (frame_csum_fold(frame_csum_add(sum, udp, ulen)) != 0) {
			if (!frame_udp_csum_is_partial(csum_flags, csum, sum))
				return FRAME_ERR_UDP_CSUM;
			out->csum_partial = true;
		}
	}
	out->payload = udp + FRAME_UDP_LEN;
	out->payload_len = ulen - FRAME_UDP_LEN;
	return FRAME_OK;
}

static enum frame_err
classify_udp(const uint8_t *udp, size_t len, unsigned csum_flags, struct frame_info *out)
{
	struct frame_udp_rx u;
	enum frame_err e;

	/* IPv4 allows no checksum (0). */
	e = frame_udp_read(udp, len, csum_flags, frame_udp_pseudo_sum(out->src_ip, out->dst_ip, 0),
			   false, &u);
	out->src_port = u.src_port;
	out->dst_port = u.dst_port;
	if (e != FRAME_OK)
		return e;
	out->l4_csum_partial = u.csum_partial;
	out->payload = u.payload;
	out->payload_len = u.payload_len;
	out->kind = FRAME_UDP;
	return FRAME_OK;
}

/*
 * TCP is not ours to serve: only its addressing is checked (a unicast peer
 * to our own address, a whole header); the kernel behind the TAP port
 * checks the rest, checksum included.
 */
static enum frame_err
classify_tcp(const uint8_t *tcp, size_t len, const struct frame_local *local,
	     struct frame_info *out)
{
	struct wire w = wire_reader(tcp, len);

	if (out->ip_broadcast || out->ip_multicast || out->dst_ip != local->ip ||
	    !ip_is_unicast_peer(local, out->src_ip))
		return FRAME_ERR_PROTO;
	out->src_port = wire_be16(&w);
	out->dst_port = wire_be16(&w);
	if (!wire_ok(&w) || len < TCP_HDR_LEN || (size_t)(tcp[12] >> 4) * 4 < TCP_HDR_LEN ||
	    (size_t)(tcp[12] >> 4) * 4 > len)
		return FRAME_ERR_PROTO;
	out->payload = tcp + (tcp[12] >> 4) * 4;
	out->payload_len = len - (size_t)(tcp[12] >> 4) * 4;
	out->kind = FRAME_TCP;
	return FRAME_OK;
}

static enum frame_err
classify_ipv4(const uint8_t *frame, size_t len, const struct frame_local *local,
	      unsigned csum_flags, struct frame_info *out)
{
	const uint8_t *ip = frame + out->l3_off;
	size_t avail = len - out->l3_off;
	struct wire w = wire_reader(ip, avail);
	uint8_t vihl, proto;
	uint16_t total, frag;
	size_t hlen;

	vihl = wire_u8(&w);
	wire_u8(&w);		/* DSCP/ECN */
	total = wire_be16(&w);
	wire_be16(&w);		/* identification */
	frag = wire_be16(&w);
	out->ttl = wire_u8(&w);
	proto = wire_u8(&w);
	wire_be16(&w);		/* header checksum: summed below */
	out->src_ip = wire_be32(&w);
	out->dst_ip = wire_be32(&w);
	if (!wire_ok(&w))
		return FRAME_ERR_SHORT;
	if (vihl >> 4 != 4)
		return FRAME_ERR_IP_VERSION;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < FRAME_IPV4_LEN || hlen > avail)
		return FRAME_ERR_IP_HDRLEN;
	/* Bytes after total length are Ethernet padding: ignored. */
	if (total < hlen || total > avail)
		return FRAME_ERR_IP_LEN;
	if (!(csum_flags & FRAME_IP_CSUM_GOOD) &&
	    frame_csum_fold(frame_csum_add(0, ip, hlen)) != 0)
		return FRAME_ERR_IP_CSUM;
	if (frag & (IP_FLAG_MF | IP_FRAG_OFF_MASK))
		return FRAME_ERR_IP_FRAGMENT;

	out->ip_broadcast = out->dst_ip == FRAME_IP_BROADCAST ||
			    ip_is_subnet_broadcast(local, out->dst_ip);
	out->ip_multicast = ip_is_multicast(out->dst_ip);
	if (!out->ip_broadcast && !out->ip_multicast &&
	    (local->ip == 0 || out->dst_ip != local->ip))
		return FRAME_ERR_NOT_FOR_US;

	/* IP options, if any, are skipped: hlen already covers them. */
	out->l4_off = out->l3_off + hlen;
	switch (proto) {
	case IP_PROTO_ICMP:
		return classify_icmp(ip + hlen, total - hlen, local, out);
	case IP_PROTO_UDP:
		return classify_udp(ip + hlen, total - hlen, csum_flags, out);
	case IP_PROTO_TCP:
		return classify_tcp(ip + hlen, total - hlen, local, out);
	default:
		return FRAME_ERR_PROTO;
	}
}

enum frame_err
frame_classify(const uint8_t *frame, size_t len, const struct frame_local *local,
	       unsigned csum_flags, struct frame_info *out)
{
	struct wire w = wire_reader(frame, len);
	struct eth_hdr eth;

	memset(out, 0, sizeof(*out));
	eth_read(&w, &eth);
	out->vlan = eth.vlan;
	if (!wire_ok(&w))
		return FRAME_ERR_SHORT;
	memcpy(out->dst_mac, eth.dst, 6);
	memcpy(out->src_mac, eth.src, 6);
	/*
	 * Untagged counts as VLAN 0, and so does a priority tag (VID 0,
	 * 802.1Q): some Windows NIC drivers send those when QoS is on.
	 */
	if (out->vlan != local->vlan)
		return FRAME_ERR_VLAN;
	out->l3_off = w.pos;
	switch (eth.type) {
	case ETHERTYPE_ARP:
		return classify_arp(frame + w.pos, len - w.pos, local, out);
	case ETHERTYPE_IPV4:
		return classify_ipv4(frame, len, local, csum_flags, out);
	default:
		return FRAME_ERR_ETHERTYPE;
	}
}

static void
put_eth(struct wire *w, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
	uint16_t type)
{
	eth_write(w, dst, src, vlan, type);
}

/* A 20-byte IPv4 header with its checksum; DF clear so TX may fragment. */
static void
put_ipv4(struct wire *w, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
	 uint16_t id, size_t payload_len)
{
	size_t start = w->pos;
	uint16_t csum;

	wire_put_u8(w, 0x45);
	wire_put_u8(w, 0);
	wire_put_be16(w, (uint16_t)(FRAME_IPV4_LEN + payload_len));
	wire_put_be16(w, id);
	wire_put_be16(w, 0);
	wire_put_u8(w, ttl ? ttl : IP_DEFAULT_TTL);
	wire_put_u8(w, proto);
	wire_put_be16(w, 0);
	wire_put_be32(w, src);
	wire_put_be32(w, dst);
	if (!wire_ok(w))
		return;
	csum = frame_csum_fold(frame_csum_add(0, w->buf + start, FRAME_IPV4_LEN));
	memcpy(w->buf + start + 10, &csum, sizeof(csum));
}

/* Zero-pads to the Ethernet minimum; returns the length, or 0 on overflow. */
static size_t
finish_min(struct wire *w)
{
	uint8_t *pad;
	size_t n;

	if (wire_ok(w) && w->pos < ETH_MIN_LEN) {
		n = ETH_MIN_LEN - w->pos;
		pad = wire_take(w, n);
		if (pad)
			memset(pad, 0, n);
	}
	return wire_ok(w) ? w->pos : 0;
}

size_t
frame_build_arp_reply(uint8_t *out, size_t cap, const struct frame_local *local,
		      const struct frame_info *req)
{
	struct wire w = wire_writer(out, cap);

	if (req->kind != FRAME_ARP_REQUEST || local->vlan > VLAN_VID_MASK)
		return 0;
	put_eth(&w, req->src_mac, local->mac, local->vlan, ETHERTYPE_ARP);
	wire_put_be16(&w, ARP_HTYPE_ETHER);
	wire_put_be16(&w, ETHERTYPE_IPV4);
	wire_put_u8(&w, 6);
	wire_put_u8(&w, 4);
	wire_put_be16(&w, ARP_OP_REPLY);
	wire_put_bytes(&w, local->mac, 6);
	wire_put_be32(&w, local->ip);
	wire_put_bytes(&w, req->src_mac, 6);
	wire_put_be32(&w, req->src_ip);
	return finish_min(&w);
}

size_t
frame_build_icmp_echo_reply(uint8_t *out, size_t cap, const struct frame_local *local,
			    const struct frame_info *req)
{
	struct wire w = wire_writer(out, cap);
	uint8_t *icmp;
	uint16_t csum;

	if (req->kind != FRAME_ICMP_ECHO || req->payload == NULL ||
	    req->payload_len < ICMP_HDR_LEN ||
	    req->payload_len > IP_MAX_LEN - FRAME_IPV4_LEN ||
	    local->vlan > VLAN_VID_MASK)
		return 0;
	put_eth(&w, req->src_mac, local->mac, local->vlan, ETHERTYPE_IPV4);
	put_ipv4(&w, local->ip, req->src_ip, IP_PROTO_ICMP, IP_DEFAULT_TTL, 0,
		 req->payload_len);
	icmp = wire_take(&w, req->payload_len);
	if (icmp == NULL)
		return 0;
	/* memmove: the reply may be built over the request's own buffer. */
	memmove(icmp, req->payload, req->payload_len);
	icmp[0] = ICMP_ECHO_REPLY;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	csum = frame_csum_fold(frame_csum_add(0, icmp, req->payload_len));
	memcpy(icmp + 2, &csum, sizeof(csum));
	return finish_min(&w);
}

size_t
frame_udp_header_len(const struct frame_udp_tx *t)
{
	return FRAME_ETH_LEN + (t->vlan ? FRAME_VLAN_LEN : 0) +
	       (t->ipv6 ? FRAME_IPV6_LEN : FRAME_IPV4_LEN) + FRAME_UDP_LEN;
}

size_t
frame_build_udp_header(uint8_t *out, size_t cap, const struct frame_udp_tx *t,
		       size_t payload_len, uint16_t udp_csum)
{
	struct wire w = wire_writer(out, cap);

	if (payload_len > (t->ipv6 ? UDP6_MAX_PAYLOAD : UDP_MAX_PAYLOAD) ||
	    t->vlan > VLAN_VID_MASK)
		return 0;
	if (t->ipv6) {
		put_eth(&w, t->dst_mac, t->src_mac, t->vlan, IPV6_ETHERTYPE);
		ipv6_write_header(&w, (uint16_t)(FRAME_UDP_LEN + payload_len), IPV6_NH_UDP,
				  t->ttl ? t->ttl : IPV6_DEFAULT_HOP_LIMIT, t->src6, t->dst6);
	} else {
		put_eth(&w, t->dst_mac, t->src_mac, t->vlan, ETHERTYPE_IPV4);
		put_ipv4(&w, t->src_ip, t->dst_ip, IP_PROTO_UDP, t->ttl, t->ip_id,
			 FRAME_UDP_LEN + payload_len);
	}
	wire_put_be16(&w, t->src_port);
	wire_put_be16(&w, t->dst_port);
	wire_put_be16(&w, (uint16_t)(FRAME_UDP_LEN + payload_len));
	wire_put_bytes(&w, &udp_csum, sizeof(udp_csum));
	return wire_ok(&w) ? w.pos : 0;
}
