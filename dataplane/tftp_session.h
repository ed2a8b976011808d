/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TFTP transfers of one worker: one struct per transfer, one way out
 * (tftp_session_end), states changed in one setter. The protocol decisions
 * are in proto/ (tftp_packet, tftp_window, path); this file is the glue
 * between them, the cache and the wire.
 */
#ifndef PXELINE_DATAPLANE_TFTP_SESSION_H
#define PXELINE_DATAPLANE_TFTP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dataplane/cache.h"
#include "dataplane/proto/frame.h"

struct worker;

#define TFTP_PORT 69

/* Creates the worker's session table; 0 or -errno. */
int tftp_table_create(struct worker *w);
void tftp_table_destroy(struct worker *w);

/*
 * True for a read request asking RFC 2090 multicast while multicast is on:
 * one worker (0) streams each file, so such requests all go there.
 */
bool tftp_request_wants_multicast(const struct worker *w, const struct frame_info *fi);

/* A datagram to port 69: RRQ (or a refused WRQ). */
void tftp_on_request(struct worker *w, int port_idx, const struct frame_info *fi);

/* A datagram to any other port: a session's ACK or ERROR, or a stray. */
void tftp_on_packet(struct worker *w, int port_idx, const struct frame_info *fi);

/* An answer from the feeder (file opened, chunk present). */
void tftp_on_cache_done(struct worker *w, const struct cache_done *d);

/* Fires due retransmission timers, at most budget of them. */
void tftp_run_timers(struct worker *w, unsigned budget);

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
bool tftp_session_adopt(struct worker *w, const struct tftp_adopt *a);

/* Ends every session (engine stopping). */
void tftp_shutdown(struct worker *w);

/* The worker that owns server port `port`, or -1 if no session port. */
int tftp_tid_owner(const struct worker *w, uint16_t port);

/*
 * One line per open session, for `pxectl sessions`. Called from the control
 * thread without locks: a snapshot, where a line may be a transfer that
 * ended a moment ago.
 */
void tftp_sessions_dump(const struct worker *w, FILE *out);

/* Sessions open now on this worker. */
uint32_t tftp_active(const struct worker *w);

#endif /* PXELINE_DATAPLANE_TFTP_SESSION_H */
