/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "dataplane/proto/tftp_mcast.h"

static const char *const tftp_mcast_end_str[] = {
	[TFTP_MCE_DONE] = "done",
	[TFTP_MCE_TIMEOUT] = "master stopped answering",
	[TFTP_MCE_LAGGARD] = "lost too many blocks: dropped from the group",
	[TFTP_MCE_ABORT] = "client aborted",
	[TFTP_MCE_SHUTDOWN] = "group closed",
};
_Static_assert(sizeof(tftp_mcast_end_str) / sizeof(tftp_mcast_end_str[0]) == TFTP_MCE__MAX, "tftp_mcast_end_str out of step with its enum");

const char *
tftp_mcast_strend(enum tftp_mcast_end e)
{
	if ((unsigned)e >= TFTP_MCE__MAX)
		return "unknown";
	return tftp_mcast_end_str[e];
}

/* ---- the missing-block set ---- */

/* Room for one range more than a set holds, while an edit is in progress. */
struct tftp_mcast_tmp {
	uint32_t n;
	struct tftp_mcast_range r[TFTP_MCAST_RANGES + 2];
};

/* Out of room: the two closest ranges become one (claims the gap as missing). */
static void
tftp_mcast_tmp_store(struct tftp_mcast_set *s, struct tftp_mcast_tmp *t)
{
	uint32_t i, best;
	uint64_t gap, best_gap;

	while (t->n > TFTP_MCAST_RANGES) {
		best = 0;
		best_gap = UINT64_MAX;
		for (i = 0; i + 1 < t->n; i++) {
			gap = t->r[i + 1].first - t->r[i].last;
			if (gap < best_gap) {
				best_gap = gap;
				best = i;
			}
		}
		t->r[best].last = t->r[best + 1].last;
		memmove(&t->r[best + 1], &t->r[best + 2],
			(t->n - best - 2) * sizeof(t->r[0]));
		t->n--;
	}
	s->n = t->n;
	memcpy(s->r, t->r, t->n * sizeof(t->r[0]));
}

void
tftp_mcast_set_fill(struct tftp_mcast_set *s, uint64_t first, uint64_t last)
{
	s->n = 0;
	if (first > last)
		return;
	s->r[0].first = first;
	s->r[0].last = last;
	s->n = 1;
}

void
tftp_mcast_set_remove(struct tftp_mcast_set *s, uint64_t first, uint64_t last)
{
	struct tftp_mcast_tmp t = { 0 };
	uint32_t i;

	if (first > last)
		return;
	for (i = 0; i < s->n; i++) {
		const struct tftp_mcast_range *r = &s->r[i];

		if (r->last < first || r->first > last) {
			t.r[t.n++] = *r;
			continue;
		}
		if (r->first < first) {
			t.r[t.n].first = r->first;
			t.r[t.n++].last = first - 1;
		}
		if (r->last > last) {
			t.r[t.n].first = last + 1;
			t.r[t.n++].last = r->last;
		}
	}
	tftp_mcast_tmp_store(s, &t);
}

void
tftp_mcast_set_add(struct tftp_mcast_set *s, uint64_t first, uint64_t last)
{
	struct tftp_mcast_tmp t = { 0 };
	bool placed = false;
	uint32_t i;

	if (first > last)
		return;
	/* Ranges before, the new one swallowing what it touches, ranges after. */
	for (i = 0; i < s->n; i++) {
		const struct tftp_mcast_range *r = &s->r[i];

		if (r->last + 1 < first) {
			t.r[t.n++] = *r;
		} else if (last != UINT64_MAX && r->first > last + 1) {
			if (!placed) {
				t.r[t.n].first = first;
				t.r[t.n++].last = last;
				placed = true;
			}
			t.r[t.n++] = *r;
		} else {
			if (r->first < first)
				first = r->first;
			if (r->last > last)
				last = r->last;
		}
	}
	if (!placed) {
		t.r[t.n].first = first;
		t.r[t.n++].last = last;
	}
	tftp_mcast_tmp_store(s, &t);
}

