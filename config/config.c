/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading and validating pxeline's configuration. The schema is data: one
 * table of fields per group, used both to parse known keys and to refuse
 * unknown ones, so a typo ("blksize_mx") is an error instead of a default
 * silently kept. Validation never stops at the first error: an operator
 * fixing a config wants the whole list in one run.
 */
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "config/config.h"

#define CFG_SUN_PATH_MAX sizeof(((struct sockaddr_un *)NULL)->sun_path)
/* RTE_MAX_LCORE is 128 by default and the main lcore is not a worker. */
#define CFG_MAX_WORKERS 127

static const char *const cfg_error_str[] = {
	[CFG_OK] = "ok",
	[CFG_ERR_EMPTY] = "empty",
	[CFG_ERR_SYNTAX] = "malformed",
	[CFG_ERR_OCTET] = "octet above 255 or with a leading zero",
	[CFG_ERR_PREFIX] = "prefix length missing or not 0..32",
};
_Static_assert(sizeof(cfg_error_str) / sizeof(cfg_error_str[0]) == CFG_ERR_MAX, "cfg_error_str out of step with its enum");

const char *
cfg_strerror(int err)
{
	if (err < 0 || err >= CFG_ERR_MAX || cfg_error_str[err] == NULL)
		return "unknown error";
	return cfg_error_str[err];
}

/* ---- value parsers (also used by other modules) ---- */

static int
cfg_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
cfg_parse_mac(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];
	char sep = '\0';
	int i;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	for (i = 0; i < 6; i++) {
		/* s[1] is read only when s[0] was a digit, never past the NUL. */
		int hi = cfg_hex_digit(s[0]);
		int lo = hi < 0 ? -1 : cfg_hex_digit(s[1]);

		if (lo < 0)
			return CFG_ERR_SYNTAX;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == 5)
			break;
		/* The first separator sets the kind for the rest. */
		if (sep == '\0' && (*s == ':' || *s == '-'))
			sep = *s;
		if (*s != sep || sep == '\0')
			return CFG_ERR_SYNTAX;
		s++;
	}
	if (*s != '\0')
		return CFG_ERR_SYNTAX;
	memcpy(ret_mac, mac, sizeof(mac));
	return CFG_OK;
}

/*
 * Reads a decimal number of at most max_digits digits, no sign, no leading
 * zero unless the number is 0. Returns the end, or NULL.
 */
static const char *
cfg_parse_dec(const char *s, int max_digits, unsigned int *ret_val, bool *ret_lead_zero)
{
	unsigned int v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == max_digits)
			return NULL;
		v = v * 10 + (unsigned int)(s[n] - '0');
		n++;
	}
	if (n == 0)
		return NULL;
	*ret_lead_zero = n > 1 && s[0] == '0';
	*ret_val = v;
	return s + n;
}

/* Parses "A.B.C.D" at s; returns the end or NULL with *ret_err set. */
static const char *
cfg_parse_dotted(const char *s, uint32_t *ret_ip, int *ret_err)
{
	uint32_t ip = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int octet;
		bool lead_zero;
		const char *end = cfg_parse_dec(s, 3, &octet, &lead_zero);

		if (end == NULL) {
			*ret_err = CFG_ERR_SYNTAX;
			return NULL;
		}
		if (octet > 255 || lead_zero) {
			*ret_err = CFG_ERR_OCTET;
			return NULL;
		}
		ip = ip << 8 | octet;
		s = end;
		if (i < 3) {
			if (*s != '.') {
				*ret_err = CFG_ERR_SYNTAX;
				return NULL;
			}
			s++;
		}
	}
	*ret_ip = ip;
	return s;
}

int
cfg_parse_ipv4(const char *s, uint32_t *ret_ip)
{
	uint32_t ip;
	int err = CFG_OK;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	s = cfg_parse_dotted(s, &ip, &err);
	if (s == NULL)
		return err;
	if (*s != '\0')
		return CFG_ERR_SYNTAX;
	*ret_ip = ip;
	return CFG_OK;
}

