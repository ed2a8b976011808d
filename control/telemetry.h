/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters over rte_telemetry, so DPDK's dpdk-telemetry.py reads them
 * unchanged: /pxeline/stats (sums over workers), /pxeline/drops (by
 * reason), /pxeline/cache.
 */
#ifndef PXELINE_CONTROL_TELEMETRY_H
#define PXELINE_CONTROL_TELEMETRY_H

#include "dataplane/cache/cache.h"
#include "dataplane/base/stats.h"

/* Registers the commands; reads each worker's counters through stats[i]. */
int telemetry_init(const struct worker_stats *const *stats, unsigned n_workers, struct cache *c);

/* Sums every worker's counters into ret. */
void telemetry_sum(struct worker_stats *ret);

#endif /* PXELINE_CONTROL_TELEMETRY_H */
