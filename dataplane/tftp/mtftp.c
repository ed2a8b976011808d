/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PXE MTFTP (Intel PXE 2.1): RRQs to the MTFTP port open a transfer to the
 * file's MTFTP-IP:CPORT through the same groups as RFC 2090 (group.c)
 * unless the file already streams, in which case the client listens.
 * proto/mtftp.h decides; this is the glue.
 */
#include <stdio.h>
#include <string.h>

#include "dataplane/proto/mtftp.h"
#include "dataplane/proto/path.h"
#include "dataplane/tftp/group_internal.h"
#include "dataplane/tftp/mtftp.h"

/* An ERROR to an MTFTP requester, from the port it asked (as 69 answers RRQs). */
static void
mt_refuse(struct lcore *lc, int port_idx, const struct frame_info *fi,
	  const struct tftp_packet *pkt, uint16_t code, const char *msg)
{
	tftp_refuse(lc, port_idx, fi, fi->dst_port, pkt->u.req.filename,
		    pkt->u.req.filename_len, code, msg);
}

/* A repeated RRQ from the requester itself: block 1 again if it has nothing. */
static bool
mt_repeat(struct lcore *lc, struct mc_group *m, const struct frame_info *fi)
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
		mc_pump(lc, m);
	}
	return true;
}

#define MT_ANSWERED ((size_t)-1)

/*
 * Looks at this interface's MTFTP streams for a request of path: a repeat
 * from the requester is answered at once (MT_ANSWERED); a stream whose
 * master went silent restarts for the one that asks. Fills run with the
 * streams still going, returns their count, and points *ret_free at a free
 * group (NULL if none).
 */
static size_t
mt_scan(struct lcore *lc, struct tftp_mcast_table *t, int port_idx, const struct frame_info *fi,
	const char *path, struct mtftp_running *run, struct mc_group **ret_free)
{
	size_t n = 0;
	uint32_t i;

	*ret_free = NULL;
	for (i = 0; i < TFTP_MCAST_MAX_GROUPS; i++) {
		struct mc_group *g = &t->grp[i];

		if (g->state != MC_FREE && g->mtftp && g->port_idx == port_idx &&
		    strcmp(g->path, path) == 0) {
			if (mt_repeat(lc, g, fi))
				return MT_ANSWERED;
			if (g->state == MC_RUNNING && g->g.retries > 0 && g->g.master >= 0) {
				struct tftp_mcast_plan p;

				/* Its master went silent and a listener asks: start
				 * again for the one that asks rather than wait out
				 * the retries. */
				tftp_mcast_leave(&g->g, g->g.master, TFTP_MCE_TIMEOUT, &p);
				mc_apply(lc, g, &p);
			}
		}
		if (g->state == MC_FREE) {
			if (!*ret_free)
				*ret_free = g;
			continue;
		}
		if (!g->mtftp || g->port_idx != port_idx)
			continue;
		run[n].path = g->path;
		run[n++].group_ip = g->group_ip;
	}
	return n;
}

void
tftp_mtftp_on_request(struct lcore *lc, int port_idx, const struct frame_info *fi,
		      const struct tftp_packet *pkt)
{
	static const struct tftp_options no_options;	/* MTFTP RRQs carry none */
	const struct cfg_multicast *mc = &lc->cfg->multicast;
	struct mtftp_running run[TFTP_MCAST_MAX_GROUPS];
	struct tftp_mcast_table *t;
	struct mc_group *m = NULL;
	char path[TFTP_NAME_MAX + 1];
	enum mtftp_verdict v;
	uint32_t ip;
	size_t n;
	enum path_err pe;

	lc->stats.mtftp_requests++;
	if (pkt->u.req.mode != TFTP_MODE_OCTET) {
		mt_refuse(lc, port_idx, fi, pkt, TFTP_EBADOP, "MTFTP is octet mode only");
		return;
	}
	pe = path_canonicalize(pkt->u.req.filename, pkt->u.req.filename_len, path, sizeof(path));
	if (pe != PATH_OK) {
		lc->stats.tftp_path_refused++;
		mt_refuse(lc, port_idx, fi, pkt, TFTP_EACCESS, path_strerror(pe));
		return;
	}
	t = mc_table(lc);
	if (!t) {
		mt_refuse(lc, port_idx, fi, pkt, TFTP_EUNDEF, "server busy: retry later");
		return;
	}
	ip = mtftp_group_ip(path, mc->mtftp_group_base, mc->mtftp_group_prefix);
	n = mt_scan(lc, t, port_idx, fi, path, run, &m);
	if (n == MT_ANSWERED)
		return;
	v = mtftp_decide(run, n, path, ip);
	if (v == MTFTP_V_STREAMING) {
		/* It hears the stream and listens; a second one would double it. */
		lc->stats.mtftp_listening++;
		return;
	}
	if (v == MTFTP_V_CLASH) {
		lc->stats.mtftp_clash++;
		return;		/* its RRQ timer asks again */
	}
	if (!m) {
		mt_refuse(lc, port_idx, fi, pkt, TFTP_EUNDEF, "server busy: too many MTFTP transfers");
		return;
	}
	m->gen = (m->gen + 1) & 0x7fffffffu;
	m->port_idx = port_idx;
	m->mtftp = true;
	m->dst_port = mc->mtftp_client_port;
	m->server_port = TFTP_MCAST_TID_BASE + lc->id * TFTP_MCAST_MAX_GROUPS + m->slot;
	m->group_ip = ip;
	frame_multicast_mac(m->group_ip, m->group_mac);
	m->blksize = MTFTP_BLKSIZE;	/* no options: RFC 1350 blocks */
	if (!mc_open(lc, m, fi, &no_options, path)) {
		mt_refuse(lc, port_idx, fi, pkt, TFTP_EUNDEF, "server busy: retry later");
		return;
	}
	lc->stats.mtftp_started++;
}

