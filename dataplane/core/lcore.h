/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore context every handler works in, and the few services it
 * offers them: queue a frame for tx_burst, push a log event, count a drop,
 * read the clock. One per worker lcore; it owns everything it points at
 * but the shared read-only parts (config, ports, pool, cache), and other
 * threads reach it only through rings. The loop that drives it is
 * dataplane/worker.c; set-up is dataplane/setup.c.
 */
#ifndef PXELINE_DATAPLANE_CORE_LCORE_H
#define PXELINE_DATAPLANE_CORE_LCORE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "dataplane/base/events.h"
#include "dataplane/base/stats.h"
#include "dataplane/core/port.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/timer_wheel.h"

#define LCORE_BURST 32
#define LCORE_TX_BUF 256

struct cache;
struct nd_table;
struct rte_rcu_qsbr;
struct ratelimit;
struct dhcp_rx_state;
struct dhcp_snap_rcu;
struct rte_ring;
struct tftp_table;
struct tftp_mcast_table;

/* Frames waiting for tx_burst, per port. */
struct lcore_txq {
	uint16_t n;
	struct rte_mbuf *m[LCORE_TX_BUF];
};

/*
 * tx.c's last UDP header, to send the next datagram with the same addresses
 * and length (the rest of a window of DATA to one client) without building
 * it again: only the IPv4 id (or IPv6 fragment header) differs.
 */
struct lcore_tx_hdr {
	struct frame_udp_tx key;	/* ip_id 0 */
	size_t payload;			/* UDP payload bytes */
	int port_idx;			/* -1: empty */
	size_t hlen;
	uint32_t udp_sum;		/* pseudo-header + UDP header, unfolded */
	uint32_t ip_sum;		/* IPv4 header less id, length, offset, checksum; 0 for IPv6 */
	uint8_t hdr[FRAME_ETH_LEN + FRAME_VLAN_LEN + FRAME_IPV6_LEN + FRAME_UDP_LEN];	/* the longest: tagged IPv6 */
};

struct lcore {
	unsigned id;			/* worker number, 0 .. n_workers-1 */
	unsigned n_workers;
	unsigned lcore;			/* EAL lcore id */
	uint16_t queue;			/* the queue it polls on every port */
	struct worker_stats stats;	/* its own counters (base/stats.h) */
	/* The configuration of this pass: loaded from *live_cfg at the top of
	 * each pass and held until the pass reports quiescence to qsbr, so a
	 * reload frees the old one only when no worker still reads it. What a
	 * transfer needs past one pass it copies at open. */
	const struct pxeline_config *cfg;
	const struct pxeline_config *const *live_cfg;
	struct rte_rcu_qsbr *qsbr;
	const struct port *ports;
	int n_ports;
	struct rte_mempool *pool;
	struct cache *cache;
	struct rte_ring *log_ring;	/* events to the control thread (SP/SC) */
	struct tftp_table *tftp;	/* its sessions */
	struct tftp_mcast_table *mcast;	/* its multicast groups, NULL until asked */
	struct timer_wheel *wheel;	/* its session timers, in milliseconds */
	uint64_t tsc_hz;
	uint64_t tsc_per_ms;
	uint64_t now_ms;		/* refreshed once per pass */
	uint64_t wall_offset_ns;	/* CLOCK_REALTIME - TSC time, for logs */
	uint64_t mono_offset_ns;	/* CLOCK_MONOTONIC - TSC time, for deadlines */
	uint16_t ip_id;			/* next IPv4 id (tx.c) */
	uint32_t ip6_frag_id;		/* IPv6 fragment ids sent (tx.c: strided by worker) */
	struct lcore_tx_hdr tx_hdr;	/* tx.c's header template */
	uint64_t drop_log_ms[FRAME_ERR__MAX];	/* rate limit per reason */
	struct ratelimit *new_sessions;	/* per source IPv4 (tftp.source_rate) */
	uint64_t rate_log_ms;		/* last "rate-limited" log line */
	uint64_t busy_log_ms;		/* last "server busy" log line */
	struct lcore_txq txq[CFG_MAX_INTERFACES];
	struct rte_ring **handoff;		/* every worker's inbox, by id (MP/SC) */
	struct rte_ring *dhcp_req_ring;		/* PXE requests to control (MP), NULL = off */
	struct rte_ring *dhcp_reply_ring;	/* replies from control (SC) */
	struct nd_table *nd;			/* IPv6 addresses, shared (ipv6/nd.h) */
	struct dhcp_ring_req dhcp_req_scratch;	/* parse space, off the stack */
	struct dhcp_snap_rcu *dhcp_snap;	/* the policy snapshot it answers from */
	struct dhcp_rx_state *dhcp;		/* answer scratch, delay queue (dhcp_rx.c) */
	volatile bool *quit;
};

/* Sets the clocks up; called once on the lcore before its loop. */
void lcore_clock_init(struct lcore *lc);

/* Refreshes now_ms from the TSC (once per pass). */
static inline void
lcore_clock_tick(struct lcore *lc)
{
	lc->now_ms = rte_rdtsc() / lc->tsc_per_ms;
}

/* CLOCK_REALTIME in ns, derived from the TSC (no syscall on the fast path). */
uint64_t lcore_wall_ns(const struct lcore *lc);

/* CLOCK_MONOTONIC in ns, derived from the TSC (no syscall on the fast path). */
uint64_t lcore_mono_ns(const struct lcore *lc);

/* Queues one frame on a port (sent at the end of the pass, or when full). */
void lcore_tx(struct lcore *lc, int port_idx, struct rte_mbuf *m);
void lcore_tx_flush(struct lcore *lc);

/* Stamps and pushes a log event; counts it when the ring is full. */
void lcore_log(struct lcore *lc, struct log_event *ev);

/* Counts a dropped frame; logs it at most once a second per reason. */
void lcore_drop(struct lcore *lc, const struct frame_info *fi, enum frame_err e);

/*
 * Logs a drop (LOG_DROP, `detail` as its reason) at most once a second per
 * *last_ms: a flood costs counters, not log lines. reason is the event's
 * code (a frame_err, or FRAME_ERR__MAX for a drop that is not one).
 */
void lcore_drop_note(struct lcore *lc, uint64_t *last_ms, uint16_t reason,
		     const struct frame_info *fi, const char *detail);

#endif /* PXELINE_DATAPLANE_CORE_LCORE_H */
