/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tftpbench: a TFTP client emulator that loads any TFTP server (pxeline,
 * tftpd-hpa, atftpd, dnsmasq) with N concurrent transfers and reports
 * goodput, transfer-time percentiles and failures; "sweep" runs a grid of
 * blksize x windowsize x loss x delay and plots it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench_clients.h"
#include "bench/bench_engine.h"
#include "bench/bench_engine_dpdk.h"
#include "bench/bench_session.h"
#include "bench/bench_stats.h"
#include "dataplane/proto/tftp_packet.h"

#define LIST_MAX 32	/* entries in one sweep list */

struct list {
	double v[LIST_MAX];
	unsigned int n;
};

struct opts {
	struct bench_config cfg;
	struct bench_request req;
	const char *verify;
	const char *csv;
	const char *out;		/* sweep */
	struct list blksizes;		/* sweep */
	struct list windowsizes;
	struct list losses;
	struct list delays;
	bool sweep;
	bool dpdk;			/* --engine dpdk */
	struct bench_dpdk_config dc;
	const char *client_net;
	const char *client_first;
	struct bench_dpdk *engine;	/* open while the runs last */
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tftpbench --server IP --file NAME --clients N [--transfers M]\n"
"         [--blksize B] [--windowsize W] [--msftwindow] [--tsize] [--timeout S]\n"
"         [--rto-ms MS] [--port 69] [--verify LOCALFILE] [--csv FILE]\n"
"         [--loss PCT] [--loss-dir rx|tx|both] [--seed N] [--delay-ms D]\n"
"         [--duration-limit S] [--run-for S] [--quiet]\n"
"         [--engine socket|dpdk --dpdk-dev VDEV --client-net A.B.C.D/LEN\n"
"          --client-first A.B.C.D [--eal \"-l 0 --no-pci --in-memory\"]]\n"
"       tftpbench sweep --server IP --file NAME --blksizes 512,1456,8192\n"
"         --windowsizes 1,4,16,64 [--losses 0,1] [--delays 0,10]\n"
"         [--clients N] [--transfers M] --out DIR [options above]\n"
"The dpdk engine emulates --clients hosts, each with its own address from\n"
"--client-first on and MAC 02:62:<address>, on a DPDK port such as\n"
"net_af_packet0,iface=veth0 or net_memif0,role=client,socket=/run/pxl.memif;\n"
"the server must be on --client-net.\n"
"--run-for S starts no transfer after S seconds and ends when the running\n"
"ones finish: a soak of fixed length, --transfers an upper bound.\n"
"Options are sent only when given, so no options emulates a lock-step ROM.\n"
"--multicast asks RFC 2090 multicast: the clients an OACK puts in one group\n"
"share one socket on it (socket engine); the end shows group_factor= (group\n"
"DATA bytes seen once / file size; the server's own counters are the\n"
"authoritative wire bytes).\n"
"The last line holds goodput_mbps= (megabits/s of verified payload over\n"
"wall time) and failed=; the exit status is 1 when a transfer failed.\n");
}

static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || s[0] == '-')
		return -1;
	*ret = (uint32_t)v;
	return 0;
}

static int
parse_double(const char *s, double min, double max, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		return -1;
	*ret = v;
	return 0;
}

static int
parse_list(const char *s, double min, double max, struct list *l)
{
	char buf[512], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	l->n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == LIST_MAX || parse_double(tok, min, max, &l->v[l->n]) < 0)
			return -1;
		l->n++;
	}
	return l->n ? 0 : -1;
}

