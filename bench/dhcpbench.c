/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcpbench: PXE DISCOVERs at a given rate (or as fast as the port takes
 * them) on a DPDK port, set up by the tftpbench DPDK engine
 * (bench_dpdk_open: EAL, pool, one queue, promiscuous), and the proxy
 * OFFERs that come back, matched by xid. Per rate: offered, sent, OFFERs,
 * OFFERs/s, lost, answer time avg/p50/p99/max from TSC stamps (send burst
 * to receive burst). Client i of --macs has its own MAC and UUID; every
 * DISCOVER has a new xid.
 *
 *   dhcpbench --dpdk-dev net_memif0,role=client,socket=S,socket-abstract=no \
 *             --eal "-l 0 --no-pci --file-prefix P" --rates 50000,100000,0
 *
 * One "dhcpbench: rate=..." line per rate, key=value (bench/dhcp_dpdk.sh
 * parses them).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "bench/bench_dhcp.h"
#include "bench/bench_engine_dpdk.h"

#define DB_BURST 32
#define DB_MAX_RATES 16
#define DB_PENDING_LOG2 22	/* 4M in flight: 5 s at 800k/s */
#define DB_PROBES 20

struct db_opts {
	const char *dev;
	const char *eal;
	uint64_t rates[DB_MAX_RATES];	/* 0 = as fast as possible */
	unsigned n_rates;
	double seconds;
	uint32_t macs;
	double drain_s;
	double gap_s;
	uint32_t max_inflight;	/* rate 0: DISCOVERs unanswered at most */
	int watch_tid;		/* > 0: the engine's worker thread, its CPU time */
};

struct db_run {
	uint64_t offered;	/* DISCOVERs due (built) */
	uint64_t sent;		/* taken by the PMD */
	uint64_t tx_full;	/* refused by the PMD: not sent */
	uint64_t no_mbuf;
	uint64_t offers;	/* matched to a DISCOVER of this run */
	uint64_t unmatched;	/* an OFFER for no xid in flight (late, duplicate) */
	uint64_t other;		/* anything else received */
	uint64_t overwritten;	/* in flight longer than the pending table holds */
	double watch_cpu_s;	/* --watch-tid's CPU time while sending */
	double own_cpu_s;	/* this thread's, the same time */
	struct bench_dhcp_hist hist;
};

static struct db_run run;

static void
usage(FILE *f)
{
	fprintf(f, "usage: dhcpbench --dpdk-dev VDEV [--eal \"EAL ARGS\"] [--rates R1,R2,...]\n"
		"                 [--seconds S] [--macs N] [--drain-ms MS] [--gap-ms MS]\n"
		"  --rates      DISCOVERs per second, 0 = as fast as the port takes them [0]\n"
		"  --seconds    sending time per rate [3]\n"
		"  --macs       distinct clients (MAC, UUID), used in turn [100000]\n"
		"  --drain-ms   waiting for late OFFERs after each rate [200]\n"
		"  --gap-ms     idle time between rates [300]\n"
		"  --max-inflight  at rate 0, unanswered DISCOVERs at most [1024]\n"
		"  --watch-tid  a thread (the engine's worker) whose CPU time while\n"
		"               sending is reported: OFFERs per CPU-second of it\n");
}

static int
parse_rates(const char *s, struct db_opts *o)
{
	char *end;

	o->n_rates = 0;
	while (*s) {
		if (o->n_rates == DB_MAX_RATES)
			return -1;
		o->rates[o->n_rates++] = strtoull(s, &end, 10);
		if (end == s || (*end && *end != ','))
			return -1;
		s = *end ? end + 1 : end;
	}
	return o->n_rates ? 0 : -1;
}

