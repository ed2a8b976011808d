/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP endpoint's requests, past the transport: routing, the JSON API
 * under /api/v1/ (what pxectl does) and GET /metrics. http.c owns the
 * socket, the token and the body limit, then hands each complete request
 * here; no sockets, so the unit test calls api_handle directly.
 *
 *   GET    /metrics                   Prometheus text (metrics.h)
 *   GET    /api/v1/hosts              every host record
 *   POST   /api/v1/hosts              {"mac","uuid","action","profile","name"} -> 201
 *   GET    /api/v1/hosts/{key}        key: record id, MAC or UUID
 *   PATCH  /api/v1/hosts/{key}        the given fields (PUT: the same)
 *   DELETE /api/v1/hosts/{key}
 *   POST   /api/v1/hosts/{key}/arm    re-arm a once host
 *   GET    /api/v1/status             counters (pxectl status)
 *   GET    /api/v1/sessions           open TFTP sessions (pxectl sessions)
 *   POST   /api/v1/reload             501 unless a reload callback is set
 *
 * Bodies are JSON objects of string fields, checked by hostspec as pxectl's
 * are; an unknown field, a duplicate or a non-string is a 400 naming it.
 * Every error is {"error": "..."}.
 */
#ifndef PXELINE_CONTROL_API_H
#define PXELINE_CONTROL_API_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "control/ctl.h"
#include "dataplane/base/stats.h"
#include "dataplane/cache/cache.h"

struct hostdb;

#define API_BODY_MAX 65536	/* 64 KiB; larger bodies: 413 */

/* What the API reads of the engine; every member may be NULL. */
struct api_callbacks {
	/* The data plane's counters summed over workers (telemetry_sum) and the cache's. */
	void (*stats)(void *arg, struct worker_stats *ret_ws, struct cache_stats *ret_cs);
	ctl_sessions_fn sessions;	/* text lines, as `pxectl sessions` prints them */
	/* Reloads the configuration: 0 when done; report says what changed or why not. */
	int (*reload)(void *arg, char *report, size_t cap);
	void *reload_arg;		/* reload's own argument */
	void *arg;
	unsigned n_workers;
};

struct api_ctx {
	const struct pxeline_config *cfg;
	struct hostdb *db;
	struct api_callbacks cb;
	uint64_t start_ns;		/* monotonic, for the uptime */
};

struct api_reply {
	unsigned status;		/* HTTP status */
	char *body;			/* malloc'd; the caller frees */
	size_t len;
	const char *content_type;
	const char *allow;		/* 405: the methods the path takes */
};

/* Answers one request (method and path as sent, body of len bytes). Never fails. */
void api_handle(const struct api_ctx *ctx, const char *method, const char *path,
		const char *body, size_t len, struct api_reply *ret);

/* A {"error": msg} reply (also for http.c's own 401/413). */
void api_error(struct api_reply *ret, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* PXELINE_CONTROL_API_H */
