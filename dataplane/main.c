/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pxeline: set-up, the control loop on the main lcore, and shutdown.
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
#include "control/dhcp_ring.h"
#include "control/hostdb.h"
#include "control/log.h"
#include "control/telemetry.h"
#include "dataplane/cache.h"
#include "dataplane/port.h"
#include "dataplane/tftp_session.h"
#include "dataplane/worker.h"

#define MAX_EAL_ARGV 128
#define MBUFS_PER_WORKER 16384
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

/* Room for the largest frame any interface's PMD may hand us. */
static struct rte_mempool *
create_pool(const struct pxeline_config *cfg, unsigned n_workers)
{
	uint32_t need = 0, room;
	int i;

	for (i = 0; i < cfg->n_interfaces; i++)
		if (port_rx_buf_size(&cfg->interfaces[i]) > need)
			need = port_rx_buf_size(&cfg->interfaces[i]);
	room = RTE_PKTMBUF_HEADROOM + need;
	if (room < RTE_MBUF_DEFAULT_BUF_SIZE)
		room = RTE_MBUF_DEFAULT_BUF_SIZE;
	return rte_pktmbuf_pool_create("pxl_mbufs", MBUFS_PER_WORKER * (n_workers + 1) - 1,
				       256, 0, room, rte_socket_id());
}

/* Each worker's inbox for frames of its sessions that others received. */
static struct rte_ring **
create_handoff_rings(unsigned n)
{
	struct rte_ring **rings = rte_zmalloc("handoff", sizeof(*rings) * n, 0);
	char name[32];
	unsigned i;

	for (i = 0; rings && i < n; i++) {
		snprintf(name, sizeof(name), "pxl_handoff%u", i);
		rings[i] = rte_ring_create(name, 4096, rte_socket_id(), RING_F_SC_DEQ);
		if (!rings[i])
			return NULL;
	}
	return rings;
}

static struct worker *
create_workers(const struct pxeline_config *cfg, unsigned n, struct port *ports,
	       struct rte_mempool *pool, struct cache *c)
{
	struct worker *ws = rte_zmalloc("workers", sizeof(*ws) * n, RTE_CACHE_LINE_SIZE);
	struct rte_ring **handoff = create_handoff_rings(n);
	unsigned lcore, i = 0;

	if (!ws || !handoff)
		return NULL;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &ws[i];

		if (i == n)
			break;
		w->id = i;
		w->n_workers = n;
		w->lcore = lcore;
		w->queue = i;
		w->cfg = cfg;
		w->ports = ports;
		w->n_ports = cfg->n_interfaces;
		w->pool = pool;
		w->cache = c;
		w->log_ring = log_ring(i);
		w->quit = &quit;
		w->handoff = handoff;
		w->wheel = rte_zmalloc("wheel", sizeof(*w->wheel), RTE_CACHE_LINE_SIZE);
		if (!w->wheel || tftp_table_create(w) != 0)
			return NULL;
		i++;
	}
	return ws;
}

/* proxyDHCP rings: requests from all workers, replies to each. */
static int
create_dhcp_rings(struct worker *ws, unsigned n, struct rte_ring **ret_req,
		  struct rte_ring **reply)
{
	char name[32];
	unsigned i;

	*ret_req = rte_ring_create_elem("pxl_dhcp_req", sizeof(struct dhcp_ring_req), 1024,
					rte_socket_id(), RING_F_SC_DEQ);
	if (!*ret_req)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "pxl_dhcp_rep%u", i);
		reply[i] = rte_ring_create_elem(name, sizeof(struct dhcp_ring_reply), 1024,
						rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!reply[i])
			return -1;
		ws[i].dhcp_req_ring = *ret_req;
		ws[i].dhcp_reply_ring = reply[i];
	}
	return 0;
}

/* `pxectl status`: the counters an operator looks at first. */
static void
ctl_status(void *arg, FILE *out)
{
	struct worker *ws = arg;
	struct worker_stats s;

	telemetry_sum(&s);
	fprintf(out, "workers %u\n", ws[0].n_workers);
	fprintf(out, "tftp_sessions_active %lu\n",
		(unsigned long)(s.tftp_sessions_total - s.tftp_sessions_ended));
#define CTL_STAT(name) fprintf(out, #name " %lu\n", (unsigned long)s.name);
	STATS_COUNTERS(CTL_STAT)
#undef CTL_STAT
}

