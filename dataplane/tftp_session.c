/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "control/log.h"
#include "dataplane/proto/path.h"
#include "dataplane/proto/rss.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/tftp_window.h"
#include "dataplane/tftp_mcast_glue.h"
#include "dataplane/tftp_session.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"

/* Server ports (TIDs) of sessions come from this range; a datagram to a
 * port in it that matches no session gets ERROR 5 (RFC 1350). */
#define TFTP_TID_BASE 32768
#define TFTP_TID_COUNT 28000
#define TFTP_OPEN_TIMEOUT_MS 10000

enum tftp_state {
	TS_FREE,
	TS_OPENING,	/* waiting for the feeder to open the file */
	TS_SENDING,	/* part of a plan is unsent: waiting for a chunk */
	TS_WAIT_ACK,	/* everything planned is sent; timer armed */
};

/* One transfer. Kept under 512 bytes: 100k of them fit in 50 MB. */
struct tftp_session {
	struct tw_node timer;		/* retransmission timer (first member) */
	uint32_t slot;			/* index in the table */
	uint32_t gen;			/* bumped on reuse: stale feeder answers miss */
	uint8_t state;			/* enum tftp_state, set by tftp_set_state */
	uint8_t port_idx;		/* interface the request came in on */
	uint8_t retries;		/* timeouts since the last new ACK */
	uint8_t send_oack;		/* the plan starts with the OACK */
	uint8_t client_mac[6];		/* replies go back to this L2 address */
	uint16_t client_port;
	uint32_t client_ip;
	uint16_t server_port;		/* our TID */
	uint16_t last_error;		/* wire code sent or received at the end */
	uint32_t rto_ms;		/* retransmission timeout */
	struct cache_file *file;	/* the file version, held for the transfer */
	struct cache_chunk *chunk;	/* chunk under send_cur, held while sending */
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

static void tftp_session_end(struct worker *w, struct tftp_session *s,
			     enum tftp_end_reason why, int wire_code, const char *msg);
static void tftp_pump(struct worker *w, struct tftp_session *s);
static void tftp_apply_plan(struct worker *w, struct tftp_session *s,
			    const struct tftp_win_plan *p);

static void
tftp_set_state(struct tftp_session *s, enum tftp_state st)
{
	s->state = st;
}

int
tftp_table_create(struct worker *w)
{
	struct tftp_table *t;
	struct rte_hash_parameters hp = { 0 };
	char name[32];
	uint32_t i, span;

	t = rte_zmalloc("tftp_table", sizeof(*t), 0);
	if (!t)
		return -ENOMEM;
	t->max = w->cfg->tftp.max_sessions;
	t->s = rte_zmalloc("tftp_sessions", sizeof(*t->s) * t->max, RTE_CACHE_LINE_SIZE);
	t->free = rte_malloc("tftp_free", sizeof(*t->free) * t->max, 0);
	snprintf(name, sizeof(name), "pxl_tftp%u", w->id);
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
	span = TFTP_TID_COUNT / (w->n_workers ? w->n_workers : 1);
	t->tid_base = TFTP_TID_BASE + w->id * span;
	t->tid_count = span;
	w->tftp = t;
	return 0;
}

void
tftp_table_destroy(struct worker *w)
{
	struct tftp_table *t = w->tftp;

	if (!t)
		return;
	rte_hash_free(t->by_client);
	rte_free(t->s);
	rte_free(t->free);
	rte_free(t);
	w->tftp = NULL;
}

int
tftp_tid_owner(const struct worker *w, uint16_t port)
{
	uint32_t span = w->tftp->tid_count;

	if (port >= TFTP_MCAST_TID_BASE)
		return tftp_mcast_tid_owner(w, port);
	if (port < TFTP_TID_BASE || port >= TFTP_TID_BASE + span * w->n_workers)
		return -1;
	return (port - TFTP_TID_BASE) / span;
}

void
tftp_sessions_dump(const struct worker *w, FILE *out)
{
	static const char *const state_names[] = { "free", "opening", "sending", "wait-ack" };
	const struct tftp_table *t = w->tftp;
	uint32_t i;

	for (i = 0; t && i < t->max; i++) {
		const struct tftp_session *s = &t->s[i];
		uint8_t st = s->state;

		if (st == TS_FREE || st >= RTE_DIM(state_names))
			continue;
		fprintf(out, "lcore=%u client=%u.%u.%u.%u:%u file=\"%.*s\" state=%s "
			"blksize=%u windowsize=%u acked=%lu/%lu retransmits=%u\n",
			w->lcore, s->client_ip >> 24, (s->client_ip >> 16) & 0xff,
			(s->client_ip >> 8) & 0xff, s->client_ip & 0xff, s->client_port,
			(int)sizeof(s->name), s->name, state_names[st], s->win.blksize,
			s->win.windowsize, (unsigned long)s->win.acked,
			(unsigned long)s->win.last, s->retransmits);
	}
}

uint32_t
tftp_active(const struct worker *w)
{
	return w->tftp ? w->tftp->active : 0;
}

static struct tftp_key
tftp_key_of(uint32_t ip, uint16_t port)
{
	struct tftp_key k = { ip, port, 0 };
	return k;
}

static struct tftp_session *
tftp_lookup(struct worker *w, uint32_t ip, uint16_t port)
{
	struct tftp_key k = tftp_key_of(ip, port);
	void *data;

	if (rte_hash_lookup_data(w->tftp->by_client, &k, &data) < 0)
		return NULL;
	return &w->tftp->s[(uintptr_t)data];
}

static uint64_t
tftp_token(const struct tftp_session *s)
{
	return (uint64_t)s->gen << 32 | s->slot;
}

static struct tftp_session *
tftp_from_token(struct worker *w, uint64_t token)
{
	uint32_t slot = (uint32_t)token;
	struct tftp_session *s;

	if (slot >= w->tftp->max)
		return NULL;
	s = &w->tftp->s[slot];
	if (s->state == TS_FREE || s->gen != (uint32_t)(token >> 32))
		return NULL;
	return s;
}

/* Where replies to this session's client go. */
static void
tftp_udp_dst(const struct worker *w, const struct tftp_session *s, uint16_t src_port,
	     struct frame_udp_tx *t)
{
	const struct frame_local *l = &w->ports[s->port_idx].local;

