/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload changes: the keys of two loaded configurations compared one
 * by one, each known to be live (applied to the next request) or not (the
 * port, pool, cache, rings and sockets were sized or opened from it at
 * start). Pure: no I/O, so the table is tested row by row.
 */
#ifndef PXELINE_CONTROL_RELOAD_DIFF_H
#define PXELINE_CONTROL_RELOAD_DIFF_H

#include <stddef.h>

#include "config/config.h"

enum reload_err {
	RELOAD_OK = 0,
	RELOAD_ERR_CONFIG,	/* the file has errors: nothing changed */
	RELOAD_ERR_RESTART,	/* a key that cannot change live changed: nothing changed */
	RELOAD_ERR_NOMEM,
	RELOAD_ERR_MAX
};

/* Never NULL, also for values out of range. */
const char *reload_strerror(int err);

/*
 * Compares old with new. When only live keys differ returns 0 and writes
 * "reloaded: KEY OLD -> NEW, ..." ("reloaded: nothing changed" when none)
 * to report; when a key that needs a restart differs returns
 * -RELOAD_ERR_RESTART and writes "refused: needs a restart: KEY OLD -> NEW,
 * ...; nothing changed", naming every such key. report is always
 * NUL-terminated (cut with "..." when cap is short).
 */
int reload_diff(const struct pxeline_config *old, const struct pxeline_config *new,
		char *report, size_t cap);

#endif /* PXELINE_CONTROL_RELOAD_DIFF_H */
