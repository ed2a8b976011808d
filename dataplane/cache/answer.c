/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The feeder's answer FIFO (see answer.h): a preallocated circular buffer,
 * so the path that makes answers neither allocates nor fails.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_debug.h>

#include "dataplane/cache/answer.h"

int
feeder_answers_init(struct feeder_answers *q, struct rte_ring **rings, uint32_t cap)
{
	q->slots = calloc(cap, sizeof(*q->slots));
	if (q->slots == NULL)
		return -ENOMEM;
	q->rings = rings;
	q->cap = cap;
	q->head = 0;
	q->len = 0;
	q->owed = 0;
	return 0;
}

void
feeder_answers_fini(struct feeder_answers *q)
{
	/* Answers nobody will take: drop their file references with them. */
	for (; q->len > 0; q->len--) {
		const struct cache_done *d = &q->slots[q->head].d;

		if (d->kind == CACHE_DONE_OPEN && d->file != NULL)
			cache_file_put(d->file);
		q->head = (q->head + 1) % q->cap;
	}
	free(q->slots);
	q->slots = NULL;
	q->cap = 0;
	q->owed = 0;
}

void
feeder_answers_promise(struct feeder_answers *q, uint32_t n)
{
	RTE_ASSERT(n <= feeder_answers_room(q));
	q->owed += n;
}

static bool
answer_deliver(struct feeder_answers *q, uint32_t worker, struct cache_done *d)
{
	if (rte_ring_sp_enqueue_elem(q->rings[worker], d, sizeof(*d)) != 0)
		return false;
	q->owed--;
	return true;
}

void
feeder_answer(struct feeder_answers *q, uint32_t worker, enum cache_done_kind kind,
	      uint64_t token, enum cache_err err, int sys_err, struct cache_file *f, uint32_t chunk)
{
	struct cache_done d = { .kind = kind, .token = token, .err = err, .sys_err = sys_err,
				.file = f, .chunk = chunk };
	struct feeder_answer *a;

	/* This answer is owed and not waiting yet, so owed > len: a slot is free. */
	RTE_ASSERT(q->owed > q->len);
	if (q->len == 0 && answer_deliver(q, worker, &d))
		return;
	a = &q->slots[(q->head + q->len) % q->cap];
	a->worker = worker;
	a->d = d;
	q->len++;
}

unsigned
feeder_answers_flush(struct feeder_answers *q)
{
	unsigned n = 0;

	while (q->len > 0 && answer_deliver(q, q->slots[q->head].worker, &q->slots[q->head].d)) {
		q->head = (q->head + 1) % q->cap;
		q->len--;
		n++;
	}
	return n;
}
