/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inventory API against a real store, both backends by the same tests:
 * SQLite (a file in a temp dir) when PXL_PG_URL is unset, PostgreSQL when
 * it is set (tests/unit/hostdb_pg.sh starts a cluster with scripts/lib/pg.sh
 * and passes its URL; PXL_PG_LIB names pg.sh for the outage test).
 * Schema from empty and from version N-1, the compare-and-set raced by two
 * connections, the grace across two handles, history newest first,
 * heartbeats, and (PostgreSQL) notifications and a reconnect after
 * pg_ctl stop/start.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "control/hostdb.h"
#include "control/hostdb_internal.h"
#include "unit.h"
#include "unit_host.h"
#include "unit_tmpdir.h"

static const char *pg_url;	/* NULL: SQLite */
static char tmpdir[256];
static char db_path[300];
static unsigned generation;	/* a new SQLite file per fresh store */

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x00, 0x51, 0x01 };
static const uint8_t mac2[6] = { 0x52, 0x54, 0x00, 0x00, 0x51, 0x02 };

/* Runs sql on the store behind our handles; the first value into out (if given). */
static int
raw(const char *sql, char *out, size_t cap)
{
	int ok = 0;

	if (out)
		out[0] = '\0';
	if (pg_url) {
		PGconn *c = PQconnectdb(pg_url);
		PGresult *r = PQexec(c, sql);
		ExecStatusType st = PQresultStatus(r);

		ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "raw: %s: %s", sql, PQerrorMessage(c));
		if (ok && out && PQntuples(r) > 0)
			snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *s;
		sqlite3_stmt *st;

		if (sqlite3_open(db_path, &s) != SQLITE_OK)
			return -1;
		sqlite3_busy_timeout(s, 2000);
		ok = sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK;
		if (ok) {
			int rc = sqlite3_step(st);

			ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
			if (rc == SQLITE_ROW && out && sqlite3_column_text(st, 0))
				snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		if (!ok)
			fprintf(stderr, "raw: %s: %s\n", sql, sqlite3_errmsg(s));
		sqlite3_close(s);
	}
	return ok ? 0 : -1;
}

/* An empty store: PostgreSQL's schema dropped, or a new SQLite file. */
static void
fresh_store(void)
{
	if (pg_url) {
		CU_ASSERT_EQUAL(raw("DROP SCHEMA public CASCADE", NULL, 0), 0);
		CU_ASSERT_EQUAL(raw("CREATE SCHEMA public", NULL, 0), 0);
		CU_ASSERT_EQUAL(raw("DROP FUNCTION IF EXISTS pxeline_hosts_notify()", NULL, 0), 0);
	} else {
		snprintf(db_path, sizeof(db_path), "%s/store%u.db", tmpdir, ++generation);
	}
}

static struct hostdb *
open_as(const char *engine)
{
	struct hostdb *db = NULL;
	enum hostdb_err e;

	if (pg_url) {
		e = hostdb_open_pg(pg_url, engine, &db);
	} else {
		e = hostdb_open(db_path, &db);
		if (!e)
			CU_ASSERT_EQUAL(hostdb_heartbeat(db, engine), HOSTDB_OK);
	}
	if (e)
		fprintf(stderr, "open: %s: %s\n", hostdb_strerror(e), hostdb_msg(NULL));
	CU_ASSERT_EQUAL_FATAL(e, HOSTDB_OK);
	return db;
}

static int
count_rows(const char *table)
{
	char sql[128], v[32];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (raw(sql, v, sizeof(v)) != 0)
		return -1;
	return atoi(v);
}

/* ---- schema ---- */

static int
latest_version(void)
{
	int v = 0;

	while ((pg_url ? hostdb_pg_migration(v) : hostdb_sqlite_migration(v)) != NULL)
		v++;
	return v;
}