enum {
	OPT_SERVER = 256, OPT_FILE, OPT_CLIENTS, OPT_TRANSFERS, OPT_BLKSIZE,
	OPT_WINDOWSIZE, OPT_MSFT, OPT_TSIZE, OPT_TIMEOUT, OPT_RTO, OPT_PORT,
	OPT_VERIFY, OPT_CSV, OPT_LOSS, OPT_LOSS_DIR, OPT_SEED, OPT_DELAY,
	OPT_DURATION, OPT_QUIET, OPT_HELP, OPT_BLKSIZES, OPT_WINDOWSIZES,
	OPT_LOSSES, OPT_DELAYS, OPT_OUT, OPT_ENGINE, OPT_DPDK_DEV, OPT_EAL,
	OPT_CLIENT_NET, OPT_CLIENT_FIRST, OPT_MULTICAST, OPT_RUN_FOR,
};

static const struct option long_opts[] = {
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "clients", required_argument, NULL, OPT_CLIENTS },
	{ "transfers", required_argument, NULL, OPT_TRANSFERS },
	{ "blksize", required_argument, NULL, OPT_BLKSIZE },
	{ "windowsize", required_argument, NULL, OPT_WINDOWSIZE },
	{ "msftwindow", no_argument, NULL, OPT_MSFT },
	{ "tsize", no_argument, NULL, OPT_TSIZE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "rto-ms", required_argument, NULL, OPT_RTO },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "loss-dir", required_argument, NULL, OPT_LOSS_DIR },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "delay-ms", required_argument, NULL, OPT_DELAY },
	{ "duration-limit", required_argument, NULL, OPT_DURATION },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "run-for", required_argument, NULL, OPT_RUN_FOR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "blksizes", required_argument, NULL, OPT_BLKSIZES },
	{ "windowsizes", required_argument, NULL, OPT_WINDOWSIZES },
	{ "losses", required_argument, NULL, OPT_LOSSES },
	{ "delays", required_argument, NULL, OPT_DELAYS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "dpdk-dev", required_argument, NULL, OPT_DPDK_DEV },
	{ "eal", required_argument, NULL, OPT_EAL },
	{ "client-net", required_argument, NULL, OPT_CLIENT_NET },
	{ "client-first", required_argument, NULL, OPT_CLIENT_FIRST },
	{ "multicast", no_argument, NULL, OPT_MULTICAST },
	{ NULL, 0, NULL, 0 },
};

