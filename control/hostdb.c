/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host inventory's API: checks, text forms, and the dispatch to the
 * backend the handle was opened with (hostdb_internal.h). See hostdb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/hostdb_internal.h"

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
	[HOSTDB_ERR_UNREACHABLE] = "state store unreachable",
};
_Static_assert(sizeof(hostdb_err_str) / sizeof(hostdb_err_str[0]) == HOSTDB_ERR__MAX, "hostdb_err_str out of step with its enum");

const char *
hostdb_strerror(enum hostdb_err e)
{
	if ((unsigned int)e >= HOSTDB_ERR__MAX)
		return "unknown hostdb error";
	return hostdb_err_str[e];
}

/* Why the last open failed: there is no handle to hold it. */
static char open_msg[256];

void
hostdb_open_failed(const char *msg)
{
	snprintf(open_msg, sizeof(open_msg), "%s", msg ? msg : "");
}

const char *
hostdb_msg(const struct hostdb *db)
{
	return db ? db->msg : open_msg;
}

const char *
hostdb_backend_name(const struct hostdb *db)
{
	return db->ops->name;
}

const char *
hostdb_engine(const struct hostdb *db)
{
	return db->engine;
}

void
hostdb_get_stats(const struct hostdb *db, struct hostdb_stats *ret_stats)
{
	*ret_stats = db->stats;
}

int64_t
hostdb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every failed call counts once, whichever backend. */
static enum hostdb_err
counted(struct hostdb *db, enum hostdb_err e)
{
	if (e == HOSTDB_ERR_SQL || e == HOSTDB_ERR_UNREACHABLE)
		db->stats.errors++;
	return e;
}

/* Opening --------------------------------------------------------------- */

static void
set_engine(struct hostdb *db, const char *engine)
{
	if (engine != db->engine)	/* hostdb_heartbeat(db, hostdb_engine(db)) */
		snprintf(db->engine, sizeof(db->engine), "%s", engine ? engine : "");
}

enum hostdb_err
hostdb_open(const char *path, struct hostdb **ret_db)
{
	return hostdb_sqlite_open(path, ret_db);
}

enum hostdb_err
hostdb_open_pg(const char *url, const char *engine, struct hostdb **ret_db)
{
	enum hostdb_err e = hostdb_pg_open(url, ret_db);

	if (!e)
		set_engine(*ret_db, engine);
	return e;
}

enum hostdb_err
hostdb_open_config(const struct pxeline_config *cfg, struct hostdb **ret_db)
{
	enum hostdb_err e;

	if (cfg->state_backend == CFG_STATE_POSTGRESQL)
		return hostdb_open_pg(cfg->state_url, cfg->state_engine, ret_db);
	e = hostdb_open(cfg->state_db, ret_db);
	if (!e)
		set_engine(*ret_db, cfg->state_engine);
	return e;
}

void
hostdb_config_where(const struct pxeline_config *cfg, char *ret_s, size_t cap)
{
	const char *u = cfg->state_url, *auth = strstr(u, "://"), *at, *colon;

	if (cfg->state_backend != CFG_STATE_POSTGRESQL) {
		snprintf(ret_s, cap, "%s", cfg->state_db);
		return;
	}
	at = auth ? strchr(auth + 3, '@') : NULL;
	colon = at ? memchr(auth + 3, ':', (size_t)(at - auth - 3)) : NULL;
	if (!colon) {
		snprintf(ret_s, cap, "%s", u);
		return;
	}
	snprintf(ret_s, cap, "%.*s:***%s", (int)(colon - u), u, at);
}

