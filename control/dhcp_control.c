/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxyDHCP on the control thread: the snapshot, the one-shot, the slow
 * path. See dhcp_control.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "control/dhcp_control.h"
#include "control/history.h"
#include "control/hostdb.h"
#include "control/log.h"
#include "control/metrics.h"
#include "dataplane/base/clock.h"
#include "dataplane/dhcp/answer.h"
#include "dataplane/dhcp/snap_rcu.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/dhcp6.h"

/* The grace table ------------------------------------------------------- */

static struct dhcp_once_grace *
grace_find(struct dhcp_handler *hd, int64_t id, uint64_t now_ns)
{
	int i;

	for (i = 0; i < DHCP_ONCE_GRACE_SLOTS; i++)
		if (hd->grace[i].host_id == id && hd->grace[i].until_ns > now_ns)
			return &hd->grace[i];
	return NULL;
}

/* The grace of a one-shot taken age_ms ago (by any engine) ends at until_ns. */
static void
grace_add_until(struct dhcp_handler *hd, int64_t id, uint64_t now_ns, uint64_t until_ns)
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
	g->until_ns = until_ns;
}

static void
grace_add(struct dhcp_handler *hd, int64_t id, uint64_t now_ns)
{
	grace_add_until(hd, id, now_ns, now_ns + DHCP_ONCE_GRACE_NS);
}

/*
 * A boot took it age_ms ago, maybe on another engine (the shared
 * consumed_at): the same boot's copies here are in grace until it ends.
 * True when that grace still runs.
 */
static bool
grace_from_store(struct dhcp_handler *hd, int64_t id, int64_t age_ms, uint64_t now_ns)
{
	uint64_t age_ns = (uint64_t)age_ms * 1000000ull;

	if (age_ms < 0 || age_ns >= DHCP_ONCE_GRACE_NS)
		return false;
	if (!grace_find(hd, id, now_ns))
		grace_add_until(hd, id, now_ns, now_ns + DHCP_ONCE_GRACE_NS - age_ns);
	return true;
}

/* The snapshot ---------------------------------------------------------- */

struct build_ctx {
	struct dhcp_handler *hd;
	struct dhcp_snapshot *s;
	uint64_t now_ns;
	enum dhcp_snap_err err;
};

static int
add_record(void *arg, const struct hostdb_host *h)
{
	struct build_ctx *b = arg;
	struct dhcp_once_grace *g;
	struct dhcp_snap_host sh;

	/* Taken by another engine: its grace from the shared consumed_at. */
	if (h->h.action == BOOT_ACTION_ONCE && !h->h.once_armed &&
	    strcmp(h->consumed_by, hostdb_engine(b->hd->db)) != 0)
		grace_from_store(b->hd, h->h.id, h->consumed_age_ms, b->now_ns);
	g = h->h.action == BOOT_ACTION_ONCE ? grace_find(b->hd, h->h.id, b->now_ns) : NULL;
	sh = hostdb_snap_host(h, g ? g->until_ns : 0);
	b->err = dhcp_snap_add_host(b->s, &sh);
	return b->err != DHCP_SNAP_OK;
}

int
dhcp_handler_rebuild(struct dhcp_handler *hd, uint64_t now_ns)
{
	struct build_ctx b = { hd, NULL, now_ns, DHCP_SNAP_OK };
	struct dhcp_snapshot *old = hd->snap;
	enum hostdb_err e = HOSTDB_OK;

	b.err = dhcp_snap_create(hd->cfg, hd->server_ip, hd->n_ports, &b.s);
	if (b.err == DHCP_SNAP_OK) {
		dhcp_snap_set_fleet(b.s, &hd->fleet);
		e = hostdb_list(hd->db, add_record, &b);
	}
	if (b.err == DHCP_SNAP_OK && e == HOSTDB_OK)
		b.err = dhcp_snap_seal(b.s);
	if (b.err != DHCP_SNAP_OK || e != HOSTDB_OK) {
		hd->stats.snapshot_errors++;
		log_msg(CFG_LOG_WARN, "dhcp: policy snapshot not rebuilt (%s%s%s): answering "
			"from the previous one", e ? hostdb_strerror(e) : dhcp_snap_strerror(b.err),
			e ? ": " : "", e ? hostdb_msg(hd->db) : "");
		dhcp_snap_free(b.s);
		return -1;
	}
	b.s->generation = ++hd->generation;
	hd->stats.snapshots++;
	hd->snap = b.s;
	if (hd->publish)
		hd->publish(hd->publish_arg, b.s);
	else
		dhcp_snap_free(old);
	return 0;
}