/* Returns 0, 1 for --help, -1 on a bad command line (already reported). */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	uint32_t u, rto_ms = 0, transfers = 0;
	double d;
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->cfg.clients = 1;
	o->cfg.loss_rx = o->cfg.loss_tx = true;
	o->cfg.seed = 1;
	o->cfg.duration_limit_s = 300;
	o->req.server_port = 69;
	if (argc > 1 && strcmp(argv[1], "sweep") == 0) {
		o->sweep = true;
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		const char *a = optarg;

		switch (c) {
		case OPT_SERVER:
			o->cfg.server = a;
			if (inet_pton(AF_INET, a, &o->cfg.server_addr) != 1)
				bad = fprintf(stderr, "tftpbench: --server needs an IPv4 address\n");
			break;
		case OPT_FILE:
			o->cfg.file = a;
			break;
		case OPT_CLIENTS:
			if (parse_u32(a, 1, 100000, &o->cfg.clients) < 0)
				bad = fprintf(stderr, "tftpbench: bad --clients\n");
			break;
		case OPT_TRANSFERS:
			if (parse_u32(a, 1, 10000000, &transfers) < 0)
				bad = fprintf(stderr, "tftpbench: bad --transfers\n");
			break;
		case OPT_BLKSIZE:
			if (parse_u32(a, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, &o->req.blksize) < 0)
				bad = fprintf(stderr, "tftpbench: --blksize is 8..65464\n");
			break;
		case OPT_WINDOWSIZE:
			if (parse_u32(a, 1, TFTP_WINDOW_MAX, &o->req.windowsize) < 0)
				bad = fprintf(stderr, "tftpbench: --windowsize is 1..65535\n");
			break;
		case OPT_MSFT:
			o->req.msftwindow = true;
			break;
		case OPT_TSIZE:
			o->req.tsize = true;
			break;
		case OPT_TIMEOUT:
			if (parse_u32(a, 1, 255, &o->req.timeout_s) < 0)
				bad = fprintf(stderr, "tftpbench: --timeout is 1..255\n");
			break;
		case OPT_RTO:
			if (parse_u32(a, 1, 255000, &rto_ms) < 0)
				bad = fprintf(stderr, "tftpbench: bad --rto-ms\n");
			break;
		case OPT_PORT:
			if (parse_u32(a, 1, 65535, &u) < 0)
				bad = fprintf(stderr, "tftpbench: bad --port\n");
			o->req.server_port = (uint16_t)u;
			break;
		case OPT_VERIFY:
			o->verify = a;
			break;
		case OPT_CSV:
			o->csv = a;
			break;
		case OPT_LOSS:
			if (parse_double(a, 0, 100, &o->cfg.loss_pct) < 0)
				bad = fprintf(stderr, "tftpbench: --loss is 0..100\n");
			break;
		case OPT_LOSS_DIR:
			o->cfg.loss_rx = !strcmp(a, "rx") || !strcmp(a, "both");
			o->cfg.loss_tx = !strcmp(a, "tx") || !strcmp(a, "both");
			if (!o->cfg.loss_rx && !o->cfg.loss_tx)
				bad = fprintf(stderr, "tftpbench: --loss-dir is rx, tx or both\n");
			break;
		case OPT_SEED:
			o->cfg.seed = strtoull(a, NULL, 0);
			break;
		case OPT_DELAY:
			if (parse_u32(a, 0, 60000, &u) < 0)
				bad = fprintf(stderr, "tftpbench: bad --delay-ms\n");
			o->cfg.delay_ms = u;
			break;
		case OPT_DURATION:
			if (parse_double(a, 0.001, 1e6, &d) < 0)
				bad = fprintf(stderr, "tftpbench: bad --duration-limit\n");
			else
				o->cfg.duration_limit_s = d;
			break;
		case OPT_RUN_FOR:
			if (parse_double(a, 0.001, 1e6, &d) < 0)
				bad = fprintf(stderr, "tftpbench: bad --run-for\n");
			else
				o->cfg.run_for_s = d;
			break;
		case OPT_QUIET:
			o->cfg.quiet = true;
			break;
		case OPT_MULTICAST:
			o->req.multicast = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 1;
		case OPT_BLKSIZES:
			if (parse_list(a, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, &o->blksizes) < 0)
				bad = fprintf(stderr, "tftpbench: bad --blksizes\n");
			break;
		case OPT_WINDOWSIZES:
			if (parse_list(a, 1, TFTP_WINDOW_MAX, &o->windowsizes) < 0)
				bad = fprintf(stderr, "tftpbench: bad --windowsizes\n");
			break;
		case OPT_LOSSES:
			if (parse_list(a, 0, 100, &o->losses) < 0)
				bad = fprintf(stderr, "tftpbench: bad --losses\n");
			break;
		case OPT_DELAYS:
			if (parse_list(a, 0, 60000, &o->delays) < 0)
				bad = fprintf(stderr, "tftpbench: bad --delays\n");
			break;
		case OPT_OUT:
			o->out = a;
			break;
		case OPT_ENGINE:
			if (strcmp(a, "dpdk") == 0)
				o->dpdk = true;
			else if (strcmp(a, "socket") != 0)
				bad = fprintf(stderr, "tftpbench: --engine is socket or dpdk\n");
			break;
		case OPT_DPDK_DEV:
			o->dc.dev = a;
			break;
		case OPT_EAL:
			o->dc.eal = a;
			break;
		case OPT_CLIENT_NET:
			o->client_net = a;
			if (bench_clients_parse_net(a, &o->dc.net, &o->dc.netmask))
				bad = fprintf(stderr, "tftpbench: --client-net is A.B.C.D/LEN (1..30)\n");
			break;
		case OPT_CLIENT_FIRST:
			o->client_first = a;
			if (bench_clients_parse_addr(a, &o->dc.first))
				bad = fprintf(stderr, "tftpbench: --client-first needs an IPv4 address\n");
			break;
		default:
			bad = 1;
			break;
		}
	}
	if (optind < argc)
		bad = fprintf(stderr, "tftpbench: unexpected argument %s\n", argv[optind]);
	if (!o->cfg.server || !o->cfg.file)
		bad = fprintf(stderr, "tftpbench: --server and --file are required\n");
	if (o->sweep && (!o->out || !o->blksizes.n || !o->windowsizes.n))
		bad = fprintf(stderr, "tftpbench: sweep needs --blksizes, --windowsizes and --out\n");
	if (!o->sweep && (o->out || o->blksizes.n || o->windowsizes.n ||
			  o->losses.n || o->delays.n))
		bad = fprintf(stderr, "tftpbench: --blksizes/--windowsizes/--losses/"
			      "--delays/--out belong to sweep\n");
	if (o->dpdk && (!o->dc.dev || !o->client_net || !o->client_first))
		bad = fprintf(stderr, "tftpbench: --engine dpdk needs --dpdk-dev, "
			      "--client-net and --client-first\n");
	if (!o->dpdk && (o->dc.dev || o->dc.eal || o->client_net || o->client_first))
		bad = fprintf(stderr, "tftpbench: --dpdk-dev/--eal/--client-net/"
			      "--client-first belong to --engine dpdk\n");
	if (o->dpdk && o->req.multicast)
		bad = fprintf(stderr, "tftpbench: --multicast needs the socket engine\n");
	if (o->cfg.file && strlen(o->cfg.file) > TFTP_NAME_MAX)
		bad = fprintf(stderr, "tftpbench: --file is too long\n");
	if (bad) {
		usage(stderr);
		return -1;
	}
	o->cfg.transfers = transfers ? transfers : o->cfg.clients;
	if (o->cfg.clients > o->cfg.transfers)
		o->cfg.clients = o->cfg.transfers;
	o->dc.count = o->cfg.clients;
	o->dc.server = ntohl(o->cfg.server_addr.s_addr);
	/* The client RTO: --rto-ms, else the timeout we ask for, else 1 s. */
	o->req.rto_ns = rto_ms ? rto_ms * 1000000ull :
		(o->req.timeout_s ? o->req.timeout_s : 1) * 1000000000ull;
	o->req.filename = o->cfg.file;
	if (!o->losses.n) {
		o->losses.v[0] = o->cfg.loss_pct;
		o->losses.n = 1;
	}
	if (!o->delays.n) {
		o->delays.v[0] = (double)o->cfg.delay_ms;
		o->delays.n = 1;
	}
	return 0;
}

