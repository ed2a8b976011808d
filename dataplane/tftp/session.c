/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "dataplane/core/tx.h"
#include "dataplane/proto/rss.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/tftp_window.h"
#include "dataplane/tftp/session.h"
#include "dataplane/tftp/xmit.h"

#define TFTP_OPEN_TIMEOUT_MS 10000
#define TFTP_OPEN_RETRY_MS 10	/* the feeder's open ring was full: again this soon */

enum tftp_state {
	TS_FREE,
	TS_OPENING,	/* waiting for the feeder to open the file */
	TS_SENDING,	/* part of a plan is unsent: waiting for a chunk */
	TS_WAIT_ACK,	/* everything planned is sent; timer armed */
	TS__MAX,
};

/* One transfer. Kept under 512 bytes: 100k of them fit in 50 MB. */
struct tftp_session {
	struct tw_node timer;		/* retransmission timer (first member) */
	uint32_t slot;			/* index in the table */
	uint32_t gen;			/* bumped on reuse: stale feeder answers miss */
	uint8_t state;			/* enum tftp_state, set by tftp_set_state */
	uint8_t port_idx;		/* interface the request came in on */
	uint8_t retries;		/* timeouts since the last new ACK */
	uint8_t max_retries;		/* tftp.retries at open: a reload does not move it */
	uint8_t send_oack;		/* the plan starts with the OACK */
	uint8_t open_queued;		/* TS_OPENING: the open is on the feeder's ring */
	uint8_t client_mac[6];		/* replies go back to this L2 address */
	uint16_t client_port;
	uint32_t client_ip;
	uint16_t server_port;		/* our TID */
	uint16_t last_error;		/* wire code sent or received at the end */
	uint32_t rto_ms;		/* retransmission timeout */
	struct tftp_source src;		/* the file version and chunk under send_cur, held */
	struct tftp_window win;		/* proto/tftp_window.h */
	struct tftp_options req;	/* options as the client asked */
	struct tftp_options granted;	/* options in our OACK */
	uint64_t send_cur;		/* next block of the plan to send */
	uint64_t send_end;		/* one past the plan's last block */
	uint64_t start_ms;
	uint32_t retransmits;
	uint32_t timeouts;
	char name[128];			/* canonical path (truncated), for the log */
};

/* 100k sessions per lcore must stay cheap (issue: <= 512 bytes each). */
_Static_assert(sizeof(struct tftp_session) <= 512, "tftp_session grew past 512 bytes");

struct tftp_key {
	uint32_t ip;
	uint16_t port;
	uint16_t pad;
};

struct tftp_table {
	struct rte_hash *by_client;	/* (client ip, port) -> slot */
	struct tftp_session *s;		/* max sessions */
	uint32_t *free;			/* stack of free slots */
	uint32_t n_free;
	uint32_t max;
	uint32_t active;
	uint16_t tid_base;		/* this worker's server ports */
	uint16_t tid_count;
};

static void tftp_session_end(struct lcore *lc, struct tftp_session *s,
			     enum tftp_end_reason why, const char *detail);
static void tftp_pump(struct lcore *lc, struct tftp_session *s);
static void tftp_apply_plan(struct lcore *lc, struct tftp_session *s,
			    const struct tftp_win_plan *p);

static void
tftp_set_state(struct tftp_session *s, enum tftp_state st)
{
	s->state = st;
}

