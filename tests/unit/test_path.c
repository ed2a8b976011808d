/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * path_canonicalize(): a table of names real clients ask for and names an
 * attacker would try, each with its expected result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/path.h"
#include "unit.h"

struct path_case {
	const char *name;	/* what the row is about */
	const char *in;
	size_t in_len;		/* 0: strlen(in) */
	enum path_err err;
	const char *out;	/* expected when err == PATH_OK, else "" */
};

#define OK(n, i, o) { n, i, 0, PATH_OK, o }
#define BAD(n, i, e) { n, i, 0, e, "" }
#define BADN(n, i, l, e) { n, i, l, e, "" }

static const struct path_case path_cases[] = {
	/* What Windows boot manager, WDS and ConfigMgr clients send. */
	OK("windows BCD", "\\Boot\\BCD", "Boot/BCD"),
	OK("mixed separators", "/boot\\x64\\wdsnbp.com", "boot/x64/wdsnbp.com"),
	OK("SMSBoot sdi", "\\SMSBoot\\boot.sdi", "SMSBoot/boot.sdi"),
	OK("case kept", "\\Boot\\x64\\Boot.WIM", "Boot/x64/Boot.WIM"),
	OK("plain file", "pxelinux.0", "pxelinux.0"),
	OK("ipxe efi", "ipxe.efi", "ipxe.efi"),
	OK("leading slash", "/pxelinux.0", "pxelinux.0"),
	OK("many leading slashes", "////a", "a"),
	OK("leading backslashes", "\\\\\\a", "a"),
	OK("leading mixed seps", "/\\/\\a/b", "a/b"),
	OK("double slash", "a//b", "a/b"),
	OK("double backslash", "a\\\\b", "a/b"),
	OK("trailing slash", "a/b/", "a/b"),
	OK("trailing backslash", "a\\", "a"),
	OK("dot component", "a/./b", "a/b"),
	OK("leading dot", "./a", "a"),
	OK("trailing dot", "a/.", "a"),
	OK("dot backslash", ".\\boot\\.\\bcd", "boot/bcd"),
	OK("dot in names", "a.b/c.d.e", "a.b/c.d.e"),
	OK("dotdot prefix name", "..a/b", "..a/b"),
	OK("dotdot suffix name", "a../b", "a../b"),
	OK("dotdot inside name", "a..b", "a..b"),
	OK("dotfile", ".hidden", ".hidden"),
	OK("percent-encoded is literal", "%2e%2e/x", "%2e%2e/x"),
	OK("percent slash literal", "a%2fb", "a%2fb"),
	OK("utf-8 name", "d\xc3\xa9mo/f", "d\xc3\xa9mo/f"),
	OK("high byte 0xff", "a\xff", "a\xff"),
	OK("space in name", "my file.txt", "my file.txt"),
	OK("spaces-only component", "a/ /b", "a/ /b"),
	OK("deep path", "a/b/c/d/e/f/g/h", "a/b/c/d/e/f/g/h"),
	OK("tilde literal", "~root/x", "~root/x"),

	/* Parent directory in every spelling. */
	BAD("dotdot alone", "..", PATH_ERR_DOTDOT),
	BAD("dotdot slash", "../x", PATH_ERR_DOTDOT),
	BAD("windows dotdot", "..\\..\\etc\\passwd", PATH_ERR_DOTDOT),
	BAD("unix dotdot", "../../etc/passwd", PATH_ERR_DOTDOT),
	BAD("dotdot in middle", "a/../b", PATH_ERR_DOTDOT),
	BAD("trailing dotdot", "a/..", PATH_ERR_DOTDOT),
	BAD("trailing dotdot backslash", "a\\..", PATH_ERR_DOTDOT),
	BAD("leading slash dotdot", "/../x", PATH_ERR_DOTDOT),
	BAD("backslash dotdot slash", "\\..\\x", PATH_ERR_DOTDOT),
	BAD("dotdot then seps", "..//x", PATH_ERR_DOTDOT),
	BAD("dotdot after dot", "./../x", PATH_ERR_DOTDOT),
	BAD("deep dotdot", "a/b/c/../../../../etc", PATH_ERR_DOTDOT),
	BAD("three dots", ".../x", PATH_ERR_DOTDOT),
	BAD("four dots", "....//x", PATH_ERR_DOTDOT),
	BAD("dotdot space (win32 strip)", "a/.. /b", PATH_ERR_DOTDOT),
	BAD("dot space (win32 strip)", ". /b", PATH_ERR_DOTDOT),
	BAD("dotdot dot space", "x/. . /y", PATH_ERR_DOTDOT),

	/* Nothing left. */
	BAD("empty", "", PATH_ERR_EMPTY),
	BAD("slash only", "/", PATH_ERR_EMPTY),
	BAD("backslash only", "\\", PATH_ERR_EMPTY),
	BAD("dot only", ".", PATH_ERR_EMPTY),
	BAD("dot slash", "./", PATH_ERR_EMPTY),
	BAD("dots and seps", "/./\\.\\", PATH_ERR_EMPTY),

	/* Control characters and DEL. */
	BAD("DEL in name", "a\x7f" "b", PATH_ERR_CONTROL),
	BAD("ESC in name", "\x1b[2Jboot", PATH_ERR_CONTROL),
	BAD("newline", "a\nb", PATH_ERR_CONTROL),
	BAD("tab", "a\tb", PATH_ERR_CONTROL),
	BAD("CR at end", "bcd\r", PATH_ERR_CONTROL),
	BADN("embedded NUL", "boot\0/../etc", 12, PATH_ERR_CONTROL),
	BADN("leading NUL", "\0a", 2, PATH_ERR_CONTROL),

	/* Drive letters and NTFS streams. */
	BAD("drive letter", "C:\\boot\\bcd", PATH_ERR_DRIVE),
	BAD("drive letter slash", "c:/x", PATH_ERR_DRIVE),
	BAD("drive relative", "C:x", PATH_ERR_DRIVE),
	BAD("ntfs stream", "boot.wim::$DATA", PATH_ERR_DRIVE),
	BAD("alternate stream", "a/b:ads", PATH_ERR_DRIVE),
	BAD("UNC-ish", "\\\\server\\share:x", PATH_ERR_DRIVE),
};