static int
parse_args(int argc, char **argv, struct db_opts *o)
{
	enum { O_DEV = 256, O_EAL, O_RATES, O_SECONDS, O_MACS, O_DRAIN, O_GAP, O_INFLIGHT,
	       O_WATCH, O_HELP };
	static const struct option opts[] = {
		{ "dpdk-dev", required_argument, NULL, O_DEV },
		{ "eal", required_argument, NULL, O_EAL },
		{ "rates", required_argument, NULL, O_RATES },
		{ "seconds", required_argument, NULL, O_SECONDS },
		{ "macs", required_argument, NULL, O_MACS },
		{ "drain-ms", required_argument, NULL, O_DRAIN },
		{ "gap-ms", required_argument, NULL, O_GAP },
		{ "max-inflight", required_argument, NULL, O_INFLIGHT },
		{ "watch-tid", required_argument, NULL, O_WATCH },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->n_rates = 1;
	o->seconds = 3;
	o->macs = 100000;
	o->drain_s = 0.2;
	o->gap_s = 0.3;
	o->max_inflight = 1024;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_DEV: o->dev = optarg; break;
		case O_EAL: o->eal = optarg; break;
		case O_RATES:
			if (parse_rates(optarg, o) < 0) {
				fprintf(stderr, "dhcpbench: --rates: a comma list of at most %d numbers\n",
					DB_MAX_RATES);
				return -1;
			}
			break;
		case O_SECONDS: o->seconds = strtod(optarg, NULL); break;
		case O_MACS: o->macs = (uint32_t)strtoul(optarg, NULL, 10); break;
		case O_DRAIN: o->drain_s = strtod(optarg, NULL) / 1000.0; break;
		case O_GAP: o->gap_s = strtod(optarg, NULL) / 1000.0; break;
		case O_INFLIGHT: o->max_inflight = (uint32_t)strtoul(optarg, NULL, 10); break;
		case O_WATCH: o->watch_tid = atoi(optarg); break;
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (!o->dev || o->seconds <= 0 || o->seconds > 600 || o->macs == 0 || !o->max_inflight ||
	    o->drain_s < 0 || o->gap_s < 0) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* n DISCOVERs, stamped now, into the PMD; the taken ones are in flight. */
static void
send_burst(uint16_t port, struct rte_mempool *pool, struct bench_dhcp_pending *pend,
	   unsigned n, uint32_t *seq, uint32_t xid0, uint32_t macs)
{
	struct rte_mbuf *m[DB_BURST];
	uint32_t xid[DB_BURST];
	uint16_t sent, i, built = 0;
	uint64_t t;

	run.offered += n;
	if (rte_pktmbuf_alloc_bulk(pool, m, n) != 0) {
		run.no_mbuf += n;
		return;
	}
	for (i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m[i], BENCH_DHCP_FRAME_MAX);
		size_t len;

		xid[built] = xid0 + *seq;
		len = p ? bench_dhcp_build_discover(p, BENCH_DHCP_FRAME_MAX, *seq % macs,
						    xid[built]) : 0;
		(*seq)++;
		if (len == 0) {
			rte_pktmbuf_free(m[i]);
			run.no_mbuf++;
			continue;
		}
		rte_pktmbuf_trim(m[i], (uint16_t)(BENCH_DHCP_FRAME_MAX - len));
		m[built++] = m[i];
	}
	t = rte_rdtsc();
	sent = rte_eth_tx_burst(port, 0, m, built);
	for (i = 0; i < sent; i++)
		run.overwritten += bench_dhcp_pending_add(pend, xid[i], t);
	run.sent += sent;
	if (sent < built) {
		run.tx_full += built - sent;
		rte_pktmbuf_free_bulk(m + sent, built - sent);
	}
}

static void
poll_rx(uint16_t port, struct bench_dhcp_pending *pend, double ns_per_tsc)
{
	struct rte_mbuf *m[DB_BURST];
	uint16_t n, i;
	uint64_t now, t;
	uint32_t xid;
	uint8_t mac[6];

	n = rte_eth_rx_burst(port, 0, m, DB_BURST);
	if (n == 0)
		return;
	now = rte_rdtsc();
	for (i = 0; i < n; i++) {
		if (m[i]->nb_segs != 1 ||
		    !bench_dhcp_offer(rte_pktmbuf_mtod(m[i], const uint8_t *),
				      m[i]->pkt_len, &xid, mac)) {
			run.other++;
			continue;
		}
		t = bench_dhcp_pending_take(pend, xid);
		if (t == 0) {
			run.unmatched++;
			continue;
		}
		run.offers++;
		bench_dhcp_hist_add(&run.hist, (uint64_t)((double)(now - t) * ns_per_tsc));
	}
	rte_pktmbuf_free_bulk(m, n);
}

/* Between rates: whatever still arrives belongs to no run; how many. */
static uint16_t
discard_rx(uint16_t port)
{
	struct rte_mbuf *m[DB_BURST];
	uint16_t n = rte_eth_rx_burst(port, 0, m, DB_BURST);

	if (n)
		rte_pktmbuf_free_bulk(m, n);
	return n;
}

/* A thread's user + system CPU seconds (proc(5): fields 14 and 15); 0 if unknown. */
static double
thread_cpu_s(int tid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	size_t n;
	FILE *f;

	if (tid <= 0)
		return 0;
	/* /proc/TID/stat would sum the whole process; task/TID is the thread. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", tid, tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name in parentheses may hold blanks: fields count from its end. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
own_cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


/*
 * Before measuring: one DISCOVER at a time until one is answered (the
 * memif link up, the engine's snapshot published), at most DB_PROBES.
 */
static int
probe(uint16_t port, struct rte_mempool *pool, struct bench_dhcp_pending *pend,
      uint32_t xid0, uint32_t macs)
{
	uint64_t hz = rte_get_tsc_hz(), until;
	uint32_t seq = 0;
	int i;

	for (i = 0; i < DB_PROBES; i++) {
		send_burst(port, pool, pend, 1, &seq, xid0, macs);
		until = rte_rdtsc() + hz / 2;
		while (rte_rdtsc() < until && run.offers == 0)
			poll_rx(port, pend, 0);
		if (run.offers)
			return 0;
	}
	fprintf(stderr, "dhcpbench: no OFFER for %d DISCOVERs: is the engine answering?\n",
		DB_PROBES);
	return -ETIMEDOUT;
}

/* One rate for o->seconds, then the drain; the summary line on stdout. */
static int
run_rate(uint16_t port, struct rte_mempool *pool, const struct db_opts *o, uint64_t rate)
{
	struct bench_dhcp_pending pend;
	uint64_t hz = rte_get_tsc_hz(), t0, now, end, drain_end, due;
	double ns_per_tsc = 1e9 / (double)hz, lost_pct, cpu0, own0;
	uint32_t seq = 0, xid0 = (uint32_t)rte_rdtsc();
	char what[24];
	int rc;

	rc = bench_dhcp_pending_init(&pend, DB_PENDING_LOG2);
	if (rc < 0)
		return rc;
	memset(&run, 0, sizeof(run));
	rc = probe(port, pool, &pend, xid0 - 1000000, o->macs);
	if (rc < 0) {
		bench_dhcp_pending_free(&pend);
		return rc;
	}
	memset(&run, 0, sizeof(run));
	/* A profiler started on this line sees only the sending time. */
	fprintf(stderr, "dhcpbench: sending rate=%llu for %.2f s\n", (unsigned long long)rate,
		o->seconds);
	cpu0 = thread_cpu_s(o->watch_tid);
	own0 = own_cpu_s();
	t0 = now = rte_rdtsc();
	end = t0 + (uint64_t)(o->seconds * (double)hz);
	while (now < end) {
		if (rate == 0) {
			/* As fast as answered: a full ring would measure its depth. */
			if (run.sent - run.offers + DB_BURST <= o->max_inflight)
				send_burst(port, pool, &pend, DB_BURST, &seq, xid0, o->macs);
		} else {
			due = (uint64_t)((double)(now - t0) * (double)rate / (double)hz);
			if (due > run.offered)
				send_burst(port, pool, &pend,
					   due - run.offered > DB_BURST ? DB_BURST :
					   (unsigned)(due - run.offered), &seq, xid0, o->macs);
		}
		poll_rx(port, &pend, ns_per_tsc);
		now = rte_rdtsc();
	}
	run.watch_cpu_s = thread_cpu_s(o->watch_tid) - cpu0;
	run.own_cpu_s = own_cpu_s() - own0;
	drain_end = now + (uint64_t)(o->drain_s * (double)hz);
	while (rte_rdtsc() < drain_end)
		poll_rx(port, &pend, ns_per_tsc);
	bench_dhcp_pending_free(&pend);

	lost_pct = run.sent ? 100.0 * (double)(run.sent - run.offers) / (double)run.sent : 0;
	snprintf(what, sizeof(what), rate ? "%llu" : "max", (unsigned long long)rate);
	printf("dhcpbench: rate=%s seconds=%.2f offered=%llu sent=%llu tx_full=%llu "
	       "no_mbuf=%llu offers=%llu offers_per_s=%.0f lost=%llu lost_pct=%.2f "
	       "unmatched=%llu other=%llu overwritten=%llu avg_us=%.1f p50_us=%.0f "
	       "p99_us=%.0f max_us=%.0f watch_cpu_s=%.2f offers_per_watch_cpu_s=%.0f "
	       "gen_cpu_s=%.2f\n",
	       what, o->seconds,
	       (unsigned long long)run.offered, (unsigned long long)run.sent,
	       (unsigned long long)run.tx_full, (unsigned long long)run.no_mbuf,
	       (unsigned long long)run.offers, (double)run.offers / o->seconds,
	       (unsigned long long)(run.sent - run.offers), lost_pct,
	       (unsigned long long)run.unmatched, (unsigned long long)run.other,
	       (unsigned long long)run.overwritten,
	       run.hist.count ? (double)run.hist.sum_ns / (double)run.hist.count / 1000.0 : 0,
	       bench_dhcp_hist_pct_us(&run.hist, 50), bench_dhcp_hist_pct_us(&run.hist, 99),
	       (double)run.hist.max_ns / 1000.0, run.watch_cpu_s,
	       run.watch_cpu_s > 0 ? (double)run.offers / run.watch_cpu_s : 0, run.own_cpu_s);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_dpdk_config dc;
	struct bench_dpdk *d;
	struct db_opts o;
	uint64_t gap_end;
	unsigned i;
	int rc;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	/* The engine's emulated TFTP clients are not used: one, on RFC 2544's
	 * range; DISCOVERs come from 0.0.0.0 as a ROM's do. */
	memset(&dc, 0, sizeof(dc));
	dc.dev = o.dev;
	dc.eal = o.eal;
	dc.net = 0xc6120000u;		/* 198.18.0.0/16 */
	dc.netmask = 0xffff0000u;
	dc.first = 0xc6120101u;
	dc.count = 1;
	dc.server = 0xc6120002u;
	rc = bench_dpdk_open(&dc, argv[0], &d);
	if (rc < 0)
		return 1;
	for (i = 0; i < o.n_rates && rc == 0; i++) {
		rc = run_rate(bench_dpdk_port_id(d), bench_dpdk_pool(d), &o, o.rates[i]);
		gap_end = rte_rdtsc() + (uint64_t)(o.gap_s * (double)rte_get_tsc_hz());
		while (rte_rdtsc() < gap_end)
			discard_rx(bench_dpdk_port_id(d));
	}
	bench_dpdk_close(d);
	if (rc < 0)
		fprintf(stderr, "dhcpbench: %s\n", strerror(-rc));
	return rc < 0 ? 1 : 0;
}
