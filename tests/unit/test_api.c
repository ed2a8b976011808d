/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP API past the transport (control/api.c) and the transport's pure
 * parts (control/http.c): JSON bodies checked row by row like pxectl's
 * arguments (malformed, unknown fields, wrong types, hostspec's refusals),
 * the host round trip on an in-memory database, routing (404, 405, 501),
 * status, sessions and reload through callbacks, the bearer token check
 * and the token file. No sockets, no EAL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "control/api.h"
#include "control/hostdb.h"
#include "control/http.h"
#include "control/log.h"
#include "unit.h"
#include "unit_tmpdir.h"

/* The engine's log.c is not linked. */
void
log_msg(enum cfg_log_level lvl, const char *fmt, ...)
{
	(void)lvl;
	(void)fmt;
}

static char tmpdir[256];
static struct pxeline_config cfg;
static struct api_ctx ctx;
static struct api_reply rep;
static json_t *body;	/* the last reply, parsed (JSON replies) */

static int
suite_init(void)
{
	if (unit_tmpdir_make(tmpdir, sizeof(tmpdir), "test_api") != 0)
		return -1;
	cfg_defaults(&cfg);
	snprintf(cfg.profiles[0].name, sizeof(cfg.profiles[0].name), "default");
	snprintf(cfg.profiles[0].bios, sizeof(cfg.profiles[0].bios), "undionly.kpxe");
	snprintf(cfg.profiles[1].name, sizeof(cfg.profiles[1].name), "reimage");
	cfg.n_profiles = 2;
	ctx.cfg = &cfg;
	return hostdb_open(":memory:", &ctx.db) == HOSTDB_OK ? 0 : -1;
}

static int
suite_fini(void)
{
	json_decref(body);
	free(rep.body);
	hostdb_close(ctx.db);
	return unit_tmpdir_remove(tmpdir);
}

/* Sends one request; returns the status, the parsed body in `body`. */
static unsigned
req(const char *method, const char *path, const char *text)
{
	json_decref(body);
	body = NULL;
	free(rep.body);
	api_handle(&ctx, method, path, text ? text : "", text ? strlen(text) : 0, &rep);
	if (rep.content_type && strcmp(rep.content_type, "application/json") == 0) {
		body = json_loadb(rep.body, rep.len, 0, NULL);
		CU_ASSERT_PTR_NOT_NULL(body);
	}
	return rep.status;
}

static const char *
error_msg(void)
{
	const char *s = json_string_value(json_object_get(body, "error"));

	return s ? s : "";
}

static json_int_t
int_field(const char *key)
{
	return json_integer_value(json_object_get(body, key));
}

static const char *
str_field(const char *key)
{
	const char *s = json_string_value(json_object_get(body, key));

	return s ? s : "(not a string)";
}

/* Named hostile bodies for POST /api/v1/hosts: status and the error that names it. */
static void
test_bad_bodies(void)
{
	static const struct {
		const char *name, *body;
		unsigned status;
		const char *error;	/* prefix of the error */
	} rows[] = {
		{ "empty body", "", 400, "malformed JSON" },
		{ "truncated", "{\"mac\": \"52:54:00:12:34:56\"", 400, "malformed JSON" },
		{ "not JSON", "mac=52:54:00:12:34:56", 400, "malformed JSON" },
		{ "trailing garbage", "{} x", 400, "malformed JSON" },
		{ "array", "[\"52:54:00:12:34:56\"]", 400, "the body must be a JSON object" },
		{ "string", "\"boot\"", 400, "malformed JSON" },
		{ "duplicate key", "{\"mac\": \"52:54:00:12:34:56\", \"mac\": \"52:54:00:12:34:57\"}",
		  400, "malformed JSON: duplicate object key" },
		{ "NUL in a string", "{\"name\": \"a\\u0000b\"}", 400, "malformed JSON" },
		{ "unknown field", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"boot\", "
		  "\"profile\": \"default\", \"colour\": \"red\"}", 400, "unknown field 'colour'" },
		{ "id is not a field", "{\"id\": \"1\", \"mac\": \"52:54:00:12:34:56\"}", 400,
		  "unknown field 'id'" },
		{ "number", "{\"mac\": 525400123456, \"action\": \"ignore\"}", 400,
		  "field 'mac' must be a string" },
		{ "null", "{\"mac\": \"52:54:00:12:34:56\", \"action\": null}", 400,
		  "field 'action' must be a string" },
		{ "bool", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"ignore\", \"name\": true}",
		  400, "field 'name' must be a string" },
		{ "object", "{\"uuid\": {}, \"action\": \"ignore\"}", 400,
		  "field 'uuid' must be a string" },
		{ "bad MAC", "{\"mac\": \"52:54:00:12:34\", \"action\": \"ignore\"}", 400,
		  "bad MAC '52:54:00:12:34'" },
		{ "bad UUID", "{\"uuid\": \"1234\", \"action\": \"ignore\"}", 400, "bad UUID '1234'" },
		{ "unknown action", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"reboot\"}", 400,
		  "unknown action 'reboot'" },
		{ "unknown profile", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"boot\", "
		  "\"profile\": \"nope\"}", 400, "unknown profile 'nope'" },
		{ "once without profile", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"once\"}",
		  400, "action once needs 'profile'" },
		{ "no key", "{\"action\": \"ignore\"}", 400, "a new host needs 'mac' or 'uuid'" },
		{ "no action", "{\"mac\": \"52:54:00:12:34:56\"}", 400, "a new host needs 'action'" },
		{ "name too long", "{\"mac\": \"52:54:00:12:34:56\", \"action\": \"ignore\", \"name\": "
		  "\"0123456789012345678901234567890123456789012345678901234567890123456789\"}",
		  400, "name longer than 63 bytes" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned st = req("POST", "/api/v1/hosts", rows[i].body);
		const char *e = error_msg();

		ROW_ASSERT(st == rows[i].status, rows[i].name);
		ROW_ASSERT(strncmp(e, rows[i].error, strlen(rows[i].error)) == 0, rows[i].name);
		if (strncmp(e, rows[i].error, strlen(rows[i].error)) != 0)
			fprintf(stderr, "    got %u '%s'\n", st, e);
	}
	/* Nothing of it reached the database. */
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts", NULL), 200);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(body, "hosts")), 0);
}

static void
test_host_round_trip(void)
{
	json_int_t id;

	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts", "{\"mac\": \"52:54:00:AA:BB:CC\", "
			    "\"action\": \"boot\", \"profile\": \"default\", \"name\": \"rack1 07\"}"),
			201);
	id = int_field("id");
	CU_ASSERT(id > 0);
	CU_ASSERT_STRING_EQUAL(str_field("mac"), "52:54:00:aa:bb:cc");
	CU_ASSERT_TRUE(json_is_null(json_object_get(body, "uuid")));
	CU_ASSERT_STRING_EQUAL(str_field("action"), "boot");
	CU_ASSERT_STRING_EQUAL(str_field("profile"), "default");
	CU_ASSERT_STRING_EQUAL(str_field("name"), "rack1 07");
	CU_ASSERT_TRUE(json_is_null(json_object_get(body, "last_seen")));

	/* The same MAC again: the database's refusal, as a conflict. */
	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts", "{\"mac\": \"52:54:00:aa:bb:cc\", "
			    "\"action\": \"ignore\"}"), 409);
	CU_ASSERT_STRING_EQUAL(error_msg(), hostdb_strerror(HOSTDB_ERR_EXISTS));

	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts", NULL), 200);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(body, "hosts")), 1);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/1", NULL), 200);
	CU_ASSERT_EQUAL(int_field("id"), id);
	/* By MAC and by UUID too, like pxectl's --mac/--uuid/--id. */
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/52-54-00-aa-bb-cc", NULL), 200);
	CU_ASSERT_EQUAL(int_field("id"), id);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/00000000-0000-0000-0000-000000000009", NULL),
			404);

	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts/1/arm", NULL), 409);
	CU_ASSERT_PTR_NOT_NULL(strstr(error_msg(), "only a once host can be armed"));
	CU_ASSERT_EQUAL(req("PATCH", "/api/v1/hosts/1", "{}"), 400);
	CU_ASSERT_STRING_EQUAL(error_msg(), "nothing to change");
	CU_ASSERT_EQUAL(req("PATCH", "/api/v1/hosts/1", "{\"profile\": \"nope\"}"), 400);
	CU_ASSERT_EQUAL(req("PATCH", "/api/v1/hosts/1", "{\"bogus\": \"x\"}"), 400);
	CU_ASSERT_STRING_EQUAL(error_msg(), "unknown field 'bogus'");
	CU_ASSERT_EQUAL(req("PUT", "/api/v1/hosts/1", "{\"action\": \"once\", "
			    "\"profile\": \"reimage\", \"uuid\": \"00000000-0000-0000-0000-000000000001\"}"),
			200);
	CU_ASSERT_STRING_EQUAL(str_field("action"), "once");
	CU_ASSERT_STRING_EQUAL(str_field("profile"), "reimage");
	CU_ASSERT_STRING_EQUAL(str_field("uuid"), "00000000-0000-0000-0000-000000000001");
	CU_ASSERT_TRUE(json_is_true(json_object_get(body, "once_armed")));

	/* Consumed by a boot, then armed again. */
	CU_ASSERT_EQUAL(hostdb_consume_once(ctx.db, id, true, &(bool){ false }, NULL), HOSTDB_OK);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/1", NULL), 200);
	CU_ASSERT_TRUE(json_is_false(json_object_get(body, "once_armed")));
	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts/1/arm", NULL), 200);
	CU_ASSERT_TRUE(json_is_true(json_object_get(body, "once_armed")));
	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts/1/arm", "{\"now\": \"yes\"}"), 400);
	/* The history, newest first: armed (PUT), consumed, armed again. */
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/1/history", NULL), 200);
	{
		json_t *hist = json_object_get(body, "history");

		CU_ASSERT_EQUAL_FATAL(json_array_size(hist), 3);
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(hist, 0),
								  "kind")), "armed");
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(hist, 1),
								  "kind")), "consumed");
		CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(hist, 2),
								  "kind")), "armed");
	}
	CU_ASSERT_EQUAL(req("POST", "/api/v1/hosts/1/history", NULL), 405);

	CU_ASSERT_EQUAL(req("DELETE", "/api/v1/hosts/00000000-0000-0000-0000-000000000001", NULL),
			200);
	CU_ASSERT_EQUAL(int_field("deleted"), id);
	CU_ASSERT_EQUAL(req("GET", "/api/v1/hosts/1", NULL), 404);
	CU_ASSERT_EQUAL(req("DELETE", "/api/v1/hosts/1", NULL), 404);
}

