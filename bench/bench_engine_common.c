/* SPDX-License-Identifier: BSD-3-Clause */
/* The bookkeeping the socket and DPDK engines share; see the header. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_engine_common.h"

void
bench_note_deadline(uint64_t *next_sweep, const struct bench_session *s)
{
	if (!bench_session_finished(s) && s->deadline_ns < *next_sweep)
		*next_sweep = s->deadline_ns;
}

void
bench_result_record(struct bench_result *r, uint32_t id, const struct bench_config *cfg,
		    const struct bench_session *s)
{
	r->id = id;
	r->server = cfg->server;
	r->file = cfg->file;
	r->blksize = s->blksize;
	r->windowsize = s->windowsize;
	r->bytes = s->bytes;
	r->seconds = (double)(s->end_ns - s->start_ns) / 1e9;
	r->retransmits = s->retransmits;
	r->timeouts = s->timeouts;
	r->ok = s->state == BENCH_ST_DONE;
	r->result = bench_strerror(s->err);
	r->errmsg = strdup(s->errmsg);
}

void
bench_results_not_started(struct bench_result *results, uint32_t first,
			  uint32_t limit, const struct bench_config *cfg)
{
	uint32_t i;

	for (i = first; i < limit; i++) {
		results[i].id = i;
		results[i].server = cfg->server;
		results[i].file = cfg->file;
		results[i].result = bench_strerror(BENCH_ERR_DURATION);
		results[i].errmsg = strdup("not started before the duration limit");
	}
}

void
bench_stats_finish(struct bench_engine_stats *ret_stats, const struct bench_engine_stats *st,
		   uint64_t t0, uint64_t now, const struct bench_impair *im,
		   const struct bench_delay_queue *dq)
{
	*ret_stats = *st;
	ret_stats->wall_s = (double)(now - t0) / 1e9;
	ret_stats->dropped_rx = im->dropped_rx;
	ret_stats->dropped_tx = im->dropped_tx;
	ret_stats->delay_overflow = dq->overflow;
}

void
bench_run_for_check(uint64_t *stop_ns, uint64_t now, uint32_t started, uint32_t *limit)
{
	if (now < *stop_ns)
		return;
	*stop_ns = UINT64_MAX;
	if (started < *limit)
		*limit = started;
}

uint64_t
bench_run_for_stop(const struct bench_config *cfg, uint64_t t0)
{
	if (cfg->run_for_s <= 0)
		return UINT64_MAX;
	return t0 + (uint64_t)(cfg->run_for_s * 1e9);
}