/* Maps the reference file; an empty file gets a non-NULL empty buffer. */
static int
map_reference(const char *path, struct bench_request *req, size_t *ret_maplen)
{
	static const uint8_t empty[1];
	struct stat st;
	void *p;
	int fd;

	*ret_maplen = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "tftpbench: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		req->ref = empty;
		req->ref_len = 0;
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "tftpbench: mmap %s: %s\n", path, strerror(errno));
		return -1;
	}
	madvise(p, (size_t)st.st_size, MADV_WILLNEED);
	req->ref = p;
	req->ref_len = (uint64_t)st.st_size;
	*ret_maplen = (size_t)st.st_size;
	return 0;
}

static int
write_csv(const char *path, const struct bench_result *r, uint32_t n)
{
	char row[1024];
	FILE *f = fopen(path, "w");
	uint32_t i;

	if (!f) {
		fprintf(stderr, "tftpbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\n", bench_csv_header());
	for (i = 0; i < n; i++)
		if (bench_csv_row(row, sizeof(row), &r[i]))
			fputs(row, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "tftpbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One run of the engine; fills the summary. Returns 0 or -1 on setup error. */
static int
run_once(const struct opts *o, const struct bench_config *cfg,
	 const struct bench_request *req, const char *csv,
	 struct bench_summary *ret_sum, struct bench_engine_stats *ret_st)
{
	struct bench_result *res = calloc(cfg->transfers, sizeof(*res));
	uint32_t i, n, shown = 0;
	int rc;

	if (!res) {
		fprintf(stderr, "tftpbench: out of memory\n");
		return -1;
	}
	rc = o->engine ? bench_dpdk_run(o->engine, cfg, req, res, ret_st) :
		bench_engine_run(cfg, req, res, ret_st);
	if (rc < 0) {
		fprintf(stderr, "tftpbench: engine: %s\n", strerror(-rc));
		free(res);
		return -1;
	}
	n = ret_st->transfers;
	bench_summarize(res, n, ret_st->wall_s, ret_sum);
	/* A few failures by name, so a wrong path or a refusal is obvious. */
	for (i = 0; i < n && shown < 5; i++) {
		if (res[i].ok)
			continue;
		fprintf(stderr, "tftpbench: transfer %u failed: %s%s%s\n", i,
			res[i].result, res[i].errmsg && res[i].errmsg[0] ? ": " : "",
			res[i].errmsg ? res[i].errmsg : "");
		shown++;
	}
	if (csv && write_csv(csv, res, n) < 0)
		rc = -1;
	bench_engine_free_results(res, n);
	free(res);
	return rc;
}

/*
 * The client's view of RFC 2090: what the group sockets saw (each group
 * datagram once) over one copy of the file. Group DATA the kernel dropped
 * before we read it is missing here; pxeline's mcast_bytes_sent is the
 * wire truth.
 */
static void
print_multicast(FILE *f, const struct bench_engine_stats *st)
{
	fprintf(f, "multicast: groups %u, members %u, master turns %u, group packets %llu, "
		"group DATA bytes %llu, unicast DATA bytes to members %llu, join errors %llu\n",
		st->mc_groups, st->mc_sessions, st->mc_turns,
		(unsigned long long)st->mc_rx_packets, (unsigned long long)st->mc_rx_bytes,
		(unsigned long long)st->mc_unicast_bytes,
		(unsigned long long)st->mc_join_errors);
	if (st->mc_file_bytes)
		fprintf(f, "multicast: group_factor=%.3f (group DATA bytes / file size %llu, "
			"%u members; unicast would be %u)\n",
			(double)st->mc_rx_bytes / (double)st->mc_file_bytes,
			(unsigned long long)st->mc_file_bytes, st->mc_sessions, st->mc_sessions);
	else
		fprintf(f, "multicast: group_factor=NA (no member completed)\n");
}

static int
run_single(struct opts *o)
{
	struct bench_summary sum;
	struct bench_engine_stats st;

	if (run_once(o, &o->cfg, &o->req, o->csv, &sum, &st) < 0)
		return 2;
	printf("server %s file %s: clients %u, packets rx %llu tx %llu, "
	       "dropped by --loss rx %llu tx %llu, foreign %llu, wrong TID %llu\n",
	       o->cfg.server, o->cfg.file, o->cfg.clients,
	       (unsigned long long)st.rx_packets, (unsigned long long)st.tx_packets,
	       (unsigned long long)st.dropped_rx, (unsigned long long)st.dropped_tx,
	       (unsigned long long)st.foreign, (unsigned long long)st.wrong_tid);
	if (o->engine)
		bench_dpdk_print_stats(o->engine, stdout);
	if (o->req.multicast)
		print_multicast(stdout, &st);
	bench_print_summary(stdout, &sum);
	return sum.failed ? 1 : 0;
}

/* One grid cell's outcome. */
struct cell {
	uint32_t blksize;
	uint32_t windowsize;
	double loss;
	uint32_t delay;
	struct bench_summary sum;
};

static int
write_plot_files(const char *dir, const struct opts *o, const struct cell *cells)
{
	char path[4096];
	unsigned int nb = o->blksizes.n, nw = o->windowsizes.n, nl = o->losses.n;
	unsigned int nd = o->delays.n, panels = nl * nd, l, d, b, w, k;
	unsigned int cols = panels < 2 ? 1 : 2, rows = (panels + cols - 1) / cols;
	FILE *f;

	/* sweep.dat: one gnuplot index per (loss, delay, blksize). */
	snprintf(path, sizeof(path), "%s/sweep.dat", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (l = 0; l < nl; l++)
		for (d = 0; d < nd; d++)
			for (b = 0; b < nb; b++) {
				fprintf(f, "# loss %g delay %g blksize %g\n",
					o->losses.v[l], o->delays.v[d], o->blksizes.v[b]);
				for (w = 0; w < nw; w++) {
					const struct cell *c =
						&cells[((l * nd + d) * nb + b) * nw + w];

					fprintf(f, "%u %.3f %.4f %.4f\n", c->windowsize,
						c->sum.goodput_mbps, c->sum.p50_s, c->sum.p99_s);
				}
				fprintf(f, "\n\n");
			}
	if (fclose(f) != 0)
		return -1;

	snprintf(path, sizeof(path), "%s/sweep.gp", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "# generated by tftpbench sweep\n"
		"set logscale x 2\nset grid\nset key outside right top\n"
		"set xlabel 'windowsize (blocks)'\n");
	for (k = 0; k < 4; k++) {
		const char *term = k % 2 ? "svg size %u,%u dynamic" : "pngcairo size %u,%u";
		const char *name = k < 2 ? "goodput" : "time";

		fprintf(f, "set terminal ");
		fprintf(f, term, 640 * cols, 420 * rows);
		fprintf(f, "\nset output '%s.%s'\n", name, k % 2 ? "svg" : "png");
		fprintf(f, "set ylabel '%s'\n", k < 2 ? "goodput (Mbit/s)" :
			"p50 transfer time (s)");
		fprintf(f, "set multiplot layout %u,%u title '%s %s, %u clients'\n",
			rows, cols, o->cfg.server, o->cfg.file, o->cfg.clients);
		for (l = 0; l < nl; l++)
			for (d = 0; d < nd; d++) {
				fprintf(f, "set title 'loss %g %%, delay %g ms'\nplot ",
					o->losses.v[l], o->delays.v[d]);
				for (b = 0; b < nb; b++)
					fprintf(f, "%s'sweep.dat' index %u using 1:%u with "
						"linespoints title 'blksize %g'",
						b ? ", " : "", (l * nd + d) * nb + b,
						k < 2 ? 2 : 3, o->blksizes.v[b]);
				fprintf(f, "\n");
			}
		fprintf(f, "unset multiplot\nset output\n");
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Runs gnuplot in dir when it is installed; plots are optional. */
static void
run_gnuplot(const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", "sweep.gp", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		fprintf(stderr, "tftpbench: gnuplot not found, no plots "
			"(sweep.gp and sweep.dat are in %s)\n", dir);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "tftpbench: gnuplot failed; see %s/sweep.gp\n", dir);
	else
		fprintf(stderr, "tftpbench: plots in %s/goodput.{png,svg} and "
			"%s/time.{png,svg}\n", dir, dir);
}

static int
run_sweep(struct opts *o)
{
	unsigned int nb = o->blksizes.n, nw = o->windowsizes.n, nl = o->losses.n;
	unsigned int nd = o->delays.n, n = nb * nw * nl * nd, i, l, d;
	struct cell *cells = calloc(n, sizeof(*cells));
	char path[4096];
	FILE *f;
	int any_failed = 0;

	if (!cells)
		return 2;
	if (mkdir(o->out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "tftpbench: %s: %s\n", o->out, strerror(errno));
		free(cells);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/sweep.csv", o->out);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "tftpbench: %s: %s\n", path, strerror(errno));
		free(cells);
		return 2;
	}
	fprintf(f, "blksize,windowsize,loss_pct,delay_ms,clients,transfers,ok,failed,"
		"goodput_mbps,mibps,p50_s,p99_s,retransmits,timeouts\n");
	for (i = 0; i < n; i++) {
		struct cell *c = &cells[i];
		struct bench_config cfg = o->cfg;
		struct bench_request req = o->req;
		struct bench_engine_stats st;
		unsigned int w = i % nw, b = (i / nw) % nb;

		d = (i / nw / nb) % nd;
		l = i / nw / nb / nd;
		c->blksize = (uint32_t)o->blksizes.v[b];
		c->windowsize = (uint32_t)o->windowsizes.v[w];
		c->loss = o->losses.v[l];
		c->delay = (uint32_t)o->delays.v[d];
		req.blksize = c->blksize;
		req.windowsize = c->windowsize;
		cfg.loss_pct = c->loss;
		cfg.delay_ms = c->delay;
		cfg.quiet = true;
		if (run_once(o, &cfg, &req, NULL, &c->sum, &st) < 0) {
			fclose(f);
			free(cells);
			return 2;
		}
		any_failed |= c->sum.failed > 0;
		fprintf(f, "%u,%u,%g,%u,%u,%u,%u,%u,%.3f,%.3f,%.4f,%.4f,%llu,%llu\n",
			c->blksize, c->windowsize, c->loss, c->delay, cfg.clients,
			c->sum.transfers, c->sum.ok, c->sum.failed, c->sum.goodput_mbps,
			c->sum.mibps, c->sum.p50_s, c->sum.p99_s,
			(unsigned long long)c->sum.retransmits,
			(unsigned long long)c->sum.timeouts);
		fflush(f);
		if (!o->cfg.quiet)
			fprintf(stderr, "sweep %u/%u: blksize %u windowsize %u loss %g "
				"delay %u: goodput_mbps=%.1f p50 %.3f s failed=%u\n",
				i + 1, n, c->blksize, c->windowsize, c->loss, c->delay,
				c->sum.goodput_mbps, c->sum.p50_s, c->sum.failed);
	}
	if (fclose(f) != 0) {
		free(cells);
		return 2;
	}
	if (write_plot_files(o->out, o, cells) == 0)
		run_gnuplot(o->out);
	/* The best cell per (loss, delay): comparing across loss says nothing. */
	for (l = 0; l < nl; l++)
		for (d = 0; d < nd; d++) {
			const struct cell *best = NULL;

			for (i = 0; i < n; i++) {
				const struct cell *c = &cells[i];

				if (c->loss != o->losses.v[l] ||
				    c->delay != (uint32_t)o->delays.v[d] || c->sum.failed)
					continue;
				if (!best || c->sum.goodput_mbps > best->sum.goodput_mbps)
					best = c;
			}
			if (best)
				printf("best for loss %g%% delay %u ms: blksize=%u "
				       "windowsize=%u goodput_mbps=%.3f p50_s=%.4f\n",
				       best->loss, best->delay, best->blksize,
				       best->windowsize, best->sum.goodput_mbps,
				       best->sum.p50_s);
			else
				printf("best for loss %g%% delay %g ms: none without "
				       "failures\n", o->losses.v[l], o->delays.v[d]);
		}
	printf("sweep: %u cells, results in %s/sweep.csv\n", n, o->out);
	free(cells);
	return any_failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	size_t maplen = 0;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (o.verify && map_reference(o.verify, &o.req, &maplen) < 0)
		return 2;
	if (o.dpdk && bench_dpdk_open(&o.dc, argv[0], &o.engine) < 0)
		return 2;
	rc = o.sweep ? run_sweep(&o) : run_single(&o);
	bench_dpdk_close(o.engine);
	if (maplen)
		munmap((void *)(uintptr_t)o.req.ref, maplen);
	return rc;
}
