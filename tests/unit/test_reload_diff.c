/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload may change: one row per key (or kind of change), the base
 * config against the base with that change. Live changes are applied and
 * listed "KEY OLD -> NEW"; any change that needs a restart refuses the whole
 * reload, naming every such key and none of the live ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "control/reload_diff.h"
#include "unit.h"

static struct pxeline_config old_cfg, new_cfg;

#define IFACE "interfaces = ( { device = \"net_null0\"; address = \"198.51.100.2/24\"; %s } );\n"
#define PROFILE "{ name = \"default\"; bios = \"undionly.kpxe\"; }"

/* The base config; each %s is a row's replacement for one part. */
static void
build(char *buf, size_t cap, const char *iface, const char *top, const char *tftp,
      const char *profiles)
{
	char ifc[256];

	snprintf(ifc, sizeof(ifc), IFACE, iface);
	/* A row that moves the root says root itself. */
	snprintf(buf, cap, "%s%s\ntftp = { %s %s };\nprofiles = ( %s );\n", ifc, top,
		 strstr(tftp, "root") ? "" : "root = \".\";", tftp, profiles);
}

struct diff_row {
	const char *row;
	const char *iface, *top, *tftp, *profiles;	/* NULL: the base's */
	int rc;
	const char *want;	/* substring of the report */
	const char *not_want;	/* NULL, or must not be in the report */
};

static const struct diff_row rows[] = {
	{ "nothing", NULL, NULL, NULL, NULL, 0, "reloaded: nothing changed", NULL },
	{ "a profile more", NULL, NULL, NULL,
	  PROFILE ", { name = \"winpe\"; bios = \"wdsnbp.com\"; }", 0,
	  "reloaded: profiles (1 -> 2)", NULL },
	{ "a profile's file", NULL, NULL, NULL, "{ name = \"default\"; bios = \"pxelinux.0\"; }",
	  0, "reloaded: profiles (1, changed)", NULL },
	{ "timeout", NULL, NULL, "timeout_ms = 200;", NULL, 0,
	  "reloaded: tftp.timeout_ms 1000 -> 200", NULL },
	{ "profiles and timeout, one line", NULL, NULL, "timeout_ms = 200;",
	  PROFILE ", { name = \"b\"; }, { name = \"c\"; }", 0,
	  "reloaded: profiles (1 -> 3), tftp.timeout_ms 1000 -> 200", NULL },
	{ "TFTP limits", NULL, NULL,
	  "blksize_max = 1428; windowsize_max = 8; retries = 2; allow_fragments = false; msftwindow = true;",
	  NULL, 0, "tftp.blksize_max 65464 -> 1428, tftp.allow_fragments true -> false, "
	  "tftp.windowsize_max 64 -> 8, tftp.retries 5 -> 2, tftp.msftwindow false -> true", NULL },
	{ "unknown policy", NULL, "unknown = { action = \"abort\"; };", NULL, NULL, 0,
	  "unknown.action boot -> abort", NULL },
	{ "ignore list, delay, port67", NULL,
	  "dhcp = { ignore = [ \"52:54:00:00:00:01\" ]; delay_ms = 500; port67 = false; };",
	  NULL, NULL, 0, "dhcp.port67 true -> false, dhcp.delay_ms 0 -> 500, dhcp.ignore (0 -> 1 MACs)",
	  NULL },
	{ "multicast", NULL, "multicast = { enabled = true; ttl = 4; groups = \"239.1.0.0/16\"; };",
	  NULL, NULL, 0, "multicast.enabled false -> true, multicast.groups '239.255.1.0/24' -> "
	  "'239.1.0.0/16', multicast.ttl 1 -> 4", NULL },
	{ "log level", NULL, "log = { level = \"debug\"; };", NULL, NULL, 0,
	  "log.level info -> debug", NULL },
	/* Needs a restart: refused whole, only those keys named. */
	{ "workers", NULL, "workers = 2;", "timeout_ms = 200;", NULL, -RELOAD_ERR_RESTART,
	  "refused: needs a restart: workers 1 -> 2; nothing changed", "timeout_ms" },
	{ "interface mtu", "mtu = 9000;", NULL, NULL, NULL, -RELOAD_ERR_RESTART,
	  "refused: needs a restart: interfaces (1 -> 1, or their keys)", NULL },
	{ "cache", NULL, "cache = { size_mb = 128; chunk_kb = 256; };", NULL, NULL,
	  -RELOAD_ERR_RESTART, "cache.size_mb 256 -> 128, cache.chunk_kb 1024 -> 256", NULL },
	{ "EAL", NULL, "dpdk = { eal = [ \"-l\", \"0-1\" ]; };", NULL, NULL, -RELOAD_ERR_RESTART,
	  "dpdk.eal (0 -> 2 arguments, or their values)", NULL },
	{ "socket and db", NULL, "control = { socket = \"/tmp/x.sock\"; };\nstate = { db = \"/tmp/x.db\"; };",
	  NULL, NULL, -RELOAD_ERR_RESTART,
	  "control.socket '/run/pxeline.sock' -> '/tmp/x.sock', state.db '/var/lib/pxeline/state.db' -> '/tmp/x.db'",
	  NULL },
	{ "root", NULL, NULL, "root = \"..\";", NULL, -RELOAD_ERR_RESTART,
	  "refused: needs a restart: tftp.root '", NULL },
	{ "sessions", NULL, NULL, "max_sessions = 10;", NULL, -RELOAD_ERR_RESTART,
	  "refused: needs a restart: tftp.max_sessions 16384 -> 10; nothing changed", NULL },
	{ "proxyDHCP off", NULL, "dhcp = { enabled = false; };", NULL, NULL, -RELOAD_ERR_RESTART,
	  "proxyDHCP (dhcp.enabled, or profiles where there were none) on -> off", NULL },
	{ "multicast receivers", NULL, "multicast = { max_receivers = 8; };", NULL, NULL,
	  -RELOAD_ERR_RESTART, "multicast.max_receivers 64 -> 8", NULL },
	{ "log file", NULL, "log = { file = \"/tmp/x.log\"; };", NULL, NULL, -RELOAD_ERR_RESTART,
	  "log.file '' -> '/tmp/x.log'", NULL },
};

