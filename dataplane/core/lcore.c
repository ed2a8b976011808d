/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/base/clock.h"
#include "dataplane/core/lcore.h"

#define LCORE_DROP_LOG_MS 1000

void
lcore_clock_init(struct lcore *lc)
{
	lc->tsc_hz = rte_get_tsc_hz();
	lc->tsc_per_ms = lc->tsc_hz / 1000;
	lc->wall_offset_ns = clock_wall_ns() - (uint64_t)(rte_rdtsc() / (double)lc->tsc_hz * 1e9);
	lc->mono_offset_ns = clock_mono_ns() - (uint64_t)(rte_rdtsc() / (double)lc->tsc_hz * 1e9);
	lcore_clock_tick(lc);
}

uint64_t
lcore_wall_ns(const struct lcore *lc)
{
	return lc->wall_offset_ns + rte_rdtsc() / (double)lc->tsc_hz * 1e9;
}

uint64_t
lcore_mono_ns(const struct lcore *lc)
{
	/* Integer sum: the offset may have wrapped (TSC ahead of the clock). */
	return lc->mono_offset_ns + (uint64_t)(rte_rdtsc() / (double)lc->tsc_hz * 1e9);
}

void
lcore_tx(struct lcore *lc, int port_idx, struct rte_mbuf *m)
{
	struct lcore_txq *q = &lc->txq[port_idx];

	if (q->n == LCORE_TX_BUF)
		lcore_tx_flush(lc);
	q->m[q->n++] = m;
}

void
lcore_tx_flush(struct lcore *lc)
{
	int i;

	for (i = 0; i < lc->n_ports; i++) {
		struct lcore_txq *q = &lc->txq[i];
		uint64_t bytes = 0;
		uint16_t sent = 0, k;

		for (k = 0; k < q->n; k++)
			bytes += q->m[k]->pkt_len;

		/* A few tries: af_packet's TX ring frees as the kernel sends. */
		for (k = 0; k < 4 && sent < q->n; k++)
			sent += rte_eth_tx_burst(lc->ports[i].port_id, lc->queue,
						 q->m + sent, q->n - sent);
		for (k = sent; k < q->n; k++) {
			lc->stats.tx_dropped++;
			bytes -= q->m[k]->pkt_len;
			rte_pktmbuf_free(q->m[k]);
		}
		lc->stats.tx_bytes += bytes;
		lc->stats.tx_packets += sent;
		q->n = 0;
	}
}

void
lcore_log(struct lcore *lc, struct log_event *ev)
{
	ev->lcore = lc->lcore;
	ev->wall_ns = lcore_wall_ns(lc);
	if (!lc->log_ring ||
	    rte_ring_sp_enqueue_elem(lc->log_ring, ev, sizeof(*ev)) != 0)
		lc->stats.log_dropped++;
}

void
lcore_drop(struct lcore *lc, const struct frame_info *fi, enum frame_err e)
{
	lc->stats.rx_dropped++;
	lc->stats.frame_err[e]++;
	/* Other hosts' traffic and protocols we do not speak are not news. */
	if (e == FRAME_ERR_NOT_FOR_US || e == FRAME_ERR_ETHERTYPE || e == FRAME_ERR_PROTO ||
	    e == FRAME_ERR_VLAN || e == FRAME_ERR_ARP)
		return;
	lcore_drop_note(lc, &lc->drop_log_ms[e], e, fi, frame_strerror(e));
}

void
lcore_drop_note(struct lcore *lc, uint64_t *last_ms, uint16_t reason,
		const struct frame_info *fi, const char *detail)
{
	struct log_event ev = { 0 };

	if (lc->now_ms - *last_ms < LCORE_DROP_LOG_MS && *last_ms)
		return;
	*last_ms = lc->now_ms;
	ev.kind = LOG_DROP;
	ev.reason = reason;
	ev.client = frame_info_src(fi);
	ev.client_port = fi->src_port;
	snprintf(ev.detail, sizeof(ev.detail), "%s", detail);
	lcore_log(lc, &ev);
}
