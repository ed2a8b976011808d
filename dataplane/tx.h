/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building UDP frames into mbufs: small replies (OACK, ERROR) and DATA
 * whose payload comes from cache chunks, IP-fragmented when the datagram
 * is larger than the interface MTU (blksize 8192/16384 on a 1500 MTU, as
 * Windows boot manager asks).
 */
#ifndef PXELINE_DATAPLANE_TX_H
#define PXELINE_DATAPLANE_TX_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/frame.h"

struct cache_chunk;
struct worker;

/* A piece of payload: up to three (TFTP header, then file bytes across
 * at most two chunks). */
struct tx_piece {
	const uint8_t *p;
	size_t len;
	struct cache_chunk *chunk;	/* p lies in this chunk: may be attached, not copied */
};

#define TX_MAX_PIECES 4

/*
 * Sends one UDP datagram made of pieces on port port_idx, fragmenting it to
 * the port's MTU. Returns the number of frames queued, or -1 when mbufs ran
 * out (counted; nothing is queued then).
 */
int tx_udp(struct worker *w, int port_idx, const struct frame_udp_tx *t,
	   const struct tx_piece *pieces, int n_pieces);

/* Sends a frame built in buf (ARP, ICMP replies). */
int tx_frame(struct worker *w, int port_idx, const uint8_t *buf, size_t len);

#endif /* PXELINE_DATAPLANE_TX_H */