void
hostdb_close(struct hostdb *db)
{
	if (db)
		db->ops->close(db);
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

void
hostdb_host_from_text(struct hostdb_host *h, const char *mac, const char *uuid,
		      const char *action)
{
	int a;

	h->has_mac = mac && mac[0] && hostdb_parse_mac(mac, h->mac) == 0;
	h->has_uuid = uuid && uuid[0] && hostdb_parse_uuid(uuid, h->uuid) == 0;
	a = hostdb_parse_action(action);
	/* The CHECK constraint keeps this valid; out of range = boot_decide stays silent. */
	h->h.action = a >= 0 ? (enum boot_action)a : BOOT_ACTION__MAX;
}

/* Records --------------------------------------------------------------- */

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

enum hostdb_err
hostdb_lookup_mac(struct hostdb *db, const uint8_t mac[6], struct hostdb_host *ret_host)
{
	char s[HOSTDB_MAC_STRLEN];

	hostdb_mac_str(mac, s);
	return counted(db, db->ops->lookup(db, HOSTDB_KEY_MAC, s, 0, ret_host));
}

enum hostdb_err
hostdb_lookup_uuid(struct hostdb *db, const uint8_t uuid[16], struct hostdb_host *ret_host)
{
	char s[HOSTDB_UUID_STRLEN];

	hostdb_uuid_str(uuid, s);
	return counted(db, db->ops->lookup(db, HOSTDB_KEY_UUID, s, 0, ret_host));
}

enum hostdb_err
hostdb_get(struct hostdb *db, int64_t id, struct hostdb_host *ret_host)
{
	return counted(db, db->ops->lookup(db, HOSTDB_KEY_ID, NULL, id, ret_host));
}

/* An armed one-shot is a history step whoever armed it (add, set, arm). */
static void
note_armed(struct hostdb *db, const struct hostdb_host *h, int64_t id)
{
	struct hostdb_event ev;

	if (h->h.action != BOOT_ACTION_ONCE || !h->h.once_armed)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.host_id = id;
	snprintf(ev.kind, sizeof(ev.kind), "armed");
	snprintf(ev.answer, sizeof(ev.answer), "once profile=%s", h->h.profile);
	if (h->has_mac)
		hostdb_mac_str(h->mac, ev.mac);
	hostdb_history_add(db, &ev);
}

enum hostdb_err
hostdb_add(struct hostdb *db, const struct hostdb_host *h, int64_t *ret_id)
{
	enum hostdb_err e = check_host(h);
	int64_t id = 0;

	if (e)
		return e;
	e = counted(db, db->ops->add(db, h, &id));
	if (e)
		return e;
	note_armed(db, h, id);
	if (ret_id)
		*ret_id = id;
	return HOSTDB_OK;
}

enum hostdb_err
hostdb_set(struct hostdb *db, const struct hostdb_host *h)
{
	enum hostdb_err e = check_host(h);

	if (e)
		return e;
	e = counted(db, db->ops->set(db, h));
	if (!e)
		note_armed(db, h, h->h.id);
	return e;
}

enum hostdb_err
hostdb_del(struct hostdb *db, int64_t id)
{
	return counted(db, db->ops->del(db, id));
}

enum hostdb_err
hostdb_list(struct hostdb *db, int (*fn)(void *arg, const struct hostdb_host *h),
	    void *arg)
{
	return counted(db, db->ops->list(db, fn, arg));
}

enum hostdb_err
hostdb_consume_once(struct hostdb *db, int64_t id, bool by_boot, bool *ret_consumed,
		    int64_t *ret_age_ms)
{
	struct hostdb_event ev;
	struct hostdb_host h;
	enum hostdb_err e;

	*ret_consumed = false;
	if (ret_age_ms)
		*ret_age_ms = -1;
	memset(&ev, 0, sizeof(ev));
	ev.host_id = id;
	ev.at_ms = hostdb_now_ms();
	snprintf(ev.engine, sizeof(ev.engine), "%s", db->engine);
	snprintf(ev.kind, sizeof(ev.kind), by_boot ? "consumed" : "done");
	snprintf(ev.answer, sizeof(ev.answer), by_boot ? "one-shot taken by a boot" :
		 "one-shot ended by hand (pxectl host done)");
	e = counted(db, db->ops->consume_once(db, id, by_boot, &ev, ret_consumed));
	if (e || *ret_consumed || !ret_age_ms)
		return e;
	if (db->ops->lookup(db, HOSTDB_KEY_ID, NULL, id, &h) == HOSTDB_OK &&
	    strcmp(h.consumed_by, db->engine) != 0)
		*ret_age_ms = h.consumed_age_ms;
	return HOSTDB_OK;
}

enum hostdb_err
hostdb_record_seen(struct hostdb *db, int64_t id, const char *arch, const char *action,
		   const char *file)
{
	return counted(db, db->ops->record_seen(db, id, arch ? arch : "",
						action ? action : "", file ? file : ""));
}

enum hostdb_err
hostdb_batch_begin(struct hostdb *db)
{
	return counted(db, db->ops->batch_begin(db));
}

enum hostdb_err
hostdb_batch_end(struct hostdb *db)
{
	return counted(db, db->ops->batch_end(db));
}

/* The fleet ------------------------------------------------------------- */

enum hostdb_err
hostdb_heartbeat(struct hostdb *db, const char *engine)
{
	if (!engine || !engine[0] || strlen(engine) >= HOSTDB_ENGINE_STRLEN)
		return HOSTDB_ERR_NAME;
	set_engine(db, engine);
	return counted(db, db->ops->heartbeat(db, engine));
}

enum hostdb_err
hostdb_live_engines(struct hostdb *db, uint32_t max_age_ms,
		    char (*ret_names)[HOSTDB_ENGINE_STRLEN], unsigned max, unsigned *ret_n)
{
	*ret_n = 0;
	return counted(db, db->ops->live_engines(db, max_age_ms, ret_names, max, ret_n));
}

enum hostdb_err
hostdb_poll(struct hostdb *db, bool *ret_changed)
{
	*ret_changed = false;
	if (!db->ops->poll)
		return HOSTDB_OK;
	return db->ops->poll(db, ret_changed);
}

bool
hostdb_reachable(const struct hostdb *db)
{
	return db->ops->reachable ? db->ops->reachable(db) : true;
}

/* History --------------------------------------------------------------- */

enum hostdb_err
hostdb_history_add(struct hostdb *db, const struct hostdb_event *ev)
{
	struct hostdb_event e = *ev;

	if (!e.host_id)
		return HOSTDB_ERR_NOT_FOUND;
	if (!e.at_ms)
		e.at_ms = hostdb_now_ms();
	snprintf(e.engine, sizeof(e.engine), "%s", db->engine);
	return counted(db, db->ops->history_add(db, &e));
}

enum hostdb_err
hostdb_history(struct hostdb *db, int64_t host_id, unsigned limit,
	       int (*fn)(void *arg, const struct hostdb_event *ev), void *arg)
{
	return counted(db, db->ops->history(db, host_id, limit ? limit : HOSTDB_HISTORY_KEEP,
					    fn, arg));
}
