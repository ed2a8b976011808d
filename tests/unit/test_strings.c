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
#include "dataplane/proto/dhcp6.h"
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

static char trace_first[1024];

static void
trace_line(void *arg, const char *line)
{
	(void)arg;
	trace_n++;
	snprintf(trace_last, sizeof(trace_last), "%s", line);
	CU_ASSERT_EQUAL(strncmp(line, "dhcp 52:54:00:00:00:01 ", 23), 0);
}

/* Every outcome of t has its own last line, after the request's. */
static void
each_outcome(struct log_dhcp *t, dhcp_trace_fn fn, char seen[][1024])
{
	int o, p;

	for (o = 0; o < DHCP_OUT__MAX; o++) {
		t->outcome = (uint8_t)o;
		trace_n = 0;
		dhcp_trace_lines(t, fn, NULL);
		CU_ASSERT_EQUAL(trace_n, 2);
		snprintf(seen[o], 1024, "%s", trace_last);
		for (p = 0; p < o; p++)
			CU_ASSERT_STRING_NOT_EQUAL(seen[p], seen[o]);
	}
}

/* Every outcome of a DHCP request has its own last line, after the request's. */
static void
test_dhcp_trace(void)
{
	static char seen[DHCP_OUT__MAX][1024];
	struct log_dhcp t;

	memset(&t, 0, sizeof(t));
	t.mac[0] = 0x52; t.mac[1] = 0x54; t.mac[5] = 1;
	snprintf(t.reason, sizeof(t.reason), "a reason");
	each_outcome(&t, trace_line, seen);
	t.outcome = DHCP_OUT_REPLY;
	t.notes = DHCP_NOTE_GRACE | DHCP_NOTE_CONSUMED | DHCP_NOTE_WAS_TAKEN;
	trace_n = 0;
	dhcp_trace_lines(&t, trace_line, NULL);
	CU_ASSERT_EQUAL(trace_n, 5);
}

static void
trace6_line(void *arg, const char *line)
{
	(void)arg;
	trace_n++;
	snprintf(trace_last, sizeof(trace_last), "%s", line);
	if (trace_n == 1)
		snprintf(trace_first, sizeof(trace_first), "%s", line);
	CU_ASSERT_EQUAL(strncmp(line, "dhcp6 52:54:00:00:00:01 ", 24), 0);
}

/* The DHCPv6 flavour: "dhcp6 MAC" lines, IPv6 addresses, its own words. */
static void
test_dhcp6_trace(void)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 0x99 };
	static const uint8_t ours[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static char seen[DHCP_OUT__MAX][1024];
	struct log_dhcp t;

	memset(&t, 0, sizeof(t));
	t.v6 = 1;
	t.mac[0] = 0x52; t.mac[1] = 0x54; t.mac[5] = 1;
	t.msg_type = DHCP6_SOLICIT;
	t.reply_type = DHCP6_ADVERTISE;
	t.xid = 0x7eab49;
	t.dst_port = 547;
	t.src_port = 546;
	t.duid_type = DHCP6_DUID_UUID;
	t.mac_from = DHCP6_MAC_OPTION79;
	t.n_relays = 1;
	memcpy(t.src6, ll, 16);
	memcpy(t.peer6, ll, 16);
	memcpy(t.reply6, ll, 16);
	memcpy(t.server6, ours, 16);
	snprintf(t.file, sizeof(t.file), "tftp://[2001:db8::2]/boot.efi");
	snprintf(t.reason, sizeof(t.reason), "a reason");
	each_outcome(&t, trace6_line, seen);
	CU_ASSERT_STRING_EQUAL(trace_first, "dhcp6 52:54:00:00:00:01 SOLICIT via 547 from "
			       "[fe80::99]:546 xid=0x7eab49 duid=uuid mac-from=option79 "
			       "uuid=none arch=bios(no option 61) relays=1(client fe80::99) "
			       "class=\"\"");
	CU_ASSERT_STRING_EQUAL(seen[DHCP_OUT_REPLY], "dhcp6 52:54:00:00:00:01 a reason -> "
			       "ADVERTISE url=tftp://[2001:db8::2]/boot.efi to [fe80::99]:0 "
			       "from port 0 (Relay-Repl)");
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
		{ "DHCPv6 trace lines", test_dhcp6_trace },
		{ NULL, NULL },
	};

	return unit_run("strings", tests);
}
