/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cache object's life: create it (memory, rings, the chunk pool) and
 * destroy it (stopping the feeder first), its counters summed for
 * telemetry, and its error strings. The modules it calls never call back:
 * the feeder (feeder.c) and the versions (version.c) are below it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dataplane/cache/cache.h"
#include "dataplane/cache/layout.h"
#include "dataplane/cache/pool.h"
#include "dataplane/cache/version.h"
#include "dataplane/proto/csum.h"

static const char *const cache_err_str[] = {
	[CACHE_OK] = "ok",
	[CACHE_ERR_NOT_FOUND] = "file not found",
	[CACHE_ERR_ACCESS] = "access violation",
	[CACHE_ERR_IO] = "read error",
	[CACHE_ERR_STALE] = "file changed during transfer",
	[CACHE_ERR_BUSY] = "cache busy",
	[CACHE_ERR_NOMEM] = "out of memory",
};
_Static_assert(sizeof(cache_err_str) / sizeof(cache_err_str[0]) == CACHE_ERR__MAX, "cache_err_str out of step with its enum");

const char *
cache_strerror(enum cache_err e)
{
	if ((unsigned)e >= CACHE_ERR__MAX || cache_err_str[e] == NULL)
		return "unknown cache error";
	return cache_err_str[e];
}

const char *
cache_done_strerror(const struct cache_done *d, char *buf, size_t cap)
{
	/* strerrordesc_np: no locale, no static buffer, safe on any thread. */
	const char *cause = d->sys_err > 0 ? strerrordesc_np(d->sys_err) : NULL;

	if (cause == NULL)
		return cache_strerror(d->err);
	snprintf(buf, cap, "%s: %s", cache_strerror(d->err), cause);
	return buf;
}

static struct rte_ring *
cache_ring(const char *what, unsigned id, unsigned n, unsigned esize, unsigned flags)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];

	/* Unique per process: tests create several caches. */
	snprintf(name, sizeof(name), "pxc%u_%s%u",
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED), what, id);
	return rte_ring_create_elem(name, esize, n, SOCKET_ID_ANY, flags);
}

/* Largest power of two dividing n, at most 2 MiB: keeps chunks inside one hugepage. */
static size_t
chunk_align(uint32_t n)
{
	size_t a = (size_t)n & -(size_t)n;

	if (a > (2u << 20))
		a = 2u << 20;
	return a < RTE_CACHE_LINE_SIZE ? RTE_CACHE_LINE_SIZE : a;
}

struct cache *
cache_create(const struct cfg_cache *cfg, unsigned n_workers)
{
	struct cache *c;
	uint32_t i;

	if (cfg->chunk_size == 0 || cfg->size / cfg->chunk_size == 0 ||
	    cfg->size / cfg->chunk_size > UINT32_MAX || n_workers == 0 ||
	    n_workers > UINT16_MAX || cfg->queue_depth == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	c = rte_zmalloc("pxl_cache", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL)
		return NULL;
	c->cfg = *cfg;
	c->n_workers = n_workers;
	c->n_chunks = (uint32_t)(cfg->size / cfg->chunk_size);

	c->mem = rte_malloc("pxl_chunks", (size_t)c->n_chunks * cfg->chunk_size,
			    chunk_align(cfg->chunk_size));
	/* The checksum sums (1/16 of the chunks' size) live beside them. */
	c->sums = rte_malloc("pxl_chunk_sums", (size_t)c->n_chunks *
			     csum_prefix_entries(cfg->chunk_size) * sizeof(uint32_t),
			     RTE_CACHE_LINE_SIZE);
	c->chunks = rte_zmalloc("pxl_chunk_desc", sizeof(*c->chunks) * c->n_chunks,
				RTE_CACHE_LINE_SIZE);
	c->free_stack = rte_malloc("pxl_chunk_free", sizeof(uint32_t) * c->n_chunks, 0);
	c->done_rings = rte_zmalloc("pxl_done_rings", sizeof(*c->done_rings) * n_workers, 0);
	if (c->mem == NULL || c->sums == NULL || c->chunks == NULL || c->free_stack == NULL ||
	    c->done_rings == NULL)
		goto fail;

	c->open_ring = cache_ring("o", 0, CACHE_OPEN_RING, sizeof(struct cache_open_req),
				  RING_F_SC_DEQ);
	c->read_ring = cache_ring("r", 0, CACHE_READ_RING, sizeof(struct cache_read_req),
				  RING_F_SC_DEQ);
	c->ret_ring = cache_ring("f", 0, rte_align32pow2(c->n_chunks + 1), sizeof(void *),
				 RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (c->open_ring == NULL || c->read_ring == NULL || c->ret_ring == NULL)
		goto fail;
	for (i = 0; i < n_workers; i++) {
		c->done_rings[i] = cache_ring("d", i, CACHE_DONE_RING, sizeof(struct cache_done),
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (c->done_rings[i] == NULL)
			goto fail;
	}

	cache_pool_init(c);
	return c;
fail:
	cache_destroy(c);
	if (rte_errno == 0)
		rte_errno = ENOMEM;
	return NULL;
}

void
cache_destroy(struct cache *c)
{
	unsigned i;

	if (c == NULL)
		return;
	feeder_stop(c);
	cache_version_release_all(c);
	if (c->done_rings != NULL)
		for (i = 0; i < c->n_workers; i++)
			rte_ring_free(c->done_rings[i]);
	rte_ring_free(c->open_ring);
	rte_ring_free(c->read_ring);
	rte_ring_free(c->ret_ring);
	rte_free(c->done_rings);
	rte_free(c->free_stack);
	rte_free(c->chunks);
	rte_free(c->sums);
	rte_free(c->mem);
	rte_free(c);
}

void
cache_get_stats(struct cache *c, struct cache_stats *ret)
{
	unsigned i;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i <= RTE_MAX_LCORE; i++) {
		ret->hits += __atomic_load_n(&c->lstats[i].hits, __ATOMIC_RELAXED);
		ret->misses += __atomic_load_n(&c->lstats[i].misses, __ATOMIC_RELAXED);
	}
	ret->reads = __atomic_load_n(&c->reads, __ATOMIC_RELAXED);
	ret->read_errors = __atomic_load_n(&c->read_errors, __ATOMIC_RELAXED);
	ret->read_bytes = __atomic_load_n(&c->read_bytes, __ATOMIC_RELAXED);
	ret->evictions = __atomic_load_n(&c->evictions, __ATOMIC_RELAXED);
	ret->opens = __atomic_load_n(&c->opens, __ATOMIC_RELAXED);
	ret->open_errors = __atomic_load_n(&c->open_errors, __ATOMIC_RELAXED);
	ret->stale = __atomic_load_n(&c->stale, __ATOMIC_RELAXED);
	ret->chunks_total = c->n_chunks;
	ret->chunks_used = c->n_chunks - __atomic_load_n(&c->n_free, __ATOMIC_RELAXED);
	/* Free chunks have refcnt 0, cached ones 1 (the cache's own). */
	for (i = 0; i < c->n_chunks; i++)
		if (__atomic_load_n(&c->chunks[i].shinfo.refcnt, __ATOMIC_RELAXED) > 1)
			ret->chunks_held++;
}
