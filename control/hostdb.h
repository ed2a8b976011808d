/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host inventory: durable records of what each machine boots, their
 * one-shot state, the fleet's engines and every host's boot history. Two
 * backends behind this one API (hostdb_internal.h the table between them):
 * SQLite, one engine's file (WAL, synchronous=FULL: a committed one-shot
 * survives kill -9 and power loss; hostdb_sqlite.c), and PostgreSQL, one
 * server a fleet of engines shares (hostdb_pg.c; each engine LISTENs for
 * changes anyone writes, see hostdb_poll). Control thread only; every call
 * may block on the disk or a round trip (bounded: a lost server fails the
 * call at once, it never waits for it).
 *
 * Keys: a MAC ("aa:bb:cc:dd:ee:ff", stored lowercase) and/or a UUID (option
 * 97's 16 bytes, in the order the client sends them, stored as the canonical
 * 36-char lowercase text the trace prints). Each is unique when present.
 */
#ifndef PXELINE_CONTROL_HOSTDB_H
#define PXELINE_CONTROL_HOSTDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/config.h"
#include "dataplane/dhcp/bootaction.h"
#include "dataplane/dhcp/snapshot.h"

#define HOSTDB_MAC_STRLEN 18	/* "aa:bb:cc:dd:ee:ff" + NUL */
#define HOSTDB_UUID_STRLEN 37	/* 8-4-4-4-12 + NUL */
#define HOSTDB_ENGINE_STRLEN 64	/* an engine's name in the fleet (state.engine) */
/* History rows kept per host (the oldest go as new ones come). */
#define HOSTDB_HISTORY_KEEP 500
/* History rows a PostgreSQL handle keeps while the server is unreachable
 * and writes once it is back (the oldest give way). */
#define HOSTDB_HISTORY_BACKLOG 4096

enum hostdb_err {
	HOSTDB_OK = 0,
	HOSTDB_ERR_NOT_FOUND,	/* no record with this key */
	HOSTDB_ERR_EXISTS,	/* MAC or UUID already belongs to another record */
	HOSTDB_ERR_NO_KEY,	/* a record needs a MAC or a UUID */
	HOSTDB_ERR_ACTION,	/* action out of range */
	HOSTDB_ERR_NO_PROFILE,	/* boot/once need a profile */
	HOSTDB_ERR_NAME,	/* name or profile too long */
	HOSTDB_ERR_PATH,	/* cannot create the database's directory */
	HOSTDB_ERR_VERSION,	/* written by a newer pxeline: refusing to guess */
	HOSTDB_ERR_SQL,		/* the store failed: see hostdb_msg() */
	HOSTDB_ERR_UNREACHABLE,	/* PostgreSQL unreachable; hostdb_poll reconnects */
	HOSTDB_ERR__MAX,
};

const char *hostdb_strerror(enum hostdb_err e);

/* One record. */
struct hostdb_host {
	struct boot_host h;	/* id, name, action, profile, once_armed */
	bool has_mac;
	uint8_t mac[6];
	bool has_uuid;
	uint8_t uuid[16];
	int64_t created;	/* unix seconds */
	int64_t updated;
	int64_t last_seen;	/* 0 = never seen */
	char last_action[32];	/* what it was last answered ("boot", "abort", "ignore") */
	char last_arch[16];
	char last_file[256];
	/* Milliseconds since a boot took the one-shot (the store's clock, so
	 * every engine agrees); -1 = not taken by a boot (or taken by hand). */
	int64_t consumed_age_ms;
	char consumed_by[HOSTDB_ENGINE_STRLEN];	/* the engine that took it */
};

/* Counters of the store, for /metrics (dhcp_stats.h carries them). */
struct hostdb_stats {
	uint64_t errors;	/* calls that failed (SQL or unreachable) */
	uint64_t reconnects;	/* connections to PostgreSQL made again after a loss */
	uint64_t notifies;	/* changes by others heard (LISTEN/NOTIFY) */
	uint64_t history_dropped; /* history rows lost: the outage's backlog was full */
};

