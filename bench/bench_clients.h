/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated clients of the DPDK engine: one IPv4 address and one
 * locally administered MAC each, and what to do with a received frame
 * (answer ARP for a client, learn the server's MAC, hand a datagram to a
 * client, reassemble a fragment, or drop it and why).
 *
 * Pure: no DPDK, no I/O, so the unit tests run it without EAL. Frames are
 * classified by dataplane/proto/frame.h; addresses are host byte order.
 */
#ifndef PXELINE_BENCH_CLIENTS_H
#define PXELINE_BENCH_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/proto/frame.h"

/* Client MACs are 02:62:<IPv4 address>: locally administered, unicast,
 * and the address can be read off a capture. */
#define BENCH_CLIENTS_MAC0 0x02
#define BENCH_CLIENTS_MAC1 0x62
#define BENCH_CLIENTS_ARP_LEN 60	/* an ARP request padded to the minimum */

enum bench_clients_err {
	BENCH_CLIENTS_OK = 0,
	BENCH_CLIENTS_ERR_NET,		/* not a.b.c.d/len with len 1..30 */
	BENCH_CLIENTS_ERR_ADDR,		/* not a dotted IPv4 address */
	BENCH_CLIENTS_ERR_COUNT,	/* no clients */
	BENCH_CLIENTS_ERR_OUTSIDE,	/* first or last client outside the net */
	BENCH_CLIENTS_ERR_SPECIAL,	/* range covers the network or broadcast address */
	BENCH_CLIENTS_ERR_SERVER,	/* the server is not in the net, or is a client */
	BENCH_CLIENTS_ERR__MAX,
};

const char *bench_clients_strerror(enum bench_clients_err e);

struct bench_clients {
	uint32_t net;		/* network address (masked) */
	uint32_t netmask;
	uint32_t first;		/* address of client 0 */
	uint32_t count;		/* clients first .. first + count - 1 */
	uint32_t server;	/* the TFTP server, on the same link */
};

/* Parses "a.b.c.d/len"; the host bits need not be zero. */
enum bench_clients_err bench_clients_parse_net(const char *s, uint32_t *ret_net,
					       uint32_t *ret_netmask);
/* Parses "a.b.c.d" into host order. */
enum bench_clients_err bench_clients_parse_addr(const char *s, uint32_t *ret_addr);

/*
 * Checks that first .. first + count - 1 are usable host addresses of net
 * (no network or broadcast address, no wrap) and that the server is on
 * the link but not one of them.
 */
enum bench_clients_err bench_clients_init(struct bench_clients *c, uint32_t net,
					  uint32_t netmask, uint32_t first,
					  uint32_t count, uint32_t server);

static inline uint32_t
bench_clients_ip(const struct bench_clients *c, uint32_t idx)
{
	return c->first + idx;
}

void bench_clients_mac(const struct bench_clients *c, uint32_t idx, uint8_t ret_mac[6]);

/* Whether ip is a client; its index in ret_idx. */
bool bench_clients_index(const struct bench_clients *c, uint32_t ip, uint32_t *ret_idx);

/* The frame_local of one client, for the codec's builders. */
void bench_clients_local(const struct bench_clients *c, uint32_t idx,
			 struct frame_local *ret_local);

/* What the engine does with a received frame. */
enum bench_rx_action {
	BENCH_RX_DROP,		/* see bench_rx.drop */
	BENCH_RX_ARP_REPLY,	/* answer an ARP request for client rx.client */
	BENCH_RX_LEARN,		/* ARP from the server: its MAC is fi.src_mac */
	BENCH_RX_UDP,		/* a datagram from the server for client rx.client */
	BENCH_RX_FRAGMENT,	/* an IP fragment for client rx.client: reassemble */
};

enum bench_rx_drop {
	BENCH_DROP_NONE = 0,
	BENCH_DROP_MALFORMED,	/* the codec refused it; see bench_rx.err */
	BENCH_DROP_NOT_CLIENT,	/* IPv4 or ARP target is none of our clients */
	BENCH_DROP_WRONG_MAC,	/* unicast to a client address but not its MAC */
	BENCH_DROP_FOREIGN,	/* from an address other than the server */
	BENCH_DROP_ARP_OTHER,	/* an ARP reply not from the server */
	BENCH_DROP_OTHER,	/* ICMP, broadcast UDP and the rest */
	BENCH_DROP__MAX,
};

const char *bench_rx_drop_str(enum bench_rx_drop d);

struct bench_rx {
	enum bench_rx_action action;
	enum bench_rx_drop drop;
	enum frame_err err;	/* the codec's verdict, for DROP_MALFORMED */
	uint32_t client;	/* index, for ARP_REPLY, UDP and FRAGMENT */
	struct frame_info fi;	/* payload points into the frame */
};

/*
 * Decides what to do with one frame. csum_flags as for frame_classify; a
 * reassembled datagram passes FRAME_IP_CSUM_GOOD because the reassembler
 * rewrote the header (each fragment's header was checked on arrival).
 */
enum bench_rx_action bench_clients_rx(const struct bench_clients *c, const uint8_t *frame,
				      size_t len, unsigned csum_flags,
				      struct bench_rx *ret_rx);

/* The ARP request "who has the server, tell client idx"; returns the length or 0. */
size_t bench_clients_build_arp_request(const struct bench_clients *c, uint32_t idx,
				       uint8_t *out, size_t cap);

/* The reply to a BENCH_RX_ARP_REPLY; returns the length or 0. */
size_t bench_clients_build_arp_reply(const struct bench_clients *c, const struct bench_rx *rx,
				     uint8_t *out, size_t cap);

/*
 * The client's UDP port for the gen-th transfer of its slot: a new TID per
 * transfer (RFC 1350), so a late packet of the previous transfer cannot be
 * taken for the current one. Always in 1024..65535.
 */
uint16_t bench_clients_port(uint32_t gen);

#endif /* PXELINE_BENCH_CLIENTS_H */
