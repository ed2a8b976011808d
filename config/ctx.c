/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "config/ctx.h"


/*
 * libconfig names an included file as the @include line wrote it, relative
 * to the include dir: qualify it so the operator can open it.
 */
static void
cfg_print_location(struct cfg_ctx *c, const char *file, unsigned int line)
{
	if (file == NULL)
		file = c->name;
	/* The root group has no line: point at the top of the file. */
	if (line == 0)
		line = 1;
	if (c->include_dir != NULL && file[0] != '/' && strcmp(file, c->name) != 0)
		fprintf(c->errs, "%s/%s:%u: ", c->include_dir, file, line);
	else
		fprintf(c->errs, "%s:%u: ", file, line);
}

void
cfg_report(struct cfg_ctx *c, const char *file, unsigned int line, const char *fmt, va_list ap)
{
	struct cfg_msg *m;
	char *text;

	c->n_errors++;
	if (c->errs == NULL)
		return;
	if (c->n_msgs == c->cap_msgs) {
		int cap = c->cap_msgs == 0 ? 16 : c->cap_msgs * 2;
		struct cfg_msg *msgs = realloc(c->msgs, (size_t)cap * sizeof(*msgs));

		if (msgs != NULL) {
			c->msgs = msgs;
			c->cap_msgs = cap;
		}
	}
	if (c->n_msgs == c->cap_msgs || vasprintf(&text, fmt, ap) < 0) {
		/* Out of memory: print now, unsorted, rather than lose it. */
		cfg_print_location(c, file, line);
		fprintf(c->errs, "(out of memory formatting the message)\n");
		return;
	}
	m = &c->msgs[c->n_msgs];
	m->file = file;
	m->line = line;
	m->seq = c->n_msgs++;
	m->text = text;
}

void
cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_report(c, s != NULL ? config_setting_source_file(s) : NULL,
		   s != NULL ? config_setting_source_line(s) : 0, fmt, ap);
	va_end(ap);
}

/* qsort_r order: the main file (name) first, then included files; by line. */
static int
cfg_msg_cmp(const void *a, const void *b, void *name)
{
	const struct cfg_msg *x = a, *y = b;
	const char *fx = x->file != NULL ? x->file : name;
	const char *fy = y->file != NULL ? y->file : name;
	int d = strcmp(fx, fy);

	if (d != 0)
		return strcmp(fx, name) == 0 ? -1 : strcmp(fy, name) == 0 ? 1 : d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq - y->seq;
}

/* Prints every kept error in file and line order and frees them. */
void
cfg_flush(struct cfg_ctx *c)
{
	int i;

	qsort_r(c->msgs, (size_t)c->n_msgs, sizeof(*c->msgs), cfg_msg_cmp, (void *)c->name);
	for (i = 0; i < c->n_msgs; i++) {
		cfg_print_location(c, c->msgs[i].file, c->msgs[i].line);
		fprintf(c->errs, "%s\n", c->msgs[i].text);
		free(c->msgs[i].text);
	}
	free(c->msgs);
	c->msgs = NULL;
	c->n_msgs = c->cap_msgs = 0;
}
