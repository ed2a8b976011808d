/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host fields from text, checked once for pxectl and the HTTP API. See
 * hostspec.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control/hostspec.h"

enum hostspec_field { HS_MAC, HS_UUID, HS_ACTION, HS_PROFILE, HS__MAX };

static const char *
field(enum hostspec_style style, enum hostspec_field f)
{
	static const char *const cli[HS__MAX] = { "--mac", "--uuid", "--action", "--profile" };
	static const char *const json[HS__MAX] = { "'mac'", "'uuid'", "'action'", "'profile'" };

	return style == HOSTSPEC_CLI ? cli[f] : json[f];
}

static int __attribute__((format(printf, 3, 4)))
fail(char *ret_err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ret_err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

int
hostspec_apply(const struct pxeline_config *cfg, const struct hostspec *s,
	       enum hostspec_style style, struct hostdb_host *h, char *ret_err, size_t cap)
{
	int a;

	if (s->mac) {
		if (hostdb_parse_mac(s->mac, h->mac) != 0)
			return fail(ret_err, cap, "bad MAC '%s' (expected aa:bb:cc:dd:ee:ff)",
				    s->mac);
		h->has_mac = true;
	}
	if (s->uuid) {
		if (hostdb_parse_uuid(s->uuid, h->uuid) != 0)
			return fail(ret_err, cap, "bad UUID '%s' (expected "
				    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", s->uuid);
		h->has_uuid = true;
	}
	if (s->action) {
		a = hostdb_parse_action(s->action);
		if (a < 0)
			return fail(ret_err, cap, "unknown action '%s' (boot, once, abort or ignore)",
				    s->action);
		/* Setting once (again) arms it: that is what the operator asks for. */
		h->h.once_armed = a == BOOT_ACTION_ONCE;
		h->h.action = a;
	}
	if (s->profile) {
		if (s->profile[0] && !cfg_find_profile(cfg, s->profile))
			return fail(ret_err, cap, "unknown profile '%s' (not in %s)", s->profile,
				    cfg->file[0] ? cfg->file : "the configuration");
		if (snprintf(h->h.profile, sizeof(h->h.profile), "%s", s->profile) >=
		    (int)sizeof(h->h.profile))
			return fail(ret_err, cap, "profile longer than %zu bytes",
				    sizeof(h->h.profile) - 1);
	}
	if (s->name && snprintf(h->h.name, sizeof(h->h.name), "%s", s->name) >=
	    (int)sizeof(h->h.name))
		return fail(ret_err, cap, "name longer than %zu bytes", sizeof(h->h.name) - 1);
	/* abort hands out the profile's abort file: it needs one too. */
	if (h->h.action != BOOT_ACTION_IGNORE && !h->h.profile[0])
		return fail(ret_err, cap, "action %s needs %s", boot_action_name(h->h.action),
			    field(style, HS_PROFILE));
	return 0;
}

int
hostspec_new(const struct pxeline_config *cfg, const struct hostspec *s,
	     enum hostspec_style style, struct hostdb_host *ret_h, char *ret_err, size_t cap)
{
	const char *who = style == HOSTSPEC_CLI ? "host add" : "a new host";

	if (!s->mac && !s->uuid)
		return fail(ret_err, cap, "%s needs %s or %s", who, field(style, HS_MAC),
			    field(style, HS_UUID));
	if (!s->action)
		return fail(ret_err, cap, "%s needs %s boot|once|abort|ignore", who,
			    field(style, HS_ACTION));
	memset(ret_h, 0, sizeof(*ret_h));
	return hostspec_apply(cfg, s, style, ret_h, ret_err, cap);
}
