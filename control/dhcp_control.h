/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's half of proxyDHCP: takes PXE requests from the
 * workers' ring, resolves the boot action (inventory by MAC/UUID, profile,
 * arch, one-shot state, unknown-computer policy), commits durable state
 * BEFORE the reply leaves, and queues the reply for the worker. Writes the
 * per-client trace (one line per step, SMSPXE.log style).
 *
 * The decision and the reply are one pure-ish function,
 * dhcp_control_handle(): request in, reply + trace lines out, touching only
 * the host database. The ring draining and the reply delay are a thin
 * wrapper around it.
 */
#ifndef PXELINE_CONTROL_DHCP_CONTROL_H
#define PXELINE_CONTROL_DHCP_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "control/dhcp_stats.h"
#include "dataplane/base/events.h"
#include "dataplane/core/port.h"

struct rte_ring;
struct hostdb;

/*
 * A taken one-shot keeps its answer for this long, for the rest of the same
 * boot: the firmware's DISCOVER and its REQUEST to 4011, then the DHCP of
 * the iPXE it chainloaded, must all get the profile, not just the first.
 * Not durable: after a restart the next request gets the consumed answer.
 */
#define DHCP_ONCE_GRACE_NS (120ull * 1000000000ull)
#define DHCP_ONCE_GRACE_SLOTS 256

/*
 * req_ring: MP/SC ring of struct dhcp_ring_req from all workers.
 * reply_rings[w]: SP/SC ring of struct dhcp_ring_reply to worker w.
 * ports: the engine's interfaces (our address per interface).
 * Returns 0 or -errno.
 */
int dhcp_control_init(const struct pxeline_config *cfg, struct hostdb *db,
		      struct rte_ring *req_ring, struct rte_ring **reply_rings,
		      unsigned n_workers, const struct port *ports, int n_ports);

/*
 * Answers from now on by cfg (a reload): profiles, unknown policy, ignore
 * list, port67, delay. Replies already waiting for their delay keep theirs.
 * cfg must outlive the handler or the next call.
 */
void dhcp_control_set_config(const struct pxeline_config *cfg);

/* Handles pending requests and due (delayed) replies; returns work done. */
unsigned dhcp_control_poll(void);

void dhcp_control_fini(void);

/* A snapshot of the counters (for `pxectl status`). */
void dhcp_control_get_stats(struct dhcp_control_stats *ret_stats);

/* Receives one trace line (no newline; starts "dhcp MAC "). */
typedef void (*dhcp_trace_fn)(void *arg, const char *line);

/* One taken one-shot still within its grace time. */
struct dhcp_once_grace {
	int64_t host_id;	/* 0 = free slot */
	uint64_t until_ns;	/* monotonic */
};

/* State of the handler; set the first five members, zero the rest. */
struct dhcp_handler {
	const struct pxeline_config *cfg;
	struct hostdb *db;
	const uint32_t *server_ip;	/* our IPv4 per port_idx, host order */
	int n_ports;
	dhcp_trace_fn trace;		/* NULL = no trace */
	void *trace_arg;
	struct dhcp_control_stats stats;
	struct dhcp_once_grace grace[DHCP_ONCE_GRACE_SLOTS];
};

/*
 * Handles one request at monotonic time now_ns: decides, commits a taken
 * one-shot, writes the trace. Returns true when ret_reply holds a reply (with
 * its addressing) to hand to worker req->worker.
 */
bool dhcp_control_handle(struct dhcp_handler *hd, const struct dhcp_ring_req *req,
	uint64_t now_ns, struct dhcp_ring_reply *ret_reply);

#endif /* PXELINE_CONTROL_DHCP_CONTROL_H */
