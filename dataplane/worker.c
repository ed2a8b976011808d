/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/tx.h"
#include "dataplane/dhcp/dhcp6_rx.h"
#include "dataplane/dhcp/dhcp_rx.h"
#include "dataplane/ipv6/nd.h"
#include "dataplane/proto/frame6.h"
#include "dataplane/tftp/rx.h"
#include "dataplane/worker.h"

#define WORKER_TIMER_BUDGET 256
#define WORKER_DONE_BURST 32

static unsigned
worker_csum_flags(const struct port *p, const struct rte_mbuf *m)
{
	unsigned f = p->kernel_shared ? FRAME_L4_CSUM_PARTIAL_OK : 0;

	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		f |= FRAME_IP_CSUM_GOOD;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		f |= FRAME_L4_CSUM_GOOD;
	return f;
}

/*
 * A transfer's packets must reach the lcore that owns it. Where the port
 * spreads frames by its own hash (af_packet's fanout, PMDs without RSS
 * steering) the receiver passes the frame to the owner's inbox. Returns
 * true when the mbuf was handed on.
 */
static bool
worker_handoff_to(struct lcore *lc, int owner, struct rte_mbuf *m, int port_idx)
{
	if (lc->n_workers < 2 || owner < 0 || owner == (int)lc->id)
		return false;
	m->port = port_idx;	/* the owner needs to know the interface */
	if (rte_ring_mp_enqueue(lc->handoff[owner], m) != 0) {
		lc->stats.handoff_full++;
		return false;	/* dropped by the caller: the client retries */
	}
	lc->stats.handoff_out++;
	return true;
}

/* A UDP datagram for us; true when the mbuf was handed on. */
static bool
worker_handle_udp(struct lcore *lc, int port_idx, struct rte_mbuf *m, const struct frame_info *fi,
		  bool from_handoff)
{
	/* Over IPv6: the DHCPv6 proxy (547, and 4011 where UEFI asks the boot
	 * file's server), TFTP's unicast (no proxyDHCPv4, no multicast TFTP). */
	if (fi->ipv6 && (fi->dst_port == DHCP6_PORT_SERVER || fi->dst_port == DHCP_PORT_PXE)) {
		dhcp6_rx_request(lc, port_idx, fi);
		return false;
	}
	if (fi->ipv6 && (fi->dst_port == DHCP_PORT_SERVER ||
			 tftp_rx_is_mtftp_port(lc, fi->dst_port))) {
		lc->stats.udp_no_service++;
		return false;
	}
	if (fi->dst_port == TFTP_PORT) {
		/* Multicast requests meet in worker 0's groups: one
		 * stream per file however the port spread them. */
		if (lc->id != 0 && tftp_rx_wants_multicast(lc, fi))
			return !from_handoff && worker_handoff_to(lc, 0, m, port_idx);
		tftp_rx_request(lc, port_idx, fi);
	} else if (fi->dst_port == DHCP_PORT_SERVER || fi->dst_port == DHCP_PORT_PXE) {
		dhcp_rx_request(lc, port_idx, fi);
	} else if (tftp_rx_is_mtftp_port(lc, fi->dst_port)) {
		/* Worker 0 decides which file streams where; an RRQ
		 * lost to a full inbox is asked again by its client. */
		if (lc->id != 0)
			return !from_handoff && worker_handoff_to(lc, 0, m, port_idx);
		tftp_rx_mtftp(lc, port_idx, fi);
	} else if (!from_handoff &&
		   worker_handoff_to(lc, tftp_rx_owner(lc, fi->dst_port), m, port_idx)) {
		return true;
	} else {
		tftp_rx_packet(lc, port_idx, fi);
	}
	return false;
}

/*
 * HTTP Boot's TCP is the kernel's: hands the frame to the port's TAP. True
 * when the mbuf was taken; false (the caller frees it) when the port has
 * no tap or the frame came through a handoff ring (the ring's owner frees
 * those).
 */
