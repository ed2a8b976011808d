/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one received frame through frame_classify() for an untagged
 * and a VLAN interface, with and without checksum offload flags, and as a
 * port shared with the kernel (partial UDP checksums allowed). What is
 * accepted must keep every promise of frame.h (pointers inside the input,
 * offsets consistent, the destination ours, the UDP checksum complete or,
 * on a kernel-shared port, the partial sum a local kernel sender leaves);
 * the reply built from it must classify correctly at the requester. The
 * input also checks the checksum against a naive reference. A broken
 * invariant calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/frame.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

#define OUR_IP 0xc0000201u	/* 192.0.2.1/24, as in the seed corpus */
#define OUR_MASK 0xffffff00u
#define OTHER_IP 0xc6336407u	/* 198.51.100.7: a receiver of broadcasts */

/* Replies and rebuilt datagrams: up to a 64 KiB IP packet plus headers. */
static uint8_t txbuf[FRAME_ETH_LEN + FRAME_VLAN_LEN + 65536];

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static uint16_t
naive_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < n; i += 2) {
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)~s;
}

/* frame_csum_fold's network-order result as a host value. */
static uint16_t
net16(uint16_t v)
{
	return be16((const uint8_t *)&v);
}

static bool
is_subnet_broadcast(uint32_t ip)
{
	return ip == (OUR_IP | ~OUR_MASK);
}

static bool
is_unicast_peer(uint32_t ip)
{
	return ip != 0 && ip != FRAME_IP_BROADCAST && (ip >> 28) != 0xe &&
	       !is_subnet_broadcast(ip);
}

static bool
in_input(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= data && n <= size && p - data <= (ptrdiff_t)(size - n);
}

static struct frame_local
requester(const struct frame_info *fi, const struct frame_local *local, uint32_t ip)
{
	struct frame_local r;

	memcpy(r.mac, fi->src_mac, 6);
	r.ip = ip;
	r.netmask = 0xffffffff;
	r.vlan = local->vlan;
	return r;
}

static void
check_arp(const uint8_t *data, size_t size, const struct frame_local *local,
	  const struct frame_info *fi)
{
	const uint8_t *a = data + fi->l3_off;
	struct frame_local peer;
	struct frame_info rep;
	size_t n;

	CHECK(fi->l4_off == 0);
	CHECK(fi->payload == a && fi->payload_len == 28);
	CHECK(fi->l3_off + 28 <= size);
	CHECK(be16(a + 6) == (fi->kind == FRAME_ARP_REQUEST ? 1 : 2));
	CHECK(a[4] == 6 && a[5] == 4);
	CHECK(memcmp(fi->src_mac, a + 8, 6) == 0 && !(fi->src_mac[0] & 1));
	CHECK(fi->src_ip == be32(a + 14) && fi->dst_ip == be32(a + 24));
	if (fi->kind != FRAME_ARP_REQUEST)
		return;
	CHECK(fi->dst_ip == local->ip);

	n = frame_build_arp_reply(txbuf, sizeof(txbuf), local, fi);
	CHECK(n == 60);
	CHECK(frame_build_arp_reply(txbuf, n - 1, local, fi) == 0);
	peer = requester(fi, local, fi->src_ip);
	CHECK(frame_classify(txbuf, n, &peer, 0, &rep) == FRAME_OK);
	CHECK(rep.kind == FRAME_ARP_REPLY);
	CHECK(memcmp(rep.src_mac, local->mac, 6) == 0);
	CHECK(memcmp(rep.dst_mac, fi->src_mac, 6) == 0);
	CHECK(rep.src_ip == local->ip && rep.dst_ip == fi->src_ip);
}

