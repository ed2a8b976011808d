/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Chunks on the worker side: look a chunk up, take and drop references,
 * attach one to an mbuf without copying, sum a range of it for a checksum,
 * and count hits and misses. Runs on any lcore; never blocks, locks or
 * allocates.
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dataplane/cache/layout.h"
#include "dataplane/proto/csum.h"

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

uint32_t
cache_chunk_sum(const struct cache_chunk *ch, uint32_t off, uint32_t len)
{
	return csum_prefix_range(ch->sums, ch->data, off, len);
}