int
cfg_parse_ipv4_prefix(const char *s, uint32_t *ret_ip, uint8_t *ret_len)
{
	unsigned int len;
	bool lead_zero;
	uint32_t ip;
	int err = CFG_OK;

	if (s == NULL || *s == '\0')
		return CFG_ERR_EMPTY;
	s = cfg_parse_dotted(s, &ip, &err);
	if (s == NULL)
		return err;
	if (*s != '/')
		return CFG_ERR_PREFIX;
	s = cfg_parse_dec(s + 1, 2, &len, &lead_zero);
	if (s == NULL || *s != '\0' || lead_zero || len > 32)
		return CFG_ERR_PREFIX;
	*ret_ip = ip;
	*ret_len = (uint8_t)len;
	return CFG_OK;
}

/* ---- error reporting ---- */

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

static void
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

static void cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
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
static void
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

/* ---- the schema as data ---- */

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

static const struct cfg_field cfg_root_fields[] = {
	F_CUSTOM("interfaces", CFG_FF_REQUIRED),
	F_U32(pxeline_config, workers, 1, CFG_MAX_WORKERS),
	F_CUSTOM("tftp", CFG_FF_REQUIRED),
	F_CUSTOM("cache", 0),
	F_CUSTOM("dhcp", 0),
	F_CUSTOM("multicast", 0),
	F_CUSTOM("profiles", 0),
	F_CUSTOM("unknown", 0),
	F_CUSTOM("control", 0),
	F_CUSTOM("state", 0),
	F_CUSTOM("log", 0),
	F_CUSTOM("dpdk", 0),
};