int
tftp_table_create(struct lcore *lc)
{
	struct tftp_table *t;
	struct rte_hash_parameters hp = { 0 };
	char name[32];
	uint32_t i, span;

	t = rte_zmalloc("tftp_table", sizeof(*t), 0);
	if (!t)
		return -ENOMEM;
	t->max = lc->cfg->tftp.max_sessions;
	t->s = rte_zmalloc("tftp_sessions", sizeof(*t->s) * t->max, RTE_CACHE_LINE_SIZE);
	t->free = rte_malloc("tftp_free", sizeof(*t->free) * t->max, 0);
	snprintf(name, sizeof(name), "pxl_tftp%u", lc->id);
	hp.name = name;
	hp.entries = t->max < 8 ? 8 : t->max;
	hp.key_len = sizeof(struct tftp_key);
	hp.hash_func = rte_jhash;
	hp.socket_id = rte_socket_id();
	t->by_client = rte_hash_create(&hp);
	if (!t->s || !t->free || !t->by_client) {
		rte_hash_free(t->by_client);
		rte_free(t->s);
		rte_free(t->free);
		rte_free(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->max; i++) {
		t->s[i].slot = i;
		tw_node_init(&t->s[i].timer);
		t->free[i] = t->max - 1 - i;
	}
	t->n_free = t->max;
	/* Each worker gets its own slice of server ports, so a port names
	 * its owner (the basis for steering ACKs to it). */
	span = TFTP_TID_COUNT / (lc->n_workers ? lc->n_workers : 1);
	t->tid_base = TFTP_TID_BASE + lc->id * span;
	t->tid_count = span;
	lc->tftp = t;
	return 0;
}

void
tftp_table_destroy(struct lcore *lc)
{
	struct tftp_table *t = lc->tftp;

	if (!t)
		return;
	rte_hash_free(t->by_client);
	rte_free(t->s);
	rte_free(t->free);
	rte_free(t);
	lc->tftp = NULL;
}

int
tftp_session_owner(const struct lcore *lc, uint16_t port)
{
	uint32_t span = lc->tftp->tid_count;

	if (port < TFTP_TID_BASE || port >= TFTP_TID_BASE + span * lc->n_workers)
		return -1;
	return (port - TFTP_TID_BASE) / span;
}

void
tftp_sessions_dump(const struct lcore *lc, FILE *out)
{
	static const char *const state_names[] = { "free", "opening", "sending", "wait-ack" };
	_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == TS__MAX,
		       "one name per state");
	const struct tftp_table *t = lc->tftp;
	uint32_t i;

	for (i = 0; t && i < t->max; i++) {
		const struct tftp_session *s = &t->s[i];
		uint8_t st = s->state;

		if (st == TS_FREE || st >= RTE_DIM(state_names))
			continue;
		fprintf(out, "lcore=%u client=%u.%u.%u.%u:%u file=\"%.*s\" state=%s "
			"blksize=%u windowsize=%u acked=%lu/%lu retransmits=%u\n",
			lc->lcore, s->client_ip >> 24, (s->client_ip >> 16) & 0xff,
			(s->client_ip >> 8) & 0xff, s->client_ip & 0xff, s->client_port,
			(int)sizeof(s->name), s->name, state_names[st], s->win.blksize,
			s->win.windowsize, (unsigned long)s->win.acked,
			(unsigned long)s->win.last, s->retransmits);
	}
}

static struct tftp_key
tftp_key_of(uint32_t ip, uint16_t port)
{
	struct tftp_key k = { ip, port, 0 };
	return k;
}

static struct tftp_session *
tftp_lookup(struct lcore *lc, uint32_t ip, uint16_t port)
{
	struct tftp_key k = tftp_key_of(ip, port);
	void *data;

	if (rte_hash_lookup_data(lc->tftp->by_client, &k, &data) < 0)
		return NULL;
	return &lc->tftp->s[(uintptr_t)data];
}

static uint64_t
tftp_session_token(const struct tftp_session *s)
{
	return tftp_token(false, s->gen, s->slot);
}

static struct tftp_session *
tftp_from_token(struct lcore *lc, uint64_t token)
{
	uint32_t slot = tftp_token_slot(token);
	struct tftp_session *s;

	if (slot >= lc->tftp->max)
		return NULL;
	s = &lc->tftp->s[slot];
	if (s->state == TS_FREE || (s->gen & 0x7fffffffu) != tftp_token_gen(token))
		return NULL;
	return s;
}

/* Where replies to this session's client go, from our TID. */
static void
tftp_udp_dst(const struct lcore *lc, const struct tftp_session *s, struct frame_udp_tx *t)
{
	tx_udp_addr(lc, s->port_idx, s->client_mac, s->client_ip, s->server_port,
		    s->client_port, t);
}

/*
 * The server port (TID) of a new session: from this worker's slice, and
 * where the port hashes with RSS, one whose ACKs the NIC steers to this
 * worker's own queue. Others land elsewhere and are handed over.
 */
