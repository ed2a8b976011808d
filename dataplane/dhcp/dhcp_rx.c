/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/core/tx.h"
#include "dataplane/dhcp/answer.h"
#include "dataplane/dhcp/answer6.h"
#include "dataplane/dhcp/dhcp_rx.h"
#include "dataplane/dhcp/snap_rcu.h"
#include "dataplane/proto/dhcp.h"

#define DHCP_REPLY_BURST 16
#define DHCP_DELAY_SLOTS 128

/*
 * EDK2's PXEv6 (PxeBcRequestBootService) sends its Request to the boot
 * server on 4011, then configures the UDP instance that reads the Reply,
 * waits 3 s and never retransmits: a Reply that comes back before that
 * instance exists is lost and the boot fails (PXE-E16), which a fast server
 * on a slow (emulated, loaded) client hits. So that Reply goes twice, at
 * once and this much later: within the 3 s, two copies (the documented
 * bound of what one unproven request makes us send).
 */
#define DHCP6_BOOT_REPEAT_MS 300

/* A reply waiting for its time, of either family. */
struct dhcp_delayed {
	uint64_t due_ms;	/* lcore now_ms */
	bool v6;
	union {
		struct dhcp_ring_reply r4;
		struct dhcp6_tx r6;
	};
};

/* FIFO: one delay for all its entries, so due times come in order. */
struct dhcp_delay_q {
	unsigned head, count;
	struct dhcp_delayed q[DHCP_DELAY_SLOTS];
};

struct dhcp_rx_state {
	struct dhcp_answer a;		/* the answer being made */
	struct log_event ev;		/* its trace event */
	struct dhcp_standby sb;		/* a fleet: other engines' clients heard */
	struct dhcp_delay_q delayed;	/* dhcp.delay_ms */
	struct dhcp_delay_q repeats;	/* DHCP6_BOOT_REPEAT_MS */
	struct dhcp6_scratch v6;	/* dhcp6_rx.c's */
};

struct dhcp_rx_state *
dhcp_rx_state_create(int socket)
{
	return rte_zmalloc_socket("dhcp_rx", sizeof(struct dhcp_rx_state), RTE_CACHE_LINE_SIZE,
				  socket);
}

void
dhcp_rx_state_free(struct dhcp_rx_state *st)
{
	rte_free(st);
}

struct dhcp6_scratch *
dhcp_rx_v6_scratch(struct dhcp_rx_state *st)
{
	return st ? &st->v6 : NULL;
}

struct dhcp_standby *
dhcp_rx_standby(struct dhcp_rx_state *st)
{
	return st ? &st->sb : NULL;
}

/* The slot at the queue's tail, NULL when it is full. */
static struct dhcp_delayed *
delay_push(struct dhcp_delay_q *dq, uint64_t due_ms)
{
	struct dhcp_delayed *d;

	if (dq->count == DHCP_DELAY_SLOTS)
		return NULL;
	d = &dq->q[(dq->head + dq->count) % DHCP_DELAY_SLOTS];
	dq->count++;
	d->due_ms = due_ms;
	return d;
}

static void
send_udp(struct lcore *lc, uint8_t port_idx, const uint8_t dst_mac[6], struct ip_addr dst,
	 uint16_t src_port, uint16_t dst_port, const uint8_t *payload, uint16_t len)
{
	struct frame_udp_tx t;
	struct tx_piece pc = { 0 };

	tx_udp_addr(lc, port_idx, dst_mac, dst, src_port, dst_port, &t);
	pc.p = payload;
	pc.len = len;
	if (tx_udp(lc, port_idx, &t, &pc, 1) > 0) {
		if (ip_addr_is_v4(&dst))
			lc->stats.dhcp_replies_sent++;
		else
			lc->stats.dhcp6_replies_sent++;
	}
}

static void
send_reply(struct lcore *lc, const struct dhcp_ring_reply *r)
{
	if (r->port_idx >= lc->n_ports || r->len > sizeof(r->payload))
		return;
	send_udp(lc, r->port_idx, r->dst_mac, ip_addr_v4(r->dst_ip), r->src_port, r->dst_port,
		 r->payload, r->len);
}

