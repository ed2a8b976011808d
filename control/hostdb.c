/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host inventory in SQLite. See hostdb.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "config/config.h"
#include "control/hostdb.h"

struct hostdb {
	sqlite3 *sql;
	bool in_batch;		/* a BEGIN of hostdb_batch_begin is open */
	char msg[256];		/* last SQLite error, for HOSTDB_ERR_SQL */
};

static const char *const hostdb_err_str[] = {
	[HOSTDB_OK] = "ok",
	[HOSTDB_ERR_NOT_FOUND] = "no such host",
	[HOSTDB_ERR_EXISTS] = "MAC or UUID already belongs to another host",
	[HOSTDB_ERR_NO_KEY] = "a host needs a MAC or a UUID",
	[HOSTDB_ERR_ACTION] = "invalid action",
	[HOSTDB_ERR_NO_PROFILE] = "action boot/once needs a profile",
	[HOSTDB_ERR_NAME] = "name or profile too long",
	[HOSTDB_ERR_PATH] = "cannot create the database directory",
	[HOSTDB_ERR_VERSION] = "database written by a newer pxeline",
	[HOSTDB_ERR_SQL] = "database error",
};
_Static_assert(sizeof(hostdb_err_str) / sizeof(hostdb_err_str[0]) == HOSTDB_ERR__MAX, "hostdb_err_str out of step with its enum");

const char *
hostdb_strerror(enum hostdb_err e)
{
	if ((unsigned int)e >= HOSTDB_ERR__MAX)
		return "unknown hostdb error";
	return hostdb_err_str[e];
}

const char *
hostdb_sqlite_msg(const struct hostdb *db)
{
	return db ? db->msg : "";
}

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
};
#define HOSTDB_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

#define HOST_COLUMNS "id, mac, uuid, name, action, profile, once_armed, created, " \
	"updated, last_seen, last_action, last_arch, last_file"

static enum hostdb_err
sql_fail(struct hostdb *db)
{
	snprintf(db->msg, sizeof(db->msg), "%s", sqlite3_errmsg(db->sql));
	return HOSTDB_ERR_SQL;
}

static enum hostdb_err
exec(struct hostdb *db, const char *sql)
{
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db);
	return HOSTDB_OK;
}

static enum hostdb_err
prepare(struct hostdb *db, const char *sql, sqlite3_stmt **ret_st)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, ret_st, NULL) != SQLITE_OK) {
		*ret_st = NULL;
		return sql_fail(db);
	}
	return HOSTDB_OK;
}

/* Result of a write statement: constraint failures become their own errors. */
static enum hostdb_err
step_done(struct hostdb *db, sqlite3_stmt *st)
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
schema_version(struct hostdb *db, int *ret_version)
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
migrate(struct hostdb *db)
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

enum hostdb_err
hostdb_open(const char *path, struct hostdb **ret_db)
{
	struct hostdb *db;
	enum hostdb_err e;
	bool file = strcmp(path, ":memory:") != 0;

	*ret_db = NULL;
	if (file && make_parent_dirs(path) != 0)
		return HOSTDB_ERR_PATH;
	db = calloc(1, sizeof(*db));
	if (!db)
		return HOSTDB_ERR_SQL;
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		e = db->sql ? sql_fail(db) : HOSTDB_ERR_SQL;
		hostdb_close(db);
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
		hostdb_close(db);
		return e;
	}
	*ret_db = db;
	return HOSTDB_OK;
}

void
hostdb_close(struct hostdb *db)
{
	if (!db)
		return;
	if (db->in_batch)
		sqlite3_exec(db->sql, "COMMIT;", NULL, NULL, NULL);
	sqlite3_close(db->sql);
	free(db);
}

/* Text forms ------------------------------------------------------------ */