static uint16_t
tftp_pick_tid(const struct lcore *lc, const struct port *p, uint32_t slot, uint32_t client_ip,
	      uint16_t client_port)
{
	const struct tftp_table *t = lc->tftp;
	uint32_t i, cand, h;

	if (!p->rss_steer)
		return t->tid_base + slot % t->tid_count;
	for (i = 0; i < 64; i++) {
		cand = t->tid_base + (slot + i * 7919) % t->tid_count;
		h = rss_ipv4_udp(p->rss_key, p->rss_key_len, client_ip, p->local.ip,
				 client_port, cand);
		if (p->reta[h % p->reta_size] == lc->queue)
			return cand;
	}
	return t->tid_base + slot % t->tid_count;
}

static struct tftp_session *
tftp_session_alloc(struct lcore *lc, int port_idx, uint32_t client_ip, uint16_t client_port,
		   const uint8_t client_mac[6])
{
	struct tftp_table *t = lc->tftp;
	struct tftp_key k = tftp_key_of(client_ip, client_port);
	struct tftp_session *s;
	uint32_t slot;

	if (t->n_free == 0)
		return NULL;
	slot = t->free[t->n_free - 1];
	if (rte_hash_add_key_data(t->by_client, &k, (void *)(uintptr_t)slot) < 0)
		return NULL;
	t->n_free--;
	t->active++;
	s = &t->s[slot];
	s->gen++;
	s->port_idx = port_idx;
	s->client_ip = client_ip;
	s->client_port = client_port;
	memcpy(s->client_mac, client_mac, 6);
	s->server_port = tftp_pick_tid(lc, &lc->ports[port_idx], slot, client_ip, client_port);
	s->retries = 0;
	s->max_retries = (uint8_t)lc->cfg->tftp.retries;	/* 0..100 (config.c) */
	s->send_oack = 0;
	s->last_error = 0;
	s->src.file = NULL;
	s->src.chunk = NULL;
	s->send_cur = s->send_end = 0;
	s->retransmits = 0;
	s->timeouts = 0;
	s->start_ms = lc->now_ms;
	memset(&s->win, 0, sizeof(s->win));
	memset(&s->granted, 0, sizeof(s->granted));
	lc->stats.tftp_sessions_total++;
	return s;
}

/* Puts the open on the feeder's ring; false when the ring is full. */
static bool
tftp_queue_open(struct lcore *lc, struct tftp_session *s, const char *path)
{
	if (cache_open_async(lc->cache, lc->id, tftp_session_token(s), path) != CACHE_OK)
		return false;
	s->open_queued = 1;
	tw_arm(lc->wheel, &s->timer, s->start_ms + TFTP_OPEN_TIMEOUT_MS);
	return true;
}

void
tftp_session_open(struct lcore *lc, int port_idx, const struct frame_info *fi,
		  const struct tftp_packet *pkt, const char *path)
{
	struct tftp_session *s;

	s = tftp_session_alloc(lc, port_idx, fi->src_ip, fi->src_port, fi->src_mac);
	if (!s) {
		lc->stats.tftp_busy++;
		tftp_refuse(lc, port_idx, fi, TFTP_PORT, pkt->u.req.filename,
			    pkt->u.req.filename_len, TFTP_EUNDEF,
			    "server busy: too many transfers, retry later");
		return;
	}
	s->req = pkt->u.req.opts;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)sizeof(s->name) - 1, path);
	s->open_queued = 0;
	tftp_set_state(s, TS_OPENING);
	if (tftp_queue_open(lc, s, path))
		return;
	/* A boot storm fills the open ring (CACHE_OPEN_RING) in one burst: the
	 * timer tries again rather than answering a ROM with an ERROR it
	 * treats as fatal. A name longer than s->name cannot be retried. */
	if (strlen(path) >= sizeof(s->name)) {
		lc->stats.tftp_busy++;
		tftp_session_end(lc, s, TFTP_END_BUSY, NULL);
		return;
	}
	tw_arm(lc->wheel, &s->timer, lc->now_ms + TFTP_OPEN_RETRY_MS);
}

