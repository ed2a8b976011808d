/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "control/reload_diff.h"

static const char *const reload_error_str[RELOAD_ERR_MAX] = {
	[RELOAD_OK] = "ok",
	[RELOAD_ERR_CONFIG] = "the configuration has errors",
	[RELOAD_ERR_RESTART] = "a change needs a restart",
	[RELOAD_ERR_NOMEM] = "out of memory",
};

const char *
reload_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= RELOAD_ERR_MAX || reload_error_str[err] == NULL)
		return "unknown error";
	return reload_error_str[err];
}

enum reload_kind { RK_U32, RK_U32_KB, RK_U16, RK_U64_MB, RK_BOOL, RK_STR, RK_ENUM, RK_CUSTOM };

/* Writes "OLD -> NEW" for a key of kind RK_CUSTOM; false when equal. */
typedef bool (*reload_cmp_fn)(const struct pxeline_config *a, const struct pxeline_config *b,
			      char *buf, size_t cap);

struct reload_key {
	const char *name;	/* as the operator writes it */
	bool live;		/* applied without a restart */
	enum reload_kind kind;
	size_t off;		/* into struct pxeline_config */
	const char *const *names;	/* RK_ENUM: value names */
	reload_cmp_fn cmp;		/* RK_CUSTOM */
};

#define OFF(m) offsetof(struct pxeline_config, m)
#define K(n, live, kind, m) { n, live, kind, OFF(m), NULL, NULL }
#define K_ENUM(n, live, m, names) { n, live, RK_ENUM, OFF(m), names, NULL }
#define K_CUSTOM(n, live, fn) { n, live, RK_CUSTOM, 0, NULL, fn }

static const char *const unknown_names[] = { "boot", "abort", "ignore" };
static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const char *const backend_names[] = { "sqlite", "postgresql" };

static bool
cmp_interfaces(const struct pxeline_config *a, const struct pxeline_config *b, char *buf,
	       size_t cap)
{
	if (a->n_interfaces == b->n_interfaces &&
	    memcmp(a->interfaces, b->interfaces,
		   sizeof(a->interfaces[0]) * (size_t)a->n_interfaces) == 0)
		return false;
	snprintf(buf, cap, "(%d -> %d, or their keys)", a->n_interfaces, b->n_interfaces);
	return true;
}

static bool
cmp_eal(const struct pxeline_config *a, const struct pxeline_config *b, char *buf, size_t cap)
{
	int i;

	if (a->n_eal_args == b->n_eal_args) {
		for (i = 0; i < a->n_eal_args; i++)
			if (strcmp(a->eal_args[i], b->eal_args[i]) != 0)
				break;
		if (i == a->n_eal_args)
			return false;
	}
	snprintf(buf, cap, "(%d -> %d arguments, or their values)", a->n_eal_args,
		 b->n_eal_args);
	return true;
}

/* Profiles compare as a whole: a client gets all of one profile or the other. */
static bool
cmp_profiles(const struct pxeline_config *a, const struct pxeline_config *b, char *buf,
	     size_t cap)
{
	if (a->n_profiles == b->n_profiles &&
	    memcmp(a->profiles, b->profiles, sizeof(a->profiles[0]) * (size_t)a->n_profiles) == 0)
		return false;
	if (a->n_profiles == b->n_profiles)
		snprintf(buf, cap, "(%d, changed)", a->n_profiles);
	else
		snprintf(buf, cap, "(%d -> %d)", a->n_profiles, b->n_profiles);
	return true;
}

static bool
cmp_ignore(const struct pxeline_config *a, const struct pxeline_config *b, char *buf,
	   size_t cap)
{
	if (a->dhcp.n_ignore == b->dhcp.n_ignore &&
	    memcmp(a->dhcp.ignore_macs, b->dhcp.ignore_macs, 6 * (size_t)a->dhcp.n_ignore) == 0)
		return false;
	snprintf(buf, cap, "(%u -> %u MACs)", a->dhcp.n_ignore, b->dhcp.n_ignore);
	return true;
}

