/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus exposition and the state only the control thread sees:
 * histograms and boot outcomes. See metrics.h.
 */
#include <inttypes.h>
#include <string.h>

#include "control/metrics.h"

/* Profile label slots: "none", the configured names as seen, "other". */
#define M_PROFILE_NONE 0
#define M_PROFILES (CFG_MAX_PROFILES + 2)
#define M_PROFILE_OTHER (M_PROFILES - 1)
#define M_ARCH_NONE DHCP_ARCH__MAX	/* no decision seen for the MAC */
#define M_ARCHS (DHCP_ARCH__MAX + 1)

static const char *const answer_names[] = { "boot", "once", "abort", "silent", "other" };
#define M_ANSWERS (sizeof(answer_names) / sizeof(answer_names[0]))

/* Upper bounds in seconds; the +Inf bucket is implicit. */
static const double tftp_bounds[] = { 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
				      120, 300 };
/* dhcp.delay_ms is part of the answer time: up to its 30 s maximum. */
static const double dhcp_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				      0.025, 0.05, 0.1, 0.25, 1, 5, 30 };
#define M_MAX_BOUNDS 16

struct m_hist {
	const double *bounds;
	unsigned n_bounds;
	uint64_t counts[M_MAX_BOUNDS + 1];	/* per bucket, not cumulative; last = +Inf */
	uint64_t count;
	double sum;				/* seconds */
};

/* What a MAC was last decided, for its transfers' labels. */
struct m_mac {
	uint8_t mac[6];
	uint8_t used;
	uint8_t arch;
	uint16_t profile;
};

static struct {
	char profiles[M_PROFILES][64];	/* [0] "none", [OTHER] "other" */
	unsigned n_profiles;		/* slots used, "none" included */
	uint64_t decisions[2][M_PROFILES][DHCP_ARCH__MAX][M_ANSWERS];	/* [v6] */
	uint64_t transfers[M_PROFILES][M_ARCHS][TFTP_END__MAX];
	struct m_hist tftp, dhcp;
	struct m_mac macs[METRICS_MAC_SLOTS];
} m;

static void
hist_init(struct m_hist *h, const double *bounds, unsigned n)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->n_bounds = n;
}

void
metrics_reset(void)
{
	memset(&m, 0, sizeof(m));
	snprintf(m.profiles[M_PROFILE_NONE], sizeof(m.profiles[0]), "none");
	snprintf(m.profiles[M_PROFILE_OTHER], sizeof(m.profiles[0]), "other");
	m.n_profiles = 1;
	hist_init(&m.tftp, tftp_bounds, RTE_DIM(tftp_bounds));
	hist_init(&m.dhcp, dhcp_bounds, RTE_DIM(dhcp_bounds));
}

/* The state starts itself on first use: no init call to forget. */
static void
m_ready(void)
{
	if (!m.n_profiles)
		metrics_reset();
}

static void
hist_observe(struct m_hist *h, double secs)
{
	unsigned i;

	for (i = 0; i < h->n_bounds && secs > h->bounds[i]; i++)
		;
	h->counts[i]++;
	h->count++;
	h->sum += secs;
}

/* The slot of a profile name; new names take the next slot while any is free. */
static unsigned
profile_slot(const char *name)
{
	unsigned i;

	if (!name || !name[0])
		return M_PROFILE_NONE;
	for (i = 1; i < m.n_profiles; i++)
		if (strcmp(m.profiles[i], name) == 0)
			return i;
	if (m.n_profiles == M_PROFILE_OTHER || strlen(name) >= sizeof(m.profiles[0]))
		return M_PROFILE_OTHER;
	memcpy(m.profiles[m.n_profiles], name, strlen(name) + 1);
	return m.n_profiles++;
}

