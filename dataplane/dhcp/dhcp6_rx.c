/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include "dataplane/dhcp/answer6.h"
#include "dataplane/dhcp/dhcp_rx.h"
#include "dataplane/dhcp/dhcp6_rx.h"
#include "dataplane/dhcp/snap_rcu.h"
#include "dataplane/ipv6/nd.h"

/* The datagram's addressing, and our addresses on its port. */
static void
rx_ctx(const struct lcore *lc, int port_idx, const struct frame_info *fi,
       struct dhcp6_rx_ctx *ctx)
{
	const struct nd_addr *a = &lc->nd->port[port_idx].addr[ND_ADDR_CONFIGURED];

	memset(ctx, 0, sizeof(*ctx));
	ctx->port_idx = (uint8_t)port_idx;
	memcpy(ctx->src_mac, fi->src_mac, 6);
	memcpy(ctx->src, fi->src6, 16);
	memcpy(ctx->dst, fi->dst6, 16);
	ctx->src_port = fi->src_port;
	ctx->dst_port = fi->dst_port;
	memcpy(ctx->our_mac, lc->ports[port_idx].local.mac, 6);
	/* The URL may only name an address that passed DAD. */
	ctx->has_addr6 = __atomic_load_n(&a->state, __ATOMIC_ACQUIRE) == ND_VALID;
	memcpy(ctx->addr6, a->ip, 16);
}

void
dhcp6_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi)
{
	struct dhcp6_scratch *st = dhcp_rx_v6_scratch(lc->dhcp);
	struct dhcp_standby *sb = dhcp_rx_standby(lc->dhcp);
	const struct dhcp_snapshot *s;
	struct dhcp6_rx_ctx ctx;
	enum dhcp_outcome o;
	uint64_t rx_ns;

	if (!lc->cfg->dhcp.v6 || !st || !lc->nd || !lc->dhcp_snap) {
		lc->stats.udp_no_service++;	/* the DHCPv6 proxy is off */
		return;
	}
	lc->stats.dhcp6_rx++;
	rx_ns = lcore_wall_ns(lc);
	if (dhcp6_parse(fi->payload, fi->payload_len, &st->msg) != DHCP6_OK) {
		lc->stats.dhcp6_bad++;
		return;
	}
	/* Only PXE clients; the site's DHCPv6 server does the rest. */
	if (!dhcp6_is_pxe_request(&st->msg) || !dhcp6_reply_type(&st->msg)) {
		lc->stats.dhcp6_not_pxe++;
		return;
	}
	if (st->msg.n_relays)
		lc->stats.dhcp6_relayed++;
	/* Valid until this worker's next quiescent report (end of the pass). */
	s = dhcp_snap_rcu_get(lc->dhcp_snap);
	if (!s)
		return;
	rx_ctx(lc, port_idx, fi, &ctx);
	o = dhcp6_answer(s, &st->msg, &ctx, lcore_mono_ns(lc), sb, &st->ans, &st->ev.dhcp);
	lc->stats.dhcp_standby_evicted = sb->evicted;
	if (st->ev.dhcp.notes & DHCP_NOTE_STANDBY)
		lc->stats.dhcp6_standby_answers++;
	if (st->ev.dhcp.notes & DHCP_NOTE_CHOSEN)
		lc->stats.dhcp6_chosen_answers++;
	if (o == DHCP_OUT_HELD) {
		lc->stats.dhcp6_held++;
	} else if (o == DHCP_OUT_REPLY) {
		lc->stats.dhcp6_answered++;
		st->ev.dhcp.answer_ns = lcore_wall_ns(lc) - rx_ns;
		dhcp_rx_send6(lc, &st->ans.tx, s->delay_ms);
	} else if (o == DHCP_OUT_ONCE_TAKING) {
		/* Every copy asks: the control thread's compare-and-set takes it once. */
		lc->stats.dhcp6_once_taking++;
		dhcp_rx_take_once6(lc, &st->ev.dhcp);
	} else {
		lc->stats.dhcp6_silent++;
	}
	dhcp_rx_log(lc, &st->ev, ip_addr_v6(fi->src6), fi->src_port, fi->dst_port);
}
