/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/core/lcore.h"
#include "dataplane/core/tx.h"
#include "dataplane/ipv6/nd.h"
#include "dataplane/proto/frame6.h"

#define ND_FRAME_MAX 1600	/* an echo reply is as large as its request */

static const uint8_t nd_all_routers[16] = { 0xff, 0x02, [15] = 0x02 };

static uint8_t
nd_state(const struct nd_addr *a)
{
	return __atomic_load_n(&a->state, __ATOMIC_ACQUIRE);
}

/* from -> to if the address is still in from; false when another won. */
static bool
nd_move(struct nd_addr *a, uint8_t from, uint8_t to)
{
	return __atomic_compare_exchange_n(&a->state, &from, to, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static void
nd_log(struct lcore *lc, int port_idx, const struct nd_addr *a, const char *what,
       const uint8_t *mac)
{
	struct log_event ev = { 0 };
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
	ev.kind = LOG_IPV6;
	if (mac) {
		memcpy(ev.mac, mac, 6);
		snprintf(ev.detail, sizeof(ev.detail),
			 "ipv6 %s port=%d %s by %02x:%02x:%02x:%02x:%02x:%02x", ip, port_idx,
			 what, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	} else {
		snprintf(ev.detail, sizeof(ev.detail), "ipv6 %s port=%d %s", ip, port_idx, what);
	}
	lcore_log(lc, &ev);
}

/* Our address ip on this port in any state but none, or NULL. */
static struct nd_addr *
nd_find(struct lcore *lc, int port_idx, const uint8_t ip[16])
{
	struct nd_port *np = &lc->nd->port[port_idx];
	int i;

	for (i = 0; i < ND_ADDRS; i++)
		if (nd_state(&np->addr[i]) != ND_NONE && memcmp(np->addr[i].ip, ip, 16) == 0)
			return &np->addr[i];
	return NULL;
}

/* From our MAC and address on port_idx to dst at dst_mac. */
static void
nd_tx_addr(const struct lcore *lc, int port_idx, const uint8_t src[16], const uint8_t dst[16],
	   const uint8_t dst_mac[6], struct frame6_tx *t)
{
	const struct frame_local *local = &lc->ports[port_idx].local;

	memcpy(t->src_mac, local->mac, 6);
	memcpy(t->dst_mac, dst_mac, 6);
	t->vlan = local->vlan;
	memcpy(t->src, src, 16);
	memcpy(t->dst, dst, 16);
}

/* A unicast reply goes to the link-layer option's MAC, else the frame's. */
static const uint8_t *
nd_peer_mac(const struct frame6_info *fi)
{
	return fi->has_lladdr ? fi->lladdr : fi->src_mac;
}

/* Someone else probes for or claims an address we hold or test. */
static void
nd_conflict(struct lcore *lc, int port_idx, struct nd_addr *a, const struct frame6_info *fi)
{
	if (nd_move(a, ND_TENTATIVE, ND_DUPLICATE)) {
		lc->stats.nd_dad_duplicates++;
		nd_log(lc, port_idx, a, "duplicate: claimed during DAD, not used", fi->src_mac);
	} else if (fi->kind == FRAME6_NA && nd_state(a) == ND_VALID) {
		/* RFC 4862 5.4.4: after DAD a clash is only logged. */
		lc->stats.nd_conflicts++;
		nd_log(lc, port_idx, a, "advertised by another host", fi->src_mac);
	}
}

static void
nd_on_ns(struct lcore *lc, int port_idx, const struct frame6_info *fi)
{
	const struct frame_local *local = &lc->ports[port_idx].local;
	bool dad = frame6_is_unspecified(fi->src);
	struct nd_addr *a = nd_find(lc, port_idx, fi->target);
	uint8_t frame[128], group[16], mac[6];
	struct frame6_tx t;
	size_t len;

	if (a == NULL)
		return;
	frame6_solicited_node(a->ip, group);
	if (memcmp(fi->dst, group, 16) != 0 && memcmp(fi->dst, a->ip, 16) != 0)
		return;
	lc->stats.nd_solicitations++;
	if (dad) {
		nd_conflict(lc, port_idx, a, fi);
		if (nd_state(a) != ND_VALID)
			return;
		/* RFC 4861 7.2.4: a DAD probe is answered to all-nodes, unsolicited. */
		frame6_multicast_mac(frame6_all_nodes, mac);
		nd_tx_addr(lc, port_idx, a->ip, frame6_all_nodes, mac, &t);
		len = frame6_build_na(frame, sizeof(frame), &t, a->ip, FRAME6_NA_OVERRIDE,
				      local->mac);
	} else {
		/* A tentative address answers nothing (RFC 4862 5.4.3). */
		if (nd_state(a) != ND_VALID)
			return;
		nd_tx_addr(lc, port_idx, a->ip, fi->src, nd_peer_mac(fi), &t);
		len = frame6_build_na(frame, sizeof(frame), &t, a->ip,
				      FRAME6_NA_SOLICITED | FRAME6_NA_OVERRIDE, local->mac);
	}
	if (len && tx_frame(lc, port_idx, frame, len) > 0)
		lc->stats.nd_na_sent++;
}

static void
nd_on_echo(struct lcore *lc, int port_idx, const struct frame6_info *fi)
{
	struct nd_addr *a = nd_find(lc, port_idx, fi->dst);
	uint8_t frame[ND_FRAME_MAX];
	struct frame6_tx t;
	size_t len;

	/* No echo to groups (RFC 4443 4.2 allows, we need not); none to ::. */
	if (a == NULL || nd_state(a) != ND_VALID || frame6_is_unspecified(fi->src))
		return;
	nd_tx_addr(lc, port_idx, a->ip, fi->src, fi->src_mac, &t);
	len = frame6_build_echo_reply(frame, sizeof(frame), &t, fi);
	if (len && tx_frame(lc, port_idx, frame, len) > 0)
		lc->stats.icmp6_echo_replies++;
}

/*
 * dhcp.quench_ra: the RA that ends a host's wait for a router. To the
 * solicitor when it has an address (RFC 4861 6.2.6), else to all-nodes.
 */
static void
nd_on_rs(struct lcore *lc, int port_idx, const struct frame6_info *fi)
{
	const struct frame_local *local = &lc->ports[port_idx].local;
	struct nd_addr *ll = &lc->nd->port[port_idx].addr[ND_ADDR_LINK_LOCAL];
	uint8_t frame[128], mac[6];
	struct frame6_tx t;
	size_t len;

	if (memcmp(fi->dst, nd_all_routers, 16) != 0 && nd_find(lc, port_idx, fi->dst) == NULL)
		return;
	lc->stats.nd_rs_received++;
	if (!lc->cfg->dhcp.quench_ra || nd_state(ll) != ND_VALID)
		return;
	if (frame6_is_unspecified(fi->src)) {
		frame6_multicast_mac(frame6_all_nodes, mac);
		nd_tx_addr(lc, port_idx, ll->ip, frame6_all_nodes, mac, &t);
	} else {
		nd_tx_addr(lc, port_idx, ll->ip, fi->src, nd_peer_mac(fi), &t);
	}
	len = frame6_build_ra_none(frame, sizeof(frame), &t, local->mac);
	if (len && tx_frame(lc, port_idx, frame, len) > 0)
		lc->stats.nd_ra_sent++;
}

/* Our valid address ip on this port. */
static bool
nd_is_ours(struct lcore *lc, int port_idx, const uint8_t ip[16])
{
	struct nd_addr *a = nd_find(lc, port_idx, ip);

	return a != NULL && nd_state(a) == ND_VALID;
}

/* A UDP datagram or an unreachable for the worker's dispatch; false to drop. */
static bool
nd_udp(struct lcore *lc, int port_idx, const struct frame6_info *fi, bool from_handoff,
       struct frame_info *ret)
{
	bool unreach = fi->kind == FRAME6_UNREACH;

	/* An unreachable must be about a datagram we sent, to us; a datagram
	 * to a valid address of ours or to a group (the service decides). */
	if (unreach ? !nd_is_ours(lc, port_idx, fi->dst) || !nd_is_ours(lc, port_idx, fi->quoted.src)
		    : !frame6_is_multicast(fi->dst) && !nd_is_ours(lc, port_idx, fi->dst)) {
		lc->stats.ipv6_dropped++;
		return false;
	}
	if (!from_handoff) {
		if (unreach)
			lc->stats.icmp6_unreachable++;
		else
			lc->stats.udp6_rx++;
		if (fi->l4_csum_partial)
			lc->stats.rx_csum_partial++;
	}
	return frame6_to_frame_info(fi, ret);
}

bool
nd_rx(struct lcore *lc, int port_idx, const uint8_t *frame, size_t len, unsigned csum_flags,
      bool from_handoff, struct frame_info *ret)
{
	const struct frame_local *local = &lc->ports[port_idx].local;
	struct frame6_info fi;
	struct nd_addr *a;
	enum frame6_err e;

	if (!from_handoff)
		lc->stats.ipv6_rx++;
	if (lc->nd == NULL) {	/* a harness without the shared table */
		lc->stats.ipv6_dropped++;
		return false;
	}
	e = frame6_classify(frame, len, local->vlan, csum_flags, &fi);
	if (e != FRAME6_OK) {
		lc->stats.ipv6_dropped++;
		if (e == FRAME6_ERR_ND_HOP_LIMIT || e == FRAME6_ERR_ND_TARGET ||
		    e == FRAME6_ERR_ND_OPTION || e == FRAME6_ERR_ND_SLLA || e == FRAME6_ERR_ND_DST ||
		    e == FRAME6_ERR_CSUM)
			lc->stats.nd_invalid++;
		else if (e == FRAME6_ERR_FRAGMENT)
			lc->stats.ipv6_rx_fragments++;
		else if (e == FRAME6_ERR_UDP_CSUM)
			lc->stats.udp6_csum_bad++;
		return false;
	}
	/* Our own probe, looped back by another queue's socket (af_packet). */
	if (memcmp(fi.src_mac, local->mac, 6) == 0)
		return false;
	switch (fi.kind) {
	case FRAME6_NS:
		nd_on_ns(lc, port_idx, &fi);
		break;
	case FRAME6_NA:
		a = nd_find(lc, port_idx, fi.target);
		if (a != NULL)
			nd_conflict(lc, port_idx, a, &fi);
		break;
	case FRAME6_ECHO_REQUEST:
		nd_on_echo(lc, port_idx, &fi);
		break;
	case FRAME6_RS:
		nd_on_rs(lc, port_idx, &fi);
		break;
	case FRAME6_UDP:
	case FRAME6_UNREACH:
		return nd_udp(lc, port_idx, &fi, from_handoff, ret);
	}
	return false;
}

/* The DAD probe (RFC 4862 5.4.2): from ::, to the solicited-node group. */
static void
nd_probe(struct lcore *lc, int port_idx, const struct nd_addr *a)
{
	static const uint8_t none[16];
	uint8_t frame[128], group[16], mac[6];
	struct frame6_tx t;
	size_t len;

	frame6_solicited_node(a->ip, group);
	frame6_multicast_mac(group, mac);
	nd_tx_addr(lc, port_idx, none, group, mac, &t);
	len = frame6_build_ns(frame, sizeof(frame), &t, a->ip, NULL);
	if (len && tx_frame(lc, port_idx, frame, len) > 0)
		lc->stats.nd_dad_probes++;
}

/* Which address of slot i the configuration wants on port p, or false. */
static bool
nd_wanted(const struct lcore *lc, int p, int i, uint8_t ret_ip[16])
{
	const struct cfg_interface *ifc = &lc->cfg->interfaces[p];

	if (i == ND_ADDR_CONFIGURED) {
		memcpy(ret_ip, ifc->address6, 16);
		return ifc->has_address6;
	}
	memcpy(ret_ip, lc->ports[p].local.ll6, 16);
	return ifc->has_address6 || lc->cfg->dhcp.quench_ra;
}

void
nd_run(struct lcore *lc)
{
	struct nd_port *np;
	struct nd_addr *a;
	int p, i;

	if (lc->id != 0 || lc->nd == NULL)
		return;
	for (p = 0; p < lc->n_ports; p++) {
		np = &lc->nd->port[p];
		for (i = 0; i < ND_ADDRS; i++) {
			a = &np->addr[i];
			switch (nd_state(a)) {
			case ND_NONE:
				if (!nd_wanted(lc, p, i, a->ip))
					break;
				np->dad_end_ms[i] = lc->now_ms + ND_DAD_MS;
				/* The address before the state: readers check state first. */
				__atomic_store_n(&a->state, ND_TENTATIVE, __ATOMIC_RELEASE);
				nd_probe(lc, p, a);
				break;
			case ND_TENTATIVE:
				if (lc->now_ms >= np->dad_end_ms[i] &&
				    nd_move(a, ND_TENTATIVE, ND_VALID))
					nd_log(lc, p, a, "ready (duplicate address detection passed)",
					       NULL);
				break;
			default:
				break;
			}
		}
	}
}