static void
test_schema_from_empty(void)
{
	struct hostdb *db;
	char v[32];

	fresh_store();
	db = open_as("a");
	CU_ASSERT_EQUAL(raw("SELECT max(version) FROM schema_version", v, sizeof(v)), 0);
	CU_ASSERT_EQUAL(atoi(v), latest_version());
	CU_ASSERT_EQUAL(count_rows("hosts"), 0);
	CU_ASSERT_EQUAL(count_rows("boot_events"), 0);
	hostdb_close(db);
	/* Opening again migrates nothing: one row per version. */
	db = open_as("a");
	CU_ASSERT_EQUAL(count_rows("schema_version"), latest_version());
	hostdb_close(db);
}

/* A store left at version N-1 with a host in it: migrated, the host kept. */
static void
test_schema_from_previous(void)
{
	int n = latest_version(), v;
	struct hostdb_host h;
	struct hostdb *db;
	char sql[64];

	CU_ASSERT_TRUE_FATAL(n >= 2);
	fresh_store();
	CU_ASSERT_EQUAL(raw("CREATE TABLE schema_version (version INTEGER NOT NULL)", NULL, 0), 0);
	for (v = 0; v < n - 1; v++) {
		const char *m = pg_url ? hostdb_pg_migration(v) : hostdb_sqlite_migration(v);

		CU_ASSERT_EQUAL(raw(m, NULL, 0), 0);
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d)", v + 1);
		CU_ASSERT_EQUAL(raw(sql, NULL, 0), 0);
	}
	CU_ASSERT_EQUAL(raw(pg_url ?
		"INSERT INTO hosts (mac, name, action, profile, once_armed) VALUES"
		" ('52:54:00:00:51:01', 'old', 'once', 'reimage', true)" :
		"INSERT INTO hosts (mac, name, action, profile, once_armed, created, updated)"
		" VALUES ('52:54:00:00:51:01', 'old', 'once', 'reimage', 1, 1, 1)", NULL, 0), 0);
	db = open_as("a");
	CU_ASSERT_EQUAL(count_rows("schema_version"), n);
	CU_ASSERT_EQUAL_FATAL(hostdb_lookup_mac(db, mac1, &h), HOSTDB_OK);
	CU_ASSERT_STRING_EQUAL(h.h.name, "old");
	CU_ASSERT_TRUE(h.h.once_armed);
	CU_ASSERT_EQUAL(h.consumed_age_ms, -1);
	hostdb_close(db);
}

/* ---- the compare-and-set ---- */

struct racer {
	struct hostdb *db;
	int64_t id;
	pthread_barrier_t *go;
	bool consumed;
	enum hostdb_err e;
};

static void *
race(void *arg)
{
	struct racer *r = arg;

	int tries = 0;

	pthread_barrier_wait(r->go);
	/* SQLite: a writer waits 250 ms for the other's commit, and a commit on a
	 * loaded disk can take longer: "locked" is asked again (a client resends).
	 * PostgreSQL waits on the row lock itself: no error there, ever. */
	do
		r->e = hostdb_consume_once(r->db, r->id, true, &r->consumed, NULL);
	while (!pg_url && r->e == HOSTDB_ERR_SQL && ++tries < 50);
	return NULL;
}

