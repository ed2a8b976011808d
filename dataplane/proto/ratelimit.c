/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dataplane/proto/ratelimit.h"

_Static_assert((RATELIMIT_SETS & (RATELIMIT_SETS - 1)) == 0, "sets: a power of two");

static const char *const ratelimit_str[] = {
	[RATELIMIT_PASS] = "passed",
	[RATELIMIT_PASS_EVICTED] = "passed, another source evicted",
	[RATELIMIT_LIMITED] = "rate-limited",
};
_Static_assert(sizeof(ratelimit_str) / sizeof(ratelimit_str[0]) == RATELIMIT__MAX,
	       "one string per verdict");

const char *
ratelimit_strerror(enum ratelimit_verdict v)
{
	return (unsigned)v < RATELIMIT__MAX ? ratelimit_str[v] : "unknown verdict";
}

void
ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst, uint32_t seed)
{
	memset(rl->e, 0, sizeof(rl->e));
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->seed = seed;
}

/* murmur3's 32-bit finaliser over the seeded address: every bit counts. */
uint32_t
ratelimit_set(const struct ratelimit *rl, uint32_t ip)
{
	uint32_t h = ip ^ rl->seed;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (RATELIMIT_SETS - 1);
}

/* The bucket's tokens (thousandths) at now_ms, refilled and capped. */
static uint32_t
ratelimit_level(const struct ratelimit *rl, const struct ratelimit_entry *e, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)rl->burst * RATELIMIT_UNIT;
	uint64_t v;

	if (e->stamp_ms == 0)
		return (uint32_t)cap;
	v = e->milli + (now_ms > e->stamp_ms ? now_ms - e->stamp_ms : 0) * rl->rate;
	return (uint32_t)(v > cap ? cap : v);
}

enum ratelimit_verdict
ratelimit_take(struct ratelimit *rl, uint32_t ip, uint64_t now_ms)
{
	struct ratelimit_entry *set = &rl->e[ratelimit_set(rl, ip) * RATELIMIT_WAYS];
	struct ratelimit_entry *e = NULL, *victim = set;
	uint32_t cap = rl->burst * RATELIMIT_UNIT, level, best = 0;
	bool evicted = false;
	unsigned i;

	if (rl->rate == 0)
		return RATELIMIT_PASS;
	for (i = 0; i < RATELIMIT_WAYS && !e; i++) {
		if (set[i].stamp_ms != 0 && set[i].ip == ip)
			e = &set[i];
	}
	if (!e) {
		for (i = 0; i < RATELIMIT_WAYS; i++) {
			if (set[i].stamp_ms == 0) {
				victim = &set[i];
				best = cap;
				break;
			}
			level = ratelimit_level(rl, &set[i], now_ms);
			if (i == 0 || level > best) {
				best = level;
				victim = &set[i];
			}
		}
		/* A full bucket carries no history: replacing it is no eviction. */
		evicted = best < cap;
		e = victim;
		e->ip = ip;
		e->stamp_ms = 0;
	}
	level = ratelimit_level(rl, e, now_ms);
	e->stamp_ms = now_ms ? now_ms : 1;
	if (level < RATELIMIT_UNIT) {
		e->milli = level;
		return RATELIMIT_LIMITED;
	}
	e->milli = level - RATELIMIT_UNIT;
	return evicted ? RATELIMIT_PASS_EVICTED : RATELIMIT_PASS;
}