static void
test_routing(void)
{
	static const struct {
		const char *method, *path;
		unsigned status;
		const char *allow;
	} rows[] = {
		{ "GET", "/", 404, NULL },
		{ "GET", "/api/v1", 404, NULL },
		{ "GET", "/api/v1/hostsx", 404, NULL },
		{ "GET", "/api/v2/hosts", 404, NULL },
		{ "GET", "/metrics/", 404, NULL },
		{ "GET", "/api/v1/hosts/1/disarm", 404, NULL },
		{ "GET", "/api/v1/hosts/abc", 400, NULL },
		{ "GET", "/api/v1/hosts/0", 400, NULL },
		{ "GET", "/api/v1/hosts/", 400, NULL },
		{ "DELETE", "/api/v1/hosts", 405, "GET, POST" },
		{ "POST", "/api/v1/hosts/1", 405, "GET, PATCH, PUT, DELETE" },
		{ "GET", "/api/v1/hosts/1/arm", 405, "POST" },
		{ "POST", "/metrics", 405, "GET" },
		{ "DELETE", "/api/v1/status", 405, "GET" },
		{ "GET", "/api/v1/reload", 405, "POST" },
		{ "POST", "/api/v1/reload", 501, NULL },
		{ "GET", "/api/v1/sessions", 501, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned st = req(rows[i].method, rows[i].path, NULL);

		ROW_ASSERT(st == rows[i].status, rows[i].path);
		ROW_ASSERT(error_msg()[0] != '\0', rows[i].path);
		ROW_ASSERT(!rows[i].allow || (rep.allow && strcmp(rep.allow, rows[i].allow) == 0),
			   rows[i].path);
	}
}

static void
fake_stats(void *arg, struct worker_stats *ret_ws, struct cache_stats *ret_cs)
{
	(void)arg;
	memset(ret_ws, 0, sizeof(*ret_ws));
	memset(ret_cs, 0, sizeof(*ret_cs));
	ret_ws->rx_packets = 42;
	ret_ws->tftp_sessions_total = 3;
	ret_ws->tftp_sessions_ended = 1;
	ret_cs->hits = 5;
}

static void
fake_sessions(void *arg, FILE *out)
{
	(void)arg;
	fprintf(out, "lcore=1 client=192.0.2.10:1000 file=\"a\"\nlcore=1 client=192.0.2.11:1001 "
		"file=\"b\"\n");
}

static int reload_rc;

static int
fake_reload(void *arg, char *report, size_t cap)
{
	(void)arg;
	snprintf(report, cap, reload_rc ? "profiles[0]: bad" : "2 profiles");
	return reload_rc;
}

static void
test_callbacks(void)
{
	json_t *dp;

	ctx.cb.stats = fake_stats;
	ctx.cb.sessions = fake_sessions;
	ctx.cb.reload = fake_reload;
	ctx.cb.n_workers = 2;
	CU_ASSERT_EQUAL(req("GET", "/api/v1/status", NULL), 200);
	CU_ASSERT_EQUAL(int_field("workers"), 2);
	dp = json_object_get(body, "dataplane");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(dp, "rx_packets")), 42);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(dp, "tftp_sessions_active")), 2);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(body, "cache"), "hits")),
			5);
	CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(body, "dhcp"), "requests"));

	CU_ASSERT_EQUAL(req("GET", "/api/v1/sessions", NULL), 200);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(body, "sessions")), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(json_object_get(body, "sessions"),
								1)),
			       "lcore=1 client=192.0.2.11:1001 file=\"b\"");

	reload_rc = 0;
	CU_ASSERT_EQUAL(req("POST", "/api/v1/reload", NULL), 200);
	CU_ASSERT_STRING_EQUAL(str_field("report"), "2 profiles");
	reload_rc = -1;
	CU_ASSERT_EQUAL(req("POST", "/api/v1/reload", "{}"), 422);
	CU_ASSERT_STRING_EQUAL(error_msg(), "reload failed: profiles[0]: bad");
	CU_ASSERT_EQUAL(req("POST", "/api/v1/reload", "{\"force\": \"yes\"}"), 400);

	CU_ASSERT_EQUAL(req("GET", "/metrics", NULL), 200);
	CU_ASSERT_STRING_EQUAL(rep.content_type, "text/plain; version=0.0.4; charset=utf-8");
	CU_ASSERT_PTR_NOT_NULL(strstr(rep.body, "\npxeline_rx_packets_total 42\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rep.body, "\npxeline_cache_hits_total 5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rep.body, "\npxeline_dhcp_control_requests_total 0\n"));
	CU_ASSERT_EQUAL(strlen(rep.body), rep.len);
	memset(&ctx.cb, 0, sizeof(ctx.cb));
}

