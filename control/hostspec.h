/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A host record as an operator writes it: text fields checked and turned
 * into a struct hostdb_host. One validation for both front ends, pxectl's
 * control socket (ctl.c) and the HTTP API (api.c); only the way a message
 * names a field differs ("--mac" there, "mac" here).
 */
#ifndef PXELINE_CONTROL_HOSTSPEC_H
#define PXELINE_CONTROL_HOSTSPEC_H

#include <stddef.h>

#include "config/config.h"
#include "control/hostdb.h"

/* How messages name the fields. */
enum hostspec_style {
	HOSTSPEC_CLI,	/* "--mac", "host add" */
	HOSTSPEC_JSON,	/* "'mac'", "a new host" */
};

/* The fields given; NULL = not given, "" for profile or name clears it. */
struct hostspec {
	const char *mac;
	const char *uuid;
	const char *action;	/* boot, once, abort, ignore */
	const char *profile;	/* must name a profile of cfg */
	const char *name;
};

/*
 * Checks s and writes the given fields into h (an existing record, or a
 * zeroed one). Setting action once (again) arms it. Returns 0, or -1 with
 * the reason in ret_err (cap bytes, no "ERR" prefix, no newline).
 */
int hostspec_apply(const struct pxeline_config *cfg, const struct hostspec *s,
		   enum hostspec_style style, struct hostdb_host *h, char *ret_err, size_t cap);

/* A new record: like hostspec_apply on a zeroed h, and a key and an action are required. */
int hostspec_new(const struct pxeline_config *cfg, const struct hostspec *s,
		 enum hostspec_style style, struct hostdb_host *ret_h, char *ret_err, size_t cap);

#endif /* PXELINE_CONTROL_HOSTSPEC_H */
