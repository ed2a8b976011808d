/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_stats.h"

/* Quickselect with a three-way partition: puts the k-th smallest at v[k]
 * in O(n) on average, so a percentile over many transfers (or a sweep of
 * equal times) does not sort them all. */
static double
select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2], t;
		size_t lt = lo, i = lo, gt = hi;

		/* [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot */
		while (i <= gt) {
			if (v[i] < pivot) {
				t = v[lt]; v[lt] = v[i]; v[i] = t;
				lt++;
				i++;
			} else if (v[i] > pivot) {
				t = v[gt]; v[gt] = v[i]; v[i] = t;
				gt--;	/* the pivot value sits below gt: no wrap */
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return pivot;
	}
	return v[k];
}

double
bench_percentile(double *v, size_t n, double p)
{
	size_t rank;
	double x;

	if (n == 0)
		return 0;
	if (p <= 0)
		p = 0;
	if (p >= 100)
		p = 100;
	/* The smallest rank k with 100 k >= p n, checked in the same
	 * arithmetic so that rounding of p n / 100 cannot move it. */
	x = p * (double)n;
	rank = (size_t)ceil(x / 100.0);
	if ((double)rank * 100.0 < x)
		rank++;
	while (rank > 1 && (double)(rank - 1) * 100.0 >= x)
		rank--;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return select_kth(v, n, rank - 1);
}

const char *
bench_csv_header(void)
{
	return "id,server,file,blksize,windowsize,bytes,seconds,mibps,"
	       "retransmits,timeouts,result,error";
}

/* Appends to buf at *pos; sets *full when it does not fit. */
static void
csv_put(char *buf, size_t cap, size_t *pos, bool *full, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *pos) {
		*full = true;
		return;
	}
	*pos += (size_t)n;
}

static void
csv_field(char *buf, size_t cap, size_t *pos, bool *full, const char *s)
{
	const char *c;

	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		csv_put(buf, cap, pos, full, "%s", s);
		return;
	}
	csv_put(buf, cap, pos, full, "\"");
	for (c = s; *c; c++)
		csv_put(buf, cap, pos, full, *c == '"' ? "\"\"" : "%c", *c);
	csv_put(buf, cap, pos, full, "\"");
}

size_t
bench_csv_row(char *buf, size_t cap, const struct bench_result *r)
{
	size_t pos = 0;
	bool full = cap == 0;
	double mibps = r->seconds > 0 ? (double)r->bytes / 1048576.0 / r->seconds : 0;

	csv_put(buf, cap, &pos, &full, "%u,", r->id);
	csv_field(buf, cap, &pos, &full, r->server);
	csv_put(buf, cap, &pos, &full, ",");
	csv_field(buf, cap, &pos, &full, r->file);
	csv_put(buf, cap, &pos, &full, ",%u,%u,%llu,%.6f,%.3f,%u,%u,", r->blksize,
		r->windowsize, (unsigned long long)r->bytes, r->seconds, mibps,
		r->retransmits, r->timeouts);
	csv_field(buf, cap, &pos, &full, r->result);
	csv_put(buf, cap, &pos, &full, ",");
	csv_field(buf, cap, &pos, &full, r->errmsg);
	csv_put(buf, cap, &pos, &full, "\n");
	if (full) {
		if (cap)
			buf[0] = '\0';
		return 0;
	}
	return pos;
}

void
bench_summarize(const struct bench_result *r, size_t n, double wall_s,
		struct bench_summary *ret_sum)
{
	struct bench_summary *s = ret_sum;
	double *t = n ? malloc(n * sizeof(*t)) : NULL;
	size_t i, nt = 0;

	memset(s, 0, sizeof(*s));
	s->transfers = (uint32_t)n;
	s->wall_s = wall_s;
	for (i = 0; i < n; i++) {
		s->retransmits += r[i].retransmits;
		s->timeouts += r[i].timeouts;
		if (!r[i].ok) {
			s->failed++;
			continue;
		}
		s->ok++;
		s->bytes_ok += r[i].bytes;
		if (t)
			t[nt++] = r[i].seconds;
	}
	if (wall_s > 0) {
		s->mibps = (double)s->bytes_ok / 1048576.0 / wall_s;
		s->goodput_mbps = (double)s->bytes_ok * 8.0 / 1e6 / wall_s;
	}
	s->p50_s = bench_percentile(t, nt, 50);
	s->p99_s = bench_percentile(t, nt, 99);
	free(t);
}

void
bench_print_summary(FILE *f, const struct bench_summary *s)
{
	fprintf(f, "transfers: %u ok, %u failed of %u; %llu bytes in %.3f s\n",
		s->ok, s->failed, s->transfers, (unsigned long long)s->bytes_ok,
		s->wall_s);
	fprintf(f, "transfer time: p50 %.4f s, p99 %.4f s; retransmits %llu, "
		"timeouts %llu\n", s->p50_s, s->p99_s,
		(unsigned long long)s->retransmits, (unsigned long long)s->timeouts);
	fprintf(f, "transfers=%u ok=%u mibps=%.3f p50_s=%.4f p99_s=%.4f "
		"retransmits=%llu timeouts=%llu goodput_mbps=%.3f failed=%u\n",
		s->transfers, s->ok, s->mibps, s->p50_s, s->p99_s,
		(unsigned long long)s->retransmits, (unsigned long long)s->timeouts,
		s->goodput_mbps, s->failed);
}