static const struct cfg_field cfg_interface_fields[] = {
	F_STR(cfg_interface, device, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_CUSTOM("address", CFG_FF_REQUIRED),
	F_CUSTOM("gateway", 0),
	F_U32(cfg_interface, mtu, 68, 9216),
	F_U16(cfg_interface, vlan, 0, 4094),
};

static const struct cfg_field cfg_tftp_fields[] = {
	F_STR(cfg_tftp, root, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_BOOL(cfg_tftp, case_insensitive),
	/* RFC 2348: 8..65464. */
	F_U32(cfg_tftp, blksize_max, 8, 65464),
	F_BOOL(cfg_tftp, allow_fragments),
	/* RFC 7440: 1..65535. */
	F_U32(cfg_tftp, windowsize_max, 1, 65535),
	/* RFC 2349 timeout is 1..255 s; 10 ms is the floor a poll loop can keep. */
	F_U32(cfg_tftp, timeout_ms, 10, 255000),
	F_U32(cfg_tftp, retries, 0, 100),
	F_U32(cfg_tftp, max_sessions, 1, 1048576),
	F_BOOL(cfg_tftp, msftwindow),
};

static const struct cfg_field cfg_cache_fields[] = {
	F_CUSTOM("size_mb", 0),
	F_CUSTOM("chunk_kb", 0),
	F_U32(cfg_cache, readahead, 0, 64),
	F_U32(cfg_cache, queue_depth, 1, 4096),
};

static const struct cfg_field cfg_dhcp_fields[] = {
	F_BOOL(cfg_dhcp, enabled),
	F_BOOL(cfg_dhcp, port67),
	/* PXE ROMs give up on the first DISCOVER round after 4 s. */
	F_U32(cfg_dhcp, delay_ms, 0, 30000),
	F_CUSTOM("ignore", 0),
};

static const struct cfg_field cfg_multicast_fields[] = {
	F_BOOL(cfg_multicast, enabled),
	F_STR(cfg_multicast, groups, CFG_FF_NONEMPTY),
	F_U16(cfg_multicast, port, 1, 65535),
	/* 1 keeps the stream on the link; routers need more. */
	F_U32(cfg_multicast, ttl, 1, 255),
	F_U32(cfg_multicast, pace_pps, 0, 10000000),
	F_U32(cfg_multicast, max_receivers, 1, 4096),
	F_U32(cfg_multicast, repair_max, 0, 1u << 30),
	F_BOOL(cfg_multicast, mtftp),
	F_STR(cfg_multicast, mtftp_groups, CFG_FF_NONEMPTY),
	F_U16(cfg_multicast, mtftp_port, 1, 65535),
	F_U16(cfg_multicast, mtftp_client_port, 1, 65535),
	/* One byte each in the DHCP option (43.4, 43.5). */
	F_U32(cfg_multicast, mtftp_timeout, 1, 255),
	F_U32(cfg_multicast, mtftp_delay, 1, 255),
};

static const struct cfg_field cfg_profile_fields[] = {
	F_STR(cfg_profile, name, CFG_FF_REQUIRED | CFG_FF_NONEMPTY),
	F_STR(cfg_profile, bios, 0),
	F_STR(cfg_profile, efi_x64, 0),
	F_STR(cfg_profile, efi_ia32, 0),
	F_STR(cfg_profile, arm32, 0),
	F_STR(cfg_profile, arm64, 0),
	F_STR(cfg_profile, bios_prompt, 0),
	F_STR(cfg_profile, abort, 0),
	F_STR(cfg_profile, ipxe, 0),
	F_BOOL(cfg_profile, mtftp),
	F_STR(cfg_profile, once_until, 0),
};

static const struct cfg_field cfg_unknown_fields[] = {
	F_CUSTOM("action", 0),
	F_STR_AS("profile", pxeline_config, unknown_profile, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_control_fields[] = {
	F_STR_AS("socket", pxeline_config, control_socket, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_state_fields[] = {
	F_STR_AS("db", pxeline_config, state_db, CFG_FF_NONEMPTY),
};

static const struct cfg_field cfg_log_fields[] = {
	F_CUSTOM("level", 0),
	F_STR_AS("file", pxeline_config, log_file, 0),
};

static const struct cfg_field cfg_dpdk_fields[] = {
	F_CUSTOM("eal", 0),
};

/* "tftp" + "root" -> "tftp.root"; top-level keys print bare. */
static const char *
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
static bool
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
static const char *
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
static bool
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
static bool
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
static bool
cfg_is_seq(const config_setting_t *s)
{
	return config_setting_type(s) == CONFIG_TYPE_LIST ||
	       config_setting_type(s) == CONFIG_TYPE_ARRAY;
}

/* ---- groups ---- */

static void
cfg_interface_address(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		      struct cfg_interface *ifc)
{
	const char *v = cfg_get_str(c, s, key, 0, true);
	uint32_t ip, host_mask;
	uint8_t len;
	int err;

	if (v == NULL)
		return;
	err = cfg_parse_ipv4_prefix(v, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, s, "%s '%s' is not A.B.C.D/len: %s", key, v, cfg_strerror(err));
		return;
	}
	if (len == 0) {
		cfg_err(c, s, "%s '%s': prefix length must be 1..32", key, v);
		return;
	}
	/* Not 0/8 ("this network"), loopback, multicast, class E or broadcast. */
	if ((ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 28) >= 0xe) {
		cfg_err(c, s, "%s '%s' is not a unicast address", key, v);
		return;
	}
	host_mask = len == 32 ? 0 : UINT32_MAX >> len;
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (len <= 30 && ((ip & host_mask) == 0 || (ip & host_mask) == host_mask)) {
		cfg_err(c, s, "%s '%s' is the network or broadcast address of its subnet",
			key, v);
		return;
	}
	ifc->address = ip;
	ifc->prefix_len = len;
}

static void
cfg_interface_gateway(struct cfg_ctx *c, const config_setting_t *s, const char *key,
		      struct cfg_interface *ifc)
{
	const char *v = cfg_get_str(c, s, key, 0, true);
	uint32_t ip, mask;
	int err;

	if (v == NULL)
		return;
	err = cfg_parse_ipv4(v, &ip);
	if (err != CFG_OK) {
		cfg_err(c, s, "%s '%s' is not A.B.C.D: %s", key, v, cfg_strerror(err));
		return;
	}
	/* Only checkable once the address parsed. */
	if (ifc->prefix_len != 0) {
		mask = ifc->prefix_len == 32 ? UINT32_MAX : ~(UINT32_MAX >> ifc->prefix_len);
		if ((ip & mask) != (ifc->address & mask) || ip == ifc->address) {
			cfg_err(c, s, "%s '%s' is not another host in the interface's subnet",
				key, v);
			return;
		}
	}
	ifc->gateway = ip;
}

static void
cfg_interfaces(struct cfg_ctx *c, const config_setting_t *list)
{
	struct pxeline_config *cfg = c->cfg;
	int i, j, n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		cfg_err(c, list, "interfaces must be a list of groups: interfaces = ( { ... } )");
		return;
	}
	if (n == 0) {
		cfg_err(c, list, "no interfaces: at least one is needed");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, (unsigned int)i);
		const config_setting_t *s;
		struct cfg_interface *ifc;
		char path[32], key[64];

		if (i == CFG_MAX_INTERFACES) {
			cfg_err(c, grp, "more than %d interfaces", CFG_MAX_INTERFACES);
			break;
		}
		ifc = &cfg->interfaces[cfg->n_interfaces++];
		ifc->mtu = 1500;
		snprintf(path, sizeof(path), "interfaces[%d]", i);
		if (!cfg_group(c, grp, path, cfg_interface_fields, N(cfg_interface_fields), ifc))
			continue;
		s = config_setting_get_member(grp, "address");
		if (s != NULL)
			cfg_interface_address(c, s, cfg_key(key, sizeof(key), path, "address"), ifc);
		s = config_setting_get_member(grp, "gateway");
		if (s != NULL)
			cfg_interface_gateway(c, s, cfg_key(key, sizeof(key), path, "gateway"), ifc);
		for (j = 0; j < i; j++) {
			if (ifc->device[0] != '\0' &&
			    strcmp(cfg->interfaces[j].device, ifc->device) == 0) {
				cfg_err(c, grp, "%s.device '%s' is already interfaces[%d]",
					path, ifc->device, j);
				break;
			}
		}
	}
}

static bool
cfg_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static void
cfg_cache(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_cache *cache = &c->cfg->cache;
	const config_setting_t *s;
	uint32_t v;

	if (!cfg_group(c, grp, "cache", cfg_cache_fields, N(cfg_cache_fields), cache))
		return;
	s = config_setting_get_member(grp, "chunk_kb");
	if (s != NULL && cfg_get_uint(c, s, "cache.chunk_kb", 64, 16384, &v)) {
		if (!cfg_is_pow2(v))
			cfg_err(c, s, "cache.chunk_kb = %u is not a power of two", v);
		else
			cache->chunk_size = v * 1024;
	}
	s = config_setting_get_member(grp, "size_mb");
	if (s != NULL && cfg_get_uint(c, s, "cache.size_mb", 1, 1048576, &v))
		cache->size = (uint64_t)v << 20;
	/* A transfer holds its current chunk plus the ones read ahead. */
	if (cache->size < (uint64_t)cache->chunk_size * (cache->readahead + 1))
		cfg_err(c, grp, "cache: size_mb (%llu MiB) cannot hold one transfer's %u chunks of %u KiB (1 + readahead)",
			(unsigned long long)(cache->size >> 20), cache->readahead + 1,
			cache->chunk_size / 1024);
}

static uint32_t
cfg_prefix_mask(uint8_t len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

/* The group ranges must be multicast: 224.0.0.0/4. */
static void
cfg_multicast(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct cfg_multicast *m = &c->cfg->multicast;
	uint32_t ip, mask;
	uint8_t len;
	int err;

	if (!cfg_group(c, grp, "multicast", cfg_multicast_fields, N(cfg_multicast_fields), m))
		return;
	err = cfg_parse_ipv4_prefix(m->groups, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, grp, "multicast.groups '%s' is not A.B.C.D/len: %s", m->groups,
			cfg_strerror(err));
		return;
	}
	mask = len ? 0xffffffffu << (32 - len) : 0;
	if (len < 4 || (ip & 0xf0000000u) != 0xe0000000u) {
		cfg_err(c, grp, "multicast.groups '%s' is not inside 224.0.0.0/4", m->groups);
		return;
	}
	m->group_base = ip & mask;
	m->group_prefix = len;
	err = cfg_parse_ipv4_prefix(m->mtftp_groups, &ip, &len);
	if (err != CFG_OK) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' is not A.B.C.D/len: %s",
			m->mtftp_groups, cfg_strerror(err));
		return;
	}
	mask = len ? 0xffffffffu << (32 - len) : 0;
	if (len < 4 || (ip & 0xf0000000u) != 0xe0000000u) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' is not inside 224.0.0.0/4",
			m->mtftp_groups);
		return;
	}
	m->mtftp_group_base = ip & mask;
	m->mtftp_group_prefix = len;
	/* A PXE listener takes any DATA from our address on its port: an RFC
	 * 2090 stream on the same group address would be read as its file. */
	if (m->mtftp_group_base <= (m->group_base | ~cfg_prefix_mask(m->group_prefix)) &&
	    m->group_base <= (m->mtftp_group_base | ~mask)) {
		cfg_err(c, grp, "multicast.mtftp_groups '%s' overlaps multicast.groups '%s'",
			m->mtftp_groups, m->groups);
		return;
	}
	/* 69, 67 and 4011 are served as TFTP and proxyDHCP before MTFTP. */
	if (m->mtftp_port == 69 || m->mtftp_port == 67 || m->mtftp_port == 4011 ||
	    m->mtftp_port == 68) {
		cfg_err(c, grp, "multicast.mtftp_port %u is taken by TFTP or DHCP",
			(unsigned)m->mtftp_port);
		return;
	}
}