static void
test_path_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		size_t len = c->in_len ? c->in_len : strlen(c->in);
		char out[512];
		enum path_err e;

		memset(out, 'X', sizeof(out));
		e = path_canonicalize(c->in, len, out, sizeof(out));
		if (e != c->err)
			fprintf(stderr, "row '%s': got %s, want %s\n", c->name,
				path_strerror(e), path_strerror(c->err));
		CU_ASSERT_EQUAL(e, c->err);
		if (c->err == PATH_OK && e == PATH_OK) {
			const char *want = c->out ? c->out : "";

			if (strcmp(out, want) != 0)
				fprintf(stderr, "row '%s': got '%s', want '%s'\n",
					c->name, out, want);
			CU_ASSERT_STRING_EQUAL(out, want);
		} else {
			/* A refused name leaves no half-written path behind. */
			CU_ASSERT_EQUAL(out[0], '\0');
		}
	}
	CU_ASSERT(sizeof(path_cases) / sizeof(path_cases[0]) >= 50);
}

/* Output capacity: exact fit, one short, zero. */
static void
test_path_capacity(void)
{
	char out[8];

	/* "abc/def" is 7 bytes + NUL = 8: fits exactly. */
	CU_ASSERT_EQUAL(path_canonicalize("/abc//def/", 10, out, 8), PATH_OK);
	CU_ASSERT_STRING_EQUAL(out, "abc/def");
	CU_ASSERT_EQUAL(path_canonicalize("abc/defg", 8, out, 8),
			PATH_ERR_TOO_LONG);
	CU_ASSERT_EQUAL(out[0], '\0');
	CU_ASSERT_EQUAL(path_canonicalize("abcdefgh", 8, out, 8),
			PATH_ERR_TOO_LONG);
	CU_ASSERT_EQUAL(path_canonicalize("a", 1, out, 0), PATH_ERR_TOO_LONG);
	CU_ASSERT_EQUAL(path_canonicalize("a", 1, out, 1), PATH_ERR_TOO_LONG);
	CU_ASSERT_EQUAL(path_canonicalize("a", 1, out, 2), PATH_OK);
	CU_ASSERT_STRING_EQUAL(out, "a");
	/* Removed separators do not count against the capacity. */
	CU_ASSERT_EQUAL(path_canonicalize("////////ab/./cd", 15, out, 6),
			PATH_OK);
	CU_ASSERT_STRING_EQUAL(out, "ab/cd");
}

