/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 header (RFC 8200 3), its Fragment extension header (4.5) and
 * the upper-layer pseudo-header sum (8.1), written through the bounded
 * cursor: shared by the UDP (frame.c) and ICMPv6 (frame6.c) codecs and by
 * the send path's fragments (core/tx.c).
 */
#ifndef PXELINE_PROTO_IPV6_HDR_H
#define PXELINE_PROTO_IPV6_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/wire.h"

#define IPV6_ETHERTYPE 0x86dd
#define IPV6_HDR_LEN 40
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_NH_HOP_BY_HOP 0
#define IPV6_NH_UDP 17
#define IPV6_NH_ROUTING 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_ICMPV6 58
#define IPV6_NH_NONE 59
#define IPV6_NH_DEST_OPTS 60
#define IPV6_DEFAULT_HOP_LIMIT 64
#define IPV6_FRAG_MORE 0x0001	/* M flag, in the offset word */

/* The fixed header: traffic class and flow label 0. */
static inline void
ipv6_write_header(struct wire *w, uint16_t payload_len, uint8_t next_header,
		  uint8_t hop_limit, const uint8_t src[16], const uint8_t dst[16])
{
	wire_put_be32(w, 6u << 28);
	wire_put_be16(w, payload_len);
	wire_put_u8(w, next_header);
	wire_put_u8(w, hop_limit);
	wire_put_bytes(w, src, 16);
	wire_put_bytes(w, dst, 16);
}

/*
 * A Fragment header: offset in bytes of the fragmentable part (a multiple
 * of 8 but in the last fragment's case too: RFC 8200 4.5 counts 8-byte
 * units), more when fragments follow, id the same in all of a datagram's.
 */
static inline void
ipv6_write_frag(struct wire *w, uint8_t next_header, size_t offset, bool more, uint32_t id)
{
	wire_put_u8(w, next_header);
	wire_put_u8(w, 0);
	wire_put_be16(w, (uint16_t)((offset & ~(size_t)7) | (more ? IPV6_FRAG_MORE : 0)));
	wire_put_be32(w, id);
}

/*
 * The pseudo-header's partial sum (add the upper-layer bytes to it, fold
 * with frame_csum_fold): addresses, 32-bit length, next header. The
 * addresses are summed as big-endian 16-bit words, as frame_csum_add does.
 */
static inline uint32_t
ipv6_pseudo_sum(const uint8_t src[16], const uint8_t dst[16], uint32_t len, uint8_t nh)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	return sum + (len >> 16) + (len & 0xffff) + nh;
}

#endif /* PXELINE_PROTO_IPV6_HDR_H */
