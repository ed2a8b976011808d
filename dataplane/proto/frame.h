/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet (+802.1Q), ARP, IPv4, ICMP echo and UDP: just enough L2/L3 for a
 * boot server that owns its own address. Classifies a received frame and
 * builds the few frames the engine sends. No DPDK, no I/O.
 *
 * Addresses and ports in the structs below are in host byte order.
 */
#ifndef PXELINE_PROTO_FRAME_H
#define PXELINE_PROTO_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/ipaddr.h"

#define FRAME_ETH_LEN 14
#define FRAME_VLAN_LEN 4
#define FRAME_IPV4_LEN 20	/* we send no IP options */
#define FRAME_UDP_LEN 8
#define FRAME_IPV6_LEN 40	/* we send no extension header but Fragment */
#define FRAME_IP_BROADCAST 0xffffffffu

/* What the engine is on one interface. */
struct frame_local {
	uint8_t mac[6];
	uint32_t ip;		/* our own address, not the kernel's */
	uint32_t netmask;
	uint16_t vlan;		/* 802.1Q VLAN id, 0 = untagged */
	uint8_t ip6[16];	/* interfaces[].address6, zero = none */
	uint8_t ll6[16];	/* the link-local address (EUI-64 of mac) */
};

enum frame_kind {
	FRAME_ARP_REQUEST,	/* an ARP request for our address */
	FRAME_ARP_REPLY,	/* an ARP reply (to learn from) */
	FRAME_ICMP_ECHO,	/* an echo request to our address */
	FRAME_UDP,		/* a UDP datagram to us, broadcast or multicast */
	FRAME_TCP,		/* a TCP segment to our unicast address (the kernel's, by the TAP) */
	FRAME_ICMP_ERROR,	/* unreachable/time exceeded/parameter problem to us (for TCP) */
	FRAME_ICMP_UNREACH,	/* ICMP unreachable quoting a UDP datagram we sent */
};

enum frame_err {
	FRAME_OK = 0,
	FRAME_ERR_SHORT,	/* shorter than the headers it claims */
	FRAME_ERR_ETHERTYPE,	/* neither IPv4 nor ARP */
	FRAME_ERR_VLAN,		/* tagged for another VLAN, or untagged when we want a tag */
	FRAME_ERR_ARP,		/* malformed ARP, or not for us */
	FRAME_ERR_IP_VERSION,
	FRAME_ERR_IP_HDRLEN,	/* IHL < 5 or beyond the frame */
	FRAME_ERR_IP_LEN,	/* total length inconsistent with the frame */
	FRAME_ERR_IP_CSUM,
	FRAME_ERR_IP_FRAGMENT,	/* requests never need fragments: dropped */
	FRAME_ERR_NOT_FOR_US,	/* another host's unicast */
	FRAME_ERR_PROTO,	/* an IP protocol we do not serve */
	FRAME_ERR_ICMP,		/* ICMP that is neither a well-formed echo request nor an unreachable for us */
	FRAME_ERR_UDP_LEN,
	FRAME_ERR_UDP_CSUM,
	FRAME_ERR__MAX,
};

const char *frame_strerror(enum frame_err e);

/*
 * Checksums the NIC already verified (from the PMD's offload flags), and
 * what the port may carry. FRAME_L4_CSUM_PARTIAL_OK is for ports that share
 * the kernel's stack (net_af_packet, net_af_xdp on a veth or a tap): a local
 * kernel sender leaves its UDP checksum to an offload that never runs
 * (CHECKSUM_PARTIAL; packet(7) would say TP_STATUS_CSUMNOTREADY, which
 * DPDK 22.11's PMDs do not pass on), so the field holds only the folded
 * pseudo-header sum.
 */
enum frame_csum_flags {
	FRAME_IP_CSUM_GOOD = 1u << 0,
	FRAME_L4_CSUM_GOOD = 1u << 1,
	FRAME_L4_CSUM_PARTIAL_OK = 1u << 2,
};

