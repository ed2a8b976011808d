/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The log line's head: JOURNAL_STREAM that names the fd picks the journal
 * format ("<N>", no timestamp), anything else (unset, malformed, another
 * file, a stale value a child inherited) keeps the UTC timestamp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "control/log_format.h"
#include "unit.h"

static void
test_is_journal(void)
{
	char self[64], other[64], bad_tail[80], swapped[64];
	struct stat st, st2;
	FILE *f = tmpfile(), *g = tmpfile();
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_FATAL(fstat(fileno(f), &st) == 0);
	CU_ASSERT_FATAL(fstat(fileno(g), &st2) == 0);
	snprintf(self, sizeof(self), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	snprintf(other, sizeof(other), "%llu:%llu", (unsigned long long)st2.st_dev,
		 (unsigned long long)st2.st_ino);
	snprintf(bad_tail, sizeof(bad_tail), "%s:1", self);
	snprintf(swapped, sizeof(swapped), "%llu:%llu", (unsigned long long)st.st_ino,
		 (unsigned long long)st.st_dev);
	{
		const struct {
			const char *row, *env;
			int fd;
			bool want;
		} rows[] = {
			{ "names the fd", self, fileno(f), true },
			{ "unset", NULL, fileno(f), false },
			{ "empty", "", fileno(f), false },
			{ "another file (stderr redirected, variable inherited)", other,
			  fileno(f), false },
			{ "dev and inode swapped", swapped, fileno(f), false },
			{ "trailing bytes", bad_tail, fileno(f), false },
			{ "not numbers", "journal:yes", fileno(f), false },
			{ "one number", "12345", fileno(f), false },
			{ "closed fd", self, -1, false },
		};

		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			ROW_ASSERT(logfmt_is_journal(rows[i].env, rows[i].fd) == rows[i].want,
				   rows[i].row);
	}
	fclose(f);
	fclose(g);
}

static void
test_head(void)
{
	static const struct {
		const char *row;
		bool journal;
		enum cfg_log_level lvl;
		uint64_t wall_ns;
		const char *want;
	} rows[] = {
		{ "journal error", true, CFG_LOG_ERROR, 5, "<3>" },
		{ "journal warn", true, CFG_LOG_WARN, 5, "<4>" },
		{ "journal info", true, CFG_LOG_INFO, 5, "<6>" },
		{ "journal debug", true, CFG_LOG_DEBUG, 5, "<7>" },
		{ "plain: epoch", false, CFG_LOG_INFO, 0, "1970-01-01T00:00:00.000Z " },
		{ "plain: ms, level not shown in the head", false, CFG_LOG_ERROR,
		  1714564800123456789ull, "2024-05-01T12:00:00.123Z " },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		logfmt_head(buf, sizeof(buf), rows[i].journal, rows[i].lvl, rows[i].wall_ns);
		ROW_ASSERT(strcmp(buf, rows[i].want) == 0, rows[i].row);
	}
	/* Too small a buffer is cut, never overrun. */
	logfmt_head(buf, 3, true, CFG_LOG_INFO, 0);
	CU_ASSERT_STRING_EQUAL(buf, "<6");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "JOURNAL_STREAM matches the fd", test_is_journal },
		{ "line heads", test_head },
		{ NULL, NULL },
	};

	return unit_run("log_format", tests);
}
