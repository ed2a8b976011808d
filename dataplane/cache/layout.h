/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct cache and the ring elements: what the worker side (chunk.c,
 * request.c) and the feeder thread (feeder.c and the modules it drives)
 * share. Nothing outside dataplane/cache/ includes this except the unit test.
 *
 * Reference counting, the one rule everything rests on:
 *   A chunk's count is shinfo.refcnt. While a chunk is CACHED or DRAINING
 *   the cache holds one reference of its own, and only the feeder drops it,
 *   with a CAS 1 -> 0 (nobody else holds it then, and a worker's CAS from 0
 *   fails, so no new reference can appear). Workers' references — from
 *   cache_chunk_get() or one per mbuf attached with cache_chunk_attach() —
 *   are all the same counter, so a worker's decrement never reaches 0 and
 *   DPDK's non-atomic "refcnt == 1" fast path in rte_mbuf_ext_refcnt_update()
 *   is never taken by a worker. free_cb (pool.c) therefore never runs in a
 *   correct program; it is kept (attach requires one) as a counted safety
 *   net that hands the chunk back to the feeder through ret_ring.
 */
#ifndef PXELINE_DATAPLANE_CACHE_LAYOUT_H
#define PXELINE_DATAPLANE_CACHE_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "dataplane/cache/cache.h"

/* Sessions refused a reference above this (uint16_t counter, keep margin). */
#define CACHE_REFCNT_LIMIT 0xff00u
/* Buckets of the version table, keyed by (dev, ino). */
#define CACHE_FILE_BUCKETS 1024u
/* A demand read waits this long for a chunk before CACHE_ERR_BUSY. */
#define CACHE_STARVE_NS (2ull * 1000 * 1000 * 1000)
/* Ring sizes: requests from all workers, answers per worker. */
#define CACHE_OPEN_RING 1024u
#define CACHE_READ_RING 8192u
#define CACHE_DONE_RING 8192u

enum cache_chunk_state {
	CHUNK_FREE = 0,		/* on the feeder's free stack */
	CHUNK_READING,		/* owned by a feeder_op, not visible */
	CHUNK_CACHED,		/* published in file->chunks[index] */
	CHUNK_DRAINING,		/* unpublished, waiting for workers to let go */
};

enum cache_read_kind { CACHE_READ_DEMAND, CACHE_READ_AHEAD };

/* Worker -> feeder, open_ring element. */
struct cache_open_req {
	uint64_t token;
	uint32_t worker;
	char path[256];
};

/* Worker -> feeder, read_ring element. Holds one reference on file. */
struct cache_read_req {
	struct cache_file *file;
	uint64_t token;
	uint32_t idx;
	uint16_t worker;
	uint16_t kind;		/* enum cache_read_kind */
};

/* Hit/miss counters of one lcore; slot RTE_MAX_LCORE is shared by non-EAL threads. */
struct cache_lcore_stats {
	uint64_t hits;
	uint64_t misses;
} __rte_cache_aligned;

struct feeder;

struct cache {
	struct cfg_cache cfg;
	unsigned n_workers;
	uint32_t n_chunks;
	uint8_t *mem;			/* n_chunks * chunk_size, hugepages */
	uint32_t *sums;			/* n_chunks * csum_prefix_entries(chunk_size) */
	struct cache_chunk *chunks;	/* n_chunks descriptors */
	struct rte_ring *open_ring;	/* MP/SC struct cache_open_req */
	struct rte_ring *read_ring;	/* MP/SC struct cache_read_req */
	struct rte_ring *ret_ring;	/* MP/SC chunk pointers from free_cb */
	struct rte_ring **done_rings;	/* SP/SC struct cache_done, one per worker */
	struct cache_lcore_stats lstats[RTE_MAX_LCORE + 1];

	/* Below: written by the feeder thread only (read relaxed by stats). */
	uint32_t *free_stack;		/* indices of FREE chunks */
	uint32_t n_free;
	uint32_t n_draining;
	struct cache_file *table[CACHE_FILE_BUCKETS];	/* current versions */
	struct cache_file *retired;	/* out of the table, freed at refcnt 0 */
	uint64_t reads, read_errors, read_bytes, evictions, opens, open_errors, stale;
	uint64_t underflows;		/* free_cb calls: a refcount bug somewhere */
	struct feeder *feeder;		/* NULL when stopped */
};

/* Counters the feeder alone writes; stats readers load them relaxed. */
static inline void
cache_stat_add(uint64_t *ctr, uint64_t n)
{
	__atomic_store_n(ctr, *ctr + n, __ATOMIC_RELAXED);
}

#endif /* PXELINE_DATAPLANE_CACHE_LAYOUT_H */