bool
tftp_mcast_set_has(const struct tftp_mcast_set *s, uint64_t b)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (b >= s->r[i].first && b <= s->r[i].last)
			return true;
	return false;
}

uint64_t
tftp_mcast_set_count(const struct tftp_mcast_set *s)
{
	uint64_t c = 0;
	uint32_t i;

	for (i = 0; i < s->n; i++)
		c += s->r[i].last - s->r[i].first + 1;
	return c;
}

uint64_t
tftp_mcast_set_first(const struct tftp_mcast_set *s)
{
	return s->n ? s->r[0].first : 0;
}

/* ---- blocks ---- */

uint16_t
tftp_mcast_wire_block(uint64_t n)
{
	return (uint16_t)(n % TFTP_MCAST_WIRE_PERIOD);
}

void
tftp_mcast_block_span(const struct tftp_mcast_group *g, uint64_t n, uint64_t *ret_offset,
		      uint32_t *ret_len)
{
	uint64_t off;

	if (n < 1 || n > g->last) {
		*ret_offset = g->size;
		*ret_len = 0;
		return;
	}
	off = (n - 1) * g->blksize;
	*ret_offset = off;
	*ret_len = g->size - off < g->blksize ? (uint32_t)(g->size - off) : g->blksize;
}

bool
tftp_mcast_abs_ack(const struct tftp_mcast_rcv *r, uint64_t last, uint16_t wire,
		   uint64_t *ret_abs)
{
	uint64_t lo = r->acked, hi, a;
	uint64_t first_missing = tftp_mcast_set_first(&r->missing);

	/* Its first hole is at or before the first block we think it lacks. */
	hi = first_missing ? first_missing - 1 : last;
	if (hi > last)
		hi = last;
	if (hi < lo)
		return false;
	/* No loss since it was last heard of: exactly the predicted hole. */
	if (hi % TFTP_MCAST_WIRE_PERIOD == wire) {
		*ret_abs = hi;
		return true;
	}
	/* Else it lost something we sent: most likely early in the span. */
	a = lo + (wire + TFTP_MCAST_WIRE_PERIOD - lo % TFTP_MCAST_WIRE_PERIOD) %
		 TFTP_MCAST_WIRE_PERIOD;
	if (a > hi)
		return false;
	*ret_abs = a;
	return true;
}

/* ---- the group ---- */

void
tftp_mcast_init(struct tftp_mcast_group *g, struct tftp_mcast_rcv *rcv, uint32_t max_rcv,
		uint64_t size, uint32_t blksize, const struct tftp_mcast_limits *lim)
{
	memset(g, 0, sizeof(*g));
	memset(rcv, 0, sizeof(*rcv) * max_rcv);
	g->rcv = rcv;
	g->max_rcv = max_rcv;
	g->master = -1;
	g->size = size;
	g->blksize = blksize ? blksize : 512;
	/* A file of k full blocks ends with an empty block k+1. */
	g->last = size / g->blksize + 1;
	g->lim = *lim;
}

int32_t
tftp_mcast_find(const struct tftp_mcast_group *g, uint32_t ip, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < g->max_rcv; i++)
		if (g->rcv[i].role != TFTP_MCR_FREE && g->rcv[i].ip == ip &&
		    g->rcv[i].port == port)
			return (int32_t)i;
	return -1;
}

static void
tftp_mcast_plan_init(struct tftp_mcast_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->oack_to = -1;
}

