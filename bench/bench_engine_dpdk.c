/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK engine: the main lcore polls one port, hands each frame to
 * bench_clients_rx() for a verdict, and drives one bench_session per
 * emulated client. Client i owns address first + i and MAC 02:62:<addr>,
 * and each transfer in its slot uses a new UDP port (a new TID).
 *
 * Timers are swept as in the socket engine: every deadline is "now + RTO",
 * so the earliest seen at the last sweep bounds them all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "bench/bench_clients.h"
#include "bench/bench_engine_common.h"
#include "bench/bench_engine_dpdk.h"
#include "bench/bench_impair.h"
#include "bench/bench_reasm.h"

#define DPDK_BURST 32
#define DPDK_TX_QUEUE 64	/* frames collected before a tx burst */
#define DPDK_RX_DESC 1024
#define DPDK_TX_DESC 1024
#define DPDK_MBUFS 16383
#define DPDK_POOL_BYTES (128u << 20)	/* hugepages are shared with the server */
#define DPDK_AF_PACKET_FRAMESZ 16384
#define DPDK_MBUF_CACHE 256
#define DPDK_EAL_ARGS 64
#define DPDK_LINK_WAIT_MS 10000	/* memif: the server end may start late */
#define DPDK_ARP_EVERY_NS 200000000ull
#define DPDK_ARP_GIVE_UP_NS 5000000000ull
#define DPDK_REASM_MAX 1024	/* entries; a client rarely has two datagrams open */
#define DPDK_REASM_TIMEOUT_NS 2000000000ull
#define DPDK_DELAY_BYTES (256u << 20)
#define DPDK_MIN_FRAME 60

/* Counters beyond struct bench_engine_stats, for bench_dpdk_print_stats(). */
struct dpdk_counters {
	uint64_t arp_requests;	/* sent, resolving the server */
	uint64_t arp_replies;	/* sent, for our clients */
	uint64_t drops[BENCH_DROP__MAX];
	uint64_t malformed[FRAME_ERR__MAX];	/* BENCH_DROP_MALFORMED by codec verdict */
	uint64_t stale_port;	/* a client address, but not its current port */
	uint64_t no_mbuf;
	uint64_t tx_full;	/* the PMD refused a frame: loss, the RTO repairs */
	uint64_t too_big;	/* a datagram larger than the scratch buffer */
};

struct dpdk_slot {
	struct bench_session s;	/* the transfer of this client */
	uint32_t gen;		/* bumped per transfer: port and delayed packets */
	uint32_t id;		/* transfer number, index into results */
	uint16_t port;		/* this transfer's TID */
	uint16_t ip_id;
	bool busy;
};

struct bench_dpdk {
	struct bench_clients cl;
	uint16_t port_id;
	struct rte_mempool *pool;
	struct bench_reasm *reasm;
	uint8_t server_mac[6];
	bool server_mac_known;
	bool eal_up;
	bool port_up;
	struct dpdk_counters c;
	struct bench_reasm_stats reasm_before;	/* at the start of this run */

	/* per run */
	const struct bench_config *cfg;
	const struct bench_request *req;
	struct bench_result *results;
	struct dpdk_slot *slots;
	uint32_t started;
	uint32_t limit;		/* transfers this run may start */
	uint64_t stop_ns;	/* --run-for: no start after this */
	uint32_t finished;
	uint32_t failed;
	uint32_t active;
	uint64_t next_sweep;
	uint64_t rx_bytes;
	uint32_t port_salt;	/* per run: a rerun must not reuse a live TID */
	struct bench_impair im;
	struct bench_delay_queue dq;
	struct bench_engine_stats st;
	struct rte_mbuf *txq[DPDK_TX_QUEUE];
	uint16_t ntx;
	uint8_t scratch[BENCH_REASM_HDR_MAX + BENCH_REASM_PAYLOAD_MAX];
};