/* proxyDHCP's rings and handler exist only when it was on at start. */
static bool
cmp_dhcp_on(const struct pxeline_config *a, const struct pxeline_config *b, char *buf,
	    size_t cap)
{
	const char *ra = cfg_dhcp_off_reason(a), *rb = cfg_dhcp_off_reason(b);

	if ((ra == NULL) == (rb == NULL))
		return false;
	snprintf(buf, cap, "%s -> %s", ra ? "off" : "on", rb ? "off" : "on");
	return true;
}

static const struct reload_key reload_keys[] = {
	K_CUSTOM("interfaces", false, cmp_interfaces),
	K("workers", false, RK_U32, workers),
	K_CUSTOM("profiles", true, cmp_profiles),
	K("tftp.root", false, RK_STR, tftp.root),
	K("tftp.case_insensitive", false, RK_BOOL, tftp.case_insensitive),
	K("tftp.blksize_max", true, RK_U32, tftp.blksize_max),
	K("tftp.allow_fragments", true, RK_BOOL, tftp.allow_fragments),
	K("tftp.windowsize_max", true, RK_U32, tftp.windowsize_max),
	K("tftp.timeout_ms", true, RK_U32, tftp.timeout_ms),
	K("tftp.retries", true, RK_U32, tftp.retries),
	/* The session table is allocated once per worker. */
	K("tftp.max_sessions", false, RK_U32, tftp.max_sessions),
	K("tftp.msftwindow", true, RK_BOOL, tftp.msftwindow),
	K("cache.size_mb", false, RK_U64_MB, cache.size),
	K("cache.chunk_kb", false, RK_U32_KB, cache.chunk_size),
	K("cache.readahead", false, RK_U32, cache.readahead),
	K("cache.queue_depth", false, RK_U32, cache.queue_depth),
	K_CUSTOM("proxyDHCP (dhcp.enabled, or profiles where there were none)", false,
		 cmp_dhcp_on),
	K("dhcp.port67", true, RK_BOOL, dhcp.port67),
	K("dhcp.delay_ms", true, RK_U32, dhcp.delay_ms),
	K("dhcp.standby_delay_ms", true, RK_U32, dhcp.standby_delay_ms),
	K("dhcp.quench_ra", true, RK_BOOL, dhcp.quench_ra),
	K_CUSTOM("dhcp.ignore", true, cmp_ignore),
	K("multicast.enabled", true, RK_BOOL, multicast.enabled),
	K("multicast.groups", true, RK_STR, multicast.groups),
	K("multicast.port", true, RK_U16, multicast.port),
	K("multicast.ttl", true, RK_U32, multicast.ttl),
	K("multicast.pace_pps", true, RK_U32, multicast.pace_pps),
	/* Each worker's group table is sized by it at the first request. */
	K("multicast.max_receivers", false, RK_U32, multicast.max_receivers),
	K("multicast.repair_max", true, RK_U32, multicast.repair_max),
	K("multicast.mtftp", true, RK_BOOL, multicast.mtftp),
	K("multicast.mtftp_groups", true, RK_STR, multicast.mtftp_groups),
	K("multicast.mtftp_port", true, RK_U16, multicast.mtftp_port),
	K("multicast.mtftp_client_port", true, RK_U16, multicast.mtftp_client_port),
	K("multicast.mtftp_timeout", true, RK_U32, multicast.mtftp_timeout),
	K("multicast.mtftp_delay", true, RK_U32, multicast.mtftp_delay),
	K_ENUM("unknown.action", true, unknown_action, unknown_names),
	K("unknown.profile", true, RK_STR, unknown_profile),
	K("control.socket", false, RK_STR, control_socket),
	K_ENUM("state.backend", false, state_backend, backend_names),
	K("state.db", false, RK_STR, state_db),
	K("state.url", false, RK_STR, state_url),
	K("state.engine", false, RK_STR, state_engine),
	K_ENUM("log.level", true, log_level, level_names),
	K("log.file", false, RK_STR, log_file),
	K_CUSTOM("dpdk.eal", false, cmp_eal),
	/* The endpoint binds and reads its token once, at start. */
	K("http (the group)", false, RK_BOOL, http.enabled),
	K("http.listen", false, RK_STR, http.listen),
	K("http.token_file", false, RK_STR, http.token_file),
	/* The file server binds its sockets on the tap at start. */
	K("http_boot (the group)", false, RK_BOOL, http_boot.enabled),
	K("http_boot.port", false, RK_U16, http_boot.port),
};

