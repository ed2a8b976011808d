/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "config/schema.h"

const char *
cfg_key(char *buf, size_t size, const char *path, const char *name)
{
	if (path[0] == '\0')
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s.%s", path, name);
	return buf;
}

static bool
cfg_is_int(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_INT ||
	       config_setting_type(s) == CONFIG_TYPE_INT64;
}

/* Reads an integer setting within min..max. */
bool
cfg_get_uint(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	     uint32_t min, uint32_t max, uint32_t *ret_val)
{
	long long v;

	if (!cfg_is_int(s)) {
		cfg_err(c, s, "%s must be an integer", key);
		return false;
	}
	/*
	 * libconfig 1.5 keeps a literal without the L suffix in 32 bits, so
	 * 3000000000 arrives negative: the range check still refuses it.
	 */
	v = config_setting_get_int64(s);
	if (v < (long long)min || v > (long long)max) {
		cfg_err(c, s, "%s = %lld is out of range %u..%u", key, v, min, max);
		return false;
	}
	*ret_val = (uint32_t)v;
	return true;
}

/* Reads a string setting; empty refused when nonempty. Returns NULL on error. */
const char *
cfg_get_str(struct cfg_ctx *c, const config_setting_t *s, const char *key, size_t size,
	    bool nonempty)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_err(c, s, "%s must be a string", key);
		return NULL;
	}
	v = config_setting_get_string(s);
	if (nonempty && v[0] == '\0') {
		cfg_err(c, s, "%s must not be empty", key);
		return NULL;
	}
	if (size != 0 && strlen(v) >= size) {
		cfg_err(c, s, "%s is too long (at most %zu characters)", key, size - 1);
		return NULL;
	}
	return v;
}

/*
 * Reads grp's member that must name one of names[] (a string); its index
 * goes to *ret_idx. Returns false, leaving *ret_idx alone, when the member
 * is missing or wrong (then reported).
 */
bool
cfg_get_enum(struct cfg_ctx *c, const config_setting_t *grp, const char *member,
	     const char *key, const char *const *names, size_t n, size_t *ret_idx)
{
	const config_setting_t *s;
	char list[128];
	const char *v;
	size_t i, len = 0;

	s = config_setting_get_member(grp, member);
	if (s == NULL)
		return false;
	v = cfg_get_str(c, s, key, 0, true);
	if (v == NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(v, names[i]) == 0) {
			*ret_idx = i;
			return true;
		}
	}
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i > 0 ? ", " : "", names[i]);
	cfg_err(c, s, "%s '%s' is not one of %s", key, v, list);
	return false;
}

static const struct cfg_field *
cfg_field_find(const struct cfg_field *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

static void
cfg_field_apply(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		const struct cfg_field *f, void *base)
{
	char *dst = (char *)base + f->off;
	const char *str;
	uint32_t v;

	switch (f->type) {
	case CFG_F_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			cfg_err(c, s, "%s must be true or false", key);
		else
			*(bool *)dst = config_setting_get_bool(s) != 0;
		break;
	case CFG_F_U32:
		if (cfg_get_uint(c, s, key, f->min, f->max, &v))
			*(uint32_t *)dst = v;
		break;
	case CFG_F_U16:
		if (cfg_get_uint(c, s, key, f->min, f->max, &v))
			*(uint16_t *)dst = (uint16_t)v;
		break;
	case CFG_F_STR:
		str = cfg_get_str(c, s, key, f->size, f->flags & CFG_FF_NONEMPTY);
		if (str != NULL)
			memcpy(dst, str, strlen(str) + 1);
		break;
	case CFG_F_CUSTOM:
		break;
	}
}

/*
 * Checks that grp is a group holding only known keys, fills the simple
 * fields into base and reports missing required keys at the group's line.
 * Returns false when grp is not a group at all.
 */
bool
cfg_group(struct cfg_ctx *c, const config_setting_t *grp, const char *path,
	  const struct cfg_field *fields, size_t n, void *base)
{
	char key[160];
	size_t i;
	int k;

	if (config_setting_type(grp) != CONFIG_TYPE_GROUP) {
		cfg_err(c, grp, "%s must be a group { ... }", path);
		return false;
	}
	for (k = 0; k < config_setting_length(grp); k++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned int)k);
		const char *name = config_setting_name(s);
		const struct cfg_field *f = cfg_field_find(fields, n, name);

		if (f == NULL) {
			if (path[0] == '\0')
				cfg_err(c, s, "unknown key '%s' at top level", name);
			else
				cfg_err(c, s, "unknown key '%s' in %s", name, path);
			continue;
		}
		cfg_field_apply(c, s, cfg_key(key, sizeof(key), path, name), f, base);
	}
	for (i = 0; i < n; i++) {
		if (!(fields[i].flags & CFG_FF_REQUIRED))
			continue;
		if (config_setting_get_member(grp, fields[i].name) != NULL)
			continue;
		if (path[0] == '\0')
			cfg_err(c, grp, "missing required key '%s'", fields[i].name);
		else
			cfg_err(c, grp, "missing required key '%s' in %s", fields[i].name, path);
	}
	return true;
}

/* A list "( ... )" or an array "[ ... ]". */
bool
cfg_is_seq(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_LIST ||
	       config_setting_type(s) == CONFIG_TYPE_ARRAY;
}
