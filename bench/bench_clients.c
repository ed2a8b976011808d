/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client addresses and the receive decision of the DPDK engine.
 *
 * A frame is classified twice by frame_classify: first as nobody (local
 * address 0), which parses and checks the headers and yields the
 * destination address without reading the UDP payload; then, when that
 * address is a client, as that client, which verifies the UDP checksum.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_clients.h"
#include "dataplane/proto/wire.h"

#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define CLIENT_PORT_BASE 1024u

static const char *const bench_clients_errstr[] = {
	[BENCH_CLIENTS_OK] = "ok",
	[BENCH_CLIENTS_ERR_NET] = "client net is not a.b.c.d/len with len 1..30",
	[BENCH_CLIENTS_ERR_ADDR] = "not an IPv4 address",
	[BENCH_CLIENTS_ERR_COUNT] = "no clients",
	[BENCH_CLIENTS_ERR_OUTSIDE] = "client range leaves the client net",
	[BENCH_CLIENTS_ERR_SPECIAL] = "client range covers the network or broadcast address",
	[BENCH_CLIENTS_ERR_SERVER] = "server is outside the client net or among the clients",
};
_Static_assert(sizeof(bench_clients_errstr) / sizeof(bench_clients_errstr[0]) == BENCH_CLIENTS_ERR__MAX, "bench_clients_errstr out of step with its enum");

const char *
bench_clients_strerror(enum bench_clients_err e)
{
	if ((unsigned int)e >= BENCH_CLIENTS_ERR__MAX)
		return "unknown";
	return bench_clients_errstr[e];
}

static const char *const bench_rx_dropstr[] = {
	[BENCH_DROP_NONE] = "none",
	[BENCH_DROP_MALFORMED] = "malformed",
	[BENCH_DROP_NOT_CLIENT] = "not for a client",
	[BENCH_DROP_WRONG_MAC] = "wrong destination MAC",
	[BENCH_DROP_FOREIGN] = "not from the server",
	[BENCH_DROP_ARP_OTHER] = "ARP reply not from the server",
	[BENCH_DROP_OTHER] = "not TFTP",
};
_Static_assert(sizeof(bench_rx_dropstr) / sizeof(bench_rx_dropstr[0]) == BENCH_DROP__MAX, "bench_rx_dropstr out of step with its enum");

const char *
bench_rx_drop_str(enum bench_rx_drop d)
{
	if ((unsigned int)d >= BENCH_DROP__MAX)
		return "unknown";
	return bench_rx_dropstr[d];
}

enum bench_clients_err
bench_clients_parse_addr(const char *s, uint32_t *ret_addr)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return BENCH_CLIENTS_ERR_ADDR;
	*ret_addr = ntohl(a.s_addr);
	return BENCH_CLIENTS_OK;
}

enum bench_clients_err
bench_clients_parse_net(const char *s, uint32_t *ret_net, uint32_t *ret_netmask)
{
	char buf[32], *slash, *end;
	unsigned long len;
	uint32_t addr, mask;

	if (!s || strlen(s) >= sizeof(buf))
		return BENCH_CLIENTS_ERR_NET;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || !slash[1] || slash[1] == '-' || slash[1] == '+')
		return BENCH_CLIENTS_ERR_NET;
	*slash = '\0';
	len = strtoul(slash + 1, &end, 10);
	/* /31 and /32 leave no room for clients beside the server. */
	if (*end || len < 1 || len > 30)
		return BENCH_CLIENTS_ERR_NET;
	if (bench_clients_parse_addr(buf, &addr) != BENCH_CLIENTS_OK)
		return BENCH_CLIENTS_ERR_NET;
	mask = ~0u << (32 - len);
	*ret_net = addr & mask;
	*ret_netmask = mask;
	return BENCH_CLIENTS_OK;
}

enum bench_clients_err
bench_clients_init(struct bench_clients *c, uint32_t net, uint32_t netmask,
		   uint32_t first, uint32_t count, uint32_t server)
{
	uint32_t bcast = (net & netmask) | ~netmask;
	uint64_t last;

	memset(c, 0, sizeof(*c));
	if (count == 0)
		return BENCH_CLIENTS_ERR_COUNT;
	last = (uint64_t)first + count - 1;
	if ((first & netmask) != (net & netmask) || last > UINT32_MAX ||
	    ((uint32_t)last & netmask) != (net & netmask))
		return BENCH_CLIENTS_ERR_OUTSIDE;
	if (first == (net & netmask) || last >= bcast)
		return BENCH_CLIENTS_ERR_SPECIAL;
	if ((server & netmask) != (net & netmask) || server == (net & netmask) ||
	    server == bcast || (server >= first && server <= last))
		return BENCH_CLIENTS_ERR_SERVER;
	c->net = net & netmask;
	c->netmask = netmask;
	c->first = first;
	c->count = count;
	c->server = server;
	return BENCH_CLIENTS_OK;
}

void
bench_clients_mac(const struct bench_clients *c, uint32_t idx, uint8_t ret_mac[6])
{
	uint32_t ip = bench_clients_ip(c, idx);

	ret_mac[0] = BENCH_CLIENTS_MAC0;
	ret_mac[1] = BENCH_CLIENTS_MAC1;
	ret_mac[2] = ip >> 24;
	ret_mac[3] = (ip >> 16) & 0xff;
	ret_mac[4] = (ip >> 8) & 0xff;
	ret_mac[5] = ip & 0xff;
}