static void
check_icmp(const uint8_t *data, size_t size, const struct frame_local *local,
	   const struct frame_info *fi)
{
	const uint8_t *icmp;
	struct frame_local peer;
	struct frame_info rep;
	size_t n, want;

	(void)size;
	CHECK(fi->payload == data + fi->l4_off && fi->payload_len >= 8);
	CHECK(fi->payload[0] == 8 && fi->payload[1] == 0);
	CHECK(fi->dst_ip == local->ip && !fi->ip_broadcast && !fi->ip_multicast);
	CHECK(is_unicast_peer(fi->src_ip));
	CHECK(naive_csum(fi->payload, fi->payload_len) == 0);

	n = frame_build_icmp_echo_reply(txbuf, sizeof(txbuf), local, fi);
	want = FRAME_ETH_LEN + (local->vlan ? FRAME_VLAN_LEN : 0) + FRAME_IPV4_LEN +
	       fi->payload_len;
	CHECK(n == (want < 60 ? 60 : want));
	icmp = txbuf + want - fi->payload_len;
	CHECK(icmp[0] == 0 && icmp[1] == 0);
	CHECK(naive_csum(icmp, fi->payload_len) == 0);
	CHECK(memcmp(icmp + 4, fi->payload + 4, fi->payload_len - 4) == 0);
	/* At the requester the IP layer accepts it; ICMP is no echo request. */
	peer = requester(fi, local, fi->src_ip);
	CHECK(frame_classify(txbuf, n, &peer, 0, &rep) == FRAME_ERR_ICMP);
	CHECK(rep.src_ip == local->ip && rep.dst_ip == fi->src_ip);
	CHECK(rep.l4_off == want - fi->payload_len);
}

/* An unreachable names a datagram of ours to a peer, quoted in bounds. */
static void
check_unreach(const struct frame_local *local, const struct frame_info *fi)
{
	const uint8_t *q = fi->payload + 8;
	size_t qhl;

	CHECK(fi->payload_len >= 8 + 20 + 8);
	CHECK(fi->payload[0] == 3 && fi->payload[1] == fi->icmp_code);
	CHECK(fi->icmp_code == 1 || fi->icmp_code == 3 || fi->icmp_code == 10 ||
	      fi->icmp_code == 13);
	CHECK(fi->dst_ip == local->ip && !fi->ip_broadcast && !fi->ip_multicast);
	CHECK(naive_csum(fi->payload, fi->payload_len) == 0);
	qhl = (size_t)(q[0] & 0x0f) * 4;
	CHECK(q[0] >> 4 == 4 && qhl >= 20 && 8 + qhl + 8 <= fi->payload_len);
	CHECK(q[9] == 17 && (be16(q + 6) & 0x1fff) == 0);
	CHECK(fi->quoted.src_ip == be32(q + 12) && fi->quoted.src_ip == local->ip);
	CHECK(fi->quoted.dst_ip == be32(q + 16) && is_unicast_peer(fi->quoted.dst_ip));
	CHECK(fi->quoted.src_port == be16(q + qhl) && fi->quoted.dst_port == be16(q + qhl + 2));
}

static void
check_udp(const uint8_t *data, size_t size, const struct frame_local *local,
	  const struct frame_info *fi)
{
	const uint8_t *udp = data + fi->l4_off;
	struct frame_udp_tx t;
	struct frame_local peer;
	struct frame_info rep;
	uint16_t csum;
	size_t h;

	CHECK(fi->l4_off + 8 <= size);
	CHECK(fi->payload == udp + 8);
	CHECK(fi->src_port == be16(udp) && fi->dst_port == be16(udp + 2));
	CHECK(be16(udp + 4) == fi->payload_len + 8);
	CHECK(fi->payload_len <= 65507);

	/* Answer it the way the engine would, and let the requester read it. */
	memset(&t, 0, sizeof(t));
	memcpy(t.src_mac, local->mac, 6);
	memcpy(t.dst_mac, fi->src_mac, 6);
	t.vlan = local->vlan;
	t.src_ip = local->ip;
	t.dst_ip = is_unicast_peer(fi->src_ip) ? fi->src_ip : FRAME_IP_BROADCAST;
	t.src_port = fi->dst_port;
	t.dst_port = fi->src_port;
	t.ip_id = fi->src_port;
	h = frame_udp_header_len(&t);
	CHECK(h + fi->payload_len <= sizeof(txbuf));
	csum = frame_udp_csum(&t, fi->payload, fi->payload_len);
	CHECK(csum != 0);
	CHECK(frame_build_udp_header(txbuf, h - 1, &t, fi->payload_len, csum) == 0);
	CHECK(frame_build_udp_header(txbuf, sizeof(txbuf), &t, fi->payload_len, csum) == h);
	memcpy(txbuf + h, fi->payload, fi->payload_len);
	peer = requester(fi, local, t.dst_ip == FRAME_IP_BROADCAST ? OTHER_IP : t.dst_ip);
	CHECK(frame_classify(txbuf, h + fi->payload_len, &peer, 0, &rep) == FRAME_OK);
	CHECK(rep.kind == FRAME_UDP);
	CHECK(rep.l3_off + FRAME_IPV4_LEN == rep.l4_off && rep.l4_off + 8 == h);
	CHECK(rep.src_port == t.src_port && rep.dst_port == t.dst_port);
	CHECK(rep.src_ip == t.src_ip && rep.dst_ip == t.dst_ip);
	CHECK(rep.ip_broadcast == (t.dst_ip == FRAME_IP_BROADCAST));
	CHECK(rep.ttl == 64);
	CHECK(rep.payload_len == fi->payload_len);
	CHECK(memcmp(rep.payload, fi->payload, fi->payload_len) == 0);
}

