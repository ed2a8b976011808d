/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loading: the shipped configs load clean, defaults are what
 * config.h and pxeline.cfg say, every bad fixture is refused with its
 * "file:line:" and message, several errors are all reported, and the MAC and
 * IPv4 parsers hold against hostile rows and a reference on random input.
 * Runs from tests/unit (meson's workdir): fixtures are data/config/.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "config/config.h"
#include "unit.h"

#define FIX "data/config/"
#define SHIPPED "../../config/"

/* Too big for the stack of a test comfortably (profiles, ignore list). */
static struct pxeline_config cfg_a, cfg_b;

/* Loads path, returns the error count; *ret_out gets everything written to errs. */
static int
load(const char *path, unsigned int flags, struct pxeline_config *cfg, char **ret_out)
{
	size_t len;
	FILE *f = open_memstream(ret_out, &len);
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = cfg_load_opts(path, flags, cfg, f);
	fclose(f);
	return n;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* True when out has a line starting with prefix and containing sub. */
static bool
has_line(const char *out, const char *prefix, const char *sub)
{
	const char *p = out;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (strncmp(line, prefix, strlen(prefix)) == 0 && strstr(line, sub) != NULL)
			return true;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

/* ---- the shipped configs ---- */

static void
test_shipped_example(void)
{
	struct pxeline_config *c = &cfg_a, *d = &cfg_b;
	char *out = NULL;
	int n;

	/* Its root (/srv/tftp) belongs to the machine it is installed on. */
	n = load(SHIPPED "pxeline.cfg", CFG_LOAD_NO_FS_CHECK, c, &out);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	if (n != 0)
		fprintf(stderr, "\n%s", out);
	free(out);

	/* The example writes out every default: they must match the code's. */
	cfg_defaults(d);
	CU_ASSERT_EQUAL(c->workers, d->workers);
	CU_ASSERT_EQUAL(c->tftp.case_insensitive, d->tftp.case_insensitive);
	CU_ASSERT_EQUAL(c->tftp.blksize_max, d->tftp.blksize_max);
	CU_ASSERT_EQUAL(c->tftp.allow_fragments, d->tftp.allow_fragments);
	CU_ASSERT_EQUAL(c->tftp.windowsize_max, d->tftp.windowsize_max);
	CU_ASSERT_EQUAL(c->tftp.timeout_ms, d->tftp.timeout_ms);
	CU_ASSERT_EQUAL(c->tftp.rto_min_ms, d->tftp.rto_min_ms);
	CU_ASSERT_EQUAL(c->tftp.retries, d->tftp.retries);
	CU_ASSERT_EQUAL(c->tftp.max_sessions, d->tftp.max_sessions);
	CU_ASSERT_EQUAL(c->tftp.msftwindow, d->tftp.msftwindow);
	CU_ASSERT_EQUAL(c->tftp.source_rate, d->tftp.source_rate);
	CU_ASSERT_EQUAL(c->tftp.source_burst, d->tftp.source_burst);
	CU_ASSERT_EQUAL(c->cache.size, d->cache.size);
	CU_ASSERT_EQUAL(c->cache.chunk_size, d->cache.chunk_size);
	CU_ASSERT_EQUAL(c->cache.readahead, d->cache.readahead);
	CU_ASSERT_EQUAL(c->cache.queue_depth, d->cache.queue_depth);
	CU_ASSERT_EQUAL(c->dhcp.enabled, d->dhcp.enabled);
	CU_ASSERT_EQUAL(c->dhcp.port67, d->dhcp.port67);
	CU_ASSERT_EQUAL(c->dhcp.delay_ms, d->dhcp.delay_ms);
	CU_ASSERT_EQUAL(c->http_boot.port, d->http_boot.port);
	/* The example shows the group, which turns the server on. */
	CU_ASSERT_TRUE(c->http_boot.enabled);
	CU_ASSERT_FALSE(d->http_boot.enabled);
	CU_ASSERT_EQUAL(c->dhcp.quench_ra, d->dhcp.quench_ra);
	CU_ASSERT_FALSE(d->dhcp.quench_ra);
	CU_ASSERT_FALSE(d->interfaces[0].has_address6);
	CU_ASSERT_EQUAL(c->unknown_action, d->unknown_action);
	CU_ASSERT_STRING_EQUAL(c->unknown_profile, d->unknown_profile);
	CU_ASSERT_STRING_EQUAL(c->control_socket, d->control_socket);
	CU_ASSERT_STRING_EQUAL(c->state_db, d->state_db);
	CU_ASSERT_EQUAL(c->log_level, d->log_level);
	CU_ASSERT_STRING_EQUAL(c->log_file, d->log_file);
	CU_ASSERT_TRUE(c->http.enabled);
	CU_ASSERT_FALSE(d->http.enabled);
	CU_ASSERT_STRING_EQUAL(c->http.listen, d->http.listen);
	CU_ASSERT_EQUAL(c->http.port, d->http.port);
	CU_ASSERT_EQUAL(memcmp(c->http.addr, d->http.addr, 16), 0);
	CU_ASSERT_EQUAL(c->interfaces[0].mtu, 1500);
	CU_ASSERT_EQUAL(c->interfaces[0].vlan, 0);
	CU_ASSERT_EQUAL(c->dhcp.n_ignore, 1);
	CU_ASSERT_PTR_NOT_NULL(cfg_find_profile(c, "default"));
	cfg_free(c);
}

/* Every key of the schema appears in the example, each with a comment giving its default. */
static void
test_shipped_example_documents_every_key(void)
{
	static const char *const keys[] = {
		"interfaces.[0].device", "interfaces.[0].address", "interfaces.[0].address6",
		"interfaces.[0].gateway",
		"interfaces.[0].mtu", "interfaces.[0].vlan",
		"workers",
		"tftp.root", "tftp.case_insensitive", "tftp.blksize_max", "tftp.allow_fragments",
		"tftp.windowsize_max", "tftp.timeout_ms", "tftp.rto_min_ms", "tftp.retries",
		"tftp.max_sessions", "tftp.msftwindow", "tftp.source_rate", "tftp.source_burst",
		"cache.size_mb", "cache.chunk_kb", "cache.readahead", "cache.queue_depth",
		"dhcp.enabled", "dhcp.port67", "dhcp.delay_ms", "dhcp.ignore",
		"dhcp.quench_ra",
		"profiles.[0].name", "profiles.[0].bios", "profiles.[0].efi_x64",
		"profiles.[0].efi_ia32", "profiles.[0].arm32", "profiles.[0].arm64",
		"profiles.[0].bios_prompt", "profiles.[0].abort", "profiles.[0].ipxe",
		"profiles.[0].http_efi_x64", "profiles.[0].http_arm64", "profiles.[0].once_until",
		"http_boot.port",
		"unknown.action", "unknown.profile", "control.socket", "state.backend", "state.db",
		"log.level", "log.file", "dpdk.eal", "http.listen", "http.token_file",
	};
	char line[512], prev_comment[4096] = "";
	config_t lc;
	size_t i;
	FILE *f;

	config_init(&lc);
	CU_ASSERT_TRUE_FATAL(config_read_file(&lc, SHIPPED "pxeline.cfg"));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ROW_ASSERT(config_lookup(&lc, keys[i]) != NULL, keys[i]);
	config_destroy(&lc);

	/* A line "key = value;" must follow a comment block saying Default or Required. */
	f = fopen(SHIPPED "pxeline.cfg", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = line;

		while (*p == '\t' || *p == ' ')
			p++;
		if (*p == '#') {
			if (strlen(prev_comment) + strlen(p) < sizeof(prev_comment))
				strcat(prev_comment, p);
			continue;
		}
		if (isalpha((unsigned char)*p) && strchr(p, '=') != NULL &&
		    strchr(p, ';') != NULL) {
			ROW_ASSERT(strstr(prev_comment, "Default") != NULL ||
				   strstr(prev_comment, "Required") != NULL, p);
		}
		prev_comment[0] = '\0';
	}
	fclose(f);
}

static void
test_shipped_lab(void)
{
	struct pxeline_config *c = &cfg_a;
	char *out = NULL;
	int n;

	/* lab/root is created by the lab, relative to the repository root. */
	n = load(SHIPPED "lab.cfg", CFG_LOAD_NO_FS_CHECK, c, &out);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	if (n != 0)
		fprintf(stderr, "\n%s", out);
	free(out);
	CU_ASSERT_EQUAL(c->n_interfaces, 1);
	CU_ASSERT_STRING_EQUAL(c->interfaces[0].device, "net_af_packet0,iface=pxl-srv");
	CU_ASSERT_EQUAL(c->interfaces[0].address, 0xc0000202u);
	CU_ASSERT_EQUAL(c->interfaces[0].prefix_len, 24);
	CU_ASSERT_EQUAL(c->interfaces[0].gateway, 0);
	CU_ASSERT_STRING_EQUAL(c->tftp.root, "lab/root");
	CU_ASSERT_FALSE(c->tftp.msftwindow);
	CU_ASSERT_EQUAL(c->workers, 1);
	CU_ASSERT_TRUE(c->dhcp.enabled);
	CU_ASSERT_PTR_NOT_NULL(cfg_find_profile(c, c->unknown_profile));
	/* Main lcore 0, worker lcore 1, and nothing to probe on the PCI bus. */
	CU_ASSERT_FATAL(c->n_eal_args >= 3);
	CU_ASSERT_STRING_EQUAL(c->eal_args[0], "-l");
	CU_ASSERT_STRING_EQUAL(c->eal_args[1], "0-1");
	cfg_free(c);
}

/* ---- good fixtures ---- */

static void
test_defaults(void)
{
	struct pxeline_config *c = &cfg_a;
	char *out = NULL;
	char cwd[CFG_PATH_MAX];

	CU_ASSERT_EQUAL(load(FIX "good_minimal.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	CU_ASSERT_STRING_EQUAL(c->file, FIX "good_minimal.cfg");
	CU_ASSERT_EQUAL(c->n_interfaces, 1);
	CU_ASSERT_EQUAL(c->interfaces[0].address, 0xc0000202u);
	CU_ASSERT_EQUAL(c->interfaces[0].prefix_len, 24);
	CU_ASSERT_EQUAL(c->interfaces[0].gateway, 0);
	CU_ASSERT_EQUAL(c->interfaces[0].mtu, 1500);
	CU_ASSERT_EQUAL(c->interfaces[0].vlan, 0);
	CU_ASSERT_EQUAL(c->workers, 1);
	/* "." made absolute: a later chdir cannot move the root. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	CU_ASSERT_STRING_EQUAL(c->tftp.root, cwd);
	CU_ASSERT_TRUE(c->tftp.case_insensitive);
	CU_ASSERT_EQUAL(c->tftp.blksize_max, 65464);
	CU_ASSERT_TRUE(c->tftp.allow_fragments);
	CU_ASSERT_EQUAL(c->tftp.windowsize_max, 64);
	CU_ASSERT_EQUAL(c->tftp.timeout_ms, 1000);
	CU_ASSERT_EQUAL(c->tftp.rto_min_ms, 20);
	CU_ASSERT_EQUAL(c->tftp.retries, 5);
	CU_ASSERT_EQUAL(c->tftp.max_sessions, 16384);
	CU_ASSERT_FALSE(c->tftp.msftwindow);
	CU_ASSERT_EQUAL(c->cache.size, 256ull << 20);
	CU_ASSERT_EQUAL(c->cache.chunk_size, 1u << 20);
	CU_ASSERT_EQUAL(c->cache.readahead, 4);
	CU_ASSERT_EQUAL(c->cache.queue_depth, 64);
	CU_ASSERT_TRUE(c->dhcp.enabled);
	CU_ASSERT_TRUE(c->dhcp.port67);
	CU_ASSERT_EQUAL(c->dhcp.delay_ms, 0);
	CU_ASSERT_EQUAL(c->dhcp.standby_delay_ms, 1500);
	CU_ASSERT_EQUAL(c->dhcp.n_ignore, 0);
	CU_ASSERT_EQUAL(c->n_profiles, 1);
	CU_ASSERT_EQUAL(c->unknown_action, CFG_UNKNOWN_BOOT);
	CU_ASSERT_STRING_EQUAL(c->unknown_profile, "default");
	CU_ASSERT_STRING_EQUAL(c->control_socket, "/run/pxeline.sock");
	CU_ASSERT_STRING_EQUAL(c->state_db, "/var/lib/pxeline/state.db");
	CU_ASSERT_EQUAL(c->log_level, CFG_LOG_INFO);
	CU_ASSERT_STRING_EQUAL(c->log_file, "");
	CU_ASSERT_EQUAL(c->n_eal_args, 0);
	CU_ASSERT_FALSE(c->http.enabled);
	cfg_free(c);
}

/* An http group: the listen address parsed, the token file found. */
static void
test_http(void)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };
	struct pxeline_config *c = &cfg_a;
	char *out = NULL;

	CU_ASSERT_EQUAL(load(FIX "good_http.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	CU_ASSERT_TRUE(c->http.enabled);
	CU_ASSERT_EQUAL(c->http.ip_version, 6);
	CU_ASSERT_EQUAL(memcmp(c->http.addr, v6_loopback, 16), 0);
	CU_ASSERT_EQUAL(c->http.port, 8080);
	CU_ASSERT_STRING_EQUAL(c->http.token_file, "data/config/good_minimal.cfg");
	cfg_free(c);
}

/* Named rows: what http.listen accepts and refuses. */
static void
test_parse_listen(void)
{
	static const struct {
		const char *s;
		int err;
		uint8_t version;
		uint16_t port;
	} rows[] = {
		{ "127.0.0.1:9400", CFG_OK, 4, 9400 },
		{ "0.0.0.0:1", CFG_OK, 4, 1 },
		{ "[::1]:65535", CFG_OK, 6, 65535 },
		{ "[2001:db8::1]:80", CFG_OK, 6, 80 },
		{ "", CFG_ERR_EMPTY, 0, 0 },
		{ "127.0.0.1", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.1:", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.1:0", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.1:65536", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.1:09400", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.1:94x", CFG_ERR_SYNTAX, 0, 0 },
		{ "127.0.0.256:80", CFG_ERR_OCTET, 0, 0 },
		{ "localhost:80", CFG_ERR_SYNTAX, 0, 0 },
		{ "::1:80", CFG_ERR_SYNTAX, 0, 0 },
		{ "[::1:80", CFG_ERR_SYNTAX, 0, 0 },
		{ "[]:80", CFG_ERR_SYNTAX, 0, 0 },
		{ "[127.0.0.1]:80", CFG_ERR_SYNTAX, 0, 0 },
	};
	uint8_t addr[16], version = 0;
	uint16_t port = 0;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int err = cfg_parse_listen(rows[i].s, &version, addr, &port);

		ROW_ASSERT(err == rows[i].err, rows[i].s);
		if (err == CFG_OK && rows[i].err == CFG_OK) {
			ROW_ASSERT(version == rows[i].version, rows[i].s);
			ROW_ASSERT(port == rows[i].port, rows[i].s);
		}
	}
	CU_ASSERT_EQUAL(cfg_parse_listen("192.0.2.7:8080", &version, addr, &port), CFG_OK);
	CU_ASSERT_EQUAL(addr[0], 192);
	CU_ASSERT_EQUAL(addr[3], 7);
}

static void
test_full(void)
{
	static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t mac1[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct pxeline_config *c = &cfg_a;
	const struct cfg_profile *p;
	char *out = NULL;

	CU_ASSERT_EQUAL(load(FIX "good_full.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	CU_ASSERT_EQUAL_FATAL(c->n_interfaces, 2);
	CU_ASSERT_EQUAL(c->interfaces[0].gateway, 0xc0000201u);
	CU_ASSERT_EQUAL(c->interfaces[0].mtu, 9000);
	CU_ASSERT_EQUAL(c->interfaces[0].vlan, 42);
	CU_ASSERT_STRING_EQUAL(c->interfaces[1].device, "0000:3b:00.0");
	CU_ASSERT_EQUAL(c->interfaces[1].address, 0xc6336407u);
	CU_ASSERT_EQUAL(c->interfaces[1].prefix_len, 31);
	CU_ASSERT_EQUAL(c->interfaces[1].mtu, 1500);
	CU_ASSERT_TRUE(c->interfaces[0].has_address6);
	CU_ASSERT_EQUAL(c->interfaces[0].address6[0], 0x20);
	CU_ASSERT_EQUAL(c->interfaces[0].address6[7], 0x42);
	CU_ASSERT_EQUAL(c->interfaces[0].address6[15], 0x02);
	CU_ASSERT_EQUAL(c->interfaces[0].prefix6_len, 64);
	CU_ASSERT_FALSE(c->interfaces[1].has_address6);
	CU_ASSERT_TRUE(c->dhcp.quench_ra);
	CU_ASSERT_EQUAL(c->workers, 2);
	CU_ASSERT_FALSE(c->tftp.case_insensitive);
	CU_ASSERT_EQUAL(c->tftp.blksize_max, 8192);
	CU_ASSERT_FALSE(c->tftp.allow_fragments);
	CU_ASSERT_EQUAL(c->tftp.windowsize_max, 16);
	CU_ASSERT_EQUAL(c->tftp.timeout_ms, 250);
	CU_ASSERT_EQUAL(c->tftp.rto_min_ms, 5);
	CU_ASSERT_EQUAL(c->tftp.retries, 0);
	CU_ASSERT_EQUAL(c->tftp.max_sessions, 100);
	CU_ASSERT_TRUE(c->tftp.msftwindow);
	CU_ASSERT_EQUAL(c->tftp.source_rate, 0);
	CU_ASSERT_EQUAL(c->tftp.source_burst, 7);
	CU_ASSERT_EQUAL(c->cache.size, 64ull << 20);
	CU_ASSERT_EQUAL(c->cache.chunk_size, 256u * 1024);
	CU_ASSERT_EQUAL(c->cache.readahead, 8);
	CU_ASSERT_EQUAL(c->cache.queue_depth, 128);
	CU_ASSERT_FALSE(c->dhcp.port67);
	CU_ASSERT_EQUAL(c->dhcp.delay_ms, 1500);
	CU_ASSERT_EQUAL(c->dhcp.standby_delay_ms, 4000);
	CU_ASSERT_EQUAL_FATAL(c->dhcp.n_ignore, 2);
	CU_ASSERT_EQUAL(memcmp(c->dhcp.ignore_macs[0], mac0, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c->dhcp.ignore_macs[1], mac1, 6), 0);
	CU_ASSERT_EQUAL(c->n_profiles, 2);
	p = cfg_find_profile(c, "default");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->bios, "undionly.kpxe");
	CU_ASSERT_STRING_EQUAL(p->efi_x64, "ipxe.efi");
	CU_ASSERT_STRING_EQUAL(p->efi_ia32, "ipxe-i386.efi");
	CU_ASSERT_STRING_EQUAL(p->arm32, "arm32.efi");
	CU_ASSERT_STRING_EQUAL(p->arm64, "arm64.efi");
	CU_ASSERT_STRING_EQUAL(p->bios_prompt, "pxeboot.n12");
	CU_ASSERT_STRING_EQUAL(p->abort, "abortpxe.com");
	CU_ASSERT_STRING_EQUAL(p->ipxe, "http://192.0.2.2/boot.ipxe");
	CU_ASSERT_STRING_EQUAL(p->once_until, "answer");
	CU_ASSERT_STRING_EQUAL(p->once_until_file, "");
	p = cfg_find_profile(c, "winpe");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->efi_x64, "boot/x64/wdsmgfw.efi");
	CU_ASSERT_STRING_EQUAL(p->once_until_file, "sources/boot.wim");
	CU_ASSERT_STRING_EQUAL(p->bios, "");
	CU_ASSERT_PTR_NULL(cfg_find_profile(c, "Default"));
	CU_ASSERT_PTR_NULL(cfg_find_profile(c, ""));
	CU_ASSERT_PTR_NULL(cfg_find_profile(c, NULL));
	CU_ASSERT_EQUAL(c->unknown_action, CFG_UNKNOWN_ABORT);
	CU_ASSERT_STRING_EQUAL(c->unknown_profile, "winpe");
	CU_ASSERT_STRING_EQUAL(c->control_socket, "/tmp/pxeline-test.sock");
	CU_ASSERT_STRING_EQUAL(c->state_db, "/tmp/pxeline-test.db");
	CU_ASSERT_EQUAL(c->log_level, CFG_LOG_DEBUG);
	CU_ASSERT_STRING_EQUAL(c->log_file, "/tmp/pxeline-test.log");
	/* A list "( )" works like an array "[ ]", and the strings are copies. */
	CU_ASSERT_EQUAL_FATAL(c->n_eal_args, 3);
	CU_ASSERT_STRING_EQUAL(c->eal_args[0], "-l");
	CU_ASSERT_STRING_EQUAL(c->eal_args[1], "0-2");
	CU_ASSERT_STRING_EQUAL(c->eal_args[2], "--no-pci");
	cfg_free(c);
	CU_ASSERT_EQUAL(c->n_eal_args, 0);
	CU_ASSERT_PTR_NULL(c->eal_args[0]);
	/* A second free is harmless. */
	cfg_free(c);
	CU_ASSERT_EQUAL(c->n_eal_args, 0);
}

static void
test_good_others(void)
{
	struct pxeline_config *c = &cfg_a;
	char *out = NULL;

	/* No proxyDHCP: no profile needed for unknown machines. */
	CU_ASSERT_EQUAL(load(FIX "good_dhcp_off.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FALSE(c->dhcp.enabled);
	CU_ASSERT_EQUAL(c->n_profiles, 0);
	free(out);
	cfg_free(c);

	/* TFTP only: interfaces and tftp.root are enough; no profiles, no DHCP. */
	CU_ASSERT_EQUAL(load(FIX "good_tftp_only.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FALSE(c->dhcp.enabled);
	CU_ASSERT_EQUAL(c->n_profiles, 0);
	CU_ASSERT_STRING_EQUAL(cfg_dhcp_off_reason(c), "no profiles defined");
	free(out);
	cfg_free(c);

	/* @include is relative to the including file, not to the cwd. */
	CU_ASSERT_EQUAL(load(FIX "good_include.cfg", 0, c, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(cfg_find_profile(c, "default"));
	free(out);
	cfg_free(c);
}

/* ---- bad fixtures: one row per refusal ---- */

struct bad_case {
	const char *file;	/* under data/config/ */
	int n_errors;		/* all of them, exactly */
	const char *where;	/* expected "file:line:" prefix of one line */
	const char *what;	/* and a substring of that line */
};

#define BAD1(f, l, w) { f, 1, FIX f ":" #l ": ", w }

static const struct bad_case bad_cases[] = {
	BAD1("bad_syntax.cfg", 10, "syntax error"),
	{ "bad_include_syntax.cfg", 1, FIX "include_syntax.inc:4: ", "syntax error" },
	{ "bad_include.cfg", 1, FIX "include_bad.inc:2: ", "profiles[0].bios must be a string" },
	BAD1("bad_unknown_key.cfg", 10, "unknown key 'blksize_mx' in tftp"),
	BAD1("bad_unknown_top.cfg", 8, "unknown key 'worker' at top level"),
	{ "bad_unknown_iface.cfg", 2, FIX "bad_unknown_iface.cfg:5: ",
	  "unknown key 'adress' in interfaces[0]" },
	{ "bad_unknown_iface.cfg", 2, FIX "bad_unknown_iface.cfg:3: ",
	  "missing required key 'address' in interfaces[0]" },
	BAD1("bad_mtu_type.cfg", 6, "interfaces[0].mtu must be an integer"),
	BAD1("bad_mtu_low.cfg", 6, "interfaces[0].mtu = 67 is out of range 68..9216"),
	BAD1("bad_mtu_high.cfg", 6, "interfaces[0].mtu = 9217 is out of range 68..9216"),
	BAD1("bad_http_boot_port.cfg", 10, "http_boot.port = 0 is out of range 1..65535"),
	{ "bad_http_scalar.cfg", 2, FIX "bad_http_scalar.cfg:9: ", "http_boot must be a group" },
	{ "bad_http_scalar.cfg", 2, FIX "bad_http_scalar.cfg:10: ",
	  "profiles[0].http_arm64 must be a string" },
	BAD1("bad_vlan.cfg", 6, "interfaces[0].vlan = 4095 is out of range 0..4094"),
	BAD1("bad_removed_queues.cfg", 6, "unknown key 'queues' in interfaces[0]"),
	BAD1("bad_address6_syntax.cfg", 6, "address6 '2001:db8::g/64' is not IPV6/len"),
	BAD1("bad_address6_prefix.cfg", 6, "address6 '2001:db8::2' is not IPV6/len (2001:db8::2/64): prefix length missing or not 0..128"),
	BAD1("bad_address6_linklocal.cfg", 6, "address6 'fe80::2/64' is link-local"),
	BAD1("bad_address6_mcast.cfg", 6, "address6 'ff02::1/64' is not a unicast address"),
	BAD1("bad_quench_type.cfg", 5, "dhcp.quench_ra must be true or false"),
	BAD1("bad_gateway_subnet.cfg", 6, "gateway '198.51.100.1' is not another host"),
	BAD1("bad_gateway_self.cfg", 6, "gateway '192.0.2.2' is not another host"),
	BAD1("bad_gateway_syntax.cfg", 6, "gateway '192.0.2.1/24' is not A.B.C.D"),
	BAD1("bad_address_prefix.cfg", 5, "'192.0.2.2/33' is not A.B.C.D/len: prefix length"),
	BAD1("bad_address_noprefix.cfg", 5, "'192.0.2.2' is not A.B.C.D/len"),
	BAD1("bad_address_octet.cfg", 5, "'192.0.2.256/24' is not A.B.C.D/len: octet"),
	BAD1("bad_address_zero_len.cfg", 5, "prefix length must be 1..32"),
	BAD1("bad_address_bcast.cfg", 5, "network or broadcast address"),
	BAD1("bad_address_net.cfg", 5, "network or broadcast address"),
	BAD1("bad_address_mcast.cfg", 5, "'239.255.0.1/16' is not a unicast address"),
	BAD1("bad_address_loopback.cfg", 5, "'127.0.0.2/8' is not a unicast address"),
	BAD1("bad_bool_type.cfg", 10, "tftp.case_insensitive must be true or false"),
	BAD1("bad_blksize_low.cfg", 10, "tftp.blksize_max = 7 is out of range 8..65464"),
	BAD1("bad_blksize_high.cfg", 10, "tftp.blksize_max = 65465 is out of range 8..65464"),
	BAD1("bad_window_zero.cfg", 10, "tftp.windowsize_max = 0 is out of range 1..65535"),
	BAD1("bad_timeout.cfg", 10, "tftp.timeout_ms = 9 is out of range 10..255000"),
	BAD1("bad_rto_min.cfg", 10, "tftp.rto_min_ms = 0 is out of range 1..255000"),
	BAD1("bad_retries.cfg", 10, "tftp.retries = 101 is out of range 0..100"),
	BAD1("bad_retries_float.cfg", 10, "tftp.retries must be an integer"),
	BAD1("bad_source_burst.cfg", 11, "tftp.source_burst = 0 is out of range 1..1000000"),
	BAD1("bad_source_rate.cfg", 10, "tftp.source_rate = 1000001 is out of range 0..1000000"),
	/* libconfig 1.5 wraps it to 32 bits; the range check must still refuse it. */
	BAD1("bad_sessions_huge.cfg", 10, "tftp.max_sessions = "),
	BAD1("bad_sessions_int64.cfg", 10, "tftp.max_sessions = 3000000000 is out of range"),
	BAD1("bad_chunk_pow2.cfg", 11, "cache.chunk_kb = 1000 is not a power of two"),
	BAD1("bad_chunk_low.cfg", 11, "cache.chunk_kb = 32 is out of range 64..16384"),
	BAD1("bad_cache_small.cfg", 10, "cache: size_mb (4 MiB) cannot hold"),
	BAD1("bad_workers.cfg", 10, "workers = 0 is out of range"),
	BAD1("bad_mac.cfg", 14, "dhcp.ignore[1] '52:54:00:00:00' is not a MAC address"),
	BAD1("bad_mac_type.cfg", 11, "dhcp.ignore must be a list"),
	BAD1("bad_delay.cfg", 10, "dhcp.delay_ms = 30001 is out of range"),
	BAD1("bad_standby_delay.cfg", 10, "dhcp.standby_delay_ms = 30001 is out of range"),
	BAD1("bad_unknown_action.cfg", 11, "unknown.action 'reboot' is not one of boot, abort, ignore"),
	BAD1("bad_unknown_profile.cfg", 12, "unknown.profile 'winpe' is not a defined profile"),
	BAD1("bad_no_default_profile.cfg", 9, "unknown.profile 'default' is not a defined profile"),
	BAD1("bad_log_level.cfg", 11, "log.level 'verbose' is not one of"),
	BAD1("bad_socket_long.cfg", 11, "control.socket is longer than a unix socket path"),
	{ "bad_eal_type.cfg", 2, FIX "bad_eal_type.cfg:11: ", "dpdk.eal[0] must be a string" },
	{ "bad_eal_type.cfg", 2, FIX "bad_eal_type.cfg:11: ", "dpdk.eal[1] must be a string" },
	BAD1("bad_eal_scalar.cfg", 11, "dpdk.eal must be a list of strings"),
	BAD1("bad_group_scalar.cfg", 8, "tftp must be a group"),
	BAD1("bad_dup_profile.cfg", 11, "duplicate profile name 'default' (also profiles[0])"),
	BAD1("bad_once_until.cfg", 12, "once_until 'done' is neither \"answer\" nor \"file:NAME\""),
	BAD1("bad_once_until_empty.cfg", 12, "once_until 'file:' is neither"),
	BAD1("bad_profile_noname.cfg", 11, "missing required key 'name' in profiles[1]"),
	BAD1("bad_dup_device.cfg", 4, "interfaces[1].device 'net_af_packet0,iface=veth0' is already interfaces[0]"),
	BAD1("bad_empty_device.cfg", 4, "interfaces[0].device must not be empty"),
	BAD1("bad_interfaces_group.cfg", 2, "interfaces must be a list of groups"),
	BAD1("bad_interfaces_empty.cfg", 2, "no interfaces"),
	/* A missing top-level key has no line of its own: the file's top. */
	BAD1("bad_interfaces_missing.cfg", 1, "missing required key 'interfaces'"),
	BAD1("bad_tftp_missing.cfg", 1, "missing required key 'tftp'"),
	BAD1("bad_root_missing.cfg", 8, "missing required key 'root' in tftp"),
	BAD1("bad_root_empty.cfg", 9, "tftp.root must not be empty"),
	BAD1("bad_root_nodir.cfg", 9, "tftp.root 'does-not-exist.h4': No such file or directory"),
	BAD1("bad_root_file.cfg", 9, "is not a directory"),
	BAD1("bad_too_many_interfaces.cfg", 11, "more than 8 interfaces"),
	BAD1("bad_http_listen.cfg", 11, "http.listen '127.0.0.1' is not A.B.C.D:PORT"),
	BAD1("bad_http_port.cfg", 11, "http.listen '[::1]:65536' is not A.B.C.D:PORT"),
	BAD1("bad_http_token.cfg", 12, "http.token_file 'no-such-token.h4': No such file"),
	BAD1("bad_http_no_token.cfg", 10, "missing required key 'token_file' in http"),
	BAD1("bad_state_backend.cfg", 11, "state.backend 'mysql' is not one of sqlite, postgresql"),
	BAD1("bad_state_no_url.cfg", 10, "state.backend \"postgresql\" needs state.url"),
	BAD1("bad_state_url.cfg", 12, "state.url 'mysql://db/x' is not a postgresql:// URL"),
	BAD1("bad_state_url_sqlite.cfg", 12, "state.url needs state.backend = \"postgresql\""),
	BAD1("bad_state_engine.cfg", 11, "state.engine 'pxe a': printable ASCII"),
};

static void
test_bad_fixtures(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		char path[256], *out = NULL;
		int n;

		snprintf(path, sizeof(path), FIX "%s", bc->file);
		n = load(path, 0, &cfg_a, &out);
		ROW_ASSERT(n == bc->n_errors, bc->file);
		/* One line per error, no more, no less. */
		ROW_ASSERT(count_lines(out) == n, bc->file);
		ROW_ASSERT(has_line(out, bc->where, bc->what), bc->file);
		if (n != bc->n_errors || !has_line(out, bc->where, bc->what))
			fprintf(stderr, "  expected %d error(s), '%s' ... '%s'; got %d:\n%s",
				bc->n_errors, bc->where, bc->what, n, out);
		free(out);
		cfg_free(&cfg_a);
	}
}

/* Errors in every section of one file: every one is reported, in line order. */
static void
test_many_errors(void)
{
	static const struct {
		int line;
		const char *what;
	} want[] = {
		{ 5, "interfaces[0].address '192.0.2.2/33'" },
		{ 6, "interfaces[0].mtu = 100000 is out of range" },
		{ 9, "workers = 0 is out of range" },
		{ 12, "unknown key 'blksize_mx' in tftp" },
		{ 13, "tftp.windowsize_max = 0 is out of range" },
		{ 14, "tftp.msftwindow must be true or false" },
		{ 16, "cache.chunk_kb = 100 is not a power of two" },
		{ 17, "dhcp.ignore[0] 'zz:54:00:00:00:01' is not a MAC address" },
		{ 20, "duplicate profile name 'default'" },
		{ 22, "unknown.action 'sometimes'" },
		{ 23, "log.level 'loud'" },
		{ 24, "unknown key 'bogus' at top level" },
	};
	const size_t n_want = sizeof(want) / sizeof(want[0]);
	char *out = NULL, *line, *save = NULL;
	size_t i = 0;
	int n;

	n = load(FIX "bad_many.cfg", 0, &cfg_a, &out);
	CU_ASSERT_EQUAL(n, (int)n_want);
	CU_ASSERT_EQUAL(count_lines(out), (int)n_want);
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char prefix[64];

		CU_ASSERT_FATAL(i < n_want);
		snprintf(prefix, sizeof(prefix), FIX "bad_many.cfg:%d: ", want[i].line);
		ROW_ASSERT(strncmp(line, prefix, strlen(prefix)) == 0, want[i].what);
		ROW_ASSERT(strstr(line, want[i].what) != NULL, want[i].what);
		i++;
	}
	CU_ASSERT_EQUAL(i, n_want);
	free(out);
	cfg_free(&cfg_a);
}

static void
test_unreadable(void)
{
	char *out = NULL;

	CU_ASSERT_EQUAL(load(FIX "no-such-file.cfg", 0, &cfg_a, &out), 1);
	CU_ASSERT_TRUE(has_line(out, FIX "no-such-file.cfg:1: ", "No such file or directory"));
	free(out);
	cfg_free(&cfg_a);
	/* errs may be NULL: only the count. */
	CU_ASSERT_EQUAL(cfg_load(FIX "bad_many.cfg", &cfg_a, NULL), 12);
	cfg_free(&cfg_a);
}

/* The EAL strings survive the parser's memory and are freed by cfg_free. */
static void
test_load_string(void)
{
	static const char text[] =
		"interfaces = ( { device = \"net_null0\"; address = \"198.51.100.2/24\"; } );\n"
		"tftp = { root = \".\"; };\n"
		"dhcp = { enabled = false; };\n"
		"dpdk = { eal = [ \"--no-huge\", \"-m\", \"64\" ]; };\n";
	static const char bad[] =
		"interfaces = ( { device = \"net_null0\"; address = \"198.51.100.2/24\"; } );\n"
		"tftp = { root = \".\"; blksize_max = 1; };\n";
	static const char pg[] =
		"interfaces = ( { device = \"net_null0\"; address = \"198.51.100.2/24\"; } );\n"
		"tftp = { root = \".\"; };\n"
		"dhcp = { enabled = false; };\n"
		"state = { backend = \"postgresql\"; engine = \"pxe-a\";\n"
		"  url = \"postgresql://pxe@%2Frun%2Fpostgresql:5432/pxe\"; };\n";
	size_t len;
	char *out = NULL;
	FILE *f;

	CU_ASSERT_EQUAL(cfg_load_string(text, "inline", 0, &cfg_a, stderr), 0);
	CU_ASSERT_EQUAL_FATAL(cfg_a.n_eal_args, 3);
	CU_ASSERT_STRING_EQUAL(cfg_a.eal_args[2], "64");
	CU_ASSERT_PTR_NOT_EQUAL(cfg_a.eal_args[0], cfg_a.eal_args[1]);
	CU_ASSERT_STRING_EQUAL(cfg_a.file, "inline");
	cfg_free(&cfg_a);

	/* The state store: sqlite by default, the engine named by host and address. */
	CU_ASSERT_EQUAL(cfg_load_string(text, "inline", 0, &cfg_a, stderr), 0);
	CU_ASSERT_EQUAL(cfg_a.state_backend, CFG_STATE_SQLITE);
	CU_ASSERT_STRING_EQUAL(cfg_a.state_db, "/var/lib/pxeline/state.db");
	len = strlen(cfg_a.state_engine);
	CU_ASSERT_TRUE(len > 13 && strcmp(cfg_a.state_engine + len - 13, "/198.51.100.2") == 0);
	cfg_free(&cfg_a);
	CU_ASSERT_EQUAL(cfg_load_string(pg, "inline", 0, &cfg_a, stderr), 0);
	CU_ASSERT_EQUAL(cfg_a.state_backend, CFG_STATE_POSTGRESQL);
	CU_ASSERT_STRING_EQUAL(cfg_a.state_url, "postgresql://pxe@%2Frun%2Fpostgresql:5432/pxe");
	CU_ASSERT_STRING_EQUAL(cfg_a.state_engine, "pxe-a");
	cfg_free(&cfg_a);

	f = open_memstream(&out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* One error: blksize_max (no profiles: DHCP off, no default profile owed). */
	CU_ASSERT_EQUAL(cfg_load_string(bad, "inline", 0, &cfg_a, f), 1);
	fclose(f);
	CU_ASSERT_TRUE(has_line(out, "inline:2: ", "tftp.blksize_max = 1 is out of range"));
	free(out);
	cfg_free(&cfg_a);
}

/* Why proxyDHCP is off, for the start-up line: one row per way. */
static void
test_dhcp_off_reason(void)
{
	static const char head[] =
		"interfaces = ( { device = \"net_null0\"; address = \"198.51.100.2/24\"; } );\n"
		"tftp = { root = \".\"; };\n";
	static const struct {
		const char *row, *tail, *reason;	/* reason NULL: on */
	} rows[] = {
		{ "nothing but the required keys", "", "no profiles defined" },
		{ "enabled said, no profiles", "dhcp = { enabled = true; };\n",
		  "no profiles defined" },
		{ "profiles, enabled = false",
		  "dhcp = { enabled = false; };\nprofiles = ( { name = \"default\"; } );\n",
		  "dhcp.enabled = false" },
		{ "profiles, default on", "profiles = ( { name = \"default\"; } );\n", NULL },
	};
	char text[1024];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got;

		snprintf(text, sizeof(text), "%s%s", head, rows[i].tail);
		ROW_ASSERT(cfg_load_string(text, "inline", 0, &cfg_a, stderr) == 0, rows[i].row);
		got = cfg_dhcp_off_reason(&cfg_a);
		ROW_ASSERT((got == NULL) == (rows[i].reason == NULL), rows[i].row);
		ROW_ASSERT(got == NULL || strcmp(got, rows[i].reason) == 0, rows[i].row);
		ROW_ASSERT(cfg_a.dhcp.enabled == (rows[i].reason == NULL), rows[i].row);
		cfg_free(&cfg_a);
	}
}

/* ---- value parsers ---- */

struct mac_case {
	const char *name;
	const char *in;
	int err;
	uint8_t mac[6];
};

static const struct mac_case mac_cases[] = {
	{ "colons", "52:54:00:12:34:56", CFG_OK, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
	{ "dashes", "52-54-00-12-34-56", CFG_OK, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
	{ "upper case", "AA:BB:CC:DD:EE:FF", CFG_OK, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "mixed case", "aA:Bb:cC:dD:eE:Ff", CFG_OK, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "all zero", "00:00:00:00:00:00", CFG_OK, { 0 } },
	{ "broadcast", "ff:ff:ff:ff:ff:ff", CFG_OK, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "NULL", NULL, CFG_ERR_EMPTY, { 0 } },
	{ "empty", "", CFG_ERR_EMPTY, { 0 } },
	{ "one char", "5", CFG_ERR_SYNTAX, { 0 } },
	{ "two chars", "52", CFG_ERR_SYNTAX, { 0 } },
	{ "five octets", "52:54:00:12:34", CFG_ERR_SYNTAX, { 0 } },
	{ "trailing separator", "52:54:00:12:34:56:", CFG_ERR_SYNTAX, { 0 } },
	{ "seven octets", "52:54:00:12:34:56:78", CFG_ERR_SYNTAX, { 0 } },
	{ "single digit octet", "52:54:0:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "three digit octet", "52:54:000:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "empty octet", "52:54::12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "mixed separators", "52:54-00:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "dots (cisco)", "5254.0012.3456", CFG_ERR_SYNTAX, { 0 } },
	{ "no separators", "525400123456", CFG_ERR_SYNTAX, { 0 } },
	{ "non hex", "52:54:00:12:34:5g", CFG_ERR_SYNTAX, { 0 } },
	{ "0x prefix", "0x:54:00:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "leading space", " 52:54:00:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "trailing space", "52:54:00:12:34:56 ", CFG_ERR_SYNTAX, { 0 } },
	{ "trailing newline", "52:54:00:12:34:56\n", CFG_ERR_SYNTAX, { 0 } },
	{ "space separators", "52 54 00 12 34 56", CFG_ERR_SYNTAX, { 0 } },
	{ "sign in octet", "52:+4:00:12:34:56", CFG_ERR_SYNTAX, { 0 } },
	{ "high byte", "52:54:00:12:34:5\xff", CFG_ERR_SYNTAX, { 0 } },
	{ "cut after separator", "52:", CFG_ERR_SYNTAX, { 0 } },
};

static void
test_mac_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(mac_cases) / sizeof(mac_cases[0]); i++) {
		const struct mac_case *mc = &mac_cases[i];
		uint8_t mac[6] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
		static const uint8_t untouched[6] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
		int err = cfg_parse_mac(mc->in, mac);

		ROW_ASSERT(err == mc->err, mc->name);
		if (mc->err == CFG_OK)
			ROW_ASSERT(memcmp(mac, mc->mac, 6) == 0, mc->name);
		else	/* A refused value never half-fills the output. */
			ROW_ASSERT(memcmp(mac, untouched, 6) == 0, mc->name);
	}
}

struct ip_case {
	const char *name;
	const char *in;
	int err;		/* of cfg_parse_ipv4_prefix */
	uint32_t ip;
	uint8_t len;
};

static const struct ip_case ip_cases[] = {
	{ "lab address", "192.0.2.2/24", CFG_OK, 0xc0000202u, 24 },
	{ "zero len", "0.0.0.0/0", CFG_OK, 0, 0 },
	{ "all ones /32", "255.255.255.255/32", CFG_OK, 0xffffffffu, 32 },
	{ "zero octet", "10.0.0.1/8", CFG_OK, 0x0a000001u, 8 },
	{ "NULL", NULL, CFG_ERR_EMPTY, 0, 0 },
	{ "empty", "", CFG_ERR_EMPTY, 0, 0 },
	{ "no prefix", "192.0.2.2", CFG_ERR_PREFIX, 0, 0 },
	{ "slash only", "192.0.2.2/", CFG_ERR_PREFIX, 0, 0 },
	{ "len 33", "192.0.2.2/33", CFG_ERR_PREFIX, 0, 0 },
	{ "len 99", "192.0.2.2/99", CFG_ERR_PREFIX, 0, 0 },
	{ "len three digits", "192.0.2.2/024", CFG_ERR_PREFIX, 0, 0 },
	{ "len leading zero", "192.0.2.2/08", CFG_ERR_PREFIX, 0, 0 },
	{ "len overflow", "192.0.2.2/99999999999999999999", CFG_ERR_PREFIX, 0, 0 },
	{ "len negative", "192.0.2.2/-1", CFG_ERR_PREFIX, 0, 0 },
	{ "len plus", "192.0.2.2/+8", CFG_ERR_PREFIX, 0, 0 },
	{ "len trailing", "192.0.2.2/24x", CFG_ERR_PREFIX, 0, 0 },
	{ "len trailing space", "192.0.2.2/24 ", CFG_ERR_PREFIX, 0, 0 },
	{ "two prefixes", "192.0.2.2/24/8", CFG_ERR_PREFIX, 0, 0 },
	{ "octet 256", "192.0.2.256/24", CFG_ERR_OCTET, 0, 0 },
	{ "octet 999", "999.0.2.1/24", CFG_ERR_OCTET, 0, 0 },
	{ "octet four digits", "192.0.2.1000/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "leading zero (octal?)", "192.0.2.010/24", CFG_ERR_OCTET, 0, 0 },
	{ "double zero", "192.00.2.1/24", CFG_ERR_OCTET, 0, 0 },
	{ "three octets", "192.0.2/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "five octets", "192.0.2.1.5/24", CFG_ERR_PREFIX, 0, 0 },
	{ "empty octet", "192..2.1/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "leading dot", ".192.0.2.1/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "trailing dot", "192.0.2.1./24", CFG_ERR_PREFIX, 0, 0 },
	{ "negative octet", "-1.0.2.1/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "leading space", " 192.0.2.1/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "space before slash", "192.0.2.1 /24", CFG_ERR_PREFIX, 0, 0 },
	{ "hex octet", "0xc0.0.2.1/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "one number", "3221225985/24", CFG_ERR_SYNTAX, 0, 0 },
	{ "ipv6", "2001:db8::1/64", CFG_ERR_SYNTAX, 0, 0 },
	{ "host name", "pxe.example/24", CFG_ERR_SYNTAX, 0, 0 },
};

static void
test_ipv4_prefix_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
		const struct ip_case *ic = &ip_cases[i];
		uint32_t ip = 0x11111111u;
		uint8_t len = 0x11;
		int err = cfg_parse_ipv4_prefix(ic->in, &ip, &len);

		ROW_ASSERT(err == ic->err, ic->name);
		if (err != ic->err)
			fprintf(stderr, "  got %d (%s)\n", err, cfg_strerror(err));
		if (ic->err == CFG_OK) {
			ROW_ASSERT(ip == ic->ip, ic->name);
			ROW_ASSERT(len == ic->len, ic->name);
		} else {
			ROW_ASSERT(ip == 0x11111111u && len == 0x11, ic->name);
		}
	}
}

static void
test_ipv6_prefix_table(void)
{
	static const struct {
		const char *name;
		const char *in;
		int err;
		uint8_t last;	/* the address's last byte */
		uint8_t len;
	} rows[] = {
		{ "documentation /64", "2001:db8::2/64", CFG_OK, 2, 64 },
		{ "full form /128", "2001:0db8:0000:0000:0000:0000:0000:00ff/128", CFG_OK, 0xff, 128 },
		{ "len 0", "2001:db8::2/0", CFG_OK, 2, 0 },
		{ "NULL", NULL, CFG_ERR_EMPTY, 0, 0 },
		{ "empty", "", CFG_ERR_EMPTY, 0, 0 },
		{ "no prefix", "2001:db8::2", CFG_ERR_PREFIX6, 0, 0 },
		{ "len 129", "2001:db8::2/129", CFG_ERR_PREFIX6, 0, 0 },
		{ "len leading zero", "2001:db8::2/064", CFG_ERR_PREFIX6, 0, 0 },
		{ "len four digits", "2001:db8::2/1000", CFG_ERR_PREFIX6, 0, 0 },
		{ "len trailing", "2001:db8::2/64x", CFG_ERR_PREFIX6, 0, 0 },
		{ "slash only", "2001:db8::2/", CFG_ERR_PREFIX6, 0, 0 },
		{ "two colons twice", "2001::db8::2/64", CFG_ERR_SYNTAX, 0, 0 },
		{ "hex out of range", "2001:db8::g/64", CFG_ERR_SYNTAX, 0, 0 },
		{ "zone", "fe80::1%eth0/64", CFG_ERR_SYNTAX, 0, 0 },
		{ "brackets", "[2001:db8::2]/64", CFG_ERR_SYNTAX, 0, 0 },
		{ "ipv4", "192.0.2.2/24", CFG_ERR_SYNTAX, 0, 0 },
		{ "too long", "2001:0db8:0000:0000:0000:0000:0000:0000:0000/64", CFG_ERR_SYNTAX, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t a[16], len = 0x11;
		int err;

		memset(a, 0x11, sizeof(a));
		err = cfg_parse_ipv6_prefix(rows[i].in, a, &len);
		ROW_ASSERT(err == rows[i].err, rows[i].name);
		if (rows[i].err == CFG_OK) {
			ROW_ASSERT(a[0] == 0x20 && a[1] == 0x01 && a[15] == rows[i].last, rows[i].name);
			ROW_ASSERT(len == rows[i].len, rows[i].name);
		} else {
			ROW_ASSERT(a[0] == 0x11 && len == 0x11, rows[i].name);
		}
	}
}

static void
test_ipv4_table(void)
{
	static const struct {
		const char *name;
		const char *in;
		int err;
		uint32_t ip;
	} rows[] = {
		{ "gateway", "192.0.2.1", CFG_OK, 0xc0000201u },
		{ "zero", "0.0.0.0", CFG_OK, 0 },
		{ "NULL", NULL, CFG_ERR_EMPTY, 0 },
		{ "empty", "", CFG_ERR_EMPTY, 0 },
		{ "with prefix", "192.0.2.1/24", CFG_ERR_SYNTAX, 0 },
		{ "trailing space", "192.0.2.1 ", CFG_ERR_SYNTAX, 0 },
		{ "octet 256", "192.0.2.256", CFG_ERR_OCTET, 0 },
		{ "leading zero", "192.0.02.1", CFG_ERR_OCTET, 0 },
		{ "three octets", "192.0.2", CFG_ERR_SYNTAX, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t ip = 0x11111111u;
		int err = cfg_parse_ipv4(rows[i].in, &ip);

		ROW_ASSERT(err == rows[i].err, rows[i].name);
		ROW_ASSERT(ip == (rows[i].err == CFG_OK ? rows[i].ip : 0x11111111u), rows[i].name);
	}
}

/*
 * glibc's inet_pton(AF_INET) takes exactly four decimal octets 0..255 without
 * leading zeros: the same language as cfg_parse_ipv4. Random strings from
 * the characters that matter must get the same verdict and value from both.
 */
static void
test_ipv4_vs_inet_pton(void)
{
	static const char alphabet[] = "0123456789....0125/x ";
	unsigned int seed = 20240611;
	int i, agree = 0, accepted = 0;

	for (i = 0; i < 200000; i++) {
		char s[20];
		int len = rand_r(&seed) % 18, k;
		struct in_addr ref;
		uint32_t ip = 0;
		int ok_ref, ok;

		for (k = 0; k < len; k++)
			s[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		s[len] = '\0';
		ok_ref = inet_pton(AF_INET, s, &ref) == 1;
		ok = cfg_parse_ipv4(s, &ip) == CFG_OK;
		if (ok == ok_ref && (!ok || ip == ntohl(ref.s_addr)))
			agree++;
		else
			fprintf(stderr, "\n  disagree on '%s': ours %d, inet_pton %d\n", s, ok, ok_ref);
		accepted += ok;
	}
	CU_ASSERT_EQUAL(agree, 200000);
	/* The generator must reach the accepting side too, or the test proves little. */
	CU_ASSERT(accepted > 100);
}

/* Every formatted address and length parses back to itself. */
static void
test_ipv4_prefix_roundtrip(void)
{
	unsigned int seed = 7;
	int i, good = 0;

	for (i = 0; i < 100000; i++) {
		uint32_t ip = (uint32_t)rand_r(&seed) << 16 ^ (uint32_t)rand_r(&seed), got;
		uint8_t len = (uint8_t)(rand_r(&seed) % 33), got_len;
		char s[32];

		snprintf(s, sizeof(s), "%u.%u.%u.%u/%u", ip >> 24, ip >> 16 & 0xff,
			 ip >> 8 & 0xff, ip & 0xff, len);
		if (cfg_parse_ipv4_prefix(s, &got, &got_len) == CFG_OK && got == ip &&
		    got_len == len)
			good++;
	}
	CU_ASSERT_EQUAL(good, 100000);
}

/* Naive reference: 17 bytes, hex pairs, one separator kind at 2, 5, 8, 11, 14. */
static bool
mac_ref(const char *s)
{
	int i;

	if (strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		return false;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != s[2])
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static void
test_mac_vs_reference(void)
{
	static const char hex[] = "0a9fFA";
	static const char hostile[] = ":-g \xff";
	unsigned int seed = 99;
	int i, agree = 0, accepted = 0;

	for (i = 0; i < 200000; i++) {
		char s[24];
		int len = 15 + rand_r(&seed) % 5, k;
		uint8_t mac[6];
		bool ok;

		for (k = 0; k < len; k++) {
			/* Mostly well-formed, so the accepting side is reached too. */
			if (rand_r(&seed) % 16 == 0)
				s[k] = hostile[rand_r(&seed) % (sizeof(hostile) - 1)];
			else if (k % 3 == 2)
				s[k] = rand_r(&seed) % 16 ? ':' : '-';
			else
				s[k] = hex[rand_r(&seed) % (sizeof(hex) - 1)];
		}
		s[len] = '\0';
		ok = cfg_parse_mac(s, mac) == CFG_OK;
		if (ok == mac_ref(s))
			agree++;
		else
			fprintf(stderr, "\n  disagree on '%s': ours %d\n", s, ok);
		accepted += ok;
	}
	CU_ASSERT_EQUAL(agree, 200000);
	CU_ASSERT(accepted > 100);
}

static void
test_strerror(void)
{
	int e;

	for (e = 0; e < CFG_ERR_MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(cfg_strerror(e));
		CU_ASSERT(strcmp(cfg_strerror(e), "unknown error") != 0);
	}
	CU_ASSERT_STRING_EQUAL(cfg_strerror(CFG_ERR_MAX), "unknown error");
	CU_ASSERT_STRING_EQUAL(cfg_strerror(-1), "unknown error");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "shipped pxeline.cfg loads with defaults", test_shipped_example },
		{ "shipped pxeline.cfg documents every key", test_shipped_example_documents_every_key },
		{ "shipped lab.cfg", test_shipped_lab },
		{ "defaults", test_defaults },
		{ "every key set", test_full },
		{ "dhcp off, TFTP only, @include", test_good_others },
		{ "why proxyDHCP is off", test_dhcp_off_reason },
		{ "bad fixtures", test_bad_fixtures },
		{ "http group", test_http },
		{ "http.listen rows", test_parse_listen },
		{ "many errors, all reported", test_many_errors },
		{ "unreadable file, NULL errs", test_unreadable },
		{ "cfg_load_string", test_load_string },
		{ "MAC table", test_mac_table },
		{ "MAC vs reference", test_mac_vs_reference },
		{ "IPv4/len table", test_ipv4_prefix_table },
		{ "IPv4 table", test_ipv4_table },
		{ "IPv6 prefix table", test_ipv6_prefix_table },
		{ "IPv4 vs inet_pton", test_ipv4_vs_inet_pton },
		{ "IPv4/len round trip", test_ipv4_prefix_roundtrip },
		{ "strerror", test_strerror },
		{ NULL, NULL },
	};

	return unit_run("config", tests);
}