static void
dpdk_flush(struct bench_dpdk *d)
{
	uint16_t sent = 0, n;
	int tries;

	/* A few retries: af_packet's ring drains as the kernel takes it. */
	for (tries = 0; tries < 4 && sent < d->ntx; tries++) {
		n = rte_eth_tx_burst(d->port_id, 0, d->txq + sent, d->ntx - sent);
		sent += n;
	}
	if (sent < d->ntx) {
		d->c.tx_full += d->ntx - sent;
		rte_pktmbuf_free_bulk(d->txq + sent, d->ntx - sent);
	}
	d->ntx = 0;
}

static void
dpdk_queue(struct bench_dpdk *d, struct rte_mbuf *m)
{
	d->txq[d->ntx++] = m;
	if (d->ntx == DPDK_TX_QUEUE)
		dpdk_flush(d);
}

/* A frame built by the codec into a fresh mbuf, padded to the minimum. */
static uint8_t *
dpdk_frame(struct bench_dpdk *d, size_t len, struct rte_mbuf **ret_m)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->pool);
	size_t alen = len < DPDK_MIN_FRAME ? DPDK_MIN_FRAME : len;
	uint8_t *p;

	if (!m) {
		d->c.no_mbuf++;
		return NULL;
	}
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)alen);
	if (!p) {
		rte_pktmbuf_free(m);
		d->c.no_mbuf++;
		return NULL;
	}
	memset(p + len, 0, alen - len);
	*ret_m = m;
	return p;
}

