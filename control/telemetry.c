/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_telemetry.h>

#include "control/telemetry.h"

static const struct worker_stats *const *stats;
static unsigned n_workers;
static struct cache *cache;

void
telemetry_sum(struct worker_stats *ret)
{
	unsigned i, j;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < n_workers; i++) {
		const struct worker_stats *s = stats[i];
#define STATS_ADD(name) ret->name += s->name;
		STATS_COUNTERS(STATS_ADD)
#undef STATS_ADD
		for (j = 0; j < FRAME_ERR__MAX; j++)
			ret->frame_err[j] += s->frame_err[j];
		for (j = 0; j < TFTP_ERR__MAX; j++)
			ret->tftp_err[j] += s->tftp_err[j];
	}
}

static int
telemetry_stats(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct worker_stats s;

	telemetry_sum(&s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "tftp_sessions_active",
				  s.tftp_sessions_total - s.tftp_sessions_ended);
#define STATS_DICT(name) rte_tel_data_add_dict_u64(d, #name, s.name);
	STATS_COUNTERS(STATS_DICT)
#undef STATS_DICT
	return 0;
}

/* Drops by reason, named by the codecs' own error strings. */
static int
telemetry_drops(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct worker_stats s;
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned j;

	telemetry_sum(&s);
	rte_tel_data_start_dict(d);
	for (j = 1; j < FRAME_ERR__MAX; j++) {
		snprintf(key, sizeof(key), "frame: %s", frame_strerror(j));
		rte_tel_data_add_dict_u64(d, key, s.frame_err[j]);
	}
	for (j = 1; j < TFTP_ERR__MAX; j++) {
		snprintf(key, sizeof(key), "tftp: %s", tftp_strerror(j));
		rte_tel_data_add_dict_u64(d, key, s.tftp_err[j]);
	}
	return 0;
}

static int
telemetry_cache(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct cache_stats cs;

	cache_get_stats(cache, &cs);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "hits", cs.hits);
	rte_tel_data_add_dict_u64(d, "misses", cs.misses);
	rte_tel_data_add_dict_u64(d, "reads", cs.reads);
	rte_tel_data_add_dict_u64(d, "read_bytes", cs.read_bytes);
	rte_tel_data_add_dict_u64(d, "evictions", cs.evictions);
	rte_tel_data_add_dict_u64(d, "opens", cs.opens);
	rte_tel_data_add_dict_u64(d, "open_errors", cs.open_errors);
	rte_tel_data_add_dict_u64(d, "read_errors", cs.read_errors);
	rte_tel_data_add_dict_u64(d, "stale", cs.stale);
	rte_tel_data_add_dict_u64(d, "chunks_used", cs.chunks_used);
	rte_tel_data_add_dict_u64(d, "chunks_total", cs.chunks_total);
	rte_tel_data_add_dict_u64(d, "chunks_held", cs.chunks_held);
	return 0;
}

int
telemetry_init(const struct worker_stats *const *worker_stats, unsigned n, struct cache *c)
{
	stats = worker_stats;
	n_workers = n;
	cache = c;
	if (rte_telemetry_register_cmd("/pxeline/stats", telemetry_stats,
				       "pxeline counters summed over workers") ||
	    rte_telemetry_register_cmd("/pxeline/drops", telemetry_drops,
				       "pxeline drops by reason") ||
	    rte_telemetry_register_cmd("/pxeline/cache", telemetry_cache,
				       "pxeline chunk cache"))
		return -1;
	return 0;
}