/* Strings of MACs, "[ ... ]" or "( ... )". */
static void
cfg_dhcp_ignore(struct cfg_ctx *c, const config_setting_t *seq)
{
	struct cfg_dhcp *dhcp = &c->cfg->dhcp;
	int i, n = config_setting_length(seq);

	if (!cfg_is_seq(seq)) {
		cfg_err(c, seq, "dhcp.ignore must be a list of MAC strings: [ \"52:54:00:12:34:56\" ]");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(seq, (unsigned int)i);
		const char *v;
		char key[32];
		int err;

		if (i == CFG_MAX_IGNORE_MACS) {
			cfg_err(c, s, "dhcp.ignore has more than %d MACs", CFG_MAX_IGNORE_MACS);
			return;
		}
		snprintf(key, sizeof(key), "dhcp.ignore[%d]", i);
		v = cfg_get_str(c, s, key, 0, true);
		if (v == NULL)
			continue;
		err = cfg_parse_mac(v, dhcp->ignore_macs[dhcp->n_ignore]);
		if (err != CFG_OK) {
			cfg_err(c, s, "%s '%s' is not a MAC address (52:54:00:12:34:56): %s",
				key, v, cfg_strerror(err));
			continue;
		}
		dhcp->n_ignore++;
	}
}

/* once_until = "answer" | "file:NAME": when a one-shot counts as taken. */
static void
cfg_once_until(struct cfg_ctx *c, const config_setting_t *grp, struct cfg_profile *p)
{
	const config_setting_t *s = config_setting_get_member(grp, "once_until");
	const char *v = p->once_until;

	p->once_until_file[0] = '\0';
	if (!v[0] || strcmp(v, "answer") == 0) {
		snprintf(p->once_until, sizeof(p->once_until), "answer");
		return;
	}
	if (strncmp(v, "file:", 5) != 0 || !v[5]) {
		cfg_err(c, s ? s : grp, "profiles: once_until '%s' is neither \"answer\" nor "
			"\"file:NAME\" (NAME: a file of the profile, like boot.wim)", v);
		return;
	}
	if (strlen(v + 5) >= sizeof(p->once_until_file)) {
		cfg_err(c, s ? s : grp, "profiles: once_until file name longer than %zu characters",
			sizeof(p->once_until_file) - 1);
		return;
	}
	memcpy(p->once_until_file, v + 5, strlen(v + 5) + 1);
}

