/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/proto/path.h"
#include "dataplane/proto/ratelimit.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/tftp/group.h"
#include "dataplane/tftp/mtftp.h"
#include "dataplane/tftp/rx.h"
#include "dataplane/tftp/session.h"
#include "dataplane/tftp/xmit.h"
#include "dataplane/core/tx.h"

bool
tftp_rx_wants_multicast(const struct lcore *lc, const struct frame_info *fi)
{
	struct tftp_packet pkt;

	/* RFC 2090 groups are IPv4's: an IPv6 client is served unicast. */
	if (!lc->cfg->multicast.enabled || fi->ipv6)
		return false;
	return tftp_parse(fi->payload, fi->payload_len, &pkt) == TFTP_OK &&
	       pkt.opcode == TFTP_OP_RRQ && (pkt.u.req.opts.present & TFTP_OPT_MULTICAST);
}

bool
tftp_rx_is_mtftp_port(const struct lcore *lc, uint16_t port)
{
	const struct cfg_multicast *mc = &lc->cfg->multicast;

	return mc->enabled && mc->mtftp && port == mc->mtftp_port;
}

int
tftp_rx_owner(const struct lcore *lc, uint16_t port)
{
	if (port >= TFTP_MCAST_TID_BASE)
		return tftp_group_owner(lc, port);
	return tftp_session_owner(lc, port);
}

/* The error code a request that did not parse is refused with. */
static uint16_t
tftp_request_error_code(enum tftp_err e)
{
	switch (e) {
	case TFTP_ERR_OPT_NO_VALUE:
	case TFTP_ERR_OPT_BAD_VALUE:
	case TFTP_ERR_OPT_DUPLICATE:
	case TFTP_ERR_TOO_MANY_OPTS:
		return TFTP_EOPTNEG;
	default:
		return TFTP_EBADOP;
	}
}

/*
 * A new request from fi's source: within tftp.source_rate (per worker)?
 * Over it, silence: an ERROR would be reflected at a spoofed source too.
 */
static bool
tftp_rx_admit(struct lcore *lc, const struct frame_info *fi)
{
	struct ip_addr src = frame_info_src(fi);

	switch (ratelimit_take(lc->new_sessions, ip_addr_source_key(&src), lc->now_ms)) {
	case RATELIMIT_LIMITED:
		lc->stats.tftp_rate_limited++;
		lcore_drop_note(lc, &lc->rate_log_ms, FRAME_ERR__MAX, fi,
				"new TFTP transfers from this address over tftp.source_rate");
		return false;
	case RATELIMIT_PASS_EVICTED:
		lc->stats.tftp_rate_evictions++;
		return true;
	default:
		return true;
	}
}

void
tftp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct tftp_packet pkt;
	char path[TFTP_NAME_MAX + 1];
	const char *name;
	size_t name_len;
	enum tftp_err e;
	enum path_err pe;

	if (fi->ip_broadcast || fi->ip_multicast)
		return;		/* requests are unicast to our address */
	e = tftp_parse(fi->payload, fi->payload_len, &pkt);
	if (e != TFTP_OK) {
		lc->stats.tftp_bad_request++;
		lc->stats.tftp_err[e]++;
		/* Too short to be a request, or not one: silence. */
		if (e == TFTP_ERR_SHORT || e == TFTP_ERR_OPCODE)
			return;
		tftp_refuse(lc, port_idx, fi, TFTP_PORT, "", 0, tftp_request_error_code(e),
			    tftp_strerror(e));
		return;
	}
	name = pkt.u.req.filename;
	name_len = pkt.u.req.filename_len;
	if (pkt.opcode == TFTP_OP_WRQ) {
		lc->stats.tftp_wrq_refused++;
		tftp_refuse(lc, port_idx, fi, TFTP_PORT, name, name_len, TFTP_EACCESS,
			    "pxeline is read-only: write requests refused");
		return;
	}
	if (pkt.opcode != TFTP_OP_RRQ) {
		lc->stats.tftp_bad_tid++;	/* ACK/DATA/ERROR to port 69 */
		return;
	}
	lc->stats.tftp_rrq++;
	if (tftp_session_on_dup_rrq(lc, fi) || !tftp_rx_admit(lc, fi))
		return;
	/* Boot files are binary: converting line ends would corrupt them. */
	if (pkt.u.req.mode != TFTP_MODE_OCTET) {
		tftp_refuse(lc, port_idx, fi, TFTP_PORT, name, name_len, TFTP_EBADOP,
			    pkt.u.req.mode == TFTP_MODE_NETASCII ?
			    "netascii mode is not supported: use octet (binary)" :
			    "mail mode is not supported: use octet (binary)");
		return;
	}
	pe = path_canonicalize(name, name_len, path, sizeof(path));
	if (pe != PATH_OK) {
		lc->stats.tftp_path_refused++;
		tftp_refuse(lc, port_idx, fi, TFTP_PORT, name, name_len, TFTP_EACCESS,
			    path_strerror(pe));
		return;
	}
	if (tftp_group_on_request(lc, port_idx, fi, &pkt, path))
		return;		/* joined (or joining) a multicast group */
	tftp_session_open(lc, port_idx, fi, &pkt, path);
}