static bool
worker_to_kernel(struct lcore *lc, int port_idx, struct rte_mbuf *m, bool from_handoff)
{
	const struct port *p = &lc->ports[port_idx];

	if (!p->has_tap || from_handoff)
		return false;
	if (rte_eth_tx_burst(p->tap_port_id, lc->queue, &m, 1) != 1) {
		lc->stats.tap_dropped++;
		rte_pktmbuf_free(m);
		return true;
	}
	lc->stats.tap_to_kernel++;
	return true;
}

/* What the kernel sends on the taps goes out on their wire ports. */
static void
worker_poll_taps(struct lcore *lc)
{
	struct rte_mbuf *pkts[LCORE_BURST];
	uint16_t n, i;
	int p;

	for (p = 0; p < lc->n_ports; p++) {
		if (!lc->ports[p].has_tap)
			continue;
		n = rte_eth_rx_burst(lc->ports[p].tap_port_id, lc->queue, pkts, LCORE_BURST);
		for (i = 0; i < n; i++)
			lcore_tx(lc, p, pkts[i]);
		lc->stats.tap_from_kernel += n;
	}
}

/* An ICMP unreachable goes to the owner of the server port it quotes. */
static bool
worker_handle_unreach(struct lcore *lc, int port_idx, struct rte_mbuf *m,
		      const struct frame_info *fi, bool from_handoff)
{
	if (!from_handoff &&
	    worker_handoff_to(lc, tftp_rx_owner(lc, fi->quoted.src_port), m, port_idx))
		return true;
	tftp_rx_unreachable(lc, fi);
	return false;
}

/* Handles one frame; true when the mbuf was kept (handed to its owner). */
static bool
worker_handle_frame(struct lcore *lc, int port_idx, struct rte_mbuf *m, bool from_handoff)
{
	const struct frame_local *local = &lc->ports[port_idx].local;
	struct frame_info fi;
	uint8_t reply[1600];
	enum frame_err e;
	size_t len;

	if (!from_handoff) {
		lc->stats.rx_packets++;
		lc->stats.rx_bytes += m->pkt_len;
	}
	if (m->nb_segs > 1) {
		/* Nothing we serve arrives in a jumbo chain. */
		memset(&fi, 0, sizeof(fi));
		lcore_drop(lc, &fi, FRAME_ERR_SHORT);
		return false;
	}
	if (frame6_is_ipv6(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len)) {
		/* UDP and unreachables over IPv6 join IPv4's dispatch below. */
		if (!nd_rx(lc, port_idx, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
			   worker_csum_flags(&lc->ports[port_idx], m), from_handoff, &fi))
			return false;
	} else {
		e = frame_classify(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, local,
				   worker_csum_flags(&lc->ports[port_idx], m), &fi);
		if (e != FRAME_OK) {
			lcore_drop(lc, &fi, e);
			return false;
		}
		if (fi.l4_csum_partial && !from_handoff)
			lc->stats.rx_csum_partial++;
	}
	switch (fi.kind) {
	case FRAME_ARP_REQUEST:
		len = frame_build_arp_reply(reply, sizeof(reply), local, &fi);
		if (len && tx_frame(lc, port_idx, reply, len) > 0)
			lc->stats.arp_replies++;
		break;
	case FRAME_ICMP_ECHO:
		len = frame_build_icmp_echo_reply(reply, sizeof(reply), local, &fi);
		if (len && tx_frame(lc, port_idx, reply, len) > 0)
			lc->stats.icmp_echo_replies++;
		break;
	case FRAME_UDP:
		return worker_handle_udp(lc, port_idx, m, &fi, from_handoff);
	case FRAME_ARP_REPLY:
		/* The kernel asked (its TCP needs the client's MAC). */
		return worker_to_kernel(lc, port_idx, m, from_handoff);
	case FRAME_TCP:
	case FRAME_ICMP_ERROR:
		/* A kernel sender's segment left its checksum to offload: the
		 * tap's kernel would drop it unfinished. */
		if (fi.kind == FRAME_TCP && lc->ports[port_idx].kernel_shared) {
			uint8_t *l4 = rte_pktmbuf_mtod_offset(m, uint8_t *, fi.l4_off);

			if (frame_tcp_complete_partial(l4, (size_t)(fi.payload + fi.payload_len - l4),
						       fi.src_ip, fi.dst_ip))
				lc->stats.rx_csum_partial++;
		}
		if (worker_to_kernel(lc, port_idx, m, from_handoff))
			return true;
		lcore_drop(lc, &fi, fi.kind == FRAME_TCP ? FRAME_ERR_PROTO : FRAME_ERR_ICMP);
		break;
	case FRAME_ICMP_UNREACH:
		return worker_handle_unreach(lc, port_idx, m, &fi, from_handoff);
	default:
		break;
	}
	return false;
}

