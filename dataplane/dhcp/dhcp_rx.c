/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/core/tx.h"
#include "dataplane/dhcp/dhcp_rx.h"
#include "dataplane/proto/dhcp.h"

#define DHCP_REPLY_BURST 16

void
dhcp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct dhcp_ring_req *r = &lc->dhcp_req_scratch;

	lc->stats.dhcp_rx++;
	if (!lc->dhcp_req_ring)
		return;		/* proxyDHCP switched off */
	if (dhcp_parse(fi->payload, fi->payload_len, &r->msg) != DHCP_OK) {
		lc->stats.dhcp_bad++;
		return;
	}
	/* Only PXE clients' requests; the site's DHCP server does the rest. */
	if (!dhcp_is_pxe_request(&r->msg) || dhcp_reply_type(&r->msg) == DHCP_NONE) {
		lc->stats.dhcp_not_pxe++;
		return;
	}
	r->worker = lc->id;
	r->port_idx = port_idx;
	r->broadcast = fi->ip_broadcast;
	r->src_ip = fi->src_ip;
	r->dst_ip = fi->dst_ip;
	r->src_port = fi->src_port;
	r->dst_port = fi->dst_port;
	memcpy(r->src_mac, fi->src_mac, 6);
	r->rx_ns = lcore_wall_ns(lc);
	if (rte_ring_mp_enqueue_elem(lc->dhcp_req_ring, r, sizeof(*r)) != 0) {
		lc->stats.dhcp_ring_full++;
		return;
	}
	lc->stats.dhcp_to_control++;
}

void
dhcp_rx_poll_replies(struct lcore *lc)
{
	struct dhcp_ring_reply rep[DHCP_REPLY_BURST];
	struct frame_udp_tx t;
	struct tx_piece pc = { 0 };
	unsigned i, n;

	if (!lc->dhcp_reply_ring)
		return;
	n = rte_ring_sc_dequeue_burst_elem(lc->dhcp_reply_ring, rep, sizeof(rep[0]),
					   RTE_DIM(rep), NULL);
	for (i = 0; i < n; i++) {
		if (rep[i].port_idx >= lc->n_ports || rep[i].len > sizeof(rep[i].payload))
			continue;
		tx_udp_addr(lc, rep[i].port_idx, rep[i].dst_mac, rep[i].dst_ip, rep[i].src_port,
			    rep[i].dst_port, &t);
		pc.p = rep[i].payload;
		pc.len = rep[i].len;
		if (tx_udp(lc, rep[i].port_idx, &t, &pc, 1) > 0)
			lc->stats.dhcp_replies_sent++;
	}
}