	memset(t, 0, sizeof(*t));
	memcpy(t->src_mac, l->mac, 6);
	memcpy(t->dst_mac, s->client_mac, 6);
	t->vlan = l->vlan;
	t->src_ip = l->ip;
	t->dst_ip = s->client_ip;
	t->src_port = src_port;
	t->dst_port = s->client_port;
	t->ttl = 64;
}

static int
tftp_send(struct worker *w, int port_idx, struct frame_udp_tx *t,
	  const struct tx_piece *pieces, int n)
{
	t->ip_id = w->ip_id++;
	return tx_udp(w, port_idx, t, pieces, n);
}

/* An ERROR to whoever sent fi (requests refused before a session exists). */
static void
tftp_send_error_to(struct worker *w, int port_idx, const struct frame_info *fi,
		   uint16_t src_port, uint16_t code, const char *msg)
{
	const struct frame_local *l = &w->ports[port_idx].local;
	struct frame_udp_tx t = { 0 };
	uint8_t buf[160];
	struct tx_piece pc = { buf, tftp_build_error(buf, sizeof(buf), code, msg), NULL };

	memcpy(t.src_mac, l->mac, 6);
	memcpy(t.dst_mac, fi->src_mac, 6);
	t.vlan = l->vlan;
	t.src_ip = l->ip;
	t.dst_ip = fi->src_ip;
	t.src_port = src_port;
	t.dst_port = fi->src_port;
	t.ttl = 64;
	if (pc.len && tftp_send(w, port_idx, &t, &pc, 1) > 0)
		w->stats.tftp_errors_sent++;
}

static void
tftp_log_refused(struct worker *w, const struct frame_info *fi, const char *name,
		 size_t name_len, uint16_t code, const char *msg)
{
	struct log_event ev = { 0 };

	ev.kind = LOG_TFTP_REFUSED;
	ev.client_ip = fi->src_ip;
	ev.client_port = fi->src_port;
	ev.error_code = code;
	memcpy(ev.mac, fi->src_mac, 6);
	if (name_len >= sizeof(ev.file))
		name_len = sizeof(ev.file) - 1;
	/* Names are hostile: keep them printable in the log. */
	for (size_t i = 0; i < name_len; i++)
		ev.file[i] = (name[i] >= 0x20 && name[i] < 0x7f && name[i] != '"') ?
			     name[i] : '?';
	snprintf(ev.detail, sizeof(ev.detail), "%s", msg);
	worker_log(w, &ev);
}

static void
tftp_refuse(struct worker *w, int port_idx, const struct frame_info *fi,
	    const char *name, size_t name_len, uint16_t code, const char *msg)
{
	tftp_send_error_to(w, port_idx, fi, TFTP_PORT, code, msg);
	tftp_log_refused(w, fi, name, name_len, code, msg);
}

static enum tftp_err
tftp_request_error_code(enum tftp_err e, uint16_t *ret_code)
{
	switch (e) {
	case TFTP_ERR_OPT_NO_VALUE:
	case TFTP_ERR_OPT_BAD_VALUE:
	case TFTP_ERR_OPT_DUPLICATE:
	case TFTP_ERR_TOO_MANY_OPTS:
		*ret_code = TFTP_EOPTNEG;
		break;
	default:
		*ret_code = TFTP_EBADOP;
		break;
	}
	return e;
}

/*
 * The server port (TID) of a new session: from this worker's slice, and
 * where the port hashes with RSS, one whose ACKs the NIC steers to this
 * worker's own queue. Others land elsewhere and are handed over.
 */
static uint16_t
tftp_pick_tid(const struct worker *w, const struct port *p, uint32_t slot, uint32_t client_ip,
	      uint16_t client_port)
{
	const struct tftp_table *t = w->tftp;
	uint32_t i, cand, h;

	if (!p->rss_steer)
		return t->tid_base + slot % t->tid_count;
	for (i = 0; i < 64; i++) {
		cand = t->tid_base + (slot + i * 7919) % t->tid_count;
		h = rss_ipv4_udp(p->rss_key, p->rss_key_len, client_ip, p->local.ip,
				 client_port, cand);
		if (p->reta[h % p->reta_size] == w->queue)
			return cand;
	}
	return t->tid_base + slot % t->tid_count;
}

static struct tftp_session *
tftp_session_alloc(struct worker *w, int port_idx, uint32_t client_ip, uint16_t client_port,
		   const uint8_t client_mac[6])
{
	struct tftp_table *t = w->tftp;
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
	s->server_port = tftp_pick_tid(w, &w->ports[port_idx], slot, client_ip, client_port);
	s->retries = 0;
	s->send_oack = 0;
	s->last_error = 0;
	s->file = NULL;
	s->chunk = NULL;
	s->send_cur = s->send_end = 0;
	s->retransmits = 0;
	s->timeouts = 0;
	s->start_ms = w->now_ms;
	memset(&s->win, 0, sizeof(s->win));
	memset(&s->granted, 0, sizeof(s->granted));
	w->stats.tftp_sessions_total++;
	return s;
}

bool
tftp_request_wants_multicast(const struct worker *w, const struct frame_info *fi)
{
	struct tftp_packet pkt;

	if (!w->cfg->multicast.enabled)
		return false;
	return tftp_parse(fi->payload, fi->payload_len, &pkt) == TFTP_OK &&
	       pkt.opcode == TFTP_OP_RRQ && (pkt.u.req.opts.present & TFTP_OPT_MULTICAST);
}

void
tftp_on_request(struct worker *w, int port_idx, const struct frame_info *fi)
{
	struct tftp_packet pkt;
	struct tftp_session *s;
	char path[TFTP_NAME_MAX + 1];
	enum tftp_err e;
	enum path_err pe;
	enum cache_err ce;
	uint16_t code;

	if (fi->ip_broadcast || fi->ip_multicast)
		return;		/* requests are unicast to our address */
	e = tftp_parse(fi->payload, fi->payload_len, &pkt);
	if (e != TFTP_OK) {
		w->stats.tftp_bad_request++;
		w->stats.tftp_err[e]++;
		/* Too short to be a request, or not one: silence. */
		if (e == TFTP_ERR_SHORT || e == TFTP_ERR_OPCODE)
			return;
		tftp_request_error_code(e, &code);
		tftp_refuse(w, port_idx, fi, "", 0, code, tftp_strerror(e));
		return;
	}
	if (pkt.opcode == TFTP_OP_WRQ) {
		w->stats.tftp_wrq_refused++;
		tftp_refuse(w, port_idx, fi, pkt.u.req.filename, pkt.u.req.filename_len,
			    TFTP_EACCESS, "pxeline is read-only: write requests refused");
		return;
	}
	if (pkt.opcode != TFTP_OP_RRQ) {
		w->stats.tftp_bad_tid++;	/* ACK/DATA/ERROR to port 69 */
		return;
	}
	w->stats.tftp_rrq++;

	s = tftp_lookup(w, fi->src_ip, fi->src_port);
	if (s) {
		/* A retransmitted RRQ: our first answer was lost or slow.
		 * Resend it if nothing has been acknowledged yet. */
		w->stats.tftp_dup_rrq++;
		if (s->state == TS_WAIT_ACK && s->win.acked == 0 && !s->win.done) {
			struct tftp_win_plan plan;

			if (tftp_window_on_timeout(&s->win, &plan) == TFTP_WIN_SEND) {
				s->send_oack = plan.send_oack;
				s->send_cur = plan.first;
				s->send_end = plan.first + plan.count;
				s->retransmits += plan.resent + plan.send_oack;
				w->stats.tftp_retransmits += plan.resent + plan.send_oack;
				tftp_pump(w, s);
			}
		}
		return;
	}
	if (pkt.u.req.mode != TFTP_MODE_OCTET) {
		tftp_refuse(w, port_idx, fi, pkt.u.req.filename, pkt.u.req.filename_len,
			    TFTP_EBADOP, pkt.u.req.mode == TFTP_MODE_NETASCII ?
			    "netascii mode is not supported: use octet (binary)" :
			    "mail mode is not supported: use octet (binary)");
		return;
	}
	pe = path_canonicalize(pkt.u.req.filename, pkt.u.req.filename_len, path, sizeof(path));
	if (pe != PATH_OK) {
		w->stats.tftp_path_refused++;
		tftp_refuse(w, port_idx, fi, pkt.u.req.filename, pkt.u.req.filename_len,
			    TFTP_EACCESS, path_strerror(pe));
		return;
	}
	if (tftp_mcast_on_request(w, port_idx, fi, &pkt, path))
		return;		/* joined (or joining) a multicast group */
	s = tftp_session_alloc(w, port_idx, fi->src_ip, fi->src_port, fi->src_mac);
	if (!s) {
		w->stats.tftp_busy++;
		tftp_refuse(w, port_idx, fi, pkt.u.req.filename, pkt.u.req.filename_len,
			    TFTP_EUNDEF, "server busy: too many transfers, retry later");
		return;
	}
	s->req = pkt.u.req.opts;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)sizeof(s->name) - 1, path);
	ce = cache_open_async(w->cache, w->id, tftp_token(s), path);
	if (ce != CACHE_OK) {
		w->stats.tftp_busy++;
		tftp_session_end(w, s, TFTP_END_BUSY, TFTP_EUNDEF,
				 "server busy: retry later");
		return;
	}
	tftp_set_state(s, TS_OPENING);
	tw_arm(w->wheel, &s->timer, w->now_ms + TFTP_OPEN_TIMEOUT_MS);
}

