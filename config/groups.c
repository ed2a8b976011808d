/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The groups of pxeline.cfg: their field tables, the code for keys a table
 * cannot say (addresses, lists, profiles), and the checks across groups
 * and against the file system once every group is read.
 */
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config/groups.h"
#include "config/schema.h"

#define CFG_SUN_PATH_MAX sizeof(((struct sockaddr_un *)NULL)->sun_path)
/* RTE_MAX_LCORE is 128 by default and the main lcore is not a worker. */
#define CFG_MAX_WORKERS 127

static const struct cfg_field cfg_root_fields[] = {
	F_CUSTOM("interfaces", CFG_FF_REQUIRED),
	F_U32(pxeline_config, workers, 1, CFG_MAX_WORKERS),
	F_CUSTOM("tftp", CFG_FF_REQUIRED),
	F_CUSTOM("cache", 0),
	F_CUSTOM("dhcp", 0),
	F_CUSTOM("multicast", 0),
	F_CUSTOM("http_boot", 0),
	F_CUSTOM("profiles", 0),
	F_CUSTOM("unknown", 0),
	F_CUSTOM("control", 0),
	F_CUSTOM("state", 0),
	F_CUSTOM("log", 0),
	F_CUSTOM("dpdk", 0),
	F_CUSTOM("http", 0),
};