static struct m_mac *
mac_slot(const uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	int i;

	for (i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return &m.macs[h % METRICS_MAC_SLOTS];
}

void
metrics_on_decision(const uint8_t mac[6], const char *profile, enum dhcp_arch arch,
		    const char *answer, bool v6)
{
	struct m_mac *e = mac_slot(mac);
	unsigned p, a;

	m_ready();
	p = profile_slot(profile);
	if ((unsigned)arch >= DHCP_ARCH__MAX)
		arch = DHCP_ARCH_UNKNOWN;
	for (a = 0; a < M_ANSWERS - 1; a++)
		if (answer && strcmp(answer, answer_names[a]) == 0)
			break;
	m.decisions[v6][p][arch][a]++;
	memcpy(e->mac, mac, 6);
	e->used = 1;
	e->arch = (uint8_t)arch;
	e->profile = (uint16_t)p;
}

void
metrics_on_event(const struct log_event *ev)
{
	const struct m_mac *e;
	unsigned p = M_PROFILE_NONE, a = M_ARCH_NONE;

	if (ev->kind != LOG_TFTP_END || ev->reason >= TFTP_END__MAX)
		return;
	m_ready();
	e = mac_slot(ev->mac);
	if (e->used && memcmp(e->mac, ev->mac, 6) == 0) {
		p = e->profile;
		a = e->arch;
	}
	m.transfers[p][a][ev->reason]++;
	if (ev->reason == TFTP_END_DONE)
		hist_observe(&m.tftp, (double)ev->duration_us / 1e6);
}

void
metrics_on_dhcp_answer(uint64_t ns)
{
	m_ready();
	hist_observe(&m.dhcp, (double)ns / 1e9);
}

/* Rendering ----------------------------------------------------------- */

static void
family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the format wants it: backslash, quote and newline escaped. */
static void
label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*v, out);
	}
}

static void
sample_reason(FILE *out, const char *name, const char *reason, uint64_t v)
{
	fprintf(out, "%s{reason=\"", name);
	label_value(out, reason);
	fprintf(out, "\"} %" PRIu64 "\n", v);
}

static void
counter(FILE *out, const char *prefix, const char *name, uint64_t v)
{
	size_t n = strlen(name);
	const char *total = n > 6 && strcmp(name + n - 6, "_total") == 0 ? "" : "_total";

	fprintf(out, "# HELP %s%s%s pxeline counter %s\n# TYPE %s%s%s counter\n"
		"%s%s%s %" PRIu64 "\n", prefix, name, total, name, prefix, name, total,
		prefix, name, total, v);
}