static void
ctl_sessions(void *arg, FILE *out)
{
	struct worker *ws = arg;
	unsigned i;

	for (i = 0; i < ws[0].n_workers; i++)
		tftp_sessions_dump(&ws[i], out);
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

int
main(int argc, char **argv)
{
	static struct pxeline_config cfg;
	struct app_args app = { 0 };
	char *eal_argv[MAX_EAL_ARGV];
	struct port ports[CFG_MAX_INTERFACES];
	struct rte_mempool *pool;
	struct worker *workers;
	struct cache *cache;
	struct hostdb *db = NULL;
	struct rte_ring *dhcp_req = NULL, *dhcp_reply[RTE_MAX_LCORE];
	struct ctl_callbacks ctl_cb = { ctl_status, ctl_sessions, NULL };
	unsigned n_workers;
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

	/* Ports were created with one queue per configured worker: every
	 * queue needs its lcore, or the frames hashed to it are lost. */
	n_workers = cfg.workers;
	if (rte_lcore_count() < n_workers + 1) {
		fprintf(stderr, "pxeline: workers = %u needs %u lcores (one more for the "
			"control thread), EAL has %u: e.g. -l 0-%u\n", n_workers,
			n_workers + 1, rte_lcore_count(), n_workers);
		return 1;
	}
	if (log_init(n_workers, &cfg) != 0) {
		fprintf(stderr, "pxeline: cannot set up logging\n");
		return 1;
	}
	pool = create_pool(&cfg, n_workers);
	if (!pool) {
		log_msg(CFG_LOG_ERROR, "mbuf pool: %s", rte_strerror(rte_errno));
		return 1;
	}
	memset(ports, 0, sizeof(ports));
	if (port_init_all(&cfg, n_workers, pool, ports) != 0)
		return 1;
	cache = cache_create(&cfg.cache, n_workers);
	if (!cache) {
		log_msg(CFG_LOG_ERROR, "chunk cache: cannot allocate %lu MiB of hugepage memory",
			(unsigned long)(cfg.cache.size >> 20));
		return 1;
	}
	if (feeder_start(cache, cfg.tftp.root, cfg.tftp.case_insensitive) != 0) {
		log_msg(CFG_LOG_ERROR, "feeder: cannot start on %s", cfg.tftp.root);
		return 1;
	}
	workers = create_workers(&cfg, n_workers, ports, pool, cache);
	if (!workers) {
		log_msg(CFG_LOG_ERROR, "cannot allocate worker state (tftp.max_sessions too high?)");
		return 1;
	}
	telemetry_init(workers, n_workers, cache);
	if (hostdb_open(cfg.state_db, &db) != HOSTDB_OK) {
		log_msg(CFG_LOG_ERROR, "state database %s: %s", cfg.state_db,
			db ? hostdb_sqlite_msg(db) : "cannot open");
		return 1;
	}
	if (cfg.dhcp.enabled) {
		if (create_dhcp_rings(workers, n_workers, &dhcp_req, dhcp_reply) != 0 ||
		    dhcp_control_init(&cfg, db, dhcp_req, dhcp_reply, n_workers, ports,
				      cfg.n_interfaces) != 0) {
			log_msg(CFG_LOG_ERROR, "proxyDHCP: cannot set up");
			return 1;
		}
	}
	ctl_cb.arg = workers;
	if (ctl_init(&cfg, db, &ctl_cb) != 0) {
		log_msg(CFG_LOG_ERROR, "control socket %s: cannot listen", cfg.control_socket);
		return 1;
	}
	for (unsigned i = 0; i < n_workers; i++)
		rte_eal_remote_launch(worker_main, &workers[i], workers[i].lcore);
	log_msg(CFG_LOG_INFO, "pxeline serving %s on %d interface(s) with %u worker(s)",
		cfg.tftp.root, cfg.n_interfaces, n_workers);

	/* The control thread: DHCP decisions, the control socket, logs. It
	 * naps only when a pass found nothing to do. */
	while (!quit) {
		unsigned work = log_drain();

		if (cfg.dhcp.enabled)
			work += dhcp_control_poll();
		work += ctl_poll();
		if (!work)
			usleep(CONTROL_POLL_US);
	}
	log_msg(CFG_LOG_INFO, "stopping");
	rte_eal_mp_wait_lcore();
	log_drain();
	print_summary();
	ctl_fini();
	if (cfg.dhcp.enabled)
		dhcp_control_fini();
	hostdb_close(db);
	feeder_stop(cache);
	port_stop_all(ports, cfg.n_interfaces);
	for (unsigned i = 0; i < n_workers; i++) {
		tftp_table_destroy(&workers[i]);
		rte_free(workers[i].wheel);
	}
	cache_destroy(cache);
	log_fini();
	rte_free(workers);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	cfg_free(&cfg);
	return 0;
}