/* The largest block this interface can carry, unfragmented or not. */
static uint32_t
tftp_blksize_limit(const struct worker *w, const struct tftp_session *s)
{
	uint32_t max = w->cfg->tftp.blksize_max;
	uint32_t unfragmented = w->ports[s->port_idx].mtu - FRAME_IPV4_LEN - FRAME_UDP_LEN - 4;

	if (!w->cfg->tftp.allow_fragments && max > unfragmented)
		max = unfragmented;
	return max;
}

static void
tftp_on_opened(struct worker *w, struct tftp_session *s, struct cache_file *f)
{
	struct tftp_limits lim = { 0 };
	struct tftp_win_plan plan;
	uint32_t blksize, windowsize;
	uint8_t rollover;

	s->file = f;
	lim.blksize_max = tftp_blksize_limit(w, s);
	lim.windowsize_max = w->cfg->tftp.windowsize_max;
	lim.timeout_min = 1;
	lim.timeout_max = 255;
	lim.msftwindow = w->cfg->tftp.msftwindow;
	if (tftp_negotiate(&s->req, &lim, f->size, &s->granted) != TFTP_OK) {
		tftp_session_end(w, s, TFTP_END_BAD_OPTION, TFTP_EOPTNEG,
				 "option value out of range");
		return;
	}
	blksize = s->granted.present & TFTP_OPT_BLKSIZE ? s->granted.blksize :
		  TFTP_BLKSIZE_DEFAULT;
	windowsize = s->granted.present & TFTP_OPT_WINDOWSIZE ? s->granted.windowsize : 1;
	rollover = s->granted.present & TFTP_OPT_ROLLOVER ? s->granted.rollover : 0;
	s->rto_ms = w->cfg->tftp.timeout_ms;
	if (s->granted.present & TFTP_OPT_TIMEOUT)
		s->rto_ms = s->granted.timeout * 1000;
	else if (s->granted.present & TFTP_OPT_UTIMEOUT)
		s->rto_ms = s->granted.utimeout / 1000 ? s->granted.utimeout / 1000 : 1;
	tftp_window_init(&s->win, f->size, blksize, windowsize, rollover,
			 s->granted.present != 0);
	if (s->granted.present & TFTP_OPT_MSFTWINDOW)
		s->win.windowsize_max = w->cfg->tftp.windowsize_max;
	tftp_window_start(&s->win, &plan);
	s->send_oack = plan.send_oack;
	s->send_cur = plan.first;
	s->send_end = plan.first + plan.count;
	tftp_pump(w, s);
}