static const struct cfg_field cfg_interface_fields[] = {
	F_STR(cfg_interface, device, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_CUSTOM("address", CFG_FF_REQUIRED),
	F_CUSTOM("address6", 0),
	F_CUSTOM("gateway", 0),
	F_U32(cfg_interface, mtu, 68, 9216),
	F_U16(cfg_interface, vlan, 0, 4094),
};

static const struct cfg_field cfg_tftp_fields[] = {
	F_STR(cfg_tftp, root, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_BOOL(cfg_tftp, case_insensitive),
	/* RFC 2348: 8..65464. */
	F_U32(cfg_tftp, blksize_max, 8, 65464),
	F_BOOL(cfg_tftp, allow_fragments),
	/* RFC 7440: 1..65535. */
	F_U32(cfg_tftp, windowsize_max, 1, 65535),
	/* RFC 2349 timeout is 1..255 s; 10 ms is the floor a poll loop can keep. */
	F_U32(cfg_tftp, timeout_ms, 10, 255000),
	/* A floor under 1 ms would be below the timer wheel's tick. */
	F_U32(cfg_tftp, rto_min_ms, 1, 255000),
	F_U32(cfg_tftp, retries, 0, 100),
	F_U32(cfg_tftp, max_sessions, 1, 1048576),
	F_BOOL(cfg_tftp, msftwindow),
	/* The token bucket keeps thousandths of a token in 32 bits. */
	F_U32(cfg_tftp, source_rate, 0, 1000000),
	F_U32(cfg_tftp, source_burst, 1, 1000000),
};

static const struct cfg_field cfg_cache_fields[] = {
	F_CUSTOM("size_mb", 0),
	F_CUSTOM("chunk_kb", 0),
	F_U32(cfg_cache, readahead, 0, 64),
	F_U32(cfg_cache, queue_depth, 1, 4096),
};

static const struct cfg_field cfg_dhcp_fields[] = {
	F_BOOL(cfg_dhcp, enabled),
	F_BOOL(cfg_dhcp, port67),
	/* PXE ROMs give up on the first DISCOVER round after 4 s. */
	F_U32(cfg_dhcp, delay_ms, 0, 30000),
	/* Past 30 s a PXE ROM has given up its last retry round. */
	F_U32(cfg_dhcp, standby_delay_ms, 0, 30000),
	F_BOOL(cfg_dhcp, quench_ra),
	F_CUSTOM("ignore", 0),
};

static const struct cfg_field cfg_multicast_fields[] = {
	F_BOOL(cfg_multicast, enabled),
	F_STR(cfg_multicast, groups, CFG_FF_NONEMPTY),
	F_U16(cfg_multicast, port, 1, 65535),
	/* 1 keeps the stream on the link; routers need more. */
	F_U32(cfg_multicast, ttl, 1, 255),
	F_U32(cfg_multicast, pace_pps, 0, 10000000),
	F_U32(cfg_multicast, max_receivers, 1, 4096),
	F_U32(cfg_multicast, repair_max, 0, 1u << 30),
	F_BOOL(cfg_multicast, mtftp),
	F_STR(cfg_multicast, mtftp_groups, CFG_FF_NONEMPTY),
	F_U16(cfg_multicast, mtftp_port, 1, 65535),
	F_U16(cfg_multicast, mtftp_client_port, 1, 65535),
	/* One byte each in the DHCP option (43.4, 43.5). */
	F_U32(cfg_multicast, mtftp_timeout, 1, 255),
	F_U32(cfg_multicast, mtftp_delay, 1, 255),
};

static const struct cfg_field cfg_profile_fields[] = {
	F_STR(cfg_profile, name, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_STR(cfg_profile, bios, 0),
	F_STR(cfg_profile, efi_x64, 0),
	F_STR(cfg_profile, efi_ia32, 0),
	F_STR(cfg_profile, arm32, 0),
	F_STR(cfg_profile, arm64, 0),
	F_STR(cfg_profile, bios_prompt, 0),
	F_STR(cfg_profile, abort, 0),
	F_STR(cfg_profile, ipxe, 0),
	F_BOOL(cfg_profile, mtftp),
	F_STR(cfg_profile, http_efi_x64, 0),
	F_STR(cfg_profile, http_arm64, 0),
	F_STR(cfg_profile, once_until, 0),
};

static const struct cfg_field cfg_http_boot_fields[] = {
	F_U16(cfg_http_boot, port, 1, 65535),
};

static const struct cfg_field cfg_unknown_fields[] = {
	F_CUSTOM("action", 0),
	F_STR_AS("profile", pxeline_config, unknown_profile, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_control_fields[] = {
	F_STR_AS("socket", pxeline_config, control_socket, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_state_fields[] = {
	F_CUSTOM("backend", 0),
	F_STR_AS("db", pxeline_config, state_db, CFG_FF_NONEMPTY),
	F_STR_AS("url", pxeline_config, state_url, CFG_FF_NONEMPTY),
	F_STR_AS("engine", pxeline_config, state_engine, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_log_fields[] = {
	F_CUSTOM("level", 0),
	F_STR_AS("file", pxeline_config, log_file, 0),
};

static const struct cfg_field cfg_http_fields[] = {
	F_STR(cfg_http, listen, CFG_FF_NONEMPTY),
	F_STR(cfg_http, token_file, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_dpdk_fields[] = {
	F_CUSTOM("eal", 0),
};

/* "tftp" + "root" -> "tftp.root"; top-level keys print bare. */

static void
cfg_interface_address(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		      struct cfg_interface *ifc)
{
	const char *v = cfg_get_str(c, s, key, 0, true);
	uint32_t ip, host_mask;
	uint8_t len;
	int err;

	if (v == NULL)
		return;
	err = cfg_parse_ipv4_prefix(v, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, s, "%s '%s' is not A.B.C.D/len: %s", key, v, cfg_strerror(err));
		return;
	}
	if (len == 0) {
		cfg_err(c, s, "%s '%s': prefix length must be 1..32", key, v);
		return;
	}
	/* Not 0/8 ("this network"), loopback, multicast, class E or broadcast. */
	if ((ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 28) >= 0xe) {
		cfg_err(c, s, "%s '%s' is not a unicast address", key, v);
		return;
	}
	host_mask = len == 32 ? 0 : UINT32_MAX >> len;
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (len <= 30 && ((ip & host_mask) == 0 || (ip & host_mask) == host_mask)) {
		cfg_err(c, s, "%s '%s' is the network or broadcast address of its subnet",
			key, v);
		return;
	}
	ifc->address = ip;
	ifc->prefix_len = len;
}

/* A global or unique-local unicast address: the link-local one is the MAC's. */
static void
cfg_interface_address6(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		       struct cfg_interface *ifc)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	const char *v = cfg_get_str(c, s, key, 0, true);
	uint8_t a[16], len, i, any = 0;
	int err;

	if (v == NULL)
		return;
	err = cfg_parse_ipv6_prefix(v, a, &len);
	if (err != CFG_OK) {
		cfg_err(c, s, "%s '%s' is not IPV6/len (2001:db8::2/64): %s", key, v,
			cfg_strerror(err));
		return;
	}
	if (len == 0) {
		cfg_err(c, s, "%s '%s': prefix length must be 1..128", key, v);
		return;
	}
	for (i = 0; i < 15; i++)
		any |= a[i];
	/* Not ::, ::1, multicast, IPv4-mapped, or link-local (fe80::/10). */
	if ((any == 0 && a[15] <= 1) || a[0] == 0xff || memcmp(a, v4mapped, 12) == 0) {
		cfg_err(c, s, "%s '%s' is not a unicast address", key, v);
		return;
	}
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
		cfg_err(c, s, "%s '%s' is link-local: the engine derives its own from the MAC",
			key, v);
		return;
	}
	memcpy(ifc->address6, a, 16);
	ifc->prefix6_len = len;
	ifc->has_address6 = true;
}

static void
cfg_interface_gateway(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		      struct cfg_interface *ifc)
{
	const char *v = cfg_get_str(c, s, key, 0, true);
	uint32_t ip, mask;
	int err;

	if (v == NULL)
		return;
	err = cfg_parse_ipv4(v, &ip);
	if (err != CFG_OK) {
		cfg_err(c, s, "%s '%s' is not A.B.C.D: %s", key, v, cfg_strerror(err));
		return;
	}
	/* Only checkable once the address parsed. */
	if (ifc->prefix_len != 0) {
		mask = ifc->prefix_len == 32 ? UINT32_MAX : ~(UINT32_MAX >> ifc->prefix_len);
		if ((ip & mask) != (ifc->address & mask) || ip == ifc->address) {
			cfg_err(c, s, "%s '%s' is not another host in the interface's subnet",
				key, v);
			return;
		}
	}
	ifc->gateway = ip;
}

static void
cfg_interfaces(struct cfg_ctx *c, const config_setting_t *list)
{
	struct pxeline_config *cfg = c->cfg;
	int i, j, n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		cfg_err(c, list, "interfaces must be a list of groups: interfaces = ( { ... } )");
		return;
	}
	if (n == 0) {
		cfg_err(c, list, "no interfaces: at least one is needed");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, (unsigned int)i);
		const config_setting_t *s;
		struct cfg_interface *ifc;
		char path[32], key[64];

		if (i == CFG_MAX_INTERFACES) {
			cfg_err(c, grp, "more than %d interfaces", CFG_MAX_INTERFACES);
			break;
		}
		ifc = &cfg->interfaces[cfg->n_interfaces++];
		ifc->mtu = 1500;
		snprintf(path, sizeof(path), "interfaces[%d]", i);
		if (!cfg_group(c, grp, path, cfg_interface_fields, N(cfg_interface_fields), ifc))
			continue;
		s = config_setting_get_member(grp, "address");
		if (s != NULL)
			cfg_interface_address(c, s, cfg_key(key, sizeof(key), path, "address"), ifc);
		s = config_setting_get_member(grp, "address6");
		if (s != NULL)
			cfg_interface_address6(c, s, cfg_key(key, sizeof(key), path, "address6"),
					       ifc);
		s = config_setting_get_member(grp, "gateway");
		if (s != NULL)
			cfg_interface_gateway(c, s, cfg_key(key, sizeof(key), path, "gateway"), ifc);
		for (j = 0; j < i; j++) {
			if (ifc->device[0] != '\0' &&
			    strcmp(cfg->interfaces[j].device, ifc->device) == 0) {
				cfg_err(c, grp, "%s.device '%s' is already interfaces[%d]",
					path, ifc->device, j);
				break;
			}
		}
	}
}

static bool
cfg_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static void
cfg_cache(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_cache *cache = &c->cfg->cache;
	const config_setting_t *s;
	uint32_t v;

	if (!cfg_group(c, grp, "cache", cfg_cache_fields, N(cfg_cache_fields), cache))
		return;
	s = config_setting_get_member(grp, "chunk_kb");
	if (s != NULL && cfg_get_uint(c, s, "cache.chunk_kb", 64, 16384, &v)) {
		if (!cfg_is_pow2(v))
			cfg_err(c, s, "cache.chunk_kb = %u is not a power of two", v);
		else
			cache->chunk_size = v * 1024;
	}
	s = config_setting_get_member(grp, "size_mb");
	if (s != NULL && cfg_get_uint(c, s, "cache.size_mb", 1, 1048576, &v))
		cache->size = (uint64_t)v << 20;
	/* A transfer holds its current chunk plus the ones read ahead. */
	if (cache->size < (uint64_t)cache->chunk_size * (cache->readahead + 1))
		cfg_err(c, grp, "cache: size_mb (%llu MiB) cannot hold one transfer's %u chunks of %u KiB (1 + readahead)",
			(unsigned long long)(cache->size >> 20), cache->readahead + 1,
			cache->chunk_size / 1024);
}

static uint32_t
cfg_prefix_mask(uint8_t len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

/* The group ranges must be multicast: 224.0.0.0/4. */
static void
cfg_multicast(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_multicast *m = &c->cfg->multicast;
	uint32_t ip, mask;
	uint8_t len;
	int err;

	if (!cfg_group(c, grp, "multicast", cfg_multicast_fields, N(cfg_multicast_fields), m))
		return;
	err = cfg_parse_ipv4_prefix(m->groups, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, grp, "multicast.groups '%s' is not A.B.C.D/len: %s", m->groups,
			cfg_strerror(err));
		return;
	}
	mask = len ? 0xffffffffu << (32 - len) : 0;
	if (len < 4 || (ip & 0xf0000000u) != 0xe0000000u) {
		cfg_err(c, grp, "multicast.groups '%s' is not inside 224.0.0.0/4", m->groups);
		return;
	}
	m->group_base = ip & mask;
	m->group_prefix = len;
	err = cfg_parse_ipv4_prefix(m->mtftp_groups, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' is not A.B.C.D/len: %s",
			m->mtftp_groups, cfg_strerror(err));
		return;
	}
	mask = len ? 0xffffffffu << (32 - len) : 0;
	if (len < 4 || (ip & 0xf0000000u) != 0xe0000000u) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' is not inside 224.0.0.0/4",
			m->mtftp_groups);
		return;
	}
	m->mtftp_group_base = ip & mask;
	m->mtftp_group_prefix = len;
	/* A PXE listener takes any DATA from our address on its port: an RFC
	 * 2090 stream on the same group address would be read as its file. */
	if (m->mtftp_group_base <= (m->group_base | ~cfg_prefix_mask(m->group_prefix)) &&
	    m->group_base <= (m->mtftp_group_base | ~mask)) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' overlaps multicast.groups '%s'",
			m->mtftp_groups, m->groups);
		return;
	}
	/* 69, 67 and 4011 are served as TFTP and proxyDHCP before MTFTP. */
	if (m->mtftp_port == 69 || m->mtftp_port == 67 || m->mtftp_port == 4011 ||
	    m->mtftp_port == 68) {
		cfg_err(c, grp, "multicast.mtftp_port %u is taken by TFTP or DHCP",
			(unsigned)m->mtftp_port);
		return;
	}
}

/* Strings of MACs, "[ ... ]" or "( ... )". */
static void
cfg_dhcp_ignore(struct cfg_ctx *c, const config_setting_t *seq)
{
	struct cfg_dhcp *dhcp = &c->cfg->dhcp;
	int i, n = config_setting_length(seq);

	if (!cfg_is_seq(seq)) {
		cfg_err(c, seq, "dhcp.ignore must be a list of MAC strings: [ \"52:54:00:12:34:56\" ]");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(seq, (unsigned int)i);
		const char *v;
		char key[32];
		int err;

		if (i == CFG_MAX_IGNORE_MACS) {
			cfg_err(c, s, "dhcp.ignore has more than %d MACs", CFG_MAX_IGNORE_MACS);
			return;
		}
		snprintf(key, sizeof(key), "dhcp.ignore[%d]", i);
		v = cfg_get_str(c, s, key, 0, true);
		if (v == NULL)
			continue;
		err = cfg_parse_mac(v, dhcp->ignore_macs[dhcp->n_ignore]);
		if (err != CFG_OK) {
			cfg_err(c, s, "%s '%s' is not a MAC address (52:54:00:12:34:56): %s",
				key, v, cfg_strerror(err));
			continue;
		}
		dhcp->n_ignore++;
	}
}

/* once_until = "answer" | "file:NAME": when a one-shot counts as taken. */
static void
cfg_once_until(struct cfg_ctx *c, const config_setting_t *grp, struct cfg_profile *p)
{
	const config_setting_t *s = config_setting_get_member(grp, "once_until");
	const char *v = p->once_until;

	p->once_until_file[0] = '\0';
	if (!v[0] || strcmp(v, "answer") == 0) {
		snprintf(p->once_until, sizeof(p->once_until), "answer");
		return;
	}
	if (strncmp(v, "file:", 5) != 0 || !v[5]) {
		cfg_err(c, s ? s : grp, "profiles: once_until '%s' is neither \"answer\" nor "
			"\"file:NAME\" (NAME: a file of the profile, like boot.wim)", v);
		return;
	}
	if (strlen(v + 5) >= sizeof(p->once_until_file)) {
		cfg_err(c, s ? s : grp, "profiles: once_until file name longer than %zu characters",
			sizeof(p->once_until_file) - 1);
		return;
	}
	memcpy(p->once_until_file, v + 5, strlen(v + 5) + 1);
}

static void
cfg_profiles(struct cfg_ctx *c, const config_setting_t *list)
{
	struct pxeline_config *cfg = c->cfg;
	int i, j, n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		cfg_err(c, list, "profiles must be a list of groups: profiles = ( { ... } )");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, (unsigned int)i);
		struct cfg_profile *p;
		char path[32];

		if (i == CFG_MAX_PROFILES) {
			cfg_err(c, grp, "more than %d profiles", CFG_MAX_PROFILES);
			return;
		}
		p = &cfg->profiles[cfg->n_profiles++];
		snprintf(path, sizeof(path), "profiles[%d]", i);
		if (!cfg_group(c, grp, path, cfg_profile_fields, N(cfg_profile_fields), p))
			continue;
		cfg_once_until(c, grp, p);
		for (j = 0; j < i && p->name[0] != '\0'; j++) {
			if (strcmp(cfg->profiles[j].name, p->name) == 0) {
				cfg_err(c, grp, "duplicate profile name '%s' (also profiles[%d])",
					p->name, j);
				break;
			}
		}
	}
}

