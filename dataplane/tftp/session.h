/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unicast TFTP transfers of one worker: one struct per transfer, one way
 * out (tftp_session_end), states changed in one setter. The protocol
 * decisions are in proto/ (tftp_packet, tftp_window); the wire is
 * tftp/xmit.h; what reaches a session is sorted by tftp/rx.c.
 */
#ifndef PXELINE_DATAPLANE_TFTP_SESSION_H
#define PXELINE_DATAPLANE_TFTP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"

/* Creates the worker's session table; 0 or -errno. */
int tftp_table_create(struct lcore *lc);
void tftp_table_destroy(struct lcore *lc);

/* The worker that owns unicast server port `port`, or -1 if none does. */
int tftp_session_owner(const struct lcore *lc, uint16_t port);

/* A retransmitted RRQ from a client with a live session: handled (true). */
bool tftp_session_on_dup_rrq(struct lcore *lc, const struct frame_info *fi);

/* A valid RRQ (octet, path canonical): opens a session or refuses (busy). */
void tftp_session_open(struct lcore *lc, int port_idx, const struct frame_info *fi,
		       const struct tftp_packet *pkt, const char *path);

/* A datagram to a session's port: false when it is no session's. */
bool tftp_session_on_packet(struct lcore *lc, const struct frame_info *fi);

/*
 * An ICMP unreachable quoting a datagram of ours (FRAME_ICMP_UNREACH): the
 * session it names ends at once, silently. False when it names none.
 */
bool tftp_session_on_unreachable(struct lcore *lc, const struct frame_info *fi);

/* An answer from the feeder (file opened, chunk present) for a session. */
void tftp_session_on_cache_done(struct lcore *lc, const struct cache_done *d);

/* Fires due retransmission timers, at most budget of them. */
void tftp_session_run_timers(struct lcore *lc, unsigned budget);

/*
 * A receiver leaving a multicast group mid-file: the rest goes to it by
 * unicast, from the group's server port (its TID), starting after block
 * `acked`, lock-step. The session takes its own reference on `file`.
 */
struct tftp_adopt {
	int port_idx;
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	uint16_t server_port;
	uint32_t blksize;
	uint64_t acked;			/* absolute blocks the client holds */
	uint64_t known_max;		/* highest block the group sent */
	struct cache_file *file;
	const char *path;
};

/* True when the session took over; false (busy) leaves the caller to refuse. */
bool tftp_session_adopt(struct lcore *lc, const struct tftp_adopt *a);

/* Ends every session (engine stopping). */
void tftp_session_shutdown(struct lcore *lc);

/*
 * One line per open session, for `pxectl sessions`. Called from the control
 * thread without locks: a snapshot, where a line may be a transfer that
 * ended a moment ago.
 */
void tftp_sessions_dump(const struct lcore *lc, FILE *out);

#endif /* PXELINE_DATAPLANE_TFTP_SESSION_H */
