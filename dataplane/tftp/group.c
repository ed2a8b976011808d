/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane/core/tx.h"
#include "dataplane/tftp/group.h"
#include "dataplane/tftp/group_internal.h"
#include "dataplane/tftp/session.h"

static void mc_close(struct lcore *lc, struct mc_group *m, enum tftp_end_reason why,
		     const char *detail);

static void
mc_set_state(struct mc_group *m, enum mc_state st)
{
	m->state = st;
}

int
tftp_group_owner(const struct lcore *lc, uint16_t port)
{
	if (port < TFTP_MCAST_TID_BASE ||
	    port >= TFTP_MCAST_TID_BASE + TFTP_MCAST_MAX_GROUPS * lc->n_workers)
		return -1;
	return (port - TFTP_MCAST_TID_BASE) / TFTP_MCAST_MAX_GROUPS;
}

struct tftp_mcast_table *
mc_table(struct lcore *lc)
{
	struct tftp_mcast_table *t = lc->mcast;
	uint32_t n = lc->cfg->multicast.max_receivers, i;

	if (t)
		return t;
	t = rte_zmalloc("tftp_mcast", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (!t)
		return NULL;
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		struct mc_group *m = &t->grp[i];

		m->slot = i;
		tw_node_init(&m->timer);
		m->rcv = rte_zmalloc("tftp_mcast_rcv", sizeof(*m->rcv) * n, 0);
		m->rcv_req = rte_zmalloc("tftp_mcast_req", sizeof(*m->rcv_req) * n, 0);
		m->pending = rte_zmalloc("tftp_mcast_pending", sizeof(*m->pending) * n, 0);
		if (!m->rcv || !m->rcv_req || !m->pending) {
			for (; ; i--) {
				rte_free(t->grp[i].rcv);
				rte_free(t->grp[i].rcv_req);
				rte_free(t->grp[i].pending);
				if (i == 0)
					break;
			}
			rte_free(t);
			return NULL;
		}
	}
	tw_init(&t->wheel, lc->now_ms);
	lc->mcast = t;
	return t;
}

static uint64_t
mc_token(const struct mc_group *m)
{
	return tftp_token(true, m->gen, m->slot);
}

static struct mc_group *
mc_from_token(struct lcore *lc, uint64_t token)
{
	uint32_t slot = tftp_token_slot(token);
	struct mc_group *m;

	if (!lc->mcast || slot >= TFTP_MCAST_MAX_GROUPS)
		return NULL;
	m = &lc->mcast->grp[slot];
	if (m->state == MC_FREE || m->gen != tftp_token_gen(token))
		return NULL;
	return m;
}

/* Unicast from the group's port to one receiver. */
static void
mc_udp_to(const struct lcore *lc, const struct mc_group *m, uint32_t ip, uint16_t port,
	  const uint8_t mac[6], struct frame_udp_tx *t)
{
	tx_udp_addr(lc, m->port_idx, mac, ip_addr_v4(ip), m->server_port, port, t);
}

static void
mc_send_error(struct lcore *lc, const struct mc_group *m, uint32_t ip, uint16_t port,
	      const uint8_t mac[6], uint16_t code, const char *msg)
{
	struct frame_udp_tx t;

	mc_udp_to(lc, m, ip, port, mac, &t);
	tftp_xmit_error(lc, m->port_idx, &t, code, msg);
}

