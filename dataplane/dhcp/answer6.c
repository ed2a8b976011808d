/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One DHCPv6 proxy answer from a snapshot. See answer6.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/dhcp/answer6.h"
#include "dataplane/proto/http.h"

static enum dhcp_outcome
out(struct log_dhcp *t, enum dhcp_outcome o)
{
	t->outcome = (uint8_t)o;
	return o;
}

bool
dhcp6_boot_url(char *buf, size_t cap, const uint8_t addr[16], const char *file)
{
	char ip[INET6_ADDRSTRLEN];
	int w;

	if (!inet_ntop(AF_INET6, addr, ip, sizeof(ip)))
		return false;
	w = snprintf(buf, cap, "tftp://[%s]/", ip);
	if (w < 0 || (size_t)w >= cap)
		return false;
	return uri_append_path(buf, cap, (size_t)w, file) != 0;
}

/* The request's fields the decision and the trace read. */
static void
begin(struct dhcp_answer *a, const struct dhcp6_msg *m, const struct dhcp6_rx_ctx *ctx,
      struct log_dhcp *t)
{
	size_t n;

	memset(t, 0, sizeof(*t));
	a->t = t;
	t->v6 = 1;
	t->msg_type = m->msg_type;
	t->reply_type = dhcp6_reply_type(m);
	t->xid = m->xid;
	t->src_port = ctx->src_port;
	t->dst_port = ctx->dst_port;
	memcpy(t->src6, ctx->src, 16);
	t->n_relays = m->n_relays;
	if (m->n_relays)
		memcpy(t->peer6, m->relay[m->n_relays - 1].peer, 16);
	t->duid_type = m->duid_type;
	/* Sent directly, the frame names the NIC that boots; through relays
	 * only option 79 or the DUID can. */
	if (!m->n_relays) {
		memcpy(t->mac, ctx->src_mac, 6);
		t->mac_from = DHCP6_MAC_ETHERNET;
	} else {
		t->mac_from = (uint8_t)dhcp6_msg_mac(m, t->mac);
	}
	t->has_arch = m->n_arch > 0;
	t->arch_code = m->arch_code;
	t->arch = (uint8_t)(m->n_arch ? dhcp_arch_from_code(m->arch_code) :
			    dhcp_class_arch(m->vendor_class, m->vendor_class_len,
					    DHCP_ARCH_UNKNOWN));
	t->has_uuid = m->has_uuid;
	memcpy(t->uuid, m->uuid, 16);
	t->is_ipxe = m->is_ipxe;
	t->port_idx = ctx->port_idx;
	n = strnlen(m->vendor_class, sizeof(t->vendor_class) - 1);
	memcpy(t->vendor_class, m->vendor_class, n);
	t->vendor_class[n] = '\0';
	t->outcome = DHCP_OUT_REPLY;
}

/* Whether the request goes on: owed a reply, not ignored, for us. */
static enum dhcp_outcome
wanted(const struct dhcp_snapshot *s, const struct dhcp6_msg *m,
       const struct dhcp6_rx_ctx *ctx, struct log_dhcp *t)
{
	uint8_t duid[10];
	size_t n;

	if (!t->reply_type)
		return out(t, DHCP_OUT_NOT_OWED);
	if (t->mac_from != DHCP6_MAC_NONE && dhcp_snap_ignored(s, t->mac))
		return out(t, DHCP_OUT_IGNORED_MAC);
	if (ctx->port_idx >= s->n_ports)
		return out(t, DHCP_OUT_BAD_PORT);
	n = dhcp6_duid_ll(ctx->our_mac, duid);
	/* A Request names the server it asks (RFC 8415 18.2.2); one that names
	 * none is not ours to answer either. */
	if (m->msg_type == DHCP6_REQUEST && !dhcp6_has(m, DHCP6_OPT_SERVERID))
		return out(t, DHCP_OUT_NOT_OWED);
	if (dhcp6_has(m, DHCP6_OPT_SERVERID) &&
	    (m->server_id_len != n || memcmp(m->server_id, duid, n) != 0))
		return out(t, DHCP_OUT_OTHER_SERVER);
	if (!ctx->has_addr6)
		return out(t, DHCP_OUT_NO_ADDRESS);
	memcpy(t->server6, ctx->addr6, 16);
	return out(t, DHCP_OUT_REPLY);
}

/*
 * Where the reply goes: to 4011 back to the source (EDK2 reads the answer
 * to its boot-service Request only from the URL's address, port 4011);
 * relayed, to the relay on 547 (RFC 8415 19.3); else to the client on 546.
 */
