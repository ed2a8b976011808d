/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's half of proxyDHCP. Workers answer from the policy
 * snapshot (dataplane/dhcp/answer.h); this half builds that snapshot from
 * the configuration and the host inventory and publishes it (rte_rcu_qsbr,
 * dataplane/dhcp/snap_rcu.h) whenever something changes, and it does what
 * workers may not: take a one-shot. A request whose answer consumes one
 * comes here on the request ring; the compare-and-set is committed to
 * SQLite BEFORE the reply exists, then the reply goes back to the worker.
 * A once_until = "file:NAME" one-shot is taken when the log drain reports
 * NAME served completely to that MAC (dhcp_control_observe). In a fleet
 * the snapshot also carries the live engines (read after each heartbeat
 * of dhcp_control_poll): the workers answer only the MACs this engine
 * owns, and others' when their owner is silent (dataplane/dhcp/standby.h).
 *
 * dhcp_control_handle() is the testable core: request in, reply + trace
 * lines out, touching only the host database and the handler's snapshot.
 * The rings, the reply delay and publishing are a thin wrapper around it.
 */
#ifndef PXELINE_CONTROL_DHCP_CONTROL_H
#define PXELINE_CONTROL_DHCP_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "control/dhcp_stats.h"
#include "control/dhcp_trace.h"
#include "control/http_boot.h"
#include "dataplane/base/events.h"
#include "dataplane/core/port.h"
#include "dataplane/dhcp/snapshot.h"

struct rte_ring;
struct hostdb;
struct dhcp_snap_rcu;

#define DHCP_ONCE_GRACE_SLOTS 256
#define DHCP_UNTIL_FILE_SLOTS 64

/*
 * req_ring: MP/SC ring of struct dhcp_ring_req from all workers.
 * reply_rings[w]: SP/SC ring of struct dhcp_ring_reply to worker w.
 * ports: the engine's interfaces (our address per interface).
 * rcu: where workers read the snapshot (NULL: answers only here).
 * Builds and publishes the first snapshot. Returns 0 or -errno.
 */
int dhcp_control_init(const struct pxeline_config *cfg, struct hostdb *db,
		      struct rte_ring *req_ring, struct rte_ring **reply_rings,
		      unsigned n_workers, const struct port *ports, int n_ports,
		      struct dhcp_snap_rcu *rcu);

/*
 * Answers from now on by cfg (a reload): profiles, unknown policy, ignore
 * list, port67, delay. Replies already waiting for their delay keep theirs.
 * cfg must outlive the handler or the next call.
 */
void dhcp_control_set_config(const struct pxeline_config *cfg);

/* Handles pending requests and due (delayed) replies, frees retired
 * snapshots; returns work done. */
unsigned dhcp_control_poll(void);

/*
 * The one entry point for "the policy changed": rebuilds the snapshot from
 * cfg (NULL: the configuration already in use; a reload passes its new
 * one, which must then outlive the engine's use of it) and the inventory,
 * and publishes it. pxectl host add/set/del/arm/done and a consumed one-shot
 * call it. Returns 0, or -1 (logged) with the old snapshot still in use.
 */
int dhcp_snapshot_rebuild(const struct pxeline_config *cfg);

/*
 * Sees every event the log drain writes: notes the hosts' last answers
 * (batched into one commit per drain) and takes a once_until = "file:NAME"
 * one-shot when LOG_TFTP_END says NAME was served completely.
 */
void dhcp_control_observe(const struct log_event *ev);

/* The same for an HTTP Boot request's end (http_boot_drain's callback):
 * the host's history row, and a complete GET of NAME takes its
 * once_until = "file:NAME" one-shot. */
void dhcp_control_http_served(const struct http_boot_served *s, void *arg);

void dhcp_control_fini(void);

/* A snapshot of the counters (for `pxectl status`). */
void dhcp_control_get_stats(struct dhcp_control_stats *ret_stats);

/* The fleet as published, with the standby delay in use (`pxectl status`). */
void dhcp_control_get_fleet(struct dhcp_fleet *ret_fleet);

/* One taken one-shot still within its grace time. */
struct dhcp_once_grace {
	int64_t host_id;	/* 0 = free slot */
	uint64_t until_ns;	/* monotonic */
};

/* A once_until = "file:NAME" answer given: whose MAC fetches for which record. */
struct dhcp_until_file {
	int64_t host_id;	/* 0 = free slot */
	uint8_t mac[6];
};

/* Hands a new snapshot to its readers (it then owns it; the old one is
 * theirs to free). NULL in the handler: it frees the old one itself. */
typedef void (*dhcp_publish_fn)(void *arg, struct dhcp_snapshot *s);

/* State of the handler; set the first five members, zero the rest. */
struct dhcp_handler {
	const struct pxeline_config *cfg;
	struct hostdb *db;
	const uint32_t *server_ip;	/* our IPv4 per port_idx, host order */
	int n_ports;
	dhcp_trace_fn trace;		/* NULL = no trace */
	void *trace_arg;
	dhcp_publish_fn publish;
	void *publish_arg;
	struct dhcp_fleet fleet;	/* members and self; zero = no fleet */
	struct dhcp_snapshot *snap;	/* the policy as last built */
	uint64_t generation;
	struct dhcp_control_stats stats;
	struct dhcp_once_grace grace[DHCP_ONCE_GRACE_SLOTS];
	struct dhcp_until_file until_file[DHCP_UNTIL_FILE_SLOTS];
	unsigned until_file_next;
	uint64_t no_snapshot_logged_ns;	/* the last "no policy snapshot yet" line */
};

/*
 * Rebuilds hd's snapshot from hd->cfg and the inventory at monotonic time
 * now_ns (the grace table goes into it). 0, or -1 with the old one kept.
 */
int dhcp_handler_rebuild(struct dhcp_handler *hd, uint64_t now_ns);

/*
 * The live engines (names[0..n-1], hostdb_live_engines' answer) and this
 * engine's name, at monotonic time now_ns: republishes the snapshot only
 * when the membership changed. 1 changed, 0 unchanged, -1 refused (a bad
 * name, too many, or the rebuild failed; logged) with the old fleet kept.
 */
int dhcp_handler_set_fleet(struct dhcp_handler *hd, const char *const *names, unsigned n,
	const char *self, uint64_t now_ns);

/* Frees hd's snapshot when hd owns it (no publish function). */
void dhcp_handler_fini(struct dhcp_handler *hd);

/*
 * Handles one request at monotonic time now_ns from hd's snapshot (built
 * on first use): decides, commits a taken one-shot (then rebuilds), writes
 * the trace. Returns true when ret_reply holds a reply (with its
 * addressing) to hand to worker req->worker.
 */
bool dhcp_control_handle(struct dhcp_handler *hd, const struct dhcp_ring_req *req,
	uint64_t now_ns, struct dhcp_ring_reply *ret_reply);

/*
 * What the control thread does with a trace record of an answer made
 * elsewhere (a worker): notes the host's last answer, remembers a
 * once_until = "file:NAME" answer's MAC.
 */
void dhcp_handler_seen(struct dhcp_handler *hd, const struct log_dhcp *t);

/*
 * file was served completely to mac: takes the one-shot of the record
 * whose once_until = "file:NAME" names it. True when one was taken.
 */
bool dhcp_handler_file_done(struct dhcp_handler *hd, const uint8_t mac[6], const char *file,
	uint64_t now_ns);

#endif /* PXELINE_CONTROL_DHCP_CONTROL_H */