/* The OACK of receiver slot: what it asked that we grant, plus the group. */
static void
mc_send_oack(struct lcore *lc, struct mc_group *m, int32_t slot)
{
	const struct tftp_mcast_rcv *r = &m->rcv[slot];
	const struct tftp_options *req = &m->rcv_req[slot];
	struct tftp_options gr = { 0 };
	struct frame_udp_tx t;
	uint8_t buf[512];
	size_t len;

	if (req->present & TFTP_OPT_BLKSIZE) {
		gr.present |= TFTP_OPT_BLKSIZE;
		gr.blksize = m->blksize;
	}
	if (req->present & TFTP_OPT_TSIZE) {
		gr.present |= TFTP_OPT_TSIZE;
		gr.tsize = m->g.size;
	}
	len = tftp_build_oack(buf, sizeof(buf), &gr);
	if (len)
		len = tftp_mcast_append_option(buf, len, sizeof(buf), m->group_ip,
					       m->dst_port, slot == m->g.master);
	mc_udp_to(lc, m, r->ip, r->port, r->mac, &t);
	if (tftp_xmit_packet(lc, m->port_idx, &t, buf, len))
		lc->stats.mcast_oacks_sent++;
}

static void
mc_log_end(struct lcore *lc, const struct mc_group *m, const struct tftp_mcast_rcv *r,
	   enum tftp_mcast_end why, bool to_unicast)
{
	static const uint16_t reason[TFTP_MCE__MAX] = {
		[TFTP_MCE_DONE] = TFTP_END_DONE,
		[TFTP_MCE_TIMEOUT] = TFTP_END_TIMEOUT,
		[TFTP_MCE_LAGGARD] = TFTP_END_TIMEOUT,
		[TFTP_MCE_ABORT] = TFTP_END_CLIENT_ABORT,
		[TFTP_MCE_SHUTDOWN] = TFTP_END_SHUTDOWN,
	};
	struct log_event ev = { 0 };
	uint64_t acked = r->acked * (uint64_t)m->blksize;

	ev.kind = LOG_TFTP_END;
	/* Its unicast transfer writes the line that says how it ended. */
	ev.reason = to_unicast ? TFTP_END_TO_UNICAST : reason[why];
	ev.client = ip_addr_v4(r->ip);
	ev.client_port = r->port;
	ev.server_port = m->server_port;
	ev.file_size = m->g.size;
	ev.bytes = acked > m->g.size ? m->g.size : acked;
	ev.duration_us = (lc->now_ms - r->joined_ms) * 1000;
	ev.blksize = m->blksize;
	ev.windowsize = 1;
	ev.retransmits = r->repairs;
	ev.options = TFTP_OPT_MULTICAST;
	memcpy(ev.mac, r->mac, 6);
	snprintf(ev.file, sizeof(ev.file), "%.*s", (int)sizeof(ev.file) - 1, m->path);
	/* What the stream saved so far: group bytes vs one copy per receiver. */
	snprintf(ev.detail, sizeof(ev.detail),
		 "%s %u.%u.%u.%u: %s; master %u times, group sent %.2f copies",
		 m->mtftp ? "mtftp" : "multicast", m->group_ip >> 24, (m->group_ip >> 16) & 0xff, (m->group_ip >> 8) & 0xff,
		 m->group_ip & 0xff, tftp_mcast_strend(why), r->turns,
		 m->g.size ? (double)m->g.bytes_sent / (double)m->g.size : 0.0);
	lcore_log(lc, &ev);
}

static void
mc_arm(struct lcore *lc, struct mc_group *m, uint64_t in_ms)
{
	tw_arm(&lc->mcast->wheel, &m->timer, lc->now_ms + in_ms);
}

/*
 * An RFC 2090 receiver dropped from the group gets the rest by unicast from
 * the same server port, where its client takes DATA on its own socket too
 * (RFC 2090 lets the server send to the client's unicast address). That
 * also serves a client that never hears the group at all: iPXE's tftm://
 * binds its group socket with stray bytes in the address and never matches
 * the group's DATA. MTFTP clients restart on their own: not for them.
 */
static bool
mc_to_unicast(struct lcore *lc, const struct mc_group *m, const struct tftp_mcast_rcv *r)
{
	struct tftp_adopt a = {
		.port_idx = m->port_idx,
		.ip = r->ip,
		.port = r->port,
		.server_port = m->server_port,
		.blksize = m->blksize,
		.acked = r->acked,
		.known_max = m->g.sent_last,
		.file = m->src.file,
		.path = m->path,
	};

	if (m->mtftp || !m->src.file)
		return false;
	memcpy(a.mac, r->mac, 6);
	return tftp_session_adopt(lc, &a);
}