static void
address(const struct dhcp6_msg *m, const struct dhcp6_rx_ctx *ctx, struct dhcp6_tx *tx)
{
	tx->port_idx = ctx->port_idx;
	memcpy(tx->dst_mac, ctx->src_mac, 6);
	memcpy(tx->dst, ctx->src, 16);
	if (ctx->dst_port == DHCP6_PORT_BOOT_SERVICE) {
		tx->src_port = DHCP6_PORT_BOOT_SERVICE;
		tx->dst_port = ctx->src_port;
	} else {
		tx->src_port = DHCP6_PORT_SERVER;
		tx->dst_port = m->n_relays ? DHCP6_PORT_SERVER : DHCP6_PORT_CLIENT;
	}
}

static enum dhcp_outcome
finish(struct dhcp6_answer *ans, const struct dhcp6_msg *m, const struct dhcp6_rx_ctx *ctx)
{
	struct log_dhcp *t = ans->a.t;
	struct dhcp6_tx *tx = &ans->tx;
	struct dhcp6_reply_params p;
	uint8_t duid[10];
	char url[LOG_DHCP_TEXT_MAX];
	enum dhcp6_err e;
	size_t len;

	if (ans->a.d.verdict != BOOT_REPLY)
		return out(t, DHCP_OUT_SILENT);
	if (!dhcp6_boot_url(url, sizeof(url), ctx->addr6, ans->a.d.file)) {
		t->build_err = (uint8_t)DHCP_ERR_TOO_LONG;
		return out(t, DHCP_OUT_BUILD_FAILED);
	}
	memset(&p, 0, sizeof(p));
	p.req = m;
	p.server_id = duid;
	p.server_id_len = dhcp6_duid_ll(ctx->our_mac, duid);
	p.boot_url = url;
	p.vendor_class = "PXEClient";
	memset(tx, 0, offsetof(struct dhcp6_tx, payload));
	e = dhcp6_build_reply(tx->payload, sizeof(tx->payload), &p, &len);
	if (e != DHCP6_OK) {
		t->build_err = (uint8_t)DHCP_ERR_NO_SPACE;
		return out(t, DHCP_OUT_BUILD_FAILED);
	}
	tx->len = (uint16_t)len;
	address(m, ctx, tx);
	memcpy(t->file, url, sizeof(t->file));
	memcpy(t->reply6, tx->dst, 16);
	t->reply_port = tx->dst_port;
	t->reply_src_port = tx->src_port;
	return out(t, DHCP_OUT_REPLY);
}

/* The fleet's rule (answer.c's) for a request whose MAC is known. Secs
 * stay 0: the table's first-heard time is the witness (EDK2 retransmits
 * a Solicit after 4 s, iPXE an Information-request after 1 s). */
static enum dhcp_outcome
fleet(struct dhcp6_answer *ans, const struct dhcp_snapshot *s, const struct dhcp6_msg *m,
      const struct dhcp6_rx_ctx *ctx, struct dhcp_standby *sb, uint64_t now_ns)
{
	struct dhcp_standby_req r = { 0 };

	memcpy(r.mac, ans->a.t->mac, 6);
	r.xid = m->xid;
	r.msg_type = m->msg_type;
	r.chosen = ctx->dst_port == DHCP6_PORT_BOOT_SERVICE;
	return dhcp_answer_fleet(&ans->a, s, &r, sb, now_ns);
}

enum dhcp_outcome
dhcp6_answer(const struct dhcp_snapshot *s, const struct dhcp6_msg *m,
	     const struct dhcp6_rx_ctx *ctx, uint64_t now_ns, struct dhcp_standby *sb,
	     struct dhcp6_answer *ans, struct log_dhcp *t)
{
	enum dhcp_outcome o;

	begin(&ans->a, m, ctx, t);
	ans->a.fleet.role = DHCP_ROLE_ALONE;
	o = wanted(s, m, ctx, t);
	if (o != DHCP_OUT_REPLY)
		return o;
	dhcp_answer_decide(&ans->a, s, now_ns);
	/* Before a one-shot is taken: a held client takes nothing. */
	if (sb && ans->a.d.verdict == BOOT_REPLY && t->mac_from != DHCP6_MAC_NONE) {
		o = fleet(ans, s, m, ctx, sb, now_ns);
		if (o != DHCP_OUT_REPLY)
			return o;
	}
	/* Only the control thread takes it; its grace answers the retransmission. */
	if (ans->a.d.consume_once)
		return out(t, DHCP_OUT_ONCE_TAKING);
	return finish(ans, m, ctx);
}
