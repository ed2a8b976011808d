/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading pxeline's configuration: the defaults, then the file (or a string)
 * read by libconfig, then every group (groups.c) through the schema
 * (schema.c). Validation never stops at the first error: an operator fixing
 * a config wants the whole list in one run (ctx.c prints it in file order).
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/ctx.h"
#include "config/groups.h"

void
cfg_defaults(struct pxeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->workers = 1;
	cfg->tftp.case_insensitive = true;
	cfg->tftp.blksize_max = 65464;
	cfg->tftp.allow_fragments = true;
	cfg->tftp.windowsize_max = 64;
	cfg->tftp.timeout_ms = 1000;
	cfg->tftp.rto_min_ms = 20;
	cfg->tftp.retries = 5;
	cfg->tftp.max_sessions = 16384;
	cfg->tftp.msftwindow = false;
	cfg->tftp.source_rate = 50;
	cfg->tftp.source_burst = 100;
	cfg->cache.size = 256ull << 20;
	cfg->cache.chunk_size = 1024 * 1024;
	cfg->cache.readahead = 4;
	cfg->cache.queue_depth = 64;
	cfg->dhcp.enabled = true;
	cfg->dhcp.port67 = true;
	cfg->dhcp.standby_delay_ms = 1500;
	cfg->dhcp.quench_ra = false;
	cfg->multicast.enabled = false;
	cfg->http_boot.enabled = false;
	cfg->http_boot.port = 80;
	snprintf(cfg->multicast.groups, sizeof(cfg->multicast.groups), "239.255.1.0/24");
	cfg->multicast.group_base = 0xefff0100u;
	cfg->multicast.group_prefix = 24;
	cfg->multicast.port = 1758;
	cfg->multicast.ttl = 1;
	cfg->multicast.pace_pps = 0;
	cfg->multicast.max_receivers = 64;
	cfg->multicast.repair_max = 65536;
	cfg->multicast.mtftp = false;
	snprintf(cfg->multicast.mtftp_groups, sizeof(cfg->multicast.mtftp_groups),
		 "239.255.2.0/24");
	cfg->multicast.mtftp_group_base = 0xefff0200u;
	cfg->multicast.mtftp_group_prefix = 24;
	cfg->multicast.mtftp_port = 1759;
	cfg->multicast.mtftp_client_port = 1758;
	cfg->multicast.mtftp_timeout = 2;
	cfg->multicast.mtftp_delay = 2;
	cfg->unknown_action = CFG_UNKNOWN_BOOT;
	snprintf(cfg->unknown_profile, sizeof(cfg->unknown_profile), "default");
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "/run/pxeline.sock");
	snprintf(cfg->state_db, sizeof(cfg->state_db), "/var/lib/pxeline/state.db");
	cfg->log_level = CFG_LOG_INFO;
	snprintf(cfg->http.listen, sizeof(cfg->http.listen), "127.0.0.1:9400");
	cfg->http.ip_version = 4;
	cfg->http.addr[0] = 127;
	cfg->http.addr[3] = 1;
	cfg->http.port = 9400;
}

static void cfg_read_error(struct cfg_ctx *c, const char *file, unsigned int line,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* libconfig's own (single) error: I/O or syntax. */
static void
cfg_read_error(struct cfg_ctx *c, const char *file, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_report(c, file, line, fmt, ap);
	va_end(ap);
}

static int
cfg_load_common(const char *path, const char *text, const char *name, unsigned int flags,
		struct pxeline_config *cfg, FILE *errs)
{
	struct cfg_ctx c = { .cfg = cfg, .errs = errs, .name = name, .flags = flags };
	char dir[CFG_PATH_MAX];
	config_t lc;
	int ok;

	cfg_defaults(cfg);
	if (strlen(name) >= sizeof(cfg->file)) {
		cfg_err(&c, NULL, "file name too long");
		cfg_flush(&c);
		return c.n_errors;
	}
	memcpy(cfg->file, name, strlen(name) + 1);

	config_init(&lc);
	if (path != NULL) {
		char *slash;

		/* @include "x.cfg" is relative to the including file, not to the cwd. */
		memcpy(dir, path, strlen(path) + 1);
		slash = strrchr(dir, '/');
		if (slash != NULL) {
			*slash = '\0';
			c.include_dir = dir[0] != '\0' ? dir : "/";
			config_set_include_dir(&lc, c.include_dir);
		}
		errno = 0;
		ok = config_read_file(&lc, path);
	} else {
		ok = config_read_string(&lc, text);
	}
	if (!ok && config_error_type(&lc) == CONFIG_ERR_FILE_IO)
		cfg_read_error(&c, NULL, 0, "cannot read: %s",
			       errno != 0 ? strerror(errno) : config_error_text(&lc));
	else if (!ok)
		cfg_read_error(&c, config_error_file(&lc), (unsigned int)config_error_line(&lc),
			       "%s", config_error_text(&lc));
	else
		cfg_validate(&c, config_root_setting(&lc));
	/* Before config_destroy: the messages point at libconfig's file names. */
	cfg_flush(&c);
	config_destroy(&lc);
	return c.n_errors;
}

int
cfg_load_opts(const char *path, unsigned int flags, struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_common(path, NULL, path, flags, cfg, errs);
}

int
cfg_load(const char *path, struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_opts(path, 0, cfg, errs);
}

int
cfg_load_string(const char *text, const char *name, unsigned int flags,
		struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_common(NULL, text, name, flags, cfg, errs);
}

void
cfg_free(struct pxeline_config *cfg)
{
	int i;

	for (i = 0; i < cfg->n_eal_args; i++) {
		free(cfg->eal_args[i]);
		cfg->eal_args[i] = NULL;
	}
	cfg->n_eal_args = 0;
}

const char *
cfg_dhcp_off_reason(const struct pxeline_config *cfg)
{
	if (cfg->dhcp.enabled)
		return NULL;
	return cfg->n_profiles == 0 ? "no profiles defined" : "dhcp.enabled = false";
}

const struct cfg_profile *
cfg_find_profile(const struct pxeline_config *cfg, const char *name)
{
	int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->n_profiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return &cfg->profiles[i];
	return NULL;
}