struct frame_info {
	enum frame_kind kind;
	uint8_t src_mac[6];	/* Ethernet source; for ARP the sender hardware address */
	uint8_t dst_mac[6];
	uint16_t vlan;		/* VLAN id seen, 0 = untagged */
	uint32_t src_ip;	/* IPv4, or ARP sender address */
	uint32_t dst_ip;	/* IPv4, or ARP target address */
	uint16_t src_port;	/* UDP and TCP */
	uint16_t dst_port;
	uint8_t ttl;
	size_t l3_off;		/* offset of the IPv4 or ARP header */
	size_t l4_off;		/* offset of the UDP or ICMP header, 0 for ARP */
	const uint8_t *payload;	/* UDP payload, ICMP message from its header, or ARP message */
	size_t payload_len;
	bool ip_broadcast;	/* 255.255.255.255 or the subnet broadcast */
	bool ip_multicast;	/* 224.0.0.0/4 */
	/* FRAME_ICMP_UNREACH: its code (FRAME_UNREACH_*) and the datagram it
	 * quotes; quoted.src_ip is ours, quoted.dst_* the peer we sent to. */
	uint8_t icmp_code;
	struct frame_quoted {
		uint32_t src_ip;
		uint32_t dst_ip;
		uint16_t src_port;
		uint16_t dst_port;
		uint8_t dst6[16];	/* ipv6: the peer we sent to */
	} quoted;
	bool l4_csum_partial;	/* UDP accepted on its pseudo-header sum alone */
	/* A UDP datagram or unreachable that came over IPv6 (frame6.c
	 * frame6_to_frame_info): src6/dst6 instead of src_ip/dst_ip (0). */
	bool ipv6;
	uint8_t src6[16];
	uint8_t dst6[16];
};

/* fi's source, of either family. */
static inline struct ip_addr
frame_info_src(const struct frame_info *fi)
{
	return fi->ipv6 ? ip_addr_v6(fi->src6) : ip_addr_v4(fi->src_ip);
}

/* The peer an unreachable's quoted datagram went to. */
static inline struct ip_addr
frame_info_quoted_dst(const struct frame_info *fi)
{
	return fi->ipv6 ? ip_addr_v6(fi->quoted.dst6) : ip_addr_v4(fi->quoted.dst_ip);
}

/*
 * The destination unreachable codes (RFC 792, RFC 1812) that say a peer
 * will not take our datagrams: FRAME_ICMP_UNREACH carries only these. Net
 * unreachable and "fragmentation needed" are a route's trouble, not the
 * peer's answer, and stay FRAME_ERR_ICMP.
 */
#define FRAME_UNREACH_HOST 1
#define FRAME_UNREACH_PORT 3
#define FRAME_UNREACH_HOST_PROHIBITED 10
#define FRAME_UNREACH_ADMIN_PROHIBITED 13

/*
 * Classifies one received frame for the interface described by local.
 * Untagged frames and priority-tagged ones (VID 0) count as VLAN 0. On an
 * error, out keeps what was parsed before it (MACs, VLAN, addresses) for the
 * caller's log line; payload points into frame.
 */
enum frame_err frame_classify(const uint8_t *frame, size_t len,
			      const struct frame_local *local, unsigned csum_flags,
			      struct frame_info *out);

/*
 * The ARP reply to a FRAME_ARP_REQUEST; returns the frame length or 0.
 * Replies to ARP and ICMP are zero-padded to 60 bytes (not every PMD pads).
 */
size_t frame_build_arp_reply(uint8_t *out, size_t cap, const struct frame_local *local,
			     const struct frame_info *req);

/*
 * The echo reply to a FRAME_ICMP_ECHO (same id, sequence and data). out may
 * be the request's own buffer.
 */
size_t frame_build_icmp_echo_reply(uint8_t *out, size_t cap, const struct frame_local *local,
				   const struct frame_info *req);

/*
 * Where a UDP datagram goes, and from where: IPv4 (src_ip/dst_ip) or, with
 * ipv6 set, IPv6 (src6/dst6; src_ip/dst_ip unused). ttl is IPv6's hop limit.
 */
struct frame_udp_tx {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint16_t vlan;		/* 0 = untagged */
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t ttl;
	uint16_t ip_id;		/* IPv4: the same id for every fragment of a datagram */
	bool ipv6;
	uint8_t src6[16];
	uint8_t dst6[16];
};