bool
tftp_session_on_dup_rrq(struct lcore *lc, const struct frame_info *fi)
{
	struct tftp_session *s = tftp_lookup(lc, fi->src_ip, fi->src_port);
	struct tftp_win_plan plan;

	if (!s)
		return false;
	/* A retransmitted RRQ: our first answer was lost or slow.
	 * Resend it if nothing has been acknowledged yet. */
	lc->stats.tftp_dup_rrq++;
	if (s->state == TS_WAIT_ACK && s->win.acked == 0 && !s->win.done &&
	    tftp_window_on_timeout(&s->win, &plan) == TFTP_WIN_SEND) {
		s->send_oack = plan.send_oack;
		s->send_cur = plan.first;
		s->send_end = plan.first + plan.count;
		s->retransmits += plan.resent + plan.send_oack;
		lc->stats.tftp_retransmits += plan.resent + plan.send_oack;
		tftp_pump(lc, s);
	}
	return true;
}

static void
tftp_on_opened(struct lcore *lc, struct tftp_session *s, struct cache_file *f)
{
	struct tftp_limits lim = { 0 };
	struct tftp_win_plan plan;
	uint32_t blksize, windowsize;
	uint8_t rollover;

	s->src.file = f;
	lim.blksize_max = tftp_blksize_limit(lc, s->port_idx);
	lim.windowsize_max = lc->cfg->tftp.windowsize_max;
	lim.timeout_min = 1;
	lim.timeout_max = 255;
	lim.msftwindow = lc->cfg->tftp.msftwindow;
	if (tftp_negotiate(&s->req, &lim, f->size, &s->granted) != TFTP_OK) {
		tftp_session_end(lc, s, TFTP_END_BAD_OPTION, NULL);
		return;
	}
	blksize = s->granted.present & TFTP_OPT_BLKSIZE ? s->granted.blksize :
		  TFTP_BLKSIZE_DEFAULT;
	windowsize = s->granted.present & TFTP_OPT_WINDOWSIZE ? s->granted.windowsize : 1;
	rollover = s->granted.present & TFTP_OPT_ROLLOVER ? s->granted.rollover : 0;
	s->rto_ms = lc->cfg->tftp.timeout_ms;
	if (s->granted.present & TFTP_OPT_TIMEOUT)
		s->rto_ms = s->granted.timeout * 1000;
	else if (s->granted.present & TFTP_OPT_UTIMEOUT)
		s->rto_ms = s->granted.utimeout / 1000 ? s->granted.utimeout / 1000 : 1;
	tftp_window_init(&s->win, f->size, blksize, windowsize, rollover,
			 s->granted.present != 0);
	if (s->granted.present & TFTP_OPT_MSFTWINDOW)
		tftp_window_set_max(&s->win, lc->cfg->tftp.windowsize_max);
	tftp_window_start(&s->win, &plan);
	s->send_oack = plan.send_oack;
	s->send_cur = plan.first;
	s->send_end = plan.first + plan.count;
	tftp_pump(lc, s);
}

bool
tftp_session_adopt(struct lcore *lc, const struct tftp_adopt *a)
{
	struct tftp_win_plan plan;
	struct tftp_session *s;

	if (tftp_lookup(lc, a->ip, a->port))
		return false;	/* already has a unicast transfer from that port */
	s = tftp_session_alloc(lc, a->port_idx, a->ip, a->port, a->mac);
	if (!s)
		return false;
	/* The client knows the group's port as its server: keep it. */
	s->server_port = a->server_port;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)sizeof(s->name) - 1, a->path);
	memset(&s->req, 0, sizeof(s->req));
	s->granted.present = TFTP_OPT_BLKSIZE;
	s->granted.blksize = a->blksize;
	cache_file_get(a->file);
	s->src.file = a->file;
	s->rto_ms = lc->cfg->tftp.timeout_ms;
	tftp_window_init(&s->win, a->file->size, a->blksize, 1, 0, false);
	/* Blocks the client already holds count as acknowledged; it may hold
	 * any the group sent, and ACK them. */
	tftp_window_resume(&s->win, a->acked, a->known_max);
	lc->stats.tftp_from_multicast++;
	tftp_window_on_timeout(&s->win, &plan);
	tftp_apply_plan(lc, s, &plan);
	return true;
}

