/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One DHCPv6 proxy answer from the same policy snapshot as IPv4's: the
 * request's MAC (the frame's source when sent directly; option 79 or a
 * link-layer DUID when relayed), UUID (DUID-UUID) and architecture (option
 * 61) go through answer.c's decide step; a PXEv6 client gets its profile's
 * file as tftp://[ADDRESS6]/FILE (option 59) in an Advertise (Solicit) or
 * Reply (Request, Information-request), wrapped in Relay-Repl when
 * relayed. An armed one-shot is not taken here: only the control thread
 * may (DHCP_OUT_ONCE_TAKING: the caller asks it, this request stays
 * unanswered); the client's retransmission finds the host in its grace
 * (answer.c) and gets the one-shot's answer. Pure: no DPDK, no I/O, no clock.
 */
#ifndef PXELINE_DATAPLANE_DHCP_ANSWER6_H
#define PXELINE_DATAPLANE_DHCP_ANSWER6_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/dhcp/answer.h"
#include "dataplane/proto/dhcp6.h"

#define DHCP6_PORT_BOOT_SERVICE 4011	/* EDK2's Request to the URL's server */

/* The datagram a request came in, as the worker saw it. */
struct dhcp6_rx_ctx {
	uint8_t port_idx;
	uint8_t src_mac[6];
	uint8_t src[16], dst[16];
	uint16_t src_port, dst_port;	/* dst 547 or 4011 */
	uint8_t our_mac[6];		/* the port's: our DUID-LL */
	bool has_addr6;			/* interfaces[].address6, valid (DAD passed) */
	uint8_t addr6[16];
};

/* A reply for the worker to send (from the address tx_udp_addr picks for
 * dst: link-local to link-local, else address6, the URL's). */
struct dhcp6_tx {
	uint8_t port_idx;
	uint8_t dst_mac[6];
	uint8_t dst[16];
	uint16_t src_port, dst_port;
	uint16_t len;
	uint8_t payload[DHCP_RING_MSG_MAX];
};

/* One answer in the making (large: the worker keeps one). */
struct dhcp6_answer {
	struct dhcp_answer a;	/* the shared decide step's state */
	struct dhcp6_tx tx;	/* valid after DHCP_OUT_REPLY */
};

/* A worker's DHCPv6 space, off the stack (in dhcp_rx.c's per-worker state). */
struct dhcp6_scratch {
	struct dhcp6_msg msg;		/* the request, parsed */
	struct dhcp6_answer ans;	/* the answer being made */
	struct log_event ev;		/* its trace event */
};

/*
 * Answers m (parsed from ctx's datagram) from snapshot s at monotonic
 * now_ns, filling the trace record t (v6 = 1). DHCP_OUT_REPLY: ans->tx is
 * the reply to send. In a fleet, sb is the worker's standby table (as for
 * IPv4, dhcp/standby.h): another engine's client is DHCP_OUT_HELD until
 * its owner has been silent long enough; a Request to our address on 4011
 * (the client chose us) is answered at once. NULL: no fleet rule.
 */
enum dhcp_outcome dhcp6_answer(const struct dhcp_snapshot *s, const struct dhcp6_msg *m,
	const struct dhcp6_rx_ctx *ctx, uint64_t now_ns, struct dhcp_standby *sb,
	struct dhcp6_answer *ans, struct log_dhcp *t);

/* tftp://[ADDR]/FILE into buf; false when it does not fit or FILE is empty. */
bool dhcp6_boot_url(char *buf, size_t cap, const uint8_t addr[16], const char *file);

#endif /* PXELINE_DATAPLANE_DHCP_ANSWER6_H */
