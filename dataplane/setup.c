/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/base/events.h"
#include "dataplane/cache/cache.h"
#include "dataplane/proto/ratelimit.h"
#include "dataplane/dhcp/dhcp_rx.h"
#include "dataplane/dhcp/snap_rcu.h"
#include "dataplane/setup.h"
#include "dataplane/tftp/session.h"
#include "dataplane/worker.h"

#define MBUFS_PER_WORKER 16384
#define HANDOFF_RING_SIZE 4096

/* Room for the largest frame any interface's PMD may hand us. */
static struct rte_mempool *
setup_pool(const struct pxeline_config *cfg, unsigned n_workers)
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

static struct rte_ring *
setup_ring(const char *what, unsigned i, unsigned esize, unsigned count, unsigned flags)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "pxl_%s%u", what, i);
	return rte_ring_create_elem(name, esize, count, rte_socket_id(), flags);
}

/* The rings between workers and the control thread, and between workers. */
static int
setup_rings(struct dataplane *dp)
{
	unsigned i, n = dp->n_workers;

	dp->handoff = rte_zmalloc("handoff", sizeof(*dp->handoff) * n, 0);
	if (!dp->handoff)
		return -1;
	for (i = 0; i < n; i++) {
		/* Each worker's inbox for frames of its transfers that others received. */
		dp->handoff[i] = setup_ring("handoff", i, sizeof(void *), HANDOFF_RING_SIZE,
					    RING_F_SC_DEQ);
		dp->log_rings[i] = setup_ring("log", i, sizeof(struct log_event), LOG_RING_SIZE,
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!dp->handoff[i] || !dp->log_rings[i])
			return -1;
		if (!dp->cfg->dhcp.enabled)
			continue;
		dp->dhcp_reply[i] = setup_ring("dhcp_rep", i, sizeof(struct dhcp_ring_reply),
					       DHCP_RING_SIZE, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!dp->dhcp_reply[i])
			return -1;
	}
	if (dp->cfg->dhcp.enabled) {
		/* PXE requests from all workers to the control thread. */
		dp->dhcp_req = setup_ring("dhcp_req", 0, sizeof(struct dhcp_ring_req),
					  DHCP_RING_SIZE, RING_F_SC_DEQ);
		if (!dp->dhcp_req)
			return -1;
		/* The policy snapshot the workers answer from. */
		dp->dhcp_snap = dhcp_snap_rcu_create(dp->qsbr);
		if (!dp->dhcp_snap)
			return -1;
	}
	return 0;
}

/* The workers as RCU readers of the configuration and the DHCP policy
 * snapshot (DPDK's librte_rcu): one quiescent report per pass covers both. */
static int
setup_qsbr(struct dataplane *dp)
{
	size_t sz = rte_rcu_qsbr_get_memsize(dp->n_workers);

	dp->qsbr = rte_zmalloc("cfg_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (!dp->qsbr)
		return -1;
	return rte_rcu_qsbr_init(dp->qsbr, dp->n_workers);
}

static int
setup_lcores(struct dataplane *dp)
{
	unsigned lcore, i = 0;

	dp->lcores = rte_zmalloc("lcores", sizeof(*dp->lcores) * dp->n_workers,
				 RTE_CACHE_LINE_SIZE);
	if (!dp->lcores)
		return -1;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct lcore *lc = &dp->lcores[i];

		if (i == dp->n_workers)
			break;
		lc->id = i;
		lc->n_workers = dp->n_workers;
		lc->lcore = lcore;
		lc->queue = i;
		lc->cfg = dp->cfg;
		lc->live_cfg = &dp->live_cfg;
		lc->qsbr = dp->qsbr;
		lc->ports = dp->ports;
		lc->n_ports = dp->n_ports;
		lc->pool = dp->pool;
		lc->cache = dp->cache;
		lc->log_ring = dp->log_rings[i];
		lc->handoff = dp->handoff;
		lc->dhcp_req_ring = dp->dhcp_req;
		lc->dhcp_reply_ring = dp->dhcp_reply[i];
		lc->dhcp_snap = dp->dhcp_snap;
		if (dp->cfg->dhcp.enabled) {
			lc->dhcp = dhcp_rx_state_create(rte_socket_id());
			if (!lc->dhcp)
				return -1;
		}
		lc->nd = &dp->nd;
		lc->quit = &dp->quit;
		lc->wheel = rte_zmalloc("wheel", sizeof(*lc->wheel), RTE_CACHE_LINE_SIZE);
		lc->new_sessions = rte_zmalloc("ratelimit", sizeof(*lc->new_sessions),
					       RTE_CACHE_LINE_SIZE);
		if (!lc->wheel || !lc->new_sessions || tftp_table_create(lc) != 0)
			return -1;
		ratelimit_init(lc->new_sessions, dp->cfg->tftp.source_rate, dp->cfg->tftp.source_burst,
			       (uint32_t)rte_rand());
		dp->stats[i] = &lc->stats;
		i++;
	}
	return i == dp->n_workers ? 0 : -1;
}

