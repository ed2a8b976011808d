/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_impair.h"

void
bench_impair_init(struct bench_impair *im, uint64_t seed, double loss_pct,
		  bool rx, bool tx, uint64_t delay_ms)
{
	memset(im, 0, sizeof(*im));
	im->rng = seed;
	if (loss_pct <= 0)
		im->loss_thresh = 0;
	else if (loss_pct >= 100)
		im->loss_thresh = UINT64_MAX;
	else
		im->loss_thresh = (uint64_t)ldexp(loss_pct / 100.0, 64);
	im->loss_rx = rx;
	im->loss_tx = tx;
	im->delay_ns = delay_ms * 1000000ull;
}

/* splitmix64 (Steele, Lea, Flood): tiny, seedable, good enough for loss. */
uint64_t
bench_impair_rand(struct bench_impair *im)
{
	uint64_t z = (im->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool
impair_draw(struct bench_impair *im)
{
	if (im->loss_thresh == 0)
		return false;
	if (im->loss_thresh == UINT64_MAX)
		return true;
	return bench_impair_rand(im) < im->loss_thresh;
}

bool
bench_impair_drop_rx(struct bench_impair *im)
{
	if (!im->loss_rx || !impair_draw(im))
		return false;
	im->dropped_rx++;
	return true;
}

bool
bench_impair_drop_tx(struct bench_impair *im)
{
	if (!im->loss_tx || !impair_draw(im))
		return false;
	im->dropped_tx++;
	return true;
}

void
bench_delay_init(struct bench_delay_queue *q, size_t bytes_max)
{
	memset(q, 0, sizeof(*q));
	q->bytes_max = bytes_max;
}

bool
bench_delay_push(struct bench_delay_queue *q, uint64_t due_ns, uint32_t session,
		 uint32_t gen, uint32_t src_addr, uint16_t src_port,
		 const uint8_t *data, size_t len)
{
	struct bench_delayed *d;

	if (q->bytes + len > q->bytes_max) {
		q->overflow++;
		return false;
	}
	/* The client is not a packet path: one allocation per delayed
	 * datagram keeps the queue simple. */
	d = malloc(sizeof(*d) + len);
	if (!d) {
		q->overflow++;
		return false;
	}
	d->next = NULL;
	d->due_ns = due_ns;
	d->session = session;
	d->gen = gen;
	d->src_addr = src_addr;
	d->src_port = src_port;
	d->len = len;
	memcpy(d->data, data, len);
	if (q->tail)
		q->tail->next = d;
	else
		q->head = d;
	q->tail = d;
	q->bytes += len;
	return true;
}

struct bench_delayed *
bench_delay_peek_due(struct bench_delay_queue *q, uint64_t now_ns)
{
	if (!q->head || q->head->due_ns > now_ns)
		return NULL;
	return q->head;
}

void
bench_delay_pop(struct bench_delay_queue *q)
{
	struct bench_delayed *d = q->head;

	if (!d)
		return;
	q->head = d->next;
	if (!q->head)
		q->tail = NULL;
	q->bytes -= d->len;
}

void
bench_delay_free(struct bench_delayed *d)
{
	free(d);
}

void
bench_delay_clear(struct bench_delay_queue *q)
{
	struct bench_delayed *d;

	while ((d = q->head) != NULL) {
		bench_delay_pop(q);
		free(d);
	}
}
