/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One worker per lcore: polls its queue on every port, answers ARP and
 * ICMP, runs its own TFTP sessions, and does a bounded amount of timer and
 * cache-completion work per pass. It owns everything it touches; other
 * threads reach it only through rings.
 */
#ifndef PXELINE_DATAPLANE_WORKER_H
#define PXELINE_DATAPLANE_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "control/dhcp_ring.h"
#include "control/log.h"
#include "dataplane/cache.h"
#include "dataplane/port.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/stats.h"
#include "dataplane/proto/timer_wheel.h"

#define WORKER_BURST 32
#define WORKER_TX_BUF 256

struct tftp_table;
struct tftp_mcast_table;

/* Frames waiting for tx_burst, per port. */
struct worker_txq {
	uint16_t n;
	struct rte_mbuf *m[WORKER_TX_BUF];
};

struct worker {
	unsigned id;			/* 0 .. n_workers-1 */
	unsigned n_workers;
	unsigned lcore;
	uint16_t queue;			/* the queue it polls on every port */
	struct worker_stats stats;	/* its own counters (stats.h) */
	const struct pxeline_config *cfg;
	struct port *ports;
	int n_ports;
	struct rte_mempool *pool;
	struct cache *cache;
	struct rte_ring *log_ring;	/* events to the control thread */
	struct tftp_table *tftp;	/* its sessions */
	struct tftp_mcast_table *mcast;	/* its multicast groups, NULL until asked */
	struct timer_wheel *wheel;	/* its timers, in milliseconds */
	uint64_t tsc_hz;
	uint64_t now_ms;		/* refreshed once per pass */
	uint64_t wall_offset_ns;	/* CLOCK_REALTIME - monotonic, for logs */
	uint16_t ip_id;			/* next IPv4 id */
	uint64_t drop_log_ms[FRAME_ERR__MAX];	/* rate limit per reason */
	struct worker_txq txq[CFG_MAX_INTERFACES];
	struct rte_ring **handoff;		/* every worker's inbox, by id (MP/SC) */
	struct rte_ring *dhcp_req_ring;		/* PXE requests to control (MP), NULL = off */
	struct rte_ring *dhcp_reply_ring;	/* replies from control (SC) */
	struct dhcp_msg dhcp_msg_scratch;	/* parse space, off the stack */
	struct dhcp_ring_req dhcp_req_scratch;
	volatile bool *quit;
};

/* The lcore entry point (rte_eal_remote_launch); arg is a struct worker. */
int worker_main(void *arg);

/* Queues one frame on a port (sent at the end of the pass, or when full). */
void worker_tx(struct worker *w, int port_idx, struct rte_mbuf *m);
void worker_tx_flush(struct worker *w);

/* Fills and pushes a log event; counts it when the ring is full. */
void worker_log(struct worker *w, struct log_event *ev);

/* CLOCK_REALTIME in ns, derived from the TSC (no syscall on the fast path). */
uint64_t worker_wall_ns(const struct worker *w);

#endif /* PXELINE_DATAPLANE_WORKER_H */
