/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network impairments inside the client: random loss (seeded, so a run can
 * be repeated) and a fixed delay on received packets to emulate RTT without
 * root or netem.
 */
#ifndef PXELINE_BENCH_IMPAIR_H
#define PXELINE_BENCH_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_impair {
	uint64_t rng;		/* splitmix64 state */
	uint64_t loss_thresh;	/* drop when a 64-bit draw is below this */
	bool loss_rx;		/* drop received packets */
	bool loss_tx;		/* drop packets we send */
	uint64_t delay_ns;	/* added to each received packet */
	uint64_t dropped_rx;
	uint64_t dropped_tx;
};

/* loss_pct in 0..100 applies to each direction enabled. */
void bench_impair_init(struct bench_impair *im, uint64_t seed, double loss_pct,
		       bool rx, bool tx, uint64_t delay_ms);

/* Next pseudo-random 64-bit value. */
uint64_t bench_impair_rand(struct bench_impair *im);

/* Whether to drop this received (or sent) packet; counts the drops. */
bool bench_impair_drop_rx(struct bench_impair *im);
bool bench_impair_drop_tx(struct bench_impair *im);

/* A received datagram held back until its time. */
struct bench_delayed {
	struct bench_delayed *next;
	uint64_t due_ns;
	uint32_t session;	/* engine slot */
	uint32_t gen;		/* slot generation: a reused slot drops it */
	uint16_t src_port;
	uint32_t src_addr;	/* network order */
	size_t len;
	uint8_t data[];
};

/* FIFO: the delay is fixed, so arrival order is release order. */
struct bench_delay_queue {
	struct bench_delayed *head;
	struct bench_delayed *tail;
	size_t bytes;		/* payload held */
	size_t bytes_max;	/* beyond this a packet is dropped, like a full queue */
	uint64_t overflow;	/* packets dropped because the queue was full */
};

void bench_delay_init(struct bench_delay_queue *q, size_t bytes_max);
/* Copies the datagram in; returns false (and counts) when full or no memory. */
bool bench_delay_push(struct bench_delay_queue *q, uint64_t due_ns, uint32_t session,
		      uint32_t gen, uint32_t src_addr, uint16_t src_port,
		      const uint8_t *data, size_t len);
/* The head when due at now_ns, else NULL; the caller frees it with
 * bench_delay_free() after bench_delay_pop(). */
struct bench_delayed *bench_delay_peek_due(struct bench_delay_queue *q, uint64_t now_ns);
void bench_delay_pop(struct bench_delay_queue *q);
void bench_delay_free(struct bench_delayed *d);
void bench_delay_clear(struct bench_delay_queue *q);

#endif /* PXELINE_BENCH_IMPAIR_H */
