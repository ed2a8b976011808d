/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/dhcp_worker.h"
#include "dataplane/tftp_mcast_glue.h"
#include "dataplane/tftp_session.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"

#define WORKER_TIMER_BUDGET 256
#define WORKER_DONE_BURST 32
#define WORKER_DROP_LOG_MS 1000

void
worker_tx(struct worker *w, int port_idx, struct rte_mbuf *m)
{
	struct worker_txq *q = &w->txq[port_idx];

	if (q->n == WORKER_TX_BUF)
		worker_tx_flush(w);
	q->m[q->n++] = m;
}

void
worker_tx_flush(struct worker *w)
{
	int i;

	for (i = 0; i < w->n_ports; i++) {
		struct worker_txq *q = &w->txq[i];
		uint64_t bytes = 0;
		uint16_t sent = 0, k;

		for (k = 0; k < q->n; k++)
			bytes += q->m[k]->pkt_len;

		/* A few tries: af_packet's TX ring frees as the kernel sends. */
		for (k = 0; k < 4 && sent < q->n; k++)
			sent += rte_eth_tx_burst(w->ports[i].port_id, w->queue,
						 q->m + sent, q->n - sent);
		for (k = sent; k < q->n; k++) {
			w->stats.tx_dropped++;
			bytes -= q->m[k]->pkt_len;
			rte_pktmbuf_free(q->m[k]);
		}
		w->stats.tx_bytes += bytes;
		w->stats.tx_packets += sent;
		q->n = 0;
	}
}

uint64_t
worker_wall_ns(const struct worker *w)
{
	return w->wall_offset_ns + rte_rdtsc() / (double)w->tsc_hz * 1e9;
}

void
worker_log(struct worker *w, struct log_event *ev)
{
	ev->lcore = w->lcore;
	ev->wall_ns = worker_wall_ns(w);
	if (!w->log_ring ||
	    rte_ring_sp_enqueue_elem(w->log_ring, ev, sizeof(*ev)) != 0)
		w->stats.log_dropped++;
}

/* Drops are counted always and logged at most once a second per reason. */
static void
worker_drop(struct worker *w, const struct frame_info *fi, enum frame_err e)
{
	struct log_event ev = { 0 };

	w->stats.rx_dropped++;
	w->stats.frame_err[e]++;
	/* Other hosts' traffic and protocols we do not speak are not news. */
	if (e == FRAME_ERR_NOT_FOR_US || e == FRAME_ERR_ETHERTYPE || e == FRAME_ERR_PROTO ||
	    e == FRAME_ERR_VLAN || e == FRAME_ERR_ARP)
		return;
	if (w->now_ms - w->drop_log_ms[e] < WORKER_DROP_LOG_MS && w->drop_log_ms[e])
		return;
	w->drop_log_ms[e] = w->now_ms;
	ev.kind = LOG_DROP;
	ev.reason = e;
	ev.client_ip = fi->src_ip;
	ev.client_port = fi->src_port;
	snprintf(ev.detail, sizeof(ev.detail), "%s", frame_strerror(e));
	worker_log(w, &ev);
}

static unsigned
worker_csum_flags(const struct rte_mbuf *m)
{
	unsigned f = 0;

	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		f |= FRAME_IP_CSUM_GOOD;
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		f |= FRAME_L4_CSUM_GOOD;
	return f;
}

/*
 * A session's packets must reach the lcore that owns it. Where the port
 * spreads frames by its own hash (af_packet's fanout, PMDs without RSS
 * steering) the receiver passes the frame to the owner's inbox. Returns
 * true when the mbuf was handed on.
 */
static bool
worker_handoff_to(struct worker *w, int owner, struct rte_mbuf *m, int port_idx)
{
	if (w->n_workers < 2 || owner < 0 || owner == (int)w->id)
		return false;
	m->port = port_idx;	/* the owner needs to know the interface */
	if (rte_ring_mp_enqueue(w->handoff[owner], m) != 0) {
		w->stats.handoff_full++;
		return false;	/* dropped by the caller: the client retries */
	}
	w->stats.handoff_out++;
	return true;
}

static bool
worker_handoff(struct worker *w, const struct frame_info *fi, struct rte_mbuf *m,
	       int port_idx)
{
	return worker_handoff_to(w, tftp_tid_owner(w, fi->dst_port), m, port_idx);
}

/* The PXE MTFTP server port, when it is served. */
static bool
worker_is_mtftp(const struct worker *w, uint16_t port)
{
	const struct cfg_multicast *mc = &w->cfg->multicast;

	return mc->enabled && mc->mtftp && port == mc->mtftp_port;
}

