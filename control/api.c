/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP API's routing and handlers. See api.h. JSON is jansson's, both
 * ways: nothing here parses or escapes JSON by hand.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "control/api.h"
#include "control/dhcp_control.h"
#include "control/hostdb.h"
#include "control/hostspec.h"
#include "control/metrics.h"
#include "dataplane/base/clock.h"

#define API_JSON "application/json"
#define API_HOSTS "/api/v1/hosts"

/* Replies ---------------------------------------------------------------- */

/* Takes root (a reference) and serializes it as the reply. */
static void
reply_json(struct api_reply *ret, unsigned status, json_t *root)
{
	char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;

	json_decref(root);
	if (!s) {
		ret->status = 500;
		ret->body = strdup("{\"error\": \"out of memory\"}");
		ret->len = ret->body ? strlen(ret->body) : 0;
		ret->content_type = API_JSON;
		return;
	}
	ret->status = status;
	ret->body = s;
	ret->len = strlen(s);
	ret->content_type = API_JSON;
}

void
api_error(struct api_reply *ret, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_json(ret, status, json_pack("{s:s}", "error", msg));
}

static void
reply_db_err(struct api_reply *ret, struct hostdb *db, enum hostdb_err e)
{
	switch (e) {
	case HOSTDB_ERR_NOT_FOUND:
		api_error(ret, 404, "%s", hostdb_strerror(e));
		break;
	case HOSTDB_ERR_EXISTS:
		api_error(ret, 409, "%s", hostdb_strerror(e));
		break;
	case HOSTDB_ERR_NO_KEY:
	case HOSTDB_ERR_ACTION:
	case HOSTDB_ERR_NO_PROFILE:
	case HOSTDB_ERR_NAME:
		api_error(ret, 400, "%s", hostdb_strerror(e));
		break;
	case HOSTDB_ERR_SQL:
		api_error(ret, 500, "%s: %s", hostdb_strerror(e), hostdb_msg(db));
		break;
	default:
		api_error(ret, 500, "%s", hostdb_strerror(e));
		break;
	}
}

/* Bodies ----------------------------------------------------------------- */

/*
 * Parses an optional JSON object of string fields named in allowed (a
 * NULL-terminated list; each value's pointer goes to the slot of the same
 * index). An empty body is an empty object when empty_ok. Returns the root
 * to keep the strings alive (json_decref it), or NULL with the 400 replied.
 */
static json_t *
parse_body(const char *body, size_t len, bool empty_ok, const char *const *allowed,
	   const char **slots, struct api_reply *ret)
{
	json_error_t jerr;
	const char *key;
	json_t *root, *v;
	size_t i;

	if (len == 0 && empty_ok)
		return json_object();
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		api_error(ret, 400, "malformed JSON: %s (line %d, column %d)", jerr.text,
			  jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		api_error(ret, 400, "the body must be a JSON object");
		return NULL;
	}
	json_object_foreach(root, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
			;
		if (!allowed[i]) {
			api_error(ret, 400, "unknown field '%s'", key);
			json_decref(root);
			return NULL;
		}
		if (!json_is_string(v)) {
			api_error(ret, 400, "field '%s' must be a string", key);
			json_decref(root);
			return NULL;
		}
		slots[i] = json_string_value(v);
	}
	return root;
}

/* A body that takes no fields: empty or {}; false with the 400 replied. */
static bool
no_fields(const char *body, size_t len, struct api_reply *ret)
{
	static const char *const none[] = { NULL };
	json_t *root = parse_body(body, len, true, none, NULL, ret);

	json_decref(root);
	return root != NULL;
}

/* A host body into hostspec's fields; NULL with the 400 replied. */
static json_t *
parse_host(const char *body, size_t len, struct hostspec *s, struct api_reply *ret)
{
	static const char *const fields[] = { "mac", "uuid", "action", "profile", "name", NULL };
	const char *slots[5] = { NULL };
	json_t *root = parse_body(body, len, false, fields, slots, ret);

	s->mac = slots[0];
	s->uuid = slots[1];
	s->action = slots[2];
	s->profile = slots[3];
	s->name = slots[4];
	return root;
}

/* Hosts ------------------------------------------------------------------ */

static json_t *
str_or_null(bool has, const char *s)
{
	return has ? json_string(s) : json_null();
}

