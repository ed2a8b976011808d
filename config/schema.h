/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema as data: one table of fields per group, used both to parse
 * known keys and to refuse unknown ones, so a typo ("blksize_mx") is an
 * error instead of a default silently kept. The tables are groups.c's;
 * this is the machinery that reads a group by its table.
 */
#ifndef PXELINE_CONFIG_SCHEMA_H
#define PXELINE_CONFIG_SCHEMA_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/ctx.h"

enum cfg_field_type {
	CFG_F_BOOL,
	CFG_F_U32,
	CFG_F_U16,
	CFG_F_STR,
	CFG_F_CUSTOM,	/* known key, parsed by the group's own code */
};

#define CFG_FF_REQUIRED (1u << 0)
#define CFG_FF_NONEMPTY (1u << 1)

struct cfg_field {
	const char *name;
	enum cfg_field_type type;
	size_t off;		/* into the struct the group fills */
	size_t size;		/* CFG_F_STR: buffer size */
	uint32_t min, max;	/* integers */
	unsigned int flags;	/* CFG_FF_* */
};

#define F_BOOL(st, m) { #m, CFG_F_BOOL, offsetof(struct st, m), 0, 0, 0, 0 }
#define F_U32(st, m, lo, hi) { #m, CFG_F_U32, offsetof(struct st, m), 0, lo, hi, 0 }
#define F_U16(st, m, lo, hi) { #m, CFG_F_U16, offsetof(struct st, m), 0, lo, hi, 0 }
#define F_STR(st, m, fl) \
	{ #m, CFG_F_STR, offsetof(struct st, m), sizeof(((struct st *)NULL)->m), 0, 0, fl }
#define F_STR_AS(key, st, m, fl) \
	{ key, CFG_F_STR, offsetof(struct st, m), sizeof(((struct st *)NULL)->m), 0, 0, fl }
#define F_CUSTOM(key, fl) { key, CFG_F_CUSTOM, 0, 0, 0, 0, fl }
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "path.name" into buf (or name alone at the top level). */
const char *cfg_key(char *buf, size_t size, const char *path, const char *name);

/* An unsigned integer setting within [min, max]; false (reported) otherwise. */
bool cfg_get_uint(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		  uint32_t min, uint32_t max, uint32_t *ret);

/* A string setting that fits size bytes; NULL (reported) otherwise. */
const char *cfg_get_str(struct cfg_ctx *c, const config_setting_t *s, const char *key,
			size_t size, bool nonempty);

/* grp.member, one of names[n]: its index in *ret. */
bool cfg_get_enum(struct cfg_ctx *c, const config_setting_t *grp, const char *member,
		  const char *key, const char *const *names, size_t n, size_t *ret);

/* Reads group grp by its fields into base; unknown keys are errors. */
bool cfg_group(struct cfg_ctx *c, const config_setting_t *grp, const char *path,
	       const struct cfg_field *fields, size_t n, void *base);

/* A list or an array. */
bool cfg_is_seq(const config_setting_t *s);

#endif /* PXELINE_CONFIG_SCHEMA_H */
