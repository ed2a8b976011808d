/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path resolution for the feeder: a canonical relative path (proto/path.h)
 * to an open regular file under the served root, never outside it. Its own
 * module so the unit test can drive it without a feeder thread.
 */
#ifndef PXELINE_DATAPLANE_CACHE_RESOLVE_H
#define PXELINE_DATAPLANE_CACHE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "dataplane/cache/cache.h"

/*
 * Resolves relpath under rootfd: returns CACHE_OK and an O_RDONLY fd of a
 * regular file in *ret_fd, its path as found in ret_path. Symlinks inside
 * the root are followed with openat2(RESOLVE_BENEATH); use_openat2 = false
 * forces the O_NOFOLLOW fallback (every symlink refused). On CACHE_ERR_IO
 * errno is the cause (ENOSYS: the kernel has no openat2, retry without).
 */
enum cache_err feeder_resolve(int rootfd, const char *relpath, bool case_insensitive,
			      bool use_openat2, int *ret_fd, char *ret_path, size_t cap);

#endif /* PXELINE_DATAPLANE_CACHE_RESOLVE_H */