static void
test_authorized(void)
{
	static const char *token = "s3cr3t-t0ken-0123456789";
	static const struct {
		const char *header;
		bool ok;
	} rows[] = {
		{ "Bearer s3cr3t-t0ken-0123456789", true },
		{ "bearer s3cr3t-t0ken-0123456789", true },
		{ "BEARER s3cr3t-t0ken-0123456789", true },
		{ "Bearer s3cr3t-t0ken-012345678", false },
		{ "Bearer s3cr3t-t0ken-01234567890", false },
		{ "Bearer S3cr3t-t0ken-0123456789", false },
		{ "Bearer  s3cr3t-t0ken-0123456789", false },
		{ "Bearer s3cr3t-t0ken-0123456789 ", false },
		{ "Bearer ", false },
		{ "Bearer", false },
		{ "", false },
		{ "Basic s3cr3t-t0ken-0123456789", false },
		{ "s3cr3t-t0ken-0123456789", false },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ROW_ASSERT(http_authorized(rows[i].header, token) == rows[i].ok, rows[i].header);
	CU_ASSERT_FALSE(http_authorized(NULL, token));
	CU_ASSERT_FALSE(http_authorized("Bearer ", ""));
}

static void
test_token_file(void)
{
	static const struct {
		const char *name, *content;
		const char *token;	/* NULL: refused */
	} rows[] = {
		{ "one line", "0123456789abcdef0123\n", "0123456789abcdef0123" },
		{ "surrounding whitespace", "  \t0123456789abcdef\r\n\n", "0123456789abcdef" },
		{ "too short", "0123456789abcde\n", NULL },
		{ "empty", "\n", NULL },
		{ "space inside", "0123456789 abcdef0123\n", NULL },
		{ "two lines", "0123456789abcdef\n0123456789abcdef\n", NULL },
		{ "control char", "0123456789\001abcdef\n", NULL },
	};
	char path[300], tok[HTTP_TOKEN_MAX + 1], err[256], big[HTTP_TOKEN_MAX + 3];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(path, sizeof(path), "%s/token%zu", tmpdir, i);
		f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(rows[i].content, f);
		fclose(f);
		if (rows[i].token) {
			ROW_ASSERT(http_read_token(path, tok, err, sizeof(err)) == 0, rows[i].name);
			ROW_ASSERT(strcmp(tok, rows[i].token) == 0, rows[i].name);
		} else {
			ROW_ASSERT(http_read_token(path, tok, err, sizeof(err)) == -1, rows[i].name);
			ROW_ASSERT(strstr(err, path) != NULL, rows[i].name);
		}
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/token-big", tmpdir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(big, f);
	fclose(f);
	CU_ASSERT_EQUAL(http_read_token(path, tok, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/no-such-token", tmpdir);
	CU_ASSERT_EQUAL(http_read_token(path, tok, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "hostile bodies refused with the field named", test_bad_bodies },
		{ "hosts: add, list, get by id/MAC/UUID, set, arm, delete", test_host_round_trip },
		{ "routing: 404, 400, 405 with Allow, 501", test_routing },
		{ "status, sessions, reload, metrics via callbacks", test_callbacks },
		{ "bearer token check", test_authorized },
		{ "token file", test_token_file },
		{ NULL, NULL },
	};

	return unit_run_fixture("api", suite_init, suite_fini, tests);
}
