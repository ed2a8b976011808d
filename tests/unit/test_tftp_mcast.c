/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RFC 2090 group state machine: the missing-block set against a bitmap,
 * reading 16-bit ACKs across rollover, master hand-over, joining mid-stream,
 * the drop-a-laggard rules, pacing, and whole transfers with emulated atftp
 * receivers (bitmap, first-hole ACKs, random loss) that must all end with
 * every block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/tftp_mcast.h"
#include "unit.h"

#define MAX_RCV 16

static struct tftp_mcast_rcv slots[MAX_RCV];
static struct tftp_mcast_group grp;

static uint64_t
rnd(uint64_t *s)
{
	/* xorshift64*: reproducible without libc's rand state. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static bool
set_well_formed(const struct tftp_mcast_set *s)
{
	uint32_t i;

	if (s->n > TFTP_MCAST_RANGES)
		return false;
	for (i = 0; i < s->n; i++) {
		if (s->r[i].first > s->r[i].last)
			return false;
		/* Sorted, disjoint and not adjacent. */
		if (i && s->r[i].first <= s->r[i - 1].last + 1)
			return false;
	}
	return true;
}

/* Random edits against a bitmap: the set holds every block the bitmap
 * holds, starts at the same block, and is exact while it has room. */
static void
test_set_vs_bitmap(void)
{
	enum { N = 3000 };
	static uint8_t ref[N + 2];
	struct tftp_mcast_set s;
	uint64_t seed = 0x9e3779b97f4a7c15ull, a, b, first, count;
	int round, op, i, bad_superset = 0, bad_first = 0, bad_exact = 0, bad_form = 0;
	bool merged;

	for (round = 0; round < 200; round++) {
		memset(ref, 0, sizeof(ref));
		for (i = 1; i <= N; i++)
			ref[i] = 1;
		tftp_mcast_set_fill(&s, 1, N);
		merged = false;
		for (op = 0; op < 60; op++) {
			a = 1 + rnd(&seed) % N;
			b = a + rnd(&seed) % 40;
			if (b > N)
				b = N;
			if (rnd(&seed) % 3) {
				tftp_mcast_set_remove(&s, a, b);
				for (i = a; i <= (int)b; i++)
					ref[i] = 0;
			} else {
				tftp_mcast_set_add(&s, a, b);
				for (i = a; i <= (int)b; i++)
					ref[i] = 1;
			}
			/* A merge leaves exactly TFTP_MCAST_RANGES ranges. */
			if (s.n == TFTP_MCAST_RANGES)
				merged = true;
			if (!set_well_formed(&s))
				bad_form++;
			first = 0;
			count = 0;
			for (i = 1; i <= N; i++) {
				if (ref[i] && !first)
					first = i;
				count += ref[i];
				if (ref[i] && !tftp_mcast_set_has(&s, i))
					bad_superset++;
			}
			if (tftp_mcast_set_first(&s) != first)
				bad_first++;
			if (!merged && tftp_mcast_set_count(&s) != count)
				bad_exact++;
		}
	}
	CU_ASSERT_EQUAL(bad_form, 0);
	CU_ASSERT_EQUAL(bad_superset, 0);
	CU_ASSERT_EQUAL(bad_first, 0);
	CU_ASSERT_EQUAL(bad_exact, 0);
}

/* Exact while there is room: remove from the middle splits, add joins. */
static void
test_set_rows(void)
{
	struct tftp_mcast_set s;
	int i;

	tftp_mcast_set_fill(&s, 1, 100);
	tftp_mcast_set_remove(&s, 10, 20);
	CU_ASSERT_EQUAL(s.n, 2);
	CU_ASSERT_EQUAL(tftp_mcast_set_count(&s), 89);
	CU_ASSERT_FALSE(tftp_mcast_set_has(&s, 15));
	tftp_mcast_set_add(&s, 15, 15);
	CU_ASSERT_EQUAL(s.n, 3);
	tftp_mcast_set_add(&s, 10, 20);	/* bridges all three */
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_EQUAL(tftp_mcast_set_count(&s), 100);
	/* Twenty holes: out of room, the closest merge, nothing is lost. */
	for (i = 0; i < 20; i++)
		tftp_mcast_set_remove(&s, 3 + i * 4, 3 + i * 4);
	CU_ASSERT_EQUAL(s.n, TFTP_MCAST_RANGES);
	CU_ASSERT_EQUAL(tftp_mcast_set_first(&s), 1);
	CU_ASSERT_TRUE(tftp_mcast_set_has(&s, 100));
	/* Empty set; add beyond the 16-bit range. */
	tftp_mcast_set_fill(&s, 5, 4);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(tftp_mcast_set_first(&s), 0);
	tftp_mcast_set_add(&s, 70000, 70000);
	tftp_mcast_set_add(&s, 65536, 65536);
	CU_ASSERT_EQUAL(tftp_mcast_set_first(&s), 65536);
	CU_ASSERT_EQUAL(tftp_mcast_set_count(&s), 2);
}

