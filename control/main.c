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
#include "control/log.h"
#include "control/telemetry.h"
#include "dataplane/setup.h"

#define MAX_EAL_ARGV 128
#define CONTROL_POLL_US 500

static volatile bool quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = true;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: pxeline [EAL options] -- -c FILE [--check]\n"
		   "       pxeline -c FILE [--check]\n"
		   "  -c, --config FILE  configuration (libconfig), see config/pxeline.cfg\n"
		   "  --check            validate the configuration and exit\n"
		   "EAL options on the command line replace dpdk.eal from the config.\n");
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

/* The control thread: DHCP decisions, the control socket, logs. It naps
 * only when a pass found nothing to do. */
static void
control_loop(const struct pxeline_config *cfg)
{
	while (!quit) {
		unsigned work = log_drain();

		if (cfg->dhcp.enabled)
			work += dhcp_control_poll();
		work += ctl_poll();
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

int
main(int argc, char **argv)
{
	static struct pxeline_config cfg;
	static struct dataplane dp;
	struct app_args app = { 0 };
	char *eal_argv[MAX_EAL_ARGV];
	struct hostdb *db = NULL;
	struct ctl_callbacks ctl_cb = { ctl_status, ctl_sessions, &dp, ctl_hosts_changed };
	int eal_argc, app_idx, n, ret;

	split_args(argc, argv, &eal_argc, &app_idx);
	if (parse_app_args(argc - app_idx, argv + app_idx, &app) != 0)
		return 2;
	if (cfg_load(app.config, &cfg, stderr) != 0)
		return 1;
	if (app.check) {
		printf("%s: configuration OK\n", app.config);
		cfg_free(&cfg);
		return 0;
	}

	n = build_eal_argv(&cfg, eal_argc, argv, eal_argv);
	if (n < 0) {
		fprintf(stderr, "pxeline: too many EAL arguments\n");
		return 1;
	}
	ret = rte_eal_init(n, eal_argv);
	if (ret < 0) {
		fprintf(stderr, "pxeline: EAL init failed: %s (hugepages reserved and "
			"mounted? see scripts/setup.sh)\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (log_init(&cfg) != 0) {
		fprintf(stderr, "pxeline: cannot open the log %s\n", cfg.log_file);
		return 1;
	}
	if (dataplane_setup(&dp, &cfg) != 0) {
		log_msg(CFG_LOG_ERROR, "%s", dp.err);
		return 1;
	}
	log_ports(&dp);
	log_attach_rings(dp.log_rings, dp.n_workers);
	telemetry_init(dp.stats, dp.n_workers, dp.cache);
	if (hostdb_open(cfg.state_db, &db) != HOSTDB_OK) {
		log_msg(CFG_LOG_ERROR, "state database %s: %s", cfg.state_db,
			db ? hostdb_sqlite_msg(db) : "cannot open");
		return 1;
	}
	if (cfg.dhcp.enabled &&
	    dhcp_control_init(&cfg, db, dp.dhcp_req, dp.dhcp_reply, dp.n_workers, dp.ports,
			      dp.n_ports, dp.dhcp_snap) != 0) {
		log_msg(CFG_LOG_ERROR, "proxyDHCP: cannot set up");
		return 1;
	}
	if (cfg.dhcp.enabled)
		log_set_observer(dhcp_control_observe);
	if (ctl_init(&cfg, db, &ctl_cb) != 0) {
		log_msg(CFG_LOG_ERROR, "control socket %s: cannot listen", cfg.control_socket);
		return 1;
	}
	dataplane_launch(&dp);
	log_msg(CFG_LOG_INFO, "pxeline serving %s on %d interface(s) with %u worker(s)",
		cfg.tftp.root, cfg.n_interfaces, dp.n_workers);

	control_loop(&cfg);

	log_msg(CFG_LOG_INFO, "stopping");
	dataplane_stop(&dp);
	log_drain();
	log_set_observer(NULL);
	print_summary();
	ctl_fini();
	if (cfg.dhcp.enabled)
		dhcp_control_fini();
	hostdb_close(db);
	log_fini();
	dataplane_teardown(&dp);
	rte_eal_cleanup();
	cfg_free(&cfg);
	return 0;
}
