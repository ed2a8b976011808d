/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Between hostdb.c (the API, checks, text forms) and its two backends,
 * hostdb_sqlite.c and hostdb_pg.c: one table of operations. hostdb.c has
 * already checked what it can (a record's fields) before it calls one.
 */
#ifndef PXELINE_CONTROL_HOSTDB_INTERNAL_H
#define PXELINE_CONTROL_HOSTDB_INTERNAL_H

#include "control/hostdb.h"

typedef int (*hostdb_host_fn)(void *arg, const struct hostdb_host *h);
typedef int (*hostdb_event_fn)(void *arg, const struct hostdb_event *ev);

/* Which key a lookup uses. */
enum hostdb_key { HOSTDB_KEY_ID, HOSTDB_KEY_MAC, HOSTDB_KEY_UUID };

struct hostdb_ops {
	const char *name;
	void (*close)(struct hostdb *db);
	/* key: the text form (MAC, UUID) or NULL for id. */
	enum hostdb_err (*lookup)(struct hostdb *db, enum hostdb_key k, const char *key,
				  int64_t id, struct hostdb_host *ret_host);
	enum hostdb_err (*add)(struct hostdb *db, const struct hostdb_host *h, int64_t *ret_id);
	enum hostdb_err (*set)(struct hostdb *db, const struct hostdb_host *h);
	enum hostdb_err (*del)(struct hostdb *db, int64_t id);
	enum hostdb_err (*list)(struct hostdb *db, hostdb_host_fn fn, void *arg);
	/* ev: the history row to write with a taking, before its commit. */
	enum hostdb_err (*consume_once)(struct hostdb *db, int64_t id, bool by_boot,
					const struct hostdb_event *ev, bool *ret_consumed);
	enum hostdb_err (*record_seen)(struct hostdb *db, int64_t id, const char *arch,
				       const char *action, const char *file);
	enum hostdb_err (*batch_begin)(struct hostdb *db);
	enum hostdb_err (*batch_end)(struct hostdb *db);
	enum hostdb_err (*heartbeat)(struct hostdb *db, const char *engine);
	enum hostdb_err (*live_engines)(struct hostdb *db, uint32_t max_age_ms,
					char (*ret_names)[HOSTDB_ENGINE_STRLEN], unsigned max,
					unsigned *ret_n);
	enum hostdb_err (*history_add)(struct hostdb *db, const struct hostdb_event *ev);
	enum hostdb_err (*history)(struct hostdb *db, int64_t host_id, unsigned limit,
				   hostdb_event_fn fn, void *arg);
	/* NULL: nothing to poll (SQLite). */
	enum hostdb_err (*poll)(struct hostdb *db, bool *ret_changed);
	bool (*reachable)(const struct hostdb *db);
};

/* The part of a handle every backend has; each embeds it first. */
struct hostdb {
	const struct hostdb_ops *ops;
	char engine[HOSTDB_ENGINE_STRLEN];
	char msg[256];		/* last error, for HOSTDB_ERR_SQL/UNREACHABLE */
	struct hostdb_stats stats;
};

extern const struct hostdb_ops hostdb_sqlite_ops;
extern const struct hostdb_ops hostdb_pg_ops;

/* Backends' constructors: a handle with its base filled, schema migrated. */
enum hostdb_err hostdb_sqlite_open(const char *path, struct hostdb **ret_db);
enum hostdb_err hostdb_pg_open(const char *url, struct hostdb **ret_db);

/* Keeps the message of a failed open for hostdb_msg(NULL). */
void hostdb_open_failed(const char *msg);

/* Migration step v (0-based: takes version v to v + 1), or NULL; for tests. */
const char *hostdb_pg_migration(int v);
const char *hostdb_sqlite_migration(int v);

/* Unix milliseconds (history rows' at_ms). */
int64_t hostdb_now_ms(void);

/* The schema's hosts columns, in the order both backends' row readers use. */
#define HOSTDB_HOST_COLUMNS "id, mac, uuid, name, action, profile, once_armed, created, " \
	"updated, last_seen, last_action, last_arch, last_file"

/* Fills h's keys and action from their text columns (the row readers' shared half). */
void hostdb_host_from_text(struct hostdb_host *h, const char *mac, const char *uuid,
			   const char *action);

#endif /* PXELINE_CONTROL_HOSTDB_INTERNAL_H */