/* Handles one frame; true when the mbuf was kept (handed to its owner). */
static bool
worker_handle_frame(struct worker *w, int port_idx, struct rte_mbuf *m, bool from_handoff)
{
	const struct frame_local *local = &w->ports[port_idx].local;
	struct frame_info fi;
	uint8_t reply[1600];
	enum frame_err e;
	size_t len;

	if (!from_handoff) {
		w->stats.rx_packets++;
		w->stats.rx_bytes += m->pkt_len;
	}
	if (m->nb_segs > 1) {
		/* Nothing we serve arrives in a jumbo chain. */
		memset(&fi, 0, sizeof(fi));
		worker_drop(w, &fi, FRAME_ERR_SHORT);
		return false;
	}
	e = frame_classify(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, local,
			   worker_csum_flags(m), &fi);
	if (e != FRAME_OK) {
		worker_drop(w, &fi, e);
		return false;
	}
	switch (fi.kind) {
	case FRAME_ARP_REQUEST:
		len = frame_build_arp_reply(reply, sizeof(reply), local, &fi);
		if (len && tx_frame(w, port_idx, reply, len) > 0)
			w->stats.arp_replies++;
		break;
	case FRAME_ICMP_ECHO:
		len = frame_build_icmp_echo_reply(reply, sizeof(reply), local, &fi);
		if (len && tx_frame(w, port_idx, reply, len) > 0)
			w->stats.icmp_echo_replies++;
		break;
	case FRAME_UDP:
		if (fi.dst_port == TFTP_PORT) {
			/* Multicast requests meet in worker 0's groups: one
			 * stream per file however the port spread them. */
			if (w->id != 0 && tftp_request_wants_multicast(w, &fi))
				return !from_handoff && worker_handoff_to(w, 0, m, port_idx);
			tftp_on_request(w, port_idx, &fi);
		} else if (fi.dst_port == DHCP_SERVER_PORT || fi.dst_port == PXE_BINL_PORT)
			dhcp_worker_on_request(w, port_idx, &fi);
		else if (worker_is_mtftp(w, fi.dst_port)) {
			/* Worker 0 decides which file streams where; an RRQ
			 * lost to a full inbox is asked again by its client. */
			if (w->id != 0)
				return !from_handoff && worker_handoff_to(w, 0, m, port_idx);
			tftp_mcast_on_mtftp_request(w, port_idx, &fi);
		} else if (!from_handoff && worker_handoff(w, &fi, m, port_idx))
			return true;
		else
			tftp_on_packet(w, port_idx, &fi);
		break;
	default:
		break;
	}
	return false;
}

/* Frames other workers received for our sessions. */
static void
worker_poll_handoff(struct worker *w)
{
	struct rte_mbuf *pkts[WORKER_BURST];
	unsigned i, n;

	if (!w->handoff)
		return;
	n = rte_ring_sc_dequeue_burst(w->handoff[w->id], (void **)pkts, WORKER_BURST, NULL);
	for (i = 0; i < n; i++) {
		w->stats.handoff_in++;
		worker_handle_frame(w, pkts[i]->port, pkts[i], true);
		rte_pktmbuf_free(pkts[i]);
	}
}

static void
worker_poll_cache(struct worker *w)
{
	struct cache_done d[WORKER_DONE_BURST];
	unsigned i, n;

	n = cache_poll(w->cache, w->id, d, RTE_DIM(d));
	for (i = 0; i < n; i++)
		tftp_on_cache_done(w, &d[i]);
}

static void
worker_wall_clock_init(struct worker *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	w->wall_offset_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec -
			    (uint64_t)(rte_rdtsc() / (double)w->tsc_hz * 1e9);
}

int
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *pkts[WORKER_BURST];
	uint64_t ms_div;
	uint16_t n, i;
	int p;

	w->tsc_hz = rte_get_tsc_hz();
	ms_div = w->tsc_hz / 1000;
	worker_wall_clock_init(w);
	w->now_ms = rte_rdtsc() / ms_div;
	tw_init(w->wheel, w->now_ms);

	while (!*w->quit) {
		w->now_ms = rte_rdtsc() / ms_div;
		for (p = 0; p < w->n_ports; p++) {
			n = rte_eth_rx_burst(w->ports[p].port_id, w->queue, pkts, WORKER_BURST);
			for (i = 0; i < n; i++)
				if (!worker_handle_frame(w, p, pkts[i], false))
					rte_pktmbuf_free(pkts[i]);
		}
		worker_poll_handoff(w);
		worker_poll_cache(w);
		dhcp_worker_poll_replies(w);
		tftp_run_timers(w, WORKER_TIMER_BUDGET);
		tftp_mcast_run_timers(w, WORKER_TIMER_BUDGET);
		worker_tx_flush(w);
	}
	tftp_shutdown(w);
	tftp_mcast_shutdown(w);
	worker_tx_flush(w);
	return 0;
}