/* Sends r, and queues its second copy if it answers EDK2 on 4011. */
static void
send_reply6(struct lcore *lc, struct dhcp_rx_state *st, const struct dhcp6_tx *r,
	    bool is_repeat)
{
	struct dhcp_delayed *d;

	send_udp(lc, r->port_idx, r->dst_mac, ip_addr_v6(r->dst), r->src_port, r->dst_port,
		 r->payload, r->len);
	if (is_repeat) {
		lc->stats.dhcp6_boot_repeats++;
		return;
	}
	if (r->src_port != DHCP6_PORT_BOOT_SERVICE)
		return;
	d = delay_push(&st->repeats, lc->now_ms + DHCP6_BOOT_REPEAT_MS);
	if (!d) {
		lc->stats.dhcp6_repeat_full++;
		return;
	}
	d->v6 = true;
	memcpy(&d->r6, r, offsetof(struct dhcp6_tx, payload) + r->len);
}

/* is_repeat: d comes from the repeats queue (a second copy, not repeated again). */
static void
send_delayed(struct lcore *lc, struct dhcp_rx_state *st, const struct dhcp_delayed *d,
	     bool is_repeat)
{
	if (d->v6)
		send_reply6(lc, st, &d->r6, is_repeat);
	else
		send_reply(lc, &d->r4);
}

/* Sends now, or after dhcp.delay_ms (to let another PXE server win);
 * exactly one of r4 and r6 is set. */
static void
send_or_delay(struct lcore *lc, struct dhcp_rx_state *st, uint32_t delay_ms,
	      const struct dhcp_ring_reply *r4, const struct dhcp6_tx *r6)
{
	struct dhcp_delayed *d = delay_ms ? delay_push(&st->delayed, lc->now_ms + delay_ms) : NULL;

	if (delay_ms && !d)
		lc->stats.dhcp_delay_full++;	/* late is worse than early: sent now */
	if (!d) {
		if (r6)
			send_reply6(lc, st, r6, false);
		else
			send_reply(lc, r4);
		return;
	}
	d->v6 = r6 != NULL;
	if (r6)
		memcpy(&d->r6, r6, offsetof(struct dhcp6_tx, payload) + r6->len);
	else
		memcpy(&d->r4, r4, offsetof(struct dhcp_ring_reply, payload) + r4->len);
}

void
dhcp_rx_send6(struct lcore *lc, const struct dhcp6_tx *r, uint32_t delay_ms)
{
	if (lc->dhcp)
		send_or_delay(lc, lc->dhcp, delay_ms, NULL, r);
}

static void
flush_due(struct lcore *lc, struct dhcp_rx_state *st, struct dhcp_delay_q *dq)
{
	while (dq->count && dq->q[dq->head].due_ms <= lc->now_ms) {
		const struct dhcp_delayed *d = &dq->q[dq->head];

		dq->head = (dq->head + 1) % DHCP_DELAY_SLOTS;
		dq->count--;
		/* A delayed 4011 Reply queues its repeat: in the other queue. */
		send_delayed(lc, st, d, dq == &st->repeats);
	}
}

/* Passes the request to the control thread (a one-shot to take, or no
 * snapshot yet); it answers on this worker's reply ring. */
static bool
to_control(struct lcore *lc, struct dhcp_ring_req *r)
{
	if (rte_ring_mp_enqueue_elem(lc->dhcp_req_ring, r, sizeof(*r)) != 0) {
		lc->stats.dhcp_ring_full++;
		return false;
	}
	lc->stats.dhcp_to_control++;
	return true;
}

bool
dhcp_rx_take_once6(struct lcore *lc, const struct log_dhcp *t)
{
	struct dhcp_ring_req *r = &lc->dhcp_req_scratch;

	if (!lc->dhcp_req_ring)
		return false;
	memset(r, 0, offsetof(struct dhcp_ring_req, msg));
	r->worker = lc->id;
	r->kind = DHCP_REQ_TAKE6;
	r->port_idx = t->port_idx;
	r->rx_ns = lcore_wall_ns(lc);
	r->take6 = *t;
	return to_control(lc, r);
}