/* Length of the Ethernet(+VLAN)+IPv4/IPv6+UDP headers for this destination. */
size_t frame_udp_header_len(const struct frame_udp_tx *t);

/*
 * Writes Ethernet(+VLAN), IPv4 (with its checksum, DF clear) or IPv6 (no
 * extension header) and UDP headers for a payload of payload_len bytes
 * that the caller places right after them. udp_csum is stored as given
 * (network order; 0 = none, allowed in IPv4 only). Returns the header
 * length, or 0 if cap is too small or the datagram cannot be represented
 * (over 65507 bytes of payload, 65527 over IPv6).
 */
size_t frame_build_udp_header(uint8_t *out, size_t cap, const struct frame_udp_tx *t,
			      size_t payload_len, uint16_t udp_csum);

/*
 * Internet checksum pieces (RFC 1071), for building and verifying.
 * frame_csum_add adds buf to a partial sum (start from 0); a piece of odd
 * length is padded with a zero byte, so pieces may be chained only when all
 * but the last have even length. frame_csum_fold returns the complemented
 * checksum in network order, ready to memcpy into a header; over data that
 * includes a correct checksum field it returns 0.
 */
uint32_t frame_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t frame_csum_fold(uint32_t sum);
/* Pseudo-header sum for UDP over IPv4 (addresses host order). */
uint32_t frame_udp_pseudo_sum(uint32_t src_ip, uint32_t dst_ip, uint16_t udp_len);
/* The pseudo-header sum of a datagram to t, of either family. */
uint32_t frame_udp_tx_pseudo_sum(const struct frame_udp_tx *t, uint16_t udp_len);
/*
 * A received UDP checksum field that holds only the pseudo-header sum
 * (folded, not complemented): what a local kernel sender leaves to an
 * offload that never runs. True only where csum_flags allows it
 * (FRAME_L4_CSUM_PARTIAL_OK); IPv4 and IPv6 alike.
 */
bool frame_udp_csum_is_partial(unsigned csum_flags, uint16_t csum, uint32_t pseudo_sum);

/* A received UDP header and where its payload is. */
struct frame_udp_rx {
	uint16_t src_port;
	uint16_t dst_port;
	const uint8_t *payload;
	size_t payload_len;
	bool csum_partial;	/* accepted on its pseudo-header sum alone */
};

/*
 * Reads the UDP header at udp (len bytes of IP payload) and checks its
 * checksum against addr_sum, the pseudo-header sum without the length
 * (frame_udp_pseudo_sum(src, dst, 0), or IPv6's with length 0), unless
 * csum_flags says the NIC did. csum_required: a zero field (no checksum)
 * is FRAME_ERR_UDP_CSUM (IPv6). FRAME_OK, FRAME_ERR_UDP_LEN or
 * FRAME_ERR_UDP_CSUM; the ports are read whatever the verdict.
 */
enum frame_err frame_udp_read(const uint8_t *udp, size_t len, unsigned csum_flags,
			      uint32_t addr_sum, bool csum_required, struct frame_udp_rx *out);
/*
 * The UDP checksum (network order, never 0) of a contiguous payload sent as
 * t describes: the udp_csum argument of frame_build_udp_header.
 */
uint16_t frame_udp_csum(const struct frame_udp_tx *t, const void *payload,
			size_t payload_len);

/*
 * A TCP segment (tcp, len bytes: header and payload; addresses host order)
 * from a local kernel sender on a kernel-shared port carries only its
 * pseudo-header sum, as UDP's do (classify_udp). Handed to a kernel (the
 * HTTP Boot tap) it would be dropped: completes the checksum in place when
 * the field is exactly that sum. True when it wrote one; a complete or a
 * really bad checksum is left as it is.
 */
bool frame_tcp_complete_partial(uint8_t *tcp, size_t len, uint32_t src_ip, uint32_t dst_ip);

/* The Ethernet address of an IPv4 multicast group (01:00:5e + low 23 bits). */
void frame_multicast_mac(uint32_t group, uint8_t ret_mac[6]);

#endif /* PXELINE_PROTO_FRAME_H */
