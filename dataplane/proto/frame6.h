/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet (+802.1Q) / IPv6 / ICMPv6 / UDP: just enough for the engine to
 * own an IPv6 address on a link (RFC 4861 neighbour discovery, RFC 4862
 * duplicate address detection, echo), to tell a router solicitation that
 * no router is coming, and to take UDP datagrams (TFTP, DHCPv6) and the
 * ICMPv6 unreachables that answer ours. Classifies a received frame and
 * builds the few ICMPv6 frames the engine sends (UDP is frame.h's
 * frame_build_udp_header). No DPDK, no I/O; checksums from frame.h.
 *
 * Addresses are 16 bytes in network order, as on the wire.
 */
#ifndef PXELINE_PROTO_FRAME6_H
#define PXELINE_PROTO_FRAME6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/frame.h"

#define FRAME6_IPV6_LEN 40
#define FRAME6_ND_HOP_LIMIT 255	/* RFC 4861: ND messages are sent with 255 and received only so */

/* NA flags (RFC 4861 4.4), in the byte after the checksum. */
#define FRAME6_NA_ROUTER 0x80
#define FRAME6_NA_SOLICITED 0x40
#define FRAME6_NA_OVERRIDE 0x20

enum frame6_kind {
	FRAME6_ECHO_REQUEST,	/* ICMPv6 echo request */
	FRAME6_NS,		/* neighbour solicitation */
	FRAME6_NA,		/* neighbour advertisement */
	FRAME6_RS,		/* router solicitation */
	FRAME6_UDP,		/* a UDP datagram (checksum verified) */
	FRAME6_UNREACH,		/* destination unreachable quoting a UDP datagram */
};

enum frame6_err {
	FRAME6_OK = 0,
	FRAME6_ERR_SHORT,	/* shorter than the headers it claims */
	FRAME6_ERR_ETHERTYPE,	/* not IPv6 */
	FRAME6_ERR_VLAN,	/* tagged for another VLAN, or untagged when we want a tag */
	FRAME6_ERR_VERSION,	/* version field is not 6 */
	FRAME6_ERR_PAYLOAD_LEN,	/* payload length beyond the frame (0: jumbogram) */
	FRAME6_ERR_SRC,		/* source multicast */
	FRAME6_ERR_EXT_HDR,	/* an extension header we do not walk (AH, ESP, a live routing header ...) */
	FRAME6_ERR_PROTO,	/* not ICMPv6 */
	FRAME6_ERR_ICMP_SHORT,	/* ICMPv6 shorter than its message */
	FRAME6_ERR_CSUM,	/* bad ICMPv6 checksum */
	FRAME6_ERR_ICMP_TYPE,	/* an ICMPv6 type we do not serve (RA, MLD, errors ...) */
	FRAME6_ERR_ICMP_CODE,	/* code not 0 */
	FRAME6_ERR_ND_HOP_LIMIT,	/* ND message with hop limit other than 255 */
	FRAME6_ERR_ND_TARGET,	/* NS/NA target multicast */
	FRAME6_ERR_ND_OPTION,	/* option of length 0 or past the message */
	FRAME6_ERR_ND_SLLA,	/* source link-layer option from the unspecified source */
	FRAME6_ERR_ND_DST,	/* DAD NS not to a solicited-node group; solicited NA to a group */
	FRAME6_ERR_FRAGMENT,	/* a fragment: requests never need them, none is reassembled */
	FRAME6_ERR_UDP_LEN,	/* UDP length below 8 or beyond the payload */
	FRAME6_ERR_UDP_CSUM,	/* bad UDP checksum, or none (RFC 8200 8.1: zero is refused) */
	FRAME6_ERR_UNREACH,	/* an unreachable whose code or quote we do not act on */
	FRAME6_ERR__MAX,
};

const char *frame6_strerror(enum frame6_err e);

struct frame6_info {
	enum frame6_kind kind;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint16_t vlan;		/* VLAN id seen, 0 = untagged */
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t hop_limit;
	size_t l3_off;		/* the IPv6 header */
	size_t l4_off;		/* the ICMPv6 header, after any hop-by-hop header */
	const uint8_t *icmp;	/* the ICMPv6 message from its type byte */
	size_t icmp_len;
	uint8_t target[16];	/* NS, NA */
	uint8_t na_flags;	/* NA: FRAME6_NA_* */
	bool has_lladdr;	/* NS/RS: source link-layer option; NA: target's */
	uint8_t lladdr[6];
	/* FRAME6_UDP */
	uint16_t src_port;
	uint16_t dst_port;
	const uint8_t *payload;	/* the UDP payload */
	size_t payload_len;
	bool l4_csum_partial;	/* accepted on its pseudo-header sum alone */
	/* FRAME6_UNREACH: its code (RFC 4443 3.1) and the datagram it quotes;
	 * quoted.src should be ours, quoted.dst the peer we sent to. */
	uint8_t icmp_code;
	struct {
		uint8_t src[16];
		uint8_t dst[16];
		uint16_t src_port;
		uint16_t dst_port;
	} quoted;
};

