/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A token bucket per source IPv4 address in a fixed-size table: how the
 * TFTP workers bound the new sessions one address may open (a spoofed
 * RRQ flood from one address, a client stuck in a request loop). The table
 * is set-associative (RATELIMIT_SETS sets of RATELIMIT_WAYS entries, the set
 * picked by a seeded hash of the address): no allocation, no clock (the
 * caller passes the time in ms), and a deterministic eviction when a set is
 * full: the entry whose bucket holds the most tokens now goes (a full
 * bucket is the same as no entry at all; ties go to the lowest way).
 */
#ifndef PXELINE_PROTO_RATELIMIT_H
#define PXELINE_PROTO_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SETS 1024u	/* a power of two */
#define RATELIMIT_WAYS 4u
#define RATELIMIT_ENTRIES (RATELIMIT_SETS * RATELIMIT_WAYS)

/* Tokens are kept in thousandths: `rate` per second is `rate` per ms. */
#define RATELIMIT_UNIT 1000u

struct ratelimit_entry {
	uint32_t ip;		/* host order */
	uint32_t milli;		/* tokens x RATELIMIT_UNIT at stamp_ms */
	uint64_t stamp_ms;	/* 0 = free entry */
};

struct ratelimit {
	uint32_t rate;		/* tokens per second; 0 = no limit */
	uint32_t burst;		/* bucket size in tokens, >= 1 */
	uint32_t seed;		/* hash seed: an attacker cannot aim at one set */
	struct ratelimit_entry e[RATELIMIT_ENTRIES];
};

enum ratelimit_verdict {
	RATELIMIT_PASS,		/* a token taken */
	RATELIMIT_PASS_EVICTED,	/* taken; a new entry pushed another address out */
	RATELIMIT_LIMITED,	/* no token: refuse */
	RATELIMIT__MAX,
};

const char *ratelimit_strerror(enum ratelimit_verdict v);

/* rate 0 turns the limit off; burst 0 is taken as 1. */
void ratelimit_init(struct ratelimit *rl, uint32_t rate, uint32_t burst, uint32_t seed);

/* The set ip's entry lives in (0 .. RATELIMIT_SETS-1): for tests and tools. */
uint32_t ratelimit_set(const struct ratelimit *rl, uint32_t ip);

/* Takes one token for ip at now_ms (a clock that never goes back; > 0). */
enum ratelimit_verdict ratelimit_take(struct ratelimit *rl, uint32_t ip, uint64_t now_ms);

#endif /* PXELINE_PROTO_RATELIMIT_H */