/* 16-bit ACKs of a master read as absolute blocks. */
static void
test_abs_ack_rows(void)
{
	static const struct {
		const char *name;
		uint64_t acked, miss_first, miss_last;	/* miss_first 0: none */
		uint64_t last;
		uint16_t wire;
		bool ok;
		uint64_t abs;
	} rows[] = {
		{ "fresh master ACK 0", 0, 1, 100, 100, 0, true, 0 },
		{ "small file progress", 10, 12, 100, 100, 11, true, 11 },
		{ "past wrap: 65539 is wire 3", 65530, 65540, 200000, 200000, 3, true, 65539 },
		{ "exactly 65535", 65500, 65536, 200000, 200000, 65535, true, 65535 },
		{ "65536 is wire 0", 65535, 65537, 200000, 200000, 0, true, 65536 },
		{ "second wrap", 131000, 131080, 131090, 200000, 1, true, 131073 },
		{ "late joiner first hole 0 in a big file", 0, 1, 120000, 120000, 0, true, 0 },
		{ "has everything: last = 131073", 0, 0, 0, 131073, 1, true, 131073 },
		{ "loss far back in a long span: lowest", 0, 200000, 200010, 300000, 5, true, 5 },
		{ "loss just past a wrap", 65000, 140000, 140010, 300000, 10, true, 65546 },
		{ "stale: only below acked", 70000, 70010, 80000, 80000, 65535, false, 0 },
		{ "from the future: beyond first missing", 5, 8, 100, 100, 50, false, 0 },
		{ "wire above everything", 0, 0, 0, 100, 60000, false, 0 },
	};
	struct tftp_mcast_rcv r;
	uint64_t a;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool ok;

		memset(&r, 0, sizeof(r));
		r.acked = rows[i].acked;
		if (rows[i].miss_first)
			tftp_mcast_set_fill(&r.missing, rows[i].miss_first, rows[i].miss_last);
		a = 12345;
		ok = tftp_mcast_abs_ack(&r, rows[i].last, rows[i].wire, &a);
		if (ok != rows[i].ok || (ok && a != rows[i].abs))
			printf("\n  row '%s': ok %d abs %llu\n", rows[i].name, ok,
			       (unsigned long long)a);
		CU_ASSERT_EQUAL(ok, rows[i].ok);
		if (ok && rows[i].ok)
			CU_ASSERT_EQUAL(a, rows[i].abs);
	}
}

/* ---- emulated atftp receivers ---- */

struct emu {
	uint32_t ip;
	uint8_t *have;		/* bitmap by absolute block */
	bool joined;		/* in the group (has its OACK) */
	bool dead;		/* killed: never answers */
	bool ended;
	bool ok;		/* ended DONE with every block */
	int loss_pct;		/* of group DATA it misses */
	int join_step;		/* sends its RRQ at this step */
	uint64_t hole;		/* 1..hole received */
};

/* Blocks only arrive, so the first hole only moves up. */
static uint64_t
emu_first_hole(struct emu *e, uint64_t last)
{
	while (e->hole < last && e->have[e->hole + 1])
		e->hole++;
	return e->hole;
}

struct sim_result {
	uint64_t steps;
	int done, dropped;
};