bool
tftp_session_adopt(struct worker *w, const struct tftp_adopt *a)
{
	struct tftp_win_plan plan;
	struct tftp_session *s;

	if (tftp_lookup(w, a->ip, a->port))
		return false;	/* already has a unicast transfer from that port */
	s = tftp_session_alloc(w, a->port_idx, a->ip, a->port, a->mac);
	if (!s)
		return false;
	/* The client knows the group's port as its server: keep it. */
	s->server_port = a->server_port;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)sizeof(s->name) - 1, a->path);
	memset(&s->req, 0, sizeof(s->req));
	s->granted.present = TFTP_OPT_BLKSIZE;
	s->granted.blksize = a->blksize;
	cache_file_get(a->file);
	s->file = a->file;
	s->rto_ms = w->cfg->tftp.timeout_ms;
	tftp_window_init(&s->win, a->file->size, a->blksize, 1, 0, false);
	/* Blocks the client already holds count as acknowledged; it may hold
	 * any the group sent, and ACK them. */
	tftp_window_resume(&s->win, a->acked, a->known_max);
	w->stats.tftp_from_multicast++;
	tftp_window_on_timeout(&s->win, &plan);
	tftp_apply_plan(w, s, &plan);
	return true;
}

void
tftp_on_cache_done(struct worker *w, const struct cache_done *d)
{
	struct tftp_session *s;

	if (d->token & TFTP_MCAST_TOKEN_BIT) {
		tftp_mcast_on_cache_done(w, d);
		return;
	}
	s = tftp_from_token(w, d->token);
	if (!s) {
		/* The session ended meanwhile: give back what was opened. */
		if (d->kind == CACHE_DONE_OPEN && d->err == CACHE_OK && d->file)
			cache_file_put(d->file);
		return;
	}
	if (d->kind == CACHE_DONE_OPEN) {
		if (s->state != TS_OPENING) {
			if (d->err == CACHE_OK && d->file)
				cache_file_put(d->file);
			return;
		}
		tw_cancel(w->wheel, &s->timer);
		switch (d->err) {
		case CACHE_OK:
			tftp_on_opened(w, s, d->file);
			break;
		case CACHE_ERR_NOT_FOUND:
			w->stats.tftp_not_found++;
			tftp_session_end(w, s, TFTP_END_NOT_FOUND, TFTP_ENOTFOUND,
					 "file not found");
			break;
		case CACHE_ERR_ACCESS:
			w->stats.tftp_path_refused++;
			tftp_session_end(w, s, TFTP_END_ACCESS, TFTP_EACCESS,
					 "access violation: not a readable file inside the root");
			break;
		case CACHE_ERR_BUSY:
		case CACHE_ERR_NOMEM:
			w->stats.tftp_busy++;
			tftp_session_end(w, s, TFTP_END_BUSY, TFTP_EUNDEF,
					 "server busy: retry later");
			break;
		default:
			tftp_session_end(w, s, TFTP_END_IO, TFTP_EUNDEF, cache_strerror(d->err));
			break;
		}
		return;
	}
	/* A chunk we waited for. */
	if (d->err == CACHE_ERR_STALE) {
		w->stats.tftp_stale++;
		tftp_session_end(w, s, TFTP_END_STALE, TFTP_EUNDEF,
				 "file changed on the server during the transfer");
		return;
	}
	if (d->err != CACHE_OK) {
		if (d->err == CACHE_ERR_BUSY && s->state == TS_SENDING) {
			/* Cache full for now: the timer will try again. */
			tw_arm(w->wheel, &s->timer, w->now_ms + 50);
			return;
		}
		tftp_session_end(w, s, TFTP_END_IO, TFTP_EUNDEF, cache_strerror(d->err));
		return;
	}
	if (s->state == TS_SENDING)
		tftp_pump(w, s);
}