/* The group's presence turns the file server on. */
static void
cfg_http_boot(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_http_boot *h = &c->cfg->http_boot;

	if (cfg_group(c, grp, "http_boot", cfg_http_boot_fields, N(cfg_http_boot_fields), h))
		h->enabled = true;
}

static void
cfg_unknown(struct cfg_ctx *c, const config_setting_t *grp)
{
	static const char *const names[] = {
		[CFG_UNKNOWN_BOOT] = "boot",
		[CFG_UNKNOWN_ABORT] = "abort",
		[CFG_UNKNOWN_IGNORE] = "ignore",
	};
	_Static_assert(N(names) == CFG_UNKNOWN__MAX, "one name per unknown action");
	size_t i;

	if (!cfg_group(c, grp, "unknown", cfg_unknown_fields, N(cfg_unknown_fields), c->cfg))
		return;
	if (cfg_get_enum(c, grp, "action", "unknown.action", names, N(names), &i))
		c->cfg->unknown_action = (enum cfg_unknown_action)i;
}

static void
cfg_log(struct cfg_ctx *c, const config_setting_t *grp)
{
	static const char *const names[] = {
		[CFG_LOG_ERROR] = "error",
		[CFG_LOG_WARN] = "warn",
		[CFG_LOG_INFO] = "info",
		[CFG_LOG_DEBUG] = "debug",
	};
	_Static_assert(N(names) == CFG_LOG__MAX, "one name per log level");
	size_t i;

	if (!cfg_group(c, grp, "log", cfg_log_fields, N(cfg_log_fields), c->cfg))
		return;
	if (cfg_get_enum(c, grp, "level", "log.level", names, N(names), &i))
		c->cfg->log_level = (enum cfg_log_level)i;
}

