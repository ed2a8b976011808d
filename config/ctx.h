/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One load's context and its error reports. Errors are kept until all are
 * known and printed in file order as FILE:LINE: message, so an operator
 * fixing a config gets the whole list in one run.
 */
#ifndef PXELINE_CONFIG_CTX_H
#define PXELINE_CONFIG_CTX_H

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>

#include "config/config.h"

/* One reported error, kept until all are known so they print in file order. */
struct cfg_msg {
	const char *file;	/* libconfig's, valid until config_destroy */
	unsigned int line;
	int seq;		/* report order, breaks ties */
	char *text;		/* "message", without file and line */
};

struct cfg_ctx {
	struct pxeline_config *cfg;
	FILE *errs;
	const char *name;	/* file name for settings libconfig has none for */
	const char *include_dir;	/* where @include looked, NULL = cwd */
	unsigned int flags;
	int n_errors;
	struct cfg_msg *msgs;
	int n_msgs, cap_msgs;
};

/* Reports an error at file:line (file NULL: the loaded file). */
void cfg_report(struct cfg_ctx *c, const char *file, unsigned int line, const char *fmt,
		va_list ap);

/* Reports an error at setting s (NULL: the top of the file). */
void cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints every error reported, in file order, and forgets them. */
void cfg_flush(struct cfg_ctx *c);

#endif /* PXELINE_CONFIG_CTX_H */
