/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host inventory in SQLite: one engine's file. See hostdb.h; the
 * operations table is hostdb_internal.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "config/config.h"
#include "control/hostdb_internal.h"

struct sq {
	struct hostdb base;
	sqlite3 *sql;
	bool in_batch;		/* a BEGIN of hostdb_batch_begin is open */
};

#define SQ(db) ((struct sq *)(db))

/*
 * Schema migrations: entry i takes version i to i + 1. Append, never edit:
 * a database in the field may stand at any version.
 */
static const char *const migrations[] = {
	"CREATE TABLE hosts ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" mac TEXT UNIQUE,"
	" uuid TEXT UNIQUE,"
	" name TEXT NOT NULL DEFAULT '',"
	" action TEXT NOT NULL CHECK (action IN ('boot','once','abort','ignore')),"
	" profile TEXT NOT NULL DEFAULT '',"
	" once_armed INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL DEFAULT 0,"
	" last_action TEXT NOT NULL DEFAULT '',"
	" last_arch TEXT NOT NULL DEFAULT '',"
	" last_file TEXT NOT NULL DEFAULT '',"
	" CHECK (mac IS NOT NULL OR uuid IS NOT NULL));",
	/* 2: the one-shot's taking (grace from it) and the boot history. */
	"ALTER TABLE hosts ADD COLUMN consumed_at INTEGER;"	/* unix ms, NULL = not by a boot */
	"ALTER TABLE hosts ADD COLUMN consumed_by TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE boot_events ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,"
	" at INTEGER NOT NULL,"		/* unix ms */
	" engine TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" mac TEXT NOT NULL DEFAULT '',"
	" request TEXT NOT NULL DEFAULT '',"
	" answer TEXT NOT NULL DEFAULT '',"
	" file TEXT NOT NULL DEFAULT '',"
	" bytes INTEGER NOT NULL DEFAULT 0,"
	" outcome TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX boot_events_host ON boot_events (host_id, id);",
};
#define HOSTDB_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

const char *
hostdb_sqlite_migration(int v)
{
	return v >= 0 && v < HOSTDB_VERSION ? migrations[v] : NULL;
}

#define HOST_COLUMNS HOSTDB_HOST_COLUMNS ", consumed_at, consumed_by"

static enum hostdb_err
sql_fail(struct sq *db)
{
	snprintf(db->base.msg, sizeof(db->base.msg), "%s", sqlite3_errmsg(db->sql));
	return HOSTDB_ERR_SQL;
}

static enum hostdb_err
exec(struct sq *db, const char *sql)
{
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db);
	return HOSTDB_OK;
}

static enum hostdb_err
prepare(struct sq *db, const char *sql, sqlite3_stmt **ret_st)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, ret_st, NULL) != SQLITE_OK) {
		*ret_st = NULL;
		return sql_fail(db);
	}
	return HOSTDB_OK;
}

/* Result of a write statement: constraint failures become their own errors. */
static enum hostdb_err
step_done(struct sq *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	enum hostdb_err e = HOSTDB_OK;

	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		e = HOSTDB_ERR_EXISTS;
	else if (rc != SQLITE_DONE)
		e = sql_fail(db);
	sqlite3_finalize(st);
	return e;
}

static int64_t
now(void)
{
	return (int64_t)time(NULL);
}

/* mkdir -p of the directory part of path. */
static int
make_parent_dirs(const char *path)
{
	char dir[CFG_PATH_MAX];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static enum hostdb_err
schema_version(struct sq *db, int *ret_version)
{
	sqlite3_stmt *st;
	enum hostdb_err e;
	int rc;

	e = exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
	if (e)
		return e;
	e = prepare(db, "SELECT MAX(version) FROM schema_version;", &st);
	if (e)
		return e;
	rc = sqlite3_step(st);
	*ret_version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? HOSTDB_OK : sql_fail(db);
}

static enum hostdb_err
migrate(struct sq *db)
{
	enum hostdb_err e;
	char sql[64];
	int v;

	/* IMMEDIATE: two engines starting on one file migrate one at a time. */
	e = exec(db, "BEGIN IMMEDIATE;");
	if (e)
		return e;
	e = schema_version(db, &v);
	if (!e && v > HOSTDB_VERSION)
		e = HOSTDB_ERR_VERSION;
	for (; !e && v < HOSTDB_VERSION; v++) {
		e = exec(db, migrations[v]);
		if (e)
			break;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d);", v + 1);
		e = exec(db, sql);
	}
	if (e) {
		sqlite3_exec(db->sql, "ROLLBACK;", NULL, NULL, NULL);
		return e;
	}
	return exec(db, "COMMIT;");
}

static void sq_close(struct hostdb *base);

