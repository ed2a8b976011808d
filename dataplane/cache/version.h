/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File versions: the table of current versions, keyed by (dev, ino), and
 * the retired list. A cache_file is one (dev, ino, size, mtime) of a file.
 * The table holds one reference on each current version; a version that is
 * replaced, found stale or idle and unlinked is retired (out of the table)
 * and freed once the last reference — workers' and in-flight requests' —
 * is gone. Feeder thread only, except cache_file_get/put (cache.h) and
 * cache_version_release_all (cache_destroy, feeder stopped).
 */
#ifndef PXELINE_DATAPLANE_CACHE_VERSION_H
#define PXELINE_DATAPLANE_CACHE_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/stat.h>

#include "dataplane/cache/layout.h"

/*
 * The current version of the file st describes, if it still matches
 * (size, mtime) and its own fd says so too; NULL if there is none. A current
 * version that no longer matches is marked stale: its transfers must fail.
 * Takes no reference.
 */
struct cache_file *cache_version_find(struct cache *c, const struct stat *st);

/* A new current version over fd (taken over) with two references, the
 * table's and the caller's; NULL if out of memory (fd left open). */
struct cache_file *cache_version_add(struct cache *c, int fd, const struct stat *st,
				     const char *path);

/* fstat of the open fd: false (and stale) if the file changed under the version. */
bool cache_version_check(struct cache *c, struct cache_file *f);

/* Retires the versions nobody holds whose file is gone, changed or unopened since idle_ns. */
void cache_version_retire_idle(struct cache *c, uint64_t now_ns, uint64_t idle_ns);

/* Frees the retired versions nobody holds any more. */
void cache_version_reap(struct cache *c);

/* Shutdown: frees every version, whoever still points at it. */
void cache_version_release_all(struct cache *c);

#endif /* PXELINE_DATAPLANE_CACHE_VERSION_H */