/* state = { backend = "sqlite"; db = ...; } or { backend = "postgresql"; url = ...; } */
static void
cfg_state(struct cfg_ctx *c, const config_setting_t *grp)
{
	static const char *const names[] = {
		[CFG_STATE_SQLITE] = "sqlite",
		[CFG_STATE_POSTGRESQL] = "postgresql",
	};
	_Static_assert(N(names) == CFG_STATE__MAX, "one name per state backend");
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *url = config_setting_get_member(grp, "url");
	const config_setting_t *db = config_setting_get_member(grp, "db");
	const config_setting_t *eng = config_setting_get_member(grp, "engine");
	size_t i;

	if (!cfg_group(c, grp, "state", cfg_state_fields, N(cfg_state_fields), cfg))
		return;
	if (cfg_get_enum(c, grp, "backend", "state.backend", names, N(names), &i))
		cfg->state_backend = (enum cfg_state_backend)i;
	if (cfg->state_backend == CFG_STATE_POSTGRESQL) {
		if (!url)
			cfg_err(c, grp, "state.backend \"postgresql\" needs state.url = "
				"\"postgresql://USER@HOST:PORT/DB\"");
		else if (strncmp(cfg->state_url, "postgresql://", 13) != 0 &&
			 strncmp(cfg->state_url, "postgres://", 11) != 0)
			cfg_err(c, url, "state.url '%s' is not a postgresql:// URL", cfg->state_url);
		if (db)
			cfg_err(c, db, "state.db is the sqlite backend's file: with backend "
				"\"postgresql\" the inventory is at state.url");
	} else if (url) {
		cfg_err(c, url, "state.url needs state.backend = \"postgresql\"");
	}
	for (i = 0; eng && cfg->state_engine[i]; i++) {
		unsigned char ch = (unsigned char)cfg->state_engine[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '\'' || ch == '"' || ch == '\\') {
			cfg_err(c, eng, "state.engine '%s': printable ASCII without spaces or "
				"quotes only", cfg->state_engine);
			break;
		}
	}
}