int
dhcp_handler_set_fleet(struct dhcp_handler *hd, const char *const *names, unsigned n,
		       const char *self, uint64_t now_ns)
{
	struct dhcp_fleet old = hd->fleet, f = hd->fleet;

	if (dhcp_fleet_set(&f, names, n, self) != 0) {
		log_msg(CFG_LOG_WARN, "dhcp: fleet of %u engine(s) refused (at most %d, names "
			"1..%d characters): keeping the previous one", n, DHCP_FLEET_MAX,
			DHCP_FLEET_NAME_MAX - 1);
		return -1;
	}
	if (dhcp_fleet_same(&f, &old))
		return 0;
	hd->fleet = f;
	if (dhcp_handler_rebuild(hd, now_ns) != 0) {
		hd->fleet = old;
		return -1;
	}
	log_msg(CFG_LOG_INFO, "dhcp: fleet of %u engine(s)%s%s, standby after %u ms", f.n,
		f.self < 0 && f.n ? ", this engine not among them: standing by for every client" : "",
		f.n ? "" : " (none known: answering every client)", hd->cfg->dhcp.standby_delay_ms);
	return 1;
}

void
dhcp_handler_fini(struct dhcp_handler *hd)
{
	if (!hd->publish)
		dhcp_snap_free(hd->snap);
	hd->snap = NULL;
}

/* One request ------------------------------------------------------------ */

static void
trace_done(struct dhcp_handler *hd, const uint8_t mac[6], const char *fmt, int64_t id,
	   const char *what)
{
	char line[512], m[HOSTDB_MAC_STRLEN];
	int n;

	if (!hd->trace)
		return;
	hostdb_mac_str(mac, m);
	n = snprintf(line, sizeof(line), "dhcp %s ", m);
	snprintf(line + n, sizeof(line) - n, fmt, (long long)id, what);
	hd->trace(hd->trace_arg, line);
}

/*
 * The compare-and-set of host id's one-shot for the client in t: consumed
 * now (its grace starts), or taken already (age_ms: by whom, when). false
 * when the store failed: t says why, and the one-shot is held.
 */
static bool
cas_once(struct dhcp_handler *hd, int64_t id, uint64_t now_ns, struct log_dhcp *t,
	 bool *ret_consumed, int64_t *ret_age_ms)
{
	enum hostdb_err e;
	char mac[HOSTDB_MAC_STRLEN];

	*ret_age_ms = -1;
	e = hostdb_consume_once(hd->db, id, true, ret_consumed, ret_age_ms);
	if (e == HOSTDB_ERR_UNREACHABLE) {
		hd->stats.once_held++;
		hostdb_mac_str(t->mac, mac);
		log_msg(CFG_LOG_WARN, "dhcp %s state store unreachable: one-shot for %s held "
			"(host id %lld, no answer until the store is back): %s", mac, mac,
			(long long)id, hostdb_msg(hd->db));
	}
	if (e) {
		hd->stats.db_errors++;
		snprintf(t->detail, sizeof(t->detail), "%s (%s)", hostdb_strerror(e),
			 hostdb_msg(hd->db));
		t->outcome = DHCP_OUT_COMMIT_FAILED;
		return false;
	}
	if (*ret_consumed) {
		hd->stats.once_consumed++;
		grace_add(hd, id, now_ns);
		t->notes |= DHCP_NOTE_CONSUMED;
	}
	return true;
}

/*
 * Takes the one shot before the reply leaves: the compare-and-set in the
 * store, consumed exactly once however many copies of the request come and
 * whatever engine they reach. A copy that loses the race to this very boot
 * (here or on another engine: the shared consumed_at) is in the grace; one
 * that loses to an earlier boot (or a restart) is decided again as consumed.
 * An unreachable store holds the answer: no reply rather than a second one.
 */
