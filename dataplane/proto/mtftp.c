/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dataplane/proto/mtftp.h"

static const char *const mtftp_verdict_str[] = {
	[MTFTP_V_START] = "start a transfer",
	[MTFTP_V_STREAMING] = "file already streaming: the client listens",
	[MTFTP_V_CLASH] = "group address busy with another file",
};
_Static_assert(sizeof(mtftp_verdict_str) / sizeof(mtftp_verdict_str[0]) == MTFTP_V__MAX, "mtftp_verdict_str out of step with its enum");

const char *
mtftp_strverdict(enum mtftp_verdict v)
{
	if ((unsigned)v >= MTFTP_V__MAX)
		return "unknown MTFTP verdict";
	return mtftp_verdict_str[v];
}

uint32_t
mtftp_group_ip(const char *path, uint32_t base, uint8_t prefix)
{
	uint32_t h = 2166136261u, span;
	const unsigned char *p;

	if (prefix >= 32)
		return base;
	for (p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	span = prefix == 0 ? 0 : 1u << (32 - prefix);
	/* prefix 0 spans all 2^32: the hash itself. */
	return span ? base + h % span : h;
}

enum mtftp_verdict
mtftp_decide(const struct mtftp_running *run, size_t n, const char *path, uint32_t ip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(run[i].path, path) == 0)
			return MTFTP_V_STREAMING;
	for (i = 0; i < n; i++)
		if (run[i].group_ip == ip)
			return MTFTP_V_CLASH;
	return MTFTP_V_START;
}