/* Runs a whole group transfer; returns false if it did not end in time. */
static bool
sim_run(struct emu *e, int n, uint64_t size, uint32_t blksize,
	const struct tftp_mcast_limits *lim, uint64_t seed, struct sim_result *res)
{
	struct tftp_mcast_plan p;
	uint64_t step, max_steps, off;
	int32_t slot, pending_ack = -1;
	uint32_t len;
	int i, live = n;

	tftp_mcast_init(&grp, slots, MAX_RCV, size, blksize, lim);
	memset(res, 0, sizeof(*res));
	max_steps = (grp.last + 10) * (uint64_t)(n + 2) * 3;
	for (i = 0; i < n; i++)
		e[i].have = calloc(grp.last + 2, 1);
	for (step = 0; step < max_steps && live > 0; step++) {
		/* Joins due now. */
		for (i = 0; i < n; i++) {
			if (e[i].joined || e[i].ended || (uint64_t)e[i].join_step != step)
				continue;
			if (tftp_mcast_join(&grp, e[i].ip, 69, step, &slot) == TFTP_MCJ_JOINED) {
				e[i].joined = true;
				if (slot == grp.master)
					pending_ack = slot;	/* OACK mc=1: it ACKs */
			}
		}
		memset(&p, 0, sizeof(p));
		p.oack_to = -1;
		if (pending_ack >= 0) {
			int who = -1;

			for (i = 0; i < n; i++)
				if (e[i].joined && !e[i].ended && slots[pending_ack].ip == e[i].ip)
					who = i;
			pending_ack = -1;
			if (who >= 0 && !e[who].dead)
				tftp_mcast_on_ack(&grp, tftp_mcast_find(&grp, e[who].ip, 69),
						  (uint16_t)emu_first_hole(&e[who], grp.last), &p);
			else
				tftp_mcast_on_timeout(&grp, &p);
		} else if (grp.n_rcv) {
			tftp_mcast_on_timeout(&grp, &p);
		}
		if (p.ended) {
			for (i = 0; i < n; i++) {
				if (!e[i].joined || e[i].ended || e[i].ip != p.ended_rcv.ip)
					continue;
				e[i].ended = true;
				live--;
				if (p.why == TFTP_MCE_DONE) {
					uint64_t b;

					e[i].ok = true;
					for (b = 1; b <= grp.last; b++)
						e[i].ok &= e[i].have[b] != 0;
					res->done++;
				} else {
					res->dropped++;
				}
			}
		}
		if (p.oack_to >= 0)
			pending_ack = p.oack_to;
		if (p.block) {
			tftp_mcast_block_span(&grp, p.block, &off, &len);
			tftp_mcast_sent(&grp, p.block, len);
			for (i = 0; i < n; i++) {
				if (!e[i].joined || e[i].ended || e[i].dead)
					continue;
				if (e[i].loss_pct && (int)(rnd(&seed) % 100) < e[i].loss_pct)
					continue;
				e[i].have[p.block] = 1;
			}
			/* atftp's master ACKs every DATA it gets. */
			if (grp.master >= 0) {
				for (i = 0; i < n; i++)
					if (e[i].joined && !e[i].ended &&
					    e[i].ip == slots[grp.master].ip && e[i].have[p.block])
						pending_ack = grp.master;
			}
		}
		/* Clients still to join keep the loop alive. */
		for (i = 0; i < n; i++)
			if (!e[i].joined && !e[i].ended && (uint64_t)e[i].join_step > step &&
			    grp.n_rcv == 0)
				step = e[i].join_step - 1;
	}
	res->steps = step;
	for (i = 0; i < n; i++)
		free(e[i].have);
	return live == 0;
}

/* Three receivers, two late: the one that misses most is master next, and
 * what it pulls covers the other. One copy plus the late parts go out. */