static enum dhcp_outcome
take_once(struct dhcp_handler *hd, const struct dhcp_ring_req *req, uint64_t now_ns,
	  struct dhcp_answer *a)
{
	int64_t id = a->d.host->id;
	int64_t age_ms;
	bool consumed;

	if (!cas_once(hd, id, now_ns, a->t, &consumed, &age_ms))
		return DHCP_OUT_COMMIT_FAILED;
	if (!consumed && (grace_find(hd, id, now_ns) || grace_from_store(hd, id, age_ms, now_ns)))
		dhcp_answer_grace(a);
	else if (!consumed)
		dhcp_answer_redecide_taken(a, hd->snap);
	return dhcp_answer_finish(a, hd->snap, req);
}

/*
 * A DHCPv6 request's one-shot (dhcp6_rx.c): the same take, no reply. The
 * snapshot republished with the grace answers the client's retransmission
 * on the worker. A copy that comes while it is taken finds the grace:
 * nothing to do. One taken by an earlier boot means the snapshot is stale:
 * rebuilt, the retransmission is decided as consumed.
 */
static void
take_once6(struct dhcp_handler *hd, const struct dhcp_ring_req *req, uint64_t now_ns)
{
	static struct log_dhcp t;	/* large; the control thread is one thread */
	int64_t age_ms;
	bool consumed;

	t = req->take6;
	if (!t.host_id || !cas_once(hd, t.host_id, now_ns, &t, &consumed, &age_ms))
		return;
	if (consumed)
		trace_done(hd, t.mac, "one-shot consumed and committed (host id %lld) for a "
			   "DHCPv6 %s: answered on its retransmission", t.host_id,
			   dhcp6_type_name(t.msg_type));
	else if (grace_find(hd, t.host_id, now_ns))
		return;
	dhcp_handler_rebuild(hd, now_ns);
}

static void
count(struct dhcp_handler *hd, const struct log_dhcp *t)
{
	struct dhcp_control_stats *st = &hd->stats;

	if (t->notes & DHCP_NOTE_GRACE)
		st->once_grace++;
	switch (t->outcome) {
	case DHCP_OUT_REPLY:
		st->replies++;
		break;
	case DHCP_OUT_NOT_OWED:
		st->not_pxe++;
		break;
	case DHCP_OUT_IGNORED_MAC:
		st->ignored_mac++;
		break;
	case DHCP_OUT_PORT67_OFF:
		st->ignored_port67++;
		break;
	case DHCP_OUT_OTHER_SERVER:
		st->ignored_other_server++;
		break;
	case DHCP_OUT_SILENT:
	case DHCP_OUT_HTTP_OFF:
		st->silent++;
		break;
	case DHCP_OUT_BUILD_FAILED:
		st->build_errors++;
		break;
	case DHCP_OUT_BAD_PORT:
	case DHCP_OUT_NO_ADDRESS:
		st->bad++;
		break;
	default:	/* COMMIT_FAILED: counted as a db error where it happened */
		break;
	}
}

/* The outcomes reached after a decision: the record notes them. */
static bool
decided(enum dhcp_outcome o)
{
	return o == DHCP_OUT_REPLY || o == DHCP_OUT_SILENT || o == DHCP_OUT_NO_ADDRESS ||
	       o == DHCP_OUT_BUILD_FAILED;
}

static void
until_file_add(struct dhcp_handler *hd, const uint8_t mac[6], int64_t id)
{
	unsigned i;

	for (i = 0; i < DHCP_UNTIL_FILE_SLOTS; i++)
		if (hd->until_file[i].host_id == id && memcmp(hd->until_file[i].mac, mac, 6) == 0)
			return;
	i = hd->until_file_next++ % DHCP_UNTIL_FILE_SLOTS;
	hd->until_file[i].host_id = id;
	memcpy(hd->until_file[i].mac, mac, 6);
}

