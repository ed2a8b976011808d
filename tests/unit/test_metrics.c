/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus exposition (control/metrics.c): names, values and label
 * sets from known inputs, the text format's shape line by line, escaping,
 * and the bounds on the label sets.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "control/metrics.h"
#include "unit.h"

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

/* Renders with the given snapshot into a malloc'd string. */
static char *
render(const struct metrics_snapshot *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(metrics_write(f, s), 0);
	fclose(f);
	return buf;
}

/* True when text holds line as one whole line. */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

#define LINE_ASSERT(text, line) do {						\
	CU_ASSERT(has_line(text, line));					\
	if (!has_line(text, line))						\
		fprintf(stderr, "\n  missing line: %s\n", line);		\
} while (0)

static struct log_event
tftp_end(const uint8_t mac[6], enum tftp_end_reason r, uint64_t us)
{
	struct log_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = LOG_TFTP_END;
	ev.reason = r;
	ev.duration_us = us;
	memcpy(ev.mac, mac, 6);
	return ev;
}

static void
test_counters(void)
{
	struct worker_stats ws;
	struct cache_stats cs = { .hits = 7, .misses = 3, .chunks_used = 2, .chunks_total = 128 };
	struct dhcp_control_stats ds = { .requests = 9, .replies = 4, .ring_full = 1 };
	struct metrics_snapshot s = { &ws, &cs, &ds, 3 };
	char *out, want[256];

	memset(&ws, 0, sizeof(ws));
	ws.rx_packets = 11;
	ws.tftp_sessions_total = 5;
	ws.tftp_sessions_ended = 3;
	ws.tftp_bytes_sent = 1u << 20;
	ws.log_dropped = 2;
	ws.frame_err[1] = 6;
	ws.tftp_err[1] = 8;
	metrics_reset();
	out = render(&s);
	LINE_ASSERT(out, "pxeline_rx_packets_total 11");
	LINE_ASSERT(out, "# TYPE pxeline_rx_packets_total counter");
	LINE_ASSERT(out, "pxeline_tftp_bytes_sent_total 1048576");
	LINE_ASSERT(out, "pxeline_log_dropped_total 2");
	/* Already ending in _total: not doubled. */
	LINE_ASSERT(out, "pxeline_tftp_sessions_total 5");
	CU_ASSERT_PTR_NULL(strstr(out, "_total_total"));
	LINE_ASSERT(out, "# TYPE pxeline_tftp_sessions_active gauge");
	LINE_ASSERT(out, "pxeline_tftp_sessions_active 2");
	LINE_ASSERT(out, "pxeline_workers 3");
	snprintf(want, sizeof(want), "pxeline_frame_drops_total{reason=\"%s\"} 6",
		 frame_strerror(1));
	LINE_ASSERT(out, want);
	snprintf(want, sizeof(want), "pxeline_tftp_parse_errors_total{reason=\"%s\"} 8",
		 tftp_strerror(1));
	LINE_ASSERT(out, want);
	LINE_ASSERT(out, "pxeline_cache_hits_total 7");
	LINE_ASSERT(out, "pxeline_cache_misses_total 3");
	LINE_ASSERT(out, "pxeline_cache_chunks_used 2");
	LINE_ASSERT(out, "pxeline_cache_chunks_capacity 128");
	LINE_ASSERT(out, "pxeline_dhcp_control_requests_total 9");
	LINE_ASSERT(out, "pxeline_dhcp_control_replies_total 4");
	LINE_ASSERT(out, "pxeline_dhcp_control_ring_full_total 1");
	LINE_ASSERT(out, "pxeline_dhcp_control_delay_full_total 0");
	free(out);

	/* Left out what the snapshot does not have. */
	s.cache = NULL;
	s.dhcp = NULL;
	out = render(&s);
	CU_ASSERT_PTR_NULL(strstr(out, "pxeline_cache_"));
	CU_ASSERT_PTR_NULL(strstr(out, "pxeline_dhcp_control_"));
	free(out);
}

