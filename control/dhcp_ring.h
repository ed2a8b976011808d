/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What crosses between workers and the control thread for proxyDHCP
 * (DESIGN.md, steps 1-2). A worker checks that a datagram to 67/4011 is a
 * PXE client's request and passes it on; it never waits. The control thread
 * decides, commits durable state, and hands back a reply with its
 * addressing; the worker that received the request sends it.
 */
#ifndef PXELINE_CONTROL_DHCP_RING_H
#define PXELINE_CONTROL_DHCP_RING_H

#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define PXE_BINL_PORT 4011
#define DHCP_RING_MSG_MAX 1236	/* keeps the element a multiple of 8 */

/* A PXE client's DHCP request, as received. */
struct dhcp_ring_req {
	uint16_t worker;	/* who received it: the reply goes back there */
	uint8_t port_idx;	/* interface index (config order) */
	uint8_t broadcast;	/* sent to 255.255.255.255 (or subnet broadcast) */
	uint32_t src_ip;	/* host order; 0 for a client without an address */
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;	/* 67 or 4011 */
	uint8_t src_mac[6];
	uint16_t msg_len;
	uint64_t rx_ns;		/* wall clock at reception, for the trace */
	uint8_t msg[DHCP_RING_MSG_MAX];	/* the UDP payload (DHCP message) */
};

/* A reply for a worker to send. */
struct dhcp_ring_reply {
	uint8_t port_idx;
	uint8_t pad;
	uint8_t dst_mac[6];	/* ff:ff:ff:ff:ff:ff for broadcast */
	uint32_t dst_ip;	/* host order */
	uint16_t src_port;	/* 67, or 4011 (iPXE takes a proxy ACK only from 4011) */
	uint16_t dst_port;	/* 68, 4011, or 67 for a relay */
	uint16_t len;
	uint16_t pad2;
	uint8_t payload[DHCP_RING_MSG_MAX];
};

#endif /* PXELINE_CONTROL_DHCP_RING_H */
