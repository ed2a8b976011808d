/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Snapshot publication over rte_rcu_qsbr. See snap_rcu.h.
 */
#include <string.h>

#include <rte_malloc.h>

#include "dataplane/dhcp/snap_rcu.h"

struct dhcp_snap_rcu *
dhcp_snap_rcu_create(unsigned n_workers)
{
	struct dhcp_snap_rcu *r;
	size_t sz;

	if (!n_workers)
		n_workers = 1;
	r = rte_zmalloc("dhcp_snap_rcu", sizeof(*r), RTE_CACHE_LINE_SIZE);
	if (!r)
		return NULL;
	sz = rte_rcu_qsbr_get_memsize(n_workers);
	r->qs = rte_zmalloc("dhcp_snap_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (!r->qs || rte_rcu_qsbr_init(r->qs, n_workers) != 0) {
		rte_free(r->qs);
		rte_free(r);
		return NULL;
	}
	r->n_workers = n_workers;
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
	rte_free(r->qs);
	rte_free(r);
}

void
dhcp_snap_rcu_online(struct dhcp_snap_rcu *r, unsigned worker)
{
	if (!r || worker >= r->n_workers)
		return;
	rte_rcu_qsbr_thread_register(r->qs, worker);
	rte_rcu_qsbr_thread_online(r->qs, worker);
}

void
dhcp_snap_rcu_offline(struct dhcp_snap_rcu *r, unsigned worker)
{
	if (!r || worker >= r->n_workers)
		return;
	rte_rcu_qsbr_thread_offline(r->qs, worker);
	rte_rcu_qsbr_thread_unregister(r->qs, worker);
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
