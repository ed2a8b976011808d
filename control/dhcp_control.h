/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's half of proxyDHCP: takes PXE requests from the
 * workers' ring, resolves the boot action (inventory by MAC/UUID, profile,
 * arch, one-shot state, unknown-computer policy), commits durable state
 * BEFORE the reply leaves, and queues the reply for the worker. Writes the
 * per-client trace (one line per step, SMSPXE.log style).
 */
#ifndef PXELINE_CONTROL_DHCP_CONTROL_H
#define PXELINE_CONTROL_DHCP_CONTROL_H

#include <stdint.h>

#include "config/config.h"
#include "dataplane/port.h"

struct rte_ring;
struct hostdb;

/*
 * req_ring: MP/SC ring of struct dhcp_ring_req from all workers.
 * reply_rings[w]: SP/SC ring of struct dhcp_ring_reply to worker w.
 * ports: the engine's interfaces (our address per interface).
 */
int dhcp_control_init(const struct pxeline_config *cfg, struct hostdb *db,
		      struct rte_ring *req_ring, struct rte_ring **reply_rings,
		      unsigned n_workers, const struct port *ports, int n_ports);

/* Handles pending requests and due (delayed) replies; returns work done. */
unsigned dhcp_control_poll(void);

void dhcp_control_fini(void);

#endif /* PXELINE_CONTROL_DHCP_CONTROL_H */