/* The engine's default name in the fleet: <hostname>/<first interface IPv4>. */
static void
cfg_state_engine_default(struct pxeline_config *cfg)
{
	char host[256] = "pxeline";
	uint32_t a = cfg->n_interfaces ? cfg->interfaces[0].address : 0;

	if (cfg->state_engine[0])
		return;
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "pxeline");
	host[sizeof(host) - 1] = '\0';
	/* The address is the unique part: a long host name gives way. */
	snprintf(cfg->state_engine, sizeof(cfg->state_engine), "%.47s/%u.%u.%u.%u", host,
		 a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void
cfg_dpdk(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *seq;
	int i, n;

	if (!cfg_group(c, grp, "dpdk", cfg_dpdk_fields, N(cfg_dpdk_fields), cfg))
		return;
	seq = config_setting_get_member(grp, "eal");
	if (seq == NULL)
		return;
	if (!cfg_is_seq(seq)) {
		cfg_err(c, seq, "dpdk.eal must be a list of strings: [ \"-l\", \"0-1\" ]");
		return;
	}
	n = config_setting_length(seq);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(seq, (unsigned int)i);
		const char *v;
		char key[32];

		if (i == CFG_MAX_EAL_ARGS) {
			cfg_err(c, s, "dpdk.eal has more than %d arguments", CFG_MAX_EAL_ARGS);
			return;
		}
		snprintf(key, sizeof(key), "dpdk.eal[%d]", i);
		v = cfg_get_str(c, s, key, 0, true);
		if (v == NULL)
			continue;
		cfg->eal_args[cfg->n_eal_args] = strdup(v);
		if (cfg->eal_args[cfg->n_eal_args] == NULL) {
			cfg_err(c, s, "%s: out of memory", key);
			return;
		}
		cfg->n_eal_args++;
	}
}