/* Frames other workers received for our transfers. */
static void
worker_poll_handoff(struct lcore *lc)
{
	struct rte_mbuf *pkts[LCORE_BURST];
	unsigned i, n;

	if (!lc->handoff)
		return;
	n = rte_ring_sc_dequeue_burst(lc->handoff[lc->id], (void **)pkts, LCORE_BURST, NULL);
	for (i = 0; i < n; i++) {
		lc->stats.handoff_in++;
		worker_handle_frame(lc, pkts[i]->port, pkts[i], true);
		rte_pktmbuf_free(pkts[i]);
	}
}

static void
worker_poll_cache(struct lcore *lc)
{
	struct cache_done d[WORKER_DONE_BURST];
	unsigned i, n;

	n = cache_poll(lc->cache, lc->id, d, RTE_DIM(d));
	for (i = 0; i < n; i++)
		tftp_rx_cache_done(lc, &d[i]);
}

/* The rest of a pass: handoff inbox, feeder answers, DHCP replies,
 * timers, then tx_burst. */
static void
worker_pass_tail(struct lcore *lc)
{
	worker_poll_taps(lc);
	worker_poll_handoff(lc);
	worker_poll_cache(lc);
	dhcp_rx_poll_replies(lc);
	nd_run(lc);
	tftp_rx_run_timers(lc, WORKER_TIMER_BUDGET);
	lcore_tx_flush(lc);
}

int
worker_main(void *arg)
{
	struct lcore *lc = arg;
	struct rte_mbuf *pkts[LCORE_BURST];
	uint16_t n, i;
	int p;

	lcore_clock_init(lc);
	tw_init(lc->wheel, lc->now_ms);
	rte_rcu_qsbr_thread_register(lc->qsbr, lc->id);
	rte_rcu_qsbr_thread_online(lc->qsbr, lc->id);
	while (!*lc->quit) {
		/* A reload's configuration takes effect here, between passes. */
		lc->cfg = __atomic_load_n(lc->live_cfg, __ATOMIC_ACQUIRE);
		lcore_clock_tick(lc);
		for (p = 0; p < lc->n_ports; p++) {
			n = rte_eth_rx_burst(lc->ports[p].port_id, lc->queue, pkts, LCORE_BURST);
			for (i = 0; i < n; i++)
				if (!worker_handle_frame(lc, p, pkts[i], false))
					rte_pktmbuf_free(pkts[i]);
		}
		worker_pass_tail(lc);
		/* Nothing of this pass's lc->cfg or DHCP snapshot is held past here. */
		rte_rcu_qsbr_quiescent(lc->qsbr, lc->id);
	}
	tftp_rx_shutdown(lc);
	lcore_tx_flush(lc);
	rte_rcu_qsbr_thread_offline(lc->qsbr, lc->id);
	rte_rcu_qsbr_thread_unregister(lc->qsbr, lc->id);
	return 0;
}
