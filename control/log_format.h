/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a log line starts: our own UTC timestamp, or - when stderr is the
 * journal - a syslog level prefix ("<6>") and no timestamp, since journald
 * stamps every line itself and reads the level from the prefix
 * (sd-daemon(3), systemd.exec(5) on JOURNAL_STREAM). Pure: no I/O but the
 * fstat of the fd asked about, so the unit test covers both formats.
 */
#ifndef PXELINE_CONTROL_LOG_FORMAT_H
#define PXELINE_CONTROL_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/*
 * True when env (the value of JOURNAL_STREAM, "DEV:INODE" in decimal, may
 * be NULL) names the file fd is: systemd connected fd to the journal. A
 * child whose stderr was redirected elsewhere inherits the variable but not
 * the match, so it keeps the plain format.
 */
bool logfmt_is_journal(const char *env, int fd);

/*
 * Writes the head of a line of level lvl into buf: "<N>" (journal) or
 * "2024-05-01T12:00:00.123Z " (wall_ns, UTC). The message follows directly.
 */
void logfmt_head(char *buf, size_t cap, bool journal, enum cfg_log_level lvl,
		 uint64_t wall_ns);

#endif /* PXELINE_CONTROL_LOG_FORMAT_H */
