/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The engine's IPv6 addresses on each interface: duplicate address
 * detection at start (RFC 4862 5.4), neighbour advertisements for them
 * (RFC 4861 7.2), echo replies, and, where dhcp.quench_ra allows it, the
 * router advertisement that tells a host no router is coming. Per interface
 * a link-local address (EUI-64 of the MAC) and interfaces[].address6.
 *
 * The table is shared by the workers: worker 0 runs DAD and moves an
 * address from tentative to valid; any worker that hears another host
 * claim a tentative address marks it duplicate (compare-and-swap, so the
 * first verdict stands). Only the state word changes once an address is
 * in use.
 */
#ifndef PXELINE_DATAPLANE_IPV6_ND_H
#define PXELINE_DATAPLANE_IPV6_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct frame_info;
struct lcore;

enum nd_state {
	ND_NONE,	/* not configured (yet) */
	ND_TENTATIVE,	/* DAD probe sent, waiting ND_DAD_MS */
	ND_VALID,	/* ours: answered for */
	ND_DUPLICATE,	/* another host holds it: never used */
};

#define ND_ADDR_LINK_LOCAL 0
#define ND_ADDR_CONFIGURED 1	/* interfaces[].address6 */
#define ND_ADDRS 2
#define ND_DAD_MS 1000		/* RFC 4861 RetransTimer, one probe (DupAddrDetectTransmits 1) */

struct nd_addr {
	uint8_t ip[16];
	uint8_t state;		/* enum nd_state, atomic */
};

struct nd_port {
	struct nd_addr addr[ND_ADDRS];
	uint64_t dad_end_ms[ND_ADDRS];	/* worker 0's */
};

struct nd_table {
	struct nd_port port[CFG_MAX_INTERFACES];
};

/*
 * Handles one IPv6 frame received on port_idx (frame6_is_ipv6 said so):
 * neighbour discovery and echo are answered here. A UDP datagram to a
 * valid address of ours (or to a group: the service decides) and an
 * ICMPv6 unreachable quoting one of ours return true with *ret filled
 * (frame6_to_frame_info) for the worker's UDP dispatch, as IPv4's are.
 * csum_flags as frame_classify's; from_handoff: another worker received
 * (and counted) it.
 */
bool nd_rx(struct lcore *lc, int port_idx, const uint8_t *frame, size_t len,
	   unsigned csum_flags, bool from_handoff, struct frame_info *ret);

/*
 * Worker 0, once a pass: starts DAD for addresses the configuration wants
 * and ends it when the wait is over. Other workers return at once.
 */
void nd_run(struct lcore *lc);

#endif /* PXELINE_DATAPLANE_IPV6_ND_H */
