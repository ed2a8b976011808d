/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk cache: file contents in fixed-size, refcounted chunks of
 * hugepage memory, shared by every session on every lcore (one copy of
 * boot.wim whatever the client count). The feeder thread (feeder.c) is the
 * only one that opens files, reads them (io_uring) and evicts chunks; workers
 * only look chunks up and ask for what is missing, through rings. Nothing
 * here blocks or locks on the worker side.
 *
 * A file is cached per version (device, inode, size, mtime): a transfer
 * holds its version for its whole life, so it never mixes old and new bytes;
 * if a file is rewritten in place the feeder fails the version's reads
 * (CACHE_ERR_STALE) and the transfer ends with an ERROR.
 */
#ifndef PXELINE_DATAPLANE_CACHE_CACHE_H
#define PXELINE_DATAPLANE_CACHE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "config/config.h"

enum cache_err {
	CACHE_OK = 0,
	CACHE_ERR_NOT_FOUND,	/* no such file (ERROR 1) */
	CACHE_ERR_ACCESS,	/* outside the root, not a regular file, unreadable (ERROR 2) */
	CACHE_ERR_IO,		/* read failed */
	CACHE_ERR_STALE,	/* the file changed under a transfer */
	CACHE_ERR_BUSY,		/* a ring or the chunk pool is full: try again later */
	CACHE_ERR_NOMEM,
	CACHE_ERR__MAX,
};

const char *cache_strerror(enum cache_err e);

/* One version of one file. Refcounted; workers hold it for a transfer. */
struct cache_file {
	uint64_t size;		/* bytes */
	uint32_t chunk_size;	/* copy of the cache's chunk size */
	uint32_t n_chunks;	/* ceil(size / chunk_size) */
	char path[256];		/* canonical relative path as opened (for logs) */
	/* private to dataplane/cache/ below this line */
	uint32_t refcnt;
	int fd;
	uint64_t dev, ino;
	int64_t mtime_ns;
	bool stale;
	bool retired;			/* out of the version table */
	struct cache_chunk **chunks;	/* n_chunks slots, published atomically */
	struct feeder_op **pending;	/* n_chunks slots: read in progress (feeder only) */
	struct cache_file *next;	/* feeder's version table or retired list */
	struct cache *cache;		/* for hit/miss counters */
	uint64_t last_open_ns;		/* feeder: idle versions are let go after a while */
};

/* A chunk: chunk_size bytes of one file version, or fewer at the end. */
struct cache_chunk {
	uint8_t *data;		/* hugepage memory */
	uint32_t len;		/* valid bytes */
	uint32_t index;		/* chunk number within file */
	struct cache_file *file;/* owner; checked after taking a reference */
	/* Refcount and free callback for mbufs attached with
	 * rte_pktmbuf_attach_extbuf: the chunk stays while any mbuf points at it. */
	struct rte_mbuf_ext_shared_info shinfo;
	/* private below; the reference count is shinfo.refcnt (see cache_internal.h) */
	rte_iova_t iova;	/* of data, for attached mbufs */
	uint32_t *sums;		/* checksum prefix array of data (proto/csum.h), filled on read */
	uint64_t last_use;	/* TSC of the last get or request, for eviction */
	uint8_t state;		/* enum cache_chunk_state, feeder only */
};

/* What the feeder answers a worker. */
enum cache_done_kind { CACHE_DONE_OPEN, CACHE_DONE_CHUNK };

struct cache_done {
	enum cache_done_kind kind;
	uint64_t token;		/* the worker's, e.g. session slot + generation */
	enum cache_err err;
	int32_t sys_err;	/* the errno behind CACHE_ERR_IO, 0 when none */
	struct cache_file *file;/* OPEN: the version, one reference for the worker */
	uint32_t chunk;		/* CHUNK: which one is now present */
};

/* "read error: Input/output error": the words and, when known, the errno of
 * a failed open or read, for the client's ERROR and the log (buf, cap). */
const char *cache_done_strerror(const struct cache_done *d, char *buf, size_t cap);

struct cache;