enum hostdb_err
hostdb_sqlite_open(const char *path, struct hostdb **ret_db)
{
	struct sq *db;
	enum hostdb_err e;
	bool file = strcmp(path, ":memory:") != 0;

	*ret_db = NULL;
	if (file && make_parent_dirs(path) != 0)
		return HOSTDB_ERR_PATH;
	db = calloc(1, sizeof(*db));
	if (!db)
		return HOSTDB_ERR_SQL;
	db->base.ops = &hostdb_sqlite_ops;
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		e = db->sql ? sql_fail(db) : HOSTDB_ERR_SQL;
		hostdb_open_failed(db->base.msg);
		sq_close(&db->base);
		return e;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	/* pxectl's edits and a sqlite3 shell reading along may hold the lock briefly. */
	sqlite3_busy_timeout(db->sql, 250);
	/* FULL in WAL mode: every commit is fsync'ed, so a consumed one-shot survives kill -9. */
	e = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
	if (!e)
		e = migrate(db);
	if (e) {
		hostdb_open_failed(db->base.msg);
		sq_close(&db->base);
		return e;
	}
	*ret_db = &db->base;
	return HOSTDB_OK;
}

static void
sq_close(struct hostdb *base)
{
	struct sq *db = SQ(base);

	if (db->in_batch)
		sqlite3_exec(db->sql, "COMMIT;", NULL, NULL, NULL);
	sqlite3_close(db->sql);
	free(db);
}

/* Rows ------------------------------------------------------------------ */

static void
col_text(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static void
row_to_host(sqlite3_stmt *st, struct hostdb_host *h)
{
	char mac[64], uuid[64], action[32];

	memset(h, 0, sizeof(*h));
	h->h.id = sqlite3_column_int64(st, 0);
	col_text(st, 1, mac, sizeof(mac));
	col_text(st, 2, uuid, sizeof(uuid));
	col_text(st, 3, h->h.name, sizeof(h->h.name));
	col_text(st, 4, action, sizeof(action));
	hostdb_host_from_text(h, mac, uuid, action);
	col_text(st, 5, h->h.profile, sizeof(h->h.profile));
	h->h.once_armed = sqlite3_column_int(st, 6) != 0;
	h->created = sqlite3_column_int64(st, 7);
	h->updated = sqlite3_column_int64(st, 8);
	h->last_seen = sqlite3_column_int64(st, 9);
	col_text(st, 10, h->last_action, sizeof(h->last_action));
	col_text(st, 11, h->last_arch, sizeof(h->last_arch));
	col_text(st, 12, h->last_file, sizeof(h->last_file));
	h->consumed_age_ms = -1;
	if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
		h->consumed_age_ms = hostdb_now_ms() - sqlite3_column_int64(st, 13);
		if (h->consumed_age_ms < 0)
			h->consumed_age_ms = 0;
	}
	col_text(st, 14, h->consumed_by, sizeof(h->consumed_by));
}

static enum hostdb_err
sq_lookup(struct hostdb *base, enum hostdb_key k, const char *key, int64_t id,
	  struct hostdb_host *ret_host)
{
	static const char *const sql[] = {
		[HOSTDB_KEY_ID] = "SELECT " HOST_COLUMNS " FROM hosts WHERE id = ?;",
		[HOSTDB_KEY_MAC] = "SELECT " HOST_COLUMNS " FROM hosts WHERE mac = ?;",
		[HOSTDB_KEY_UUID] = "SELECT " HOST_COLUMNS " FROM hosts WHERE uuid = ?;",
	};
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;
	int rc;

	e = prepare(db, sql[k], &st);
	if (e)
		return e;
	if (key)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_to_host(st, ret_host);
		e = HOSTDB_OK;
	} else if (rc == SQLITE_DONE) {
		e = HOSTDB_ERR_NOT_FOUND;
	} else {
		e = sql_fail(db);
	}
	sqlite3_finalize(st);
	return e;
}

/* Binds mac, uuid, name, action, profile, once_armed as ?1..?6. */
static void
bind_host(sqlite3_stmt *st, const struct hostdb_host *h)
{
	char mac[HOSTDB_MAC_STRLEN], uuid[HOSTDB_UUID_STRLEN];

	if (h->has_mac) {
		hostdb_mac_str(h->mac, mac);
		sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, 1);
	}
	if (h->has_uuid) {
		hostdb_uuid_str(h->uuid, uuid);
		sqlite3_bind_text(st, 2, uuid, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, 2);
	}
	sqlite3_bind_text(st, 3, h->h.name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, boot_action_name(h->h.action), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->h.profile, -1, SQLITE_TRANSIENT);
	/* Only a once record can be armed. */
	sqlite3_bind_int(st, 6, h->h.action == BOOT_ACTION_ONCE && h->h.once_armed);
}

