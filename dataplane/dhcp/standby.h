/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The standby rule: an engine that does not own a client's MAC
 * (dhcp/owner.h) holds its request and answers only when the owner has
 * been silent to that client for dhcp.standby_delay_ms, so a dead engine
 * costs a boot a few seconds, never the boot. "Silent" is read from the
 * client: the same request still being asked. Two witnesses, either
 * enough: a DISCOVER's secs field heard again (seconds since the client began, as
 * WDS/ConfigMgr's response delay reads it), and a small per-worker table
 * of when we first heard each (MAC, xid) (PXE ROMs retransmit the same xid
 * at 4/8/16/32 s). A request sent to our own address (the client chose
 * us) is always answered; once we answered a client as standby, the rest
 * of that exchange (its REQUEST, same xid) is answered at once.
 * The table is fixed (set-associative, the oldest of a set overwritten):
 * no allocation on the packet path. Pure C: no DPDK, no clock.
 */
#ifndef PXELINE_DATAPLANE_DHCP_STANDBY_H
#define PXELINE_DATAPLANE_DHCP_STANDBY_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/dhcp/owner.h"

#define DHCP_STANDBY_SETS 256
#define DHCP_STANDBY_WAYS 4
/* A PXE ROM's retries span ~60 s (0/4/8/16/32): an entry older than this
 * is another boot that happens to reuse the xid. */
#define DHCP_STANDBY_FORGET_MS 64000u

struct dhcp_standby_slot {
	uint64_t first_ms;	/* when this request was first heard */
	uint32_t xid;
	uint8_t mac[6];
	uint8_t msg_type;	/* the request heard since first_ms */
	uint8_t flags;		/* DHCP_STANDBY_F_* */
};

#define DHCP_STANDBY_F_USED 0x01
#define DHCP_STANDBY_F_ANSWERING 0x02	/* answered as standby: the exchange is ours */

/* One worker's table (zeroed = empty). */
struct dhcp_standby {
	struct dhcp_standby_slot set[DHCP_STANDBY_SETS][DHCP_STANDBY_WAYS];
	uint64_t evicted;	/* live entries overwritten */
};

enum dhcp_fleet_role {
	DHCP_ROLE_ALONE,	/* no fleet known: answer (one engine) */
	DHCP_ROLE_OWNER,	/* we own the MAC: answer */
	DHCP_ROLE_CHOSEN,	/* not ours, but sent to our address: answer */
	DHCP_ROLE_STANDBY,	/* not ours, the owner silent long enough: answer */
	DHCP_ROLE_HELD,		/* not ours: leave it to the owner */
};

/* The request as the rule sees it. */
struct dhcp_standby_req {
	uint8_t mac[6];
	uint32_t xid;
	uint8_t msg_type;	/* option 53 */
	uint16_t secs;		/* the client's secs field */
	bool chosen;		/* unicast to our address, or a REQUEST naming us */
};

struct dhcp_standby_verdict {
	enum dhcp_fleet_role role;
	int owner;		/* index in the fleet, -1 = none */
	uint32_t silent_ms;	/* how long the owner has been silent (STANDBY/HELD) */
};

/* Decides for r at monotonic time now_ms; notes the request in sb. */
enum dhcp_fleet_role dhcp_standby_decide(struct dhcp_standby *sb, const struct dhcp_fleet *f,
	const struct dhcp_standby_req *r, uint64_t now_ms, struct dhcp_standby_verdict *ret_v);

/* Whether the role answers. */
static inline bool
dhcp_role_answers(enum dhcp_fleet_role r)
{
	return r != DHCP_ROLE_HELD;
}

#endif /* PXELINE_DATAPLANE_DHCP_STANDBY_H */
