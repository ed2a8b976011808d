/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure parts of UEFI HTTP Boot: the boot URI a proxy reply carries, the
 * one Range form a download resumes with, and a Content-Type by extension.
 * The server itself (libmicrohttpd) is control/http_boot.c. No I/O here.
 */
#ifndef PXELINE_PROTO_HTTP_H
#define PXELINE_PROTO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_DEFAULT_PORT 80

/*
 * "http://A.B.C.D[:PORT]/FILE" into buf (":PORT" only when not 80). FILE is
 * relative to the served root: leading '/' are dropped, '\' becomes '/',
 * bytes other than RFC 3986 unreserved characters and '/' are
 * percent-encoded. Returns the length, or 0 when it does not fit (or file
 * is empty).
 */
size_t http_boot_uri(char *buf, size_t cap, uint32_t ip, uint16_t port, const char *file);

/*
 * FILE appended to the n bytes of URI in buf with the rules above (leading
 * '/' dropped, '\' as '/', percent-encoding); also the path of PXEv6's
 * tftp:// boot file URL. Returns the new length, or 0 when it does not fit
 * or file is empty.
 */
size_t uri_append_path(char *buf, size_t cap, size_t n, const char *file);

enum http_range {
	HTTP_RANGE_NONE,		/* no Range, or one we ignore: 200, the whole file */
	HTTP_RANGE_PARTIAL,		/* 206: *ret_off, *ret_len */
	HTTP_RANGE_UNSATISFIABLE,	/* 416 */
};

/*
 * A Range header (RFC 9110 14.2) against a file of size bytes: a single
 * "bytes=A-B", "bytes=A-" or "bytes=-N". Several ranges, another unit or
 * bad syntax: HTTP_RANGE_NONE (a server may ignore Range). A range starting
 * at or after the end, or a suffix of 0: HTTP_RANGE_UNSATISFIABLE.
 */
enum http_range http_range_parse(const char *hdr, uint64_t size, uint64_t *ret_off,
				 uint64_t *ret_len);

/* Content-Type by the path's extension (case-insensitive); never NULL. */
const char *http_content_type(const char *path);

#endif /* PXELINE_PROTO_HTTP_H */