/* Holds the chunk idx of s's file in *slot; asks the feeder on a miss. */
static bool
tftp_hold_chunk(struct worker *w, struct tftp_session *s, struct cache_chunk **slot,
		uint32_t idx)
{
	if (*slot && (*slot)->index == idx)
		return true;
	if (*slot) {
		cache_chunk_put(*slot);
		*slot = NULL;
	}
	*slot = cache_chunk_get(s->file, idx);
	if (*slot) {
		/* Moving into a new chunk: have the next ones read early. */
		if (idx + 1 < s->file->n_chunks)
			cache_readahead(w->cache, w->id, s->file, idx + 1);
		return true;
	}
	w->stats.tftp_chunk_waits++;
	if (cache_chunk_request(w->cache, w->id, tftp_token(s), s->file, idx) != CACHE_OK)
		tw_arm(w->wheel, &s->timer, w->now_ms + 10);	/* ring full: retry soon */
	return false;
}

static bool
tftp_send_oack(struct worker *w, struct tftp_session *s)
{
	struct frame_udp_tx t;
	uint8_t buf[512];
	struct tx_piece pc = { buf, tftp_build_oack(buf, sizeof(buf), &s->granted), NULL };

	if (!pc.len)
		return false;
	tftp_udp_dst(w, s, s->server_port, &t);
	if (tftp_send(w, s->port_idx, &t, &pc, 1) < 0)
		return false;
	w->stats.tftp_oacks_sent++;
	return true;
}