void
tftp_session_on_cache_done(struct lcore *lc, const struct cache_done *d)
{
	struct tftp_session *s = tftp_from_token(lc, d->token);

	if (d->kind == CACHE_DONE_OPEN && (!s || s->state != TS_OPENING)) {
		/* The session ended meanwhile: give back what was opened. */
		if (d->err == CACHE_OK && d->file)
			cache_file_put(d->file);
		return;
	}
	if (!s)
		return;
	if (d->kind == CACHE_DONE_OPEN) {
		tw_cancel(lc->wheel, &s->timer);
		if (d->err == CACHE_OK)
			tftp_on_opened(lc, s, d->file);
		else
			tftp_session_end(lc, s, tftp_end_of_cache_err(lc, d->err),
					 d->err == CACHE_ERR_IO ? cache_strerror(d->err) : NULL);
		return;
	}
	/* A chunk we waited for. */
	if (d->err == CACHE_ERR_BUSY && s->state == TS_SENDING) {
		/* Cache full for now: the timer will try again. */
		tw_arm(lc->wheel, &s->timer, lc->now_ms + 50);
		return;
	}
	if (d->err != CACHE_OK) {
		tftp_session_end(lc, s, tftp_end_of_cache_err(lc, d->err),
				 d->err == CACHE_ERR_STALE ? NULL : cache_strerror(d->err));
		return;
	}
	if (s->state == TS_SENDING)
		tftp_pump(lc, s);
}

static bool
tftp_send_oack(struct lcore *lc, struct tftp_session *s)
{
	struct frame_udp_tx t;
	uint8_t buf[512];

	tftp_udp_dst(lc, s, &t);
	if (!tftp_xmit_packet(lc, s->port_idx, &t, buf,
			      tftp_build_oack(buf, sizeof(buf), &s->granted)))
		return false;
	lc->stats.tftp_oacks_sent++;
	return true;
}

/* Sends block n: 1 sent, 0 parked on a missing chunk, -1 out of mbufs. */
static int
tftp_send_block(struct lcore *lc, struct tftp_session *s, uint64_t n)
{
	struct frame_udp_tx t;
	unsigned sent;
	uint64_t off;
	uint32_t len;

	tftp_window_block_span(&s->win, n, &off, &len);
	tftp_udp_dst(lc, s, &t);
	switch (tftp_xmit_data(lc, s->port_idx, &s->src, tftp_session_token(s),
			       tftp_window_wire_block(&s->win, n), off, len, &t, 1, &sent)) {
	case TFTP_XMIT_SENT:
		lc->stats.tftp_data_packets++;
		lc->stats.tftp_bytes_sent += len;
		return 1;
	case TFTP_XMIT_WAIT:
		lc->stats.tftp_chunk_waits++;
		return 0;
	case TFTP_XMIT_RETRY:
		lc->stats.tftp_chunk_waits++;
		tw_arm(lc->wheel, &s->timer, lc->now_ms + 10);	/* ring full: retry soon */
		return 0;
	default:
		return -1;
	}
}

/*
 * The wait before the next retransmission. A timeout the client negotiated
 * (RFC 2349) is kept as asked; our own timer backs off while the client is
 * silent, so a client that re-ACKs only on its own growing timer gets a turn.
 */
static uint32_t
tftp_session_rto(const struct tftp_session *s)
{
	if (s->granted.present & (TFTP_OPT_TIMEOUT | TFTP_OPT_UTIMEOUT))
		return s->rto_ms;
	return tftp_rto_backoff(s->rto_ms, s->retries);
}

/* Sends what the plan still holds; parks the session on a cache miss. */
static void
tftp_pump(struct lcore *lc, struct tftp_session *s)
{
	int ret;

	tftp_set_state(s, TS_SENDING);
	if (s->send_oack) {
		if (!tftp_send_oack(lc, s))
			goto no_mbuf;
		s->send_oack = 0;
	}
	while (s->send_cur < s->send_end) {
		ret = tftp_send_block(lc, s, s->send_cur);
		if (ret == 0)
			return;		/* parked: the feeder's answer resumes us */
		if (ret < 0)
			goto no_mbuf;
		s->send_cur++;
	}
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(lc->wheel, &s->timer, lc->now_ms + tftp_session_rto(s));
	return;
no_mbuf:
	/* Out of mbufs: what was not sent goes out on the timeout. */
	s->send_cur = s->send_end;
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(lc->wheel, &s->timer, lc->now_ms + tftp_session_rto(s));
}