static void
cfg_profiles(struct cfg_ctx *c, const config_setting_t *list)
{
	struct pxeline_config *cfg = c->cfg;
	int i, j, n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		cfg_err(c, list, "profiles must be a list of groups: profiles = ( { ... } )");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *grp = config_setting_get_elem(list, (unsigned int)i);
		struct cfg_profile *p;
		char path[32];

		if (i == CFG_MAX_PROFILES) {
			cfg_err(c, grp, "more than %d profiles", CFG_MAX_PROFILES);
			return;
		}
		p = &cfg->profiles[cfg->n_profiles++];
		snprintf(path, sizeof(path), "profiles[%d]", i);
		if (!cfg_group(c, grp, path, cfg_profile_fields, N(cfg_profile_fields), p))
			continue;
		cfg_once_until(c, grp, p);
		for (j = 0; j < i && p->name[0] != '\0'; j++) {
			if (strcmp(cfg->profiles[j].name, p->name) == 0) {
				cfg_err(c, grp, "duplicate profile name '%s' (also profiles[%d])",
					p->name, j);
				break;
			}
		}
	}
}

static void
cfg_unknown(struct cfg_ctx *c, const config_setting_t *grp)
{
	static const char *const names[] = {
		[CFG_UNKNOWN_BOOT] = "boot",
		[CFG_UNKNOWN_ABORT] = "abort",
		[CFG_UNKNOWN_IGNORE] = "ignore",
	};
	_Static_assert(N(names) == CFG_UNKNOWN__MAX, "one name per unknown action");
	size_t i;

	if (!cfg_group(c, grp, "unknown", cfg_unknown_fields, N(cfg_unknown_fields), c->cfg))
		return;
	if (cfg_get_enum(c, grp, "action", "unknown.action", names, N(names), &i))
		c->cfg->unknown_action = (enum cfg_unknown_action)i;
}