/* The receiver that misses most (ties: the earliest) becomes master. */
static void
tftp_mcast_handover(struct tftp_mcast_group *g, struct tftp_mcast_plan *p)
{
	uint64_t best_count = 0, c;
	int32_t best = -1;
	uint32_t i;

	g->master = -1;
	g->retries = 0;
	g->master_oack = false;
	for (i = 0; i < g->max_rcv; i++) {
		const struct tftp_mcast_rcv *r = &g->rcv[i];

		if (r->role == TFTP_MCR_FREE)
			continue;
		c = tftp_mcast_set_count(&r->missing);
		if (best < 0 || c > best_count ||
		    (c == best_count && r->seq < g->rcv[best].seq)) {
			best = (int32_t)i;
			best_count = c;
		}
	}
	if (best < 0)
		return;
	g->master = best;
	g->master_oack = true;
	g->rcv[best].role = TFTP_MCR_MASTER;
	g->rcv[best].turns++;
	g->handovers++;
	p->oack_to = best;
}

/* Frees slot; names a new master if it was the master. */
static void
tftp_mcast_remove(struct tftp_mcast_group *g, int32_t slot, enum tftp_mcast_end why,
		  struct tftp_mcast_plan *p)
{
	struct tftp_mcast_rcv *r = &g->rcv[slot];
	bool was_master = slot == g->master;

	p->ended = true;
	p->why = why;
	p->ended_rcv = *r;
	if (why == TFTP_MCE_DONE) {
		g->completed++;
		g->bytes_delivered += g->size;
	} else if (why == TFTP_MCE_TIMEOUT || why == TFTP_MCE_LAGGARD) {
		g->dropped++;
	}
	memset(r, 0, sizeof(*r));
	g->n_rcv--;
	if (was_master)
		tftp_mcast_handover(g, p);
}

enum tftp_mcast_join
tftp_mcast_join(struct tftp_mcast_group *g, uint32_t ip, uint16_t port, uint64_t now_ms,
		int32_t *ret_slot)
{
	struct tftp_mcast_rcv *r;
	int32_t slot = tftp_mcast_find(g, ip, port);
	uint32_t i;

	if (slot >= 0) {
		*ret_slot = slot;
		return TFTP_MCJ_ALREADY;
	}
	for (i = 0; i < g->max_rcv; i++)
		if (g->rcv[i].role == TFTP_MCR_FREE)
			break;
	if (i == g->max_rcv)
		return TFTP_MCJ_FULL;
	r = &g->rcv[i];
	memset(r, 0, sizeof(*r));
	r->ip = ip;
	r->port = port;
	r->role = TFTP_MCR_LISTENER;
	r->seq = g->next_seq++;
	r->joined_at = g->sent_last + 1;
	r->joined_ms = now_ms;
	tftp_mcast_set_fill(&r->missing, 1, g->last);
	g->n_rcv++;
	if (g->master < 0) {
		g->master = (int32_t)i;
		g->master_oack = true;
		g->retries = 0;
		r->role = TFTP_MCR_MASTER;
		r->turns = 1;
	}
	*ret_slot = (int32_t)i;
	return TFTP_MCJ_JOINED;
}

enum tftp_mcast_event
tftp_mcast_on_ack(struct tftp_mcast_group *g, int32_t slot, uint16_t wire_block,
		  struct tftp_mcast_plan *plan)
{
	struct tftp_mcast_rcv *r;
	uint64_t a;

	tftp_mcast_plan_init(plan);
	if (slot < 0 || (uint32_t)slot >= g->max_rcv || slot != g->master)
		return TFTP_MCEV_NONE;	/* listeners do not drive the stream */
	r = &g->rcv[slot];
	if (!tftp_mcast_abs_ack(r, g->last, wire_block, &a))
		return TFTP_MCEV_NONE;
	/* A repeated ACK: the timer resends, never a duplicate (Sorcerer's
	 * Apprentice); the first ACK of a fresh master always counts. */
	if (a == r->acked && !g->master_oack && a < g->last)
		return TFTP_MCEV_NONE;
	g->master_oack = false;
	g->retries = 0;
	/* It said a+1 is missing: if we sent that to the group, it was lost. */
	if (a < g->last && !tftp_mcast_set_has(&r->missing, a + 1)) {
		r->repairs++;
		tftp_mcast_set_add(&r->missing, a + 1, a + 1);
	}
	if (a)
		tftp_mcast_set_remove(&r->missing, 1, a);
	r->acked = a;
	if (a >= g->last) {
		tftp_mcast_remove(g, slot, TFTP_MCE_DONE, plan);
		return TFTP_MCEV_ACT;
	}
	if (r->repairs > g->lim.repair_max) {
		tftp_mcast_remove(g, slot, TFTP_MCE_LAGGARD, plan);
		return TFTP_MCEV_ACT;
	}
	plan->block = a + 1;
	return TFTP_MCEV_ACT;
}