/*
 * Sends block n. Its payload may straddle two chunks; both are held for
 * the send. Returns false when a chunk is missing (the session parks).
 */
static int
tftp_send_block(struct worker *w, struct tftp_session *s, uint64_t n)
{
	struct cache_chunk *next = NULL;
	struct tx_piece pc[3];
	struct frame_udp_tx t;
	uint8_t hdr[4];
	uint64_t off;
	uint32_t len, csz = s->file->chunk_size, idx, in_first;
	int np = 1, ret;

	tftp_window_block_span(&s->win, n, &off, &len);
	tftp_build_data_header(hdr, sizeof(hdr), tftp_window_wire_block(&s->win, n));
	pc[0].p = hdr;
	pc[0].len = 4;
	pc[0].chunk = NULL;
	if (len) {
		idx = off / csz;
		if (!tftp_hold_chunk(w, s, &s->chunk, idx))
			return 0;
		in_first = (idx + 1) * (uint64_t)csz - off;
		if (in_first > len)
			in_first = len;
		pc[np].p = s->chunk->data + (off - (uint64_t)idx * csz);
		pc[np].chunk = s->chunk;
		pc[np++].len = in_first;
		if (in_first < len) {
			if (!tftp_hold_chunk(w, s, &next, idx + 1))
				return 0;
			pc[np].p = next->data;
			pc[np].chunk = next;
			pc[np++].len = len - in_first;
		}
	}
	tftp_udp_dst(w, s, s->server_port, &t);
	ret = tftp_send(w, s->port_idx, &t, pc, np);
	if (next) {
		/* Keep the chunk we are moving into as the current one. */
		cache_chunk_put(s->chunk);
		s->chunk = next;
	}
	if (ret < 0)
		return -1;
	w->stats.tftp_data_packets++;
	w->stats.tftp_bytes_sent += len;
	return 1;
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
tftp_pump(struct worker *w, struct tftp_session *s)
{
	int ret;

	tftp_set_state(s, TS_SENDING);
	if (s->send_oack) {
		if (!tftp_send_oack(w, s))
			goto no_mbuf;
		s->send_oack = 0;
	}
	while (s->send_cur < s->send_end) {
		ret = tftp_send_block(w, s, s->send_cur);
		if (ret == 0)
			return;		/* parked: the feeder's answer resumes us */
		if (ret < 0)
			goto no_mbuf;
		s->send_cur++;
	}
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(w->wheel, &s->timer, w->now_ms + tftp_session_rto(s));
	return;
no_mbuf:
	/* Out of mbufs: what was not sent goes out on the timeout. */
	s->send_cur = s->send_end;
	tftp_set_state(s, TS_WAIT_ACK);
	tw_arm(w->wheel, &s->timer, w->now_ms + tftp_session_rto(s));
}

static void
tftp_apply_plan(struct worker *w, struct tftp_session *s, const struct tftp_win_plan *p)
{
	s->send_oack = p->send_oack;
	s->send_cur = p->first;
	s->send_end = p->first + p->count;
	s->retransmits += p->resent;
	w->stats.tftp_retransmits += p->resent;
	tftp_pump(w, s);
}

static void
tftp_on_ack(struct worker *w, struct tftp_session *s, const struct tftp_packet *pkt)
{
	struct tftp_win_plan plan;

	w->stats.tftp_acks++;
	if (s->state == TS_OPENING)
		return;
	if ((s->granted.present & TFTP_OPT_MSFTWINDOW) && pkt->u.ack.has_next_window)
		tftp_window_set_size(&s->win, pkt->u.ack.next_window);
	switch (tftp_window_on_ack(&s->win, pkt->u.ack.block, &plan)) {
	case TFTP_WIN_DONE:
		w->stats.tftp_completed++;
		tftp_session_end(w, s, TFTP_END_DONE, -1, NULL);
		break;
	case TFTP_WIN_SEND:
		s->retries = 0;
		tftp_apply_plan(w, s, &plan);
		break;
	default:
		/* Duplicates never trigger a resend (Sorcerer's Apprentice);
		 * an ACK from the future is a confused client: count it. */
		w->stats.tftp_acks_ignored++;
		break;
	}
}

static void
tftp_on_client_error(struct worker *w, struct tftp_session *s, const struct tftp_packet *pkt)
{
	w->stats.tftp_errors_received++;
	s->last_error = pkt->u.error.code;
	/* Firmware probes tsize, then closes with ERROR 0 "TFTP Aborted"
	 * (BIOS ROMs) or ERROR 8 (OVMF) right after our first OACK: normal.
	 * After our timer resent the OACK it is a client that lost its ACK 0 and
	 * gave up on the repeat (atftp: "unexpected OACK"): a real abort. */
	if (s->win.oack_pending && s->retries == 0 &&
	    (pkt->u.error.code == TFTP_EUNDEF || pkt->u.error.code == TFTP_EOPTNEG)) {
		w->stats.tftp_tsize_probes++;
		tftp_session_end(w, s, TFTP_END_TSIZE_PROBE, -1, pkt->u.error.msg);
		return;
	}
	w->stats.tftp_client_aborts++;
	tftp_session_end(w, s, TFTP_END_CLIENT_ABORT, -1, pkt->u.error.msg);
}

void
tftp_on_packet(struct worker *w, int port_idx, const struct frame_info *fi)
{
	struct tftp_session *s;
	struct tftp_packet pkt;
	enum tftp_err e;

	if (fi->ip_broadcast || fi->ip_multicast) {
		w->stats.udp_no_service++;
		return;
	}
	s = tftp_lookup(w, fi->src_ip, fi->src_port);
	if (!s || s->server_port != fi->dst_port) {
		if (tftp_mcast_on_packet(w, port_idx, fi))
			return;
		if (fi->dst_port >= TFTP_TID_BASE &&
		    fi->dst_port < TFTP_TID_BASE + TFTP_TID_COUNT) {
			/* RFC 1350: a packet with a wrong TID gets ERROR 5 and
			 * disturbs no transfer. */
			w->stats.tftp_bad_tid++;
			tftp_send_error_to(w, port_idx, fi, fi->dst_port, TFTP_EBADID,
					   "unknown transfer ID");
		} else {
			w->stats.udp_no_service++;
		}
		return;
	}
	e = tftp_parse(fi->payload, fi->payload_len, &pkt);
	if (e != TFTP_OK) {
		w->stats.tftp_bad_packet++;
		w->stats.tftp_err[e]++;
		return;
	}
	switch (pkt.opcode) {
	case TFTP_OP_ACK:
		tftp_on_ack(w, s, &pkt);
		break;
	case TFTP_OP_ERROR:
		tftp_on_client_error(w, s, &pkt);
		break;
	default:
		w->stats.tftp_bad_packet++;
		break;
	}
}

static void
tftp_on_timeout(struct worker *w, struct tftp_session *s)
{
	struct tftp_win_plan plan;

	switch (s->state) {
	case TS_OPENING:
		tftp_session_end(w, s, TFTP_END_IO, TFTP_EUNDEF, "file open timed out");
		return;
	case TS_SENDING:
		/* Waiting for a chunk (or mbufs): try again. */
		tftp_pump(w, s);
		return;
	default:
		break;
	}
	w->stats.tftp_timeouts++;
	s->timeouts++;
	if (++s->retries > w->cfg->tftp.retries) {
		w->stats.tftp_gave_up++;
		tftp_session_end(w, s, TFTP_END_TIMEOUT, -1, "no ACK from the client");
		return;
	}
	if (tftp_window_on_timeout(&s->win, &plan) != TFTP_WIN_SEND)
		return;
	if (plan.send_oack) {
		s->retransmits++;
		w->stats.tftp_retransmits++;
	}
	tftp_apply_plan(w, s, &plan);
}

static void
tftp_timer_fire(struct tw_node *n, void *arg)
{
	tftp_on_timeout(arg, (struct tftp_session *)n);
}

void
tftp_run_timers(struct worker *w, unsigned budget)
{
	tw_advance(w->wheel, w->now_ms, budget, tftp_timer_fire, w);
}

static void
tftp_log_end(struct worker *w, const struct tftp_session *s, enum tftp_end_reason why,
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
	ev.file_size = s->file ? s->file->size : 0;
	ev.bytes = acked > ev.file_size ? ev.file_size : acked;
	ev.duration_us = (w->now_ms - s->start_ms) * 1000;
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
	worker_log(w, &ev);
}

/* Every ending goes through here. wire_code >= 0 sends an ERROR first. */
static void
tftp_session_end(struct worker *w, struct tftp_session *s, enum tftp_end_reason why,
		 int wire_code, const char *msg)
{
	struct tftp_table *t = w->tftp;
	struct tftp_key k = tftp_key_of(s->client_ip, s->client_port);
	struct frame_udp_tx tx;
	uint8_t buf[160];
	struct tx_piece pc = { 0 };

	if (wire_code >= 0) {
		pc.p = buf;
		pc.len = tftp_build_error(buf, sizeof(buf), wire_code, msg ? msg : "");
		tftp_udp_dst(w, s, s->server_port, &tx);
		if (pc.len && tftp_send(w, s->port_idx, &tx, &pc, 1) > 0)
			w->stats.tftp_errors_sent++;
		s->last_error = wire_code;
	}
	if (why != TFTP_END_DONE && why != TFTP_END_TSIZE_PROBE)
		w->stats.tftp_failed++;
	tftp_log_end(w, s, why, msg);
	tw_cancel(w->wheel, &s->timer);
	if (s->chunk)
		cache_chunk_put(s->chunk);
	if (s->file)
		cache_file_put(s->file);
	s->chunk = NULL;
	s->file = NULL;
	rte_hash_del_key(t->by_client, &k);
	tftp_set_state(s, TS_FREE);
	s->gen++;
	t->free[t->n_free++] = s->slot;
	t->active--;
	w->stats.tftp_sessions_ended++;
}

void
tftp_shutdown(struct worker *w)
{
	struct tftp_table *t = w->tftp;
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->max; i++)
		if (t->s[i].state != TS_FREE)
			tftp_session_end(w, &t->s[i], TFTP_END_SHUTDOWN, TFTP_EUNDEF,
					 "server shutting down");
}