/* Very long names, and an attack hidden behind the length limit. */
static void
test_path_long(void)
{
	static char in[70000];
	static char out[70001];
	char small[256];
	size_t n;

	memset(in, 'a', sizeof(in));
	CU_ASSERT_EQUAL(path_canonicalize(in, sizeof(in), small, sizeof(small)),
			PATH_ERR_TOO_LONG);
	CU_ASSERT_EQUAL(path_canonicalize(in, sizeof(in), out, sizeof(out)),
			PATH_OK);
	CU_ASSERT_EQUAL(strlen(out), sizeof(in));

	/* 300 'a's then "/../x": the dotdot is still reported. */
	n = 300;
	memcpy(in + n, "/../x", 5);
	CU_ASSERT_EQUAL(path_canonicalize(in, n + 5, small, sizeof(small)),
			PATH_ERR_DOTDOT);
	memcpy(in + n, "/b\x01", 3);
	CU_ASSERT_EQUAL(path_canonicalize(in, n + 3, small, sizeof(small)),
			PATH_ERR_CONTROL);
	/* 255 chars fit a 256-byte output exactly. */
	CU_ASSERT_EQUAL(path_canonicalize(in, 255, small, sizeof(small)),
			PATH_OK);
	CU_ASSERT_EQUAL(strlen(small), 255);
	/* Many "./" components collapse to nothing. */
	for (n = 0; n + 2 <= 60000; n += 2)
		memcpy(in + n, "./", 2);
	in[n] = 'z';
	CU_ASSERT_EQUAL(path_canonicalize(in, n + 1, small, sizeof(small)),
			PATH_OK);
	CU_ASSERT_STRING_EQUAL(small, "z");
}

/* in_len bounds the read: bytes after it are never looked at. */
static void
test_path_in_len(void)
{
	char out[64];

	CU_ASSERT_EQUAL(path_canonicalize("boot/../x", 4, out, sizeof(out)),
			PATH_OK);
	CU_ASSERT_STRING_EQUAL(out, "boot");
	CU_ASSERT_EQUAL(path_canonicalize("ab\x01", 2, out, sizeof(out)),
			PATH_OK);
	CU_ASSERT_STRING_EQUAL(out, "ab");
}

/* Canonical output is a fixed point, checked on every accepted table row. */
static void
test_path_idempotent(void)
{
	size_t i;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		char once[512];
		char twice[512];

		if (c->err != PATH_OK)
			continue;
		CU_ASSERT_EQUAL_FATAL(path_canonicalize(c->in, strlen(c->in),
					once, sizeof(once)), PATH_OK);
		CU_ASSERT_EQUAL(path_canonicalize(once, strlen(once), twice,
						  sizeof(twice)), PATH_OK);
		CU_ASSERT_STRING_EQUAL(once, twice);
	}
}

static void
test_path_strerror(void)
{
	int e;

	for (e = 0; e < PATH_ERR__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(path_strerror(e));
		CU_ASSERT(strlen(path_strerror(e)) > 0);
	}
	CU_ASSERT_STRING_EQUAL(path_strerror(PATH_ERR__MAX), "unknown error");
	CU_ASSERT_STRING_EQUAL(path_strerror(-1), "unknown error");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "table", test_path_table },
		{ "capacity", test_path_capacity },
		{ "long", test_path_long },
		{ "in_len", test_path_in_len },
		{ "idempotent", test_path_idempotent },
		{ "strerror", test_path_strerror },
		{ NULL, NULL },
	};

	return unit_run("path", tests);
}