void
mc_apply(struct lcore *lc, struct mc_group *m, const struct tftp_mcast_plan *p)
{
	if (p->ended) {
		const struct tftp_mcast_rcv *r = &p->ended_rcv;
		bool to_unicast = false;

		switch (p->why) {
		case TFTP_MCE_DONE:
			lc->stats.mcast_completed++;
			lc->stats.mcast_bytes_delivered += m->g.size;
			break;
		case TFTP_MCE_TIMEOUT:
		case TFTP_MCE_LAGGARD:
			lc->stats.mcast_dropped++;
			to_unicast = mc_to_unicast(lc, m, r);
			if (to_unicast)
				break;
			/* Told so it can fall back to a unicast RRQ. */
			mc_send_error(lc, m, r->ip, r->port, r->mac, TFTP_EUNDEF,
				      "dropped from the multicast group: retry without multicast");
			break;
		default:
			lc->stats.mcast_aborted++;
			break;
		}
		mc_log_end(lc, m, r, p->why, to_unicast);
	}
	if (p->oack_to >= 0 && !m->mtftp) {
		if (p->ended)
			lc->stats.mcast_handovers++;
		mc_send_oack(lc, m, p->oack_to);
	}
	if (p->block) {
		m->pending_block = p->block;
		mc_pump(lc, m);
		return;
	}
	if (m->g.n_rcv == 0) {
		mc_close(lc, m, TFTP_END_DONE, NULL);
		return;
	}
	mc_arm(lc, m, m->rto_ms);
}

/* Block n to the group address. 1 sent, 0 parked on a chunk, -1 no mbuf. */
static int
mc_send_block(struct lcore *lc, struct mc_group *m, uint64_t n)
{
	struct frame_udp_tx t[2];
	unsigned n_dst = 0, sent;
	uint64_t off;
	uint32_t len;

	tftp_mcast_block_span(&m->g, n, &off, &len);
	/* PXE MTFTP: the requester learns it is the one to ACK from a block 1
	 * of its own (atftp --mget listens when block 1 comes by multicast).
	 * Unicast first: atftp reads its unicast socket first. */
	if (m->mtftp && n == 1 && m->g.master >= 0) {
		const struct tftp_mcast_rcv *r = &m->rcv[m->g.master];

		mc_udp_to(lc, m, r->ip, r->port, r->mac, &t[n_dst++]);
	}
	tx_udp_addr(lc, m->port_idx, m->group_mac, ip_addr_v4(m->group_ip), m->server_port, m->dst_port,
		    &t[n_dst]);
	t[n_dst++].ttl = m->ttl;
	switch (tftp_xmit_data(lc, m->port_idx, &m->src, mc_token(m), tftp_mcast_wire_block(n),
			       off, len, t, n_dst, &sent)) {
	case TFTP_XMIT_SENT:
		break;
	case TFTP_XMIT_WAIT:
		lc->stats.mcast_chunk_waits++;
		return 0;
	case TFTP_XMIT_RETRY:
		lc->stats.mcast_chunk_waits++;
		mc_arm(lc, m, 10);	/* ring full: retry soon */
		return 0;
	default:
		return -1;
	}
	if (n_dst == 2 && sent == 2) {
		lc->stats.mtftp_unicast_firsts++;
		lc->stats.mcast_bytes_sent += len;
	}
	tftp_mcast_sent(&m->g, n, len);
	lc->stats.mcast_data_packets++;
	lc->stats.mcast_bytes_sent += len;
	return 1;
}

