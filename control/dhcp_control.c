/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxyDHCP on the control thread. See dhcp_control.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "control/bootaction.h"
#include "control/dhcp_control.h"
#include "dataplane/base/clock.h"
#include "control/hostdb.h"
#include "control/log.h"
#include "control/metrics.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/http.h"
#include "dataplane/proto/mtftp.h"
#include "dataplane/proto/path.h"

/* The trace of one request: every line starts "dhcp MAC". */
struct trace_ctx {
	struct dhcp_handler *hd;
	char mac[HOSTDB_MAC_STRLEN];
};

static void __attribute__((format(printf, 2, 3)))
trace(const struct trace_ctx *t, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	int n;

	if (!t->hd->trace)
		return;
	n = snprintf(line, sizeof(line), "dhcp %s ", t->mac);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	t->hd->trace(t->hd->trace_arg, line);
}

static const char *
msg_type_name(uint8_t t)
{
	static const char *const names[] = {
		"BOOTP", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK",
		"RELEASE", "INFORM",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "type?";
}

static const char *
ip_str(uint32_t ip, char *buf)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static bool
mac_ignored(const struct pxeline_config *cfg, const uint8_t mac[6])
{
	uint32_t i;

	for (i = 0; i < cfg->dhcp.n_ignore && i < CFG_MAX_IGNORE_MACS; i++)
		if (memcmp(cfg->dhcp.ignore_macs[i], mac, 6) == 0)
			return true;
	return false;
}

/* The first line of a client's story: who, what, from where. */
static void
trace_request(const struct trace_ctx *t, const struct dhcp_ring_req *req,
	const struct dhcp_msg *m)
{
	char uuid[HOSTDB_UUID_STRLEN] = "none", arch[40], relay[INET_ADDRSTRLEN + 8] = "none";
	char src[INET_ADDRSTRLEN];

	if (dhcp_has(m, DHCP_OPT_CLIENT_UUID))
		hostdb_uuid_str(m->uuid, uuid);
	if (dhcp_has(m, DHCP_OPT_CLIENT_ARCH))
		snprintf(arch, sizeof(arch), "%s(%u)", dhcp_arch_name(dhcp_msg_arch(m)),
			 m->arch_code);
	else
		snprintf(arch, sizeof(arch), "%s(no option 93)",
			 dhcp_arch_name(dhcp_msg_arch(m)));
	if (m->giaddr)
		ip_str(m->giaddr, relay);
	trace(t, "%s via %u from %s:%u xid=0x%08x uuid=%s arch=%s relay=%s%s class=\"%s\"",
	      msg_type_name(m->msg_type), req->dst_port, ip_str(req->src_ip, src),
	      req->src_port, m->xid, uuid, arch, relay, m->is_ipxe ? " ipxe" : "",
	      m->vendor_class);
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
/* QEMU and some boards send an all-zero (or all-FF) SMBIOS UUID: that
 * names no machine, so it must not match an inventory record. */
static bool
uuid_is_real(const uint8_t uuid[16])
{
	bool zero = true, ones = true;
	int i;

	for (i = 0; i < 16; i++) {
		zero &= uuid[i] == 0;
		ones &= uuid[i] == 0xff;
	}
	return !zero && !ones;
}

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

static struct dhcp_once_grace *
grace_find(struct dhcp_handler *hd, int64_t id, uint64_t now_ns)
{
	int i;

	for (i = 0; i < DHCP_ONCE_GRACE_SLOTS; i++)
		if (hd->grace[i].host_id == id && hd->grace[i].until_ns > now_ns)
			return &hd->grace[i];
	return NULL;
}

static void
grace_add(struct dhcp_handler *hd, int64_t id, uint64_t now_ns)
{
	struct dhcp_once_grace *g = &hd->grace[0];
	int i;

	/* A free or expired slot, else the one closest to expiry. */
	for (i = 0; i < DHCP_ONCE_GRACE_SLOTS; i++) {
		if (hd->grace[i].host_id == 0 || hd->grace[i].until_ns <= now_ns) {
			g = &hd->grace[i];
			break;
		}
		if (hd->grace[i].until_ns < g->until_ns)
			g = &hd->grace[i];
	}
	g->host_id = id;
	g->until_ns = now_ns + DHCP_ONCE_GRACE_NS;
}

/*
 * A once record the database says is taken, but taken by this very boot
 * (within the grace): decided as still armed, not consumed again. A record
 * the operator re-armed meanwhile is armed in the database: taken for real.
 */
static bool
in_grace(struct dhcp_handler *hd, struct hostdb_host *h, uint64_t now_ns)
{
	if (!h->h.id || h->h.action != BOOT_ACTION_ONCE || h->h.once_armed ||
	    !grace_find(hd, h->h.id, now_ns))
		return false;
	h->h.once_armed = true;
	return true;
}

/* Looks a key up; false (and a trace line) when the database failed. */
static bool
find_host(const struct trace_ctx *t, enum hostdb_err e, const char *by)
{
	if (e == HOSTDB_OK || e == HOSTDB_ERR_NOT_FOUND)
		return true;
	t->hd->stats.db_errors++;
	trace(t, "host lookup by %s failed: %s (%s): staying silent", by,
	      hostdb_strerror(e), hostdb_sqlite_msg(t->hd->db));
	return false;
}

/*
 * Takes the one shot before the reply leaves. Returns false when nothing may
 * be sent; may turn d into the "consumed" answer.
 */
static bool
take_once(const struct trace_ctx *t, struct dhcp_handler *hd, const struct boot_request *br,
	const struct boot_policy *pol, struct hostdb_host *mac_h, struct hostdb_host *uuid_h,
	struct boot_lookup *found, uint64_t now_ns, struct boot_decision *d)
{
	int64_t id = d->host->id;
	bool consumed;
	enum hostdb_err e;

	e = hostdb_consume_once(hd->db, id, &consumed);
	if (e) {
		hd->stats.db_errors++;
		trace(t, "one-shot could not be committed: %s (%s): staying silent so it is "
		      "never served twice", hostdb_strerror(e), hostdb_sqlite_msg(hd->db));
		return false;
	}
	if (consumed) {
		hd->stats.once_consumed++;
		grace_add(hd, id, now_ns);
		trace(t, "one-shot consumed and committed (host id %lld)", (long long)id);
		return true;
	}
	/* Taken by an earlier boot, or before a restart: answer as consumed. */
	trace(t, "one-shot already consumed (earlier boot or before a restart): "
	      "deciding again as consumed");
	mac_h->h.once_armed = false;
	uuid_h->h.once_armed = false;
	boot_decide(br, found, pol, d);
	return true;
}

/* What the record remembers as its last answer. */
static const char *
answer_name(const struct boot_decision *d)
{
	if (d->verdict != BOOT_REPLY)
		return "silent";
	if (d->profile && d->file == d->profile->abort)
		return "abort";
	if (d->host && d->host->action == BOOT_ACTION_ONCE)
		return "once";
	return "boot";
}

/*
 * PXE MTFTP parameters for the boot file when its profile streams it: the
 * group address is the one the worker picks for the same canonical path.
 */
static bool
mtftp_params(const struct pxeline_config *cfg, const struct boot_decision *d,
	     struct dhcp_mtftp *ret_mt)
{
	const struct cfg_multicast *mc = &cfg->multicast;
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

/*
 * The requests we owe no answer: not PXE, not a type a proxy answers, an
 * ignored MAC, port 67 switched off, another server's REQUEST. True when
 * req goes on; *ret_our_ip is our address on its interface.
 */
static bool
request_wanted(struct dhcp_handler *hd, struct trace_ctx *t, const struct dhcp_ring_req *req,
	       uint32_t *ret_our_ip)
{
	const struct dhcp_msg *mp = &req->msg;
	char ip[INET_ADDRSTRLEN];

	if (!dhcp_is_pxe_request(mp)) {
		hd->stats.not_pxe++;
		return false;
	}
	trace_request(t, req, mp);
	if (dhcp_reply_type(mp) == DHCP_NONE) {
		hd->stats.not_pxe++;
		trace(t, "no proxy reply owed to a %s", msg_type_name(mp->msg_type));
		return false;
	}
	if (mac_ignored(hd->cfg, mp->chaddr)) {
		hd->stats.ignored_mac++;
		trace(t, "ignored: MAC on ignore list (dhcp.ignore)");
		return false;
	}
	if (mp->is_httpclient && !hd->cfg->http_boot.enabled) {
		hd->stats.silent++;
		trace(t, "ignored: UEFI HTTP Boot client and the HTTP file server is off "
		      "(no http_boot group)");
		return false;
	}
	if (req->dst_port == DHCP_PORT_SERVER && !hd->cfg->dhcp.port67) {
		hd->stats.ignored_port67++;
		trace(t, "ignored: request on port 67 and dhcp.port67 = false "
		      "(the site DHCP server answers it; we answer on 4011)");
		return false;
	}
	if (req->port_idx >= hd->n_ports) {
		hd->stats.bad++;
		trace(t, "dropped: arrived on unknown interface %u", req->port_idx);
		return false;
	}
	*ret_our_ip = hd->server_ip[req->port_idx];
	if (req->dst_port == DHCP_PORT_SERVER && mp->msg_type == DHCP_REQUEST &&
	    dhcp_has(mp, DHCP_OPT_SERVER_ID) && mp->server_id != *ret_our_ip) {
		hd->stats.ignored_other_server++;
		trace(t, "ignored: REQUEST for DHCP server %s, not us",
		      ip_str(mp->server_id, ip));
		return false;
	}
	return true;
}

/* The hosts a request names, found by MAC and by UUID (the lookup's own
 * storage in mac_h/uuid_h). False when the inventory could not answer. */
static bool
lookup_hosts(struct dhcp_handler *hd, struct trace_ctx *t, const struct boot_request *br,
	     struct hostdb_host *mac_h, struct hostdb_host *uuid_h, struct boot_lookup *ret)
{
	ret->by_mac = ret->by_uuid = NULL;
	memset(mac_h, 0, sizeof(*mac_h));
	if (!find_host(t, hostdb_lookup_mac(hd->db, br->mac, mac_h), "MAC"))
		return false;
	if (mac_h->h.id)
		ret->by_mac = &mac_h->h;
	memset(uuid_h, 0, sizeof(*uuid_h));
	if (br->has_uuid) {
		if (!find_host(t, hostdb_lookup_uuid(hd->db, br->uuid, uuid_h), "UUID"))
			return false;
		if (uuid_h->h.id)
			ret->by_uuid = &uuid_h->h;
	}
	return true;
}

/*
 * What this machine boots: the decision table over the inventory, with a
 * one-shot committed before the answer exists. False when it must not be
 * answered now (the one-shot could not be committed).
 */
static bool
decide(struct dhcp_handler *hd, struct trace_ctx *t, const struct dhcp_msg *mp,
       uint64_t now_ns, struct boot_decision *ret)
{
	struct hostdb_host mac_h, uuid_h;
	struct boot_lookup found;
	struct boot_request br;
	struct boot_policy pol;
	bool graced, mac_graced, uuid_graced;

	memset(&br, 0, sizeof(br));
	memcpy(br.mac, mp->chaddr, 6);
	br.has_uuid = dhcp_has(mp, DHCP_OPT_CLIENT_UUID) && uuid_is_real(mp->uuid);
	memcpy(br.uuid, mp->uuid, 16);
	br.arch = dhcp_msg_arch(mp);
	br.is_ipxe = mp->is_ipxe;
	br.http = mp->is_httpclient;
	if (!lookup_hosts(hd, t, &br, &mac_h, &uuid_h, &found))
		return false;
	/* Within a taken one-shot's grace the boot goes on as if still armed. */
	mac_graced = in_grace(hd, &mac_h, now_ns);
	uuid_graced = in_grace(hd, &uuid_h, now_ns);
	pol = boot_policy_from_config(hd->cfg);
	boot_decide(&br, &found, &pol, ret);
	graced = (ret->host == &mac_h.h && mac_graced) || (ret->host == &uuid_h.h && uuid_graced);
	if (ret->consume_once && graced) {
		hd->stats.once_grace++;
		trace(t, "one-shot taken earlier in this boot (within %llu s): same answer",
		      (unsigned long long)(DHCP_ONCE_GRACE_NS / 1000000000ull));
	} else if (ret->consume_once &&
		   !take_once(t, hd, &br, &pol, &mac_h, &uuid_h, &found, now_ns, ret)) {
		return false;
	}
	if (ret->host)
		hostdb_record_seen(hd->db, ret->host->id, dhcp_arch_name(br.arch),
				   answer_name(ret), ret->file);
	metrics_on_decision(mp->chaddr, ret->profile ? ret->profile->name : NULL, br.arch,
			    answer_name(ret));
	/* The host records live on this stack frame: the caller keeps no pointer. */
	ret->host = NULL;
	return true;
}

/* Builds the proxy reply for decision d into ret_reply. */
static bool
build_reply(struct dhcp_handler *hd, struct trace_ctx *t, const struct dhcp_ring_req *req,
	    uint32_t our_ip, const struct boot_decision *d, struct dhcp_ring_reply *ret_reply)
{
	const struct dhcp_msg *mp = &req->msg;
	char ip[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	struct dhcp_reply_params p;
	struct dhcp_mtftp mt;
	char uri[256];
	enum dhcp_err de;
	size_t len;

	memset(ret_reply, 0, sizeof(*ret_reply));
	ret_reply->port_idx = req->port_idx;
	if (!reply_address(req, mp, ret_reply)) {
		hd->stats.bad++;
		trace(t, "%s -> cannot answer: request to %u without a source address "
		      "(client will show PXE-E55: no reply on port 4011)", d->reason, req->dst_port);
		return false;
	}
	memset(&p, 0, sizeof(p));
	p.req = mp;
	p.msg_type = dhcp_reply_type(mp);
	p.server_addr = our_ip;
	p.boot_file = d->file;
	if (mp->is_httpclient) {
		/* The URI names the engine's own address: its TCP is the
		 * kernel's through the TAP exception path (http_boot.c). */
		if (!http_boot_uri(uri, sizeof(uri), our_ip, hd->cfg->http_boot.port, d->file)) {
			hd->stats.build_errors++;
			trace(t, "%s -> no answer: boot URI for %s is longer than %zu bytes",
			      d->reason, d->file, sizeof(uri) - 1);
			return false;
		}
		p.boot_file = uri;
		p.http = true;
	} else if (mtftp_params(hd->cfg, d, &mt)) {
		p.mtftp = &mt;
	}
	de = dhcp_build_proxy_reply(ret_reply->payload, sizeof(ret_reply->payload), &p, &len);
	if (de != DHCP_OK) {
		hd->stats.build_errors++;
		trace(t, "%s -> reply not built: %s (client will show PXE-E53: no boot "
		      "filename received)", d->reason, dhcp_strerror(de));
		return false;
	}
	ret_reply->len = (uint16_t)len;
	hd->stats.replies++;
	trace(t, "%s -> %s file=%s next-server=%s to %s:%u from port %u%s", d->reason,
	      msg_type_name(p.msg_type), p.boot_file, ip_str(our_ip, ip),
	      ip_str(ret_reply->dst_ip, dst), ret_reply->dst_port, ret_reply->src_port,
	      p.mtftp ? " (+MTFTP)" : "");
	return true;
}

bool
dhcp_control_handle(struct dhcp_handler *hd, const struct dhcp_ring_req *req,
	uint64_t now_ns, struct dhcp_ring_reply *ret_reply)
{
	struct trace_ctx t = { .hd = hd };
	struct boot_decision d;
	uint32_t our_ip = 0;

	hd->stats.requests++;
	/* The client is chaddr: a relayed request's source MAC is the relay's. */
	hostdb_mac_str(req->msg.chaddr, t.mac);
	if (!request_wanted(hd, &t, req, &our_ip) || !decide(hd, &t, &req->msg, now_ns, &d))
		return false;
	if (d.verdict != BOOT_REPLY) {
		hd->stats.silent++;
		trace(&t, "%s -> no answer", d.reason);
		return false;
	}
	return build_reply(hd, &t, req, our_ip, &d, ret_reply);
}

/* The ring wrapper ------------------------------------------------------ */

#define DHCP_BURST 32
#define DHCP_DELAY_SLOTS 256

struct pending_reply {
	uint64_t due_ns;
	uint64_t rx_ns;		/* the request's, for the answer time */
	uint16_t worker;
	struct dhcp_ring_reply r;
};

static struct {
	struct dhcp_handler hd;
	uint32_t server_ip[CFG_MAX_INTERFACES];
	struct rte_ring *req_ring;
	struct rte_ring **reply_rings;
	unsigned n_workers;
	uint64_t delay_ns;
	/* FIFO: one delay for all, so due times come in order. */
	struct pending_reply pending[DHCP_DELAY_SLOTS];
	unsigned head, count;
} dc;

static void
trace_to_log(void *arg, const char *line)
{
	(void)arg;
	log_msg(CFG_LOG_INFO, "%s", line);
}

int
dhcp_control_init(const struct pxeline_config *cfg, struct hostdb *db,
		  struct rte_ring *req_ring, struct rte_ring **reply_rings,
		  unsigned n_workers, const struct port *ports, int n_ports)
{
	int i;

	if (!cfg || !db || !req_ring || !reply_rings || n_ports < 0 ||
	    n_ports > CFG_MAX_INTERFACES)
		return -EINVAL;
	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < n_ports; i++)
		dc.server_ip[i] = ports[i].local.ip;
	dc.hd.db = db;
	dc.hd.server_ip = dc.server_ip;
	dc.hd.n_ports = n_ports;
	dc.hd.trace = trace_to_log;
	dc.req_ring = req_ring;
	dc.reply_rings = reply_rings;
	dc.n_workers = n_workers;
	dhcp_control_set_config(cfg);
	return 0;
}

void
dhcp_control_set_config(const struct pxeline_config *cfg)
{
	dc.hd.cfg = cfg;
	dc.delay_ns = (uint64_t)cfg->dhcp.delay_ms * 1000000ull;
}

/* Hands the reply back; its answer time runs from the worker's reception. */
static void
send_reply(uint16_t worker, uint64_t rx_ns, struct dhcp_ring_reply *r)
{
	uint64_t now;

	if (worker >= dc.n_workers || !dc.reply_rings[worker] ||
	    rte_ring_sp_enqueue_elem(dc.reply_rings[worker], r, sizeof(*r)) != 0) {
		dc.hd.stats.ring_full++;
		log_msg(CFG_LOG_WARN, "dhcp reply dropped: ring of worker %u full", worker);
		return;
	}
	/* rx_ns is the worker's TSC-derived wall clock: never let drift go negative. */
	now = clock_wall_ns();
	metrics_on_dhcp_answer(now > rx_ns ? now - rx_ns : 0);
}

/* Sends the delayed replies that are due; returns how many. */
static unsigned
flush_due(uint64_t now)
{
	unsigned n = 0;

	while (dc.count && dc.pending[dc.head].due_ns <= now) {
		send_reply(dc.pending[dc.head].worker, dc.pending[dc.head].rx_ns,
			   &dc.pending[dc.head].r);
		dc.head = (dc.head + 1) % DHCP_DELAY_SLOTS;
		dc.count--;
		n++;
	}
	return n;
}

unsigned
dhcp_control_poll(void)
{
	static struct dhcp_ring_req reqs[DHCP_BURST];
	struct dhcp_ring_reply rep;
	struct pending_reply *pr;
	unsigned i, n, work;
	uint64_t now;

	if (!dc.req_ring)
		return 0;
	now = clock_mono_ns();
	n = rte_ring_sc_dequeue_burst_elem(dc.req_ring, reqs, sizeof(reqs[0]), DHCP_BURST,
					   NULL);
	work = n;
	if (n)
		hostdb_batch_begin(dc.hd.db);
	for (i = 0; i < n; i++) {
		if (!dhcp_control_handle(&dc.hd, &reqs[i], now, &rep))
			continue;
		if (!dc.delay_ns) {
			send_reply(reqs[i].worker, reqs[i].rx_ns, &rep);
			continue;
		}
		if (dc.count == DHCP_DELAY_SLOTS) {
			/* Late is worse than early: the client may give up on us. */
			dc.hd.stats.delay_full++;
			send_reply(reqs[i].worker, reqs[i].rx_ns, &rep);
			continue;
		}
		pr = &dc.pending[(dc.head + dc.count) % DHCP_DELAY_SLOTS];
		pr->due_ns = now + dc.delay_ns;
		pr->rx_ns = reqs[i].rx_ns;
		pr->worker = reqs[i].worker;
		pr->r = rep;
		dc.count++;
	}
	if (n && hostdb_batch_end(dc.hd.db) != HOSTDB_OK)
		log_msg(CFG_LOG_WARN, "dhcp: last-seen update not committed: %s",
			hostdb_sqlite_msg(dc.hd.db));
	return work + flush_due(now);
}

void
dhcp_control_get_stats(struct dhcp_control_stats *ret_stats)
{
	*ret_stats = dc.hd.stats;
}

void
dhcp_control_fini(void)
{
	/* Replies still waiting for their delay are sent: the clients asked. */
	flush_due(UINT64_MAX);
	memset(&dc, 0, sizeof(dc));
}
