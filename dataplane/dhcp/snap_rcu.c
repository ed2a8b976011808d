/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Snapshot publication over rte_rcu_qsbr. See snap_rcu.h.
 */
#include <string.h>

#include <rte_malloc.h>

#include "dataplane/dhcp/snap_rcu.h"

struct dhcp_snap_rcu *
dhcp_snap_rcu_create(struct rte_rcu_qsbr *qs)
{
	struct dhcp_snap_rcu *r;

	if (!qs)
		return NULL;
	r = rte_zmalloc("dhcp_snap_rcu", sizeof(*r), RTE_CACHE_LINE_SIZE);
	if (r)
		r->qs = qs;
	return r;
}

void
dhcp_snap_rcu_free(struct dhcp_snap_rcu *r)
{
	unsigned i;

	if (!r)
		return;
	for (i = 0; i < r->n_retired; i++)
		dhcp_snap_free(r->retired[i].snap);
	dhcp_snap_free(r->cur);
	rte_free(r);
}

/* Frees the first n retired snapshots and closes the gap. */
static void
drop_retired(struct dhcp_snap_rcu *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		dhcp_snap_free(r->retired[i].snap);
	memmove(r->retired, r->retired + n, sizeof(r->retired[0]) * (r->n_retired - n));
	r->n_retired -= n;
	r->freed += n;
}

void
dhcp_snap_rcu_publish(struct dhcp_snap_rcu *r, struct dhcp_snapshot *s)
{
	struct dhcp_snapshot *old = __atomic_exchange_n(&r->cur, s, __ATOMIC_ACQ_REL);

	r->published++;
	if (!old)
		return;
	if (r->n_retired == DHCP_SNAP_RETIRED_MAX) {
		/* Rare (64 changes inside one worker pass): wait for the oldest. */
		rte_rcu_qsbr_check(r->qs, r->retired[0].token, true);
		drop_retired(r, 1);
	}
	r->retired[r->n_retired].snap = old;
	r->retired[r->n_retired].token = rte_rcu_qsbr_start(r->qs);
	r->n_retired++;
}

unsigned
dhcp_snap_rcu_reclaim(struct dhcp_snap_rcu *r)
{
	unsigned n = 0;

	if (!r)
		return 0;
	/* Tokens grow with the list: the first one not passed ends the scan. */
	while (n < r->n_retired && rte_rcu_qsbr_check(r->qs, r->retired[n].token, false) == 1)
		n++;
	if (n)
		drop_retired(r, n);
	return n;
}