void
mc_pump(struct lcore *lc, struct mc_group *m)
{
	uint32_t wait;
	int ret;

	if (!m->pending_block) {
		mc_arm(lc, m, m->rto_ms);
		return;
	}
	wait = tftp_mcast_pace(&m->g, lc->now_ms);
	if (wait) {
		lc->stats.mcast_paced++;
		mc_arm(lc, m, wait);
		return;
	}
	ret = mc_send_block(lc, m, m->pending_block);
	if (ret == 0)
		return;		/* parked: the feeder's answer resumes us */
	if (ret < 0) {
		mc_arm(lc, m, 5);	/* out of mbufs: soon again */
		return;
	}
	m->pending_block = 0;
	mc_arm(lc, m, m->rto_ms);
}

/* The stream's trace line: bytes on the wire against unicast. */
static void
mc_log_stream(struct lcore *lc, const struct mc_group *m)
{
	struct log_event ev = { 0 };

	ev.kind = LOG_MCAST_STREAM;
	ev.client = ip_addr_v4(m->group_ip);
	ev.client_port = m->dst_port;
	ev.server_port = m->server_port;
	ev.file_size = m->g.size;
	ev.bytes = m->g.bytes_sent;
	ev.duration_us = (lc->now_ms - m->start_ms) * 1000;
	ev.blksize = m->blksize;
	ev.mc.receivers = m->joined;
	ev.mc.completed = m->g.completed;
	ev.mc.dropped = m->g.dropped;
	ev.mc.handovers = m->g.handovers;
	ev.mc.mtftp = m->mtftp;
	snprintf(ev.file, sizeof(ev.file), "%.*s", (int)sizeof(ev.file) - 1, m->path);
	lcore_log(lc, &ev);
}

/*
 * Every group ends here. The ending says what each receiver hears
 * (tftp_end_wire: nothing for a group that simply ran out of receivers);
 * detail, when given, replaces its text.
 */
static void
mc_close(struct lcore *lc, struct mc_group *m, enum tftp_end_reason why, const char *detail)
{
	struct tftp_end_wire wire = tftp_end_wire(why);
	const char *msg = detail ? detail : wire.text;
	int wire_code = wire.code;
	struct tftp_mcast_plan p;
	uint32_t i;

	if (m->state == MC_FREE)
		return;
	for (i = 0; i < m->n_pending; i++)
		if (wire_code >= 0)
			mc_send_error(lc, m, m->pending[i].ip, m->pending[i].port,
				      m->pending[i].mac, wire_code, msg);
	m->n_pending = 0;
	if (m->state == MC_RUNNING) {
		for (i = 0; i < m->g.max_rcv; i++) {
			const struct tftp_mcast_rcv *r = &m->rcv[i];

			if (r->role == TFTP_MCR_FREE)
				continue;
			if (wire_code >= 0)
				mc_send_error(lc, m, r->ip, r->port, r->mac, wire_code, msg);
			/* Leave without naming masters: the group is going. */
			m->g.master = -1;
			tftp_mcast_leave(&m->g, (int32_t)i, TFTP_MCE_SHUTDOWN, &p);
			lc->stats.mcast_aborted++;
			mc_log_end(lc, m, &p.ended_rcv, TFTP_MCE_SHUTDOWN, false);
		}
	}
	if (m->state == MC_RUNNING)
		mc_log_stream(lc, m);
	if (lc->mcast)
		tw_cancel(&lc->mcast->wheel, &m->timer);
	tftp_source_release(&m->src);
	m->pending_block = 0;
	mc_set_state(m, MC_FREE);
	m->gen = (m->gen + 1) & 0x7fffffffu;
	lc->stats.mcast_groups_closed++;
}

/* The block size a receiver that asked req can take in a group of blksize. */
static bool
mc_blksize_fits(const struct tftp_options *req, uint32_t blksize)
{
	if (req->present & TFTP_OPT_BLKSIZE)
		return req->blksize >= blksize;	/* RFC 2348: we may grant less */
	return blksize == TFTP_BLKSIZE_DEFAULT;
}

