/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one received frame through frame6_classify() for an
 * untagged and a VLAN interface. What is accepted must keep every promise
 * of frame6.h (pointers inside the input, the checksum right, RFC 4861's
 * hop limit and option rules); the replies the engine would build from it
 * must classify at the peer. A broken invariant calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/frame6.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static uint8_t txbuf[18 + 40 + 65536];

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static bool
in_input(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= data && n <= size && p - data <= (ptrdiff_t)(size - n);
}

static uint16_t
naive_csum6(const uint8_t *src, const uint8_t *dst, const uint8_t *p, size_t n, uint8_t nh)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		s += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	s += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + nh;
	for (i = 0; i < n; i += 2) {
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
		s = (s & 0xffff) + (s >> 16);
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
reply_to(const struct frame6_info *fi, uint16_t vlan, const uint8_t *src, struct frame6_tx *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->src_mac, our_mac, 6);
	memcpy(t->dst_mac, fi->src_mac, 6);
	t->vlan = vlan;
	memcpy(t->src, src, 16);
	memcpy(t->dst, frame6_is_unspecified(fi->src) ? frame6_all_nodes : fi->src, 16);
}

/* The answers the engine builds: each must parse at the peer. */
static void
check_replies(const struct frame6_info *fi, uint16_t vlan)
{
	struct frame6_info rep;
	struct frame6_tx t;
	uint8_t ll[16];
	size_t n;

	switch (fi->kind) {
	case FRAME6_NS:
		reply_to(fi, vlan, fi->target, &t);
		n = frame6_build_na(txbuf, sizeof(txbuf), &t, fi->target,
				    frame6_is_unspecified(fi->src) ? FRAME6_NA_OVERRIDE :
				    FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE, our_mac);
		CHECK(n > 0);
		CHECK(frame6_classify(txbuf, n, vlan, 0, &rep) == FRAME6_OK);
		CHECK(rep.kind == FRAME6_NA && rep.has_lladdr);
		CHECK(memcmp(rep.target, fi->target, 16) == 0);
		break;
	case FRAME6_RS:
		frame6_link_local(our_mac, ll);
		reply_to(fi, vlan, ll, &t);
		n = frame6_build_ra_none(txbuf, sizeof(txbuf), &t, our_mac);
		CHECK(n > 0);
		CHECK(frame6_classify(txbuf, n, vlan, 0, &rep) == FRAME6_ERR_ICMP_TYPE);
		break;
	case FRAME6_ECHO_REQUEST:
		/* The engine answers an echo only for its own unicast addresses
		 * (ipv6/nd.c nd_on_echo): a group is never a reply's source. */
		if (frame6_is_multicast(fi->dst) || frame6_is_unspecified(fi->src))
			break;
		reply_to(fi, vlan, fi->dst, &t);
		n = frame6_build_echo_reply(txbuf, sizeof(txbuf), &t, fi);
		CHECK(n == (vlan ? 18u : 14u) + 40 + fi->icmp_len);
		CHECK(frame6_classify(txbuf, n, vlan, 0, &rep) == FRAME6_ERR_ICMP_TYPE);
		CHECK(memcmp(rep.icmp + 4, fi->icmp + 4, fi->icmp_len - 4) == 0);
		break;
	default:
		break;
	}
}

/*
 * An accepted UDP datagram: inside the input, after 8 bytes of header at
 * l4_off, its checksum right (the test passes no offload flags), never
 * from ::; the IPv4 path's view of it the same datagram.
 */
