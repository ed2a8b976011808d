/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One RFC 2090 multicast group session: one file version streamed to a
 * group address, as a plain state machine (no DPDK, no clock, no I/O).
 *
 * RFC 2090 in short: every receiver asked the "multicast" option and got an
 * OACK "multicast=addr,port,mc". Exactly one receiver, the master (mc=1),
 * ACKs; the server answers each of its ACKs with the next block it lacks,
 * sent to the group, so every receiver gets it. The others (mc=0) only
 * listen. A master ACKs its *first hole*: ACK a means "I have 1..a, block
 * a+1 is missing" (atftp walks its bitmap for it), so a receiver that joined
 * late, once it is master, pulls the blocks it missed from the start. When
 * the master ACKs the last block it is done and leaves; the server makes
 * the receiver that misses most the next master (a new OACK with mc=1). A
 * receiver that already has everything still gets a turn: atftp only ends
 * when, as master, it ACKs the last block.
 *
 * Blocks are numbered absolutely inside (1 .. last), 16-bit on the wire
 * (rollover 0: wire = n mod 65536). The server tracks, per receiver, the
 * blocks it may still miss as a few ranges: everything at join, minus every
 * block sent to the group since (optimistic: losses show up in its ACKs as
 * master). The receiver's true first hole is then in [known prefix, first
 * possibly-missing - 1]; a master's 16-bit ACK is read as the top of that
 * span when the wire number matches it (no loss), else as the lowest block
 * of the span with that wire number (a loss, most likely early). Only a
 * span over 65536 blocks is ambiguous; a wrong guess makes its later ACKs
 * stale, so it is dropped, never fed wrong data. A set that would need more
 * ranges merges its two closest: it then claims more missing blocks, never
 * fewer, and its first block stays.
 *
 * No receiver stalls the group: a master that does not answer for
 * lim.retries timeouts, or that has lost more than lim.repair_max blocks it
 * was sent (a bad link, better served by unicast), is dropped.
 */
#ifndef PXELINE_PROTO_TFTP_MCAST_H
#define PXELINE_PROTO_TFTP_MCAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_MCAST_RANGES 8		/* missing-block ranges per receiver */
#define TFTP_MCAST_WIRE_PERIOD 65536u	/* rollover 0: 65535 -> 0 */

/* Blocks [first, last], inclusive, absolute. */
struct tftp_mcast_range {
	uint64_t first;
	uint64_t last;
};

/* A small sorted set of disjoint, non-adjacent ranges. */
struct tftp_mcast_set {
	uint32_t n;
	struct tftp_mcast_range r[TFTP_MCAST_RANGES];
};

void tftp_mcast_set_fill(struct tftp_mcast_set *s, uint64_t first, uint64_t last);
void tftp_mcast_set_remove(struct tftp_mcast_set *s, uint64_t first, uint64_t last);
/* Adds [first, last]; merges the closest ranges when out of room. */
void tftp_mcast_set_add(struct tftp_mcast_set *s, uint64_t first, uint64_t last);
bool tftp_mcast_set_has(const struct tftp_mcast_set *s, uint64_t b);
uint64_t tftp_mcast_set_count(const struct tftp_mcast_set *s);
/* The smallest block in the set, 0 when empty. */
uint64_t tftp_mcast_set_first(const struct tftp_mcast_set *s);

enum tftp_mcast_role {
	TFTP_MCR_FREE,		/* slot unused */
	TFTP_MCR_LISTENER,	/* mc=0: receives, does not ACK */
	TFTP_MCR_MASTER,	/* mc=1: ACKs its first hole */
};

/* Why a receiver left the group. */
enum tftp_mcast_end {
	TFTP_MCE_DONE,		/* ACKed the last block as master */
	TFTP_MCE_TIMEOUT,	/* stopped answering as master */
	TFTP_MCE_LAGGARD,	/* lost too many blocks: better served alone */
	TFTP_MCE_ABORT,		/* sent an ERROR */
	TFTP_MCE_SHUTDOWN,	/* group closed by the server */
	TFTP_MCE__MAX,
};

const char *tftp_mcast_strend(enum tftp_mcast_end e);

struct tftp_mcast_rcv {
	uint32_t ip;			/* client address, host order */
	uint16_t port;			/* client port */
	uint8_t role;			/* enum tftp_mcast_role */
	uint8_t mac[6];			/* where its unicast OACKs go */
	uint32_t opts;			/* options it asked (TFTP_OPT_* bits) */
	uint64_t seq;			/* join order, for fair tie-breaks */
	uint64_t joined_at;		/* the group's next block when it joined */
	uint64_t joined_ms;
	uint64_t acked;			/* 1..acked are known received */
	uint32_t repairs;		/* blocks sent again because it lost them */
	uint32_t turns;			/* times it became master */
	struct tftp_mcast_set missing;	/* blocks it may not have */
};

struct tftp_mcast_limits {
	uint32_t retries;	/* master timeouts before it is dropped */
	uint32_t repair_max;	/* lost blocks before a receiver is dropped */
	uint32_t pace_pps;	/* blocks per second to the group; 0 = as fast as ACKed */
};

