/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /metrics: the Prometheus text exposition format (version 0.0.4) of
 * the data plane's counters (summed over workers), the chunk cache, the
 * proxyDHCP control counters, two histograms and the boot outcomes. The
 * histograms and outcomes are kept here, fed by the control thread only
 * (log.c's drain, dhcp_control.c): no locks.
 *
 * Names: every STATS_COUNTERS counter NAME is pxeline_NAME_total (a NAME
 * already ending in _total, tftp_sessions_total, is not doubled);
 * tftp_sessions_active is a gauge; DHCP_CONTROL_STATS are
 * pxeline_dhcp_control_NAME_total.
 *
 * Label sets are bounded: profile by the configuration (at most
 * CFG_MAX_PROFILES names kept, then "other"; "none" when no profile
 * applied), arch by enum dhcp_arch ("none" when the transfer's MAC had no
 * decision here), reason by enum tftp_end_reason, answer by the four
 * answers, drop reasons by the codecs' error enums.
 */
#ifndef PXELINE_CONTROL_METRICS_H
#define PXELINE_CONTROL_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "control/dhcp_stats.h"
#include "dataplane/base/events.h"
#include "dataplane/base/stats.h"
#include "dataplane/cache/cache.h"
#include "dataplane/proto/dhcp.h"

/* What the exposition reads besides its own state; NULL members are left out. */
struct metrics_snapshot {
	const struct worker_stats *dp;		/* summed over workers (telemetry_sum) */
	const struct cache_stats *cache;
	const struct dhcp_control_stats *dhcp;
	unsigned n_workers;
};

/*
 * A drained event (log.c): LOG_TFTP_END feeds the transfer-time histogram
 * (completed transfers only: a probe or a failure says nothing of the
 * speed) and the transfers by profile, arch and end reason.
 */
void metrics_on_event(const struct log_event *ev);

/*
 * A boot decision (dhcp_control.c): counted by profile (NULL = none), arch
 * and answer ("boot", "once", "abort", "silent") per family (v6: the
 * DHCPv6 proxy's, pxeline_dhcp6_decisions_total), and remembered for the
 * MAC so its TFTP transfers get the same labels. The table is bounded
 * (METRICS_MAC_SLOTS, one slot per MAC hash): a collision forgets the older
 * client, whose transfers then count as profile "none".
 */
void metrics_on_decision(const uint8_t mac[6], const char *profile, enum dhcp_arch arch,
			 const char *answer, bool v6);

/* A proxy reply handed to its worker ns after the worker received the request. */
void metrics_on_dhcp_answer(uint64_t ns);

/* Writes the exposition; 0, or -1 when out failed. */
int metrics_write(FILE *out, const struct metrics_snapshot *s);

/* Forgets every observation (tests). */
void metrics_reset(void);

#define METRICS_MAC_SLOTS 1024
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif /* PXELINE_CONTROL_METRICS_H */
