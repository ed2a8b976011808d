/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "control/dhcp_ring.h"
#include "dataplane/dhcp_worker.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"

#define DHCP_REPLY_BURST 16

void
dhcp_worker_on_request(struct worker *w, int port_idx, const struct frame_info *fi)
{
	struct dhcp_ring_req *r = &w->dhcp_req_scratch;
	enum dhcp_err e;

	w->stats.dhcp_rx++;
	if (!w->dhcp_req_ring)
		return;		/* proxyDHCP switched off */
	e = dhcp_parse(fi->payload, fi->payload_len, &w->dhcp_msg_scratch);
	if (e != DHCP_OK) {
		w->stats.dhcp_bad++;
		return;
	}
	/* Only PXE clients' requests; the site's DHCP server does the rest. */
	if (!dhcp_is_pxe_request(&w->dhcp_msg_scratch) ||
	    dhcp_reply_type(&w->dhcp_msg_scratch) == DHCP_NONE) {
		w->stats.dhcp_not_pxe++;
		return;
	}
	if (fi->payload_len > sizeof(r->msg)) {
		w->stats.dhcp_bad++;
		return;
	}
	r->worker = w->id;
	r->port_idx = port_idx;
	r->broadcast = fi->ip_broadcast;
	r->src_ip = fi->src_ip;
	r->dst_ip = fi->dst_ip;
	r->src_port = fi->src_port;
	r->dst_port = fi->dst_port;
	memcpy(r->src_mac, fi->src_mac, 6);
	r->msg_len = fi->payload_len;
	r->rx_ns = worker_wall_ns(w);
	memcpy(r->msg, fi->payload, fi->payload_len);
	if (rte_ring_mp_enqueue_elem(w->dhcp_req_ring, r, sizeof(*r)) != 0) {
		w->stats.dhcp_ring_full++;
		return;
	}
	w->stats.dhcp_to_control++;
}

void
dhcp_worker_poll_replies(struct worker *w)
{
	struct dhcp_ring_reply rep[DHCP_REPLY_BURST];
	struct frame_udp_tx t;
	struct tx_piece pc = { 0 };
	unsigned i, n;

	if (!w->dhcp_reply_ring)
		return;
	n = rte_ring_sc_dequeue_burst_elem(w->dhcp_reply_ring, rep, sizeof(rep[0]),
					   RTE_DIM(rep), NULL);
	for (i = 0; i < n; i++) {
		const struct frame_local *l;

		if (rep[i].port_idx >= w->n_ports || rep[i].len > sizeof(rep[i].payload))
			continue;
		l = &w->ports[rep[i].port_idx].local;
		memset(&t, 0, sizeof(t));
		memcpy(t.src_mac, l->mac, 6);
		memcpy(t.dst_mac, rep[i].dst_mac, 6);
		t.vlan = l->vlan;
		t.src_ip = l->ip;
		t.dst_ip = rep[i].dst_ip;
		t.src_port = rep[i].src_port;
		t.dst_port = rep[i].dst_port;
		t.ttl = 64;
		t.ip_id = w->ip_id++;
		pc.p = rep[i].payload;
		pc.len = rep[i].len;
		if (tx_udp(w, rep[i].port_idx, &t, &pc, 1) > 0)
			w->stats.dhcp_replies_sent++;
	}
}