enum tftp_mcast_event
tftp_mcast_on_timeout(struct tftp_mcast_group *g, struct tftp_mcast_plan *plan)
{
	tftp_mcast_plan_init(plan);
	if (g->master < 0) {
		if (g->n_rcv == 0)
			return TFTP_MCEV_NONE;
		tftp_mcast_handover(g, plan);
		return TFTP_MCEV_ACT;
	}
	if (++g->retries > g->lim.retries) {
		tftp_mcast_remove(g, g->master, TFTP_MCE_TIMEOUT, plan);
		return TFTP_MCEV_ACT;
	}
	if (g->master_oack)
		plan->oack_to = g->master;
	else
		plan->block = g->rcv[g->master].acked + 1;
	return TFTP_MCEV_ACT;
}

enum tftp_mcast_event
tftp_mcast_leave(struct tftp_mcast_group *g, int32_t slot, enum tftp_mcast_end why,
		 struct tftp_mcast_plan *plan)
{
	tftp_mcast_plan_init(plan);
	if (slot < 0 || (uint32_t)slot >= g->max_rcv || g->rcv[slot].role == TFTP_MCR_FREE)
		return TFTP_MCEV_NONE;
	tftp_mcast_remove(g, slot, why, plan);
	return TFTP_MCEV_ACT;
}

void
tftp_mcast_sent(struct tftp_mcast_group *g, uint64_t b, uint32_t len)
{
	uint32_t i;

	g->bytes_sent += len;
	g->blocks_sent++;
	g->sent_last = b;
	for (i = 0; i < g->max_rcv; i++)
		if (g->rcv[i].role != TFTP_MCR_FREE)
			tftp_mcast_set_remove(&g->rcv[i].missing, b, b);
}

uint32_t
tftp_mcast_pace(struct tftp_mcast_group *g, uint64_t now_ms)
{
	uint64_t cap, pps = g->lim.pace_pps;

	if (pps == 0)
		return 0;
	/* A bucket of 10 ms worth of blocks (at least one). */
	cap = pps * 10 > 1000 ? pps * 10 : 1000;
	if (now_ms > g->pace_ms) {
		g->pace_milli += (now_ms - g->pace_ms) * pps;
		if (g->pace_milli > cap)
			g->pace_milli = cap;
		g->pace_ms = now_ms;
	}
	if (g->pace_milli >= 1000) {
		g->pace_milli -= 1000;
		return 0;
	}
	return (uint32_t)((1000 - g->pace_milli + pps - 1) / pps);
}

size_t
tftp_mcast_append_option(uint8_t *buf, size_t len, size_t cap, uint32_t group_ip,
			 uint16_t port, bool master)
{
	char val[40];
	int n;

	n = snprintf(val, sizeof(val), "%u.%u.%u.%u,%u,%u", group_ip >> 24,
		     (group_ip >> 16) & 0xff, (group_ip >> 8) & 0xff, group_ip & 0xff,
		     port, master ? 1u : 0u);
	if (n < 0 || len + sizeof("multicast") + (size_t)n + 1 > cap)
		return 0;
	memcpy(buf + len, "multicast", sizeof("multicast"));
	len += sizeof("multicast");
	memcpy(buf + len, val, (size_t)n + 1);
	return len + (size_t)n + 1;
}