static void
tftp_apply_plan(struct lcore *lc, struct tftp_session *s, const struct tftp_win_plan *p)
{
	s->send_oack = p->send_oack;
	s->send_cur = p->first;
	s->send_end = p->first + p->count;
	s->retransmits += p->resent;
	lc->stats.tftp_retransmits += p->resent;
	tftp_pump(lc, s);
}

static void
tftp_on_ack(struct lcore *lc, struct tftp_session *s, const struct tftp_packet *pkt)
{
	struct tftp_win_plan plan;

	lc->stats.tftp_acks++;
	if (s->state == TS_OPENING)
		return;
	if ((s->granted.present & TFTP_OPT_MSFTWINDOW) && pkt->u.ack.has_next_window)
		tftp_window_set_size(&s->win, pkt->u.ack.next_window);
	switch (tftp_window_on_ack(&s->win, pkt->u.ack.block, &plan)) {
	case TFTP_WIN_DONE:
		lc->stats.tftp_completed++;
		tftp_session_end(lc, s, TFTP_END_DONE, NULL);
		break;
	case TFTP_WIN_SEND:
		s->retries = 0;
		tftp_apply_plan(lc, s, &plan);
		break;
	case TFTP_WIN_BAD_ACK:
		/* An ACK for a block never sent (or one before ACK 0 while the
		 * OACK is pending): the client is confused; RFC 1350 ends such
		 * a transfer with an ERROR. */
		lc->stats.tftp_protocol_errors++;
		tftp_session_end(lc, s, TFTP_END_PROTOCOL, NULL);
		break;
	default:
		/* Duplicates never trigger a resend (Sorcerer's Apprentice). */
		lc->stats.tftp_acks_ignored++;
		break;
	}
}

static void
tftp_on_client_error(struct lcore *lc, struct tftp_session *s, const struct tftp_packet *pkt)
{
	lc->stats.tftp_errors_received++;
	s->last_error = pkt->u.error.code;
	/* Firmware probes tsize, then closes with ERROR 0 "TFTP Aborted"
	 * (BIOS ROMs) or ERROR 8 (OVMF) right after our first OACK: normal.
	 * After our timer resent the OACK it is a client that lost its ACK 0 and
	 * gave up on the repeat (atftp: "unexpected OACK"): a real abort. */
	if (s->win.oack_pending && s->retries == 0 &&
	    (pkt->u.error.code == TFTP_EUNDEF || pkt->u.error.code == TFTP_EOPTNEG)) {
		lc->stats.tftp_tsize_probes++;
		tftp_session_end(lc, s, TFTP_END_TSIZE_PROBE, pkt->u.error.msg);
		return;
	}
	lc->stats.tftp_client_aborts++;
	tftp_session_end(lc, s, TFTP_END_CLIENT_ABORT, pkt->u.error.msg);
}

bool
tftp_session_on_packet(struct lcore *lc, const struct frame_info *fi)
{
	struct tftp_session *s;
	struct tftp_packet pkt;
	enum tftp_err e;

	s = tftp_lookup(lc, fi->src_ip, fi->src_port);
	if (!s || s->server_port != fi->dst_port)
		return false;
	e = tftp_parse(fi->payload, fi->payload_len, &pkt);
	if (e != TFTP_OK) {
		lc->stats.tftp_bad_packet++;
		lc->stats.tftp_err[e]++;
		return true;
	}
	switch (pkt.opcode) {
	case TFTP_OP_ACK:
		tftp_on_ack(lc, s, &pkt);
		break;
	case TFTP_OP_ERROR:
		tftp_on_client_error(lc, s, &pkt);
		break;
	default:
		lc->stats.tftp_bad_packet++;
		break;
	}
	return true;
}

