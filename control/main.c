/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pxeline: the command line, the control loop on the main lcore, and
 * shutdown. The data plane is brought up and down by dataplane/setup.c.
 *
 *   pxeline [EAL options] -- -c FILE [--check]
 *   pxeline -c FILE [--check]            (EAL options from dpdk.eal)
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "config/config.h"
#include "control/ctl.h"
#include "control/dhcp_control.h"
#include "control/hostdb.h"
#include "control/http.h"
#include "control/http_boot.h"
#include "control/log.h"
#include "control/reload.h"
#include "control/service.h"
#include "control/telemetry.h"
#include "dataplane/base/clock.h"
#include "dataplane/setup.h"

#define MAX_EAL_ARGV 128
#define CONTROL_POLL_US 500
#define STATUS_EVERY_NS (10ull * 1000000000ull)

static volatile sig_atomic_t quit;
static volatile sig_atomic_t reload_asked;

static void
on_signal(int sig)
{
	(void)sig;
	quit = true;
}

/* SIGHUP: the control loop re-reads the configuration (control/reload.c). */
static void
on_sighup(int sig)
{
	(void)sig;
	reload_asked = true;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: pxeline [EAL options] -- -c FILE [--check]\n"
		   "       pxeline -c FILE [--check]\n"
		   "  -c, --config FILE  configuration (libconfig), see config/pxeline.cfg\n"
		   "  --check            validate the configuration and exit\n"
		   "  -h, --help         print this help and exit\n"
		   "EAL options on the command line replace dpdk.eal from the config.\n"
		   "SIGHUP (or pxectl reload) re-reads the configuration; SIGTERM stops.\n"
		   "See pxeline(8).\n");
}

struct app_args {
	const char *config;
	bool check;
};

static int
parse_app_args(int argc, char **argv, struct app_args *ret)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ret->config = optarg;
			break;
		case 'C':
			ret->check = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!ret->config) {
		fprintf(stderr, "pxeline: no configuration given (-c FILE)\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Splits argv at "--": EAL options before it, ours after. */
static int
split_args(int argc, char **argv, int *ret_eal_argc, int *ret_app_idx)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			*ret_eal_argc = i;
			*ret_app_idx = i;
			return 0;
		}
	*ret_eal_argc = 1;	/* no EAL options on the command line */
	*ret_app_idx = 0;
	return 0;
}

/* argv for rte_eal_init: ours, the config's (unless the command line
 * gave some), then one device argument per interface. */
static int
build_eal_argv(const struct pxeline_config *cfg, int cl_argc, char **cl_argv,
	       char **argv)
{
	int argc = 0, i;

	argv[argc++] = strdup("pxeline");
	if (cl_argc > 1) {
		for (i = 1; i < cl_argc && argc < MAX_EAL_ARGV; i++)
			argv[argc++] = strdup(cl_argv[i]);
	} else {
		for (i = 0; i < cfg->n_eal_args && argc < MAX_EAL_ARGV; i++)
			argv[argc++] = strdup(cfg->eal_args[i]);
	}
	return port_eal_args(cfg, argv, argc, MAX_EAL_ARGV);
}

/* `pxectl status`: the counters an operator looks at first. */
static void
ctl_status(void *arg, FILE *out)
{
	const struct dataplane *dp = arg;
	struct worker_stats s;

	telemetry_sum(&s);
	fprintf(out, "workers %u\n", dp->n_workers);
	fprintf(out, "tftp_sessions_active %lu\n",
		(unsigned long)(s.tftp_sessions_total - s.tftp_sessions_ended));
#define CTL_STAT(name) fprintf(out, #name " %lu\n", (unsigned long)s.name);
	STATS_COUNTERS(CTL_STAT)
#undef CTL_STAT
}

static void
ctl_sessions(void *arg, FILE *out)
{
	dataplane_sessions_dump(arg, out);
}

/* The HTTP API's counters: what telemetry and `pxectl status` read. */
static void
http_stats(void *arg, struct worker_stats *ret_ws, struct cache_stats *ret_cs)
{
	const struct dataplane *dp = arg;

	telemetry_sum(ret_ws);
	cache_get_stats(dp->cache, ret_cs);
}

static int
http_start(const struct pxeline_config *cfg, struct hostdb *db, struct dataplane *dp,
	   struct reload_target *rt)
{
	struct http_init in = {
		.cfg = cfg,
		.db = db,
		.cb = { .stats = http_stats, .sessions = ctl_sessions, .arg = dp,
			.reload = control_reload, .reload_arg = rt, .n_workers = dp->n_workers },
	};
	char err[512];

	if (http_init(&in, err, sizeof(err)) != 0) {
		log_msg(CFG_LOG_ERROR, "http: %s", err);
		return -1;
	}
	log_msg(CFG_LOG_INFO, "http: listening on %s", cfg->http.listen);
	return 0;
}

/* pxectl changed the inventory: workers must see it. */
static void
ctl_hosts_changed(void *arg)
{
	const struct dataplane *dp = arg;

	if (dp->cfg->dhcp.enabled)
		dhcp_snapshot_rebuild(NULL);
}