static json_t *
host_json(const struct hostdb_host *h)
{
	char mac[HOSTDB_MAC_STRLEN] = "", uuid[HOSTDB_UUID_STRLEN] = "";

	if (h->has_mac)
		hostdb_mac_str(h->mac, mac);
	if (h->has_uuid)
		hostdb_uuid_str(h->uuid, uuid);
	return json_pack("{sI so so ss ss sb ss sI sI so ss ss ss}",
		"id", (json_int_t)h->h.id,
		"mac", str_or_null(h->has_mac, mac),
		"uuid", str_or_null(h->has_uuid, uuid),
		"name", h->h.name,
		"action", boot_action_name(h->h.action),
		"once_armed", h->h.action == BOOT_ACTION_ONCE && h->h.once_armed,
		"profile", h->h.profile,
		"created", (json_int_t)h->created,
		"updated", (json_int_t)h->updated,
		"last_seen", h->last_seen ? json_integer(h->last_seen) : json_null(),
		"last_answer", h->last_action,
		"last_arch", h->last_arch,
		"last_file", h->last_file);
}

static int
list_row(void *arg, const struct hostdb_host *h)
{
	return json_array_append_new(arg, host_json(h));
}

/* The host a path's key names: a record id, a MAC or a UUID. */
static bool
find_host(const struct api_ctx *ctx, const char *key, struct hostdb_host *h,
	  struct api_reply *ret)
{
	uint8_t bytes[16];
	enum hostdb_err e;
	long long id;
	char *end;

	errno = 0;
	id = strtoll(key, &end, 10);
	if (key[0] >= '0' && key[0] <= '9' && !*end && !errno && id > 0)
		e = hostdb_get(ctx->db, id, h);
	else if (hostdb_parse_mac(key, bytes) == 0)
		e = hostdb_lookup_mac(ctx->db, bytes, h);
	else if (hostdb_parse_uuid(key, bytes) == 0)
		e = hostdb_lookup_uuid(ctx->db, bytes, h);
	else {
		api_error(ret, 400, "bad host key '%s' (an id, a MAC or a UUID)", key);
		return false;
	}
	if (e) {
		reply_db_err(ret, ctx->db, e);
		return false;
	}
	return true;
}

/* Replies with record id as stored now. */
static void
reply_host(const struct api_ctx *ctx, int64_t id, unsigned status, struct api_reply *ret)
{
	struct hostdb_host h;
	enum hostdb_err e = hostdb_get(ctx->db, id, &h);

	if (e)
		reply_db_err(ret, ctx->db, e);
	else
		reply_json(ret, status, host_json(&h));
}

static void
hosts_list(const struct api_ctx *ctx, struct api_reply *ret)
{
	json_t *a = json_array();
	enum hostdb_err e;

	e = a ? hostdb_list(ctx->db, list_row, a) : HOSTDB_ERR_SQL;
	if (e) {
		json_decref(a);
		reply_db_err(ret, ctx->db, e);
		return;
	}
	reply_json(ret, 200, json_pack("{so}", "hosts", a));
}

static void
hosts_add(const struct api_ctx *ctx, const char *body, size_t len, struct api_reply *ret)
{
	struct hostspec s;
	struct hostdb_host h;
	enum hostdb_err e;
	char err[256];
	json_t *root;
	int64_t id;

	root = parse_host(body, len, &s, ret);
	if (!root)
		return;
	if (hostspec_new(ctx->cfg, &s, HOSTSPEC_JSON, &h, err, sizeof(err)) != 0) {
		json_decref(root);
		api_error(ret, 400, "%s", err);
		return;
	}
	json_decref(root);
	e = hostdb_add(ctx->db, &h, &id);
	if (e) {
		reply_db_err(ret, ctx->db, e);
		return;
	}
	reply_host(ctx, id, 201, ret);
}

static void
host_set(const struct api_ctx *ctx, struct hostdb_host *h, const char *body, size_t len,
	 struct api_reply *ret)
{
	struct hostspec s;
	enum hostdb_err e;
	char err[256];
	json_t *root;

	root = parse_host(body, len, &s, ret);
	if (!root)
		return;
	if (!s.mac && !s.uuid && !s.action && !s.profile && !s.name) {
		json_decref(root);
		api_error(ret, 400, "nothing to change");
		return;
	}
	if (hostspec_apply(ctx->cfg, &s, HOSTSPEC_JSON, h, err, sizeof(err)) != 0) {
		json_decref(root);
		api_error(ret, 400, "%s", err);
		return;
	}
	json_decref(root);
	e = hostdb_set(ctx->db, h);
	if (e)
		reply_db_err(ret, ctx->db, e);
	else
		reply_host(ctx, h->h.id, 200, ret);
}

static void
host_arm(const struct api_ctx *ctx, struct hostdb_host *h, const char *body, size_t len,
	 struct api_reply *ret)
{
	enum hostdb_err e;

	if (!no_fields(body, len, ret))
		return;
	if (h->h.action != BOOT_ACTION_ONCE) {
		api_error(ret, 409, "host %" PRId64 " has action %s; only a once host can be armed",
			  h->h.id, boot_action_name(h->h.action));
		return;
	}
	h->h.once_armed = true;
	e = hostdb_set(ctx->db, h);
	if (e)
		reply_db_err(ret, ctx->db, e);
	else
		reply_host(ctx, h->h.id, 200, ret);
}

