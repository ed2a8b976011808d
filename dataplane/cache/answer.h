/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The feeder's answers on their way to the workers' done rings. An answer
 * a worker's ring has no room for waits in a FIFO here, and every answer
 * after it waits behind it, so workers see answers in the order they were
 * made. Nothing is allocated on this path and nothing is ever dropped while
 * the feeder runs (an OPEN carries a file reference, and a lost answer
 * leaves a session waiting for its timeout): the feeder promises one
 * answer for each request it takes that wants one, and takes no request
 * beyond feeder_answers_room(), so the FIFO, sized at init, always has a
 * slot for every answer owed. When it is full the feeder stops taking
 * requests, the request rings fill, and workers see CACHE_ERR_BUSY.
 */
#ifndef PXELINE_DATAPLANE_CACHE_ANSWER_H
#define PXELINE_DATAPLANE_CACHE_ANSWER_H

#include <stdint.h>

#include <rte_ring.h>

#include "dataplane/cache/cache.h"

/* An answer the worker's ring had no room for. */
struct feeder_answer {
	uint32_t worker;
	struct cache_done d;
};

struct feeder_answers {
	struct rte_ring **rings;	/* the done rings, by worker (SP: one producer) */
	struct feeder_answer *slots;	/* cap of them, preallocated */
	uint32_t cap;
	uint32_t head, len;		/* the FIFO within slots */
	uint32_t owed;			/* promised, not yet in a ring; len <= owed <= cap */
};

/* Room for cap answers owed at once; 0 or -ENOMEM. */
int feeder_answers_init(struct feeder_answers *q, struct rte_ring **rings, uint32_t cap);

/* Drops what was never delivered, with the file references of OPENs. */
void feeder_answers_fini(struct feeder_answers *q);

/* How many more answers may be promised now. */
static inline uint32_t
feeder_answers_room(const struct feeder_answers *q)
{
	return q->cap - q->owed;
}

/* n more answers will be made; n <= feeder_answers_room(). */
void feeder_answers_promise(struct feeder_answers *q, uint32_t n);

/* Makes one promised answer: into the worker's ring, or the FIFO behind
 * earlier ones. sys_err: the errno behind a CACHE_ERR_IO, else 0. */
void feeder_answer(struct feeder_answers *q, uint32_t worker, enum cache_done_kind kind,
		   uint64_t token, enum cache_err err, int sys_err, struct cache_file *f,
		   uint32_t chunk);

/* Moves waiting answers into their rings, in order, until one does not fit; returns how many. */
unsigned feeder_answers_flush(struct feeder_answers *q);

#endif /* PXELINE_DATAPLANE_CACHE_ANSWER_H */
