/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One proxyDHCP answer from a snapshot of the boot policy, in steps:
 * wanted (ignore list, port 67, another server's REQUEST), decide (the
 * inventory by MAC and UUID, the same-boot grace, bootaction.c's table),
 * a fleet's owner rule for an answer (dhcp/standby.h: another engine's
 * client is held, before any one-shot is taken), then either a one-shot
 * to take (DHCP_OUT_CONSUME: only the control
 * thread may, it commits before the reply exists) or finish (addressing and
 * dhcp_build_proxy_reply). Every step fills the trace record (struct
 * log_dhcp) the caller's lines are written from. Workers call dhcp_answer()
 * on their packet path; the control thread calls the steps around its
 * compare-and-set. Pure: no DPDK, no I/O, no clock (now_ns is given).
 */
#ifndef PXELINE_DATAPLANE_DHCP_ANSWER_H
#define PXELINE_DATAPLANE_DHCP_ANSWER_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/base/events.h"
#include "dataplane/dhcp/bootaction.h"
#include "dataplane/dhcp/snapshot.h"
#include "dataplane/dhcp/standby.h"

/* What a host record remembers as its last answer. */
enum dhcp_seen {
	DHCP_SEEN_SILENT,
	DHCP_SEEN_ABORT,
	DHCP_SEEN_ONCE,
	DHCP_SEEN_BOOT,
	DHCP_SEEN__MAX,
};

const char *dhcp_seen_name(enum dhcp_seen s);

/* One answer in the making. Not to be copied: d points into it. */
struct dhcp_answer {
	struct boot_request br;
	struct boot_host mac_h, uuid_h;	/* copies: a grace re-arms them */
	bool mac_graced, uuid_graced;
	struct boot_lookup found;
	struct boot_decision d;
	struct dhcp_standby_verdict fleet;	/* after dhcp_answer_fleet */
	uint32_t our_ip;
	struct dhcp_ring_reply reply;	/* valid after DHCP_OUT_REPLY */
	struct log_dhcp *t;		/* the trace record being filled */
};

/* Starts an answer to req: fills the trace's request fields. */
void dhcp_answer_begin(struct dhcp_answer *a, const struct dhcp_ring_req *req,
	struct log_dhcp *t);

/* Step 1: DHCP_OUT_REPLY when req goes on, else why not. */
enum dhcp_outcome dhcp_answer_wanted(struct dhcp_answer *a, const struct dhcp_snapshot *s,
	const struct dhcp_ring_req *req);

/* Step 2: the decision at monotonic time now_ns. */
void dhcp_answer_decide(struct dhcp_answer *a, const struct dhcp_snapshot *s, uint64_t now_ns);

/*
 * Step 2b, for an answer decided: the fleet's rule for the request r (of
 * either family) at monotonic time now_ns with the worker's table sb.
 * DHCP_OUT_HELD when another engine owns the client and has not been
 * silent long enough, else DHCP_OUT_REPLY (notes and owner filled for a
 * standby answer).
 */
enum dhcp_outcome dhcp_answer_fleet(struct dhcp_answer *a, const struct dhcp_snapshot *s,
	const struct dhcp_standby_req *r, struct dhcp_standby *sb, uint64_t now_ns);

/* The one-shot turned out to be taken already (and not by this boot):
 * decides again as consumed. */
void dhcp_answer_redecide_taken(struct dhcp_answer *a, const struct dhcp_snapshot *s);

/* The one-shot is in its grace (taken by this boot): same answer, no commit. */
void dhcp_answer_grace(struct dhcp_answer *a);

/* Step 3: silence, or the reply with its addressing. */
enum dhcp_outcome dhcp_answer_finish(struct dhcp_answer *a, const struct dhcp_snapshot *s,
	const struct dhcp_ring_req *req);

/*
 * All steps; DHCP_OUT_CONSUME stops before finishing (the caller commits).
 * sb: the worker's standby table; NULL skips the fleet's rule (the control
 * thread: the worker that passed the request on has applied it).
 */
enum dhcp_outcome dhcp_answer(const struct dhcp_snapshot *s, const struct dhcp_ring_req *req,
	uint64_t now_ns, struct dhcp_standby *sb, struct dhcp_answer *a, struct log_dhcp *t);

/* QEMU and some boards send an all-zero (or all-FF) UUID: it names no machine. */
bool dhcp_uuid_is_real(const uint8_t uuid[16]);

#endif /* PXELINE_DATAPLANE_DHCP_ANSWER_H */