static void
gauge(FILE *out, const char *name, const char *help, uint64_t v)
{
	family(out, name, "gauge", help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

static void
write_dataplane(FILE *out, const struct worker_stats *s, unsigned n_workers)
{
	unsigned j;

	gauge(out, "pxeline_workers", "Worker lcores.", n_workers);
	gauge(out, "pxeline_tftp_sessions_active", "Unicast TFTP sessions open now.",
	      s->tftp_sessions_total - s->tftp_sessions_ended);
#define M_COUNTER(name) counter(out, "pxeline_", #name, s->name);
	STATS_COUNTERS(M_COUNTER)
#undef M_COUNTER
	family(out, "pxeline_frame_drops_total", "counter",
	       "Frames dropped by frame_classify, by reason.");
	for (j = 1; j < FRAME_ERR__MAX; j++)
		sample_reason(out, "pxeline_frame_drops_total", frame_strerror(j), s->frame_err[j]);
	family(out, "pxeline_tftp_parse_errors_total", "counter",
	       "Unparseable TFTP packets, by reason.");
	for (j = 1; j < TFTP_ERR__MAX; j++)
		sample_reason(out, "pxeline_tftp_parse_errors_total", tftp_strerror(j),
			      s->tftp_err[j]);
}

static void
write_cache(FILE *out, const struct cache_stats *c)
{
	counter(out, "pxeline_cache_", "hits", c->hits);
	counter(out, "pxeline_cache_", "misses", c->misses);
	counter(out, "pxeline_cache_", "reads", c->reads);
	counter(out, "pxeline_cache_", "read_bytes", c->read_bytes);
	counter(out, "pxeline_cache_", "evictions", c->evictions);
	counter(out, "pxeline_cache_", "opens", c->opens);
	counter(out, "pxeline_cache_", "open_errors", c->open_errors);
	counter(out, "pxeline_cache_", "stale", c->stale);
	gauge(out, "pxeline_cache_chunks_used", "Cache chunks holding data.", c->chunks_used);
	gauge(out, "pxeline_cache_chunks_capacity", "Cache chunks in all.", c->chunks_total);
}

static void
write_hist(FILE *out, const char *name, const char *help, const struct m_hist *h)
{
	uint64_t cum = 0;
	unsigned i;

	family(out, name, "histogram", help);
	for (i = 0; i < h->n_bounds; i++) {
		cum += h->counts[i];
		fprintf(out, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name, h->bounds[i], cum);
	}
	fprintf(out, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n%s_sum %.9g\n%s_count %" PRIu64 "\n",
		name, h->count, name, h->sum, name, h->count);
}

static void
profile_label(FILE *out, unsigned p)
{
	fputs("profile=\"", out);
	label_value(out, m.profiles[p]);
	fputc('"', out);
}

/* Only the label combinations that happened: the rest would be thousands of zeros. */
static void
write_outcomes(FILE *out)
{
	static const char *const names[2] = { "pxeline_dhcp_decisions_total",
					      "pxeline_dhcp6_decisions_total" };
	unsigned p, a, r, v;

	for (v = 0; v < 2; v++) {
		family(out, names[v], "counter", v ? "DHCPv6 boot decisions by profile, "
		       "architecture and answer." : "Boot decisions by profile, architecture "
		       "and answer.");
		for (p = 0; p < M_PROFILES; p++)
			for (a = 0; a < DHCP_ARCH__MAX; a++)
				for (r = 0; r < M_ANSWERS; r++) {
					if (!m.decisions[v][p][a][r])
						continue;
					fprintf(out, "%s{", names[v]);
					profile_label(out, p);
					fprintf(out, ",arch=\"%s\",answer=\"%s\"} %" PRIu64 "\n",
						dhcp_arch_name(a), answer_names[r],
						m.decisions[v][p][a][r]);
				}
	}
	family(out, "pxeline_tftp_transfers_total", "counter",
	       "TFTP transfers ended, by the profile and architecture last decided for "
	       "the client's MAC and by end reason.");
	for (p = 0; p < M_PROFILES; p++)
		for (a = 0; a < M_ARCHS; a++)
			for (r = 0; r < TFTP_END__MAX; r++) {
				if (!m.transfers[p][a][r])
					continue;
				fputs("pxeline_tftp_transfers_total{", out);
				profile_label(out, p);
				fprintf(out, ",arch=\"%s\",reason=\"%s\"} %" PRIu64 "\n",
					a == M_ARCH_NONE ? "none" : dhcp_arch_name(a),
					tftp_end_strerror(r), m.transfers[p][a][r]);
			}
}

int
metrics_write(FILE *out, const struct metrics_snapshot *s)
{
	m_ready();
	if (s->dp)
		write_dataplane(out, s->dp, s->n_workers);
	if (s->cache)
		write_cache(out, s->cache);
	if (s->dhcp) {
#define M_DHCP(name) counter(out, "pxeline_dhcp_control_", #name, s->dhcp->name);
		DHCP_CONTROL_STATS(M_DHCP)
#undef M_DHCP
	}
	write_hist(out, "pxeline_tftp_transfer_duration_seconds",
		   "Time of completed TFTP transfers, request to last ACK.", &m.tftp);
	write_hist(out, "pxeline_dhcp_answer_duration_seconds",
		   "Proxy DHCP request received by a worker to reply handed back to it "
		   "(dhcp.delay_ms included).", &m.dhcp);
	write_outcomes(out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
