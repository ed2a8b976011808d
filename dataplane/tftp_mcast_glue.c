/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "control/log.h"
#include "dataplane/proto/mtftp.h"
#include "dataplane/proto/path.h"
#include "dataplane/proto/tftp_mcast.h"
#include "dataplane/tftp_mcast_glue.h"
#include "dataplane/tftp_session.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"

#define MC_OPEN_TIMEOUT_MS 10000
#define MC_RETRIES 3		/* master timeouts before it is dropped */
/* atftp's listeners give up after 5 x 5 s without DATA: a silent master
 * must be replaced well before that. */
#define MC_RTO_MAX_MS 1000

enum mc_state {
	MC_FREE,
	MC_OPENING,	/* waiting for the feeder to open the file */
	MC_RUNNING,	/* streaming */
};

/* A receiver whose RRQ came while the file was being opened. */
struct mc_pending {
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	struct tftp_options req;
};

/* One group: one file version to one group address. */
struct mc_group {
	struct tw_node timer;		/* RTO, pacing, chunk retry (first member) */
	uint32_t slot;
	uint32_t gen;			/* bumped on reuse: stale feeder answers miss */
	uint8_t state;			/* enum mc_state, set by mc_set_state */
	uint8_t port_idx;		/* interface of the group */
	uint16_t server_port;		/* our TID: source of OACKs and DATA */
	uint16_t dst_port;		/* where DATA goes: multicast.port or MTFTP-CPORT */
	bool mtftp;			/* a PXE MTFTP transfer: no OACK, block 1 unicast too */
	uint32_t group_ip;
	uint8_t group_mac[6];
	uint32_t blksize;		/* the group's, from its first receiver */
	uint32_t rto_ms;
	uint64_t start_ms;
	uint32_t joined;		/* receivers that joined by RRQ, for the stream line */
	uint64_t pending_block;		/* to send once a chunk or the pace allows, 0 none */
	struct cache_file *file;	/* the version streamed, held */
	struct cache_chunk *chunk;	/* chunk of the last block sent, held */
	uint32_t n_pending;
	/* RRQs held while the file opens: as many as the group takes, so a
	 * boot storm (every client asking at once) still joins one stream. */
	struct mc_pending *pending;
	struct tftp_mcast_group g;	/* proto/tftp_mcast.h */
	struct tftp_mcast_rcv *rcv;	/* cfg max_receivers slots */
	struct tftp_options *rcv_req;	/* what each receiver asked */
	char path[256];
};

struct tftp_mcast_table {
	struct timer_wheel wheel;	/* group timers, apart from the sessions' */
	struct mc_group grp[TFTP_MCAST_MAX_GROUPS];
};

static void mc_close(struct worker *w, struct mc_group *m, int wire_code, const char *msg);
static void mc_pump(struct worker *w, struct mc_group *m);

static void
mc_set_state(struct mc_group *m, enum mc_state st)
{
	m->state = st;
}

int
tftp_mcast_tid_owner(const struct worker *w, uint16_t port)
{
	if (port < TFTP_MCAST_TID_BASE ||
	    port >= TFTP_MCAST_TID_BASE + TFTP_MCAST_MAX_GROUPS * w->n_workers)
		return -1;
	return (port - TFTP_MCAST_TID_BASE) / TFTP_MCAST_MAX_GROUPS;
}

/* Created on the first multicast RRQ: a worker without any pays nothing. */
static struct tftp_mcast_table *
mc_table(struct worker *w)
{
	struct tftp_mcast_table *t = w->mcast;
	uint32_t n = w->cfg->multicast.max_receivers, i;

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
	tw_init(&t->wheel, w->now_ms);
	w->mcast = t;
	return t;
}

static uint64_t
mc_token(const struct mc_group *m)
{
	return TFTP_MCAST_TOKEN_BIT | (uint64_t)m->gen << 32 | m->slot;
}

static struct mc_group *
mc_from_token(struct worker *w, uint64_t token)
{
	uint32_t slot = (uint32_t)token;
	struct mc_group *m;

	if (!w->mcast || slot >= TFTP_MCAST_MAX_GROUPS)
		return NULL;
	m = &w->mcast->grp[slot];
	if (m->state == MC_FREE || m->gen != ((uint32_t)(token >> 32) & 0x7fffffffu))
		return NULL;
	return m;
}

