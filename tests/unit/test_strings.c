/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every value of every error enum has its own words. The tables' sizes are
 * checked at compile time (_Static_assert beside each table); a hole left
 * by a designated initializer is only seen here.
 */
#include <string.h>

#include "dataplane/dhcp/bootaction.h"
#include "control/dhcp_trace.h"
#include "control/hostdb.h"
#include "dataplane/dhcp/answer.h"
#include "dataplane/dhcp/snapshot.h"
#include "dataplane/base/events.h"
#include "dataplane/cache/cache.h"
#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/path.h"
#include "dataplane/proto/tftp_packet.h"
#include "unit.h"

/* A real string, not the fallback for an unknown value. */
static void
check_words(const char *s, const char *fallback)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(strlen(s) > 0);
	CU_ASSERT_STRING_NOT_EQUAL(s, fallback);
}

#define CHECK_ALL(fn, first, max)						\
	do {									\
		const char *fallback_ = fn(max);				\
		for (int v_ = (first); v_ < (max); v_++)			\
			check_words(fn(v_), fallback_);				\
	} while (0)

static void
test_codec_errors(void)
{
	CHECK_ALL(frame_strerror, 0, FRAME_ERR__MAX);
	CHECK_ALL(tftp_strerror, 0, TFTP_ERR__MAX);
	CHECK_ALL(path_strerror, 0, PATH_ERR__MAX);
	CHECK_ALL(dhcp_strerror, 0, DHCP_ERR__MAX);
}

static void
test_engine_errors(void)
{
	CHECK_ALL(cache_strerror, 0, CACHE_ERR__MAX);
	CHECK_ALL(boot_strerror, 0, BOOT_ERR__MAX);
	CHECK_ALL(hostdb_strerror, 0, HOSTDB_ERR__MAX);
	CHECK_ALL(tftp_end_strerror, 0, TFTP_END__MAX);
	CHECK_ALL(dhcp_snap_strerror, 0, DHCP_SNAP_ERR__MAX);
	CHECK_ALL(dhcp_seen_name, 0, DHCP_SEEN__MAX);
}

static int trace_n;
static char trace_last[1024];

static void
trace_line(void *arg, const char *line)
{
	(void)arg;
	trace_n++;
	snprintf(trace_last, sizeof(trace_last), "%s", line);
	CU_ASSERT_EQUAL(strncmp(line, "dhcp 52:54:00:00:00:01 ", 23), 0);
}

/* Every outcome of a DHCP request has its own last line, after the request's. */
static void
test_dhcp_trace(void)
{
	static char seen[DHCP_OUT__MAX][1024];
	struct log_dhcp t;
	int o, p;

	memset(&t, 0, sizeof(t));
	t.mac[0] = 0x52; t.mac[1] = 0x54; t.mac[5] = 1;
	snprintf(t.reason, sizeof(t.reason), "a reason");
	for (o = 0; o < DHCP_OUT__MAX; o++) {
		t.outcome = (uint8_t)o;
		trace_n = 0;
		dhcp_trace_lines(&t, trace_line, NULL);
		CU_ASSERT_EQUAL(trace_n, 2);
		snprintf(seen[o], sizeof(seen[o]), "%s", trace_last);
		for (p = 0; p < o; p++)
			CU_ASSERT_STRING_NOT_EQUAL(seen[p], seen[o]);
	}
	t.outcome = DHCP_OUT_REPLY;
	t.notes = DHCP_NOTE_GRACE | DHCP_NOTE_CONSUMED | DHCP_NOTE_WAS_TAKEN;
	trace_n = 0;
	dhcp_trace_lines(&t, trace_line, NULL);
	CU_ASSERT_EQUAL(trace_n, 5);
}

/* What each ending puts on the wire: a code with words, or nothing. */
static void
test_end_wire(void)
{
	int r;

	for (r = 0; r < TFTP_END__MAX; r++) {
		struct tftp_end_wire w = tftp_end_wire(r);

		CU_ASSERT(w.code >= -1 && w.code <= TFTP_EOPTNEG);
		if (w.code >= 0)
			check_words(w.text, "");
		else
			CU_ASSERT_PTR_NULL(w.text);
	}
	/* The client hears nothing when it ended the transfer itself. */
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END_DONE).code, -1);
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END_CLIENT_ABORT).code, -1);
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END_NOT_FOUND).code, TFTP_ENOTFOUND);
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END_ACCESS).code, TFTP_EACCESS);
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END_PROTOCOL).code, TFTP_EBADOP);
	CU_ASSERT_EQUAL(tftp_end_wire(TFTP_END__MAX).code, -1);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "codec errors all have words", test_codec_errors },
		{ "engine errors all have words", test_engine_errors },
		{ "endings: wire code and text", test_end_wire },
		{ "every DHCP outcome has its line", test_dhcp_trace },
		{ NULL, NULL },
	};

	return unit_run("strings", tests);
}