/*
 * The UDP checksum as frame.h promises it: complete, 0 (none), verified by
 * the NIC, or, where the port allows it, the folded pseudo-header sum a
 * local kernel sender leaves (flagged l4_csum_partial).
 */
static void
check_udp_csum(const uint8_t *ip, const uint8_t *udp, unsigned flags,
	       const struct frame_info *fi)
{
	uint16_t ulen = be16(udp + 4), field = be16(udp + 6);
	uint32_t s = be16(ip + 12) + be16(ip + 14) + be16(ip + 16) + be16(ip + 18) + 17 + ulen;
	uint32_t whole = s;
	size_t i;

	if (field == 0 || (flags & FRAME_L4_CSUM_GOOD)) {
		CHECK(!fi->l4_csum_partial);
		return;
	}
	for (i = 0; i < ulen; i += 2)
		whole += (uint32_t)udp[i] << 8 | (i + 1 < ulen ? udp[i + 1] : 0);
	while (whole >> 16)
		whole = (whole & 0xffff) + (whole >> 16);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	if (!fi->l4_csum_partial) {
		CHECK(whole == 0xffff);
		return;
	}
	CHECK(flags & FRAME_L4_CSUM_PARTIAL_OK);
	CHECK(whole != 0xffff && field == s);
}

static void
check_accepted(const uint8_t *data, size_t size, const struct frame_local *local,
	       unsigned flags, const struct frame_info *fi)
{
	const uint8_t *ip;
	size_t hlen;

	CHECK(fi->kind <= FRAME_ICMP_UNREACH);
	CHECK(fi->vlan == local->vlan);
	CHECK(fi->l3_off == FRAME_ETH_LEN || fi->l3_off == FRAME_ETH_LEN + FRAME_VLAN_LEN);
	CHECK(fi->l3_off <= size);
	CHECK(memcmp(fi->dst_mac, data, 6) == 0);
	if (fi->l3_off == FRAME_ETH_LEN + FRAME_VLAN_LEN)
		CHECK(be16(data + 12) == 0x8100 && (be16(data + 14) & 0x0fff) == local->vlan);
	CHECK(fi->payload != NULL && in_input(fi->payload, fi->payload_len, data, size));

	if (fi->kind == FRAME_ARP_REQUEST || fi->kind == FRAME_ARP_REPLY) {
		CHECK(be16(data + fi->l3_off - 2) == 0x0806);
		check_arp(data, size, local, fi);
		return;
	}

	CHECK(be16(data + fi->l3_off - 2) == 0x0800);
	CHECK(memcmp(fi->src_mac, data + 6, 6) == 0);
	ip = data + fi->l3_off;
	hlen = (size_t)(ip[0] & 0x0f) * 4;
	CHECK(ip[0] >> 4 == 4 && hlen >= 20);
	CHECK(fi->l4_off == fi->l3_off + hlen && fi->l4_off <= size);
	CHECK(be16(ip + 2) >= hlen && fi->l3_off + be16(ip + 2) <= size);
	CHECK((be16(ip + 6) & 0x3fff) == 0);
	CHECK(fi->ttl == ip[8]);
	CHECK(fi->src_ip == be32(ip + 12) && fi->dst_ip == be32(ip + 16));
	if (!(flags & FRAME_IP_CSUM_GOOD))
		CHECK(naive_csum(ip, hlen) == 0);
	CHECK(fi->ip_multicast == (fi->dst_ip >> 28 == 0xe));
	CHECK(fi->ip_broadcast == (fi->dst_ip == FRAME_IP_BROADCAST ||
				   is_subnet_broadcast(fi->dst_ip)));
	CHECK(fi->dst_ip == local->ip || fi->ip_broadcast || fi->ip_multicast);
	/* Payload ends inside the IP total length, not in the padding. */
	CHECK(fi->payload + fi->payload_len <= ip + be16(ip + 2));

	if (fi->kind == FRAME_ICMP_ECHO) {
		CHECK(ip[9] == 1);
		check_icmp(data, size, local, fi);
	} else if (fi->kind == FRAME_ICMP_ERROR) {
		/* The kernel's (HTTP Boot's TCP): unicast to us, checksum good. */
		CHECK(ip[9] == 1 && fi->dst_ip == local->ip);
		CHECK(fi->payload == data + fi->l4_off && naive_csum(fi->payload, fi->payload_len) == 0);
		CHECK(fi->payload[0] == 3 || fi->payload[0] == 11 || fi->payload[0] == 12);
	} else if (fi->kind == FRAME_TCP) {
		CHECK(ip[9] == 6 && fi->dst_ip == local->ip);
		CHECK(fi->src_port == be16(data + fi->l4_off));
		CHECK(fi->dst_port == be16(data + fi->l4_off + 2));
		CHECK(fi->payload == data + fi->l4_off + (data[fi->l4_off + 12] >> 4) * 4);
	} else if (fi->kind == FRAME_ICMP_UNREACH) {
		CHECK(ip[9] == 1);
		check_unreach(local, fi);
	} else {
		CHECK(ip[9] == 17);
		check_udp_csum(ip, data + fi->l4_off, flags, fi);
		check_udp(data, size, local, fi);
	}
}