static void
print_summary(void)
{
	struct worker_stats s;

	telemetry_sum(&s);
	log_msg(CFG_LOG_INFO, "stopped: %lu sessions (%lu completed, %lu failed, %lu tsize probes), "
		"%lu bytes sent, %lu retransmits, %lu errors sent, %lu frames dropped",
		(unsigned long)s.tftp_sessions_total, (unsigned long)s.tftp_completed,
		(unsigned long)s.tftp_failed, (unsigned long)s.tftp_tsize_probes,
		(unsigned long)s.tftp_bytes_sent, (unsigned long)s.tftp_retransmits,
		(unsigned long)s.tftp_errors_sent, (unsigned long)s.rx_dropped);
}

/* systemd's STATUS=: what `systemctl status pxeline` shows under the unit. */
static void
status_line(const struct pxeline_config *cfg, const struct dataplane *dp, char *buf,
	    size_t cap)
{
	struct worker_stats s;
	int n;

	telemetry_sum(&s);
	n = snprintf(buf, cap, "serving %d interface(s), %u worker(s), ", cfg->n_interfaces,
		     dp->n_workers);
	if (n < 0 || (size_t)n >= cap)
		return;
	if (cfg_dhcp_off_reason(cfg) != NULL)
		n += snprintf(buf + n, cap - n, "proxyDHCP off");
	else
		n += snprintf(buf + n, cap - n, "proxyDHCP on (%d profiles)", cfg->n_profiles);
	if ((size_t)n < cap)
		snprintf(buf + n, cap - n, "; %lu TFTP sessions active, %lu completed",
			 (unsigned long)(s.tftp_sessions_total - s.tftp_sessions_ended),
			 (unsigned long)s.tftp_completed);
}

/* The control thread: DHCP decisions, the control socket, logs, the
 * watchdog, SIGHUP's reload. It naps only when a pass found nothing to do. */
static void
control_loop(struct reload_target *rt)
{
	static char report[CTL_REPORT_MAX];
	uint64_t status_ns = clock_mono_ns();
	char status[256];

	while (!quit) {
		unsigned work = log_drain();
		uint64_t now = clock_mono_ns();

		if (reload_asked) {
			reload_asked = false;
			control_reload(rt, report, sizeof(report));	/* logs the outcome */
			work++;
		}
		if (rt->cfg->dhcp.enabled) {
			work += dhcp_control_poll();
			work += http_boot_drain(dhcp_control_http_served, NULL);
		}
		work += ctl_poll();
		work += http_poll();
		svc_watchdog_poll(now);
		if (now - status_ns >= STATUS_EVERY_NS) {
			status_ns = now;
			status_line(rt->cfg, rt->dp, status, sizeof(status));
			svc_status(status);
		}
		if (!work)
			usleep(CONTROL_POLL_US);
	}
}

static void
log_ports(const struct dataplane *dp)
{
	char line[512];
	int i;

	for (i = 0; i < dp->n_ports; i++) {
		port_describe(&dp->ports[i], line, sizeof(line));
		log_msg(dp->ports[i].mtu_set_err ? CFG_LOG_WARN : CFG_LOG_INFO, "%s", line);
	}
}

/* EAL from the config's arguments (or the command line's), then signals. */
static int
start_eal(const struct pxeline_config *cfg, int eal_argc, char **argv)
{
	char *eal_argv[MAX_EAL_ARGV], *owned[MAX_EAL_ARGV];
	int n = build_eal_argv(cfg, eal_argc, argv, eal_argv), i, rc;

	if (n < 0) {
		fprintf(stderr, "pxeline: too many EAL arguments\n");
		return -1;
	}
	/* rte_eal_init permutes eal_argv (getopt) and copies what it keeps:
	 * the strings are freed through a copy of the pointers. */
	memcpy(owned, eal_argv, (size_t)n * sizeof(owned[0]));
	rc = rte_eal_init(n, eal_argv);
	for (i = 0; i < n; i++)
		free(owned[i]);
	if (rc < 0) {
		fprintf(stderr, "pxeline: EAL init failed: %s (hugepages reserved and "
			"mounted? see scripts/setup.sh)\n", rte_strerror(rte_errno));
		return -1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_sighup);
	return 0;
}

/*
 * The control side around a running data plane: inventory, proxyDHCP,
 * the control socket, the HTTP endpoint. 0, or -1 (said in the log).
 */
static int
start_control(struct reload_target *rt, struct dataplane *dp, struct ctl_callbacks *ctl_cb,
	      struct hostdb **ret_db)
{
	const struct pxeline_config *cfg = rt->cfg;
	enum hostdb_err e = hostdb_open_config(cfg, ret_db);
	char where[CFG_PATH_MAX];