static enum hostdb_err
sq_add(struct hostdb *base, const struct hostdb_host *h, int64_t *ret_id)
{
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = prepare(db, "INSERT INTO hosts (mac, uuid, name, action, profile, once_armed,"
		    " created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7);", &st);
	if (e)
		return e;
	bind_host(st, h);
	sqlite3_bind_int64(st, 7, now());
	e = step_done(db, st);
	if (!e)
		*ret_id = sqlite3_last_insert_rowid(db->sql);
	return e;
}

static enum hostdb_err
sq_set(struct hostdb *base, const struct hostdb_host *h)
{
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;

	/* Arming again starts a new one-shot: the old taking's grace ends. */
	e = prepare(db, "UPDATE hosts SET mac = ?1, uuid = ?2, name = ?3, action = ?4,"
		    " profile = ?5, once_armed = ?6, updated = ?7,"
		    " consumed_at = CASE WHEN ?6 = 1 THEN NULL ELSE consumed_at END"
		    " WHERE id = ?8;", &st);
	if (e)
		return e;
	bind_host(st, h);
	sqlite3_bind_int64(st, 7, now());
	sqlite3_bind_int64(st, 8, h->h.id);
	e = step_done(db, st);
	if (!e && sqlite3_changes(db->sql) == 0)
		e = HOSTDB_ERR_NOT_FOUND;
	return e;
}

static enum hostdb_err
sq_del(struct hostdb *base, int64_t id)
{
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = prepare(db, "DELETE FROM hosts WHERE id = ?;", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, id);
	e = step_done(db, st);
	if (!e && sqlite3_changes(db->sql) == 0)
		e = HOSTDB_ERR_NOT_FOUND;
	return e;
}

static enum hostdb_err
sq_list(struct hostdb *base, hostdb_host_fn fn, void *arg)
{
	struct sq *db = SQ(base);
	struct hostdb_host h;
	sqlite3_stmt *st;
	enum hostdb_err e;
	int rc;

	e = prepare(db, "SELECT " HOST_COLUMNS " FROM hosts ORDER BY id;", &st);
	if (e)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_host(st, &h);
		if (fn(arg, &h) != 0)
			break;
	}
	e = rc == SQLITE_ROW || rc == SQLITE_DONE ? HOSTDB_OK : sql_fail(db);
	sqlite3_finalize(st);
	return e;
}

static enum hostdb_err
sq_batch_begin(struct hostdb *base)
{
	struct sq *db = SQ(base);
	enum hostdb_err e;

	if (db->in_batch)
		return HOSTDB_OK;
	e = exec(db, "BEGIN;");
	if (!e)
		db->in_batch = true;
	return e;
}

static enum hostdb_err
sq_batch_end(struct hostdb *base)
{
	struct sq *db = SQ(base);

	if (!db->in_batch)
		return HOSTDB_OK;
	db->in_batch = false;
	return exec(db, "COMMIT;");
}

static enum hostdb_err sq_history_add(struct hostdb *base, const struct hostdb_event *ev);

static enum hostdb_err
sq_consume_once(struct hostdb *base, int64_t id, bool by_boot, const struct hostdb_event *ev,
		bool *ret_consumed)
{
	struct sq *db = SQ(base);
	bool batch = db->in_batch;
	sqlite3_stmt *st;
	enum hostdb_err e;
	int changed;

	/* The taking and its history row in one transaction, one fsync; IMMEDIATE
	 * outside a batch so a second writer waits (busy timeout) instead of
	 * failing on a read-to-write upgrade. */
	e = batch ? HOSTDB_OK : exec(db, "BEGIN IMMEDIATE;");
	if (!e)
		e = prepare(db, "UPDATE hosts SET once_armed = 0, updated = ?2, consumed_at = ?3,"
			    " consumed_by = ?4 WHERE id = ?1 AND action = 'once' AND"
			    " once_armed = 1;", &st);
	if (!e) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, now());
		if (by_boot)
			sqlite3_bind_int64(st, 3, hostdb_now_ms());
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_text(st, 4, db->base.engine, -1, SQLITE_TRANSIENT);
		e = step_done(db, st);
	}
	changed = e ? 0 : sqlite3_changes(db->sql);
	if (changed == 1)
		e = sq_history_add(base, ev);
	if (e) {
		sqlite3_exec(db->sql, "ROLLBACK;", NULL, NULL, NULL);
		db->in_batch = false;
		if (batch)
			sq_batch_begin(base);
		return e;
	}
	/* Committed (fsync'ed) before returning, batch or not. */
	db->in_batch = false;
	e = exec(db, "COMMIT;");
	if (batch)
		sq_batch_begin(base);
	if (e)
		return e;
	*ret_consumed = changed == 1;
	return HOSTDB_OK;
}

