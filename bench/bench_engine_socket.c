/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One thread, one epoll set, a fixed number of slots; each slot runs one
 * transfer at a time on its own socket and starts the next one when done.
 *
 * RFC 2090 (--multicast): the sessions of one group share one socket bound
 * to the group address and port (SO_REUSEADDR/SO_REUSEPORT, so a second
 * tftpbench can listen too); each group datagram is handed to every
 * session in the group, as the kernel would to one socket per receiver on
 * separate hosts.
 *
 * Timers are swept, not kept in a heap: every deadline is "now + RTO", so
 * the earliest deadline seen at the last sweep is a lower bound for all of
 * them, and a sweep costs O(slots) about once per RTO.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/bench_engine.h"
#include "bench/bench_engine_common.h"
#include "bench/bench_impair.h"
#include "dataplane/proto/tftp_packet.h"

#define ENGINE_RX_BUF 65536	/* largest UDP payload a blksize can ask */
#define ENGINE_RX_BURST 32	/* datagrams read from one socket per wakeup */
#define ENGINE_EVENTS 64
#define ENGINE_SOCK_BUF (2u << 20)	/* a 64 x 16 KiB window must fit */
#define ENGINE_DELAY_BYTES (256u << 20)
#define ENGINE_MC_GROUPS 16	/* group sockets open at once */
#define ENGINE_MC_SOCK_BUF (16u << 20)	/* one socket takes the whole stream */
#define ENGINE_EV_GROUP 0x80000000u	/* epoll data: a group, not a slot */
#define ENGINE_DELAY_GROUP 0x80000000u	/* delayed packet came via the group */

/* One group socket, shared by the sessions in that group. */
struct engine_group {
	uint32_t addr;		/* host order, 0 when free */
	uint16_t port;
	int fd;
	uint32_t members;	/* sessions using it */
};

struct engine_slot {
	struct bench_session s;	/* the transfer in this slot */
	int fd;			/* its socket, -1 when idle */
	uint32_t gen;		/* bumped per transfer: stale delayed packets die */
	uint32_t id;		/* transfer number, index into results */
	int32_t grp;		/* index in engine.groups, -1 none */
	bool busy;
};

struct engine {
	const struct bench_config *cfg;
	const struct bench_request *req;
	struct bench_result *results;
	struct engine_slot *slots;
	int ep;
	uint32_t started;	/* transfers begun */
	uint32_t limit;		/* transfers this run may start */
	uint64_t stop_ns;	/* --run-for: no start after this */
	uint32_t finished;
	uint32_t failed;
	uint32_t active;
	uint64_t next_sweep;	/* lower bound of every running deadline */
	uint64_t rx_bytes;	/* in-order payload, for the progress line */
	struct bench_impair im;
	struct bench_delay_queue dq;
	struct bench_engine_stats st;
	struct in_addr local;	/* our address toward the server: group joins */
	struct engine_group groups[ENGINE_MC_GROUPS];
	uint8_t rxbuf[ENGINE_RX_BUF];
};