/* Everything else ---------------------------------------------------------- */

static void
status(const struct api_ctx *ctx, const char *body __rte_unused, size_t len __rte_unused,
	struct api_reply *ret)
{
	struct dhcp_control_stats ds;
	struct worker_stats ws;
	struct cache_stats cs;
	json_t *dp, *dhcp, *cache, *root;

	dhcp_control_get_stats(&ds);
	dhcp = json_object();
#define API_DHCP(name) json_object_set_new(dhcp, #name, json_integer((json_int_t)ds.name));
	DHCP_CONTROL_STATS(API_DHCP)
#undef API_DHCP
	root = json_pack("{sI sI so}", "uptime_s",
			 (json_int_t)((clock_mono_ns() - ctx->start_ns) / 1000000000ull),
			 "workers", (json_int_t)ctx->cb.n_workers, "dhcp", dhcp);
	if (ctx->cb.stats && root) {
		ctx->cb.stats(ctx->cb.arg, &ws, &cs);
		dp = json_object();
		json_object_set_new(dp, "tftp_sessions_active", json_integer(
			(json_int_t)(ws.tftp_sessions_total - ws.tftp_sessions_ended)));
#define API_STAT(name) json_object_set_new(dp, #name, json_integer((json_int_t)ws.name));
		STATS_COUNTERS(API_STAT)
#undef API_STAT
		cache = json_pack("{sI sI sI sI sI sI sI sI sI sI}",
			"hits", (json_int_t)cs.hits, "misses", (json_int_t)cs.misses,
			"reads", (json_int_t)cs.reads, "read_bytes", (json_int_t)cs.read_bytes,
			"evictions", (json_int_t)cs.evictions, "opens", (json_int_t)cs.opens,
			"open_errors", (json_int_t)cs.open_errors, "stale", (json_int_t)cs.stale,
			"chunks_used", (json_int_t)cs.chunks_used,
			"chunks_total", (json_int_t)cs.chunks_total);
		json_object_set_new(root, "dataplane", dp);
		json_object_set_new(root, "cache", cache);
	}
	reply_json(ret, 200, root);
}

/* The sessions as pxectl prints them, one string per line. */
static void
sessions(const struct api_ctx *ctx, const char *body __rte_unused, size_t len __rte_unused,
	  struct api_reply *ret)
{
	char *buf = NULL, *line, *save = NULL;
	size_t n = 0;
	json_t *a;
	FILE *f;

	if (!ctx->cb.sessions) {
		api_error(ret, 501, "sessions not available in this engine");
		return;
	}
	f = open_memstream(&buf, &n);
	if (!f) {
		api_error(ret, 500, "out of memory");
		return;
	}
	ctx->cb.sessions(ctx->cb.arg, f);
	fclose(f);
	a = json_array();
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_array_append_new(a, json_string(line));
	free(buf);
	reply_json(ret, 200, json_pack("{so}", "sessions", a));
}

static void
reload(const struct api_ctx *ctx, const char *body, size_t len, struct api_reply *ret)
{
	char report[1024] = "";

	if (!no_fields(body, len, ret))
		return;
	if (!ctx->cb.reload) {
		api_error(ret, 501, "reload not available in this engine");
		return;
	}
	/* The engine kept its configuration: the request, not the server, was wrong. */
	if (ctx->cb.reload(ctx->cb.reload_arg, report, sizeof(report)) != 0) {
		api_error(ret, 422, "reload failed: %s", report);
		return;
	}
	reply_json(ret, 200, json_pack("{sb ss}", "reloaded", 1, "report", report));
}

static void
metrics(const struct api_ctx *ctx, const char *body __rte_unused, size_t len __rte_unused,
	 struct api_reply *ret)
{
	struct dhcp_control_stats ds;
	struct worker_stats ws;
	struct cache_stats cs;
	struct metrics_snapshot s = { .dhcp = &ds, .n_workers = ctx->cb.n_workers };
	FILE *f;

	dhcp_control_get_stats(&ds);
	if (ctx->cb.stats) {
		ctx->cb.stats(ctx->cb.arg, &ws, &cs);
		s.dp = &ws;
		s.cache = &cs;
	}
	ret->body = NULL;
	f = open_memstream(&ret->body, &ret->len);
	if (!f || metrics_write(f, &s) != 0) {
		if (f)
			fclose(f);
		free(ret->body);
		api_error(ret, 500, "out of memory");
		return;
	}
	fclose(f);
	ret->status = 200;
	ret->content_type = METRICS_CONTENT_TYPE;
}