static void
load_row(char *text, size_t cap, const struct diff_row *r, struct pxeline_config *cfg)
{
	build(text, cap, r->iface ? r->iface : "", r->top ? r->top : "", r->tftp ? r->tftp : "",
	      r->profiles ? r->profiles : PROFILE);
	CU_ASSERT_EQUAL_FATAL(cfg_load_string(text, "row", 0, cfg, stderr), 0);
}

static void
test_rows(void)
{
	static const struct diff_row base = { "base", NULL, NULL, NULL, NULL, 0, NULL, NULL };
	char text[2048], report[2048];
	size_t i;

	load_row(text, sizeof(text), &base, &old_cfg);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct diff_row *r = &rows[i];
		int rc;

		load_row(text, sizeof(text), r, &new_cfg);
		rc = reload_diff(&old_cfg, &new_cfg, report, sizeof(report));
		ROW_ASSERT(rc == r->rc, r->row);
		ROW_ASSERT(strstr(report, r->want) != NULL, r->row);
		ROW_ASSERT(r->not_want == NULL || strstr(report, r->not_want) == NULL, r->row);
		if (rc != r->rc || strstr(report, r->want) == NULL)
			fprintf(stderr, "  got %d '%s'\n  want %d '%s'\n", rc, report, r->rc, r->want);
		cfg_free(&new_cfg);
	}
	cfg_free(&old_cfg);
}

/* A short report buffer is cut with "..." and stays a string; the verdict holds. */
static void
test_short_report(void)
{
	static const struct diff_row many = { "many", "mtu = 9000;",
		"workers = 2;\ncache = { size_mb = 128; };", NULL, NULL, 0, NULL, NULL };
	static const struct diff_row base = { "base", NULL, NULL, NULL, NULL, 0, NULL, NULL };
	char text[2048], report[32];

	load_row(text, sizeof(text), &base, &old_cfg);
	load_row(text, sizeof(text), &many, &new_cfg);
	memset(report, 'x', sizeof(report));
	CU_ASSERT_EQUAL(reload_diff(&old_cfg, &new_cfg, report, sizeof(report)),
			-RELOAD_ERR_RESTART);
	CU_ASSERT_EQUAL(strlen(report), sizeof(report) - 1);
	CU_ASSERT_STRING_EQUAL(report + sizeof(report) - 4, "...");
	CU_ASSERT_EQUAL(strncmp(report, "refused: needs a restart:", 25), 0);
	CU_ASSERT_EQUAL(reload_diff(&old_cfg, &new_cfg, report, 0), -RELOAD_ERR_RESTART);
	cfg_free(&old_cfg);
	cfg_free(&new_cfg);
	CU_ASSERT_STRING_EQUAL(reload_strerror(-RELOAD_ERR_RESTART), "a change needs a restart");
	CU_ASSERT_STRING_EQUAL(reload_strerror(99), "unknown error");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "one row per key", test_rows },
		{ "short report", test_short_report },
		{ NULL, NULL },
	};

	return unit_run("reload_diff", tests);
}