static void
engine_send(struct engine *e, struct engine_slot *sl)
{
	struct bench_session *s = &sl->s;
	struct sockaddr_in to;
	char msg[BENCH_ERRMSG_MAX];

	if (bench_impair_drop_tx(&e->im))
		return;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = e->cfg->server_addr;
	to.sin_port = htons(bench_session_dest_port(s));
	if (sendto(sl->fd, s->tx, s->tx_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0) {
		/* A full queue is loss, the RTO repairs it; ICMP errors
		 * (port unreachable) show up here on the next send. */
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			return;
		if (errno == ECONNREFUSED)
			return;
		snprintf(msg, sizeof(msg), "sendto: %s", strerror(errno));
		(void)bench_session_abort(s, clock_mono_ns(), BENCH_ERR_SOCKET, msg);
		return;
	}
	e->st.tx_packets++;
}

static void
engine_record(struct engine *e, struct engine_slot *sl)
{
	struct bench_session *s = &sl->s;
	struct bench_result *r = &e->results[sl->id];

	bench_result_record(r, sl->id, e->cfg, s);
	e->st.wrong_tid += s->wrong_tid;
	if (s->mc) {
		e->st.mc_sessions++;
		e->st.mc_turns += s->mc_turns;
		e->st.mc_unicast_bytes += s->mc_unicast_bytes;
		if (r->ok)
			e->st.mc_file_bytes = s->bytes;
	}
}

static void
engine_leave_group(struct engine *e, struct engine_slot *sl)
{
	struct engine_group *g;

	if (sl->grp < 0)
		return;
	g = &e->groups[sl->grp];
	sl->grp = -1;
	if (--g->members > 0)
		return;
	/* Closing drops the membership. */
	epoll_ctl(e->ep, EPOLL_CTL_DEL, g->fd, NULL);
	close(g->fd);
	memset(g, 0, sizeof(*g));
	g->fd = -1;
}

static void
engine_close_slot(struct engine *e, struct engine_slot *sl)
{
	if (sl->fd >= 0) {
		epoll_ctl(e->ep, EPOLL_CTL_DEL, sl->fd, NULL);
		close(sl->fd);
	}
	engine_leave_group(e, sl);
	bench_session_release(&sl->s);
	sl->fd = -1;
	sl->busy = false;
}

/* A socket on the group's address and port, member on our interface. */
static int
engine_open_group(struct engine *e, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa;
	struct ip_mreq mr;
	int fd, one = 1, sz = ENGINE_MC_SOCK_BUF;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(addr);	/* only this group's datagrams */
	sa.sin_port = htons(port);
	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr.s_addr = htonl(addr);
	mr.imr_interface = e->local;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The session's OACK named a group: share its socket, or open one. */
static int
engine_join_group(struct engine *e, uint32_t idx)
{
	struct engine_slot *sl = &e->slots[idx];
	struct engine_group *g, *free_g = NULL;
	struct epoll_event ev;
	int i, fd;

	for (i = 0; i < ENGINE_MC_GROUPS; i++) {
		g = &e->groups[i];
		if (g->addr == sl->s.mc_group && g->port == sl->s.mc_port && g->members)
			break;
		if (!g->members && !free_g)
			free_g = g;
	}
	if (i == ENGINE_MC_GROUPS) {
		if (!free_g)
			return -ENOSPC;
		fd = engine_open_group(e, sl->s.mc_group, sl->s.mc_port);
		if (fd < 0)
			return fd;
		g = free_g;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = ENGINE_EV_GROUP | (uint32_t)(g - e->groups);
		if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		g->addr = sl->s.mc_group;
		g->port = sl->s.mc_port;
		g->fd = fd;
		e->st.mc_groups++;
	}
	g->members++;
	sl->grp = (int32_t)(g - e->groups);
	return 0;
}

/*
 * After an event: a session the OACK put in a group joins it first, so
 * the DATA its ACK asks for finds the membership in place. Returns true
 * when joining failed and the session's ERROR went out instead.
 */
static bool
engine_check_join(struct engine *e, uint32_t idx, uint64_t now)
{
	struct engine_slot *sl = &e->slots[idx];
	char msg[BENCH_ERRMSG_MAX];
	int rc;

	if (!sl->s.mc || sl->grp >= 0 || bench_session_finished(&sl->s))
		return false;
	rc = engine_join_group(e, idx);
	if (rc == 0)
		return false;
	e->st.mc_join_errors++;
	snprintf(msg, sizeof(msg), "joining the group: %s", strerror(-rc));
	if (bench_session_abort(&sl->s, now, BENCH_ERR_SOCKET, msg))
		engine_send(e, sl);
	return true;
}

static int
engine_open_socket(void)
{
	struct sockaddr_in any;
	int fd, sz = ENGINE_SOCK_BUF;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* As root the buffer may exceed rmem_max; otherwise take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&any, 0, sizeof(any));
	any.sin_family = AF_INET;	/* port 0: a fresh ephemeral port, a new TID */
	if (bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Starts the next transfer in a free slot, if any remain. */
static void
engine_start(struct engine *e, uint32_t idx, uint64_t now)
{
	struct engine_slot *sl = &e->slots[idx];
	struct epoll_event ev;
	char msg[BENCH_ERRMSG_MAX];
	int fd;

	if (e->started >= e->limit)
		return;
	sl->id = e->started++;
	sl->gen++;
	sl->busy = true;
	sl->grp = -1;
	e->active++;
	bench_session_init(&sl->s, e->req);
	fd = engine_open_socket();
	if (fd >= 0) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = idx;
		if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			int err = -errno;

			close(fd);
			fd = err;
		}
	}
	sl->fd = fd >= 0 ? fd : -1;
	if (fd < 0) {
		sl->s.start_ns = now;
		snprintf(msg, sizeof(msg), "socket: %s", strerror(-fd));
		(void)bench_session_abort(&sl->s, now, BENCH_ERR_SOCKET, msg);
		return;
	}
	if (bench_session_start(&sl->s, now))
		engine_send(e, sl);
	bench_note_deadline(&e->next_sweep, &sl->s);
}

/* Records a finished transfer and reuses the slot. */
static void
engine_reap(struct engine *e, uint32_t idx, uint64_t now)
{
	struct engine_slot *sl = &e->slots[idx];

	if (!sl->busy || !bench_session_finished(&sl->s))
		return;
	engine_record(e, sl);
	e->finished++;
	if (sl->s.state != BENCH_ST_DONE)
		e->failed++;
	e->active--;
	engine_close_slot(e, sl);
	engine_start(e, idx, now);
}

static void
engine_deliver(struct engine *e, uint32_t idx, uint64_t now, uint16_t src_port,
	       const uint8_t *buf, size_t len)
{
	struct engine_slot *sl = &e->slots[idx];
	uint64_t before = sl->s.bytes;

	bool send = bench_session_on_packet(&sl->s, now, src_port, buf, len);

	if (engine_check_join(e, idx, now))
		send = false;	/* it failed and told the server */
	if (send)
		engine_send(e, sl);
	e->rx_bytes += sl->s.bytes - before;
	bench_note_deadline(&e->next_sweep, &sl->s);
	engine_reap(e, idx, now);
}

static void
engine_read(struct engine *e, uint32_t idx, uint64_t now)
{
	struct engine_slot *sl = &e->slots[idx];
	uint32_t gen = sl->gen;
	int i;

	for (i = 0; i < ENGINE_RX_BURST && sl->busy && sl->gen == gen; i++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		n = recvfrom(sl->fd, e->rxbuf, sizeof(e->rxbuf), 0,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			/* ICMP port unreachable and friends: the RTO decides. */
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				continue;
			break;
		}
		e->st.rx_packets++;
		if (from.sin_family != AF_INET ||
		    from.sin_addr.s_addr != e->cfg->server_addr.s_addr) {
			e->st.foreign++;
			continue;
		}
		if (bench_impair_drop_rx(&e->im))
			continue;
		if (e->im.delay_ns) {
			bench_delay_push(&e->dq, now + e->im.delay_ns, idx, gen,
					 from.sin_addr.s_addr, ntohs(from.sin_port),
					 e->rxbuf, (size_t)n);
			continue;
		}
		engine_deliver(e, idx, now, ntohs(from.sin_port), e->rxbuf, (size_t)n);
	}
}

/* A group datagram for one member session. */
static void
engine_deliver_group(struct engine *e, uint32_t idx, uint64_t now, uint16_t src_port,
		     const uint8_t *buf, size_t len)
{
	struct engine_slot *sl = &e->slots[idx];
	uint64_t before = sl->s.bytes;

	if (bench_session_on_group(&sl->s, now, src_port, buf, len))
		engine_send(e, sl);
	e->rx_bytes += sl->s.bytes - before;
	bench_note_deadline(&e->next_sweep, &sl->s);
	engine_reap(e, idx, now);
}

/* Reads a group socket; each datagram goes to every session in the group,
 * each losing it (--loss) or waiting (--delay-ms) on its own. */
static void
engine_read_group(struct engine *e, uint32_t gi, uint64_t now)
{
	struct engine_group *g = &e->groups[gi];
	uint32_t i, k;

	for (k = 0; k < ENGINE_RX_BURST && g->members; k++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		n = recvfrom(g->fd, e->rxbuf, sizeof(e->rxbuf), 0,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;
		e->st.rx_packets++;
		e->st.mc_rx_packets++;
		if (from.sin_family != AF_INET ||
		    from.sin_addr.s_addr != e->cfg->server_addr.s_addr) {
			e->st.foreign++;
			continue;
		}
		if (n >= 4 && e->rxbuf[0] == 0 && e->rxbuf[1] == TFTP_OP_DATA)
			e->st.mc_rx_bytes += (uint64_t)n - 4;
		for (i = 0; i < e->cfg->clients; i++) {
			struct engine_slot *sl = &e->slots[i];

			if (!sl->busy || sl->grp != (int32_t)gi)
				continue;
			if (bench_impair_drop_rx(&e->im))
				continue;
			if (e->im.delay_ns) {
				bench_delay_push(&e->dq, now + e->im.delay_ns,
						 i | ENGINE_DELAY_GROUP, sl->gen,
						 from.sin_addr.s_addr, ntohs(from.sin_port),
						 e->rxbuf, (size_t)n);
				continue;
			}
			engine_deliver_group(e, i, now, ntohs(from.sin_port), e->rxbuf,
					     (size_t)n);
		}
	}
}

static void
engine_release_delayed(struct engine *e, uint64_t now)
{
	struct bench_delayed *d;

	while ((d = bench_delay_peek_due(&e->dq, now)) != NULL) {
		uint32_t idx = d->session & ~ENGINE_DELAY_GROUP;
		struct engine_slot *sl = &e->slots[idx];

		bench_delay_pop(&e->dq);
		if (sl->busy && sl->gen == d->gen) {
			if (d->session & ENGINE_DELAY_GROUP)
				engine_deliver_group(e, idx, now, d->src_port, d->data,
						     d->len);
			else
				engine_deliver(e, idx, now, d->src_port, d->data, d->len);
		}
		bench_delay_free(d);
	}
}

/* Our address toward the server: the interface group joins use. */
static struct in_addr
engine_local_addr(const struct bench_config *cfg)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct in_addr any = { INADDR_ANY };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return any;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr = cfg->server_addr;
	sa.sin_port = htons(69);	/* connect() on UDP sends nothing */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		sa.sin_addr = any;
	close(fd);
	return sa.sin_addr;
}

static void
engine_sweep(struct engine *e, uint64_t now)
{
	uint32_t i;

	e->next_sweep = UINT64_MAX;
	for (i = 0; i < e->cfg->clients; i++) {
		struct engine_slot *sl = &e->slots[i];

		if (!sl->busy)
			continue;
		if (!bench_session_finished(&sl->s) && sl->s.deadline_ns <= now &&
		    bench_session_on_timeout(&sl->s, now))
			engine_send(e, sl);
		engine_reap(e, i, now);
		if (sl->busy)
			bench_note_deadline(&e->next_sweep, &sl->s);
	}
}

static void
engine_progress(struct engine *e, uint64_t now, uint64_t t0, uint64_t *last_t,
		uint64_t *last_bytes)
{
	double dt = (double)(now - *last_t) / 1e9;

	fprintf(stderr, "tftpbench: %6.1f s  done %u/%u  failed %u  active %u  "
		"%.1f MiB/s\n", (double)(now - t0) / 1e9, e->finished,
		e->cfg->transfers, e->failed, e->active,
		dt > 0 ? (double)(e->rx_bytes - *last_bytes) / 1048576.0 / dt : 0);
	*last_t = now;
	*last_bytes = e->rx_bytes;
}

static int
engine_wait_ms(uint64_t now, uint64_t until)
{
	uint64_t ms;

	if (until <= now)
		return 0;
	ms = (until - now + 999999) / 1000000;
	return ms > 1000 ? 1000 : (int)ms;
}

int
bench_engine_run(const struct bench_config *cfg, const struct bench_request *req,
		 struct bench_result *results, struct bench_engine_stats *ret_stats)
{
	struct engine *e;
	struct epoll_event evs[ENGINE_EVENTS];
	uint64_t t0, now, end, tick, last_t, last_bytes = 0;
	uint32_t i, started;

	if (cfg->clients == 0 || cfg->transfers == 0)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->slots = calloc(cfg->clients, sizeof(*e->slots));
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (!e->slots || e->ep < 0) {
		int err = e->ep < 0 ? -errno : -ENOMEM;

		if (e->ep >= 0)
			close(e->ep);
		free(e->slots);
		free(e);
		return err;
	}
	e->cfg = cfg;
	e->req = req;
	e->results = results;
	memset(results, 0, cfg->transfers * sizeof(*results));
	bench_impair_init(&e->im, cfg->seed, cfg->loss_pct, cfg->loss_rx,
			  cfg->loss_tx, cfg->delay_ms);
	bench_delay_init(&e->dq, ENGINE_DELAY_BYTES);
	e->next_sweep = UINT64_MAX;
	for (i = 0; i < cfg->clients; i++) {
		e->slots[i].fd = -1;
		e->slots[i].grp = -1;
	}
	for (i = 0; i < ENGINE_MC_GROUPS; i++)
		e->groups[i].fd = -1;
	if (req->multicast)
		e->local = engine_local_addr(cfg);

	t0 = now = clock_mono_ns();
	e->limit = cfg->transfers;
	e->stop_ns = bench_run_for_stop(cfg, t0);
	end = t0 + (uint64_t)(cfg->duration_limit_s * 1e9);
	tick = t0 + BENCH_NS_PER_S;
	last_t = t0;
	for (i = 0; i < cfg->clients; i++)
		engine_start(e, i, now);
	for (i = 0; i < cfg->clients; i++)
		engine_reap(e, i, now);	/* socket failures at start */

	while (e->active > 0) {
		uint64_t until = e->next_sweep;
		int n, k;

		if (until > end)
			until = end;
		if (until > tick)
			until = tick;
		if (e->dq.head && e->dq.head->due_ns < until)
			until = e->dq.head->due_ns;
		n = epoll_wait(e->ep, evs, ENGINE_EVENTS, engine_wait_ms(now, until));
		now = clock_mono_ns();
		for (k = 0; k < n; k++) {
			uint32_t d = evs[k].data.u32;

			if (d & ENGINE_EV_GROUP)
				engine_read_group(e, d & ~ENGINE_EV_GROUP, now);
			else
				engine_read(e, d, now);
		}
		engine_release_delayed(e, now);
		bench_run_for_check(&e->stop_ns, now, e->started, &e->limit);
		if (now >= e->next_sweep)
			engine_sweep(e, now);
		if (now >= tick) {
			if (!cfg->quiet)
				engine_progress(e, now, t0, &last_t, &last_bytes);
			tick = now + BENCH_NS_PER_S;
		}
		if (now >= end) {
			/* The limit fails what runs and what never started;
			 * started = transfers keeps reap from starting more. */
			started = e->started;
			e->started = e->limit;
			for (i = 0; i < cfg->clients; i++) {
				if (!e->slots[i].busy)
					continue;
				if (bench_session_abort(&e->slots[i].s, now,
							BENCH_ERR_DURATION,
							"duration limit reached"))
					engine_send(e, &e->slots[i]);
				engine_reap(e, i, now);
			}
			e->started = started;
			break;
		}
	}
	now = clock_mono_ns();
	bench_results_not_started(results, e->started, e->limit, cfg);
	bench_stats_finish(ret_stats, &e->st, t0, now, &e->im, &e->dq);
	ret_stats->transfers = e->limit;
	bench_delay_clear(&e->dq);
	for (i = 0; i < cfg->clients; i++)
		engine_close_slot(e, &e->slots[i]);
	close(e->ep);
	free(e->slots);
	free(e);
	return 0;
}

void
bench_engine_free_results(struct bench_result *results, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		free((char *)results[i].errmsg);
		results[i].errmsg = NULL;
	}
}
