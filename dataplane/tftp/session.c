/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A unicast transfer's life: open, options, the send plan and its timer,
 * ACKs and client errors, the one way out (tftp_session_end). The table the
 * sessions live in is session_table.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/core/tx.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/tftp_rtt.h"
#include "dataplane/proto/tftp_window.h"
#include "dataplane/tftp/session.h"
#include "dataplane/tftp/session_internal.h"
#include "dataplane/tftp/xmit.h"

#define TFTP_OPEN_TIMEOUT_MS 10000
#define TFTP_OPEN_RETRY_MS 10	/* the feeder's open ring was full: again this soon */
/* Copies of the first packet (OACK or DATA 1) a client that never answered
 * gets: the first send and one retransmission (README "Hostile networks"). */
#define TFTP_UNANSWERED_COPIES 2
/* ... and how long, in tftp.timeout_ms, it then waits for a late answer. */
#define TFTP_UNANSWERED_LINGER 8

static void tftp_session_end(struct lcore *lc, struct tftp_session *s,
			     enum tftp_end_reason why, const char *detail);
static void tftp_pump(struct lcore *lc, struct tftp_session *s);
static void tftp_apply_plan(struct lcore *lc, struct tftp_session *s,
			    const struct tftp_win_plan *p);


/*
 * Until the client answers once (ACK 0 of our OACK, or ACK 1) its address
 * may be spoofed, and every byte we send is reflected at someone else. One
 * packet is in flight then (the OACK, or DATA 1 of a lock-step transfer);
 * retransmits counts its extra copies.
 */
static bool
tftp_session_first_capped(const struct tftp_session *s)
{
	bool answered = !s->win.oack_pending && (s->win.acked > 0 || s->granted.present != 0);

	return !answered && s->retransmits + 1 >= TFTP_UNANSWERED_COPIES;
}









/* Where replies to this session's client go, from our TID. */
static void
tftp_udp_dst(const struct lcore *lc, const struct tftp_session *s, struct frame_udp_tx *t)
{
	tx_udp_addr(lc, s->port_idx, s->client_mac, s->client, s->server_port,
		    s->client_port, t);
}

/* A timeout the client negotiated (RFC 2349) is kept as asked. */
static bool
tftp_session_fixed_rto(const struct tftp_session *s)
{
	return s->granted.present & (TFTP_OPT_TIMEOUT | TFTP_OPT_UTIMEOUT);
}

/* How long our own timer gives a silent client (proto/tftp_rtt.h). */
static uint64_t
tftp_session_giveup_ms(const struct tftp_session *s)
{
	/* The settings the session opened with: a reload does not move them. */
	return tftp_rtt_giveup_ms(s->rtt.max_ms, s->max_retries);
}

/*
 * The wait before the next retransmission: the negotiated timeout, or the
 * measured RTO with its backoff (a client that re-ACKs only on its own
 * growing timer gets a turn), never past the time a silent client is given.
 */
static uint32_t
tftp_session_rto(const struct lcore *lc, const struct tftp_session *s)
{
	uint64_t deadline = s->progress_ms + tftp_session_giveup_ms(s);
	uint32_t rto;

	if (tftp_session_fixed_rto(s))
		return s->rto_ms;
	rto = tftp_rtt_rto_ms(&s->rtt);
	if (deadline > lc->now_ms && deadline - lc->now_ms < rto)
		rto = (uint32_t)(deadline - lc->now_ms);
	return rto;
}

/* Retries spent and, with our own timer, the silence the fixed one allowed. */
static bool
tftp_session_gives_up(const struct lcore *lc, const struct tftp_session *s)
{
	if (s->retries <= s->max_retries)
		return false;
	return tftp_session_fixed_rto(s) ||
	       lc->now_ms - s->progress_ms >= tftp_session_giveup_ms(s);
}

/*
 * The clock of RTT samples: the TSC, not now_ms, since a LAN round trip
 * (~0.1 ms) is far below the worker's 1 ms clock.
 */