/* Writes "OLD -> NEW" into buf when key k differs; false when equal. */
static bool
reload_key_diff(const struct reload_key *k, const struct pxeline_config *a,
		const struct pxeline_config *b, char *buf, size_t cap)
{
	const char *pa = (const char *)a + k->off, *pb = (const char *)b + k->off;
	uint32_t ua, ub;

	switch (k->kind) {
	case RK_U32:
	case RK_U32_KB:
		memcpy(&ua, pa, sizeof(ua));
		memcpy(&ub, pb, sizeof(ub));
		if (k->kind == RK_U32_KB) {
			/* Stored in bytes, written in KiB. */
			ua /= 1024;
			ub /= 1024;
		}
		snprintf(buf, cap, "%" PRIu32 " -> %" PRIu32, ua, ub);
		return ua != ub;
	case RK_U16: {
		uint16_t sa, sb;

		memcpy(&sa, pa, sizeof(sa));
		memcpy(&sb, pb, sizeof(sb));
		snprintf(buf, cap, "%u -> %u", (unsigned)sa, (unsigned)sb);
		return sa != sb;
	}
	case RK_U64_MB: {
		uint64_t la, lb;

		memcpy(&la, pa, sizeof(la));
		memcpy(&lb, pb, sizeof(lb));
		snprintf(buf, cap, "%" PRIu64 " -> %" PRIu64, la >> 20, lb >> 20);
		return la != lb;
	}
	case RK_BOOL:
		snprintf(buf, cap, "%s -> %s", *(const bool *)pa ? "true" : "false",
			 *(const bool *)pb ? "true" : "false");
		return *(const bool *)pa != *(const bool *)pb;
	case RK_STR:
		snprintf(buf, cap, "'%.200s' -> '%.200s'", pa, pb);
		return strcmp(pa, pb) != 0;
	case RK_ENUM: {
		int ea, eb;

		memcpy(&ea, pa, sizeof(ea));
		memcpy(&eb, pb, sizeof(eb));
		snprintf(buf, cap, "%s -> %s", k->names[ea], k->names[eb]);
		return ea != eb;
	}
	case RK_CUSTOM:
		return k->cmp(a, b, buf, cap);
	}
	return false;
}

/* Appends "sep KEY VALUE" to report at *len; marks a cut with "...". */
static void
reload_append(char *report, size_t cap, size_t *len, const char *sep, const char *key,
	      const char *value)
{
	int n;

	if (*len >= cap)
		return;
	n = snprintf(report + *len, cap - *len, "%s %s %s", sep, key, value);
	if (n < 0 || (size_t)n >= cap - *len) {
		if (cap >= 4)
			memcpy(report + cap - 4, "...", 4);
		*len = cap;
		return;
	}
	*len += (size_t)n;
}

/* Lists every differing key with live == want after head; returns how many. */
static int
reload_list(const struct pxeline_config *a, const struct pxeline_config *b, bool want,
	    const char *head, char *report, size_t cap, size_t *len)
{
	char value[512];
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(reload_keys) / sizeof(reload_keys[0]); i++) {
		const struct reload_key *k = &reload_keys[i];

		if (k->live != want || !reload_key_diff(k, a, b, value, sizeof(value)))
			continue;
		reload_append(report, cap, len, n == 0 ? head : ",", k->name, value);
		n++;
	}
	return n;
}

int
reload_diff(const struct pxeline_config *old, const struct pxeline_config *new,
	    char *report, size_t cap)
{
	size_t len = 0;

	if (cap == 0)
		return -RELOAD_ERR_RESTART;
	report[0] = '\0';
	if (reload_list(old, new, false, "refused: needs a restart:", report, cap, &len) > 0) {
		reload_append(report, cap, &len, ";", "nothing", "changed");
		return -RELOAD_ERR_RESTART;
	}
	if (reload_list(old, new, true, "reloaded:", report, cap, &len) == 0)
		snprintf(report, cap, "reloaded: nothing changed");
	return RELOAD_OK;
}