static int
mc_send(struct worker *w, int port_idx, struct frame_udp_tx *t, const struct tx_piece *pc,
	int n)
{
	t->ip_id = w->ip_id++;
	return tx_udp(w, port_idx, t, pc, n);
}

/* Unicast from the group's port to one receiver. */
static void
mc_udp_to(const struct worker *w, const struct mc_group *m, uint32_t ip, uint16_t port,
	  const uint8_t mac[6], struct frame_udp_tx *t)
{
	const struct frame_local *l = &w->ports[m->port_idx].local;

	memset(t, 0, sizeof(*t));
	memcpy(t->src_mac, l->mac, 6);
	memcpy(t->dst_mac, mac, 6);
	t->vlan = l->vlan;
	t->src_ip = l->ip;
	t->dst_ip = ip;
	t->src_port = m->server_port;
	t->dst_port = port;
	t->ttl = 64;
}

static void
mc_send_error(struct worker *w, const struct mc_group *m, uint32_t ip, uint16_t port,
	      const uint8_t mac[6], uint16_t code, const char *msg)
{
	struct frame_udp_tx t;
	uint8_t buf[160];
	struct tx_piece pc = { buf, tftp_build_error(buf, sizeof(buf), code, msg), NULL };

	mc_udp_to(w, m, ip, port, mac, &t);
	if (pc.len && mc_send(w, m->port_idx, &t, &pc, 1) > 0)
		w->stats.tftp_errors_sent++;
}

/* The OACK of receiver slot: what it asked that we grant, plus the group. */
static void
mc_send_oack(struct worker *w, struct mc_group *m, int32_t slot)
{
	const struct tftp_mcast_rcv *r = &m->rcv[slot];
	const struct tftp_options *req = &m->rcv_req[slot];
	struct tftp_options gr = { 0 };
	struct frame_udp_tx t;
	uint8_t buf[512];
	struct tx_piece pc = { buf, 0, NULL };
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
					       w->cfg->multicast.port, slot == m->g.master);
	if (!len)
		return;
	pc.len = len;
	mc_udp_to(w, m, r->ip, r->port, r->mac, &t);
	if (mc_send(w, m->port_idx, &t, &pc, 1) > 0)
		w->stats.mcast_oacks_sent++;
}

static void
mc_log_end(struct worker *w, const struct mc_group *m, const struct tftp_mcast_rcv *r,
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
	ev.client_ip = r->ip;
	ev.client_port = r->port;
	ev.server_port = m->server_port;
	ev.file_size = m->g.size;
	ev.bytes = acked > m->g.size ? m->g.size : acked;
	ev.duration_us = (w->now_ms - r->joined_ms) * 1000;
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
	worker_log(w, &ev);
}