static void
cfg_http(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_http *h = &c->cfg->http;
	const config_setting_t *s;
	int err;

	if (!cfg_group(c, grp, "http", cfg_http_fields, N(cfg_http_fields), h))
		return;
	h->enabled = true;
	s = config_setting_get_member(grp, "listen");
	err = cfg_parse_listen(h->listen, &h->ip_version, h->addr, &h->port);
	if (err != CFG_OK)
		cfg_err(c, s ? s : grp, "http.listen '%s' is not A.B.C.D:PORT or [IPv6]:PORT: %s",
			h->listen, cfg_strerror(err));
	s = config_setting_get_member(grp, "token_file");
	/* Found missing now rather than when the engine has brought up its ports. */
	if (s != NULL && h->token_file[0] && !(c->flags & CFG_LOAD_NO_FS_CHECK) &&
	    access(h->token_file, R_OK) != 0)
		cfg_err(c, s, "http.token_file '%s': %s", h->token_file, strerror(errno));
}

/* Cross-key checks and the file system, once every group is read. */
static void
cfg_check(struct cfg_ctx *c, const config_setting_t *root)
{
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *s;
	char real[PATH_MAX];
	struct stat st;
	int i;

	/* Nothing to offer without profiles: a TFTP-only engine (the header of
	 * pxeline.cfg promises interfaces and tftp.root are enough). */
	if (cfg->n_profiles == 0)
		cfg->dhcp.enabled = false;
	/* Without proxyDHCP nobody asks for a boot file: profiles are moot. */
	if (cfg->dhcp.enabled && cfg->unknown_action == CFG_UNKNOWN_BOOT &&
	    cfg_find_profile(cfg, cfg->unknown_profile) == NULL) {
		s = config_lookup(root->config, "unknown.profile");
		if (s == NULL)
			s = config_lookup(root->config, "unknown");
		if (s == NULL)
			s = config_lookup(root->config, "profiles");
		cfg_err(c, s, "unknown.profile '%s' is not a defined profile (unknown.action is boot)",
			cfg->unknown_profile);
	}
	/* A client told to listen for MTFTP must find a server that streams. */
	for (i = 0; i < cfg->n_profiles; i++) {
		char key[48];

		if (!cfg->profiles[i].mtftp || (cfg->multicast.enabled && cfg->multicast.mtftp))
			continue;
		snprintf(key, sizeof(key), "profiles.[%d].mtftp", i);
		s = config_lookup(root->config, key);
		cfg_err(c, s ? s : config_lookup(root->config, "profiles"),
			"profiles[%d] '%s' has mtftp = true but multicast.enabled and "
			"multicast.mtftp are not both true", i, cfg->profiles[i].name);
	}
	if (strlen(cfg->control_socket) >= CFG_SUN_PATH_MAX)
		cfg_err(c, config_lookup(root->config, "control.socket"),
			"control.socket is longer than a unix socket path can be (%zu)",
			CFG_SUN_PATH_MAX - 1);

	s = config_lookup(root->config, "tftp.root");
	if ((c->flags & CFG_LOAD_NO_FS_CHECK) || cfg->tftp.root[0] == '\0' || s == NULL)
		return;
	if (stat(cfg->tftp.root, &st) != 0) {
		cfg_err(c, s, "tftp.root '%s': %s", cfg->tftp.root, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		cfg_err(c, s, "tftp.root '%s' is not a directory", cfg->tftp.root);
		return;
	}
	/* Absolute, so a later chdir or relative lookup cannot move the root. */
	if (realpath(cfg->tftp.root, real) == NULL) {
		cfg_err(c, s, "tftp.root '%s': %s", cfg->tftp.root, strerror(errno));
		return;
	}
	if (strlen(real) >= sizeof(cfg->tftp.root)) {
		cfg_err(c, s, "tftp.root resolves to a path that is too long");
		return;
	}
	memcpy(cfg->tftp.root, real, strlen(real) + 1);
}

void
cfg_validate(struct cfg_ctx *c, const config_setting_t *root)
{
	static const struct {
		const char *name;
		void (*fn)(struct cfg_ctx *c, const config_setting_t *s);
	} groups[] = {
		{ "interfaces", cfg_interfaces },
		{ "cache", cfg_cache },
		{ "multicast", cfg_multicast },
		{ "http_boot", cfg_http_boot },
		{ "profiles", cfg_profiles },
		{ "unknown", cfg_unknown },
		{ "log", cfg_log },
		{ "dpdk", cfg_dpdk },
		{ "http", cfg_http },
	};
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *s;
	size_t i;

	cfg_group(c, root, "", cfg_root_fields, N(cfg_root_fields), cfg);
	for (i = 0; i < N(groups); i++) {
		s = config_setting_get_member(root, groups[i].name);
		if (s != NULL)
			groups[i].fn(c, s);
	}
	s = config_setting_get_member(root, "tftp");
	if (s != NULL)
		cfg_group(c, s, "tftp", cfg_tftp_fields, N(cfg_tftp_fields), &cfg->tftp);
	s = config_setting_get_member(root, "dhcp");
	if (s != NULL && cfg_group(c, s, "dhcp", cfg_dhcp_fields, N(cfg_dhcp_fields), &cfg->dhcp)) {
		s = config_setting_get_member(s, "ignore");
		if (s != NULL)
			cfg_dhcp_ignore(c, s);
	}
	s = config_setting_get_member(root, "control");
	if (s != NULL)
		cfg_group(c, s, "control", cfg_control_fields, N(cfg_control_fields), cfg);
	s = config_setting_get_member(root, "state");
	if (s != NULL)
		cfg_state(c, s);
	cfg_state_engine_default(cfg);
	cfg_check(c, root);
}
