/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File versions. A transfer holds its version for its whole life, so it
 * never mixes old and new bytes: a file rewritten in place gets a new
 * version, and the old one is marked stale, which unpublishes its chunks
 * (workers then miss, ask, and are told CACHE_ERR_STALE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dataplane/cache/pool.h"
#include "dataplane/cache/version.h"

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

static unsigned
version_bucket(uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (unsigned)(h >> 32) % CACHE_FILE_BUCKETS;
}

static int64_t
stat_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000ll + st->st_mtim.tv_nsec;
}

static bool
version_changed(const struct cache_file *f, const struct stat *st)
{
	return (uint64_t)st->st_size != f->size || stat_mtime_ns(st) != f->mtime_ns;
}

static void
version_unpublish_all(struct cache *c, struct cache_file *f)
{
	uint32_t i;

	for (i = 0; i < f->n_chunks; i++) {
		struct cache_chunk *ch = f->chunks[i];

		if (ch == NULL)
			continue;
		__atomic_store_n(&f->chunks[i], NULL, __ATOMIC_RELEASE);
		cache_pool_drop_ref(c, ch);
	}
}

static void
version_retire(struct cache *c, struct cache_file *f)
{
	struct cache_file **pp;

	if (f->retired)
		return;
	for (pp = &c->table[version_bucket(f->dev, f->ino)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	f->retired = true;
	f->next = c->retired;
	c->retired = f;
	cache_file_put(f);	/* the table's reference */
}

static void
version_mark_stale(struct cache *c, struct cache_file *f)
{
	if (f->stale)
		return;
	f->stale = true;
	cache_stat_add(&c->stale, 1);
	version_retire(c, f);
	/* Workers now miss, ask, and are told CACHE_ERR_STALE. */
	version_unpublish_all(c, f);
}

bool
cache_version_check(struct cache *c, struct cache_file *f)
{
	struct stat st;

	if (f->stale)
		return false;
	if (fstat(f->fd, &st) == 0 && !version_changed(f, &st))
		return true;
	version_mark_stale(c, f);
	return false;
}

/* The version's own memory, not its fd (the caller decides about that). */
static void
version_release(struct cache_file *f)
{
	free(f->chunks);
	free(f->pending);
	free(f);
}

static void
version_free(struct cache *c, struct cache_file *f)
{
	version_unpublish_all(c, f);
	if (f->fd >= 0)
		close(f->fd);
	version_release(f);
}

static struct cache_file *
version_new(struct cache *c, int fd, const struct stat *st, const char *path)
{
	struct cache_file *f = calloc(1, sizeof(*f));
	uint64_t n = ((uint64_t)st->st_size + c->cfg.chunk_size - 1) / c->cfg.chunk_size;

	if (f == NULL || n > UINT32_MAX)
		goto fail;
	f->size = (uint64_t)st->st_size;
	f->chunk_size = c->cfg.chunk_size;
	f->n_chunks = (uint32_t)n;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mtime_ns = stat_mtime_ns(st);
	f->cache = c;
	f->chunks = calloc(n ? n : 1, sizeof(*f->chunks));
	f->pending = calloc(n ? n : 1, sizeof(*f->pending));
	if (f->chunks == NULL || f->pending == NULL)
		goto fail;
	return f;
fail:
	if (f != NULL)
		version_release(f);
	return NULL;
}

struct cache_file *
cache_version_find(struct cache *c, const struct stat *st)
{
	struct cache_file *f;

	for (f = c->table[version_bucket(st->st_dev, st->st_ino)]; f != NULL; f = f->next) {
		if (f->dev != st->st_dev || f->ino != st->st_ino)
			continue;
		if (!version_changed(f, st) && cache_version_check(c, f))
			return f;
		/* Rewritten in place: the old version's transfers must fail. */
		version_mark_stale(c, f);
		break;
	}
	return NULL;
}

struct cache_file *
cache_version_add(struct cache *c, int fd, const struct stat *st, const char *path)
{
	struct cache_file **head = &c->table[version_bucket(st->st_dev, st->st_ino)];
	struct cache_file *f = version_new(c, fd, st, path);

	if (f == NULL)
		return NULL;
	f->refcnt = 2;		/* the table's and the caller's */
	f->next = *head;
	*head = f;
	return f;
}

void
cache_version_retire_idle(struct cache *c, uint64_t now_ns, uint64_t idle_ns)
{
	struct cache_file *f;
	unsigned i;

	for (i = 0; i < CACHE_FILE_BUCKETS; i++) {
		for (f = c->table[i]; f != NULL;) {
			struct cache_file *next = f->next;
			struct stat st;

			if (__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) == 1 &&
			    (now_ns - f->last_open_ns > idle_ns ||
			     fstat(f->fd, &st) != 0 || st.st_nlink == 0 ||
			     version_changed(f, &st)))
				version_retire(c, f);
			f = next;
		}
	}
}

void
cache_version_reap(struct cache *c)
{
	struct cache_file **pp, *f;

	for (pp = &c->retired; (f = *pp) != NULL;) {
		if (__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) != 0) {
			pp = &f->next;
			continue;
		}
		*pp = f->next;
		version_free(c, f);
	}
}

void
cache_version_release_all(struct cache *c)
{
	struct cache_file *f;
	unsigned i;

	/* Shutdown: every version goes, whoever still points at it. */
	for (i = 0; i < CACHE_FILE_BUCKETS; i++) {
		while ((f = c->table[i]) != NULL) {
			c->table[i] = f->next;
			version_free(c, f);
		}
	}
	while ((f = c->retired) != NULL) {
		c->retired = f->next;
		version_free(c, f);
	}
}