static void
cfg_log(struct cfg_ctx *c, const config_setting_t *grp)
{
	static const char *const names[] = {
		[CFG_LOG_ERROR] = "error",
		[CFG_LOG_WARN] = "warn",
		[CFG_LOG_INFO] = "info",
		[CFG_LOG_DEBUG] = "debug",
	};
	_Static_assert(N(names) == CFG_LOG__MAX, "one name per log level");
	size_t i;

	if (!cfg_group(c, grp, "log", cfg_log_fields, N(cfg_log_fields), c->cfg))
		return;
	if (cfg_get_enum(c, grp, "level", "log.level", names, N(names), &i))
		c->cfg->log_level = (enum cfg_log_level)i;
}

static void
cfg_dpdk(struct cfg_ctx *c, const config_setting_t *grp)
{
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *seq;
	int i, n;

	if (!cfg_group(c, grp, "dpdk", cfg_dpdk_fields, N(cfg_dpdk_fields), cfg))
		return;
	seq = config_setting_get_member(grp, "eal");
	if (seq == NULL)
		return;
	if (!cfg_is_seq(seq)) {
		cfg_err(c, seq, "dpdk.eal must be a list of strings: [ \"-l\", \"0-1\" ]");
		return;
	}
	n = config_setting_length(seq);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(seq, (unsigned int)i);
		const char *v;
		char key[32];

		if (i == CFG_MAX_EAL_ARGS) {
			cfg_err(c, s, "dpdk.eal has more than %d arguments", CFG_MAX_EAL_ARGS);
			return;
		}
		snprintf(key, sizeof(key), "dpdk.eal[%d]", i);
		v = cfg_get_str(c, s, key, 0, true);
		if (v == NULL)
			continue;
		cfg->eal_args[cfg->n_eal_args] = strdup(v);
		if (cfg->eal_args[cfg->n_eal_args] == NULL) {
			cfg_err(c, s, "%s: out of memory", key);
			return;
		}
		cfg->n_eal_args++;
	}
}

