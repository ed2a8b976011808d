/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk pool: the fixed set of chunk descriptors and their hugepage
 * memory, the free stack, LRU eviction and the chunks waiting for workers
 * to let go (DRAINING). The feeder thread is the only caller, except
 * cache_pool_init (cache_create) and the free callback DPDK calls on any
 * thread. The reference counting rule is in layout.h.
 */
#ifndef PXELINE_DATAPLANE_CACHE_POOL_H
#define PXELINE_DATAPLANE_CACHE_POOL_H

#include "dataplane/cache/layout.h"

/* Points every descriptor at its memory and stacks them all as FREE. */
void cache_pool_init(struct cache *c);

/* A free chunk, evicting the least recently used unreferenced one if needed; NULL if none. */
struct cache_chunk *cache_pool_take(struct cache *c);

/* Back on the free stack; nobody may hold a reference. */
void cache_pool_free(struct cache *c, struct cache_chunk *ch);

/* The cache lets go of its own reference on an unpublished chunk: freed now, or DRAINING. */
void cache_pool_drop_ref(struct cache *c, struct cache_chunk *ch);

/* Frees the DRAINING chunks workers have let go of (maintenance). */
void cache_pool_drain(struct cache *c);

/* Takes back the chunks the free callback returned; returns how many. */
unsigned cache_pool_returns(struct cache *c);

#endif /* PXELINE_DATAPLANE_CACHE_POOL_H */
