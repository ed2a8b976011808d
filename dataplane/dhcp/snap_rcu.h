/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Publishing a policy snapshot to every worker without a lock (DPDK's
 * rte_rcu_qsbr): the control thread swaps an atomic pointer and keeps the
 * old snapshot until every worker has reported a quiescent state; it checks
 * that without waiting, from its loop, and frees what is safe. Workers
 * read the pointer with one acquire load per request. The QSBR variable is
 * the data plane's one (setup.c): the workers register and report on it
 * once per loop pass for everything they read (config and snapshot alike).
 */
#ifndef PXELINE_DATAPLANE_DHCP_SNAP_RCU_H
#define PXELINE_DATAPLANE_DHCP_SNAP_RCU_H

#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "dataplane/dhcp/snapshot.h"

#define DHCP_SNAP_RETIRED_MAX 64	/* retired, not yet freed */

struct dhcp_snap_rcu {
	struct dhcp_snapshot *cur;	/* atomic: what workers read */
	struct rte_rcu_qsbr *qs;	/* the readers' (not owned) */
	unsigned n_retired;
	struct {
		struct dhcp_snapshot *snap;
		uint64_t token;		/* rte_rcu_qsbr_start at the swap */
	} retired[DHCP_SNAP_RETIRED_MAX];
	uint64_t published, freed;	/* counters, for the status */
};

/* Over qs, whose readers report on it themselves. NULL on failure. */
struct dhcp_snap_rcu *dhcp_snap_rcu_create(struct rte_rcu_qsbr *qs);

/* Frees it with every snapshot it holds; the workers must have stopped. */
void dhcp_snap_rcu_free(struct dhcp_snap_rcu *r);

/* Worker side ---------------------------------------------------------- */

/* The current snapshot; valid until this worker's next quiescent report. */
static inline const struct dhcp_snapshot *
dhcp_snap_rcu_get(const struct dhcp_snap_rcu *r)
{
	return __atomic_load_n(&r->cur, __ATOMIC_ACQUIRE);
}

/* Control side --------------------------------------------------------- */

/*
 * Makes s the current snapshot (r takes it over); the one it replaces is
 * freed once no worker can hold it. With the retired list full it waits
 * for the oldest (one loop pass of every worker).
 */
void dhcp_snap_rcu_publish(struct dhcp_snap_rcu *r, struct dhcp_snapshot *s);

/* Frees the retired snapshots no worker can hold; never waits. Returns how many. */
unsigned dhcp_snap_rcu_reclaim(struct dhcp_snap_rcu *r);

#endif /* PXELINE_DATAPLANE_DHCP_SNAP_RCU_H */
