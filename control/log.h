/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The log: the control thread's own lines (log_msg) and the data plane's
 * events (dataplane/base/events.h), drained from the workers' rings and
 * written one line per event (SMSPXE.log-style: one line per step per
 * client).
 */
#ifndef PXELINE_CONTROL_LOG_H
#define PXELINE_CONTROL_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "dataplane/base/events.h"

struct rte_ring;

/*
 * Opens the log (cfg->log_file or stderr) at cfg->log_level; 0 or -errno.
 * On stderr that is the journal (JOURNAL_STREAM) lines start "<N>" with no
 * timestamp of ours (control/log_format.h).
 */
int log_init(const struct pxeline_config *cfg);
/* Lines above lvl are dropped from now on (a reload's log.level). */
void log_set_level(enum cfg_log_level lvl);
/* The workers' event rings to drain (owned by the data plane). */
struct worker_stats;
/* The workers' log rings, and their counters: a drain that finds
 * log_dropped grown says so in a line (at most one a second). */
void log_attach_rings(struct rte_ring *const *rings, const struct worker_stats *const *stats,
		      unsigned n);
/* Drains every ring and writes lines; returns the number written. */
unsigned log_drain(void);

/* Sees every drained event after its line is written (one at most). */
typedef void (*log_observer_fn)(const struct log_event *ev);
void log_set_observer(log_observer_fn fn);
/* A line from the control thread itself. */
void log_msg(enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_fini(void);

#endif /* PXELINE_CONTROL_LOG_H */