static void
check_udp(const uint8_t *data, size_t size, const struct frame6_info *fi)
{
	const uint8_t *udp = data + fi->l4_off;
	const uint8_t *ip = data + fi->l3_off;
	struct frame_info f4;
	size_t ulen;

	CHECK(in_input(fi->payload, fi->payload_len, data, size));
	CHECK(fi->payload == udp + 8);
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	CHECK(ulen == fi->payload_len + 8);
	CHECK(udp + ulen <= ip + 40 + (ip[4] << 8 | ip[5]));
	CHECK((udp[6] | udp[7]) != 0);
	CHECK(naive_csum6(fi->src, fi->dst, udp, ulen, 17) == 0);
	CHECK(!fi->l4_csum_partial);
	CHECK(!frame6_is_unspecified(fi->src));
	CHECK(fi->src_port == (udp[0] << 8 | udp[1]) && fi->dst_port == (udp[2] << 8 | udp[3]));
	CHECK(frame6_to_frame_info(fi, &f4));
	CHECK(f4.kind == FRAME_UDP && f4.ipv6 && f4.payload == fi->payload &&
	      f4.payload_len == fi->payload_len && f4.src_port == fi->src_port &&
	      memcmp(f4.src6, fi->src, 16) == 0 && memcmp(f4.dst6, fi->dst, 16) == 0);
}

static void
check_accepted(const uint8_t *data, size_t size, uint16_t vlan, const struct frame6_info *fi)
{
	const uint8_t *ip = data + fi->l3_off;
	struct frame_info f4;

	CHECK(fi->vlan == vlan);
	CHECK(fi->l3_off == 14 || fi->l3_off == 18);
	CHECK(fi->l3_off + 40 <= fi->l4_off && fi->l4_off <= size);
	CHECK(ip[0] >> 4 == 6 && fi->hop_limit == ip[7]);
	CHECK(memcmp(fi->src, ip + 8, 16) == 0 && memcmp(fi->dst, ip + 24, 16) == 0);
	CHECK(!frame6_is_multicast(fi->src));
	if (fi->kind == FRAME6_UDP) {
		check_udp(data, size, fi);
		return;
	}
	CHECK(in_input(fi->icmp, fi->icmp_len, data, size));
	CHECK(fi->icmp == data + fi->l4_off);
	/* The message ends where the payload length says, never in padding. */
	CHECK(fi->icmp + fi->icmp_len == ip + 40 + (ip[4] << 8 | ip[5]));
	CHECK(naive_csum6(fi->src, fi->dst, fi->icmp, fi->icmp_len, 58) == 0);
	if (fi->kind == FRAME6_UNREACH) {
		/* Only the codes that end a session; the quote holds our ports. */
		CHECK(fi->icmp[0] == 1);
		CHECK(fi->icmp_code == 1 || fi->icmp_code == 3 || fi->icmp_code == 4);
		CHECK(!frame6_is_multicast(fi->quoted.dst));
		CHECK(frame6_to_frame_info(fi, &f4) && f4.kind == FRAME_ICMP_UNREACH && f4.ipv6);
		CHECK(f4.quoted.src_port == fi->quoted.src_port &&
		      memcmp(f4.quoted.dst6, fi->quoted.dst, 16) == 0);
		return;
	}
	CHECK(fi->icmp[1] == 0);
	CHECK(!frame6_to_frame_info(fi, &f4));
	if (fi->kind != FRAME6_ECHO_REQUEST) {
		CHECK(fi->hop_limit == 255);
		CHECK(fi->icmp_len >= (fi->kind == FRAME6_RS ? 8u : 24u));
	}
	if (fi->kind == FRAME6_NS || fi->kind == FRAME6_NA)
		CHECK(!frame6_is_multicast(fi->target));
	if (frame6_is_unspecified(fi->src) && fi->kind != FRAME6_ECHO_REQUEST)
		CHECK(!fi->has_lladdr);
	check_replies(fi, vlan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t vlans[] = { 0, 100 };
	struct frame6_info fi;
	enum frame6_err e;
	size_t i;

	for (i = 0; i < sizeof(vlans) / sizeof(vlans[0]); i++) {
		e = frame6_classify(data, size, vlans[i], 0, &fi);
		CHECK((unsigned)e < FRAME6_ERR__MAX);
		CHECK(frame6_strerror(e) != NULL);
		if (e == FRAME6_OK)
			check_accepted(data, size, vlans[i], &fi);
		else if (fi.icmp != NULL)
			CHECK(in_input(fi.icmp, fi.icmp_len, data, size));
	}
	CHECK(frame6_is_ipv6(data, size) ||
	      frame6_classify(data, size, 0, 0, &fi) != FRAME6_OK);
	return 0;
}
