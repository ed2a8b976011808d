/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP API's request bodies: JSON (jansson) into the fields a handler
 * takes, checked, with the 400's words on failure. Pure: no database, no
 * HTTP server, so that a fuzz target (tests/fuzz/fuzz_api.c) runs it alone.
 */
#ifndef PXELINE_CONTROL_API_BODY_H
#define PXELINE_CONTROL_API_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "control/hostspec.h"

#define API_BODY_ERR_MAX 512

/*
 * An optional JSON object of string fields named in allowed (a
 * NULL-terminated list; each value's pointer goes to the slot of the same
 * index). An empty body is an empty object when empty_ok. Returns the root
 * that keeps the strings alive (json_decref it), or NULL with the reason in
 * err (cap bytes).
 */
json_t *api_body_parse(const char *body, size_t len, bool empty_ok, const char *const *allowed,
		       const char **slots, char *err, size_t cap);

/* A host body into hostspec's fields (as api_body_parse). */
json_t *api_body_host(const char *body, size_t len, struct hostspec *s, char *err, size_t cap);

/* A body that takes no fields: empty or {}; false with the reason in err. */
bool api_body_none(const char *body, size_t len, char *err, size_t cap);

#endif /* PXELINE_CONTROL_API_BODY_H */
