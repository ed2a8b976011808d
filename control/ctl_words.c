/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Words of a control request line: split by the server, quoted by pxectl.
 * Apart from ctl.c so pxectl links nothing else.
 */
#include <string.h>

#include "control/ctl.h"

int
ctl_split(char *line, char **ret_words, int max)
{
	char *r = line, *w = line;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r)
			return n;
		if (n == max)
			return -1;
		ret_words[n++] = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n') {
			if (*r != '"') {
				*w++ = *r++;
				continue;
			}
			for (r++; *r != '"'; r++) {
				if (!*r)
					return -1;
				if (*r == '\\' && r[1])
					r++;
				*w++ = *r;
			}
			r++;
		}
		/* The terminator may overwrite the separator just read past. */
		if (*r)
			r++;
		*w++ = '\0';
	}
}

int
ctl_quote(char *buf, size_t cap, const char *word)
{
	size_t n = strnlen(buf, cap);

	if (n == cap)
		return -1;
	if (n && n + 1 < cap)
		buf[n++] = ' ';
	if (n + 1 >= cap)
		return -1;
	buf[n++] = '"';
	for (; *word; word++) {
		if (*word == '\n' || *word == '\r')
			return -1;	/* would end the request line */
		if ((*word == '"' || *word == '\\') && n + 1 < cap)
			buf[n++] = '\\';
		if (n + 1 >= cap)
			return -1;
		buf[n++] = *word;
	}
	if (n + 2 > cap)
		return -1;
	buf[n++] = '"';
	buf[n] = '\0';
	return 0;
}
