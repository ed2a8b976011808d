/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bringing the data plane up and down, apart from the loop (DPDK's
 * examples/l3fwd): the mbuf pool, the ports, the chunk cache and its
 * feeder, one struct lcore per worker, and the rings between them and the
 * control thread. Called on the main lcore after rte_eal_init().
 */
#ifndef PXELINE_DATAPLANE_SETUP_H
#define PXELINE_DATAPLANE_SETUP_H

#include <stdbool.h>
#include <stdio.h>

#include <rte_lcore.h>

#include "config/config.h"
#include "dataplane/base/stats.h"
#include "dataplane/core/lcore.h"
#include "dataplane/core/port.h"
#include "dataplane/ipv6/nd.h"

struct cache;
struct dhcp_snap_rcu;
struct rte_mempool;
struct rte_rcu_qsbr;
struct rte_ring;

struct dataplane {
	const struct pxeline_config *cfg;	/* the workers' current one (live_cfg) */
	const struct pxeline_config *live_cfg;	/* published to the workers (atomic) */
	struct rte_rcu_qsbr *qsbr;		/* one reader per worker */
	unsigned n_workers;
	int n_ports;
	bool ports_started;			/* port_stop_all owed at teardown */
	struct port ports[CFG_MAX_INTERFACES];
	struct rte_mempool *pool;
	struct cache *cache;
	struct lcore *lcores;			/* n_workers of them */
	struct rte_ring **handoff;		/* each worker's inbox */
	struct rte_ring *log_rings[RTE_MAX_LCORE];	/* events, one per worker */
	struct rte_ring *dhcp_req;		/* PXE requests to control; NULL when off */
	struct rte_ring *dhcp_reply[RTE_MAX_LCORE];	/* replies, one per worker */
	struct dhcp_snap_rcu *dhcp_snap;	/* the published policy snapshot; NULL when off */
	const struct worker_stats *stats[RTE_MAX_LCORE];	/* for the readers */
	struct nd_table nd;			/* IPv6 addresses, all workers' */
	volatile bool quit;			/* the workers' loops end when set */
	char err[256];				/* why set-up failed */
};

/*
 * Brings everything up for cfg (which must outlive dp). Returns 0, or -1
 * with dp->err saying why; what was created is left for dataplane_teardown.
 */
int dataplane_setup(struct dataplane *dp, const struct pxeline_config *cfg);

/* Starts worker_main on every worker lcore. */
void dataplane_launch(struct dataplane *dp);

/* Tells the workers to stop and waits for them. */
void dataplane_stop(struct dataplane *dp);

/* Frees what dataplane_setup created (after dataplane_stop). */
void dataplane_teardown(struct dataplane *dp);

/*
 * Hands cfg to the workers (their next pass reads it) and returns once none
 * reads the one before: the caller may free that one then. Control thread
 * only; cfg must outlive dp or the next publish.
 */
void dataplane_publish_config(struct dataplane *dp, const struct pxeline_config *cfg);

/* Every worker's open sessions, one line each (`pxectl sessions`). */
void dataplane_sessions_dump(const struct dataplane *dp, FILE *out);

#endif /* PXELINE_DATAPLANE_SETUP_H */