static void
test_histograms(void)
{
	struct metrics_snapshot s = { 0 };
	struct log_event ev;
	char *out;

	metrics_reset();
	ev = tftp_end(mac_a, TFTP_END_DONE, 1500000);	/* 1.5 s */
	metrics_on_event(&ev);
	ev = tftp_end(mac_a, TFTP_END_DONE, 20000);	/* 0.02 s */
	metrics_on_event(&ev);
	/* A probe or a failure says nothing of the speed. */
	ev = tftp_end(mac_a, TFTP_END_TSIZE_PROBE, 1000);
	metrics_on_event(&ev);
	ev = tftp_end(mac_a, TFTP_END_TIMEOUT, 5000000);
	metrics_on_event(&ev);
	metrics_on_dhcp_answer(300000);		/* 0.3 ms */
	metrics_on_dhcp_answer(2000000);	/* 2 ms */
	metrics_on_dhcp_answer(60ull * 1000000000ull);	/* beyond the last bound */
	out = render(&s);
	LINE_ASSERT(out, "# TYPE pxeline_tftp_transfer_duration_seconds histogram");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_bucket{le=\"0.01\"} 0");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_bucket{le=\"0.05\"} 1");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_bucket{le=\"1\"} 1");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_bucket{le=\"2.5\"} 2");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_bucket{le=\"+Inf\"} 2");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_count 2");
	LINE_ASSERT(out, "pxeline_tftp_transfer_duration_seconds_sum 1.52");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_bucket{le=\"0.00025\"} 0");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_bucket{le=\"0.0005\"} 1");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_bucket{le=\"0.0025\"} 2");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_bucket{le=\"30\"} 2");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_bucket{le=\"+Inf\"} 3");
	LINE_ASSERT(out, "pxeline_dhcp_answer_duration_seconds_count 3");
	free(out);
}

static void
test_outcomes(void)
{
	struct metrics_snapshot s = { 0 };
	struct log_event ev;
	char *out, want[256];

	metrics_reset();
	metrics_on_decision(mac_a, "default", DHCP_ARCH_EFI_X64, "boot", false);
	metrics_on_decision(mac_a, "default", DHCP_ARCH_EFI_X64, "boot", false);
	metrics_on_decision(mac_b, NULL, DHCP_ARCH_BIOS, "silent", false);
	metrics_on_decision(mac_b, NULL, DHCP_ARCH_BIOS, "made-up", false);
	metrics_on_decision(mac_a, "default", DHCP_ARCH_EFI_X64, "boot", true);
	ev = tftp_end(mac_a, TFTP_END_DONE, 1000);
	metrics_on_event(&ev);
	ev = tftp_end((const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, TFTP_END_NOT_FOUND, 10);
	metrics_on_event(&ev);
	out = render(&s);
	snprintf(want, sizeof(want), "pxeline_dhcp_decisions_total{profile=\"default\","
		 "arch=\"%s\",answer=\"boot\"} 2", dhcp_arch_name(DHCP_ARCH_EFI_X64));
	LINE_ASSERT(out, want);
	snprintf(want, sizeof(want), "pxeline_dhcp_decisions_total{profile=\"none\","
		 "arch=\"%s\",answer=\"silent\"} 1", dhcp_arch_name(DHCP_ARCH_BIOS));
	LINE_ASSERT(out, want);
	/* DHCPv6's decisions are their own family, with the same labels. */
	snprintf(want, sizeof(want), "pxeline_dhcp6_decisions_total{profile=\"default\","
		 "arch=\"%s\",answer=\"boot\"} 1", dhcp_arch_name(DHCP_ARCH_EFI_X64));
	LINE_ASSERT(out, want);
	snprintf(want, sizeof(want), "pxeline_dhcp_decisions_total{profile=\"none\","
		 "arch=\"%s\",answer=\"other\"} 1", dhcp_arch_name(DHCP_ARCH_BIOS));
	LINE_ASSERT(out, want);
	/* The transfer takes the labels of its MAC's decision ... */
	snprintf(want, sizeof(want), "pxeline_tftp_transfers_total{profile=\"default\","
		 "arch=\"%s\",reason=\"%s\"} 1", dhcp_arch_name(DHCP_ARCH_EFI_X64),
		 tftp_end_strerror(TFTP_END_DONE));
	LINE_ASSERT(out, want);
	/* ... or none when the MAC never asked us. */
	snprintf(want, sizeof(want), "pxeline_tftp_transfers_total{profile=\"none\","
		 "arch=\"none\",reason=\"%s\"} 1", tftp_end_strerror(TFTP_END_NOT_FOUND));
	LINE_ASSERT(out, want);
	free(out);
}

/* Profiles beyond the configuration's bound share "other"; values are escaped. */
static void
test_label_bounds(void)
{
	struct metrics_snapshot s = { 0 };
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };
	char name[32], *out, *p;
	int i, n = 0;

	metrics_reset();
	metrics_on_decision(mac, "a\"b\\c\nd", DHCP_ARCH_BIOS, "boot", false);
	for (i = 0; i < CFG_MAX_PROFILES + 10; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		mac[5] = (uint8_t)i;
		metrics_on_decision(mac, name, DHCP_ARCH_BIOS, "boot", false);
	}
	/* An arch out of range is "unknown", not a new label. */
	metrics_on_decision(mac, "p0", (enum dhcp_arch)99, "boot", false);
	out = render(&s);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{profile=\"a\\\"b\\\\c\\nd\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{profile=\"other\","));
	snprintf(name, sizeof(name), "{profile=\"p%d\",", CFG_MAX_PROFILES + 5);
	CU_ASSERT_PTR_NULL(strstr(out, name));
	for (p = out; (p = strstr(p, "pxeline_dhcp_decisions_total{")) != NULL; p++)
		n++;
	/* CFG_MAX_PROFILES names (the escaped one included), "other", the unknown arch. */
	CU_ASSERT_EQUAL(n, CFG_MAX_PROFILES + 2);
	snprintf(name, sizeof(name), "arch=\"%s\"", dhcp_arch_name(DHCP_ARCH_UNKNOWN));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, name));
	free(out);
}

