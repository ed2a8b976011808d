/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What session.c (a transfer's life) and session_table.c (where sessions
 * live: slots, the lookup by client, server ports) share, and nothing else
 * includes.
 */
#ifndef PXELINE_DATAPLANE_TFTP_SESSION_INTERNAL_H
#define PXELINE_DATAPLANE_TFTP_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/core/lcore.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/tftp_rtt.h"
#include "dataplane/proto/tftp_window.h"
#include "dataplane/proto/timer_wheel.h"
#include "dataplane/tftp/xmit.h"

enum tftp_state {
	TS_FREE,
	TS_OPENING,	/* waiting for the feeder to open the file */
	TS_SENDING,	/* part of a plan is unsent: waiting for a chunk */
	TS_WAIT_ACK,	/* everything planned is sent; timer armed */
	TS__MAX,
};

/* One transfer. Kept under 512 bytes: 100k of them fit in 50 MB. */
struct tftp_session {
	struct tw_node timer;		/* retransmission timer (first member) */
	uint32_t slot;			/* index in the table */
	uint32_t gen;			/* bumped on reuse: stale feeder answers miss */
	uint8_t state;			/* enum tftp_state, set by tftp_set_state */
	uint8_t port_idx;		/* interface the request came in on */
	uint8_t retries;		/* timeouts since the last new ACK */
	uint8_t max_retries;		/* tftp.retries at open: a reload does not move it */
	uint8_t send_oack;		/* the plan starts with the OACK */
	uint8_t open_queued;		/* TS_OPENING: the open is on the feeder's ring */
	uint8_t capped;			/* first packet sent twice, unanswered: silent now */
	uint8_t client_mac[6];		/* replies go back to this L2 address */
	uint16_t client_port;
	uint16_t server_port;		/* our TID */
	uint16_t last_error;		/* wire code sent or received at the end */
	uint32_t rto_ms;		/* a negotiated (fixed) retransmission timeout */
	struct ip_addr client;		/* IPv4 (mapped) or IPv6 */
	struct tftp_source src;		/* the file version and chunk under send_cur, held */
	struct tftp_window win;		/* proto/tftp_window.h */
	struct tftp_options req;	/* options as the client asked */
	struct tftp_options granted;	/* options in our OACK */
	uint64_t send_cur;		/* next block of the plan to send */
	uint64_t send_end;		/* one past the plan's last block */
	uint64_t start_ms;
	uint64_t progress_ms;		/* last new ACK, or the first send: the give-up clock */
	struct tftp_rtt rtt;		/* our own timer and the ACK it times (proto/tftp_rtt.h) */
	uint32_t retransmits;
	uint32_t timeouts;
	char name[128];			/* canonical path (truncated), for the log */
};

/* 100k sessions per lcore must stay cheap (issue: <= 512 bytes each). */
_Static_assert(sizeof(struct tftp_session) <= 512, "tftp_session grew past 512 bytes");

struct tftp_key {
	struct ip_addr ip;		/* either family: IPv4 mapped */
	uint16_t port;
	uint16_t pad;
};

struct tftp_table {
	struct rte_hash *by_client;	/* (client address, port) -> slot */
	struct tftp_session *s;		/* max sessions */
	uint32_t *free;			/* stack of free slots */
	uint32_t n_free;
	uint32_t max;
	uint32_t active;
	uint16_t tid_base;		/* this worker's server ports */
	uint16_t tid_count;
};

static inline void
tftp_set_state(struct tftp_session *s, enum tftp_state st)
{
	s->state = st;
}

static inline uint64_t
tftp_session_token(const struct tftp_session *s)
{
	return tftp_token(false, s->gen, s->slot);
}

/* The session of client ip:port, or NULL. */
struct tftp_session *tftp_lookup(struct lcore *lc, const struct ip_addr *ip, uint16_t port);

/* The session a feeder answer's token names, NULL if it ended meanwhile. */
struct tftp_session *tftp_from_token(struct lcore *lc, uint64_t token);

/*
 * A free slot for client ip:port, its transfer fields reset and a server
 * port chosen; NULL when the table is full.
 */
struct tftp_session *tftp_session_alloc(struct lcore *lc, int port_idx,
					const struct ip_addr *client, uint16_t client_port,
					const uint8_t client_mac[6]);

/* Gives the slot back (tftp_session_end's last step). */
void tftp_session_free(struct lcore *lc, struct tftp_session *s);

#endif /* PXELINE_DATAPLANE_TFTP_SESSION_INTERNAL_H */
