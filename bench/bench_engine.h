/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel-socket engine: many client sessions in one thread, one UDP
 * socket (one ephemeral port, one TID) per session, epoll for readiness.
 */
#ifndef PXELINE_BENCH_ENGINE_H
#define PXELINE_BENCH_ENGINE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/bench_session.h"
#include "bench/bench_stats.h"

struct bench_config {
	const char *server;		/* as given, for the CSV */
	struct in_addr server_addr;
	const char *file;
	uint32_t clients;		/* concurrent transfers */
	uint32_t transfers;		/* total */
	double loss_pct;		/* impairment, 0..100 */
	bool loss_rx;
	bool loss_tx;
	uint64_t seed;
	uint64_t delay_ms;		/* added to every received packet */
	double duration_limit_s;	/* unfinished transfers fail after this */
	double run_for_s;		/* > 0: no transfer starts after this; the
				 * running ones finish (a soak of fixed length) */
	bool quiet;			/* no progress line */
};

/* What the engine saw besides the per-transfer results. */
struct bench_engine_stats {
	double wall_s;
	uint32_t transfers;		/* results filled: cfg->transfers, or fewer
				 * when run_for_s stopped the starts */
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t foreign;		/* datagrams not from the server address */
	uint64_t wrong_tid;
	uint64_t dropped_rx;		/* by --loss */
	uint64_t dropped_tx;
	uint64_t delay_overflow;
	/* RFC 2090 (--multicast) */
	uint32_t mc_groups;		/* group sockets opened */
	uint32_t mc_sessions;		/* transfers that joined a group */
	uint32_t mc_turns;		/* times a transfer was named master */
	uint64_t mc_rx_packets;		/* datagrams on group sockets */
	uint64_t mc_rx_bytes;		/* group DATA payload, once per group */
	uint64_t mc_unicast_bytes;	/* DATA payload to group members alone */
	uint64_t mc_file_bytes;		/* size of the file a member completed */
	uint64_t mc_join_errors;	/* group sockets that could not be set up */
};

/*
 * Runs cfg->transfers transfers of req, cfg->clients at a time. results
 * must hold cfg->transfers entries (ret_stats->transfers of them are filled); their errmsg strings are allocated and
 * released by bench_engine_free_results(). Returns 0, or a negative errno
 * when setup failed (nothing ran).
 */
int bench_engine_run(const struct bench_config *cfg, const struct bench_request *req,
		     struct bench_result *results, struct bench_engine_stats *ret_stats);

void bench_engine_free_results(struct bench_result *results, uint32_t n);

#endif /* PXELINE_BENCH_ENGINE_H */
