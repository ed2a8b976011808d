/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tftpbench results: one record per transfer, percentiles, CSV rows and the
 * run summary whose last line scripts parse (goodput_mbps=, failed=).
 */
#ifndef PXELINE_BENCH_STATS_H
#define PXELINE_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One finished (or failed) transfer, as written to the CSV. */
struct bench_result {
	uint32_t id;
	const char *server;	/* as given on the command line */
	const char *file;
	uint32_t blksize;	/* in force (granted or 512) */
	uint32_t windowsize;	/* in force at the end */
	uint64_t bytes;
	double seconds;
	uint32_t retransmits;
	uint32_t timeouts;
	int ok;			/* 1 when complete and verified */
	const char *result;	/* bench_strerror() of the ending */
	const char *errmsg;	/* detail, may be "" */
};

/* Totals over a run. */
struct bench_summary {
	uint32_t transfers;
	uint32_t ok;
	uint32_t failed;
	uint64_t bytes_ok;	/* payload of the successful transfers */
	double wall_s;
	double mibps;		/* MiB/s of bytes_ok over wall_s */
	double goodput_mbps;	/* megabits/s (10^6) of bytes_ok over wall_s */
	double p50_s;		/* transfer time percentiles, successful ones */
	double p99_s;
	uint64_t retransmits;
	uint64_t timeouts;
};

/*
 * Nearest-rank percentile (p in 0..100) of n values: the smallest value
 * with at least p % of the values <= it. Reorders v. Returns 0 for n == 0.
 */
double bench_percentile(double *v, size_t n, double p);

/* The CSV header line, without newline. */
const char *bench_csv_header(void);

/*
 * One CSV row (RFC 4180: fields with comma, quote or line break quoted,
 * quotes doubled), ending in "\n". Returns the length, or 0 if cap is too
 * small (buf then holds an empty string).
 */
size_t bench_csv_row(char *buf, size_t cap, const struct bench_result *r);

/* Totals from n results over wall_s seconds. */
void bench_summarize(const struct bench_result *r, size_t n, double wall_s,
		     struct bench_summary *ret_sum);

/* Prints the summary; its last line holds goodput_mbps= and failed=. */
void bench_print_summary(FILE *f, const struct bench_summary *sum);

#endif /* PXELINE_BENCH_STATS_H */