/* Cross-key checks and the file system, once every group is read. */
static void
cfg_check(struct cfg_ctx *c, const config_setting_t *root)
{
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *s;
	char real[PATH_MAX];
	struct stat st;
	int i;

	/* Without proxyDHCP nobody asks for a boot file: profiles are moot. */
	if (cfg->dhcp.enabled && cfg->unknown_action == CFG_UNKNOWN_BOOT &&
	    cfg_find_profile(cfg, cfg->unknown_profile) == NULL) {
		s = config_lookup(root->config, "unknown.profile");
		if (s == NULL)
			s = config_lookup(root->config, "unknown");
		if (s == NULL)
			s = config_lookup(root->config, "profiles");
		cfg_err(c, s, "unknown.profile '%s' is not a defined profile (unknown.action is boot)",
			cfg->unknown_profile);
	}
	/* A client told to listen for MTFTP must find a server that streams. */
	for (i = 0; i < cfg->n_profiles; i++) {
		char key[48];

		if (!cfg->profiles[i].mtftp || (cfg->multicast.enabled && cfg->multicast.mtftp))
			continue;
		snprintf(key, sizeof(key), "profiles.[%d].mtftp", i);
		s = config_lookup(root->config, key);
		cfg_err(c, s ? s : config_lookup(root->config, "profiles"),
			"profiles[%d] '%s' has mtftp = true but multicast.enabled and "
			"multicast.mtftp are not both true", i, cfg->profiles[i].name);
	}
	if (strlen(cfg->control_socket) >= CFG_SUN_PATH_MAX)
		cfg_err(c, config_lookup(root->config, "control.socket"),
			"control.socket is longer than a unix socket path can be (%zu)",
			CFG_SUN_PATH_MAX - 1);

	s = config_lookup(root->config, "tftp.root");
	if ((c->flags & CFG_LOAD_NO_FS_CHECK) || cfg->tftp.root[0] == '\0' || s == NULL)
		return;
	if (stat(cfg->tftp.root, &st) != 0) {
		cfg_err(c, s, "tftp.root '%s': %s", cfg->tftp.root, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		cfg_err(c, s, "tftp.root '%s' is not a directory", cfg->tftp.root);
		return;
	}
	/* Absolute, so a later chdir or relative lookup cannot move the root. */
	if (realpath(cfg->tftp.root, real) == NULL) {
		cfg_err(c, s, "tftp.root '%s': %s", cfg->tftp.root, strerror(errno));
		return;
	}
	if (strlen(real) >= sizeof(cfg->tftp.root)) {
		cfg_err(c, s, "tftp.root resolves to a path that is too long");
		return;
	}
	memcpy(cfg->tftp.root, real, strlen(real) + 1);
}

static void
cfg_validate(struct cfg_ctx *c, const config_setting_t *root)
{
	static const struct {
		const char *name;
		void (*fn)(struct cfg_ctx *c, const config_setting_t *s);
	} groups[] = {
		{ "interfaces", cfg_interfaces },
		{ "cache", cfg_cache },
		{ "multicast", cfg_multicast },
		{ "profiles", cfg_profiles },
		{ "unknown", cfg_unknown },
		{ "log", cfg_log },
		{ "dpdk", cfg_dpdk },
	};
	struct pxeline_config *cfg = c->cfg;
	const config_setting_t *s;
	size_t i;

	cfg_group(c, root, "", cfg_root_fields, N(cfg_root_fields), cfg);
	for (i = 0; i < N(groups); i++) {
		s = config_setting_get_member(root, groups[i].name);
		if (s != NULL)
			groups[i].fn(c, s);
	}
	s = config_setting_get_member(root, "tftp");
	if (s != NULL)
		cfg_group(c, s, "tftp", cfg_tftp_fields, N(cfg_tftp_fields), &cfg->tftp);
	s = config_setting_get_member(root, "dhcp");
	if (s != NULL && cfg_group(c, s, "dhcp", cfg_dhcp_fields, N(cfg_dhcp_fields), &cfg->dhcp)) {
		s = config_setting_get_member(s, "ignore");
		if (s != NULL)
			cfg_dhcp_ignore(c, s);
	}
	s = config_setting_get_member(root, "control");
	if (s != NULL)
		cfg_group(c, s, "control", cfg_control_fields, N(cfg_control_fields), cfg);
	s = config_setting_get_member(root, "state");
	if (s != NULL)
		cfg_group(c, s, "state", cfg_state_fields, N(cfg_state_fields), cfg);
	cfg_check(c, root);
}

/* ---- entry points ---- */

void
cfg_defaults(struct pxeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->workers = 1;
	cfg->tftp.case_insensitive = true;
	cfg->tftp.blksize_max = 65464;
	cfg->tftp.allow_fragments = true;
	cfg->tftp.windowsize_max = 64;
	cfg->tftp.timeout_ms = 1000;
	cfg->tftp.retries = 5;
	cfg->tftp.max_sessions = 16384;
	cfg->tftp.msftwindow = false;
	cfg->cache.size = 256ull << 20;
	cfg->cache.chunk_size = 1024 * 1024;
	cfg->cache.readahead = 4;
	cfg->cache.queue_depth = 64;
	cfg->dhcp.enabled = true;
	cfg->dhcp.port67 = true;
	cfg->multicast.enabled = false;
	snprintf(cfg->multicast.groups, sizeof(cfg->multicast.groups), "239.255.1.0/24");
	cfg->multicast.group_base = 0xefff0100u;
	cfg->multicast.group_prefix = 24;
	cfg->multicast.port = 1758;
	cfg->multicast.ttl = 1;
	cfg->multicast.pace_pps = 0;
	cfg->multicast.max_receivers = 64;
	cfg->multicast.repair_max = 65536;
	cfg->multicast.mtftp = false;
	snprintf(cfg->multicast.mtftp_groups, sizeof(cfg->multicast.mtftp_groups),
		 "239.255.2.0/24");
	cfg->multicast.mtftp_group_base = 0xefff0200u;
	cfg->multicast.mtftp_group_prefix = 24;
	cfg->multicast.mtftp_port = 1759;
	cfg->multicast.mtftp_client_port = 1758;
	cfg->multicast.mtftp_timeout = 2;
	cfg->multicast.mtftp_delay = 2;
	cfg->unknown_action = CFG_UNKNOWN_BOOT;
	snprintf(cfg->unknown_profile, sizeof(cfg->unknown_profile), "default");
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "/run/pxeline.sock");
	snprintf(cfg->state_db, sizeof(cfg->state_db), "/var/lib/pxeline/state.db");
	cfg->log_level = CFG_LOG_INFO;
}

