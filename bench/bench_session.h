/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One tftpbench client transfer as a plain state machine (RFC 1350, 2347,
 * 2348, 2349, 7440 and Microsoft's msftwindow).
 *
 * Bytes in, plan out: the engine hands in each datagram with its source
 * port and the current time, and the session says whether to send its
 * tx buffer. No sockets, no clocks, so the unit tests drive it with
 * crafted server packets.
 */
#ifndef PXELINE_BENCH_SESSION_H
#define PXELINE_BENCH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/bench_mcast.h"

#define BENCH_TX_MAX 768	/* RRQ with a 255-byte name and all options */
#define BENCH_MAX_TIMEOUTS 5	/* consecutive timeouts before giving up */
#define BENCH_MSFT_WINDOW_MAX 64 /* the adaptive window's ceiling */
#define BENCH_MSFT_WINDOW_START 4
#define BENCH_ERRMSG_MAX 128
/* A multicast listener sends nothing: it gives up only after this many
 * RTOs without any group traffic (pxeline replaces a silent master after
 * 3 of its own, atftp's listeners wait 5 x 5 s). */
#define BENCH_MC_LISTEN_TIMEOUTS 25

/* Why a transfer ended (or that it has not). */
enum bench_err {
	BENCH_OK = 0,
	BENCH_ERR_RUNNING,	/* not finished yet */
	BENCH_ERR_SERVER,	/* the server sent ERROR */
	BENCH_ERR_TIMEOUT,	/* BENCH_MAX_TIMEOUTS timeouts in a row */
	BENCH_ERR_VERIFY,	/* a byte differs from the reference */
	BENCH_ERR_SIZE,		/* size differs from the reference or tsize */
	BENCH_ERR_OACK,		/* the OACK granted something we did not ask */
	BENCH_ERR_PROTO,	/* an unparseable or unexpected packet */
	BENCH_ERR_DURATION,	/* --duration-limit expired */
	BENCH_ERR_SOCKET,	/* the engine could not send or receive */
	BENCH_ERR__MAX,
};

const char *bench_strerror(enum bench_err e);

enum bench_state {
	BENCH_ST_IDLE,		/* not started */
	BENCH_ST_WAIT_FIRST,	/* RRQ sent, waiting for OACK or DATA 1 */
	BENCH_ST_RECEIVING,	/* DATA flowing */
	BENCH_ST_DONE,		/* final block ACKed, all verified */
	BENCH_ST_FAILED,	/* see err */
};

/* What a client asks for; options are sent only when set. */
struct bench_request {
	const char *filename;
	uint16_t server_port;	/* where the RRQ goes (69) */
	uint32_t blksize;	/* 0: do not send blksize */
	uint32_t windowsize;	/* 0: do not send windowsize */
	uint32_t timeout_s;	/* 0: do not send timeout */
	bool tsize;		/* send tsize=0 */
	bool msftwindow;	/* send msftwindow=31416 */
	bool multicast;		/* send multicast="" (RFC 2090) */
	uint64_t rto_ns;	/* client retransmission timeout */
	const uint8_t *ref;	/* --verify reference, or NULL */
	uint64_t ref_len;
};

struct bench_session {
	const struct bench_request *req; /* shared, owned by the caller */
	enum bench_state state;
	enum bench_err err;
	char errmsg[BENCH_ERRMSG_MAX];	/* detail for the CSV */

	uint16_t peer_port;	/* server TID, 0 until the first reply */
	uint32_t blksize;	/* in force: granted, or 512 */
	uint32_t windowsize;	/* blocks per window the server sends now */
	bool msft;		/* msftwindow granted: ACKs carry a next-window byte */
	bool oack_seen;
	uint64_t tsize;		/* from the OACK; 0 when not given */
	bool has_tsize;

	uint64_t next;		/* absolute number of the next in-order block */
	uint64_t bytes;		/* in-order payload received */
	uint32_t in_window;	/* blocks received since our last ACK */
	bool gap_acked;		/* a gap ACK was sent, waiting for the resend */
	bool window_clean;	/* no loss seen in this window (msftwindow) */

	uint64_t deadline_ns;	/* when to retransmit tx */
	uint32_t timeouts_row;	/* consecutive timeouts */
	uint64_t start_ns;
	uint64_t end_ns;

	/* counters */
	uint32_t timeouts;	/* RTO expiries */
	uint32_t retransmits;	/* RRQs and ACKs we sent again */
	uint32_t dup_blocks;	/* old blocks received (server resent) */
	uint32_t gaps;		/* out-of-order arrivals that caused a gap ACK */
	uint32_t wrong_tid;	/* packets from another port, ignored */

	/* RFC 2090: set when the OACK named a group */
	bool mc;		/* in a group: blocks come out of order */
	bool mc_master;		/* mc=1: we ACK our prefix */
	uint32_t mc_group;	/* group address, host order */
	uint16_t mc_port;	/* group port */
	struct bench_mc_rx mc_rx;	/* blocks held; bench_session_release() */
	uint64_t mc_size;	/* file size when known (tsize, reference) */
	uint32_t mc_turns;	/* times we were named master */
	uint64_t mc_group_bytes;	/* DATA payload via the group, dups included */
	uint64_t mc_unicast_bytes;	/* DATA payload sent to us alone */

	uint8_t tx[BENCH_TX_MAX];	/* last packet sent, for retransmission */
	size_t tx_len;
};

/* Prepares a session; nothing is sent until bench_session_start(). */
void bench_session_init(struct bench_session *s, const struct bench_request *req);

/* Frees what a multicast transfer allocated; the session is spent. */
void bench_session_release(struct bench_session *s);

/* Builds the RRQ into s->tx; returns true when it must be sent. */
bool bench_session_start(struct bench_session *s, uint64_t now_ns);

/*
 * A datagram from the server's address arrived from src_port. Returns true
 * when s->tx (s->tx_len bytes) must be sent to bench_session_dest_port().
 * The transfer may have ended: check bench_session_finished().
 */
bool bench_session_on_packet(struct bench_session *s, uint64_t now_ns,
			     uint16_t src_port, const uint8_t *buf, size_t len);

/*
 * A datagram from the server's address arrived on the group socket of
 * this session's group (s->mc). Same contract as bench_session_on_packet();
 * only DATA counts there.
 */
bool bench_session_on_group(struct bench_session *s, uint64_t now_ns,
			    uint16_t src_port, const uint8_t *buf, size_t len);

/* The deadline passed: returns true when s->tx must be sent again. */
bool bench_session_on_timeout(struct bench_session *s, uint64_t now_ns);

/*
 * Ends a running transfer from outside (duration limit, socket error).
 * Returns true when s->tx holds an ERROR for the server (its TID is known).
 */
bool bench_session_abort(struct bench_session *s, uint64_t now_ns,
			 enum bench_err err, const char *msg);

static inline bool
bench_session_finished(const struct bench_session *s)
{
	return s->state == BENCH_ST_DONE || s->state == BENCH_ST_FAILED;
}

/* Where tx goes: the server's TID once known, else the request port. */
static inline uint16_t
bench_session_dest_port(const struct bench_session *s)
{
	return s->peer_port ? s->peer_port : s->req->server_port;
}

#endif /* PXELINE_BENCH_SESSION_H */
