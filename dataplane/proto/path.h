/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Turns a filename from a TFTP request into a safe relative path.
 *
 * Windows clients ask "\Boot\BCD", "/boot\x64\wdsnbp.com"; both separators
 * split, leading separators and "." components go, repeated separators fold.
 * Anything that could leave the root is refused: ".." in any spelling
 * (including "..\", "/..", trailing ".."), NUL or control characters, and
 * names longer than the output. Case is kept; case-insensitive lookup happens
 * where the filesystem is (the feeder), not here.
 */
#ifndef PXELINE_PROTO_PATH_H
#define PXELINE_PROTO_PATH_H

#include <stddef.h>

enum path_err {
	PATH_OK = 0,
	PATH_ERR_EMPTY,		/* nothing left after stripping separators */
	PATH_ERR_DOTDOT,	/* a ".." component */
	PATH_ERR_CONTROL,	/* NUL, control character or DEL */
	PATH_ERR_TOO_LONG,	/* does not fit the output */
	PATH_ERR_DRIVE,		/* "C:" style drive letters or "::" streams */
	PATH_ERR__MAX,
};

const char *path_strerror(enum path_err e);

/*
 * in/in_len: the filename as received (not necessarily NUL-terminated).
 * out/cap: receives "dir/dir/file", NUL-terminated, '/' separated, never
 * starting with '/'. Returns PATH_OK or why it was refused.
 */
enum path_err path_canonicalize(const char *in, size_t in_len, char *out, size_t cap);

#endif /* PXELINE_PROTO_PATH_H */
