/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk pool. Every chunk is in exactly one state (enum
 * cache_chunk_state); only the feeder changes it, and a chunk changes hands
 * only by the CAS of its count from 1 (the cache's own reference) to 0, so a
 * worker's concurrent cache_chunk_get either wins first or sees 0 and misses.
 */
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_ring.h>

#include "dataplane/cache/pool.h"
#include "dataplane/proto/csum.h"

/* Called by DPDK when a chunk's count reaches 0; see the rule in layout.h. */
static void
pool_free_cb(void *addr, void *opaque)
{
	struct cache *c = opaque;
	size_t i = ((uint8_t *)addr - c->mem) / c->cfg.chunk_size;
	void *ch = &c->chunks[i];

	/* ret_ring holds every chunk, so this cannot fail. */
	rte_ring_mp_enqueue_elem(c->ret_ring, &ch, sizeof(ch));
}

void
cache_pool_init(struct cache *c)
{
	uint32_t i;

	for (i = 0; i < c->n_chunks; i++) {
		struct cache_chunk *ch = &c->chunks[i];

		ch->data = c->mem + (size_t)i * c->cfg.chunk_size;
		ch->iova = rte_mem_virt2iova(ch->data);
		ch->sums = c->sums + (size_t)i * csum_prefix_entries(c->cfg.chunk_size);
		ch->shinfo.free_cb = pool_free_cb;
		ch->shinfo.fcb_opaque = c;
		rte_mbuf_ext_refcnt_set(&ch->shinfo, 0);
		ch->state = CHUNK_FREE;
		/* Popped from the top: chunk 0 first. */
		c->free_stack[c->n_chunks - 1 - i] = i;
	}
	c->n_free = c->n_chunks;
}

/* The CAS 1 -> 0: true if the cache's reference was the only one, now nobody's. */
static bool
pool_claim(struct cache_chunk *ch)
{
	uint16_t one = 1;

	return __atomic_compare_exchange_n(&ch->shinfo.refcnt, &one, 0, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Belongs to no file: a worker's stale pointer no longer matches (file, index). */
static void
pool_forget(struct cache_chunk *ch)
{
	__atomic_store_n(&ch->file, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->index, UINT32_MAX, __ATOMIC_RELAXED);
	ch->state = CHUNK_FREE;
}

static void
pool_unpublish(struct cache_chunk *ch)
{
	struct cache_file *f = ch->file;

	__atomic_store_n(&f->chunks[ch->index], NULL, __ATOMIC_RELEASE);
}

void
cache_pool_free(struct cache *c, struct cache_chunk *ch)
{
	pool_forget(ch);
	ch->len = 0;
	c->free_stack[c->n_free] = (uint32_t)(ch - c->chunks);
	__atomic_store_n(&c->n_free, c->n_free + 1, __ATOMIC_RELAXED);
}

void
cache_pool_drop_ref(struct cache *c, struct cache_chunk *ch)
{
	if (pool_claim(ch)) {
		cache_pool_free(c, ch);
	} else {
		ch->state = CHUNK_DRAINING;
		c->n_draining++;
	}
}

/* The unreferenced chunk to evict: a DRAINING one first (useless already), else the LRU. */
static struct cache_chunk *
pool_victim(struct cache *c)
{
	struct cache_chunk *victim = NULL;
	uint32_t i;

	for (i = 0; i < c->n_chunks; i++) {
		struct cache_chunk *ch = &c->chunks[i];

		if (ch->state != CHUNK_CACHED && ch->state != CHUNK_DRAINING)
			continue;
		if (__atomic_load_n(&ch->shinfo.refcnt, __ATOMIC_RELAXED) != 1)
			continue;
		if (ch->state == CHUNK_DRAINING)
			return ch;
		if (victim == NULL ||
		    __atomic_load_n(&ch->last_use, __ATOMIC_RELAXED) <
		    __atomic_load_n(&victim->last_use, __ATOMIC_RELAXED))
			victim = ch;
	}
	return victim;
}

struct cache_chunk *
cache_pool_take(struct cache *c)
{
	unsigned tries;

	for (tries = 0; tries < 4; tries++) {
		struct cache_chunk *victim;

		if (c->n_free > 0) {
			struct cache_chunk *ch = &c->chunks[c->free_stack[c->n_free - 1]];

			__atomic_store_n(&c->n_free, c->n_free - 1, __ATOMIC_RELAXED);
			return ch;
		}
		victim = pool_victim(c);
		if (victim == NULL)
			return NULL;
		/* A worker may have taken a reference since the scan: then look again. */
		if (!pool_claim(victim))
			continue;
		if (victim->state == CHUNK_DRAINING) {
			c->n_draining--;
		} else {
			pool_unpublish(victim);
			cache_stat_add(&c->evictions, 1);
		}
		pool_forget(victim);
		return victim;
	}
	return NULL;
}

void
cache_pool_drain(struct cache *c)
{
	uint32_t i;

	for (i = 0; i < c->n_chunks && c->n_draining > 0; i++) {
		struct cache_chunk *ch = &c->chunks[i];

		if (ch->state == CHUNK_DRAINING && pool_claim(ch)) {
			c->n_draining--;
			cache_pool_free(c, ch);
		}
	}
}

unsigned
cache_pool_returns(struct cache *c)
{
	struct cache_chunk *ch;
	unsigned n = 0;

	/* Only a refcount bug brings chunks here; take them back rather than leak. */
	while (rte_ring_sc_dequeue_elem(c->ret_ring, &ch, sizeof(ch)) == 0) {
		cache_stat_add(&c->underflows, 1);
		if (ch->state == CHUNK_CACHED)
			pool_unpublish(ch);
		else if (ch->state == CHUNK_DRAINING)
			c->n_draining--;
		else
			continue;
		cache_pool_free(c, ch);
		n++;
	}
	return n;
}