static enum tftp_mcast_join
mc_join(struct lcore *lc, struct mc_group *m, uint32_t ip, uint16_t port, const uint8_t mac[6],
	const struct tftp_options *req)
{
	enum tftp_mcast_join j;
	int32_t slot;

	j = tftp_mcast_join(&m->g, ip, port, lc->now_ms, &slot);
	if (j == TFTP_MCJ_FULL)
		return j;
	if (j == TFTP_MCJ_JOINED) {
		memcpy(m->rcv[slot].mac, mac, 6);
		m->rcv[slot].opts = req->present;
		m->rcv_req[slot] = *req;
		m->joined++;
		lc->stats.mcast_joined++;
	}
	if (!m->mtftp)
		mc_send_oack(lc, m, slot);
	return j;
}

static void
mc_on_opened(struct lcore *lc, struct mc_group *m, struct cache_file *f)
{
	const struct cfg_multicast *mc = &lc->cfg->multicast;
	struct tftp_mcast_limits lim = { MC_RETRIES, mc->repair_max, mc->pace_pps };
	uint32_t i;

	m->src.file = f;
	tftp_mcast_init(&m->g, m->rcv, mc->max_receivers, f->size, m->blksize, &lim);
	m->g.pace_ms = lc->now_ms;
	mc_set_state(m, MC_RUNNING);
	for (i = 0; i < m->n_pending; i++) {
		const struct mc_pending *pd = &m->pending[i];

		if (mc_join(lc, m, pd->ip, pd->port, pd->mac, &pd->req) == TFTP_MCJ_FULL)
			mc_send_error(lc, m, pd->ip, pd->port, pd->mac, TFTP_EUNDEF,
				      "multicast group full: retry without multicast");
	}
	m->n_pending = 0;
	if (m->g.n_rcv == 0) {
		mc_close(lc, m, TFTP_END_DONE, NULL);
		return;
	}
	if (m->mtftp) {
		struct tftp_mcast_plan p;

		/* No OACK in MTFTP: the RRQ stands for the master's ACK 0. */
		if (tftp_mcast_on_ack(&m->g, m->g.master, 0, &p) == TFTP_MCEV_ACT) {
			mc_apply(lc, m, &p);
			return;
		}
	}
	mc_arm(lc, m, m->rto_ms);
}

bool
mc_open(struct lcore *lc, struct mc_group *m, const struct frame_info *fi,
	const struct tftp_options *req, const char *path)
{
	m->ttl = (uint8_t)lc->cfg->multicast.ttl;	/* 1..255 (config.c) */
	m->rto_ms = lc->cfg->tftp.timeout_ms < MC_RTO_MAX_MS ? lc->cfg->tftp.timeout_ms :
		    MC_RTO_MAX_MS;
	m->start_ms = lc->now_ms;
	m->joined = 0;
	m->pending_block = 0;
	m->n_pending = 1;
	m->pending[0].ip = fi->src_ip;
	m->pending[0].port = fi->src_port;
	memcpy(m->pending[0].mac, fi->src_mac, 6);
	m->pending[0].req = *req;
	snprintf(m->path, sizeof(m->path), "%s", path);
	mc_set_state(m, MC_OPENING);
	if (cache_open_async(lc->cache, lc->id, mc_token(m), path) != CACHE_OK) {
		m->n_pending = 0;
		mc_set_state(m, MC_FREE);
		return false;
	}
	lc->stats.mcast_groups_opened++;
	mc_arm(lc, m, MC_OPEN_TIMEOUT_MS);
	return true;
}

