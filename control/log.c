/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "control/dhcp_trace.h"
#include "control/log.h"
#include "control/log_format.h"
#include "control/metrics.h"
#include "dataplane/base/clock.h"
#include "dataplane/proto/tftp_packet.h"

#define LOG_MAX_WORKERS 128

static struct rte_ring *rings[LOG_MAX_WORKERS];
static unsigned n_rings;
static FILE *out;
static enum cfg_log_level level = CFG_LOG_INFO;
static bool journal;	/* stderr is the journal: "<N>" heads, no timestamp */
static log_observer_fn observer;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
_Static_assert(sizeof(level_names) / sizeof(level_names[0]) == CFG_LOG__MAX,
	       "one name per log level");

int
log_init(const struct pxeline_config *cfg)
{
	level = cfg->log_level;
	out = stderr;
	journal = !cfg->log_file[0] && logfmt_is_journal(getenv("JOURNAL_STREAM"), STDERR_FILENO);
	if (cfg->log_file[0]) {
		out = fopen(cfg->log_file, "a");
		if (!out)
			return -errno;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	return 0;
}

void
log_set_level(enum cfg_log_level lvl)
{
	level = lvl;
}

void
log_attach_rings(struct rte_ring *const *r, unsigned n)
{
	unsigned i;

	n_rings = n < LOG_MAX_WORKERS ? n : LOG_MAX_WORKERS;
	for (i = 0; i < n_rings; i++)
		rings[i] = r[i];
}

static void
log_options(char *buf, size_t cap, const struct log_event *ev)
{
	snprintf(buf, cap, "blksize=%u windowsize=%u%s%s%s", ev->blksize, ev->windowsize,
		 ev->options & TFTP_OPT_TSIZE ? " tsize" : "",
		 ev->options & TFTP_OPT_MSFTWINDOW ? " msftwindow" : "",
		 ev->options & TFTP_OPT_ROLLOVER ? " rollover" : "");
}

/* What a PXE ROM shows for a transfer that ended this way, for the trace. */
static const char *
tftp_end_pxe_hint(enum tftp_end_reason r)
{
	switch (r) {
	case TFTP_END_NOT_FOUND:
		return " pxe=\"PXE-E3B TFTP error - file not found: check the profile's file name and tftp.root\"";
	case TFTP_END_ACCESS:
		return " pxe=\"PXE-E3C TFTP error - access violation: path outside the root or unreadable\"";
	case TFTP_END_TIMEOUT:
		return " pxe=\"PXE-E35 TFTP read timeout: packets lost or blksize over the path MTU\"";
	default:
		return "";
	}
}

static void
log_mac(char buf[18], const uint8_t mac[6])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/*
 * One line per multicast stream: the bytes it put on the wire against the
 * unicast transfers it replaced (one copy per receiver that completed).
 */
static void
log_mcast_stream(const char *stamp, const char *group, const struct log_event *ev)
{
	uint64_t unicast = ev->file_size * ev->mc.completed;
	int64_t saved = (int64_t)unicast - (int64_t)ev->bytes;
	double secs = ev->duration_us / 1e6;

	fprintf(out, "%smcast %s stream %s file=\"%s\" blksize=%u receivers=%u "
		"completed=%u dropped=%u handovers=%u sent=%lu copies=%.2f unicast=%lu "
		"saved=%ld (%.0f%%) time=%.3fs rate=%.2fMiB/s%s lcore=%u\n",
		stamp, ev->mc.mtftp ? "mtftp" : "rfc2090", group, ev->file,
		ev->blksize, ev->mc.receivers, ev->mc.completed, ev->mc.dropped,
		ev->mc.handovers, (unsigned long)ev->bytes,
		ev->file_size ? (double)ev->bytes / (double)ev->file_size : 0.0,
		(unsigned long)unicast, (long)saved,
		unicast ? 100.0 * (double)saved / (double)unicast : 0.0, secs,
		secs > 0 ? ev->bytes / secs / 1048576.0 : 0.0,
		ev->mc.mtftp ? " (MTFTP listeners never ask: only requesters are counted)" : "",
		ev->lcore);
}

/* A worker's DHCP trace line, stamped as log_msg stamps the control thread's. */
static void
log_dhcp_line(void *arg, const char *line)
{
	fprintf(out, "%s %s: %s\n", (const char *)arg, level_names[CFG_LOG_INFO], line);
}

void
log_set_observer(log_observer_fn fn)
{
	observer = fn;
}

/* One line per event: what an operator greps when a boot fails. */
static void
log_write_event(const struct log_event *ev)
{
	char stamp[40], ip[IP_ADDR_PORT_STRLEN], opts[96], mac[18], timer[48] = "";
	double secs = ev->duration_us / 1e6;

	logfmt_head(stamp, sizeof(stamp), journal, CFG_LOG_INFO, ev->wall_ns);
	/* "192.0.2.10:1234" or "[2001:db8::10]:1234" */
	ip_addr_format(ip, sizeof(ip), &ev->client, ev->client_port);
	log_mac(mac, ev->mac);
	switch (ev->kind) {
	case LOG_TFTP_END:
		log_options(opts, sizeof(opts), ev);
		/* Unicast sessions say their timer; group members have none. */
		if (ev->rto_ms)
			snprintf(timer, sizeof(timer), "srtt=%.2fms rto=%ums ",
				 ev->srtt_us / 1000.0, ev->rto_ms);
		fprintf(out, "%stftp %s %s file=\"%s\" %s "
			"bytes=%lu/%lu time=%.3fs rate=%.2fMiB/s retransmits=%u timeouts=%u "
			"%send=%s%s%s%s lcore=%u\n",
			stamp, mac, ip, ev->file, opts,
			(unsigned long)ev->bytes, (unsigned long)ev->file_size, secs,
			secs > 0 ? ev->bytes / secs / 1048576.0 : 0.0,
			ev->retransmits, ev->timeouts, timer, tftp_end_strerror(ev->reason),
			ev->detail[0] ? " detail=" : "", ev->detail,
			tftp_end_pxe_hint(ev->reason), ev->lcore);
		break;
	case LOG_TFTP_REFUSED:
		fprintf(out, "%stftp %s %s file=\"%s\" refused error=%u (%s) lcore=%u\n",
			stamp, mac, ip, ev->file, ev->error_code, ev->detail,
			ev->lcore);
		break;
	case LOG_DROP:
		if (level >= CFG_LOG_INFO)
			fprintf(out, "%sdrop from %s reason=%s (rate-limited) lcore=%u\n",
				stamp, ip, ev->detail, ev->lcore);
		break;
	case LOG_MCAST_STREAM:
		log_mcast_stream(stamp, ip, ev);
		break;
	case LOG_DHCP:
		if (level >= CFG_LOG_INFO)
			dhcp_trace_lines(&ev->dhcp, log_dhcp_line, stamp);
		break;
	default:
		fprintf(out, "%s%s\n", stamp, ev->detail);
		break;
	}
}

unsigned
log_drain(void)
{
	struct log_event ev[32];
	unsigned i, j, n, total = 0;

	for (i = 0; i < n_rings; i++) {
		do {
			n = rte_ring_sc_dequeue_burst_elem(rings[i], ev, sizeof(ev[0]),
							   RTE_DIM(ev), NULL);
			for (j = 0; j < n; j++) {
				log_write_event(&ev[j]);
				metrics_on_event(&ev[j]);
				if (observer)
					observer(&ev[j]);
			}
			total += n;
		} while (n == RTE_DIM(ev));
	}
	return total;
}

void
log_msg(enum cfg_log_level lvl, const char *fmt, ...)
{
	char stamp[40];
	va_list ap;
	FILE *f = out ? out : stderr;

	if (lvl > level)
		return;
	logfmt_head(stamp, sizeof(stamp), journal, lvl, clock_wall_ns());
	/* One line at a time: the HTTP Boot server's threads log too. */
	flockfile(f);
	fprintf(f, "%s%s: ", stamp, level_names[lvl]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	funlockfile(f);
}

void
log_fini(void)
{
	log_drain();
	n_rings = 0;
	if (out && out != stderr)
		fclose(out);
	out = NULL;
}