	hostdb_config_where(cfg, where, sizeof(where));
	if (e != HOSTDB_OK) {
		log_msg(CFG_LOG_ERROR, "state store %s: %s: %s", where, hostdb_strerror(e),
			hostdb_msg(NULL));
		return -1;
	}
	log_msg(CFG_LOG_INFO, "state store: %s %s, engine %s", hostdb_backend_name(*ret_db),
		where, hostdb_engine(*ret_db));
	if (!hostdb_reachable(*ret_db))
		log_msg(CFG_LOG_WARN, "state store %s unreachable at start: %s; TFTP serves, "
			"proxyDHCP waits for the store's hosts, reconnecting every %d ms", where,
			hostdb_msg(*ret_db), HOSTDB_RETRY_MS);
	if (cfg->dhcp.enabled &&
	    dhcp_control_init(cfg, *ret_db, dp->dhcp_req, dp->dhcp_reply, dp->n_workers,
			      dp->ports, dp->n_ports, dp->dhcp_snap) != 0) {
		log_msg(CFG_LOG_ERROR, "proxyDHCP: cannot set up");
		return -1;
	}
	/* One-shots consumed on a file served and last-seen come from events. */
	if (cfg->dhcp.enabled) {
		log_set_observer(dhcp_control_observe);
	}
	if (ctl_init(cfg, *ret_db, ctl_cb) != 0) {
		log_msg(CFG_LOG_ERROR, "control socket %s: cannot listen", cfg->control_socket);
		return -1;
	}
	if (cfg->http.enabled && http_start(cfg, *ret_db, dp, rt) != 0)
		return -1;
	return 0;
}

/* Stops the workers first (transfers end with end=shutdown), then the rest. */
static void
shutdown_all(struct reload_target *rt, struct dataplane *dp, struct hostdb *db)
{
	svc_stopping("stopping: transfers in flight end with end=shutdown");
	log_msg(CFG_LOG_INFO, "stopping");
	/* Before the workers: its TCP reaches the wire through them. */
	http_boot_stop();
	dataplane_stop(dp);
	log_drain();
	log_set_observer(NULL);
	print_summary();
	http_fini();
	ctl_fini();
	if (rt->cfg->dhcp.enabled)
		dhcp_control_fini();
	hostdb_close(db);
	log_fini();
	dataplane_teardown(dp);
	rte_eal_cleanup();
}

int
main(int argc, char **argv)
{
	static struct dataplane dp;
	/* rt.cfg is the running configuration: a reload replaces it. */
	static struct reload_target rt = { .dp = &dp };
	struct app_args app = { 0 };
	struct hostdb *db = NULL;
	struct ctl_callbacks ctl_cb = { .status = ctl_status, .sessions = ctl_sessions,
					.arg = &dp, .reload = control_reload, .reload_arg = &rt,
					.changed = ctl_hosts_changed };
	char status[256], line[256];
	int eal_argc, app_idx;

	split_args(argc, argv, &eal_argc, &app_idx);
	if (parse_app_args(argc - app_idx, argv + app_idx, &app) != 0)
		return 2;
	rt.path = app.config;
	rt.cfg = malloc(sizeof(*rt.cfg));
	if (!rt.cfg || cfg_load(app.config, rt.cfg, stderr) != 0)
		return 1;
	if (app.check) {
		printf("%s: configuration OK\n", app.config);
		cfg_free(rt.cfg);
		free(rt.cfg);
		return 0;
	}
	if (start_eal(rt.cfg, eal_argc, argv) != 0)
		return 1;
	svc_init();
	if (log_init(rt.cfg) != 0) {
		fprintf(stderr, "pxeline: cannot open the log %s\n", rt.cfg->log_file);
		return 1;
	}
	if (dataplane_setup(&dp, rt.cfg) != 0) {
		log_msg(CFG_LOG_ERROR, "%s", dp.err);
		return 1;
	}
	log_ports(&dp);
	log_attach_rings(dp.log_rings, dp.stats, dp.n_workers);
	telemetry_init(dp.stats, dp.n_workers, dp.cache);
	if (start_control(&rt, &dp, &ctl_cb, &db) != 0)
		return 1;
	dataplane_launch(&dp);
	/* After the workers: the kernel's TCP reaches the wire through them. */
	if (rt.cfg->http_boot.enabled &&
	    http_boot_start(rt.cfg, dp.ports, dp.n_ports, line, sizeof(line)) != 0) {
		log_msg(CFG_LOG_ERROR, "%s", line);
		quit = true;
	}
	log_msg(CFG_LOG_INFO, "pxeline serving %s on %d interface(s) with %u worker(s)",
		rt.cfg->tftp.root, rt.cfg->n_interfaces, dp.n_workers);
	if (cfg_dhcp_off_reason(rt.cfg) != NULL)
		log_msg(CFG_LOG_INFO, "proxyDHCP off: %s", cfg_dhcp_off_reason(rt.cfg));
	else
		log_msg(CFG_LOG_INFO, "proxyDHCP on: %d profile(s)", rt.cfg->n_profiles);
	status_line(rt.cfg, &dp, status, sizeof(status));
	svc_ready(status);

	control_loop(&rt);

	shutdown_all(&rt, &dp, db);
	cfg_free(rt.cfg);
	free(rt.cfg);
	return 0;
}