static void
dpdk_send_arp_request(struct bench_dpdk *d, uint32_t idx)
{
	struct rte_mbuf *m;
	uint8_t *p = dpdk_frame(d, BENCH_CLIENTS_ARP_LEN, &m);

	if (!p)
		return;
	if (bench_clients_build_arp_request(&d->cl, idx, p, BENCH_CLIENTS_ARP_LEN) == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	d->c.arp_requests++;
	dpdk_queue(d, m);
}

static void
dpdk_send(struct bench_dpdk *d, struct dpdk_slot *sl, uint32_t idx)
{
	struct bench_session *s = &sl->s;
	struct frame_udp_tx t;
	struct rte_mbuf *m;
	size_t hlen;
	uint8_t *p;

	if (bench_impair_drop_tx(&d->im))
		return;
	memset(&t, 0, sizeof(t));
	bench_clients_mac(&d->cl, idx, t.src_mac);
	memcpy(t.dst_mac, d->server_mac, 6);
	t.src_ip = bench_clients_ip(&d->cl, idx);
	t.dst_ip = d->cl.server;
	t.src_port = sl->port;
	t.dst_port = bench_session_dest_port(s);
	t.ttl = 64;
	t.ip_id = sl->ip_id++;
	hlen = frame_udp_header_len(&t);
	p = dpdk_frame(d, hlen + s->tx_len, &m);
	if (!p)
		return;	/* loss: the RTO repairs it */
	if (frame_build_udp_header(p, hlen, &t, s->tx_len,
				   frame_udp_csum(&t, s->tx, s->tx_len)) != hlen) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(p + hlen, s->tx, s->tx_len);
	d->st.tx_packets++;
	dpdk_queue(d, m);
}

static void
dpdk_record(struct bench_dpdk *d, struct dpdk_slot *sl)
{
	struct bench_session *s = &sl->s;
	struct bench_result *r = &d->results[sl->id];

	bench_result_record(r, sl->id, d->cfg, s);
	d->st.wrong_tid += s->wrong_tid;
}

static void
dpdk_start(struct bench_dpdk *d, uint32_t idx, uint64_t now)
{
	struct dpdk_slot *sl = &d->slots[idx];

	if (d->started >= d->limit)
		return;
	sl->id = d->started++;
	sl->gen++;
	sl->port = bench_clients_port(d->port_salt + sl->gen);
	sl->busy = true;
	d->active++;
	bench_session_init(&sl->s, d->req);
	if (bench_session_start(&sl->s, now))
		dpdk_send(d, sl, idx);
	bench_note_deadline(&d->next_sweep, &sl->s);
}

static void
dpdk_reap(struct bench_dpdk *d, uint32_t idx, uint64_t now)
{
	struct dpdk_slot *sl = &d->slots[idx];

	if (!sl->busy || !bench_session_finished(&sl->s))
		return;
	dpdk_record(d, sl);
	d->finished++;
	if (sl->s.state != BENCH_ST_DONE)
		d->failed++;
	d->active--;
	sl->busy = false;
	dpdk_start(d, idx, now);
}

static void
dpdk_deliver(struct bench_dpdk *d, uint32_t idx, uint64_t now, uint16_t src_port,
	     const uint8_t *buf, size_t len)
{
	struct dpdk_slot *sl = &d->slots[idx];
	uint64_t before = sl->s.bytes;

	if (bench_session_on_packet(&sl->s, now, src_port, buf, len))
		dpdk_send(d, sl, idx);
	d->rx_bytes += sl->s.bytes - before;
	bench_note_deadline(&d->next_sweep, &sl->s);
	dpdk_reap(d, idx, now);
}

/* A datagram from the server for client rx->client. */
static void
dpdk_on_udp(struct bench_dpdk *d, const struct bench_rx *rx, uint64_t now)
{
	struct dpdk_slot *sl;

	if (!d->server_mac_known) {
		memcpy(d->server_mac, rx->fi.src_mac, 6);
		d->server_mac_known = true;
	}
	if (!d->slots || rx->client >= d->cfg->clients) {
		d->c.stale_port++;
		return;
	}
	sl = &d->slots[rx->client];
	if (!sl->busy || rx->fi.dst_port != sl->port) {
		d->c.stale_port++;
		return;
	}
	if (bench_impair_drop_rx(&d->im))
		return;
	if (d->im.delay_ns) {
		bench_delay_push(&d->dq, now + d->im.delay_ns, rx->client, sl->gen,
				 rx->fi.src_ip, rx->fi.src_port, rx->fi.payload,
				 rx->fi.payload_len);
		return;
	}
	dpdk_deliver(d, rx->client, now, rx->fi.src_port, rx->fi.payload,
		     rx->fi.payload_len);
}

static void
dpdk_count_drop(struct bench_dpdk *d, const struct bench_rx *rx)
{
	d->c.drops[rx->drop]++;
	if (rx->drop == BENCH_DROP_MALFORMED && (unsigned int)rx->err < FRAME_ERR__MAX)
		d->c.malformed[rx->err]++;
}

static void
dpdk_on_verdict(struct bench_dpdk *d, struct bench_rx *rx, const uint8_t *frame,
		size_t len, uint64_t now)
{
	struct rte_mbuf *m;
	const uint8_t *whole;
	size_t wlen;
	uint8_t *p;

	switch (rx->action) {
	case BENCH_RX_ARP_REPLY:
		p = dpdk_frame(d, DPDK_MIN_FRAME, &m);
		if (!p)
			return;
		if (bench_clients_build_arp_reply(&d->cl, rx, p, DPDK_MIN_FRAME) == 0) {
			rte_pktmbuf_free(m);
			return;
		}
		d->c.arp_replies++;
		dpdk_queue(d, m);
		return;
	case BENCH_RX_LEARN:
		memcpy(d->server_mac, rx->fi.src_mac, 6);
		d->server_mac_known = true;
		return;
	case BENCH_RX_UDP:
		dpdk_on_udp(d, rx, now);
		return;
	case BENCH_RX_FRAGMENT:
		wlen = bench_reasm_add(d->reasm, frame, len, rx->fi.l3_off, now, &whole);
		if (wlen == 0)
			return;
		if (bench_clients_rx(&d->cl, whole, wlen, 0, rx) == BENCH_RX_UDP)
			dpdk_on_udp(d, rx, now);
		else
			dpdk_count_drop(d, rx);
		return;
	case BENCH_RX_DROP:
		dpdk_count_drop(d, rx);
		return;
	}
}

static uint16_t
dpdk_poll(struct bench_dpdk *d, uint64_t now)
{
	struct rte_mbuf *pkts[DPDK_BURST];
	struct bench_rx rx;
	uint16_t n, i;

	n = rte_eth_rx_burst(d->port_id, 0, pkts, DPDK_BURST);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
		unsigned csum = 0;
		size_t len = m->pkt_len;

		if (m->nb_segs > 1) {
			if (len > sizeof(d->scratch)) {
				d->c.too_big++;
				continue;
			}
			frame = rte_pktmbuf_read(m, 0, (uint32_t)len, d->scratch);
		}
		if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
			csum |= FRAME_IP_CSUM_GOOD;
		if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
			csum |= FRAME_L4_CSUM_GOOD;
		d->st.rx_packets++;
		bench_clients_rx(&d->cl, frame, len, csum, &rx);
		dpdk_on_verdict(d, &rx, frame, len, now);
	}
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static void
dpdk_release_delayed(struct bench_dpdk *d, uint64_t now)
{
	struct bench_delayed *x;

	while ((x = bench_delay_peek_due(&d->dq, now)) != NULL) {
		struct dpdk_slot *sl = &d->slots[x->session];

		bench_delay_pop(&d->dq);
		if (sl->busy && sl->gen == x->gen)
			dpdk_deliver(d, x->session, now, x->src_port, x->data, x->len);
		bench_delay_free(x);
	}
}

static void
dpdk_sweep(struct bench_dpdk *d, uint64_t now)
{
	uint32_t i;

	d->next_sweep = UINT64_MAX;
	for (i = 0; i < d->cfg->clients; i++) {
		struct dpdk_slot *sl = &d->slots[i];

		if (!sl->busy)
			continue;
		if (!bench_session_finished(&sl->s) && sl->s.deadline_ns <= now &&
		    bench_session_on_timeout(&sl->s, now))
			dpdk_send(d, sl, i);
		dpdk_reap(d, i, now);
		if (sl->busy)
			bench_note_deadline(&d->next_sweep, &sl->s);
		if (d->ntx)
			dpdk_flush(d);
	}
}

/* ARP for the server until it answers; ARP for our clients is served meanwhile. */
static int
dpdk_resolve_server(struct bench_dpdk *d)
{
	uint64_t t0 = clock_mono_ns(), now = t0, next = t0;

	while (!d->server_mac_known) {
		if (now - t0 > DPDK_ARP_GIVE_UP_NS)
			return -EHOSTUNREACH;
		if (now >= next) {
			dpdk_send_arp_request(d, 0);
			next = now + DPDK_ARP_EVERY_NS;
		}
		dpdk_poll(d, now);
		if (d->ntx)
			dpdk_flush(d);
		now = clock_mono_ns();
	}
	return 0;
}

static void
dpdk_progress(struct bench_dpdk *d, uint64_t now, uint64_t t0, uint64_t *last_t,
	      uint64_t *last_bytes, uint64_t *last_pkts)
{
	double dt = (double)(now - *last_t) / 1e9;
	uint64_t pkts = d->st.rx_packets + d->st.tx_packets;

	fprintf(stderr, "tftpbench: %6.1f s  done %u/%u  failed %u  active %u  "
		"%.1f MiB/s  %.0f pkt/s\n", (double)(now - t0) / 1e9, d->finished,
		d->cfg->transfers, d->failed, d->active,
		dt > 0 ? (double)(d->rx_bytes - *last_bytes) / 1048576.0 / dt : 0,
		dt > 0 ? (double)(pkts - *last_pkts) / dt : 0);
	*last_t = now;
	*last_bytes = d->rx_bytes;
	*last_pkts = pkts;
}

int
bench_dpdk_run(struct bench_dpdk *d, const struct bench_config *cfg,
	       const struct bench_request *req, struct bench_result *results,
	       struct bench_engine_stats *ret_stats)
{
	uint64_t t0, now, end, tick, last_t, last_bytes = 0, last_pkts = 0;
	uint32_t i, started;
	int rc;

	if (cfg->clients == 0 || cfg->transfers == 0 || cfg->clients > d->cl.count ||
	    ntohl(cfg->server_addr.s_addr) != d->cl.server)
		return -EINVAL;
	d->slots = calloc(cfg->clients, sizeof(*d->slots));
	if (!d->slots)
		return -ENOMEM;
	d->cfg = cfg;
	d->req = req;
	d->results = results;
	d->started = d->finished = d->failed = d->active = 0;
	d->rx_bytes = 0;
	/* The server may still hold the last run's sessions (same client
	 * addresses): start each run's ports somewhere else. */
	d->port_salt = (uint32_t)(clock_mono_ns() / 1000000);
	memset(&d->st, 0, sizeof(d->st));
	memset(results, 0, cfg->transfers * sizeof(*results));
	bench_impair_init(&d->im, cfg->seed, cfg->loss_pct, cfg->loss_rx,
			  cfg->loss_tx, cfg->delay_ms);
	bench_delay_init(&d->dq, DPDK_DELAY_BYTES);
	d->next_sweep = UINT64_MAX;

	rc = dpdk_resolve_server(d);
	if (rc < 0) {
		fprintf(stderr, "tftpbench: no ARP answer from the server\n");
		free(d->slots);
		d->slots = NULL;
		return rc;
	}
	t0 = now = clock_mono_ns();
	d->limit = cfg->transfers;
	d->stop_ns = bench_run_for_stop(cfg, t0);
	end = t0 + (uint64_t)(cfg->duration_limit_s * 1e9);
	tick = t0 + BENCH_NS_PER_S;
	last_t = t0;
	for (i = 0; i < cfg->clients; i++) {
		dpdk_start(d, i, now);
		if (d->ntx)	/* keep the burst small: the server's RX ring is finite */
			dpdk_flush(d);
	}

	while (d->active > 0) {
		dpdk_poll(d, now);
		now = clock_mono_ns();
		if (d->dq.head)
			dpdk_release_delayed(d, now);
		bench_run_for_check(&d->stop_ns, now, d->started, &d->limit);
		if (now >= d->next_sweep)
			dpdk_sweep(d, now);
		if (d->ntx)
			dpdk_flush(d);
		if (now >= tick) {
			if (!cfg->quiet)
				dpdk_progress(d, now, t0, &last_t, &last_bytes, &last_pkts);
			tick = now + BENCH_NS_PER_S;
		}
		if (now >= end) {
			started = d->started;
			d->started = d->limit;
			for (i = 0; i < cfg->clients; i++) {
				if (!d->slots[i].busy)
					continue;
				if (bench_session_abort(&d->slots[i].s, now,
							BENCH_ERR_DURATION,
							"duration limit reached"))
					dpdk_send(d, &d->slots[i], i);
				dpdk_reap(d, i, now);
			}
			d->started = started;
			dpdk_flush(d);
			break;
		}
	}
	now = clock_mono_ns();
	bench_results_not_started(results, d->started, d->limit, cfg);
	bench_stats_finish(ret_stats, &d->st, t0, now, &d->im, &d->dq);
	ret_stats->transfers = d->limit;
	ret_stats->foreign = d->c.drops[BENCH_DROP_FOREIGN];
	bench_delay_clear(&d->dq);
	free(d->slots);
	d->slots = NULL;
	return 0;
}

void
bench_dpdk_print_stats(const struct bench_dpdk *d, FILE *f)
{
	const struct bench_reasm_stats *r = bench_reasm_stats(d->reasm);
	int i;

	fprintf(f, "dpdk: arp requests %llu replies %llu, fragments %llu "
		"reassembled %llu (dup %llu bad %llu evicted %llu expired %llu), "
		"stale port %llu, no mbuf %llu, tx full %llu, drops:",
		(unsigned long long)d->c.arp_requests, (unsigned long long)d->c.arp_replies,
		(unsigned long long)r->fragments, (unsigned long long)r->completed,
		(unsigned long long)r->duplicates, (unsigned long long)r->bad,
		(unsigned long long)r->evicted, (unsigned long long)r->expired,
		(unsigned long long)d->c.stale_port, (unsigned long long)d->c.no_mbuf,
		(unsigned long long)d->c.tx_full);
	for (i = 1; i < BENCH_DROP__MAX; i++)
		fprintf(f, " %s %llu%s", bench_rx_drop_str((enum bench_rx_drop)i),
			(unsigned long long)d->c.drops[i], i + 1 < BENCH_DROP__MAX ? "," : "");
	for (i = 1; i < FRAME_ERR__MAX; i++)
		if (d->c.malformed[i])
			fprintf(f, "; %s: %llu", frame_strerror((enum frame_err)i),
				(unsigned long long)d->c.malformed[i]);
	fprintf(f, "\n");
}

static bool
dpdk_is_af_packet(const char *dev)
{
	return strncmp(dev, "net_af_packet", 13) == 0;
}

/*
 * net_af_packet joins a fanout group with PACKET_FANOUT_FLAG_DEFRAG: the
 * kernel hands it whole datagrams, not fragments, and the PMD copies each
 * frame into one mbuf without checking its size. So the mbufs must hold
 * framesz bytes (16384 unless the device string says otherwise, enough
 * for blksize 16K); memif and ring deliver fragments, which we reassemble.
 */
static uint16_t
dpdk_mbuf_room(const char *dev)
{
	const char *f = strstr(dev, "framesz=");
	unsigned long fs = DPDK_AF_PACKET_FRAMESZ;

	if (!dpdk_is_af_packet(dev))
		return RTE_MBUF_DEFAULT_BUF_SIZE;
	if (f)
		fs = strtoul(f + 8, NULL, 0);
	if (fs + RTE_PKTMBUF_HEADROOM > UINT16_MAX)
		return UINT16_MAX;
	return fs < 2048 ? RTE_MBUF_DEFAULT_BUF_SIZE : (uint16_t)(fs + RTE_PKTMBUF_HEADROOM);
}

/* argv for rte_eal_init: the program, the user's words (or defaults), the vdev. */
static int
dpdk_eal_argv(const struct bench_dpdk_config *dc, const char *argv0, char *words,
	      char **argv)
{
	static char def[] = "-l 0 --no-pci --in-memory";
	static char vdev[512];
	char *tok, *save = NULL;
	int argc = 0;

	argv[argc++] = (char *)(uintptr_t)argv0;
	for (tok = strtok_r(words ? words : def, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (argc >= DPDK_EAL_ARGS - 2)
			return -1;
		argv[argc++] = tok;
	}
	if (snprintf(vdev, sizeof(vdev), "--vdev=%s%s", dc->dev,
		     dpdk_is_af_packet(dc->dev) && !strstr(dc->dev, "framesz=") ?
		     ",framesz=16384,blocksz=16384" : "") >= (int)sizeof(vdev))
		return -1;
	argv[argc++] = vdev;
	argv[argc] = NULL;
	return argc;
}

static int
dpdk_port_setup(struct bench_dpdk *d, const char *dev)
{
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t nb_rxd = DPDK_RX_DESC, nb_txd = DPDK_TX_DESC;
	size_t n = strcspn(dev, ",");
	int ret, ms;

	if (n >= sizeof(name))
		return -EINVAL;
	memcpy(name, dev, n);
	name[n] = '\0';
	ret = rte_eth_dev_get_port_by_name(name, &d->port_id);
	if (ret) {
		fprintf(stderr, "tftpbench: no DPDK device %s\n", name);
		return ret;
	}
	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(d->port_id, 1, 1, &conf);
	if (!ret)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(d->port_id, &nb_rxd, &nb_txd);
	if (!ret)
		ret = rte_eth_rx_queue_setup(d->port_id, 0, nb_rxd,
					     rte_eth_dev_socket_id(d->port_id), NULL, d->pool);
	if (!ret)
		ret = rte_eth_tx_queue_setup(d->port_id, 0, nb_txd,
					     rte_eth_dev_socket_id(d->port_id), NULL);
	if (!ret)
		ret = rte_eth_dev_start(d->port_id);
	if (ret) {
		fprintf(stderr, "tftpbench: %s: setup: %s\n", name, rte_strerror(-ret));
		return ret;
	}
	d->port_up = true;
	/* Every client has its own MAC: the port must take them all. */
	rte_eth_promiscuous_enable(d->port_id);
	for (ms = 0; ms < DPDK_LINK_WAIT_MS; ms += 10) {
		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait(d->port_id, &link);
		if (link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(10);
	}
	fprintf(stderr, "tftpbench: %s: link still down after %d ms\n", name,
		DPDK_LINK_WAIT_MS);
	return -ENETDOWN;
}

int
bench_dpdk_open(const struct bench_dpdk_config *dc, const char *argv0,
		struct bench_dpdk **ret_d)
{
	char *argv[DPDK_EAL_ARGS], *words = NULL;
	struct bench_dpdk *d;
	enum bench_clients_err ce;
	unsigned int nb;
	uint16_t room;
	int argc, ret;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	ce = bench_clients_init(&d->cl, dc->net, dc->netmask, dc->first, dc->count,
				dc->server);
	if (ce != BENCH_CLIENTS_OK) {
		fprintf(stderr, "tftpbench: %s\n", bench_clients_strerror(ce));
		free(d);
		return -EINVAL;
	}
	if (dc->eal && !(words = strdup(dc->eal))) {
		free(d);
		return -ENOMEM;
	}
	argc = dpdk_eal_argv(dc, argv0, words, argv);
	if (argc < 0) {
		fprintf(stderr, "tftpbench: too many or too long EAL arguments\n");
		free(words);
		free(d);
		return -E2BIG;
	}
	/* EAL keeps pointers into argv: words lives as long as the process. */
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "tftpbench: EAL init: %s\n", rte_strerror(rte_errno));
		free(d);
		return -rte_errno ? -rte_errno : -EINVAL;
	}
	d->eal_up = true;
	room = dpdk_mbuf_room(dc->dev);
	nb = DPDK_POOL_BYTES / room;
	nb = nb > DPDK_MBUFS ? DPDK_MBUFS : nb < 2047 ? 2047 : nb;
	d->pool = rte_pktmbuf_pool_create("bench_pool", nb, DPDK_MBUF_CACHE, 0, room,
					  rte_socket_id());
	d->reasm = bench_reasm_create(dc->count < DPDK_REASM_MAX ? dc->count :
				      DPDK_REASM_MAX, DPDK_REASM_TIMEOUT_NS);
	if (!d->pool || !d->reasm) {
		fprintf(stderr, "tftpbench: no memory for mbufs or reassembly\n");
		bench_dpdk_close(d);
		return -ENOMEM;
	}
	ret = dpdk_port_setup(d, dc->dev);
	if (ret) {
		bench_dpdk_close(d);
		return ret < 0 ? ret : -ret;
	}
	*ret_d = d;
	return 0;
}

uint16_t
bench_dpdk_port_id(const struct bench_dpdk *d)
{
	return d->port_id;
}

struct rte_mempool *
bench_dpdk_pool(const struct bench_dpdk *d)
{
	return d->pool;
}

void
bench_dpdk_close(struct bench_dpdk *d)
{
	if (!d)
		return;
	if (d->port_up) {
		rte_eth_dev_stop(d->port_id);
		rte_eth_dev_close(d->port_id);
	}
	bench_reasm_destroy(d->reasm);
	if (d->pool)
		rte_mempool_free(d->pool);
	if (d->eal_up)
		rte_eal_cleanup();
	free(d);
}