static void
check_csum(const uint8_t *data, size_t size)
{
	size_t cut = (size / 3) & ~(size_t)1;
	uint32_t sum;

	CHECK(net16(frame_csum_fold(frame_csum_add(0, data, size))) == naive_csum(data, size));
	sum = frame_csum_add(0, data, cut);
	sum = frame_csum_add(sum, data + cut, size - cut);
	CHECK(net16(frame_csum_fold(sum)) == naive_csum(data, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct frame_local locals[] = {
		{ { 0x02, 0, 0, 0, 0, 0x01 }, OUR_IP, OUR_MASK, 0, { 0 }, { 0 } },
		{ { 0x02, 0, 0, 0, 0, 0x01 }, OUR_IP, OUR_MASK, 100, { 0 }, { 0 } },
	};
	static const unsigned flag_sets[] = {
		0, FRAME_IP_CSUM_GOOD | FRAME_L4_CSUM_GOOD, FRAME_L4_CSUM_PARTIAL_OK,
	};
	struct frame_info fi;
	enum frame_err e;
	size_t i, j;

	for (i = 0; i < sizeof(locals) / sizeof(locals[0]); i++) {
		for (j = 0; j < sizeof(flag_sets) / sizeof(flag_sets[0]); j++) {
			e = frame_classify(data, size, &locals[i], flag_sets[j], &fi);
			CHECK((unsigned)e < FRAME_ERR__MAX);
			CHECK(frame_strerror(e) != NULL);
			if (e == FRAME_OK)
				check_accepted(data, size, &locals[i], flag_sets[j], &fi);
			else if (fi.payload != NULL)
				CHECK(in_input(fi.payload, fi.payload_len, data, size));
		}
	}
	check_csum(data, size);
	return 0;
}