static void cfg_read_error(struct cfg_ctx *c, const char *file, unsigned int line,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* libconfig's own (single) error: I/O or syntax. */
static void
cfg_read_error(struct cfg_ctx *c, const char *file, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_report(c, file, line, fmt, ap);
	va_end(ap);
}

static int
cfg_load_common(const char *path, const char *text, const char *name, unsigned int flags,
		struct pxeline_config *cfg, FILE *errs)
{
	struct cfg_ctx c = { .cfg = cfg, .errs = errs, .name = name, .flags = flags };
	char dir[CFG_PATH_MAX];
	config_t lc;
	int ok;

	cfg_defaults(cfg);
	if (strlen(name) >= sizeof(cfg->file)) {
		cfg_err(&c, NULL, "file name too long");
		cfg_flush(&c);
		return c.n_errors;
	}
	memcpy(cfg->file, name, strlen(name) + 1);

	config_init(&lc);
	if (path != NULL) {
		char *slash;

		/* @include "x.cfg" is relative to the including file, not to the cwd. */
		memcpy(dir, path, strlen(path) + 1);
		slash = strrchr(dir, '/');
		if (slash != NULL) {
			*slash = '\0';
			c.include_dir = dir[0] != '\0' ? dir : "/";
			config_set_include_dir(&lc, c.include_dir);
		}
		errno = 0;
		ok = config_read_file(&lc, path);
	} else {
		ok = config_read_string(&lc, text);
	}
	if (!ok && config_error_type(&lc) == CONFIG_ERR_FILE_IO)
		cfg_read_error(&c, NULL, 0, "cannot read: %s",
			       errno != 0 ? strerror(errno) : config_error_text(&lc));
	else if (!ok)
		cfg_read_error(&c, config_error_file(&lc), (unsigned int)config_error_line(&lc),
			       "%s", config_error_text(&lc));
	else
		cfg_validate(&c, config_root_setting(&lc));
	/* Before config_destroy: the messages point at libconfig's file names. */
	cfg_flush(&c);
	config_destroy(&lc);
	return c.n_errors;
}

int
cfg_load_opts(const char *path, unsigned int flags, struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_common(path, NULL, path, flags, cfg, errs);
}

int
cfg_load(const char *path, struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_opts(path, 0, cfg, errs);
}

int
cfg_load_string(const char *text, const char *name, unsigned int flags,
		struct pxeline_config *cfg, FILE *errs)
{
	return cfg_load_common(NULL, text, name, flags, cfg, errs);
}

void
cfg_free(struct pxeline_config *cfg)
{
	int i;

	for (i = 0; i < cfg->n_eal_args; i++) {
		free(cfg->eal_args[i]);
		cfg->eal_args[i] = NULL;
	}
	cfg->n_eal_args = 0;
}

const struct cfg_profile *
cfg_find_profile(const struct pxeline_config *cfg, const char *name)
{
	int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->n_profiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return &cfg->profiles[i];
	return NULL;
}