void
hostdb_mac_str(const uint8_t mac[6], char ret_s[HOSTDB_MAC_STRLEN])
{
	snprintf(ret_s, HOSTDB_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void
hostdb_uuid_str(const uint8_t u[16], char ret_s[HOSTDB_UUID_STRLEN])
{
	snprintf(ret_s, HOSTDB_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
		 u[11], u[12], u[13], u[14], u[15]);
}

int
hostdb_parse_mac(const char *s, uint8_t ret_mac[6])
{
	return cfg_parse_mac(s, ret_mac) == 0 ? 0 : -1;
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hostdb_parse_uuid(const char *s, uint8_t ret_uuid[16])
{
	uint8_t u[16];
	int i, n = 0, hi, lo;

	if (!s || strlen(s) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		hi = hex_val(s[i]);
		lo = hex_val(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		u[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(ret_uuid, u, sizeof(u));
	return 0;
}

int
hostdb_parse_action(const char *s)
{
	int a;

	for (a = 0; s && a < BOOT_ACTION__MAX; a++)
		if (strcmp(s, boot_action_name(a)) == 0)
			return a;
	return -1;
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
	char buf[64];
	int a;

	memset(h, 0, sizeof(*h));
	h->h.id = sqlite3_column_int64(st, 0);
	col_text(st, 1, buf, sizeof(buf));
	h->has_mac = buf[0] && hostdb_parse_mac(buf, h->mac) == 0;
	col_text(st, 2, buf, sizeof(buf));
	h->has_uuid = buf[0] && hostdb_parse_uuid(buf, h->uuid) == 0;
	col_text(st, 3, h->h.name, sizeof(h->h.name));
	col_text(st, 4, buf, sizeof(buf));
	a = hostdb_parse_action(buf);
	/* The CHECK constraint keeps this valid; out of range = boot_decide stays silent. */
	h->h.action = a >= 0 ? (enum boot_action)a : BOOT_ACTION__MAX;
	col_text(st, 5, h->h.profile, sizeof(h->h.profile));
	h->h.once_armed = sqlite3_column_int(st, 6) != 0;
	h->created = sqlite3_column_int64(st, 7);
	h->updated = sqlite3_column_int64(st, 8);
	h->last_seen = sqlite3_column_int64(st, 9);
	col_text(st, 10, h->last_action, sizeof(h->last_action));
	col_text(st, 11, h->last_arch, sizeof(h->last_arch));
	col_text(st, 12, h->last_file, sizeof(h->last_file));
}

static enum hostdb_err
lookup(struct hostdb *db, const char *sql, const char *key, int64_t id,
	struct hostdb_host *ret_host)
{
	sqlite3_stmt *st;
	enum hostdb_err e;
	int rc;

	e = prepare(db, sql, &st);
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

enum hostdb_err
hostdb_lookup_mac(struct hostdb *db, const uint8_t mac[6], struct hostdb_host *ret_host)
{
	char s[HOSTDB_MAC_STRLEN];

	hostdb_mac_str(mac, s);
	return lookup(db, "SELECT " HOST_COLUMNS " FROM hosts WHERE mac = ?;", s, 0, ret_host);
}

enum hostdb_err
hostdb_lookup_uuid(struct hostdb *db, const uint8_t uuid[16], struct hostdb_host *ret_host)
{
	char s[HOSTDB_UUID_STRLEN];

	hostdb_uuid_str(uuid, s);
	return lookup(db, "SELECT " HOST_COLUMNS " FROM hosts WHERE uuid = ?;", s, 0, ret_host);
}

enum hostdb_err
hostdb_get(struct hostdb *db, int64_t id, struct hostdb_host *ret_host)
{
	return lookup(db, "SELECT " HOST_COLUMNS " FROM hosts WHERE id = ?;", NULL, id, ret_host);
}

static enum hostdb_err
check_host(const struct hostdb_host *h)
{
	if (!h->has_mac && !h->has_uuid)
		return HOSTDB_ERR_NO_KEY;
	if ((unsigned int)h->h.action >= BOOT_ACTION__MAX)
		return HOSTDB_ERR_ACTION;
	if ((h->h.action == BOOT_ACTION_BOOT || h->h.action == BOOT_ACTION_ONCE) &&
	    !h->h.profile[0])
		return HOSTDB_ERR_NO_PROFILE;
	if (strnlen(h->h.name, sizeof(h->h.name)) == sizeof(h->h.name) ||
	    strnlen(h->h.profile, sizeof(h->h.profile)) == sizeof(h->h.profile))
		return HOSTDB_ERR_NAME;
	return HOSTDB_OK;
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

enum hostdb_err
hostdb_add(struct hostdb *db, const struct hostdb_host *h, int64_t *ret_id)
{
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = check_host(h);
	if (e)
		return e;
	e = prepare(db, "INSERT INTO hosts (mac, uuid, name, action, profile, once_armed,"
		    " created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7);", &st);
	if (e)
		return e;
	bind_host(st, h);
	sqlite3_bind_int64(st, 7, now());
	e = step_done(db, st);
	if (!e && ret_id)
		*ret_id = sqlite3_last_insert_rowid(db->sql);
	return e;
}

enum hostdb_err
hostdb_set(struct hostdb *db, const struct hostdb_host *h)
{
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = check_host(h);
	if (e)
		return e;
	e = prepare(db, "UPDATE hosts SET mac = ?1, uuid = ?2, name = ?3, action = ?4,"
		    " profile = ?5, once_armed = ?6, updated = ?7 WHERE id = ?8;", &st);
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

enum hostdb_err
hostdb_del(struct hostdb *db, int64_t id)
{
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

enum hostdb_err
hostdb_list(struct hostdb *db, int (*fn)(void *arg, const struct hostdb_host *h),
	void *arg)
{
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

enum hostdb_err
hostdb_batch_begin(struct hostdb *db)
{
	enum hostdb_err e;

	if (db->in_batch)
		return HOSTDB_OK;
	e = exec(db, "BEGIN;");
	if (!e)
		db->in_batch = true;
	return e;
}

enum hostdb_err
hostdb_batch_end(struct hostdb *db)
{
	if (!db->in_batch)
		return HOSTDB_OK;
	db->in_batch = false;
	return exec(db, "COMMIT;");
}

enum hostdb_err
hostdb_consume_once(struct hostdb *db, int64_t id, bool *ret_consumed)
{
	bool batch = db->in_batch;
	sqlite3_stmt *st;
	enum hostdb_err e;
	int changed;

	*ret_consumed = false;
	e = prepare(db, "UPDATE hosts SET once_armed = 0, updated = ?2"
		    " WHERE id = ?1 AND action = 'once' AND once_armed = 1;", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now());
	e = step_done(db, st);
	if (e)
		return e;
	changed = sqlite3_changes(db->sql);
	/* Outside a batch the UPDATE was its own (fsync'ed) transaction. */
	if (batch) {
		e = hostdb_batch_end(db);
		if (e)
			return e;
	}
	*ret_consumed = changed == 1;
	if (batch)
		hostdb_batch_begin(db);
	return HOSTDB_OK;
}

enum hostdb_err
hostdb_record_seen(struct hostdb *db, int64_t id, const char *arch, const char *action,
	const char *file)
{
	sqlite3_stmt *st;
	enum hostdb_err e;

	e = prepare(db, "UPDATE hosts SET last_seen = ?2, last_arch = ?3, last_action = ?4,"
		    " last_file = ?5 WHERE id = ?1;", &st);
	if (e)
		return e;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now());
	sqlite3_bind_text(st, 3, arch ? arch : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, action ? action : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, file ? file : "", -1, SQLITE_TRANSIENT);
	e = step_done(db, st);
	if (!e && sqlite3_changes(db->sql) == 0)
		e = HOSTDB_ERR_NOT_FOUND;
	return e;
}
