/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Filename canonicaliser. One pass over the input, component by component;
 * nothing is decoded (TFTP has no escaping, so "%2e%2e" is a literal name).
 *
 * Decisions beyond path.h:
 * - Any ':' is refused (PATH_ERR_DRIVE): "C:\boot" drive letters and NTFS
 *   streams "file::$DATA" / "file:ads" have no place in a boot filename, and
 *   the TFTP root may sit on an NTFS or SMB share.
 * - A component of dots and spaces only, other than ".", is refused like
 *   "..": "...", "....", ".. " and ". " are legal POSIX names, but Win32 and
 *   Samba strip trailing dots and spaces and would read them as "." or "..".
 *   No boot file is named like that. "..a", "a..", "a..b" are plain names.
 * - Bytes >= 0x80 pass (UTF-8 names); 0x00-0x1f and 0x7f are refused.
 * - A security refusal (control, drive, dotdot) wins over TOO_LONG, so the
 *   caller's counters name the attack, not the symptom.
 */
#include <stdbool.h>
#include <string.h>

#include "dataplane/proto/path.h"

static const char *const path_err_str[] = {
	[PATH_OK] = "ok",
	[PATH_ERR_EMPTY] = "empty path",
	[PATH_ERR_DOTDOT] = "parent directory component",
	[PATH_ERR_CONTROL] = "control character in path",
	[PATH_ERR_TOO_LONG] = "path too long",
	[PATH_ERR_DRIVE] = "drive letter or stream name in path",
};
_Static_assert(sizeof(path_err_str) / sizeof(path_err_str[0]) == PATH_ERR__MAX, "path_err_str out of step with its enum");

const char *
path_strerror(enum path_err e)
{
	if ((unsigned int)e >= PATH_ERR__MAX)
		return "unknown error";
	return path_err_str[e];
}

static bool
path_is_sep(char c)
{
	return c == '/' || c == '\\';
}

/* Checks one component; *ret_skip is set for "." (dropped, not copied). */
static enum path_err
path_check_component(const char *c, size_t len, bool *ret_skip)
{
	size_t dots = 0;
	size_t i;

	*ret_skip = false;
	for (i = 0; i < len; i++) {
		if (c[i] == '.')
			dots++;
		else if (c[i] != ' ')
			return PATH_OK;
	}
	/* Only dots and spaces. */
	if (len == 1 && dots == 1) {
		*ret_skip = true;
		return PATH_OK;
	}
	if (dots == 0)
		return PATH_OK;	/* spaces only: odd but cannot climb */
	return PATH_ERR_DOTDOT;
}

enum path_err
path_canonicalize(const char *in, size_t in_len, char *out, size_t cap)
{
	size_t o = 0;		/* bytes written to out */
	bool too_long = cap == 0;
	size_t i = 0;
	enum path_err e;

	if (cap > 0)
		out[0] = '\0';

	while (i < in_len) {
		size_t start;
		size_t len;
		bool skip;

		while (i < in_len && path_is_sep(in[i]))
			i++;
		start = i;
		for (; i < in_len && !path_is_sep(in[i]); i++) {
			unsigned char ch = (unsigned char)in[i];

			if (ch < 0x20 || ch == 0x7f) {
				e = PATH_ERR_CONTROL;
				goto fail;
			}
			if (ch == ':') {
				e = PATH_ERR_DRIVE;
				goto fail;
			}
		}
		len = i - start;
		if (len == 0)
			break;	/* only trailing separators were left */
		e = path_check_component(in + start, len, &skip);
		if (e != PATH_OK)
			goto fail;
		if (skip || too_long)
			continue;
		/* separator (if not first) + component + final NUL */
		if ((o > 0) + len + 1 > cap - o) {
			too_long = true;
			continue;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, in + start, len);
		o += len;
	}

	if (too_long) {
		e = PATH_ERR_TOO_LONG;
		goto fail;
	}
	if (o == 0)
		return PATH_ERR_EMPTY;
	out[o] = '\0';
	return PATH_OK;

fail:
	if (cap > 0)
		out[0] = '\0';
	return e;
}