void
dhcp_rx_log(struct lcore *lc, struct log_event *ev, struct ip_addr client, uint16_t client_port,
	    uint16_t server_port)
{
	memset(ev, 0, offsetof(struct log_event, dhcp));
	ev->kind = LOG_DHCP;
	ev->client = client;
	ev->client_port = client_port;
	ev->server_port = server_port;
	memcpy(ev->mac, ev->dhcp.mac, 6);
	ev->file[0] = '\0';
	ev->detail[0] = '\0';
	lcore_log(lc, ev);
}

/* The trace event of an answer made here: log.c writes its lines. */
static void
log_answer(struct lcore *lc, struct dhcp_rx_state *st, const struct dhcp_ring_req *r)
{
	dhcp_rx_log(lc, &st->ev, ip_addr_v4(r->src_ip), r->src_port, r->dst_port);
}

/* Answers from the snapshot; false when the control thread must. */
static bool
answer_here(struct lcore *lc, const struct dhcp_snapshot *s, struct dhcp_ring_req *r)
{
	struct dhcp_rx_state *st = lc->dhcp;
	enum dhcp_outcome o;

	o = dhcp_answer(s, r, lcore_mono_ns(lc), &st->sb, &st->a, &st->ev.dhcp);
	lc->stats.dhcp_standby_evicted = st->sb.evicted;
	if (st->ev.dhcp.notes & DHCP_NOTE_STANDBY)
		lc->stats.dhcp_standby_answers++;
	if (st->ev.dhcp.notes & DHCP_NOTE_CHOSEN)
		lc->stats.dhcp_chosen_answers++;
	if (o == DHCP_OUT_CONSUME)
		return false;
	if (st->ev.dhcp.notes & DHCP_NOTE_GRACE)
		lc->stats.dhcp_once_grace++;
	if (o == DHCP_OUT_HELD) {
		lc->stats.dhcp_held++;
	} else if (o == DHCP_OUT_REPLY) {
		lc->stats.dhcp_answered++;
		st->ev.dhcp.answer_ns = lcore_wall_ns(lc) - r->rx_ns;
		send_or_delay(lc, st, s->delay_ms, &st->a.reply, NULL);
	} else {
		lc->stats.dhcp_silent++;
	}
	log_answer(lc, st, r);
	return true;
}

void
dhcp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct dhcp_ring_req *r = &lc->dhcp_req_scratch;
	const struct dhcp_snapshot *s;

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
	r->kind = DHCP_REQ_V4;
	r->port_idx = port_idx;
	r->broadcast = fi->ip_broadcast;
	r->src_ip = fi->src_ip;
	r->dst_ip = fi->dst_ip;
	r->src_port = fi->src_port;
	r->dst_port = fi->dst_port;
	memcpy(r->src_mac, fi->src_mac, 6);
	r->rx_ns = lcore_wall_ns(lc);
	/* Valid until this worker's next quiescent report (end of the pass). */
	s = lc->dhcp_snap && lc->dhcp ? dhcp_snap_rcu_get(lc->dhcp_snap) : NULL;
	if (s && answer_here(lc, s, r))
		return;
	to_control(lc, r);
}

void
dhcp_rx_poll_replies(struct lcore *lc)
{
	struct dhcp_ring_reply rep[DHCP_REPLY_BURST];
	unsigned i, n;

	if (lc->dhcp) {
		flush_due(lc, lc->dhcp, &lc->dhcp->delayed);
		flush_due(lc, lc->dhcp, &lc->dhcp->repeats);
	}
	if (!lc->dhcp_reply_ring)
		return;
	n = rte_ring_sc_dequeue_burst_elem(lc->dhcp_reply_ring, rep, sizeof(rep[0]),
					   RTE_DIM(rep), NULL);
	for (i = 0; i < n; i++)
		send_reply(lc, &rep[i]);
}
