/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk cache: creation, and the worker side (lookups, requests,
 * answers). Nothing here blocks, locks or allocates after cache_create;
 * the feeder thread (feeder.c) does every open, read and eviction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/cache/cache.h"
#include "dataplane/cache/layout.h"

static const char *const cache_err_str[CACHE_ERR__MAX] = {
	[CACHE_OK] = "ok",
	[CACHE_ERR_NOT_FOUND] = "file not found",
	[CACHE_ERR_ACCESS] = "access violation",
	[CACHE_ERR_IO] = "read error",
	[CACHE_ERR_STALE] = "file changed during transfer",
	[CACHE_ERR_BUSY] = "cache busy",
	[CACHE_ERR_NOMEM] = "out of memory",
};

const char *
cache_strerror(enum cache_err e)
{
	if ((unsigned)e >= CACHE_ERR__MAX || cache_err_str[e] == NULL)
		return "unknown cache error";
	return cache_err_str[e];
}

/* Ring sizes: requests from all workers, answers per worker. */
#define CACHE_OPEN_RING 1024u
#define CACHE_READ_RING 8192u
#define CACHE_DONE_RING 8192u

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
	c->chunks = rte_zmalloc("pxl_chunk_desc", sizeof(*c->chunks) * c->n_chunks,
				RTE_CACHE_LINE_SIZE);
	c->free_stack = rte_malloc("pxl_chunk_free", sizeof(uint32_t) * c->n_chunks, 0);
	c->done_rings = rte_zmalloc("pxl_done_rings", sizeof(*c->done_rings) * n_workers, 0);
	if (c->mem == NULL || c->chunks == NULL || c->free_stack == NULL ||
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

	for (i = 0; i < c->n_chunks; i++) {
		struct cache_chunk *ch = &c->chunks[i];

		ch->data = c->mem + (size_t)i * cfg->chunk_size;
		ch->iova = rte_mem_virt2iova(ch->data);
		ch->shinfo.free_cb = cache_chunk_free_cb;
		ch->shinfo.fcb_opaque = c;
		rte_mbuf_ext_refcnt_set(&ch->shinfo, 0);
		ch->state = CHUNK_FREE;
		/* Popped from the top: chunk 0 first. */
		c->free_stack[c->n_chunks - 1 - i] = i;
	}
	c->n_free = c->n_chunks;
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
	feeder_release_all(c);
	if (c->done_rings != NULL)
		for (i = 0; i < c->n_workers; i++)
			rte_ring_free(c->done_rings[i]);
	rte_ring_free(c->open_ring);
	rte_ring_free(c->read_ring);
	rte_ring_free(c->ret_ring);
	rte_free(c->done_rings);
	rte_free(c->free_stack);
	rte_free(c->chunks);
	rte_free(c->mem);
	rte_free(c);
}

void
cache_chunk_free_cb(void *addr, void *opaque)
{
	struct cache *c = opaque;
	size_t i = ((uint8_t *)addr - c->mem) / c->cfg.chunk_size;
	void *ch = &c->chunks[i];

	RTE_SET_USED(addr);
	/* ret_ring holds every chunk, so this cannot fail. */
	rte_ring_mp_enqueue_elem(c->ret_ring, &ch, sizeof(ch));
}

/* ---- worker side ---- */

static struct cache_lcore_stats *
cache_lstats(struct cache *c)
{
	unsigned id = rte_lcore_id();

	return &c->lstats[id < RTE_MAX_LCORE ? id : RTE_MAX_LCORE];
}

static void
cache_count(struct cache *c, bool hit)
{
	struct cache_lcore_stats *s = cache_lstats(c);
	uint64_t *ctr = hit ? &s->hits : &s->misses;

	/* Non-EAL threads share the last slot. */
	if (s == &c->lstats[RTE_MAX_LCORE])
		__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
	else
		__atomic_store_n(ctr, *ctr + 1, __ATOMIC_RELAXED);
}