static void
test_handover_order(void)
{
	struct tftp_mcast_limits lim = { 3, 1000, 0 };
	struct emu e[3] = {
		{ .ip = 1, .join_step = 0 },
		{ .ip = 2, .join_step = 50 },
		{ .ip = 3, .join_step = 80 },
	};
	struct sim_result r;
	uint64_t size = 150 * 512 + 7;	/* last = 151 */

	CU_ASSERT_TRUE(sim_run(e, 3, size, 512, &lim, 1, &r));
	CU_ASSERT_EQUAL(r.done, 3);
	CU_ASSERT_TRUE(e[0].ok && e[1].ok && e[2].ok);
	CU_ASSERT_EQUAL(grp.completed, 3);
	CU_ASSERT_EQUAL(grp.bytes_delivered, 3 * size);
	/* C joined later (missed more) and went before B; B then had all. */
	CU_ASSERT_EQUAL(grp.handovers, 2);
	CU_ASSERT(grp.blocks_sent < 151 + 90);
	CU_ASSERT(grp.blocks_sent >= 151 + 70);
}

/* A file of 200000 blocks (wire numbers wrap three times) with late joiners
 * and lossy listeners: everybody ends with every block. */
static void
test_rollover_transfer(void)
{
	struct tftp_mcast_limits lim = { 3, 1000000, 0 };
	struct emu e[5] = {
		{ .ip = 1, .join_step = 0 },
		{ .ip = 2, .join_step = 70000, .loss_pct = 2 },
		{ .ip = 3, .join_step = 140000 },
		{ .ip = 4, .join_step = 1, .loss_pct = 5 },
		{ .ip = 5, .join_step = 199990 },
	};
	struct sim_result r;
	uint64_t size = 200000ull * 8 + 3;	/* blksize 8: last = 200001 */
	int i;

	CU_ASSERT_TRUE(sim_run(e, 5, size, 8, &lim, 7, &r));
	CU_ASSERT_EQUAL(r.done, 5);
	CU_ASSERT_EQUAL(r.dropped, 0);
	for (i = 0; i < 5; i++)
		CU_ASSERT_TRUE(e[i].ok);
	CU_ASSERT_EQUAL(grp.n_rcv, 0);
	/* Far less than five copies. */
	CU_ASSERT(grp.blocks_sent < 2 * grp.last + 20000);
}

/* A killed master and a killed listener are dropped after the retries;
 * the others finish. */
static void
test_drop_silent_master(void)
{
	struct tftp_mcast_limits lim = { 3, 1000, 0 };
	struct emu e[3] = {
		{ .ip = 1, .join_step = 0 },
		{ .ip = 2, .join_step = 5, .dead = true },	/* killed listener */
		{ .ip = 3, .join_step = 10 },
	};
	struct tftp_mcast_plan p;
	struct sim_result r;
	int32_t s1, s2;
	int k;

	CU_ASSERT_TRUE(sim_run(e, 3, 100 * 512, 512, &lim, 3, &r));
	CU_ASSERT_EQUAL(r.done, 2);
	CU_ASSERT_EQUAL(r.dropped, 1);
	CU_ASSERT_TRUE(e[0].ok && e[2].ok);
	CU_ASSERT_FALSE(e[1].ok);
	CU_ASSERT_EQUAL(grp.dropped, 1);

	/* Step by step: the master never answers its OACK. */
	tftp_mcast_init(&grp, slots, MAX_RCV, 10 * 512, 512, &lim);
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 1, 1000, 0, &s1), TFTP_MCJ_JOINED);
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 2, 1000, 0, &s2), TFTP_MCJ_JOINED);
	CU_ASSERT_EQUAL(grp.master, s1);
	for (k = 0; k < 3; k++) {
		CU_ASSERT_EQUAL(tftp_mcast_on_timeout(&grp, &p), TFTP_MCEV_ACT);
		CU_ASSERT_EQUAL(p.oack_to, s1);	/* OACK again */
		CU_ASSERT_FALSE(p.ended);
	}
	CU_ASSERT_EQUAL(tftp_mcast_on_timeout(&grp, &p), TFTP_MCEV_ACT);
	CU_ASSERT_TRUE(p.ended);
	CU_ASSERT_EQUAL(p.why, TFTP_MCE_TIMEOUT);
	CU_ASSERT_EQUAL(p.ended_rcv.ip, 1);
	CU_ASSERT_EQUAL(p.oack_to, s2);		/* hand-over */
	CU_ASSERT_EQUAL(grp.master, s2);
	CU_ASSERT_EQUAL(grp.n_rcv, 1);
	/* The master answered once, then fell silent mid-transfer. */
	CU_ASSERT_EQUAL(tftp_mcast_on_ack(&grp, s2, 0, &p), TFTP_MCEV_ACT);
	CU_ASSERT_EQUAL(p.block, 1);
	for (k = 0; k < 3; k++) {
		tftp_mcast_on_timeout(&grp, &p);
		CU_ASSERT_EQUAL(p.block, 1);	/* resent, not the OACK */
		CU_ASSERT_EQUAL(p.oack_to, -1);
	}
	tftp_mcast_on_timeout(&grp, &p);
	CU_ASSERT_TRUE(p.ended);
	CU_ASSERT_EQUAL(p.oack_to, -1);		/* nobody left */
	CU_ASSERT_EQUAL(grp.n_rcv, 0);
	CU_ASSERT_EQUAL(grp.master, -1);
	CU_ASSERT_EQUAL(tftp_mcast_on_timeout(&grp, &p), TFTP_MCEV_NONE);
}