bool
tftp_group_on_request(struct lcore *lc, int port_idx, const struct frame_info *fi,
		      const struct tftp_packet *pkt, const char *path)
{
	const struct cfg_multicast *mc = &lc->cfg->multicast;
	struct tftp_options req = pkt->u.req.opts;
	struct tftp_mcast_table *t;
	struct mc_group *m = NULL, *free_m = NULL;
	uint32_t i, span;

	if (!mc->enabled || !(req.present & TFTP_OPT_MULTICAST))
		return false;
	lc->stats.mcast_requests++;
	/* RFC 2090 groups are IPv4 addresses: over IPv6, served unicast
	 * (the OACK does not grant "multicast"). */
	if (fi->ipv6)
		goto unicast;
	t = mc_table(lc);
	if (!t)
		goto unicast;
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		struct mc_group *g = &t->grp[i];

		if (g->state == MC_FREE) {
			if (!free_m)
				free_m = g;
		} else if (!g->mtftp && g->port_idx == port_idx && strcmp(g->path, path) == 0) {
			m = g;
			break;
		}
	}
	if (m) {
		if (!mc_blksize_fits(&req, m->blksize))
			goto unicast;
		if (m->state == MC_RUNNING)
			return mc_join(lc, m, fi->src_ip, fi->src_port, fi->src_mac, &req) !=
			       TFTP_MCJ_FULL ? true : (lc->stats.mcast_declined++, false);
		for (i = 0; i < m->n_pending; i++)
			if (m->pending[i].ip == fi->src_ip && m->pending[i].port == fi->src_port)
				return true;	/* repeated RRQ: the OACK follows the open */
		if (m->n_pending == lc->cfg->multicast.max_receivers)
			goto unicast;
		m->pending[m->n_pending].ip = fi->src_ip;
		m->pending[m->n_pending].port = fi->src_port;
		memcpy(m->pending[m->n_pending].mac, fi->src_mac, 6);
		m->pending[m->n_pending++].req = req;
		return true;
	}
	if (!free_m)
		goto unicast;
	m = free_m;
	m->gen = (m->gen + 1) & 0x7fffffffu;
	m->port_idx = port_idx;
	m->mtftp = false;
	m->dst_port = mc->port;
	m->server_port = TFTP_MCAST_TID_BASE + lc->id * TFTP_MCAST_MAX_GROUPS + m->slot;
	/* Workers take turns through the range, so they never share a group. */
	span = mc->group_prefix >= 32 ? 1 : 1u << (32 - mc->group_prefix);
	if (span > 65536)
		span = 65536;
	m->group_ip = mc->group_base + (m->slot * lc->n_workers + lc->id) % span;
	frame_multicast_mac(m->group_ip, m->group_mac);
	m->blksize = TFTP_BLKSIZE_DEFAULT;
	if (req.present & TFTP_OPT_BLKSIZE) {
		m->blksize = req.blksize < tftp_blksize_limit(lc, port_idx, false) ?
			     req.blksize : tftp_blksize_limit(lc, port_idx, false);
		if (m->blksize < TFTP_BLKSIZE_MIN)
			goto unicast;	/* let the unicast path refuse it */
	}
	if (!mc_open(lc, m, fi, &req, path))
		goto unicast;
	return true;
unicast:
	lc->stats.mcast_declined++;
	return false;
}

static struct mc_group *
mc_by_port(struct lcore *lc, int port_idx, uint16_t server_port)
{
	struct mc_group *m;

	if (!lc->mcast || tftp_group_owner(lc, server_port) != (int)lc->id)
		return NULL;
	m = &lc->mcast->grp[(server_port - TFTP_MCAST_TID_BASE) % TFTP_MCAST_MAX_GROUPS];
	if (m->state != MC_RUNNING || m->port_idx != port_idx)
		return NULL;
	return m;
}

