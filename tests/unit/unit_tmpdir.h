/* SPDX-License-Identifier: BSD-3-Clause */
/* A private directory under /tmp for tests that need real files or sockets. */
#ifndef PXELINE_TESTS_UNIT_TMPDIR_H
#define PXELINE_TESTS_UNIT_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

/* Creates /tmp/<name>.XXXXXX into ret_dir; 0, or -1 if it cannot. */
static inline int
unit_tmpdir_make(char *ret_dir, size_t len, const char *name)
{
	int n = snprintf(ret_dir, len, "/tmp/%s.XXXXXX", name);

	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdtemp(ret_dir) != NULL ? 0 : -1;
}

/* Removes the directory and all below it; 0, or -1 if that failed. */
static inline int
unit_tmpdir_remove(const char *dir)
{
	char cmd[600];
	int n = snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);

	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

#endif /* PXELINE_TESTS_UNIT_TMPDIR_H */