/* A receiver that keeps losing what was sent is dropped as a laggard. */
static void
test_drop_lossy_laggard(void)
{
	struct tftp_mcast_limits lim = { 3, 20, 0 };
	struct emu e[2] = {
		{ .ip = 1, .join_step = 0, .loss_pct = 30 },
		{ .ip = 2, .join_step = 0 },
	};
	struct sim_result r;

	CU_ASSERT_TRUE(sim_run(e, 2, 2000 * 512, 512, &lim, 11, &r));
	CU_ASSERT_EQUAL(r.dropped, 1);
	CU_ASSERT_FALSE(e[0].ok);
	CU_ASSERT_TRUE(e[1].ok);
	CU_ASSERT_EQUAL(grp.dropped, 1);
	CU_ASSERT_EQUAL(grp.completed, 1);
}

/* Joining mid-stream: a listener, everything still missing; a repeated RRQ
 * is ALREADY; a full group refuses; listeners' and repeated ACKs do nothing. */
static void
test_join_mid_stream(void)
{
	struct tftp_mcast_limits lim = { 3, 1000, 0 };
	struct tftp_mcast_rcv few[2];
	struct tftp_mcast_plan p;
	int32_t m, l, x;
	uint64_t off;
	uint32_t len, b;

	tftp_mcast_init(&grp, few, 2, 100 * 512 + 1, 512, &lim);
	CU_ASSERT_EQUAL(grp.last, 101);
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 10, 2000, 0, &m), TFTP_MCJ_JOINED);
	CU_ASSERT_EQUAL(grp.master, m);
	CU_ASSERT_EQUAL(tftp_mcast_on_ack(&grp, m, 0, &p), TFTP_MCEV_ACT);
	for (b = 1; b <= 40; b++) {
		CU_ASSERT_EQUAL(p.block, b);
		tftp_mcast_block_span(&grp, p.block, &off, &len);
		CU_ASSERT_EQUAL(off, (b - 1) * 512ull);
		CU_ASSERT_EQUAL(len, 512);
		tftp_mcast_sent(&grp, p.block, len);
		tftp_mcast_on_ack(&grp, m, (uint16_t)b, &p);
	}
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 11, 2000, 5, &l), TFTP_MCJ_JOINED);
	CU_ASSERT_NOT_EQUAL(l, m);
	CU_ASSERT_EQUAL(grp.rcv[l].role, TFTP_MCR_LISTENER);
	CU_ASSERT_EQUAL(grp.rcv[l].joined_at, 41);
	CU_ASSERT_EQUAL(tftp_mcast_set_count(&grp.rcv[l].missing), 101);
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 11, 2000, 6, &x), TFTP_MCJ_ALREADY);
	CU_ASSERT_EQUAL(x, l);
	CU_ASSERT_EQUAL(tftp_mcast_join(&grp, 12, 2000, 6, &x), TFTP_MCJ_FULL);
	/* A listener's ACK and a repeated master ACK send nothing. */
	CU_ASSERT_EQUAL(tftp_mcast_on_ack(&grp, l, 0, &p), TFTP_MCEV_NONE);
	CU_ASSERT_EQUAL(tftp_mcast_on_ack(&grp, m, 40, &p), TFTP_MCEV_NONE);
	CU_ASSERT_EQUAL(p.block, 0);
	tftp_mcast_sent(&grp, 41, 512);
	CU_ASSERT_FALSE(tftp_mcast_set_has(&grp.rcv[l].missing, 41));
	CU_ASSERT_TRUE(tftp_mcast_set_has(&grp.rcv[l].missing, 40));
	/* The master aborts: the listener takes over with an OACK. */
	CU_ASSERT_EQUAL(tftp_mcast_leave(&grp, m, TFTP_MCE_ABORT, &p), TFTP_MCEV_ACT);
	CU_ASSERT_TRUE(p.ended);
	CU_ASSERT_EQUAL(p.oack_to, l);
	CU_ASSERT_EQUAL(grp.rcv[l].role, TFTP_MCR_MASTER);
	CU_ASSERT_EQUAL(grp.handovers, 1);
	CU_ASSERT_EQUAL(grp.dropped, 0);
	/* Its first ACK, even "0" again, counts: it pulls block 1. */
	CU_ASSERT_EQUAL(tftp_mcast_on_ack(&grp, l, 0, &p), TFTP_MCEV_ACT);
	CU_ASSERT_EQUAL(p.block, 1);
	CU_ASSERT_EQUAL(tftp_mcast_leave(&grp, m, TFTP_MCE_ABORT, &p), TFTP_MCEV_NONE);
}

