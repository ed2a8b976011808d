/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host inventory: durable records of what each machine boots, in SQLite
 * (WAL, synchronous=FULL: a committed one-shot survives kill -9 and power
 * loss). Control thread only; every call may block on the disk.
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

#include "dataplane/dhcp/bootaction.h"
#include "dataplane/dhcp/snapshot.h"

#define HOSTDB_MAC_STRLEN 18	/* "aa:bb:cc:dd:ee:ff" + NUL */
#define HOSTDB_UUID_STRLEN 37	/* 8-4-4-4-12 + NUL */

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
	HOSTDB_ERR_SQL,		/* SQLite failed: see hostdb_sqlite_msg() */
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
 * Opens (creating the directory, file and schema when missing) the database
 * at path; ":memory:" works for tests. Migrates older schema versions.
 */
enum hostdb_err hostdb_open(const char *path, struct hostdb **ret_db);
void hostdb_close(struct hostdb *db);

/* SQLite's message for the last HOSTDB_ERR_SQL (or ""). */
const char *hostdb_sqlite_msg(const struct hostdb *db);

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
 * Takes the one shot of record id: atomically disarms it if armed, committed
 * to disk before returning. ret_consumed says whether this call took it
 * (false: already taken, by an earlier boot or before a restart).
 */
enum hostdb_err hostdb_consume_once(struct hostdb *db, int64_t id, bool *ret_consumed);

/* Notes the last answer given to record id (not durable until committed). */
enum hostdb_err hostdb_record_seen(struct hostdb *db, int64_t id, const char *arch,
	const char *action, const char *file);

/*
 * Batches the record_seen writes of a burst of requests into one commit (one
 * fsync per burst, not per request). consume_once inside a batch commits it.
 */
enum hostdb_err hostdb_batch_begin(struct hostdb *db);
enum hostdb_err hostdb_batch_end(struct hostdb *db);

/* Text forms. Parsers accept either case (and '-' in MACs); 0 or -1. */
void hostdb_mac_str(const uint8_t mac[6], char ret_s[HOSTDB_MAC_STRLEN]);
void hostdb_uuid_str(const uint8_t uuid[16], char ret_s[HOSTDB_UUID_STRLEN]);
int hostdb_parse_mac(const char *s, uint8_t ret_mac[6]);
int hostdb_parse_uuid(const char *s, uint8_t ret_uuid[16]);
/* "boot", "once", "abort", "ignore"; -1 otherwise. */
int hostdb_parse_action(const char *s);

#endif /* PXELINE_CONTROL_HOSTDB_H */
