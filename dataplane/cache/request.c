/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker -> feeder requests (open a file, read a chunk, read ahead) and the
 * feeder's answers back. Each worker has its own answer ring; requests from
 * all workers share one ring per kind. Never blocks: a full ring is
 * CACHE_ERR_BUSY and the caller tries again later.
 */
#include <string.h>

#include <rte_ring.h>

#include "dataplane/cache/layout.h"

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