void
dhcp_handler_seen(struct dhcp_handler *hd, const struct log_dhcp *t)
{
	struct hostdb_event ev;

	/* Every answer, made here or by a worker, is counted once here. */
	if (decided((enum dhcp_outcome)t->outcome))
		metrics_on_decision(t->mac, t->profile[0] ? t->profile : NULL,
				    (enum dhcp_arch)t->arch,
				    dhcp_seen_name((enum dhcp_seen)t->seen), t->v6);
	if (t->outcome == DHCP_OUT_REPLY)
		metrics_on_dhcp_answer(t->answer_ns);
	/* A client left to its owner is the owner's step, not ours. */
	if (!t->host_id || t->outcome == DHCP_OUT_HELD)
		return;
	history_from_dhcp(t, &ev);
	hostdb_history_add(hd->db, &ev);
	if (!decided((enum dhcp_outcome)t->outcome))
		return;
	hostdb_record_seen(hd->db, t->host_id, dhcp_arch_name((enum dhcp_arch)t->arch),
			   dhcp_seen_name((enum dhcp_seen)t->seen), t->file[0] ? t->file : NULL);
	if (t->notes & DHCP_NOTE_UNTIL_FILE)
		until_file_add(hd, t->mac, t->host_id);
}

bool
dhcp_control_handle(struct dhcp_handler *hd, const struct dhcp_ring_req *req,
	uint64_t now_ns, struct dhcp_ring_reply *ret_reply)
{
	static struct dhcp_answer a;	/* large; the control thread is one thread */
	static struct log_dhcp t;
	enum dhcp_outcome o;
	bool changed;

	hd->stats.requests++;
	if (req->kind == DHCP_REQ_TAKE6) {
		take_once6(hd, req, now_ns);
		return false;
	}
	if (!dhcp_is_pxe_request(&req->msg)) {
		hd->stats.not_pxe++;
		return false;
	}
	if (!hd->snap && !hostdb_reachable(hd->db)) {
		/* Never built: without the store's hosts an answer could boot a
		 * machine its record says to ignore or abort. */
		hd->stats.no_snapshot++;
		if (now_ns - hd->no_snapshot_logged_ns >= 1000000000ull || !hd->no_snapshot_logged_ns) {
			hd->no_snapshot_logged_ns = now_ns;
			log_msg(CFG_LOG_WARN, "dhcp: %" PRIu64 " request(s) not answered: no policy "
				"snapshot yet, the state store has been unreachable since start (%s)",
				hd->stats.no_snapshot, hostdb_msg(hd->db));
		}
		return false;
	}
	if (!hd->snap && dhcp_handler_rebuild(hd, now_ns) != 0) {
		hd->stats.db_errors++;
		return false;
	}
	o = dhcp_answer(hd->snap, req, now_ns, NULL, &a, &t);
	changed = o == DHCP_OUT_CONSUME;
	if (changed)
		o = take_once(hd, req, now_ns, &a);
	count(hd, &t);
	if (o == DHCP_OUT_REPLY) {
		uint64_t now = clock_wall_ns();

		/* rx_ns is the worker's TSC-derived wall clock: never negative. */
		t.answer_ns = now > req->rx_ns ? now - req->rx_ns : 0;
	}
	dhcp_handler_seen(hd, &t);
	if (hd->trace)
		dhcp_trace_lines(&t, hd->trace, hd->trace_arg);
	if (o == DHCP_OUT_REPLY)
		memcpy(ret_reply, &a.reply, sizeof(*ret_reply));
	/* After the reply is copied: the decision points into the old snapshot. */
	if (changed && t.outcome != DHCP_OUT_COMMIT_FAILED)
		dhcp_handler_rebuild(hd, now_ns);
	return o == DHCP_OUT_REPLY;
}

/* The record a completed download may end the one-shot of. */
static const struct dhcp_snap_host *
until_file_host(struct dhcp_handler *hd, const uint8_t mac[6])
{
	const struct dhcp_snap_host *h;
	unsigned i;

	for (i = 0; i < DHCP_UNTIL_FILE_SLOTS; i++)
		if (hd->until_file[i].host_id && memcmp(hd->until_file[i].mac, mac, 6) == 0) {
			h = dhcp_snap_by_id(hd->snap, hd->until_file[i].host_id);
			if (h)
				return h;
		}
	return dhcp_snap_by_mac(hd->snap, mac);
}