#define SETUP_FAIL(...) (snprintf(dp->err, sizeof(dp->err), __VA_ARGS__), -1)

int
dataplane_setup(struct dataplane *dp, const struct pxeline_config *cfg)
{
	memset(dp, 0, sizeof(*dp));
	dp->cfg = cfg;
	dp->live_cfg = cfg;
	dp->n_workers = cfg->workers;
	dp->n_ports = cfg->n_interfaces;
	/* Ports have one queue per configured worker: every queue needs its
	 * lcore, or the frames hashed to it are lost. */
	if (rte_lcore_count() < dp->n_workers + 1)
		return SETUP_FAIL("workers = %u needs %u lcores (one more for the control "
				  "thread), EAL has %u: e.g. -l 0-%u", dp->n_workers,
				  dp->n_workers + 1, rte_lcore_count(), dp->n_workers);
	dp->pool = setup_pool(cfg, dp->n_workers);
	if (!dp->pool)
		return SETUP_FAIL("mbuf pool: %s", rte_strerror(rte_errno));
	if (port_init_all(cfg, dp->n_workers, dp->pool, dp->ports, dp->err, sizeof(dp->err)) != 0)
		return -1;
	dp->ports_started = true;
	dp->cache = cache_create(&cfg->cache, dp->n_workers);
	if (!dp->cache)
		return SETUP_FAIL("chunk cache: cannot allocate %lu MiB of hugepage memory",
				  (unsigned long)(cfg->cache.size >> 20));
	if (feeder_start(dp->cache, cfg->tftp.root, cfg->tftp.case_insensitive) != 0)
		return SETUP_FAIL("feeder: cannot start on %.200s", cfg->tftp.root);
	if (setup_qsbr(dp) != 0)
		return SETUP_FAIL("RCU state for %u workers: %s", dp->n_workers,
				  rte_strerror(rte_errno));
	if (setup_rings(dp) != 0)
		return SETUP_FAIL("rings: %s", rte_strerror(rte_errno));
	if (setup_lcores(dp) != 0)
		return SETUP_FAIL("cannot allocate worker state (tftp.max_sessions too high?)");
	return 0;
}

void
dataplane_launch(struct dataplane *dp)
{
	unsigned i;

	for (i = 0; i < dp->n_workers; i++)
		rte_eal_remote_launch(worker_main, &dp->lcores[i], dp->lcores[i].lcore);
}

void
dataplane_stop(struct dataplane *dp)
{
	dp->quit = true;
	rte_eal_mp_wait_lcore();
}

void
dataplane_teardown(struct dataplane *dp)
{
	unsigned i;

	if (dp->cache)
		feeder_stop(dp->cache);
	if (dp->ports_started)
		port_stop_all(dp->ports, dp->n_ports);
	for (i = 0; dp->lcores && i < dp->n_workers; i++) {
		tftp_table_destroy(&dp->lcores[i]);
		rte_free(dp->lcores[i].wheel);
		rte_free(dp->lcores[i].new_sessions);
		dhcp_rx_state_free(dp->lcores[i].dhcp);
	}
	dhcp_snap_rcu_free(dp->dhcp_snap);
	if (dp->cache)
		cache_destroy(dp->cache);
	for (i = 0; i < dp->n_workers; i++) {
		if (dp->handoff)
			rte_ring_free(dp->handoff[i]);
		rte_ring_free(dp->log_rings[i]);
		rte_ring_free(dp->dhcp_reply[i]);
	}
	rte_ring_free(dp->dhcp_req);
	rte_free(dp->handoff);
	rte_free(dp->lcores);
	rte_free(dp->qsbr);
	rte_mempool_free(dp->pool);
	memset(dp, 0, sizeof(*dp));
}

void
dataplane_publish_config(struct dataplane *dp, const struct pxeline_config *cfg)
{
	__atomic_store_n(&dp->live_cfg, cfg, __ATOMIC_RELEASE);
	/* Every online worker passes a quiescent point once per pass: this
	 * waits about one pass, and never for a worker that is offline. */
	rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
	dp->cfg = cfg;
}

void
dataplane_sessions_dump(const struct dataplane *dp, FILE *out)
{
	unsigned i;

	for (i = 0; i < dp->n_workers; i++)
		tftp_sessions_dump(&dp->lcores[i], out);
}
