/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building UDP frames into mbufs: small replies (OACK, ERROR) and DATA
 * whose payload comes from cache chunks, IP-fragmented when the datagram
 * is larger than the interface MTU (blksize 8192/16384 on a 1500 MTU, as
 * Windows boot manager asks).
 */
#ifndef PXELINE_DATAPLANE_CORE_TX_H
#define PXELINE_DATAPLANE_CORE_TX_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/frame.h"

struct cache_chunk;
struct lcore;

/* A piece of payload: up to three (TFTP header, then file bytes across
 * at most two chunks). */
struct tx_piece {
	const uint8_t *p;
	size_t len;
	struct cache_chunk *chunk;	/* p lies in this chunk: may be attached, not copied */
};

/*
 * Addresses a datagram from the port's own MAC/address/VLAN to dst of
 * either family (TTL / hop limit 64): the one place a UDP header's fields
 * are filled. IPv6 goes from the port's link-local address to a link-local
 * dst (fe80::/10: DHCPv6 clients), else from interfaces[].address6.
 *
 *   tx_udp_addr(lc, port, mac, ip_addr_v6(client), 547, 546, &t);
 *   tx_udp(lc, port, &t, &(struct tx_piece){ reply, len, NULL }, 1);
 */
void tx_udp_addr(const struct lcore *lc, int port_idx, const uint8_t dst_mac[6],
		 struct ip_addr dst, uint16_t src_port, uint16_t dst_port,
		 struct frame_udp_tx *ret);

/*
 * Sends one UDP datagram made of pieces on port port_idx, fragmenting it to
 * the port's MTU: IPv4 fragments (the id is assigned here), or over IPv6
 * (t->ipv6) a Fragment header in each frame (RFC 8200 4.5: the id from a
 * per-lcore counter, offsets in 8-byte units, the UDP header in the first).
 * The UDP checksum covers the whole datagram, from the chunks' sums.
 * Returns the number of frames queued, or -1 when mbufs ran out (counted;
 * nothing is queued then).
 */
int tx_udp(struct lcore *lc, int port_idx, const struct frame_udp_tx *t,
	   const struct tx_piece *pieces, int n_pieces);

/* Sends a frame built in buf (ARP, ICMP replies). */
int tx_frame(struct lcore *lc, int port_idx, const uint8_t *buf, size_t len);

#endif /* PXELINE_DATAPLANE_CORE_TX_H */
