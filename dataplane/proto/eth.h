/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Ethernet (+ one 802.1Q tag) header, read and written through the
 * bounded cursor: shared by the IPv4 (frame.c) and IPv6 (frame6.c) codecs.
 */
#ifndef PXELINE_PROTO_ETH_H
#define PXELINE_PROTO_ETH_H

#include <stdint.h>

#include "dataplane/proto/wire.h"

#define ETH_TYPE_VLAN 0x8100
#define ETH_VLAN_VID_MASK 0x0fff

struct eth_hdr {
	const uint8_t *dst;	/* into the frame; NULL when it was too short */
	const uint8_t *src;
	uint16_t vlan;		/* VID seen, 0 untagged (a priority tag counts as 0) */
	uint16_t type;		/* after the tag */
};

/* Reads the header; wire_ok(w) says whether it was all there. */
static inline void
eth_read(struct wire *w, struct eth_hdr *h)
{
	h->dst = wire_take(w, 6);
	h->src = wire_take(w, 6);
	h->vlan = 0;
	h->type = wire_be16(w);
	if (h->type == ETH_TYPE_VLAN) {
		h->vlan = wire_be16(w) & ETH_VLAN_VID_MASK;
		h->type = wire_be16(w);
	}
}

/* Writes a header, tagged (priority 0) when vlan is not 0. */
static inline void
eth_write(struct wire *w, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
	  uint16_t type)
{
	wire_put_bytes(w, dst, 6);
	wire_put_bytes(w, src, 6);
	if (vlan) {
		wire_put_be16(w, ETH_TYPE_VLAN);
		wire_put_be16(w, vlan);
	}
	wire_put_be16(w, type);
}

#endif /* PXELINE_PROTO_ETH_H */