bool
tftp_group_on_packet(struct lcore *lc, int port_idx, const struct frame_info *fi,
		     const struct tftp_packet *pkt)
{
	struct tftp_mcast_plan p;
	struct mc_group *m;
	int32_t slot;

	m = mc_by_port(lc, port_idx, fi->dst_port);
	if (!m)
		return false;
	if (!pkt) {
		lc->stats.tftp_bad_packet++;
		return true;
	}
	slot = tftp_mcast_find(&m->g, fi->src_ip, fi->src_port);
	if (slot < 0) {
		/* Not (or no longer) in the group: RFC 1350's unknown TID. */
		lc->stats.tftp_bad_tid++;
		if (pkt->opcode != TFTP_OP_ERROR)
			mc_send_error(lc, m, fi->src_ip, fi->src_port, fi->src_mac, TFTP_EBADID,
				      "unknown transfer ID");
		return true;
	}
	switch (pkt->opcode) {
	case TFTP_OP_ACK:
		lc->stats.mcast_acks++;
		if (tftp_mcast_on_ack(&m->g, slot, pkt->u.ack.block, &p) == TFTP_MCEV_NONE) {
			lc->stats.mcast_acks_ignored++;
			return true;
		}
		mc_apply(lc, m, &p);
		break;
	case TFTP_OP_ERROR:
		lc->stats.tftp_errors_received++;
		tftp_mcast_leave(&m->g, slot, TFTP_MCE_ABORT, &p);
		mc_apply(lc, m, &p);
		break;
	default:
		lc->stats.tftp_bad_packet++;
		break;
	}
	return true;
}

void
tftp_group_on_cache_done(struct lcore *lc, const struct cache_done *d)
{
	struct mc_group *m = mc_from_token(lc, d->token);

	if (!m || (d->kind == CACHE_DONE_OPEN && m->state != MC_OPENING)) {
		if (d->kind == CACHE_DONE_OPEN && d->err == CACHE_OK && d->file)
			cache_file_put(d->file);
		return;
	}
	if (d->kind == CACHE_DONE_OPEN) {
		tw_cancel(&lc->mcast->wheel, &m->timer);
		if (d->err == CACHE_OK)
			mc_on_opened(lc, m, d->file);
		else
			mc_close(lc, m, tftp_end_of_cache_err(lc, d->err),
				 d->err == CACHE_ERR_IO ? cache_strerror(d->err) : NULL);
		return;
	}
	if (d->err == CACHE_ERR_BUSY) {
		mc_arm(lc, m, 50);	/* cache full for now */
		return;
	}
	if (d->err != CACHE_OK) {
		mc_close(lc, m, tftp_end_of_cache_err(lc, d->err),
			 d->err == CACHE_ERR_STALE ? NULL : cache_strerror(d->err));
		return;
	}
	if (m->pending_block)
		mc_pump(lc, m);
}

static void
mc_on_timer(struct lcore *lc, struct mc_group *m)
{
	struct tftp_mcast_plan p;

	if (m->state == MC_OPENING) {
		mc_close(lc, m, TFTP_END_IO, "file open timed out");
		return;
	}
	if (m->state != MC_RUNNING)
		return;
	if (m->pending_block) {
		mc_pump(lc, m);	/* a chunk, an mbuf or the pace was awaited */
		return;
	}
	lc->stats.mcast_timeouts++;
	if (tftp_mcast_on_timeout(&m->g, &p) == TFTP_MCEV_NONE) {
		mc_close(lc, m, TFTP_END_DONE, NULL);
		return;
	}
	mc_apply(lc, m, &p);
}

static void
mc_timer_fire(struct tw_node *n, void *arg)
{
	mc_on_timer(arg, (struct mc_group *)n);
}

void
tftp_group_run_timers(struct lcore *lc, unsigned budget)
{
	if (lc->mcast)
		tw_advance(&lc->mcast->wheel, lc->now_ms, budget, mc_timer_fire, lc);
}

void
tftp_group_shutdown(struct lcore *lc)
{
	struct tftp_mcast_table *t = lc->mcast;
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		mc_close(lc, &t->grp[i], TFTP_END_SHUTDOWN, NULL);
		rte_free(t->grp[i].rcv);
		rte_free(t->grp[i].rcv_req);
		rte_free(t->grp[i].pending);
	}
	rte_free(t);
	lc->mcast = NULL;
}