struct tftp_mcast_group {
	struct tftp_mcast_rcv *rcv;	/* caller's array of max_rcv slots */
	uint32_t max_rcv;
	uint32_t n_rcv;			/* receivers in the group */
	int32_t master;			/* slot of the master, -1 = none */
	uint64_t size;			/* file bytes */
	uint64_t last;			/* absolute number of the final (short) block */
	uint32_t blksize;
	uint32_t retries;		/* timeouts since the master last moved */
	bool master_oack;		/* the master's OACK is not ACKed yet */
	uint64_t next_seq;
	uint64_t sent_last;		/* the last block sent to the group, 0 none */
	struct tftp_mcast_limits lim;
	uint64_t pace_ms;		/* pacing: time of the last refill */
	uint64_t pace_milli;		/* pacing: tokens x 1000 */
	/* accounting */
	uint64_t bytes_sent;		/* DATA payload to the group, resends included */
	uint64_t blocks_sent;
	uint64_t bytes_delivered;	/* file size x receivers done */
	uint32_t completed;
	uint32_t dropped;
	uint32_t handovers;		/* masters after the first */
};

/* What the caller must do after an event. */
struct tftp_mcast_plan {
	int32_t oack_to;		/* slot to send an OACK with mc=1, -1 none */
	uint64_t block;			/* block to send to the group, 0 none */
	bool ended;			/* ended_rcv left the group (log it) */
	enum tftp_mcast_end why;
	struct tftp_mcast_rcv ended_rcv;
};

enum tftp_mcast_event {
	TFTP_MCEV_NONE,		/* nothing to do (listener ACK, stale ACK) */
	TFTP_MCEV_ACT,		/* follow the plan */
	TFTP_MCEV__MAX,
};

enum tftp_mcast_join {
	TFTP_MCJ_JOINED,	/* new receiver: send it an OACK */
	TFTP_MCJ_ALREADY,	/* a repeated RRQ: send its OACK again */
	TFTP_MCJ_FULL,		/* no room: serve it alone */
	TFTP_MCJ__MAX,
};

/* Sets up a group for a file of size bytes; rcv holds max_rcv slots. */
void tftp_mcast_init(struct tftp_mcast_group *g, struct tftp_mcast_rcv *rcv, uint32_t max_rcv,
		     uint64_t size, uint32_t blksize, const struct tftp_mcast_limits *lim);

/* The receiver slot of (ip, port), -1 if not in the group. */
int32_t tftp_mcast_find(const struct tftp_mcast_group *g, uint32_t ip, uint16_t port);

/*
 * A receiver asks to join. *ret_slot is its slot (JOINED, ALREADY). The
 * first one becomes master; the caller sends every joiner an OACK with
 * mc = (slot == g->master).
 */
enum tftp_mcast_join tftp_mcast_join(struct tftp_mcast_group *g, uint32_t ip, uint16_t port,
				     uint64_t now_ms, int32_t *ret_slot);

/* An ACK from slot with this wire block. Only the master's count. */
enum tftp_mcast_event tftp_mcast_on_ack(struct tftp_mcast_group *g, int32_t slot,
					uint16_t wire_block, struct tftp_mcast_plan *plan);

/* The retransmission timer fired without progress from the master. */
enum tftp_mcast_event tftp_mcast_on_timeout(struct tftp_mcast_group *g,
					    struct tftp_mcast_plan *plan);

/* Slot leaves (ERROR from it, or shutdown); a new master is named if needed. */
enum tftp_mcast_event tftp_mcast_leave(struct tftp_mcast_group *g, int32_t slot,
				       enum tftp_mcast_end why, struct tftp_mcast_plan *plan);

/* Block b (len payload bytes) went to the group: every receiver has it now. */
void tftp_mcast_sent(struct tftp_mcast_group *g, uint64_t b, uint32_t len);

/* 0 when a block may go now (and takes its token), else ms to wait. */
uint32_t tftp_mcast_pace(struct tftp_mcast_group *g, uint64_t now_ms);

/*
 * Reads a master's 16-bit ACK: the absolute block a, a == wire mod 65536,
 * in [r->acked, hi], hi = first missing - 1 (last when nothing is missing):
 * hi itself when it matches, else the smallest such. false when there is
 * none (a confused or stale ACK).
 */
bool tftp_mcast_abs_ack(const struct tftp_mcast_rcv *r, uint64_t last, uint16_t wire,
			uint64_t *ret_abs);

/* The 16-bit wire number of absolute block n. */
uint16_t tftp_mcast_wire_block(uint64_t n);

/* Payload offset and length of block n of the group's file. */
void tftp_mcast_block_span(const struct tftp_mcast_group *g, uint64_t n,
			   uint64_t *ret_offset, uint32_t *ret_len);

/*
 * Appends the option "multicast" = "a.b.c.d,port,mc" to an OACK that
 * tftp_build_oack() wrote (len bytes in buf). Returns the new length, or 0
 * when cap is too small.
 */
size_t tftp_mcast_append_option(uint8_t *buf, size_t len, size_t cap, uint32_t group_ip,
				uint16_t port, bool master);

#endif /* PXELINE_PROTO_TFTP_MCAST_H */