static void
test_pace(void)
{
	struct tftp_mcast_limits lim = { 3, 1000, 1000 };	/* 1 block/ms */
	int sent = 0, ms;

	tftp_mcast_init(&grp, slots, MAX_RCV, 1000, 512, &lim);
	grp.pace_ms = 100;
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 100), 1);	/* empty bucket */
	for (ms = 101; ms <= 200; ms++)
		while (tftp_mcast_pace(&grp, ms) == 0)
			sent++;
	CU_ASSERT_EQUAL(sent, 100);
	lim.pace_pps = 0;
	grp.lim = lim;
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 200), 0);
	/* 100 pps: the bucket holds one; the next waits 10 ms. */
	grp.lim.pace_pps = 100;
	grp.pace_ms = 1000;
	grp.pace_milli = 0;
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 1010), 0);
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 1010), 10);
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 5000), 0);
	CU_ASSERT_EQUAL(tftp_mcast_pace(&grp, 5000), 10);
}

static void
test_option(void)
{
	static const uint8_t want[] = "\0\6blksize\0001428\0multicast\000239.255.1.7,1758,1";
	uint8_t buf[64] = { 0, 6 };
	size_t n;

	memcpy(buf + 2, "blksize\0" "1428", 13);
	n = tftp_mcast_append_option(buf, 15, sizeof(buf), 0xefff0107, 1758, true);
	CU_ASSERT_EQUAL(n, sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	n = tftp_mcast_append_option(buf, 15, 30, 0xefff0107, 1758, false);
	CU_ASSERT_EQUAL(n, 0);	/* no room */
	n = tftp_mcast_append_option(buf, 2, sizeof(buf), 0xefff0001, 65535, false);
	CU_ASSERT_EQUAL(memcmp(buf + 2, "multicast\000239.255.0.1,65535,0", 30), 0);
	CU_ASSERT_STRING_EQUAL(tftp_mcast_strend(TFTP_MCE__MAX), "unknown");
	CU_ASSERT_EQUAL(tftp_mcast_wire_block(65536), 0);
	CU_ASSERT_EQUAL(tftp_mcast_wire_block(131073), 1);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "missing set vs bitmap", test_set_vs_bitmap },
		{ "missing set rows", test_set_rows },
		{ "16-bit ACK across rollover", test_abs_ack_rows },
		{ "master hand-over order", test_handover_order },
		{ "200000 blocks, late joiners, loss", test_rollover_transfer },
		{ "drop a silent master", test_drop_silent_master },
		{ "drop a lossy laggard", test_drop_lossy_laggard },
		{ "join mid-stream", test_join_mid_stream },
		{ "pacing", test_pace },
		{ "multicast option", test_option },
		{ NULL, NULL },
	};

	return unit_run("tftp_mcast", tests);
}