bool
dhcp_handler_file_done(struct dhcp_handler *hd, const uint8_t mac[6], const char *file,
		       uint64_t now_ns)
{
	const struct dhcp_snap_host *h;
	const struct cfg_profile *p;
	bool consumed;
	enum hostdb_err e;
	int64_t id;

	if (!hd->snap)
		return false;
	h = until_file_host(hd, mac);
	if (!h || h->h.action != BOOT_ACTION_ONCE || !h->h.once_armed)
		return false;
	p = dhcp_snap_profile(hd->snap, h->h.profile);
	if (!p || !boot_once_file_done(p, file, hd->cfg->tftp.case_insensitive))
		return false;
	id = h->h.id;
	e = hostdb_consume_once(hd->db, id, true, &consumed, NULL);
	if (e) {
		hd->stats.db_errors++;
		log_msg(CFG_LOG_WARN, "dhcp: one-shot of host %lld not committed after %s: %s (%s)",
			(long long)id, file, hostdb_strerror(e), hostdb_msg(hd->db));
		return false;
	}
	if (!consumed)
		return false;
	hd->stats.once_consumed++;
	grace_add(hd, id, now_ns);
	trace_done(hd, mac, "one-shot consumed and committed (host id %lld): %s served "
		   "completely (once_until = file)", id, file);
	dhcp_handler_rebuild(hd, now_ns);
	return true;
}

/* The ring wrapper ------------------------------------------------------ */

#define DHCP_BURST 32
#define DHCP_DELAY_SLOTS 256

struct pending_reply {
	uint64_t due_ns;
	uint16_t worker;
	struct dhcp_ring_reply r;
};

static struct {
	struct dhcp_handler hd;
	uint32_t server_ip[CFG_MAX_INTERFACES];
	struct rte_ring *req_ring;
	struct rte_ring **reply_rings;
	struct dhcp_snap_rcu *rcu;
	unsigned n_workers;
	uint64_t delay_ns;
	bool in_batch;		/* last-seen notes waiting for one commit */
	uint64_t heartbeat_ns;	/* the last heartbeat sent */
	bool store_down;	/* said in the log: the store is unreachable */
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

static void
publish_rcu(void *arg, struct dhcp_snapshot *s)
{
	dhcp_snap_rcu_publish(arg, s);
}

int
dhcp_control_init(const struct pxeline_config *cfg, struct hostdb *db,
		  struct rte_ring *req_ring, struct rte_ring **reply_rings,
		  unsigned n_workers, const struct port *ports, int n_ports,
		  struct dhcp_snap_rcu *rcu)
{
	int i;

	if (!cfg || !db || !req_ring || !reply_rings || n_ports < 0 ||
	    n_ports > CFG_MAX_INTERFACES)
		return -EINVAL;
	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < n_ports; i++)
		dc.server_ip[i] = ports[i].local.ip;
	dc.hd.cfg = cfg;
	dc.hd.db = db;
	dc.hd.server_ip = dc.server_ip;
	dc.hd.n_ports = n_ports;
	dc.hd.trace = trace_to_log;
	if (rcu) {
		dc.hd.publish = publish_rcu;
		dc.hd.publish_arg = rcu;
	}
	dc.rcu = rcu;
	dc.req_ring = req_ring;
	dc.reply_rings = reply_rings;
	dc.n_workers = n_workers;
	dc.delay_ns = (uint64_t)cfg->dhcp.delay_ms * 1000000ull;
	if (!hostdb_reachable(db)) {
		/* Started during an outage: no snapshot until the store is back
		 * (follow_store rebuilds it); requests meanwhile go unanswered. */
		dc.store_down = true;
		return 0;
	}
	return dhcp_handler_rebuild(&dc.hd, clock_mono_ns()) == 0 ? 0 : -EIO;
}

int
dhcp_snapshot_rebuild(const struct pxeline_config *cfg)
{
	if (!dc.hd.db)
		return -1;
	if (cfg) {
		dc.hd.cfg = cfg;
		dc.delay_ns = (uint64_t)cfg->dhcp.delay_ms * 1000000ull;
	}
	return dhcp_handler_rebuild(&dc.hd, clock_mono_ns());
}

static void
batch_begin(void)
{
	if (!dc.in_batch && hostdb_batch_begin(dc.hd.db) == HOSTDB_OK)
		dc.in_batch = true;
}