bool
bench_clients_index(const struct bench_clients *c, uint32_t ip, uint32_t *ret_idx)
{
	uint32_t d = ip - c->first;	/* below first wraps to a huge value */

	if (d >= c->count)
		return false;
	*ret_idx = d;
	return true;
}

void
bench_clients_local(const struct bench_clients *c, uint32_t idx,
		    struct frame_local *ret_local)
{
	memset(ret_local, 0, sizeof(*ret_local));
	bench_clients_mac(c, idx, ret_local->mac);
	ret_local->ip = bench_clients_ip(c, idx);
	ret_local->netmask = c->netmask;
}

static enum bench_rx_action
rx_drop(struct bench_rx *rx, enum bench_rx_drop why)
{
	rx->action = BENCH_RX_DROP;
	rx->drop = why;
	return BENCH_RX_DROP;
}

enum bench_rx_action
bench_clients_rx(const struct bench_clients *c, const uint8_t *frame, size_t len,
		 unsigned csum_flags, struct bench_rx *ret_rx)
{
	struct frame_local nobody, local;
	struct frame_info *fi = &ret_rx->fi;
	enum frame_err e;

	memset(ret_rx, 0, sizeof(*ret_rx));
	memset(&nobody, 0, sizeof(nobody));
	nobody.netmask = c->netmask;
	e = frame_classify(frame, len, &nobody, csum_flags, fi);
	ret_rx->err = e;

	/* ARP replies need no local address: learn the server, drop the rest. */
	if (e == FRAME_OK && fi->kind == FRAME_ARP_REPLY)
		return fi->src_ip == c->server ? (ret_rx->action = BENCH_RX_LEARN) :
		       rx_drop(ret_rx, BENCH_DROP_ARP_OTHER);
	/* With no local address, a request or datagram for a client stops
	 * here with its addresses parsed; anything else is malformed. */
	if (e != FRAME_ERR_ARP && e != FRAME_ERR_NOT_FOR_US &&
	    e != FRAME_ERR_IP_FRAGMENT)
		return e == FRAME_OK ? rx_drop(ret_rx, BENCH_DROP_OTHER) :
		       rx_drop(ret_rx, BENCH_DROP_MALFORMED);
	if (!bench_clients_index(c, fi->dst_ip, &ret_rx->client))
		return rx_drop(ret_rx, BENCH_DROP_NOT_CLIENT);
	bench_clients_local(c, ret_rx->client, &local);
	if (e != FRAME_ERR_ARP && memcmp(fi->dst_mac, local.mac, 6) != 0)
		return rx_drop(ret_rx, BENCH_DROP_WRONG_MAC);
	if (e != FRAME_ERR_ARP && fi->src_ip != c->server)
		return rx_drop(ret_rx, BENCH_DROP_FOREIGN);
	if (e == FRAME_ERR_IP_FRAGMENT)
		return ret_rx->action = BENCH_RX_FRAGMENT;

	e = frame_classify(frame, len, &local, csum_flags, fi);
	ret_rx->err = e;
	if (e != FRAME_OK)
		return rx_drop(ret_rx, BENCH_DROP_MALFORMED);
	if (fi->kind == FRAME_ARP_REQUEST)
		return ret_rx->action = BENCH_RX_ARP_REPLY;
	if (fi->kind != FRAME_UDP || fi->ip_broadcast || fi->ip_multicast)
		return rx_drop(ret_rx, BENCH_DROP_OTHER);
	return ret_rx->action = BENCH_RX_UDP;
}

size_t
bench_clients_build_arp_request(const struct bench_clients *c, uint32_t idx,
				uint8_t *out, size_t cap)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	struct wire w = wire_writer(out, cap);
	uint8_t mac[6], *pad;
	size_t n;

	if (idx >= c->count)
		return 0;
	bench_clients_mac(c, idx, mac);
	wire_put_bytes(&w, bcast, 6);
	wire_put_bytes(&w, mac, 6);
	wire_put_be16(&w, ETHERTYPE_ARP);
	wire_put_be16(&w, 1);		/* Ethernet */
	wire_put_be16(&w, ETHERTYPE_IPV4);
	wire_put_u8(&w, 6);
	wire_put_u8(&w, 4);
	wire_put_be16(&w, ARP_OP_REQUEST);
	wire_put_bytes(&w, mac, 6);
	wire_put_be32(&w, bench_clients_ip(c, idx));
	wire_put_bytes(&w, zero, 6);
	wire_put_be32(&w, c->server);
	/* Not every PMD pads a short frame to the Ethernet minimum. */
	n = BENCH_CLIENTS_ARP_LEN - w.pos;
	pad = wire_take(&w, n);
	if (pad)
		memset(pad, 0, n);
	return wire_ok(&w) ? w.pos : 0;
}

size_t
bench_clients_build_arp_reply(const struct bench_clients *c, const struct bench_rx *rx,
			      uint8_t *out, size_t cap)
{
	struct frame_local local;

	if (rx->action != BENCH_RX_ARP_REPLY || rx->client >= c->count)
		return 0;
	bench_clients_local(c, rx->client, &local);
	return frame_build_arp_reply(out, cap, &local, &rx->fi);
}

uint16_t
bench_clients_port(uint32_t gen)
{
	return (uint16_t)(CLIENT_PORT_BASE + gen % (65536u - CLIENT_PORT_BASE));
}
