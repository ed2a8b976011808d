/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One proxyDHCP answer from a snapshot. See answer.h.
 */
#include <stddef.h>
#include <string.h>

#include "dataplane/dhcp/answer.h"
#include "dataplane/proto/http.h"
#include "dataplane/proto/mtftp.h"
#include "dataplane/proto/path.h"

_Static_assert(BOOT_REASON_MAX <= LOG_DHCP_TEXT_MAX, "a reason fits the trace record");
_Static_assert(DHCP_FLEET_NAME_MAX <= LOG_DHCP_OWNER_MAX, "a fleet name fits the trace record");

static const char *const dhcp_seen_str[] = {
	[DHCP_SEEN_SILENT] = "silent",
	[DHCP_SEEN_ABORT] = "abort",
	[DHCP_SEEN_ONCE] = "once",
	[DHCP_SEEN_BOOT] = "boot",
};
_Static_assert(sizeof(dhcp_seen_str) / sizeof(dhcp_seen_str[0]) == DHCP_SEEN__MAX,
	       "dhcp_seen_str out of step with its enum");

const char *
dhcp_seen_name(enum dhcp_seen s)
{
	if ((unsigned int)s >= DHCP_SEEN__MAX)
		return "invalid";
	return dhcp_seen_str[s];
}

bool
dhcp_uuid_is_real(const uint8_t uuid[16])
{
	bool zero = true, ones = true;
	int i;

	for (i = 0; i < 16; i++) {
		zero &= uuid[i] == 0;
		ones &= uuid[i] == 0xff;
	}
	return !zero && !ones;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
dhcp_answer_begin(struct dhcp_answer *a, const struct dhcp_ring_req *req, struct log_dhcp *t)
{
	const struct dhcp_msg *m = &req->msg;

	a->t = t;
	memset(t, 0, sizeof(*t));
	memcpy(t->mac, m->chaddr, 6);
	t->msg_type = m->msg_type;
	t->reply_type = (uint8_t)dhcp_reply_type(m);
	t->xid = m->xid;
	t->src_ip = req->src_ip;
	t->src_port = req->src_port;
	t->dst_port = req->dst_port;
	t->relay = m->giaddr;
	t->has_arch = dhcp_has(m, DHCP_OPT_CLIENT_ARCH);
	t->arch_code = m->arch_code;
	t->arch = (uint8_t)dhcp_msg_arch(m);
	t->has_uuid = dhcp_has(m, DHCP_OPT_CLIENT_UUID);
	memcpy(t->uuid, m->uuid, 16);
	t->is_ipxe = m->is_ipxe;
	t->is_http = m->is_httpclient;
	t->port_idx = req->port_idx;
	copy_str(t->vendor_class, sizeof(t->vendor_class), m->vendor_class);
	t->outcome = DHCP_OUT_REPLY;
}

static enum dhcp_outcome
out(struct dhcp_answer *a, enum dhcp_outcome o)
{
	a->t->outcome = (uint8_t)o;
	return o;
}

enum dhcp_outcome
dhcp_answer_wanted(struct dhcp_answer *a, const struct dhcp_snapshot *s,
		   const struct dhcp_ring_req *req)
{
	const struct dhcp_msg *mp = &req->msg;

	if (dhcp_reply_type(mp) == DHCP_NONE)
		return out(a, DHCP_OUT_NOT_OWED);
	if (dhcp_snap_ignored(s, mp->chaddr))
		return out(a, DHCP_OUT_IGNORED_MAC);
	if (mp->is_httpclient && !s->http_boot)
		return out(a, DHCP_OUT_HTTP_OFF);
	if (req->dst_port == DHCP_PORT_SERVER && !s->port67)
		return out(a, DHCP_OUT_PORT67_OFF);
	if (req->port_idx >= s->n_ports)
		return out(a, DHCP_OUT_BAD_PORT);
	a->our_ip = s->server_ip[req->port_idx];
	a->t->server_ip = a->our_ip;
	if (req->dst_port == DHCP_PORT_SERVER && mp->msg_type == DHCP_REQUEST &&
	    dhcp_has(mp, DHCP_OPT_SERVER_ID) && mp->server_id != a->our_ip) {
		a->t->other_server = mp->server_id;
		return out(a, DHCP_OUT_OTHER_SERVER);
	}
	return out(a, DHCP_OUT_REPLY);
}

/* A record found for the request, copied; true when it is in its grace (a
 * one-shot this engine took for this boot), then re-armed in the copy. */
static bool
take_record(const struct dhcp_snap_host *sh, struct boot_host *copy, uint64_t now_ns,
	    const struct boot_host **ret)
{
	*ret = NULL;
	if (!sh)
		return false;
	*copy = sh->h;
	*ret = copy;
	if (copy->action != BOOT_ACTION_ONCE || copy->once_armed || sh->grace_until_ns <= now_ns)
		return false;
	copy->once_armed = true;
	return true;
}

static enum dhcp_seen
seen_of(const struct boot_decision *d)
{
	if (d->verdict != BOOT_REPLY)
		return DHCP_SEEN_SILENT;
	if (d->profile && d->file == d->profile->abort)
		return DHCP_SEEN_ABORT;
	if (d->host && d->host->action == BOOT_ACTION_ONCE)
		return DHCP_SEEN_ONCE;
	return DHCP_SEEN_BOOT;
}

static void
note_decision(struct dhcp_answer *a)
{
	copy_str(a->t->reason, sizeof(a->t->reason), a->d.reason);
	a->t->host_id = a->d.host ? a->d.host->id : 0;
	copy_str(a->t->profile, sizeof(a->t->profile), a->d.profile ? a->d.profile->name : "");
	a->t->seen = (uint8_t)seen_of(&a->d);
	if (a->d.consume_on_file)
		a->t->notes |= DHCP_NOTE_UNTIL_FILE;
}

void
dhcp_answer_decide(struct dhcp_answer *a, const struct dhcp_snapshot *s, uint64_t now_ns)
{
	struct boot_policy pol = dhcp_snap_policy(s);
	struct boot_request *br = &a->br;
	bool graced;

	memset(br, 0, sizeof(*br));
	memcpy(br->mac, a->t->mac, 6);
	br->has_uuid = a->t->has_uuid && dhcp_uuid_is_real(a->t->uuid);
	memcpy(br->uuid, a->t->uuid, 16);
	br->arch = (enum dhcp_arch)a->t->arch;
	br->is_ipxe = a->t->is_ipxe;
	br->http = a->t->is_http;
	a->mac_graced = take_record(dhcp_snap_by_mac(s, br->mac), &a->mac_h, now_ns,
				    &a->found.by_mac);
	a->uuid_graced = false;
	a->found.by_uuid = NULL;
	if (br->has_uuid)
		a->uuid_graced = take_record(dhcp_snap_by_uuid(s, br->uuid), &a->uuid_h, now_ns,
					     &a->found.by_uuid);
	boot_decide(br, &a->found, &pol, &a->d);
	graced = (a->d.host == &a->mac_h && a->mac_graced) ||
		 (a->d.host == &a->uuid_h && a->uuid_graced);
	if (graced && (a->d.consume_once || a->d.consume_on_file))
		dhcp_answer_grace(a);
	note_decision(a);
}

/* The client picked us: a unicast to our address, or a REQUEST naming us. */
static bool
chose_us(const struct dhcp_answer *a, const struct dhcp_ring_req *req)
{
	const struct dhcp_msg *m = &req->msg;

	if (req->dst_port == DHCP_PORT_PXE && !req->broadcast && req->dst_ip == a->our_ip)
		return true;
	return m->msg_type == DHCP_REQUEST && dhcp_has(m, DHCP_OPT_SERVER_ID) &&
	       m->server_id == a->our_ip;
}

enum dhcp_outcome
dhcp_answer_fleet(struct dhcp_answer *a, const struct dhcp_snapshot *s,
		  const struct dhcp_standby_req *r, struct dhcp_standby *sb, uint64_t now_ns)
{
	enum dhcp_fleet_role role;

	role = dhcp_standby_decide(sb, &s->fleet, r, now_ns / 1000000u, &a->fleet);
	if (role == DHCP_ROLE_ALONE || role == DHCP_ROLE_OWNER)
		return out(a, DHCP_OUT_REPLY);
	copy_str(a->t->owner, sizeof(a->t->owner), s->fleet.names[a->fleet.owner]);
	a->t->silent_ms = a->fleet.silent_ms;
	if (role == DHCP_ROLE_HELD)
		return out(a, DHCP_OUT_HELD);
	a->t->notes |= role == DHCP_ROLE_CHOSEN ? DHCP_NOTE_CHOSEN : DHCP_NOTE_STANDBY;
	return out(a, DHCP_OUT_REPLY);
}

void
dhcp_answer_grace(struct dhcp_answer *a)
{
	a->d.consume_once = false;
	a->d.consume_on_file = NULL;
	a->t->notes |= DHCP_NOTE_GRACE;
	a->t->notes &= (uint8_t)~DHCP_NOTE_UNTIL_FILE;
}

void
dhcp_answer_redecide_taken(struct dhcp_answer *a, const struct dhcp_snapshot *s)
{
	struct boot_policy pol = dhcp_snap_policy(s);

	a->mac_h.once_armed = false;
	a->uuid_h.once_armed = false;
	boot_decide(&a->br, &a->found, &pol, &a->d);
	a->t->notes |= DHCP_NOTE_WAS_TAKEN;
	note_decision(a);
}

/*
 * Where the reply goes (PXE 2.1 and what firmware accepts):
 *  - to 4011: back to the source address and port, from 4011 (iPXE takes a
 *    proxy ACK only from 4011);
 *  - relayed (giaddr): to the relay on 67, through the MAC it came from;
 *  - on 67 from a client with an address (ciaddr): unicast to it on 68;
 *  - on 67 from a client without one: broadcast to 68.
 * false when there is no address to answer to.
 */
static bool
reply_address(const struct dhcp_ring_req *req, const struct dhcp_msg *m,
	      struct dhcp_ring_reply *r)
{
	if (req->dst_port == DHCP_PORT_PXE) {
		if (!req->src_ip || !req->src_port)
			return false;
		r->dst_ip = req->src_ip;
		r->dst_port = req->src_port;
		r->src_port = DHCP_PORT_PXE;
		memcpy(r->dst_mac, req->src_mac, 6);
		return true;
	}
	r->src_port = DHCP_PORT_SERVER;
	if (m->giaddr) {
		r->dst_ip = m->giaddr;
		r->dst_port = DHCP_PORT_SERVER;
		memcpy(r->dst_mac, req->src_mac, 6);
	} else if (m->ciaddr) {
		r->dst_ip = m->ciaddr;
		r->dst_port = DHCP_PORT_CLIENT;
		memcpy(r->dst_mac, req->src_mac, 6);
	} else {
		r->dst_ip = 0xffffffffu;
		r->dst_port = DHCP_PORT_CLIENT;
		memset(r->dst_mac, 0xff, 6);
	}
	return true;
}

/*
 * PXE MTFTP parameters for the boot file when its profile streams it: the
 * group address is the one the worker picks for the same canonical path.
 */
static bool
mtftp_params(const struct cfg_multicast *mc, const struct boot_decision *d,
	     struct dhcp_mtftp *ret_mt)
{
	char path[256];

	if (!d->profile || !d->profile->mtftp || !mc->enabled || !mc->mtftp ||
	    d->file == d->profile->abort)
		return false;
	if (path_canonicalize(d->file, strlen(d->file), path, sizeof(path)) != PATH_OK)
		return false;
	ret_mt->ip = mtftp_group_ip(path, mc->mtftp_group_base, mc->mtftp_group_prefix);
	ret_mt->cport = mc->mtftp_client_port;
	ret_mt->sport = mc->mtftp_port;
	ret_mt->tmout = (uint8_t)mc->mtftp_timeout;
	ret_mt->delay = (uint8_t)mc->mtftp_delay;
	return true;
}

enum dhcp_outcome
dhcp_answer_finish(struct dhcp_answer *a, const struct dhcp_snapshot *s,
		   const struct dhcp_ring_req *req)
{
	struct dhcp_ring_reply *r = &a->reply;
	struct dhcp_reply_params p;
	struct dhcp_mtftp mt;
	char uri[256];
	enum dhcp_err de;
	size_t len;

	if (a->d.verdict != BOOT_REPLY)
		return out(a, DHCP_OUT_SILENT);
	memset(r, 0, offsetof(struct dhcp_ring_reply, payload));
	r->port_idx = req->port_idx;
	if (!reply_address(req, &req->msg, r))
		return out(a, DHCP_OUT_NO_ADDRESS);
	memset(&p, 0, sizeof(p));
	p.req = &req->msg;
	p.msg_type = dhcp_reply_type(&req->msg);
	p.server_addr = a->our_ip;
	p.boot_file = a->d.file;
	if (a->t->is_http) {
		/* The URI names the engine's own address: its TCP is the
		 * kernel's through the TAP exception path (control/http_boot.c). */
		if (!http_boot_uri(uri, sizeof(uri), a->our_ip, s->http_port, a->d.file)) {
			a->t->build_err = (uint8_t)DHCP_ERR_TOO_LONG;
			return out(a, DHCP_OUT_BUILD_FAILED);
		}
		p.boot_file = uri;
		p.http = true;
	} else if (mtftp_params(&s->multicast, &a->d, &mt)) {
		p.mtftp = &mt;
	}
	de = dhcp_build_proxy_reply(r->payload, sizeof(r->payload), &p, &len);
	if (de != DHCP_OK) {
		a->t->build_err = (uint8_t)de;
		return out(a, DHCP_OUT_BUILD_FAILED);
	}
	r->len = (uint16_t)len;
	copy_str(a->t->file, sizeof(a->t->file), p.boot_file);
	a->t->reply_ip = r->dst_ip;
	a->t->reply_port = r->dst_port;
	a->t->reply_src_port = r->src_port;
	a->t->mtftp = p.mtftp != NULL;
	return out(a, DHCP_OUT_REPLY);
}

enum dhcp_outcome
dhcp_answer(const struct dhcp_snapshot *s, const struct dhcp_ring_req *req, uint64_t now_ns,
	    struct dhcp_standby *sb, struct dhcp_answer *a, struct log_dhcp *t)
{
	enum dhcp_outcome o;

	dhcp_answer_begin(a, req, t);
	a->fleet.role = DHCP_ROLE_ALONE;
	o = dhcp_answer_wanted(a, s, req);
	if (o != DHCP_OUT_REPLY)
		return o;
	dhcp_answer_decide(a, s, now_ns);
	/* Before a one-shot is taken: a held client takes nothing. */
	if (sb && a->d.verdict == BOOT_REPLY) {
		struct dhcp_standby_req r;

		memcpy(r.mac, req->msg.chaddr, 6);
		r.xid = req->msg.xid;
		r.msg_type = req->msg.msg_type;
		r.secs = req->msg.secs;
		r.chosen = chose_us(a, req);
		o = dhcp_answer_fleet(a, s, &r, sb, now_ns);
		if (o != DHCP_OUT_REPLY)
			return o;
	}
	if (a->d.consume_once)
		return out(a, DHCP_OUT_CONSUME);
	return dhcp_answer_finish(a, s, req);
}