/* A metric name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static size_t
name_len(const char *p)
{
	size_t n = 0;

	if (!isalpha((unsigned char)p[0]) && p[0] != '_' && p[0] != ':')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == ':')
		n++;
	return n;
}

/*
 * The format's shape: every sample belongs to the family TYPE'd last
 * (histograms add _bucket/_sum/_count), each family once, HELP before
 * TYPE, a label set closes, a value parses.
 */
static void
test_format_shape(void)
{
	struct worker_stats ws;
	struct cache_stats cs = { 0 };
	struct dhcp_control_stats ds = { 0 };
	struct metrics_snapshot s = { &ws, &cs, &ds, 1 };
	char family[128] = "", help[128] = "", *out, *line, *save = NULL, *end;
	char seen[16384] = " ";
	int samples = 0, families = 0;
	struct log_event ev;

	memset(&ws, 0, sizeof(ws));
	metrics_reset();
	metrics_on_decision(mac_a, "default", DHCP_ARCH_BIOS, "boot", false);
	ev = tftp_end(mac_a, TFTP_END_DONE, 1000);
	metrics_on_event(&ev);
	out = render(&s);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n;

		if (strncmp(line, "# HELP ", 7) == 0) {
			n = name_len(line + 7);
			CU_ASSERT_FATAL(n > 0 && n < sizeof(help));
			snprintf(help, sizeof(help), "%.*s", (int)n, line + 7);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char key[140];

			n = name_len(line + 7);
			CU_ASSERT_FATAL(n > 0 && n < sizeof(family));
			snprintf(family, sizeof(family), "%.*s", (int)n, line + 7);
			ROW_ASSERT(strcmp(family, help) == 0, family);
			snprintf(key, sizeof(key), " %s ", family);
			ROW_ASSERT(strstr(seen, key) == NULL, family);
			if (strlen(seen) + strlen(key) < sizeof(seen))
				strcat(seen, key + 1);
			families++;
			continue;
		}
		n = name_len(line);
		ROW_ASSERT(n > 0 && strncmp(line, family, strlen(family)) == 0, line);
		line += n;
		if (*line == '{') {
			line = strchr(line, '}');
			ROW_ASSERT(line != NULL, family);
			if (!line)
				continue;
			line++;
		}
		ROW_ASSERT(*line == ' ', family);
		strtod(line + 1, &end);
		ROW_ASSERT(end != line + 1 && *end == '\0', family);
		samples++;
	}
	CU_ASSERT(families > 100);
	CU_ASSERT(samples > families);
	free(out);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "counters, gauges, drops, cache, dhcp_control", test_counters },
		{ "histograms: buckets cumulative, +Inf, sum, count", test_histograms },
		{ "boot outcomes by profile, arch, answer and end reason", test_outcomes },
		{ "label sets bounded, values escaped", test_label_bounds },
		{ "text format shape", test_format_shape },
		{ NULL, NULL },
	};

	return unit_run("metrics", tests);
}
