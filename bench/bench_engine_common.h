/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What both engines (kernel sockets, DPDK) do the same way around their
 * sessions: the clock, the sweep bound, one result row per transfer and
 * the stats handed back at the end of a run.
 */
#ifndef PXELINE_BENCH_ENGINE_COMMON_H
#define PXELINE_BENCH_ENGINE_COMMON_H

#include <stdint.h>

#include "dataplane/base/clock.h"
#include "bench/bench_engine.h"
#include "bench/bench_impair.h"
#include "bench/bench_session.h"

#define BENCH_NS_PER_S 1000000000ull


/* Lowers *next_sweep to the session's deadline while it still runs. */
void bench_note_deadline(uint64_t *next_sweep, const struct bench_session *s);

/* Fills result row id from a finished session; errmsg is strdup'ed. */
void bench_result_record(struct bench_result *r, uint32_t id, const struct bench_config *cfg,
			 const struct bench_session *s);

/* Rows first..limit-1 never started: failed by the duration limit. */
void bench_results_not_started(struct bench_result *results, uint32_t first,
			       uint32_t limit, const struct bench_config *cfg);

/*
 * --run-for: the first time now passes *stop_ns, lowers *limit (the
 * transfers a run may start) to those already started, so the run ends
 * when they finish; *stop_ns becomes UINT64_MAX.
 */
void bench_run_for_check(uint64_t *stop_ns, uint64_t now, uint32_t started, uint32_t *limit);

/* When --run-for stops new starts: t0 + run_for_s, or UINT64_MAX. */
uint64_t bench_run_for_stop(const struct bench_config *cfg, uint64_t t0);

/* The engine's counters plus wall time, impairment drops and delay overflow. */
void bench_stats_finish(struct bench_engine_stats *ret_stats, const struct bench_engine_stats *st,
			uint64_t t0, uint64_t now, const struct bench_impair *im,
			const struct bench_delay_queue *dq);

#endif /* PXELINE_BENCH_ENGINE_COMMON_H */
