/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "control/log_format.h"

bool
logfmt_is_journal(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	int end = 0;

	if (env == NULL || sscanf(env, "%llu:%llu%n", &dev, &ino, &end) != 2 ||
	    env[end] != '\0')
		return false;
	if (fstat(fd, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
logfmt_head(char *buf, size_t cap, bool journal, enum cfg_log_level lvl, uint64_t wall_ns)
{
	static const char *const prefix[] = {
		[CFG_LOG_ERROR] = SD_ERR,
		[CFG_LOG_WARN] = SD_WARNING,
		[CFG_LOG_INFO] = SD_INFO,
		[CFG_LOG_DEBUG] = SD_DEBUG,
	};
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;
	size_t n;

	if (cap == 0)
		return;
	if (journal) {
		snprintf(buf, cap, "%s", (unsigned)lvl <= CFG_LOG_DEBUG ? prefix[lvl] : SD_INFO);
		return;
	}
	gmtime_r(&sec, &tm);
	n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03uZ ", (unsigned)(wall_ns / 1000000 % 1000));
}