/* Creates the cache and its rings for n_workers worker lcores. */
struct cache *cache_create(const struct cfg_cache *cfg, unsigned n_workers);
void cache_destroy(struct cache *c);

/* Starts/stops the feeder thread ("pxl-feeder", an rte_ctrl_thread) serving
 * root. feeder_start returns 0 or -errno; cache_destroy stops it too and frees
 * every version, held or not (shutdown only). */
int feeder_start(struct cache *c, const char *root, bool case_insensitive);
void feeder_stop(struct cache *c);

/* ---- worker side: never blocks ---- */

/* Asks the feeder to open relpath (already canonical: see proto/path.h). */
enum cache_err cache_open_async(struct cache *c, unsigned worker, uint64_t token,
				const char *relpath);

/*
 * Takes a reference on chunk idx if it is present, else returns NULL (also
 * when idx >= n_chunks). The caller must hold a reference on f. All
 * references to a chunk — get()s and attached mbufs — are one counter,
 * shinfo.refcnt, and the cache keeps one of its own while the chunk is
 * cached, so a worker's put or mbuf free never frees the chunk: the feeder
 * reclaims it once only its own reference is left.
 */
struct cache_chunk *cache_chunk_get(struct cache_file *f, uint32_t idx);
void cache_chunk_put(struct cache_chunk *ch);

/*
 * Points segment m (direct, refcnt 1, nothing attached) at bytes
 * [off, off + len) of ch without copying and takes one more chunk reference,
 * dropped when m is freed. The caller must hold a reference on ch. Sets
 * data_len and pkt_len to len. Returns 0, or -ERANGE if the range is outside
 * the chunk, -ENOSPC if the chunk has too many references (copy instead).
 */
int cache_chunk_attach(struct cache_chunk *ch, struct rte_mbuf *m, uint32_t off, uint16_t len);

/*
 * The Internet checksum sum (RFC 1071, unfolded: see proto/csum.h) of bytes
 * [off, off + len) of ch as if they started at an even offset, from the
 * sums the feeder computed when it read the chunk: no payload byte is
 * read but the few outside whole 64-byte strides. The range must lie
 * inside ch->len; the caller holds a reference.
 */
uint32_t cache_chunk_sum(const struct cache_chunk *ch, uint32_t off, uint32_t len);

/*
 * Asks for chunk idx (and cfg readahead chunks after it) to be read; the
 * feeder answers CACHE_DONE_CHUNK for idx to this worker with this token:
 * CACHE_OK once it is present (a chunk can be evicted again before the
 * worker looks: then get() misses and the worker asks again),
 * CACHE_ERR_STALE if the file changed, CACHE_ERR_IO (also for idx >=
 * n_chunks), CACHE_ERR_BUSY after ~2 s without a free or evictable chunk.
 * Requests for a chunk already being read share that one read. Returns
 * CACHE_ERR_BUSY at once if the request ring is full.
 */
enum cache_err cache_chunk_request(struct cache *c, unsigned worker, uint64_t token,
				   struct cache_file *f, uint32_t idx);

/* Hint: a transfer will soon want chunk idx (only idx); no answer is sent. */
void cache_readahead(struct cache *c, unsigned worker, struct cache_file *f, uint32_t idx);

/* Collects up to n answers for this worker. A successful OPEN carries one
 * reference on the version: the worker drops it with cache_file_put(). */
unsigned cache_poll(struct cache *c, unsigned worker, struct cache_done *out, unsigned n);

/* Workers never free a version: the feeder does, once it is out of its
 * table (replaced, stale, unlinked or idle 10 min) and the last reference is gone. */
void cache_file_get(struct cache_file *f);
void cache_file_put(struct cache_file *f);

/* Counters, summed for telemetry. */
struct cache_stats {
	uint64_t hits, misses, reads, read_errors, read_bytes, evictions, opens, open_errors, stale;
	uint64_t chunks_used, chunks_total;
	uint64_t chunks_held;	/* referenced beyond the cache's own: a session
				 * or an mbuf in flight holds them (soak checks) */
};
void cache_get_stats(struct cache *c, struct cache_stats *ret);

#endif /* PXELINE_DATAPLANE_CACHE_CACHE_H */