/* Routing ---------------------------------------------------------------- */

static bool
method_is(const char *method, const char *m)
{
	return strcmp(method, m) == 0;
}

static void
not_allowed(struct api_reply *ret, const char *method, const char *allow)
{
	ret->allow = allow;
	api_error(ret, 405, "method %s not allowed here (%s)", method, allow);
}

static int
history_row(void *arg, const struct hostdb_event *ev)
{
	return json_array_append_new(arg, json_pack("{sI ss ss ss ss ss ss sI ss}",
		"at_ms", (json_int_t)ev->at_ms, "engine", ev->engine, "kind", ev->kind,
		"mac", ev->mac, "request", ev->request, "answer", ev->answer,
		"file", ev->file, "bytes", (json_int_t)ev->bytes, "outcome", ev->outcome));
}

/* GET /api/v1/hosts/KEY/history: the host's steps, newest first. */
static void
host_history(const struct api_ctx *ctx, const struct hostdb_host *h, struct api_reply *ret)
{
	json_t *a = json_array();
	enum hostdb_err e;

	e = a ? hostdb_history(ctx->db, h->h.id, 0, history_row, a) : HOSTDB_ERR_SQL;
	if (e) {
		json_decref(a);
		reply_db_err(ret, ctx->db, e);
		return;
	}
	reply_json(ret, 200, json_pack("{sI so}", "id", (json_int_t)h->h.id, "history", a));
}

/* /api/v1/hosts/KEY[/arm|/history] */
static void
route_host(const struct api_ctx *ctx, const char *method, const char *rest, const char *body,
	   size_t len, struct api_reply *ret)
{
	const char *slash = strchr(rest, '/');
	struct hostdb_host h;
	enum hostdb_err e;
	char key[64];
	bool arm = false, history = false;

	if (slash) {
		arm = strcmp(slash, "/arm") == 0;
		history = strcmp(slash, "/history") == 0;
		if (!arm && !history) {
			api_error(ret, 404, "no such path");
			return;
		}
	}
	if (snprintf(key, sizeof(key), "%.*s", (int)(slash ? slash - rest : (long)strlen(rest)),
		     rest) >= (int)sizeof(key) || !key[0]) {
		api_error(ret, 400, "bad host key (an id, a MAC or a UUID)");
		return;
	}
	if (history ? !method_is(method, "GET") : arm ? !method_is(method, "POST") :
	    !method_is(method, "GET") && !method_is(method, "PATCH") &&
	    !method_is(method, "PUT") && !method_is(method, "DELETE")) {
		not_allowed(ret, method, history ? "GET" : arm ? "POST" : "GET, PATCH, PUT, DELETE");
		return;
	}
	if (!find_host(ctx, key, &h, ret))
		return;
	if (history)
		host_history(ctx, &h, ret);
	else if (arm)
		host_arm(ctx, &h, body, len, ret);
	else if (method_is(method, "GET"))
		reply_json(ret, 200, host_json(&h));
	else if (method_is(method, "DELETE")) {
		e = hostdb_del(ctx->db, h.h.id);
		if (e)
			reply_db_err(ret, ctx->db, e);
		else
			reply_json(ret, 200, json_pack("{sI}", "deleted", (json_int_t)h.h.id));
	} else
		host_set(ctx, &h, body, len, ret);
}

typedef void (*api_fn)(const struct api_ctx *ctx, const char *body, size_t len,
		       struct api_reply *ret);

void
api_handle(const struct api_ctx *ctx, const char *method, const char *path, const char *body,
	   size_t len, struct api_reply *ret)
{
	static const struct {
		const char *path;
		const char *method;	/* the one it takes */
		api_fn fn;
	} fixed[] = {
		{ "/metrics", "GET", metrics },
		{ "/api/v1/status", "GET", status },
		{ "/api/v1/sessions", "GET", sessions },
		{ "/api/v1/reload", "POST", reload },
	};
	size_t i;

	memset(ret, 0, sizeof(*ret));
	if (strcmp(path, API_HOSTS) == 0) {
		if (method_is(method, "GET"))
			hosts_list(ctx, ret);
		else if (method_is(method, "POST"))
			hosts_add(ctx, body, len, ret);
		else
			not_allowed(ret, method, "GET, POST");
		return;
	}
	if (strncmp(path, API_HOSTS "/", strlen(API_HOSTS) + 1) == 0) {
		route_host(ctx, method, path + strlen(API_HOSTS) + 1, body, len, ret);
		return;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(path, fixed[i].path) != 0)
			continue;
		if (method_is(method, fixed[i].method))
			fixed[i].fn(ctx, body, len, ret);
		else
			not_allowed(ret, method, fixed[i].method);
		return;
	}
	api_error(ret, 404, "no such path");
}