static void
mc_arm(struct worker *w, struct mc_group *m, uint64_t in_ms)
{
	tw_arm(&w->mcast->wheel, &m->timer, w->now_ms + in_ms);
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
mc_to_unicast(struct worker *w, const struct mc_group *m, const struct tftp_mcast_rcv *r)
{
	struct tftp_adopt a = {
		.port_idx = m->port_idx,
		.ip = r->ip,
		.port = r->port,
		.server_port = m->server_port,
		.blksize = m->blksize,
		.acked = r->acked,
		.known_max = m->g.sent_last,
		.file = m->file,
		.path = m->path,
	};

	if (m->mtftp || !m->file)
		return false;
	memcpy(a.mac, r->mac, 6);
	return tftp_session_adopt(w, &a);
}

/* Carries out what the state machine decided. */
static void
mc_apply(struct worker *w, struct mc_group *m, const struct tftp_mcast_plan *p)
{
	if (p->ended) {
		const struct tftp_mcast_rcv *r = &p->ended_rcv;
		bool to_unicast = false;

		switch (p->why) {
		case TFTP_MCE_DONE:
			w->stats.mcast_completed++;
			w->stats.mcast_bytes_delivered += m->g.size;
			break;
		case TFTP_MCE_TIMEOUT:
		case TFTP_MCE_LAGGARD:
			w->stats.mcast_dropped++;
			to_unicast = mc_to_unicast(w, m, r);
			if (to_unicast)
				break;
			/* Told so it can fall back to a unicast RRQ. */
			mc_send_error(w, m, r->ip, r->port, r->mac, TFTP_EUNDEF,
				      "dropped from the multicast group: retry without multicast");
			break;
		default:
			w->stats.mcast_aborted++;
			break;
		}
		mc_log_end(w, m, r, p->why, to_unicast);
	}
	if (p->oack_to >= 0 && !m->mtftp) {
		if (p->ended)
			w->stats.mcast_handovers++;
		mc_send_oack(w, m, p->oack_to);
	}
	if (p->block) {
		m->pending_block = p->block;
		mc_pump(w, m);
		return;
	}
	if (m->g.n_rcv == 0) {
		mc_close(w, m, -1, NULL);
		return;
	}
	mc_arm(w, m, m->rto_ms);
}

/* Holds chunk idx in *slot; asks the feeder on a miss. */
static bool
mc_hold_chunk(struct worker *w, struct mc_group *m, struct cache_chunk **slot, uint32_t idx)
{
	if (*slot && (*slot)->index == idx)
		return true;
	if (*slot) {
		cache_chunk_put(*slot);
		*slot = NULL;
	}
	*slot = cache_chunk_get(m->file, idx);
	if (*slot) {
		if (idx + 1 < m->file->n_chunks)
			cache_readahead(w->cache, w->id, m->file, idx + 1);
		return true;
	}
	w->stats.mcast_chunk_waits++;
	if (cache_chunk_request(w->cache, w->id, mc_token(m), m->file, idx) != CACHE_OK)
		mc_arm(w, m, 10);	/* ring full: retry soon */
	return false;
}

/* Block n to the group address. 1 sent, 0 parked on a chunk, -1 no mbuf. */
static int
mc_send_block(struct worker *w, struct mc_group *m, uint64_t n)
{
	const struct frame_local *l = &w->ports[m->port_idx].local;
	struct cache_chunk *next = NULL;
	struct tx_piece pc[3];
	struct frame_udp_tx t;
	uint8_t hdr[4];
	uint64_t off;
	uint32_t len, csz = m->file->chunk_size, idx, in_first;
	int np = 1, ret;

	tftp_mcast_block_span(&m->g, n, &off, &len);
	tftp_build_data_header(hdr, sizeof(hdr), tftp_mcast_wire_block(n));
	pc[0].p = hdr;
	pc[0].len = 4;
	pc[0].chunk = NULL;
	if (len) {
		idx = off / csz;
		if (!mc_hold_chunk(w, m, &m->chunk, idx))
			return 0;
		in_first = (idx + 1) * (uint64_t)csz - off;
		if (in_first > len)
			in_first = len;
		pc[np].p = m->chunk->data + (off - (uint64_t)idx * csz);
		pc[np].chunk = m->chunk;
		pc[np++].len = in_first;
		if (in_first < len) {
			if (!mc_hold_chunk(w, m, &next, idx + 1))
				return 0;
			pc[np].p = next->data;
			pc[np].chunk = next;
			pc[np++].len = len - in_first;
		}
	}
	/* PXE MTFTP: the requester learns it is the one to ACK from a block 1
	 * of its own (atftp --mget listens when block 1 comes by multicast).
	 * Unicast first: atftp reads its unicast socket first. */
	if (m->mtftp && n == 1 && m->g.master >= 0) {
		const struct tftp_mcast_rcv *r = &m->rcv[m->g.master];

		mc_udp_to(w, m, r->ip, r->port, r->mac, &t);
		if (mc_send(w, m->port_idx, &t, pc, np) > 0) {
			w->stats.mtftp_unicast_firsts++;
			w->stats.mcast_bytes_sent += len;
		}
	}
	memset(&t, 0, sizeof(t));
	memcpy(t.src_mac, l->mac, 6);
	memcpy(t.dst_mac, m->group_mac, 6);
	t.vlan = l->vlan;
	t.src_ip = l->ip;
	t.dst_ip = m->group_ip;
	t.src_port = m->server_port;
	t.dst_port = m->dst_port;
	t.ttl = (uint8_t)w->cfg->multicast.ttl;
	ret = mc_send(w, m->port_idx, &t, pc, np);
	if (next) {
		cache_chunk_put(m->chunk);
		m->chunk = next;
	}
	if (ret < 0)
		return -1;
	tftp_mcast_sent(&m->g, n, len);
	w->stats.mcast_data_packets++;
	w->stats.mcast_bytes_sent += len;
	return 1;
}

/* Sends the pending block if the pace and the cache allow, else waits. */
static void
mc_pump(struct worker *w, struct mc_group *m)
{
	uint32_t wait;
	int ret;

	if (!m->pending_block) {
		mc_arm(w, m, m->rto_ms);
		return;
	}
	wait = tftp_mcast_pace(&m->g, w->now_ms);
	if (wait) {
		w->stats.mcast_paced++;
		mc_arm(w, m, wait);
		return;
	}
	ret = mc_send_block(w, m, m->pending_block);
	if (ret == 0)
		return;		/* parked: the feeder's answer resumes us */
	if (ret < 0) {
		mc_arm(w, m, 5);	/* out of mbufs: soon again */
		return;
	}
	m->pending_block = 0;
	mc_arm(w, m, m->rto_ms);
}

/* The stream's trace line: bytes on the wire against unicast. */
static void
mc_log_stream(struct worker *w, const struct mc_group *m)
{
	struct log_event ev = { 0 };

	ev.kind = LOG_MCAST_STREAM;
	ev.client_ip = m->group_ip;
	ev.client_port = m->dst_port;
	ev.server_port = m->server_port;
	ev.file_size = m->g.size;
	ev.bytes = m->g.bytes_sent;
	ev.duration_us = (w->now_ms - m->start_ms) * 1000;
	ev.blksize = m->blksize;
	ev.mc.receivers = m->joined;
	ev.mc.completed = m->g.completed;
	ev.mc.dropped = m->g.dropped;
	ev.mc.handovers = m->g.handovers;
	ev.mc.mtftp = m->mtftp;
	snprintf(ev.file, sizeof(ev.file), "%.*s", (int)sizeof(ev.file) - 1, m->path);
	worker_log(w, &ev);
}

/* Every group ends here; wire_code >= 0 tells each receiver first. */
static void
mc_close(struct worker *w, struct mc_group *m, int wire_code, const char *msg)
{
	struct tftp_mcast_plan p;
	uint32_t i;

	if (m->state == MC_FREE)
		return;
	for (i = 0; i < m->n_pending; i++)
		if (wire_code >= 0)
			mc_send_error(w, m, m->pending[i].ip, m->pending[i].port,
				      m->pending[i].mac, wire_code, msg);
	m->n_pending = 0;
	if (m->state == MC_RUNNING) {
		for (i = 0; i < m->g.max_rcv; i++) {
			const struct tftp_mcast_rcv *r = &m->rcv[i];

			if (r->role == TFTP_MCR_FREE)
				continue;
			if (wire_code >= 0)
				mc_send_error(w, m, r->ip, r->port, r->mac, wire_code, msg);
			/* Leave without naming masters: the group is going. */
			m->g.master = -1;
			tftp_mcast_leave(&m->g, (int32_t)i, TFTP_MCE_SHUTDOWN, &p);
			w->stats.mcast_aborted++;
			mc_log_end(w, m, &p.ended_rcv, TFTP_MCE_SHUTDOWN, false);
		}
	}
	if (m->state == MC_RUNNING)
		mc_log_stream(w, m);
	if (w->mcast)
		tw_cancel(&w->mcast->wheel, &m->timer);
	if (m->chunk)
		cache_chunk_put(m->chunk);
	if (m->file)
		cache_file_put(m->file);
	m->chunk = NULL;
	m->file = NULL;
	m->pending_block = 0;
	mc_set_state(m, MC_FREE);
	m->gen = (m->gen + 1) & 0x7fffffffu;
	w->stats.mcast_groups_closed++;
}

/* The largest block this interface carries (as the unicast path decides). */
static uint32_t
mc_blksize_limit(const struct worker *w, int port_idx)
{
	uint32_t max = w->cfg->tftp.blksize_max;
	uint32_t unfragmented = w->ports[port_idx].mtu - FRAME_IPV4_LEN - FRAME_UDP_LEN - 4;

	if (!w->cfg->tftp.allow_fragments && max > unfragmented)
		max = unfragmented;
	return max;
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
mc_join(struct worker *w, struct mc_group *m, uint32_t ip, uint16_t port, const uint8_t mac[6],
	const struct tftp_options *req)
{
	enum tftp_mcast_join j;
	int32_t slot;

	j = tftp_mcast_join(&m->g, ip, port, w->now_ms, &slot);
	if (j == TFTP_MCJ_FULL)
		return j;
	if (j == TFTP_MCJ_JOINED) {
		memcpy(m->rcv[slot].mac, mac, 6);
		m->rcv[slot].opts = req->present;
		m->rcv_req[slot] = *req;
		m->joined++;
		w->stats.mcast_joined++;
	}
	if (!m->mtftp)
		mc_send_oack(w, m, slot);
	return j;
}

static void
mc_on_opened(struct worker *w, struct mc_group *m, struct cache_file *f)
{
	const struct cfg_multicast *mc = &w->cfg->multicast;
	struct tftp_mcast_limits lim = { MC_RETRIES, mc->repair_max, mc->pace_pps };
	uint32_t i;

	m->file = f;
	tftp_mcast_init(&m->g, m->rcv, mc->max_receivers, f->size, m->blksize, &lim);
	m->g.pace_ms = w->now_ms;
	mc_set_state(m, MC_RUNNING);
	for (i = 0; i < m->n_pending; i++) {
		const struct mc_pending *pd = &m->pending[i];

		if (mc_join(w, m, pd->ip, pd->port, pd->mac, &pd->req) == TFTP_MCJ_FULL)
			mc_send_error(w, m, pd->ip, pd->port, pd->mac, TFTP_EUNDEF,
				      "multicast group full: retry without multicast");
	}
	m->n_pending = 0;
	if (m->g.n_rcv == 0) {
		mc_close(w, m, -1, NULL);
		return;
	}
	if (m->mtftp) {
		struct tftp_mcast_plan p;

		/* No OACK in MTFTP: the RRQ stands for the master's ACK 0. */
		if (tftp_mcast_on_ack(&m->g, m->g.master, 0, &p) == TFTP_MCEV_ACT) {
			mc_apply(w, m, &p);
			return;
		}
	}
	mc_arm(w, m, m->rto_ms);
}

/*
 * A free group m, its address and block size chosen, starts: the request
 * in fi waits in it while the feeder opens the file. False (m left free)
 * when the feeder cannot take the open now.
 */
static bool
mc_open(struct worker *w, struct mc_group *m, const struct frame_info *fi,
	const struct tftp_options *req, const char *path)
{
	m->rto_ms = w->cfg->tftp.timeout_ms < MC_RTO_MAX_MS ? w->cfg->tftp.timeout_ms :
		    MC_RTO_MAX_MS;
	m->start_ms = w->now_ms;
	m->joined = 0;
	m->pending_block = 0;
	m->n_pending = 1;
	m->pending[0].ip = fi->src_ip;
	m->pending[0].port = fi->src_port;
	memcpy(m->pending[0].mac, fi->src_mac, 6);
	m->pending[0].req = *req;
	snprintf(m->path, sizeof(m->path), "%s", path);
	mc_set_state(m, MC_OPENING);
	if (cache_open_async(w->cache, w->id, mc_token(m), path) != CACHE_OK) {
		m->n_pending = 0;
		mc_set_state(m, MC_FREE);
		return false;
	}
	w->stats.mcast_groups_opened++;
	mc_arm(w, m, MC_OPEN_TIMEOUT_MS);
	return true;
}

bool
tftp_mcast_on_request(struct worker *w, int port_idx, const struct frame_info *fi,
		      const struct tftp_packet *pkt, const char *path)
{
	const struct cfg_multicast *mc = &w->cfg->multicast;
	struct tftp_options req = pkt->u.req.opts;
	struct tftp_mcast_table *t;
	struct mc_group *m = NULL, *free_m = NULL;
	uint32_t i, span;

	if (!mc->enabled || !(req.present & TFTP_OPT_MULTICAST))
		return false;
	w->stats.mcast_requests++;
	t = mc_table(w);
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
			return mc_join(w, m, fi->src_ip, fi->src_port, fi->src_mac, &req) !=
			       TFTP_MCJ_FULL ? true : (w->stats.mcast_declined++, false);
		for (i = 0; i < m->n_pending; i++)
			if (m->pending[i].ip == fi->src_ip && m->pending[i].port == fi->src_port)
				return true;	/* repeated RRQ: the OACK follows the open */
		if (m->n_pending == w->cfg->multicast.max_receivers)
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
	m->server_port = TFTP_MCAST_TID_BASE + w->id * TFTP_MCAST_MAX_GROUPS + m->slot;
	/* Workers take turns through the range, so they never share a group. */
	span = mc->group_prefix >= 32 ? 1 : 1u << (32 - mc->group_prefix);
	if (span > 65536)
		span = 65536;
	m->group_ip = mc->group_base + (m->slot * w->n_workers + w->id) % span;
	frame_multicast_mac(m->group_ip, m->group_mac);
	m->blksize = TFTP_BLKSIZE_DEFAULT;
	if (req.present & TFTP_OPT_BLKSIZE) {
		m->blksize = req.blksize < mc_blksize_limit(w, port_idx) ?
			     req.blksize : mc_blksize_limit(w, port_idx);
		if (m->blksize < TFTP_BLKSIZE_MIN)
			goto unicast;	/* let the unicast path refuse it */
	}
	if (!mc_open(w, m, fi, &req, path))
		goto unicast;
	return true;
unicast:
	w->stats.mcast_declined++;
	return false;
}

/* An ERROR to an MTFTP requester, from the MTFTP port (as 69 answers RRQs). */
static void
mt_refuse(struct worker *w, int port_idx, const struct frame_info *fi, uint16_t code,
	  const char *msg)
{
	const struct frame_local *l = &w->ports[port_idx].local;
	struct frame_udp_tx t;
	uint8_t buf[160];
	struct tx_piece pc = { buf, tftp_build_error(buf, sizeof(buf), code, msg), NULL };

	memset(&t, 0, sizeof(t));
	memcpy(t.src_mac, l->mac, 6);
	memcpy(t.dst_mac, fi->src_mac, 6);
	t.vlan = l->vlan;
	t.src_ip = l->ip;
	t.dst_ip = fi->src_ip;
	t.src_port = fi->dst_port;
	t.dst_port = fi->src_port;
	t.ttl = 64;
	if (pc.len && mc_send(w, port_idx, &t, &pc, 1) > 0)
		w->stats.tftp_errors_sent++;
}

/* A repeated RRQ from the requester itself: block 1 again if it has nothing. */
static bool
mt_repeat(struct worker *w, struct mc_group *m, const struct frame_info *fi)
{
	uint32_t i;

	if (m->state == MC_OPENING) {
		for (i = 0; i < m->n_pending; i++)
			if (m->pending[i].ip == fi->src_ip && m->pending[i].port == fi->src_port)
				return true;
		return false;
	}
	if (m->g.master < 0 || m->rcv[m->g.master].ip != fi->src_ip ||
	    m->rcv[m->g.master].port != fi->src_port)
		return false;
	if (m->rcv[m->g.master].acked == 0 && !m->pending_block) {
		m->pending_block = 1;
		mc_pump(w, m);
	}
	return true;
}

void
tftp_mcast_on_mtftp_request(struct worker *w, int port_idx, const struct frame_info *fi)
{
	static const struct tftp_options no_options;	/* MTFTP RRQs carry none */
	const struct cfg_multicast *mc = &w->cfg->multicast;
	struct mtftp_running run[TFTP_MCAST_MAX_GROUPS];
	struct tftp_mcast_table *t;
	struct mc_group *m = NULL;
	char path[TFTP_NAME_MAX + 1];
	struct tftp_packet pkt;
	enum mtftp_verdict v;
	uint32_t i, ip;
	size_t n = 0;
	enum path_err pe;

	if (fi->ip_broadcast || fi->ip_multicast)
		return;
	if (tftp_parse(fi->payload, fi->payload_len, &pkt) != TFTP_OK ||
	    pkt.opcode != TFTP_OP_RRQ) {
		w->stats.tftp_bad_request++;
		return;		/* MTFTP reads only: anything else is silence */
	}
	w->stats.mtftp_requests++;
	if (pkt.u.req.mode != TFTP_MODE_OCTET) {
		mt_refuse(w, port_idx, fi, TFTP_EBADOP, "MTFTP is octet mode only");
		return;
	}
	pe = path_canonicalize(pkt.u.req.filename, pkt.u.req.filename_len, path, sizeof(path));
	if (pe != PATH_OK) {
		w->stats.tftp_path_refused++;
		mt_refuse(w, port_idx, fi, TFTP_EACCESS, path_strerror(pe));
		return;
	}
	t = mc_table(w);
	if (!t) {
		mt_refuse(w, port_idx, fi, TFTP_EUNDEF, "server busy: retry later");
		return;
	}
	ip = mtftp_group_ip(path, mc->mtftp_group_base, mc->mtftp_group_prefix);
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		struct mc_group *g = &t->grp[i];

		if (g->state == MC_FREE) {
			if (!m)
				m = g;
			continue;
		}
		if (!g->mtftp || g->port_idx != port_idx)
			continue;
		if (strcmp(g->path, path) == 0 && mt_repeat(w, g, fi))
			return;
		if (strcmp(g->path, path) == 0 && g->state == MC_RUNNING && g->g.retries > 0 &&
		    g->g.master >= 0) {
			struct tftp_mcast_plan p;

			/* Its master went silent and a listener asks: start again
			 * for the one that asks rather than wait out the retries. */
			tftp_mcast_leave(&g->g, g->g.master, TFTP_MCE_TIMEOUT, &p);
			mc_apply(w, g, &p);
			if (g->state == MC_FREE) {
				if (!m)
					m = g;
				continue;
			}
		}
		run[n].path = g->path;
		run[n++].group_ip = g->group_ip;
	}
	v = mtftp_decide(run, n, path, ip);
	if (v == MTFTP_V_STREAMING) {
		/* It hears the stream and listens; a second one would double it. */
		w->stats.mtftp_listening++;
		return;
	}
	if (v == MTFTP_V_CLASH) {
		w->stats.mtftp_clash++;
		return;		/* its RRQ timer asks again */
	}
	if (!m) {
		mt_refuse(w, port_idx, fi, TFTP_EUNDEF, "server busy: too many MTFTP transfers");
		return;
	}
	m->gen = (m->gen + 1) & 0x7fffffffu;
	m->port_idx = port_idx;
	m->mtftp = true;
	m->dst_port = mc->mtftp_client_port;
	m->server_port = TFTP_MCAST_TID_BASE + w->id * TFTP_MCAST_MAX_GROUPS + m->slot;
	m->group_ip = ip;
	frame_multicast_mac(m->group_ip, m->group_mac);
	m->blksize = MTFTP_BLKSIZE;	/* no options: RFC 1350 blocks */
	if (!mc_open(w, m, fi, &no_options, path)) {
		mt_refuse(w, port_idx, fi, TFTP_EUNDEF, "server busy: retry later");
		return;
	}
	w->stats.mtftp_started++;
}

static struct mc_group *
mc_by_port(struct worker *w, int port_idx, uint16_t server_port)
{
	struct mc_group *m;

	if (!w->mcast || tftp_mcast_tid_owner(w, server_port) != (int)w->id)
		return NULL;
	m = &w->mcast->grp[(server_port - TFTP_MCAST_TID_BASE) % TFTP_MCAST_MAX_GROUPS];
	if (m->state != MC_RUNNING || m->port_idx != port_idx)
		return NULL;
	return m;
}

bool
tftp_mcast_on_packet(struct worker *w, int port_idx, const struct frame_info *fi)
{
	const struct cfg_multicast *mc = &w->cfg->multicast;
	struct tftp_mcast_plan p;
	struct tftp_packet pkt;
	struct mc_group *m;
	int32_t slot;
	bool parsed;

	if (tftp_mcast_tid_owner(w, fi->dst_port) < 0)
		return false;
	parsed = tftp_parse(fi->payload, fi->payload_len, &pkt) == TFTP_OK;
	if (parsed && pkt.opcode == TFTP_OP_RRQ && mc->enabled && mc->mtftp) {
		/* atftp --mget sends its next open request to the port the
		 * last stream came from, not to MTFTP-SPORT: take it as one. */
		w->stats.mtftp_rrq_stream_port++;
		tftp_mcast_on_mtftp_request(w, port_idx, fi);
		return true;
	}
	m = mc_by_port(w, port_idx, fi->dst_port);
	if (!m)
		return false;
	if (!parsed) {
		w->stats.tftp_bad_packet++;
		return true;
	}
	slot = tftp_mcast_find(&m->g, fi->src_ip, fi->src_port);
	if (slot < 0) {
		/* Not (or no longer) in the group: RFC 1350's unknown TID. */
		w->stats.tftp_bad_tid++;
		if (pkt.opcode != TFTP_OP_ERROR)
			mc_send_error(w, m, fi->src_ip, fi->src_port, fi->src_mac, TFTP_EBADID,
				      "unknown transfer ID");
		return true;
	}
	switch (pkt.opcode) {
	case TFTP_OP_ACK:
		w->stats.mcast_acks++;
		if (tftp_mcast_on_ack(&m->g, slot, pkt.u.ack.block, &p) == TFTP_MCEV_NONE) {
			w->stats.mcast_acks_ignored++;
			return true;
		}
		mc_apply(w, m, &p);
		break;
	case TFTP_OP_ERROR:
		w->stats.tftp_errors_received++;
		tftp_mcast_leave(&m->g, slot, TFTP_MCE_ABORT, &p);
		mc_apply(w, m, &p);
		break;
	default:
		w->stats.tftp_bad_packet++;
		break;
	}
	return true;
}

void
tftp_mcast_on_cache_done(struct worker *w, const struct cache_done *d)
{
	struct mc_group *m = mc_from_token(w, d->token);

	if (!m || (d->kind == CACHE_DONE_OPEN && m->state != MC_OPENING)) {
		if (d->kind == CACHE_DONE_OPEN && d->err == CACHE_OK && d->file)
			cache_file_put(d->file);
		return;
	}
	if (d->kind == CACHE_DONE_OPEN) {
		tw_cancel(&w->mcast->wheel, &m->timer);
		switch (d->err) {
		case CACHE_OK:
			mc_on_opened(w, m, d->file);
			break;
		case CACHE_ERR_NOT_FOUND:
			w->stats.tftp_not_found++;
			mc_close(w, m, TFTP_ENOTFOUND, "file not found");
			break;
		case CACHE_ERR_ACCESS:
			w->stats.tftp_path_refused++;
			mc_close(w, m, TFTP_EACCESS,
				 "access violation: not a readable file inside the root");
			break;
		default:
			w->stats.tftp_busy++;
			mc_close(w, m, TFTP_EUNDEF, cache_strerror(d->err));
			break;
		}
		return;
	}
	if (d->err == CACHE_ERR_STALE) {
		w->stats.tftp_stale++;
		mc_close(w, m, TFTP_EUNDEF, "file changed on the server during the transfer");
		return;
	}
	if (d->err == CACHE_ERR_BUSY) {
		mc_arm(w, m, 50);	/* cache full for now */
		return;
	}
	if (d->err != CACHE_OK) {
		mc_close(w, m, TFTP_EUNDEF, cache_strerror(d->err));
		return;
	}
	if (m->pending_block)
		mc_pump(w, m);
}

static void
mc_on_timer(struct worker *w, struct mc_group *m)
{
	struct tftp_mcast_plan p;

	if (m->state == MC_OPENING) {
		mc_close(w, m, TFTP_EUNDEF, "file open timed out");
		return;
	}
	if (m->state != MC_RUNNING)
		return;
	if (m->pending_block) {
		mc_pump(w, m);	/* a chunk, an mbuf or the pace was awaited */
		return;
	}
	w->stats.mcast_timeouts++;
	if (tftp_mcast_on_timeout(&m->g, &p) == TFTP_MCEV_NONE) {
		mc_close(w, m, -1, NULL);
		return;
	}
	mc_apply(w, m, &p);
}

static void
mc_timer_fire(struct tw_node *n, void *arg)
{
	mc_on_timer(arg, (struct mc_group *)n);
}

void
tftp_mcast_run_timers(struct worker *w, unsigned budget)
{
	if (w->mcast)
		tw_advance(&w->mcast->wheel, w->now_ms, budget, mc_timer_fire, w);
}

void
tftp_mcast_shutdown(struct worker *w)
{
	struct tftp_mcast_table *t = w->mcast;
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		mc_close(w, &t->grp[i], TFTP_EUNDEF, "server shutting down");
		rte_free(t->grp[i].rcv);
		rte_free(t->grp[i].rcv_req);
		rte_free(t->grp[i].pending);
	}
	rte_free(t);
	w->mcast = NULL;
}