static void
batch_end(void)
{
	if (!dc.in_batch)
		return;
	dc.in_batch = false;
	if (hostdb_batch_end(dc.hd.db) != HOSTDB_OK)
		log_msg(CFG_LOG_WARN, "dhcp: last-seen update not committed: %s",
			hostdb_msg(dc.hd.db));
}

/* A transfer's end in the history of the host whose MAC fetched it. */
static void
history_file(const struct log_event *ev)
{
	const struct dhcp_snap_host *h = dc.hd.snap ? dhcp_snap_by_mac(dc.hd.snap, ev->mac) : NULL;
	struct hostdb_event hev;

	if (!h)
		return;
	history_from_tftp(ev, h->h.id, &hev);
	hostdb_history_add(dc.hd.db, &hev);
}

void
dhcp_control_http_served(const struct http_boot_served *s, void *arg)
{
	const struct dhcp_snap_host *h = dc.hd.snap ? dhcp_snap_by_mac(dc.hd.snap, s->mac) : NULL;
	struct hostdb_event hev;

	(void)arg;
	if (!dc.hd.db || !h)
		return;
	history_from_http(s, h->h.id, &hev);
	hostdb_history_add(dc.hd.db, &hev);
	if (s->complete)
		dhcp_handler_file_done(&dc.hd, s->mac, s->file, clock_mono_ns());
}

void
dhcp_control_observe(const struct log_event *ev)
{
	if (!dc.hd.db)
		return;
	if (ev->kind == LOG_DHCP) {
		batch_begin();
		dhcp_handler_seen(&dc.hd, &ev->dhcp);
	} else if (ev->kind == LOG_TFTP_END) {
		history_file(ev);
		if (ev->reason == TFTP_END_DONE)
			dhcp_handler_file_done(&dc.hd, ev->mac, ev->file, clock_mono_ns());
	}
}

/* An engine whose heartbeat missed ten beats (5 s) has left the fleet:
 * longer than a busy control loop's stall (three beats flapped the fleet
 * under a perfdhcp storm on 2 cores: two owners, two answers), and longer
 * than dhcp.standby_delay_ms's default, so a crashed owner's clients get
 * standby answers until the fleet shrinks. */
#define DHCP_FLEET_LIVE_MS (10 * HOSTDB_HEARTBEAT_MS)
_Static_assert(HOSTDB_ENGINE_STRLEN <= DHCP_FLEET_NAME_MAX, "a store's engine name fits the fleet");

/* The live engines after a heartbeat: the snapshot's fleet (republished
 * only when it changed). A store that fails keeps the last list. */
static void
follow_fleet(uint64_t now)
{
	static char names[DHCP_FLEET_MAX][HOSTDB_ENGINE_STRLEN];
	const char *ptrs[DHCP_FLEET_MAX];
	unsigned i, n = 0;

	if (hostdb_live_engines(dc.hd.db, DHCP_FLEET_LIVE_MS, names, DHCP_FLEET_MAX, &n) !=
	    HOSTDB_OK)
		return;
	for (i = 0; i < n && i < DHCP_FLEET_MAX; i++)
		ptrs[i] = names[i];
	dhcp_handler_set_fleet(&dc.hd, ptrs, i, hostdb_engine(dc.hd.db), now);
}

/*
 * The store's side of the loop: changes others made (LISTEN/NOTIFY) or a
 * reconnect (notifications missed) rebuild the snapshot; the heartbeat
 * every HOSTDB_HEARTBEAT_MS, then the fleet. Never blocks (hostdb_poll).
 * Returns work done.
 */
