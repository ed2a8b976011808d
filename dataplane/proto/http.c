/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boot URI, Range and Content-Type for the HTTP Boot server. See http.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dataplane/proto/http.h"

static bool
uri_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

size_t
uri_append_path(char *buf, size_t cap, size_t n, const char *file)
{
	static const char hex[] = "0123456789ABCDEF";

	while (*file == '/' || *file == '\\')
		file++;
	if (!*file || n >= cap)
		return 0;
	for (; *file; file++) {
		unsigned char c = (unsigned char)(*file == '\\' ? '/' : *file);

		if (uri_unreserved(c)) {
			if (n + 1 >= cap)
				return 0;
			buf[n++] = (char)c;
		} else {
			if (n + 3 >= cap)
				return 0;
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n] = '\0';
	return n;
}

size_t
http_boot_uri(char *buf, size_t cap, uint32_t ip, uint16_t port, const char *file)
{
	int w;

	if (cap == 0)
		return 0;
	if (port == HTTP_DEFAULT_PORT)
		w = snprintf(buf, cap, "http://%u.%u.%u.%u/", ip >> 24, (ip >> 16) & 0xff,
			     (ip >> 8) & 0xff, ip & 0xff);
	else
		w = snprintf(buf, cap, "http://%u.%u.%u.%u:%u/", ip >> 24, (ip >> 16) & 0xff,
			     (ip >> 8) & 0xff, ip & 0xff, port);
	if (w < 0 || (size_t)w >= cap)
		return 0;
	return uri_append_path(buf, cap, (size_t)w, file);
}

/* Decimal digits into *ret (no sign, no overflow); returns the end or NULL. */
static const char *
range_number(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return s;
}

static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

enum http_range
http_range_parse(const char *hdr, uint64_t size, uint64_t *ret_off, uint64_t *ret_len)
{
	uint64_t first = 0, last = 0;
	bool has_first, has_last;
	const char *s;

	if (!hdr)
		return HTTP_RANGE_NONE;
	s = skip_ows(hdr);
	if (strncasecmp(s, "bytes", 5) != 0)
		return HTTP_RANGE_NONE;
	s = skip_ows(s + 5);
	if (*s++ != '=')
		return HTTP_RANGE_NONE;
	s = skip_ows(s);
	has_first = *s >= '0' && *s <= '9';
	if (has_first && !(s = range_number(s, &first)))
		return HTTP_RANGE_NONE;
	if (*s++ != '-')
		return HTTP_RANGE_NONE;
	has_last = *s >= '0' && *s <= '9';
	if (has_last && !(s = range_number(s, &last)))
		return HTTP_RANGE_NONE;
	s = skip_ows(s);
	/* "-" alone, a list, or trailing junk: ignored, the whole file. */
	if (*s != '\0' || (!has_first && !has_last) || (has_first && has_last && last < first))
		return HTTP_RANGE_NONE;
	if (!has_first) {
		/* Suffix: the last N bytes. */
		if (last == 0 || size == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		*ret_len = last < size ? last : size;
		*ret_off = size - *ret_len;
		return HTTP_RANGE_PARTIAL;
	}
	if (first >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	if (!has_last || last >= size)
		last = size - 1;
	*ret_off = first;
	*ret_len = last - first + 1;
	return HTTP_RANGE_PARTIAL;
}

const char *
http_content_type(const char *path)
{
	static const struct {
		const char *ext;
		const char *type;
	} types[] = {
		{ "efi", "application/efi" },
		{ "iso", "application/x-iso9660-image" },
		{ "img", "application/octet-stream" },
		{ "bin", "application/octet-stream" },
		{ "wim", "application/octet-stream" },
		{ "sdi", "application/octet-stream" },
		{ "ipxe", "text/plain" },
		{ "txt", "text/plain" },
		{ "cfg", "text/plain" },
		{ "conf", "text/plain" },
		{ "html", "text/html" },
		{ "json", "application/json" },
		{ "gz", "application/gzip" },
		{ "xz", "application/x-xz" },
		{ "cpio", "application/x-cpio" },
		{ "tar", "application/x-tar" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot && (!slash || dot > slash))
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	/* Kernels, initrds, NBPs without an extension: bytes. */
	return "application/octet-stream";
}
