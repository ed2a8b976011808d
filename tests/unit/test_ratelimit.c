/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/ratelimit: the token bucket against a naive reference (one bucket
 * per address, doubles), refill and cap, the off switch, and the table's
 * deterministic eviction when more addresses than ways share a set.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/ratelimit.h"
#include "unit.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct ratelimit rl, rl2;

static void
test_burst_then_limited(void)
{
	unsigned i;

	ratelimit_init(&rl, 10, 5, 1);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 1000), RATELIMIT_PASS);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 1000), RATELIMIT_LIMITED);
	/* Another address has its own bucket. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 2), 1000), RATELIMIT_PASS);
	/* 10/s: one token after 100 ms, not after 99. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 1099), RATELIMIT_LIMITED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 1100), RATELIMIT_PASS);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 1100), RATELIMIT_LIMITED);
	/* A long silence refills to the burst, never beyond. */
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 100000), RATELIMIT_PASS);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(198, 51, 100, 1), 100000), RATELIMIT_LIMITED);
}

static void
test_off_and_edges(void)
{
	unsigned i;

	ratelimit_init(&rl, 0, 1, 7);
	for (i = 0; i < 10000; i++)
		CU_ASSERT_EQUAL_FATAL(ratelimit_take(&rl, 42, 1), RATELIMIT_PASS);
	/* burst 0 is one token; time 0 and address 0 are ordinary. */
	ratelimit_init(&rl, 1, 0, 7);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, 0, 0), RATELIMIT_PASS);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, 0, 0), RATELIMIT_LIMITED);
	/* A clock that steps back refills nothing and breaks nothing. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, 0, 0), RATELIMIT_LIMITED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, 0, 1001), RATELIMIT_PASS);
	CU_ASSERT_STRING_EQUAL(ratelimit_strerror(RATELIMIT_LIMITED), "rate-limited");
	CU_ASSERT_PTR_NOT_NULL(ratelimit_strerror(RATELIMIT__MAX));
}

/* At most RATELIMIT_WAYS addresses never evict: the table is exact. */
static void
test_vs_naive(void)
{
	static const uint32_t rates[] = { 1, 7, 50, 1000 };
	double level[RATELIMIT_WAYS];
	uint64_t last[RATELIMIT_WAYS], now;
	unsigned r, k, a;
	bool want;

	srand(14);
	for (r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		uint32_t burst = 1 + (uint32_t)rand() % 20;

		ratelimit_init(&rl, rates[r], burst, (uint32_t)rand());
		for (a = 0; a < RATELIMIT_WAYS; a++) {
			level[a] = burst;
			last[a] = 1;
		}
		now = 1;
		for (k = 0; k < 20000; k++) {
			a = (unsigned)rand() % RATELIMIT_WAYS;
			now += (uint64_t)rand() % 300;
			/* Whole ms, thousandths of a token: exact in doubles. */
			level[a] += (double)(now - last[a]) * rates[r] / 1000.0;
			if (level[a] > burst)
				level[a] = burst;
			last[a] = now;
			want = level[a] >= 1.0 - 1e-9;
			if (want)
				level[a] -= 1.0;
			CU_ASSERT_EQUAL_FATAL(ratelimit_take(&rl, IP4(192, 0, 2, 10 + a), now),
					      want ? RATELIMIT_PASS : RATELIMIT_LIMITED);
		}
	}
}

static void
test_eviction(void)
{
	uint32_t same[RATELIMIT_WAYS + 1], ip, n = 0;
	unsigned i;

	ratelimit_init(&rl, 1, 2, 99);
	for (ip = IP4(198, 51, 100, 0); n < RATELIMIT_WAYS + 1; ip++)
		if (ratelimit_set(&rl, ip) == ratelimit_set(&rl, IP4(198, 51, 100, 0)))
			same[n++] = ip;
	/* Four drained buckets, except way 2 which keeps one token. */
	for (i = 0; i < RATELIMIT_WAYS; i++) {
		CU_ASSERT_EQUAL(ratelimit_take(&rl, same[i], 10), RATELIMIT_PASS);
		if (i != 2)
			CU_ASSERT_EQUAL(ratelimit_take(&rl, same[i], 10), RATELIMIT_PASS);
	}
	/* A fifth address evicts the fullest bucket (way 2)... */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[4], 10), RATELIMIT_PASS_EVICTED);
	/* ...so the drained ones stay drained; same[4] drains its own. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[0], 10), RATELIMIT_LIMITED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[3], 10), RATELIMIT_LIMITED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[4], 10), RATELIMIT_PASS);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[4], 10), RATELIMIT_LIMITED);
	/* All drained: ties go to the lowest way (same[0]); same[2] starts afresh. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[2], 10), RATELIMIT_PASS_EVICTED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[1], 10), RATELIMIT_LIMITED);
	/* same[0] is back as a newcomer and pushes out the fullest: same[2]. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[0], 10), RATELIMIT_PASS_EVICTED);
	CU_ASSERT_EQUAL(ratelimit_take(&rl, same[1], 10), RATELIMIT_LIMITED);
	/* Buckets refilled to the brim are replaced without an eviction. */
	CU_ASSERT_EQUAL(ratelimit_take(&rl, IP4(203, 0, 113, 1), 100000), RATELIMIT_PASS);
}

/* The same inputs give the same verdicts: no hidden state, no randomness. */
static void
test_deterministic(void)
{
	unsigned k, evicted = 0;
	enum ratelimit_verdict a, b;
	uint32_t ip;

	ratelimit_init(&rl, 5, 3, 1234);
	ratelimit_init(&rl2, 5, 3, 1234);
	srand(2);
	for (k = 0; k < 100000; k++) {
		ip = IP4(198, 51, 100, 0) + (uint32_t)rand() % 20000;
		a = ratelimit_take(&rl, ip, 1 + k / 10);
		b = ratelimit_take(&rl2, ip, 1 + k / 10);
		CU_ASSERT_EQUAL_FATAL(a, b);
		evicted += a == RATELIMIT_PASS_EVICTED;
	}
	/* 20000 addresses in 4096 entries: the table must have made room. */
	CU_ASSERT(evicted > 0);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "burst, then limited, then refilled", test_burst_then_limited },
		{ "off switch and edges", test_off_and_edges },
		{ "vs naive reference", test_vs_naive },
		{ "eviction: fullest bucket, lowest way", test_eviction },
		{ "deterministic", test_deterministic },
		{ NULL, NULL },
	};

	return unit_run("ratelimit", tests);
}