static enum hostdb_err
sq_record_seen(struct hostdb *base, int64_t id, const char *arch, const char *action,
	       const char *file)
{
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = prepare(db, "UPDATE hosts SET last_seen = ?2, last_arch = ?3, last_action = ?4,"
		    " last_file = ?5 WHERE id = ?1;", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now());
	sqlite3_bind_text(st, 3, arch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, file, -1, SQLITE_TRANSIENT);
	e = step_done(db, st);
	if (!e && sqlite3_changes(db->sql) == 0)
		e = HOSTDB_ERR_NOT_FOUND;
	return e;
}

/* One engine: its heartbeat is its name, kept in the handle (hostdb.c). */
static enum hostdb_err
sq_heartbeat(struct hostdb *base, const char *engine)
{
	(void)base;
	(void)engine;
	return HOSTDB_OK;
}

static enum hostdb_err
sq_live_engines(struct hostdb *base, uint32_t max_age_ms,
		char (*ret_names)[HOSTDB_ENGINE_STRLEN], unsigned max, unsigned *ret_n)
{
	(void)max_age_ms;
	if (!base->engine[0] || max == 0)
		return HOSTDB_OK;
	snprintf(ret_names[0], HOSTDB_ENGINE_STRLEN, "%s", base->engine);
	*ret_n = 1;
	return HOSTDB_OK;
}

static enum hostdb_err
sq_history_add(struct hostdb *base, const struct hostdb_event *ev)
{
	struct sq *db = SQ(base);
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = prepare(db, "INSERT INTO boot_events (host_id, at, engine, kind, mac, request,"
		    " answer, file, bytes, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		    " ?10);", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, ev->host_id);
	sqlite3_bind_int64(st, 2, ev->at_ms);
	sqlite3_bind_text(st, 3, ev->engine, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, ev->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, ev->mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, ev->request, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, ev->answer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, ev->file, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (int64_t)ev->bytes);
	sqlite3_bind_text(st, 10, ev->outcome, -1, SQLITE_TRANSIENT);
	e = step_done(db, st);
	if (e)
		return e;
	/* Retention: the host's newest HOSTDB_HISTORY_KEEP rows stay. */
	e = prepare(db, "DELETE FROM boot_events WHERE host_id = ?1 AND id < (SELECT id FROM"
		    " boot_events WHERE host_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2);", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, ev->host_id);
	sqlite3_bind_int(st, 2, HOSTDB_HISTORY_KEEP - 1);
	return step_done(db, st);
}

static enum hostdb_err
sq_history(struct hostdb *base, int64_t host_id, unsigned limit, hostdb_event_fn fn,
	   void *arg)
{
	struct sq *db = SQ(base);
	struct hostdb_event ev;
	sqlite3_stmt *st;
	enum hostdb_err e;
	int rc;

	e = prepare(db, "SELECT host_id, at, engine, kind, mac, request, answer, file, bytes,"
		    " outcome FROM boot_events WHERE host_id = ?1 ORDER BY id DESC LIMIT ?2;",
		    &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, host_id);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.host_id = sqlite3_column_int64(st, 0);
		ev.at_ms = sqlite3_column_int64(st, 1);
		col_text(st, 2, ev.engine, sizeof(ev.engine));
		col_text(st, 3, ev.kind, sizeof(ev.kind));
		col_text(st, 4, ev.mac, sizeof(ev.mac));
		col_text(st, 5, ev.request, sizeof(ev.request));
		col_text(st, 6, ev.answer, sizeof(ev.answer));
		col_text(st, 7, ev.file, sizeof(ev.file));
		ev.bytes = (uint64_t)sqlite3_column_int64(st, 8);
		col_text(st, 9, ev.outcome, sizeof(ev.outcome));
		if (fn(arg, &ev) != 0)
			break;
	}
	e = rc == SQLITE_ROW || rc == SQLITE_DONE ? HOSTDB_OK : sql_fail(db);
	sqlite3_finalize(st);
	return e;
}

const struct hostdb_ops hostdb_sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.lookup = sq_lookup,
	.add = sq_add,
	.set = sq_set,
	.del = sq_del,
	.list = sq_list,
	.consume_once = sq_consume_once,
	.record_seen = sq_record_seen,
	.batch_begin = sq_batch_begin,
	.batch_end = sq_batch_end,
	.heartbeat = sq_heartbeat,
	.live_engines = sq_live_engines,
	.history_add = sq_history_add,
	.history = sq_history,
};
