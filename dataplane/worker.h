/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: one per lcore, it polls its queue on every port,
 * answers ARP and ICMP, hands UDP to TFTP and DHCP, and does a bounded
 * amount of timer and cache-completion work per pass (DPDK's
 * examples/l3fwd: set-up apart from the loop, see setup.h).
 */
#ifndef PXELINE_DATAPLANE_WORKER_H
#define PXELINE_DATAPLANE_WORKER_H

#include "dataplane/core/lcore.h"

/* The lcore entry point (rte_eal_remote_launch); arg is a struct lcore. */
int worker_main(void *arg);

#endif /* PXELINE_DATAPLANE_WORKER_H */