/* ICMPv6 destination unreachable codes that say the peer takes no more. */
#define FRAME6_UNREACH_ADMIN 1
#define FRAME6_UNREACH_ADDR 3
#define FRAME6_UNREACH_PORT 4

/* True when frame's ethertype (after one 802.1Q tag) is IPv6. */
bool frame6_is_ipv6(const uint8_t *frame, size_t len);

/*
 * Classifies one received frame for an interface on VLAN vlan (0 =
 * untagged; a priority tag counts as 0). Checks what RFC 8200 and RFC 4861
 * 7.1 / 6.1.1 ask of the message; whether the destination is ours is the
 * caller's (it knows its addresses and their state). Hop-by-hop (first),
 * destination options and a spent routing header (segments left 0) are
 * skipped; a fragment is FRAME6_ERR_FRAGMENT. csum_flags (frame.h
 * FRAME_L4_CSUM_*) says what the NIC verified of a UDP checksum and whether
 * a kernel sender's partial one passes. On an error, out keeps what was
 * parsed before it.
 */
enum frame6_err frame6_classify(const uint8_t *frame, size_t len, uint16_t vlan,
				unsigned csum_flags, struct frame6_info *out);

/*
 * A FRAME6_UDP or FRAME6_UNREACH as the IPv4 path's frame_info (ipv6 set,
 * src6/dst6, the unreachable's code as FRAME_UNREACH_*), so one UDP
 * dispatch serves both families. False for any other kind.
 */
bool frame6_to_frame_info(const struct frame6_info *in, struct frame_info *out);

/* Where a built frame goes, and from where. */
struct frame6_tx {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint16_t vlan;		/* 0 = untagged */
	uint8_t src[16];
	uint8_t dst[16];
};

/*
 * A neighbour advertisement for target with flags (FRAME6_NA_*) and the
 * target link-layer option tlla. Returns the frame length, or 0.
 */
size_t frame6_build_na(uint8_t *out, size_t cap, const struct frame6_tx *t,
		       const uint8_t target[16], uint8_t flags, const uint8_t tlla[6]);

/*
 * A neighbour solicitation for target; slla NULL for DAD (RFC 4862 5.4.2:
 * from ::, no source link-layer option). Returns the frame length, or 0.
 */
size_t frame6_build_ns(uint8_t *out, size_t cap, const struct frame6_tx *t,
		       const uint8_t target[16], const uint8_t *slla);

/*
 * A router advertisement that configures nothing: router lifetime 0 (not a
 * default router), M and O clear (no DHCPv6), no prefix information, only
 * the source link-layer option. t->src must be link-local (RFC 4861 6.1.2).
 * A host's autoconfiguration ends on it (iPXE's ipv6conf finishes on the
 * first solicited RA without M/O). Returns the frame length, or 0.
 */
size_t frame6_build_ra_none(uint8_t *out, size_t cap, const struct frame6_tx *t,
			    const uint8_t slla[6]);

/*
 * The echo reply to a FRAME6_ECHO_REQUEST (same identifier, sequence and
 * data; hop limit 64). out may be the request's own buffer.
 */
size_t frame6_build_echo_reply(uint8_t *out, size_t cap, const struct frame6_tx *t,
			       const struct frame6_info *req);

/* The ICMPv6 checksum (network order) of msg from src to dst (RFC 8200 8.1). */
uint16_t frame6_icmp_csum(const uint8_t src[16], const uint8_t dst[16], const void *msg,
			  size_t len);

/* ff02::1:ffXX:XXXX for addr (RFC 4291 2.7.1). */
void frame6_solicited_node(const uint8_t addr[16], uint8_t ret[16]);
/* 33:33 + the group's low 32 bits (RFC 2464 7). */
void frame6_multicast_mac(const uint8_t group[16], uint8_t ret_mac[6]);
/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 2.5.1, appendix A). */
void frame6_link_local(const uint8_t mac[6], uint8_t ret[16]);

bool frame6_is_unspecified(const uint8_t a[16]);
bool frame6_is_multicast(const uint8_t a[16]);

/* ff02::1, the all-nodes group. */
extern const uint8_t frame6_all_nodes[16];

#endif /* PXELINE_PROTO_FRAME6_H */