static void
tftp_on_timeout(struct lcore *lc, struct tftp_session *s)
{
	struct tftp_win_plan plan;

	switch (s->state) {
	case TS_OPENING:
		if (s->open_queued) {
			tftp_session_end(lc, s, TFTP_END_IO, "file open timed out");
		} else if (lc->now_ms - s->start_ms >= TFTP_OPEN_TIMEOUT_MS) {
			lc->stats.tftp_busy++;
			tftp_session_end(lc, s, TFTP_END_BUSY, NULL);
		} else if (!tftp_queue_open(lc, s, s->name)) {
			tw_arm(lc->wheel, &s->timer, lc->now_ms + TFTP_OPEN_RETRY_MS);
		}
		return;
	case TS_SENDING:
		/* Waiting for a chunk (or mbufs): try again. */
		tftp_pump(lc, s);
		return;
	default:
		break;
	}
	lc->stats.tftp_timeouts++;
	s->timeouts++;
	if (++s->retries > s->max_retries) {
		lc->stats.tftp_gave_up++;
		tftp_session_end(lc, s, TFTP_END_TIMEOUT, "no ACK from the client");
		return;
	}
	if (tftp_window_on_timeout(&s->win, &plan) != TFTP_WIN_SEND)
		return;
	if (plan.send_oack) {
		s->retransmits++;
		lc->stats.tftp_retransmits++;
	}
	tftp_apply_plan(lc, s, &plan);
}

static void
tftp_timer_fire(struct tw_node *n, void *arg)
{
	tftp_on_timeout(arg, (struct tftp_session *)n);
}

void
tftp_session_run_timers(struct lcore *lc, unsigned budget)
{
	tw_advance(lc->wheel, lc->now_ms, budget, tftp_timer_fire, lc);
}

static void
tftp_log_end(struct lcore *lc, const struct tftp_session *s, enum tftp_end_reason why,
	     const char *msg)
{
	struct log_event ev = { 0 };
	uint64_t acked = s->win.blksize ? s->win.acked * (uint64_t)s->win.blksize : 0;

	ev.kind = LOG_TFTP_END;
	ev.reason = why;
	ev.error_code = s->last_error;
	ev.client_ip = s->client_ip;
	ev.client_port = s->client_port;
	ev.server_port = s->server_port;
	ev.file_size = s->src.file ? s->src.file->size : 0;
	ev.bytes = acked > ev.file_size ? ev.file_size : acked;
	ev.duration_us = (lc->now_ms - s->start_ms) * 1000;
	ev.blksize = s->win.blksize;
	ev.windowsize = s->win.windowsize;
	ev.retransmits = s->retransmits;
	ev.timeouts = s->timeouts;
	ev.options = s->granted.present;
	memcpy(ev.mac, s->client_mac, 6);
	memcpy(ev.file, s->name, sizeof(ev.file));
	ev.file[sizeof(ev.file) - 1] = '\0';
	if (msg)
		snprintf(ev.detail, sizeof(ev.detail), "%s", msg);
	lcore_log(lc, &ev);
}

/*
 * Every ending goes through here. The ending says what the client hears
 * (tftp_end_wire); detail, when given, replaces its text and is logged.
 */
static void
tftp_session_end(struct lcore *lc, struct tftp_session *s, enum tftp_end_reason why,
		 const char *detail)
{
	struct tftp_table *t = lc->tftp;
	struct tftp_key k = tftp_key_of(s->client_ip, s->client_port);
	struct tftp_end_wire wire = tftp_end_wire(why);
	const char *text = detail ? detail : wire.text;
	struct frame_udp_tx tx;

	if (wire.code >= 0) {
		tftp_udp_dst(lc, s, &tx);
		tftp_xmit_error(lc, s->port_idx, &tx, wire.code, text);
		s->last_error = wire.code;
	}
	if (why != TFTP_END_DONE && why != TFTP_END_TSIZE_PROBE)
		lc->stats.tftp_failed++;
	tftp_log_end(lc, s, why, text);
	tw_cancel(lc->wheel, &s->timer);
	tftp_source_release(&s->src);
	rte_hash_del_key(t->by_client, &k);
	tftp_set_state(s, TS_FREE);
	s->gen++;
	t->free[t->n_free++] = s->slot;
	t->active--;
	lc->stats.tftp_sessions_ended++;
}

void
tftp_session_shutdown(struct lcore *lc)
{
	struct tftp_table *t = lc->tftp;
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->max; i++)
		if (t->s[i].state != TS_FREE)
			tftp_session_end(lc, &t->s[i], TFTP_END_SHUTDOWN, NULL);
}