/* Two connections take the same armed one-shot at once, 40 rounds: one wins each. */
static void
test_cas_two_connections(void)
{
	struct hostdb *a, *b;
	struct hostdb_host h;
	pthread_barrier_t go;
	pthread_t ta, tb;
	int64_t id;
	int round, wins = 0;
	char v[32];

	fresh_store();
	a = open_as("a");
	b = open_as("b");
	h = unit_host(mac1, NULL, BOOT_ACTION_ONCE, "reimage", "race");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(a, &h, &id), HOSTDB_OK);
	pthread_barrier_init(&go, NULL, 2);
	for (round = 0; round < 40; round++) {
		struct racer ra = { a, id, &go, false, HOSTDB_OK };
		struct racer rb = { b, id, &go, false, HOSTDB_OK };

		pthread_create(&ta, NULL, race, &ra);
		pthread_create(&tb, NULL, race, &rb);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		CU_ASSERT_EQUAL(ra.e, HOSTDB_OK);
		CU_ASSERT_EQUAL(rb.e, HOSTDB_OK);
		if (ra.e || rb.e)
			fprintf(stderr, "race: %s / %s\n", hostdb_msg(a), hostdb_msg(b));
		CU_ASSERT_EQUAL(ra.consumed + rb.consumed, 1);
		wins += ra.consumed + rb.consumed;
		/* Re-armed for the next round, as `pxectl host arm` does. */
		CU_ASSERT_EQUAL_FATAL(hostdb_get(a, id, &h), HOSTDB_OK);
		CU_ASSERT_FALSE(h.h.once_armed);
		h.h.once_armed = true;
		CU_ASSERT_EQUAL(hostdb_set(a, &h), HOSTDB_OK);
	}
	pthread_barrier_destroy(&go);
	CU_ASSERT_EQUAL(wins, 40);
	/* Every taking left one history row, none twice. */
	CU_ASSERT_EQUAL(raw("SELECT count(*) FROM boot_events WHERE kind = 'consumed'", v,
			    sizeof(v)), 0);
	CU_ASSERT_EQUAL(atoi(v), 40);
	hostdb_close(a);
	hostdb_close(b);
}

