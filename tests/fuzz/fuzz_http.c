/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: HTTP Boot's pure parsers (dataplane/proto/http.c). The input
 * is a file size (8 bytes, little-endian), an address (4) and a port (2),
 * then text up to its first NUL: the text goes through http_range_parse as
 * a Range header against that size, and through http_boot_uri and
 * http_content_type as a boot file name. A broken invariant calls abort().
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/http.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define HEAD_LEN 14

static uint64_t
le_bytes(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* A satisfiable range lies inside the file, and says the same once written again. */
static void
check_range(const char *hdr, uint64_t size)
{
	uint64_t off = UINT64_MAX, len = UINT64_MAX, off2, len2;
	char again[64];

	switch (http_range_parse(hdr, size, &off, &len)) {
	case HTTP_RANGE_PARTIAL:
		CHECK(size > 0 && len >= 1 && off < size && len <= size - off);
		snprintf(again, sizeof(again), "bytes=%" PRIu64 "-%" PRIu64, off, off + len - 1);
		CHECK(http_range_parse(again, size, &off2, &len2) == HTTP_RANGE_PARTIAL);
		CHECK(off2 == off && len2 == len);
		break;
	case HTTP_RANGE_UNSATISFIABLE:
	case HTTP_RANGE_NONE:
		CHECK(off == UINT64_MAX && len == UINT64_MAX);	/* untouched */
		break;
	default:
		abort();
	}
}

static int
unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The URI fits, is plain ASCII, and decodes back to the name as served. */
static void
check_uri(const char *file, uint32_t ip, uint16_t port)
{
	char uri[512], want[512];
	const char *p, *f = file;
	size_t n, i, w = 0;

	n = http_boot_uri(uri, sizeof(uri), ip, port, file);
	while (*f == '/' || *f == '\\')
		f++;
	if (n == 0)
		return;	/* empty or too long: refused, nothing to check */
	CHECK(n < sizeof(uri) && uri[n] == '\0' && strlen(uri) == n);
	CHECK(strncmp(uri, "http://", 7) == 0);
	for (i = 0; i < n; i++)
		CHECK(uri[i] > ' ' && uri[i] < 0x7f);
	p = strchr(uri + 7, '/');
	CHECK(p != NULL);
	for (p++; *p; p++) {
		int hi, lo;

		if (*p != '%') {
			want[w++] = *p;
			continue;
		}
		hi = unhex(p[1]);
		CHECK(hi >= 0);
		lo = unhex(p[2]);
		CHECK(lo >= 0);
		want[w++] = (char)(hi << 4 | lo);
		p += 2;
	}
	want[w] = '\0';
	CHECK(strlen(f) == w);
	for (i = 0; i < w; i++)
		CHECK(want[i] == (f[i] == '\\' ? '/' : f[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t fsize;
	uint32_t ip;
	uint16_t port;
	size_t n;
	char *text;

	if (size < HEAD_LEN)
		return 0;
	fsize = le_bytes(data, 8);
	ip = (uint32_t)le_bytes(data + 8, 4);
	port = (uint16_t)le_bytes(data + 12, 2);
	n = strnlen((const char *)data + HEAD_LEN, size - HEAD_LEN);
	text = malloc(n + 1);	/* exact size: a read past the end shows */
	if (!text)
		return 0;
	memcpy(text, data + HEAD_LEN, n);
	text[n] = '\0';
	check_range(text, fsize);
	check_uri(text, ip, port);
	CHECK(http_content_type(text) != NULL);
	free(text);
	return 0;
}