static uint64_t
tftp_now_us(const struct lcore *lc)
{
	return rte_rdtsc() / (lc->tsc_hz / 1000000 ? lc->tsc_hz / 1000000 : 1);
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
	struct ip_addr src = frame_info_src(fi);
	struct tftp_session *s;

	s = tftp_session_alloc(lc, port_idx, &src, fi->src_port, fi->src_mac);
	if (!s) {
		lc->stats.tftp_busy++;
		tftp_refuse_busy(lc, port_idx, fi, "server busy: too many transfers, retry later");
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
	struct ip_addr src = frame_info_src(fi);
	struct tftp_session *s = tftp_lookup(lc, &src, fi->src_port);
	struct tftp_win_plan plan;

	if (!s)
		return false;
	/* A retransmitted RRQ: our first answer was lost or slow.
	 * Resend it if nothing has been acknowledged yet. */
	lc->stats.tftp_dup_rrq++;
	if (s->state == TS_WAIT_ACK && s->win.acked == 0 && !s->win.done &&
	    !tftp_session_first_capped(s) &&
	    tftp_window_on_timeout(&s->win, &plan) == TFTP_WIN_SEND) {
		tftp_rtt_forget(&s->rtt);	/* Karn: ACK 0 could answer either copy */
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
	lim.blksize_max = tftp_blksize_limit(lc, s->port_idx, !ip_addr_is_v4(&s->client));
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
	s->progress_ms = lc->now_ms;
	tftp_rtt_plan(&s->rtt, plan.first, plan.count, plan.resent, plan.send_oack);
	s->send_oack = plan.send_oack;
	s->send_cur = plan.first;
	s->send_end = plan.first + plan.count;
	tftp_pump(lc, s);
}

bool
tftp_session_adopt(struct lcore *lc, const struct tftp_adopt *a)
{
	struct ip_addr ip = ip_addr_v4(a->ip);	/* groups are IPv4's */
	struct tftp_win_plan plan;
	struct tftp_session *s;

	if (tftp_lookup(lc, &ip, a->port))
		return false;	/* already has a unicast transfer from that port */
	s = tftp_session_alloc(lc, a->port_idx, &ip, a->port, a->mac);
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
		if (t.ipv6)
			lc->stats.tftp_bytes_sent6 += len;
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
		tftp_rtt_sent(&s->rtt, 0, tftp_now_us(lc));
	}
	while (s->send_cur < s->send_end) {
		ret = tftp_send_block(lc, s, s->send_cur);
		if (ret == 0)
			return;		/* parked: the feeder's answer resumes us */
		if (ret < 0)
			goto no_mbuf;
		if (s->send_cur + 1 == s->send_end)
			tftp_rtt_sent(&s->rtt, s->send_cur, tftp_now_us(lc));
		s->send_cur++;
	}
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(lc->wheel, &s->timer, lc->now_ms + tftp_session_rto(lc, s));
	return;
no_mbuf:
	/* Out of mbufs: what was not sent goes out on the timeout. */
	s->send_cur = s->send_end;
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(lc->wheel, &s->timer, lc->now_ms + tftp_session_rto(lc, s));
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
		s->progress_ms = lc->now_ms;
		if (tftp_rtt_acked(&s->rtt, s->win.acked, tftp_now_us(lc)))
			lc->stats.tftp_rtt_samples++;
		tftp_rtt_plan(&s->rtt, plan.first, plan.count, plan.resent, plan.send_oack);
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
	struct ip_addr src = frame_info_src(fi);
	struct tftp_session *s;
	struct tftp_packet pkt;
	enum tftp_err e;

	s = tftp_lookup(lc, &src, fi->src_port);
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
	if (s->retries < UINT8_MAX)
		s->retries++;
	tftp_rtt_timeout(&s->rtt);	/* Karn: the timed block goes out again */
	if (tftp_session_gives_up(lc, s)) {
		lc->stats.tftp_gave_up++;
		tftp_session_end(lc, s, TFTP_END_TIMEOUT, "no ACK from the client");
		return;
	}
	if (tftp_session_first_capped(s)) {
		/*
		 * No third copy. A real client whose answer was lost (its ACK
		 * of the second copy) repeats it on its own timer: the session
		 * waits for that, silent, before it ends; a spoofed source
		 * never answers and costs no more bytes.
		 */
		if (!s->capped) {
			s->capped = 1;
			lc->stats.tftp_reflection_capped++;
			tw_arm(lc->wheel, &s->timer,
			       lc->now_ms + TFTP_UNANSWERED_LINGER * (uint64_t)s->rtt.max_ms);
			return;
		}
		tftp_session_end(lc, s, TFTP_END_TIMEOUT, "first packet never answered");
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
	ev.client = s->client;
	ev.client_port = s->client_port;
	ev.server_port = s->server_port;
	ev.file_size = s->src.file ? s->src.file->size : 0;
	ev.bytes = acked > ev.file_size ? ev.file_size : acked;
	ev.duration_us = (lc->now_ms - s->start_ms) * 1000;
	ev.blksize = s->win.blksize;
	ev.windowsize = s->win.windowsize;
	ev.retransmits = s->retransmits;
	ev.timeouts = s->timeouts;
	ev.srtt_us = s->rtt.srtt_us;
	ev.rto_ms = tftp_session_fixed_rto(s) ? s->rto_ms : tftp_rtt_rto_ms(&s->rtt);
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
	tftp_session_free(lc, s);
}

bool
tftp_session_on_unreachable(struct lcore *lc, const struct frame_info *fi)
{
	struct ip_addr peer = frame_info_quoted_dst(fi);
	struct tftp_session *s = tftp_lookup(lc, &peer, fi->quoted.dst_port);

	if (!s || s->server_port != fi->quoted.src_port)
		return false;
	lc->stats.tftp_unreachable++;
	tftp_session_end(lc, s, TFTP_END_UNREACHABLE,
			 fi->icmp_code == FRAME_UNREACH_PORT ? "ICMP port unreachable" :
			 fi->icmp_code == FRAME_UNREACH_HOST ? "ICMP host unreachable" :
			 "ICMP administratively prohibited");
	return true;
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
