/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one TFTP send path, shared by unicast sessions (session.c) and
 * multicast groups (group.c, mtftp.c): DATA blocks built straight from the
 * chunk cache (a block may straddle two chunks), ERRORs and small packets,
 * the block size an interface can carry, the feeder tokens, and what a
 * feeder error means for a transfer.
 */
#ifndef PXELINE_DATAPLANE_TFTP_XMIT_H
#define PXELINE_DATAPLANE_TFTP_XMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/base/events.h"
#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"

/* The bytes a transfer sends: its file version and the chunk it is in. */
struct tftp_source {
	struct cache_file *file;	/* the version, one reference held */
	struct cache_chunk *chunk;	/* chunk of the last block sent, held */
};

/* Drops what src holds (chunk, then file). */
void tftp_source_release(struct tftp_source *src);

enum tftp_xmit {
	TFTP_XMIT_SENT,		/* queued to every destination that took it */
	TFTP_XMIT_WAIT,		/* a chunk is missing: asked; the feeder's answer resumes */
	TFTP_XMIT_RETRY,	/* missing, and the feeder's ring is full: try again soon */
	TFTP_XMIT_NO_MBUF,	/* nothing queued */
};

/*
 * Sends DATA (wire block number wire_block, payload [off, off + len) of
 * src's file) on port_idx to each of the n_dst addresses in order. A missing chunk is
 * asked of the feeder under token. *ret_sent counts the destinations that
 * took the datagram (TFTP_XMIT_SENT: at least the last one did).
 */
enum tftp_xmit tftp_xmit_data(struct lcore *lc, int port_idx, struct tftp_source *src,
			      uint64_t token, uint16_t wire_block, uint64_t off, uint32_t len,
			      const struct frame_udp_tx *dsts, unsigned n_dst, unsigned *ret_sent);

/* Sends a small packet built in buf (OACK). True when queued. */
bool tftp_xmit_packet(struct lcore *lc, int port_idx, const struct frame_udp_tx *dst,
		      const uint8_t *buf, size_t len);

/* The one way to send a TFTP ERROR (counted in tftp_errors_sent). */
bool tftp_xmit_error(struct lcore *lc, int port_idx, const struct frame_udp_tx *dst,
		     uint16_t code, const char *msg);

/*
 * Refuses a request that never got a session: ERROR from src_port (69, or
 * the MTFTP port) to whoever sent fi, and a LOG_TFTP_REFUSED event.
 */
void tftp_refuse(struct lcore *lc, int port_idx, const struct frame_info *fi, uint16_t src_port,
		 const char *name, size_t name_len, uint16_t code, const char *msg);

/*
 * Refuses a request for want of a session slot: the ERROR as tftp_refuse,
 * but one log line a second at most (a full table under a flood refuses
 * thousands a second; the counter has them all).
 */
void tftp_refuse_busy(struct lcore *lc, int port_idx, const struct frame_info *fi,
		      const char *msg);

/* The largest block port_idx can carry: tftp.blksize_max, and the MTU
 * (less IPv6's longer header when ipv6) unless tftp.allow_fragments. */
uint32_t tftp_blksize_limit(const struct lcore *lc, int port_idx, bool ipv6);

/*
 * How a feeder error ends a transfer (counted: not found, refused path,
 * busy, stale); the one mapping for sessions and groups.
 */
enum tftp_end_reason tftp_end_of_cache_err(struct lcore *lc, enum cache_err e);

/*
 * Feeder tokens: slot and generation of a session or group; groups have
 * bit 63 set, so an answer finds its owner kind without a lookup.
 */
#define TFTP_TOKEN_GROUP (1ull << 63)

static inline uint64_t
tftp_token(bool group, uint32_t gen, uint32_t slot)
{
	return (group ? TFTP_TOKEN_GROUP : 0) | (uint64_t)(gen & 0x7fffffffu) << 32 | slot;
}

static inline uint32_t
tftp_token_slot(uint64_t token)
{
	return (uint32_t)token;
}

static inline uint32_t
tftp_token_gen(uint64_t token)
{
	return (uint32_t)(token >> 32) & 0x7fffffffu;
}

#endif /* PXELINE_DATAPLANE_TFTP_XMIT_H */