/* The record as a policy snapshot holds it (grace_until_ns: see there). */
static inline struct dhcp_snap_host
hostdb_snap_host(const struct hostdb_host *h, uint64_t grace_until_ns)
{
	struct dhcp_snap_host sh;

	memset(&sh, 0, sizeof(sh));
	sh.h = h->h;
	sh.has_mac = h->has_mac;
	memcpy(sh.mac, h->mac, 6);
	sh.has_uuid = h->has_uuid;
	memcpy(sh.uuid, h->uuid, 16);
	sh.grace_until_ns = grace_until_ns;
	return sh;
}

struct hostdb;

/*
 * Opens (creating the directory, file and schema when missing) the SQLite
 * database at path; ":memory:" works for tests. Migrates older schema
 * versions. The engine's name (history rows, hostdb_live_engines) is set
 * by hostdb_open_config or the first hostdb_heartbeat.
 */
enum hostdb_err hostdb_open(const char *path, struct hostdb **ret_db);
/*
 * Connects to PostgreSQL at url (libpq URL or conninfo), creates or migrates
 * the schema (schema_version, one transaction) and LISTENs on
 * "pxeline_hosts". Fails when the server is unreachable at start (the
 * engine does not start without its inventory; systemd starts it again);
 * once open, a lost server is reconnected by hostdb_poll.
 */
enum hostdb_err hostdb_open_pg(const char *url, const char *engine, struct hostdb **ret_db);
/* The backend and address state = { ... } names, as engine cfg->state_engine. */
enum hostdb_err hostdb_open_config(const struct pxeline_config *cfg, struct hostdb **ret_db);
void hostdb_close(struct hostdb *db);
/* Where cfg's store is, for the log: the file, or the URL without its password. */
void hostdb_config_where(const struct pxeline_config *cfg, char *ret_s, size_t cap);

/* The store's message for the last HOSTDB_ERR_SQL/UNREACHABLE (or "");
 * db NULL: why the last hostdb_open* failed. */
const char *hostdb_msg(const struct hostdb *db);
/* "sqlite" or "postgresql". */
const char *hostdb_backend_name(const struct hostdb *db);
/* The engine name rows are written under ("" until one is set). */
const char *hostdb_engine(const struct hostdb *db);
void hostdb_get_stats(const struct hostdb *db, struct hostdb_stats *ret_stats);

/*
 * Called by the control loop at every pass; never blocks. PostgreSQL:
 * reads notifications (PQconsumeInput/PQnotifies) and, once the connection
 * is lost, reconnects (PQconnectStart/PQconnectPoll, a new attempt every
 * HOSTDB_RETRY_MS). *ret_changed: the inventory may have changed under us
 * (a notification from another session, or a reconnect: notifications
 * were missed), so the caller rebuilds its snapshot. SQLite: nothing.
 */
#define HOSTDB_RETRY_MS 1000
enum hostdb_err hostdb_poll(struct hostdb *db, bool *ret_changed);
/* False while PostgreSQL is unreachable (SQLite: always true). */
bool hostdb_reachable(const struct hostdb *db);

enum hostdb_err hostdb_lookup_mac(struct hostdb *db, const uint8_t mac[6],
	struct hostdb_host *ret_host);
enum hostdb_err hostdb_lookup_uuid(struct hostdb *db, const uint8_t uuid[16],
	struct hostdb_host *ret_host);
enum hostdb_err hostdb_get(struct hostdb *db, int64_t id, struct hostdb_host *ret_host);

/* Inserts h (h->h.id ignored); created/updated = now. */
enum hostdb_err hostdb_add(struct hostdb *db, const struct hostdb_host *h,
	int64_t *ret_id);
/* Rewrites keys, name, action, profile and once_armed of record h->h.id. */
enum hostdb_err hostdb_set(struct hostdb *db, const struct hostdb_host *h);
enum hostdb_err hostdb_del(struct hostdb *db, int64_t id);

/* Calls fn for every record in id order; fn returning non-zero stops. */
enum hostdb_err hostdb_list(struct hostdb *db,
	int (*fn)(void *arg, const struct hostdb_host *h), void *arg);