/* The grace across engines: the loser learns how long ago the winner took it. */
static void
test_grace_two_handles(void)
{
	struct hostdb *a, *b;
	struct hostdb_host h;
	int64_t id, age = -2;
	bool consumed;

	fresh_store();
	a = open_as("engine-a");
	b = open_as("engine-b");
	h = unit_host(mac1, NULL, BOOT_ACTION_ONCE, "reimage", "grace");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(a, &h, &id), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(a, id, true, &consumed, &age), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	CU_ASSERT_EQUAL(age, -1);
	/* b lost to a boot on engine-a: the age is the shared consumed_at's. */
	CU_ASSERT_EQUAL(hostdb_consume_once(b, id, true, &consumed, &age), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_TRUE(age >= 0 && age < 120000);
	CU_ASSERT_EQUAL_FATAL(hostdb_get(b, id, &h), HOSTDB_OK);
	CU_ASSERT_STRING_EQUAL(h.consumed_by, "engine-a");
	CU_ASSERT_TRUE(h.consumed_age_ms >= 0);
	/* a itself: its own grace table knows, the store says nothing. */
	CU_ASSERT_EQUAL(hostdb_consume_once(a, id, true, &consumed, &age), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_EQUAL(age, -1);
	/* Re-armed and ended by hand: no boot took it, no grace anywhere. */
	h.h.once_armed = true;
	CU_ASSERT_EQUAL(hostdb_set(a, &h), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(a, id, false, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	CU_ASSERT_EQUAL(hostdb_consume_once(b, id, true, &consumed, &age), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_EQUAL(age, -1);
	hostdb_close(a);
	hostdb_close(b);
}

/* ---- history ---- */

struct hist_seen {
	int n;
	struct hostdb_event ev[8];
};

static int
hist_row(void *arg, const struct hostdb_event *ev)
{
	struct hist_seen *s = arg;

	if (s->n < 8)
		s->ev[s->n] = *ev;
	s->n++;
	return 0;
}

static void
test_history_newest_first(void)
{
	struct hostdb_event ev;
	struct hist_seen seen = { 0 };
	struct hostdb_host h;
	struct hostdb *db;
	int64_t id, id2;
	char v[32];
	int i;

	fresh_store();
	db = open_as("engine-h");
	h = unit_host(mac1, NULL, BOOT_ACTION_BOOT, "default", "hist");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	h = unit_host(mac2, NULL, BOOT_ACTION_BOOT, "default", "other");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id2), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_batch_begin(db), HOSTDB_OK);
	memset(&ev, 0, sizeof(ev));
	ev.host_id = id;
	ev.at_ms = 1700000000000;
	snprintf(ev.kind, sizeof(ev.kind), "dhcp");
	snprintf(ev.request, sizeof(ev.request), "DISCOVER port=67 arch=bios via=none");
	snprintf(ev.answer, sizeof(ev.answer), "boot profile=default");
	snprintf(ev.file, sizeof(ev.file), "undionly.kpxe");
	snprintf(ev.outcome, sizeof(ev.outcome), "reply");
	CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
	ev.at_ms += 1500;
	snprintf(ev.kind, sizeof(ev.kind), "file");
	snprintf(ev.request, sizeof(ev.request), "tftp");
	ev.bytes = 65536;
	snprintf(ev.outcome, sizeof(ev.outcome), "done");
	CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
	ev.host_id = id2;
	CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_batch_end(db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_history(db, id, 0, hist_row, &seen), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(seen.n, 2);
	CU_ASSERT_STRING_EQUAL(seen.ev[0].kind, "file");
	CU_ASSERT_EQUAL(seen.ev[0].bytes, 65536);
	CU_ASSERT_EQUAL(seen.ev[0].at_ms, 1700000001500);
	CU_ASSERT_STRING_EQUAL(seen.ev[0].engine, "engine-h");
	CU_ASSERT_STRING_EQUAL(seen.ev[1].kind, "dhcp");
	CU_ASSERT_STRING_EQUAL(seen.ev[1].request, "DISCOVER port=67 arch=bios via=none");
	CU_ASSERT_STRING_EQUAL(seen.ev[1].file, "undionly.kpxe");
	/* Retention: the newest HOSTDB_HISTORY_KEEP per host stay, the other host's too. */
	CU_ASSERT_EQUAL(hostdb_batch_begin(db), HOSTDB_OK);
	ev.host_id = id;
	for (i = 0; i < HOSTDB_HISTORY_KEEP + 20; i++) {
		ev.at_ms = 1800000000000 + i;
		CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
	}
	CU_ASSERT_EQUAL(hostdb_batch_end(db), HOSTDB_OK);
	/* PostgreSQL trims every few writes and when a handle closes. */
	hostdb_close(db);
	db = open_as("engine-h");
	memset(&seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL(hostdb_history(db, id, 0, hist_row, &seen), HOSTDB_OK);
	CU_ASSERT_EQUAL(seen.n, HOSTDB_HISTORY_KEEP);
	CU_ASSERT_EQUAL(seen.ev[0].at_ms, 1800000000000 + HOSTDB_HISTORY_KEEP + 19);
	snprintf(v, sizeof(v), "x");
	memset(&seen, 0, sizeof(seen));
	CU_ASSERT_EQUAL(hostdb_history(db, id2, 0, hist_row, &seen), HOSTDB_OK);
	CU_ASSERT_EQUAL(seen.n, 1);
	/* Measured, never asserted: what the log drain's batches cost the control
	 * thread per answer (a history row and a last-seen note, 32 per commit). */
	{
		struct timespec t0, t1;
		double secs;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < 2048; i++) {
			if (i % 32 == 0)
				CU_ASSERT_EQUAL(hostdb_batch_begin(db), HOSTDB_OK);
			ev.host_id = id2;
			CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
			CU_ASSERT_EQUAL(hostdb_record_seen(db, id2, "bios", "boot", "x"), HOSTDB_OK);
			if (i % 32 == 31)
				CU_ASSERT_EQUAL(hostdb_batch_end(db), HOSTDB_OK);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr, "\n  measured (%s): 2048 answers noted in %.3f s = %.0f/s\n",
			pg_url ? "postgresql" : "sqlite", secs, 2048 / secs);
	}
	/* A deleted host's rows go with it. */
	hostdb_close(db);
	db = open_as("engine-h");
	CU_ASSERT_EQUAL(hostdb_del(db, id), HOSTDB_OK);
	CU_ASSERT_EQUAL(count_rows("boot_events"), HOSTDB_HISTORY_KEEP);
	hostdb_close(db);
}

/* ---- the fleet ---- */

static void
test_heartbeat_live_engines(void)
{
	char names[4][HOSTDB_ENGINE_STRLEN];
	struct hostdb *a, *b;
	unsigned n = 99;

	fresh_store();
	a = open_as("pxe-b/192.0.2.3");
	b = open_as("pxe-a/192.0.2.2");
	CU_ASSERT_EQUAL(hostdb_heartbeat(a, "pxe-b/192.0.2.3"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_heartbeat(b, "pxe-a/192.0.2.2"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_live_engines(a, 60000, names, 4, &n), HOSTDB_OK);
	if (!pg_url) {
		/* SQLite: one engine, itself. */
		CU_ASSERT_EQUAL_FATAL(n, 1);
		CU_ASSERT_STRING_EQUAL(names[0], "pxe-b/192.0.2.3");
		hostdb_close(a);
		hostdb_close(b);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(names[0], "pxe-a/192.0.2.2");
	CU_ASSERT_STRING_EQUAL(names[1], "pxe-b/192.0.2.3");
	/* An engine silent for a minute is not live; max bounds the list. */
	CU_ASSERT_EQUAL(raw("UPDATE engines SET last_seen = now() - interval '1 minute'"
			    " WHERE name = 'pxe-a/192.0.2.2'", NULL, 0), 0);
	CU_ASSERT_EQUAL(hostdb_live_engines(a, 30000, names, 4, &n), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(names[0], "pxe-b/192.0.2.3");
	CU_ASSERT_EQUAL(hostdb_heartbeat(b, "pxe-a/192.0.2.2"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_live_engines(a, 30000, names, 1, &n), HOSTDB_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(count_rows("engines"), 2);
	hostdb_close(a);
	hostdb_close(b);
}

/* ---- PostgreSQL only: notifications, an outage ---- */

/* Polls until changed (or reachable when want_up), at most 10 s. */
static bool
poll_until(struct hostdb *db, bool want_up)
{
	bool changed = false, any = false;
	int i;

	for (i = 0; i < 1000; i++) {
		hostdb_poll(db, &changed);
		any |= changed;
		if (want_up ? hostdb_reachable(db) && any : any)
			return true;
		usleep(10000);
	}
	return false;
}

static void
test_pg_notify(void)
{
	struct hostdb_stats st;
	struct hostdb *a, *b;
	struct hostdb_host h;
	bool changed = true;
	int64_t id;

	fresh_store();
	a = open_as("a");
	b = open_as("b");
	/* Our own change is not news to us. */
	h = unit_host(mac1, NULL, BOOT_ACTION_BOOT, "default", "own");
	CU_ASSERT_EQUAL(hostdb_add(a, &h, &id), HOSTDB_OK);
	usleep(100000);
	CU_ASSERT_EQUAL(hostdb_poll(a, &changed), HOSTDB_OK);
	CU_ASSERT_FALSE(changed);
	/* Another engine's is; so is a provisioning system's plain SQL. */
	h = unit_host(mac2, NULL, BOOT_ACTION_BOOT, "default", "theirs");
	CU_ASSERT_EQUAL(hostdb_add(b, &h, &id), HOSTDB_OK);
	CU_ASSERT_TRUE(poll_until(a, false));
	CU_ASSERT_EQUAL(raw("UPDATE hosts SET profile = 'winpe' WHERE name = 'own'", NULL, 0), 0);
	CU_ASSERT_TRUE(poll_until(a, false));
	/* A last-seen note is not a policy change: no notification. */
	CU_ASSERT_EQUAL(hostdb_record_seen(b, id, "bios", "boot", "undionly.kpxe"), HOSTDB_OK);
	usleep(200000);
	CU_ASSERT_EQUAL(hostdb_poll(a, &changed), HOSTDB_OK);
	CU_ASSERT_FALSE(changed);
	hostdb_get_stats(a, &st);
	CU_ASSERT_EQUAL(st.notifies, 2);
	hostdb_close(a);
	hostdb_close(b);
}

static int
pg_ctl(const char *fn)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "bash -c '. \"$PXL_PG_LIB\" && %s' >&2", fn);
	return system(cmd);
}

static void
test_pg_reconnect(void)
{
	struct hostdb_stats st;
	struct hostdb_host h;
	struct hostdb *db;
	bool consumed = true;
	int64_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(getenv("PXL_PG_LIB"));
	fresh_store();
	db = open_as("a");
	h = unit_host(mac1, NULL, BOOT_ACTION_ONCE, "reimage", "outage");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_stop"), 0);
	/* Down: the one-shot is not taken (not twice, not at all), calls fail at once. */
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_FALSE(hostdb_reachable(db));
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_EQUAL(hostdb_poll(db, &consumed), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_start_again"), 0);
	/* Back: reconnected by polling alone, and told to rebuild (notifications missed). */
	CU_ASSERT_TRUE_FATAL(poll_until(db, true));
	hostdb_get_stats(db, &st);
	CU_ASSERT_EQUAL(st.reconnects, 1);
	CU_ASSERT_TRUE(st.errors >= 2);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	/* LISTEN again after the reconnect: a change by another session is heard. */
	CU_ASSERT_EQUAL(raw("UPDATE hosts SET name = 'renamed'", NULL, 0), 0);
	CU_ASSERT_TRUE(poll_until(db, false));
	hostdb_close(db);
}

/* History written during an outage is kept and written after the
 * reconnect, oldest giving way past HOSTDB_HISTORY_BACKLOG rows. Spread
 * over 9 hosts, so that no host passes HOSTDB_HISTORY_KEEP (no trim). */
static void
test_pg_history_backlog(void)
{
	enum { HOSTS = 9 };
	struct hist_seen seen = { 0 };
	struct hostdb_event ev;
	struct hostdb_stats st;
	struct hostdb_host h;
	struct hostdb *db;
	int64_t ids[HOSTS];
	uint8_t mac[6];
	int i;

	fresh_store();
	db = open_as("engine-o");
	for (i = 0; i < HOSTS; i++) {
		memcpy(mac, mac1, 6);
		mac[5] = (uint8_t)(0x80 + i);
		h = unit_host(mac, NULL, BOOT_ACTION_BOOT, "default", "outage");
		CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &ids[i]), HOSTDB_OK);
	}
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_stop"), 0);
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.kind, sizeof(ev.kind), "dhcp");
	snprintf(ev.outcome, sizeof(ev.outcome), "reply");
	/* Five more than it keeps: the five oldest give way. The first finds
	 * the connection gone: kept as well. */
	for (i = 0; i < HOSTDB_HISTORY_BACKLOG + 5; i++) {
		ev.host_id = ids[i % HOSTS];
		ev.at_ms = 1700000000000 + i;
		snprintf(ev.request, sizeof(ev.request), "DISCOVER n=%d", i);
		CU_ASSERT_EQUAL(hostdb_history_add(db, &ev), HOSTDB_OK);
	}
	CU_ASSERT_FALSE(hostdb_reachable(db));
	hostdb_get_stats(db, &st);
	CU_ASSERT_EQUAL(st.history_dropped, 5);
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_start_again"), 0);
	CU_ASSERT_TRUE_FATAL(poll_until(db, true));
	/* Drained a few batches per poll. */
	for (i = 0; i < 100 && count_rows("boot_events") < HOSTDB_HISTORY_BACKLOG; i++)
		hostdb_poll(db, &(bool){ false });
	CU_ASSERT_EQUAL(count_rows("boot_events"), HOSTDB_HISTORY_BACKLOG);
	i = HOSTDB_HISTORY_BACKLOG + 4;		/* the newest */
	CU_ASSERT_EQUAL(hostdb_history(db, ids[i % HOSTS], 1, hist_row, &seen), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(seen.n, 1);
	snprintf(ev.request, sizeof(ev.request), "DISCOVER n=%d", i);
	CU_ASSERT_STRING_EQUAL(seen.ev[0].request, ev.request);
	hostdb_close(db);
}

/* Opened while the server is down (an engine started during an outage):
 * the handle is made, down; polling alone connects it once the server is
 * back, and the schema is created then. */
static void
test_pg_open_down(void)
{
	struct hostdb_host h;
	struct hostdb *db;
	bool changed = false;
	int64_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(getenv("PXL_PG_LIB"));
	fresh_store();
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_stop"), 0);
	db = open_as("a");
	CU_ASSERT_FALSE(hostdb_reachable(db));
	CU_ASSERT_PTR_NOT_NULL(strstr(hostdb_msg(db), "connection"));
	CU_ASSERT_PTR_NULL(strchr(hostdb_msg(db), '\n'));	/* one log line */
	h = unit_host(mac1, NULL, BOOT_ACTION_BOOT, "default", "early");
	CU_ASSERT_EQUAL(hostdb_add(db, &h, &id), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_EQUAL(hostdb_poll(db, &changed), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_EQUAL_FATAL(pg_ctl("pxl_pg_start_again"), 0);
	CU_ASSERT_TRUE_FATAL(poll_until(db, true));
	CU_ASSERT_EQUAL(count_rows("hosts"), 0);	/* the schema is there, empty */
	CU_ASSERT_EQUAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_OK);
	hostdb_close(db);
}

/* A backend that accepts and never answers (SIGSTOP; the cluster runs as our user or
 * we are root): the call gives up, bounded. */
static void
test_pg_silent_server(void)
{
	struct hostdb_host h;
	struct hostdb *db;
	char pid[32], cmd[64];
	int64_t id;

	fresh_store();
	db = open_as("a");
	h = unit_host(mac1, NULL, BOOT_ACTION_BOOT, "default", "silent");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	CU_ASSERT_EQUAL_FATAL(raw("SELECT pid FROM pg_stat_activity WHERE application_name ="
				  " 'pxeline'", pid, sizeof(pid)), 0);
	CU_ASSERT_TRUE_FATAL(atoi(pid) > 0);
	snprintf(cmd, sizeof(cmd), "kill -STOP %d", atoi(pid));
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_ERR_UNREACHABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(hostdb_msg(db), "no answer from PostgreSQL"));
	CU_ASSERT_FALSE(hostdb_reachable(db));
	snprintf(cmd, sizeof(cmd), "kill -CONT %d", atoi(pid));
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT_TRUE(poll_until(db, true));
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_OK);
	hostdb_close(db);
}

static int
suite_init(void)
{
	pg_url = getenv("PXL_PG_URL");
	if (pg_url && !pg_url[0])
		pg_url = NULL;
	return unit_tmpdir_make(tmpdir, sizeof(tmpdir), "pxl-hostdb-store");
}

static int
suite_fini(void)
{
	return unit_tmpdir_remove(tmpdir);
}

int
main(void)
{
	static const struct unit_test both[] = {
		{ "schema from empty", test_schema_from_empty },
		{ "schema from version N-1", test_schema_from_previous },
		{ "compare-and-set, two connections racing", test_cas_two_connections },
		{ "grace across two handles", test_grace_two_handles },
		{ "history newest first, retention", test_history_newest_first },
		{ "heartbeat, live engines", test_heartbeat_live_engines },
		{ NULL, NULL },
	};
	/* PostgreSQL's own: only run where there is one. */
	static const struct unit_test pg_only[] = {
		{ "notifications", test_pg_notify },
		{ "reconnect after pg_ctl stop/start", test_pg_reconnect },
		{ "a server that never answers", test_pg_silent_server },
		{ "opened while the server is down", test_pg_open_down },
		{ "history kept through an outage", test_pg_history_backlog },
		{ NULL, NULL },
	};
	static struct unit_test pg[sizeof(both) / sizeof(both[0]) - 1 +
				   sizeof(pg_only) / sizeof(pg_only[0])];
	bool on_pg = getenv("PXL_PG_URL") && getenv("PXL_PG_URL")[0];
	size_t n = sizeof(both) / sizeof(both[0]) - 1;

	memcpy(pg, both, n * sizeof(both[0]));
	memcpy(pg + n, pg_only, sizeof(pg_only));

	return unit_run_fixture(on_pg ? "hostdb store: postgresql" : "hostdb store: sqlite",
				suite_init, suite_fini, on_pg ? pg : both);
}