void
tftp_rx_mtftp(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct tftp_packet pkt;

	if (fi->ip_broadcast || fi->ip_multicast)
		return;
	if (tftp_parse(fi->payload, fi->payload_len, &pkt) != TFTP_OK ||
	    pkt.opcode != TFTP_OP_RRQ) {
		lc->stats.tftp_bad_request++;
		return;		/* MTFTP reads only: anything else is silence */
	}
	tftp_mtftp_on_request(lc, port_idx, fi, &pkt);
}

/* A datagram to a group's port range: a receiver's ACK/ERROR, or an MTFTP RRQ. */
static bool
tftp_rx_group_port(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	const struct cfg_multicast *mc = &lc->cfg->multicast;
	struct tftp_packet pkt;
	bool parsed;

	if (tftp_group_owner(lc, fi->dst_port) < 0)
		return false;
	parsed = tftp_parse(fi->payload, fi->payload_len, &pkt) == TFTP_OK;
	if (parsed && pkt.opcode == TFTP_OP_RRQ && mc->enabled && mc->mtftp) {
		/* atftp --mget sends its next open request to the port the
		 * last stream came from, not to MTFTP-SPORT: take it as one. */
		lc->stats.mtftp_rrq_stream_port++;
		tftp_mtftp_on_request(lc, port_idx, fi, &pkt);
		return true;
	}
	return tftp_group_on_packet(lc, port_idx, fi, parsed ? &pkt : NULL);
}

void
tftp_rx_packet(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct frame_udp_tx t;

	if (fi->ip_broadcast || fi->ip_multicast) {
		lc->stats.udp_no_service++;
		return;
	}
	if (tftp_session_on_packet(lc, fi) || tftp_rx_group_port(lc, port_idx, fi))
		return;
	if (fi->dst_port >= TFTP_TID_BASE && fi->dst_port < TFTP_TID_BASE + TFTP_TID_COUNT) {
		/* RFC 1350: a packet with a wrong TID gets ERROR 5 and
		 * disturbs no transfer. */
		lc->stats.tftp_bad_tid++;
		tx_udp_addr(lc, port_idx, fi->src_mac, frame_info_src(fi), fi->dst_port, fi->src_port, &t);
		tftp_xmit_error(lc, port_idx, &t, TFTP_EBADID, "unknown transfer ID");
		return;
	}
	lc->stats.udp_no_service++;
}

void
tftp_rx_unreachable(struct lcore *lc, const struct frame_info *fi)
{
	lc->stats.icmp_unreachable++;
	/* Multicast receivers are left to the group's own timers. */
	if (!tftp_session_on_unreachable(lc, fi))
		lc->stats.icmp_unreachable_unmatched++;
}

void
tftp_rx_cache_done(struct lcore *lc, const struct cache_done *d)
{
	if (d->token & TFTP_TOKEN_GROUP)
		tftp_group_on_cache_done(lc, d);
	else
		tftp_session_on_cache_done(lc, d);
}

void
tftp_rx_run_timers(struct lcore *lc, unsigned budget)
{
	tftp_session_run_timers(lc, budget);
	tftp_group_run_timers(lc, budget);
}

void
tftp_rx_shutdown(struct lcore *lc)
{
	tftp_session_shutdown(lc);
	tftp_group_shutdown(lc);
}