/*
 * Takes the one shot of record id: atomically disarms it if armed (one
 * UPDATE ... WHERE once_armed: exactly one caller wins, whatever engine),
 * committed before returning, with a history row. ret_consumed says whether
 * this call took it (false: already taken, by an earlier boot, another
 * engine or before a restart). by_boot: a boot took it (consumed_at is set,
 * the same boot's grace runs from it); false: `pxectl host done`.
 * ret_age_ms (may be NULL): when not consumed here, how long ago a boot on
 * ANOTHER engine took it (-1: not by a boot, or by this engine, whose own
 * grace table knows better), so a loser answers the same boot in grace.
 */
enum hostdb_err hostdb_consume_once(struct hostdb *db, int64_t id, bool by_boot,
	bool *ret_consumed, int64_t *ret_age_ms);

/* Notes the last answer given to record id (not durable until committed). */
enum hostdb_err hostdb_record_seen(struct hostdb *db, int64_t id, const char *arch,
	const char *action, const char *file);

/*
 * Batches the record_seen writes of a burst of requests into one commit (one
 * fsync per burst, not per request). consume_once inside a batch commits it.
 */
enum hostdb_err hostdb_batch_begin(struct hostdb *db);
enum hostdb_err hostdb_batch_end(struct hostdb *db);

/*
 * The fleet. hostdb_heartbeat says engine is alive (engines.last_seen =
 * now, an upsert); the control loop calls it every HOSTDB_HEARTBEAT_MS.
 * hostdb_live_engines writes the names whose heartbeat is younger than
 * max_age_ms, sorted (strcmp), at most max, and their count in *ret_n.
 * SQLite: one engine, so the only one is self (the last name given to
 * hostdb_heartbeat). On an error ret_names is untouched: keep the last list.
 */
#define HOSTDB_HEARTBEAT_MS 500
enum hostdb_err hostdb_heartbeat(struct hostdb *db, const char *engine);
enum hostdb_err hostdb_live_engines(struct hostdb *db, uint32_t max_age_ms,
	char (*ret_names)[HOSTDB_ENGINE_STRLEN], unsigned max, unsigned *ret_n);

/*
 * Boot history: one row per step of a known host (a DHCP request and its
 * answer, a file served, a one-shot armed/consumed/done), written by the
 * control thread (in the batches of the log drain), HOSTDB_HISTORY_KEEP
 * per host kept. Rows of a deleted host go with it. On PostgreSQL, rows
 * added while the server is unreachable are kept (HOSTDB_HISTORY_BACKLOG)
 * and written after the reconnect, from hostdb_poll.
 */
struct hostdb_event {
	int64_t host_id;
	int64_t at_ms;			/* unix milliseconds (set by history_add when 0) */
	char engine[HOSTDB_ENGINE_STRLEN];	/* filled by history_add from the handle */
	char kind[16];			/* "dhcp", "file", "armed", "consumed", "done" */
	char mac[HOSTDB_MAC_STRLEN];	/* "" when the step had none */
	char request[128];		/* "DISCOVER port=67 arch=efi-x64 via=192.0.2.1" */
	char answer[128];		/* "boot profile=win", "silent", ... */
	char file[256];			/* file answered or served */
	uint64_t bytes;			/* "file": bytes served */
	char outcome[32];		/* "file": done, timeout ...; "dhcp": reply, silent */
};

enum hostdb_err hostdb_history_add(struct hostdb *db, const struct hostdb_event *ev);
/* Calls fn for host_id's rows, newest first, at most limit (0 = all kept). */
enum hostdb_err hostdb_history(struct hostdb *db, int64_t host_id, unsigned limit,
	int (*fn)(void *arg, const struct hostdb_event *ev), void *arg);

/* Text forms. Parsers accept either case (and '-' in MACs); 0 or -1. */
void hostdb_mac_str(const uint8_t mac[6], char ret_s[HOSTDB_MAC_STRLEN]);
void hostdb_uuid_str(const uint8_t uuid[16], char ret_s[HOSTDB_UUID_STRLEN]);
int hostdb_parse_mac(const char *s, uint8_t ret_mac[6]);
int hostdb_parse_uuid(const char *s, uint8_t ret_uuid[16]);
/* "boot", "once", "abort", "ignore"; -1 otherwise. */
int hostdb_parse_action(const char *s);

#endif /* PXELINE_CONTROL_HOSTDB_H */
