/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters of proxyDHCP's control half (dhcp_control.c), apart from it
 * so their readers (metrics.c, api.c) need not include the module that
 * feeds them.
 */
#ifndef PXELINE_CONTROL_DHCP_STATS_H
#define PXELINE_CONTROL_DHCP_STATS_H

#include <stdint.h>

/* Counters of the control half, by outcome, by name (metrics and status keys). */
#define DHCP_CONTROL_STATS(X)						\
	X(requests)		/* handled */				\
	X(bad)			/* did not parse (the worker checked: a bug if not 0) */ \
	X(not_pxe)		/* not a PXE request, or nothing owed (RELEASE ...) */ \
	X(ignored_mac)		/* on dhcp.ignore_macs */		\
	X(ignored_port67)	/* on 67 with dhcp.port67 = false */	\
	X(ignored_other_server)	/* REQUEST on 67 for another DHCP server */ \
	X(silent)		/* the decision was: no answer */	\
	X(replies)		/* built */				\
	X(once_consumed)	/* one-shots taken and committed */	\
	X(once_grace)		/* answered from a one-shot taken earlier in the same boot */ \
	X(db_errors)		/* lookup or commit failed: no answer */ \
	X(build_errors)		/* reply did not fit */			\
	X(ring_full)		/* reply dropped: the worker's ring was full */ \
	X(delay_full)		/* delay queue full: sent without the delay */ \
	X(snapshots)		/* policy snapshots built */		\
	X(snapshot_errors)	/* builds that failed (the old one stayed) */ \
	X(once_held)		/* one-shot answers held: the store was unreachable */ \
	X(no_snapshot)		/* unanswered: the store unreachable since start, no snapshot yet */ \
	X(store_errors)		/* inventory calls that failed (hostdb_stats.errors) */ \
	X(store_reconnects)	/* PostgreSQL connections made again after a loss */ \
	X(store_notifies)	/* inventory changes by others heard (LISTEN/NOTIFY) */ \
	X(store_history_dropped) /* boot history rows lost: the outage's backlog was full */

struct dhcp_control_stats {
#define DHCP_CONTROL_FIELD(name) uint64_t name;
	DHCP_CONTROL_STATS(DHCP_CONTROL_FIELD)
#undef DHCP_CONTROL_FIELD
};

#endif /* PXELINE_CONTROL_DHCP_STATS_H */