static unsigned
follow_store(uint64_t now)
{
	bool changed = false, up;
	unsigned work = 0;

	hostdb_poll(dc.hd.db, &changed);
	up = hostdb_reachable(dc.hd.db);
	if (up == dc.store_down) {
		dc.store_down = !up;
		if (up)
			log_msg(CFG_LOG_INFO, "state store (%s) reachable again: rebuilding the "
				"policy snapshot from it", hostdb_backend_name(dc.hd.db));
		else
			log_msg(CFG_LOG_WARN, "state store (%s) unreachable: answering from the "
				"snapshot, one-shots held, reconnecting every %d ms: %s",
				hostdb_backend_name(dc.hd.db), HOSTDB_RETRY_MS,
				hostdb_msg(dc.hd.db));
	}
	if (changed && dhcp_handler_rebuild(&dc.hd, now) == 0)
		work++;
	if (up && now - dc.heartbeat_ns >= HOSTDB_HEARTBEAT_MS * 1000000ull) {
		dc.heartbeat_ns = now;
		if (hostdb_engine(dc.hd.db)[0] &&
		    hostdb_heartbeat(dc.hd.db, hostdb_engine(dc.hd.db)) == HOSTDB_OK)
			follow_fleet(now);
		work++;
	}
	return work;
}

static void
send_reply(uint16_t worker, struct dhcp_ring_reply *r)
{
	if (worker >= dc.n_workers || !dc.reply_rings[worker] ||
	    rte_ring_sp_enqueue_elem(dc.reply_rings[worker], r, sizeof(*r)) != 0) {
		dc.hd.stats.ring_full++;
		log_msg(CFG_LOG_WARN, "dhcp reply dropped: ring of worker %u full", worker);
	}
}

/* Sends the delayed replies that are due; returns how many. */
static unsigned
flush_due(uint64_t now)
{
	unsigned n = 0;

	while (dc.count && dc.pending[dc.head].due_ns <= now) {
		send_reply(dc.pending[dc.head].worker, &dc.pending[dc.head].r);
		dc.head = (dc.head + 1) % DHCP_DELAY_SLOTS;
		dc.count--;
		n++;
	}
	return n;
}

static void
queue_reply(uint16_t worker, struct dhcp_ring_reply *rep, uint64_t now)
{
	struct pending_reply *pr;

	if (!dc.delay_ns) {
		send_reply(worker, rep);
		return;
	}
	if (dc.count == DHCP_DELAY_SLOTS) {
		/* Late is worse than early: the client may give up on us. */
		dc.hd.stats.delay_full++;
		send_reply(worker, rep);
		return;
	}
	pr = &dc.pending[(dc.head + dc.count) % DHCP_DELAY_SLOTS];
	pr->due_ns = now + dc.delay_ns;
	pr->worker = worker;
	pr->r = *rep;
	dc.count++;
}

unsigned
dhcp_control_poll(void)
{
	static struct dhcp_ring_req reqs[DHCP_BURST];
	static struct dhcp_ring_reply rep;
	unsigned i, n, work;
	uint64_t now;

	if (!dc.req_ring)
		return 0;
	now = clock_mono_ns();
	work = follow_store(now);
	n = rte_ring_sc_dequeue_burst_elem(dc.req_ring, reqs, sizeof(reqs[0]), DHCP_BURST,
					   NULL);
	work += n;
	if (n)
		batch_begin();
	for (i = 0; i < n; i++)
		if (dhcp_control_handle(&dc.hd, &reqs[i], now, &rep))
			queue_reply(reqs[i].worker, &rep, now);
	batch_end();
	return work + flush_due(now) + dhcp_snap_rcu_reclaim(dc.rcu);
}

void
dhcp_control_get_stats(struct dhcp_control_stats *ret_stats)
{
	struct hostdb_stats hs = { 0 };

	*ret_stats = dc.hd.stats;
	if (dc.hd.db)
		hostdb_get_stats(dc.hd.db, &hs);
	ret_stats->store_errors = hs.errors;
	ret_stats->store_reconnects = hs.reconnects;
	ret_stats->store_history_dropped = hs.history_dropped;
	ret_stats->store_notifies = hs.notifies;
}

void
dhcp_control_get_fleet(struct dhcp_fleet *ret_fleet)
{
	*ret_fleet = dc.hd.fleet;
	ret_fleet->standby_delay_ms = dc.hd.cfg ? dc.hd.cfg->dhcp.standby_delay_ms : 0;
}

void
dhcp_control_fini(void)
{
	/* Replies still waiting for their delay are sent: the clients asked. */
	flush_due(UINT64_MAX);
	batch_end();
	/* A published snapshot is the rcu's (dataplane_teardown frees it). */
	dhcp_handler_fini(&dc.hd);
	memset(&dc, 0, sizeof(dc));
}