struct cache_chunk *
cache_chunk_get(struct cache_file *f, uint32_t idx)
{
	struct cache_chunk *ch;
	uint16_t r;

	if (idx >= f->n_chunks)
		return NULL;
	ch = __atomic_load_n(&f->chunks[idx], __ATOMIC_ACQUIRE);
	if (ch == NULL)
		goto miss;
	r = __atomic_load_n(&ch->shinfo.refcnt, __ATOMIC_RELAXED);
	do {
		/* 0: being recycled; a stale pointer is still memory-safe (fixed pool). */
		if (r == 0 || r >= CACHE_REFCNT_LIMIT)
			goto miss;
	} while (!__atomic_compare_exchange_n(&ch->shinfo.refcnt, &r, r + 1, true,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	if (__atomic_load_n(&ch->file, __ATOMIC_RELAXED) != f ||
	    __atomic_load_n(&ch->index, __ATOMIC_RELAXED) != idx) {
		cache_chunk_put(ch);
		goto miss;
	}
	__atomic_store_n(&ch->last_use, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
	cache_count(f->cache, true);
	return ch;
miss:
	cache_count(f->cache, false);
	return NULL;
}

void
cache_chunk_put(struct cache_chunk *ch)
{
	if (__atomic_sub_fetch(&ch->shinfo.refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		ch->shinfo.free_cb(ch->data, ch->shinfo.fcb_opaque);
}

int
cache_chunk_attach(struct cache_chunk *ch, struct rte_mbuf *m, uint32_t off, uint16_t len)
{
	uint16_t r;

	if (off > ch->len || len > ch->len - off)
		return -ERANGE;
	r = __atomic_load_n(&ch->shinfo.refcnt, __ATOMIC_RELAXED);
	do {
		if (r >= CACHE_REFCNT_LIMIT)
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(&ch->shinfo.refcnt, &r, r + 1, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	rte_pktmbuf_attach_extbuf(m, ch->data + off, ch->iova + off, len, &ch->shinfo);
	m->data_len = len;
	m->pkt_len = len;
	return 0;
}

enum cache_err
cache_open_async(struct cache *c, unsigned worker, uint64_t token, const char *relpath)
{
	struct cache_open_req req = { .token = token, .worker = worker };
	size_t n = strlen(relpath);

	if (worker >= c->n_workers)
		return CACHE_ERR_ACCESS;
	if (n == 0 || n >= sizeof(req.path))
		return CACHE_ERR_ACCESS;
	memcpy(req.path, relpath, n + 1);
	if (rte_ring_mp_enqueue_elem(c->open_ring, &req, sizeof(req)) != 0)
		return CACHE_ERR_BUSY;
	return CACHE_OK;
}

static enum cache_err
cache_read_enqueue(struct cache *c, unsigned worker, uint64_t token, struct cache_file *f,
		   uint32_t idx, enum cache_read_kind kind)
{
	struct cache_read_req req = {
		.file = f, .token = token, .idx = idx,
		.worker = (uint16_t)worker, .kind = (uint16_t)kind,
	};

	if (worker >= c->n_workers)
		return CACHE_ERR_ACCESS;
	/* The request keeps f alive until the feeder has handled it. */
	cache_file_get(f);
	if (rte_ring_mp_enqueue_elem(c->read_ring, &req, sizeof(req)) != 0) {
		cache_file_put(f);
		return CACHE_ERR_BUSY;
	}
	return CACHE_OK;
}

enum cache_err
cache_chunk_request(struct cache *c, unsigned worker, uint64_t token,
		    struct cache_file *f, uint32_t idx)
{
	return cache_read_enqueue(c, worker, token, f, idx, CACHE_READ_DEMAND);
}

void
cache_readahead(struct cache *c, unsigned worker, struct cache_file *f, uint32_t idx)
{
	if (idx < f->n_chunks)
		cache_read_enqueue(c, worker, 0, f, idx, CACHE_READ_AHEAD);
}

unsigned
cache_poll(struct cache *c, unsigned worker, struct cache_done *out, unsigned n)
{
	if (worker >= c->n_workers)
		return 0;
	return rte_ring_sc_dequeue_burst_elem(c->done_rings[worker], out,
					      sizeof(*out), n, NULL);
}

void
cache_file_get(struct cache_file *f)
{
	__atomic_fetch_add(&f->refcnt, 1, __ATOMIC_RELAXED);
}

void
cache_file_put(struct cache_file *f)
{
	/* Never frees: the feeder reclaims retired versions at 0 (no I/O here). */
	__atomic_fetch_sub(&f->refcnt, 1, __ATOMIC_RELEASE);
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
	ret->read_bytes = __atomic_load_n(&c->read_bytes, __ATOMIC_RELAXED);
	ret->evictions = __atomic_load_n(&c->evictions, __ATOMIC_RELAXED);
	ret->opens = __atomic_load_n(&c->opens, __ATOMIC_RELAXED);
	ret->open_errors = __atomic_load_n(&c->open_errors, __ATOMIC_RELAXED);
	ret->stale = __atomic_load_n(&c->stale, __ATOMIC_RELAXED);
	ret->chunks_total = c->n_chunks;
	ret->chunks_used = c->n_chunks - __atomic_load_n(&c->n_free, __ATOMIC_RELAXED);
}
