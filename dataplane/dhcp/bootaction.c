/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot-action decision table. See bootaction.h for the rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dataplane/dhcp/bootaction.h"
#include "dataplane/proto/path.h"

static const char *const boot_action_str[] = {
	[BOOT_ACTION_BOOT] = "boot",
	[BOOT_ACTION_ONCE] = "once",
	[BOOT_ACTION_ABORT] = "abort",
	[BOOT_ACTION_IGNORE] = "ignore",
};
_Static_assert(sizeof(boot_action_str) / sizeof(boot_action_str[0]) == BOOT_ACTION__MAX, "boot_action_str out of step with its enum");

const char *
boot_action_name(enum boot_action a)
{
	if ((unsigned int)a >= BOOT_ACTION__MAX)
		return "invalid";
	return boot_action_str[a];
}

static const char *const boot_err_str[] = {
	[BOOT_OK] = "ok",
	[BOOT_ERR_NO_PROFILE] = "profile not configured",
	[BOOT_ERR_NO_FILE] = "profile has no boot file for this architecture",
};
_Static_assert(sizeof(boot_err_str) / sizeof(boot_err_str[0]) == BOOT_ERR__MAX, "boot_err_str out of step with its enum");

const char *
boot_strerror(enum boot_err e)
{
	if ((unsigned int)e >= BOOT_ERR__MAX)
		return "unknown boot error";
	return boot_err_str[e];
}

const char *
boot_arch_file(const struct cfg_profile *p, enum dhcp_arch arch)
{
	switch (arch) {
	case DHCP_ARCH_BIOS:
		return p->bios;
	case DHCP_ARCH_EFI_IA32:
		return p->efi_ia32;
	case DHCP_ARCH_EFI_X64:
		return p->efi_x64;
	case DHCP_ARCH_ARM32:
		return p->arm32;
	case DHCP_ARCH_ARM64:
		return p->arm64;
	default:
		return NULL;
	}
}

const char *
boot_http_file(const struct cfg_profile *p, enum dhcp_arch arch)
{
	switch (arch) {
	case DHCP_ARCH_EFI_X64_HTTP:
	case DHCP_ARCH_EFI_X64:	/* firmware saying HTTPClient with arch 7 */
		return p->http_efi_x64;
	case DHCP_ARCH_ARM64_HTTP:
	case DHCP_ARCH_ARM64:
		return p->http_arm64;
	default:
		return NULL;
	}
}

bool
boot_once_file_done(const struct cfg_profile *p, const char *served, bool case_insensitive)
{
	char want[256], got[256];

	if (!p->once_until_file[0] || !served)
		return false;
	if (path_canonicalize(p->once_until_file, strlen(p->once_until_file), want,
			      sizeof(want)) != PATH_OK ||
	    path_canonicalize(served, strlen(served), got, sizeof(got)) != PATH_OK)
		return false;
	return case_insensitive ? strcasecmp(want, got) == 0 : strcmp(want, got) == 0;
}

static const struct cfg_profile *
find_profile(const struct boot_policy *pol, const char *name)
{
	int i;

	if (!name || !name[0])
		return NULL;
	for (i = 0; i < pol->n_profiles; i++)
		if (strcmp(pol->profiles[i].name, name) == 0)
			return &pol->profiles[i];
	return NULL;
}

static bool
same_host(const struct boot_host *a, const struct boot_host *b)
{
	return a == b || (a->id != 0 && a->id == b->id);
}

/* Which record applies, and how it was found. */
static const struct boot_host *
choose_host(const struct boot_lookup *found, enum boot_match *ret_match)
{
	const struct boot_host *m = found->by_mac, *u = found->by_uuid;

	if (m && u) {
		/* UUID is stable across NIC swaps and docks; MAC is not. */
		*ret_match = same_host(m, u) ? BOOT_MATCH_BOTH :
			BOOT_MATCH_UUID_OVER_MAC;
		return u;
	}
	if (u) {
		*ret_match = BOOT_MATCH_UUID;
		return u;
	}
	if (m) {
		*ret_match = BOOT_MATCH_MAC;
		return m;
	}
	*ret_match = BOOT_MATCH_NONE;
	return NULL;
}

static const char *
match_text(enum boot_match m)
{
	switch (m) {
	case BOOT_MATCH_MAC:
		return "known by MAC";
	case BOOT_MATCH_UUID:
		return "known by UUID";
	case BOOT_MATCH_BOTH:
		return "known by MAC and UUID";
	case BOOT_MATCH_UUID_OVER_MAC:
		return "known by UUID (MAC matches another record)";
	default:
		return "unknown computer";
	}
}

/* Appends to the reason; a line longer than the buffer is cut, not an error. */
static void __attribute__((format(printf, 2, 3)))
reason_add(struct boot_decision *d, const char *fmt, ...)
{
	size_t len = strnlen(d->reason, sizeof(d->reason));
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason + len, sizeof(d->reason) - len, fmt, ap);
	va_end(ap);
}

static void
ignore(struct boot_decision *d, enum boot_err err, const char *why)
{
	d->verdict = BOOT_IGNORE;
	d->err = err;
	d->file = NULL;
	d->consume_once = false;
	d->consume_on_file = NULL;
	reason_add(d, ", %s", why);
}

static void
missing_profile(struct boot_decision *d, const char *name)
{
	reason_add(d, ", profile \"%s\" is not configured", name ? name : "");
	ignore(d, BOOT_ERR_NO_PROFILE,
		"client will show PXE-E53 \"no boot filename received\"");
}

/* Boots profile p: the iPXE script for iPXE, else the file for the arch. */
static void
boot_profile(struct boot_decision *d, const struct boot_request *req,
	const struct cfg_profile *p)
{
	const char *f;

	d->profile = p;
	reason_add(d, ": profile %s", p->name);
	if (req->http) {
		f = boot_http_file(p, req->arch);
		if (!f || !f[0]) {
			reason_add(d, " has no http_ file for %s", dhcp_arch_name(req->arch));
			ignore(d, BOOT_ERR_NO_FILE, "HTTP Boot client gets no answer "
			       "(firmware tries its next boot option)");
			return;
		}
		d->verdict = BOOT_REPLY;
		d->file = f;
		reason_add(d, ", HTTP Boot %s file %s", dhcp_arch_name(req->arch), f);
		return;
	}
	if (req->is_ipxe && p->ipxe[0]) {
		d->verdict = BOOT_REPLY;
		d->file = p->ipxe;
		reason_add(d, ", iPXE client: script %s", p->ipxe);
		return;
	}
	f = boot_arch_file(p, req->arch);
	if (!f || !f[0]) {
		reason_add(d, " has no %s file", dhcp_arch_name(req->arch));
		ignore(d, BOOT_ERR_NO_FILE,
			"client will show PXE-E53 \"no boot filename received\"");
		return;
	}
	d->verdict = BOOT_REPLY;
	d->file = f;
	reason_add(d, ", %s file %s", dhcp_arch_name(req->arch), f);
}

/* Hands out p's abort file; silence when it has none. */
static void
abort_profile(struct boot_decision *d, const struct boot_request *req,
	      const struct cfg_profile *p)
{
	d->profile = p;
	reason_add(d, ": profile %s", p->name);
	if (req->http) {
		/* An abort file is a PXE program: nothing to hand over HTTP. */
		ignore(d, BOOT_OK, "HTTP Boot client: staying silent, firmware tries "
		       "its next boot option");
		return;
	}
	if (!p->abort[0]) {
		ignore(d, BOOT_OK, "no abort file: staying silent, firmware falls "
			"through to the next boot device after PXE-E53");
		return;
	}
	d->verdict = BOOT_REPLY;
	d->file = p->abort;
	reason_add(d, ", abort file %s", p->abort);
}

static void
decide_known(const struct boot_request *req, const struct boot_host *h,
	const struct boot_policy *pol, struct boot_decision *d)
{
	const struct cfg_profile *p;
	const char *armed = "";

	if (h->action == BOOT_ACTION_ONCE)
		armed = h->once_armed ? " (armed)" : " (consumed)";
	reason_add(d, "%s%s%s, action %s%s", match_text(d->match),
		h->name[0] ? " as " : "", h->name, boot_action_name(h->action),
		armed);

	if (h->action == BOOT_ACTION_IGNORE) {
		ignore(d, BOOT_OK, "staying silent");
		return;
	}
	if ((unsigned int)h->action >= BOOT_ACTION__MAX) {
		/* A corrupt record: answering could boot the wrong image. */
		ignore(d, BOOT_OK, "invalid action, staying silent");
		return;
	}
	p = find_profile(pol, h->profile);
	if (!p) {
		missing_profile(d, h->profile);
		return;
	}
	switch (h->action) {
	case BOOT_ACTION_BOOT:
		boot_profile(d, req, p);
		break;
	case BOOT_ACTION_ONCE:
		if (h->once_armed) {
			boot_profile(d, req, p);
			if (d->verdict == BOOT_REPLY && p->once_until_file[0]) {
				d->consume_on_file = p->once_until_file;
				reason_add(d, ", one-shot kept armed until %s is served",
					p->once_until_file);
			} else {
				d->consume_once = d->verdict == BOOT_REPLY;
			}
		} else {
			abort_profile(d, req, p);
		}
		break;
	default:	/* BOOT_ACTION_ABORT */
		abort_profile(d, req, p);
		break;
	}
}

static void
decide_unknown(const struct boot_request *req, const struct boot_policy *pol,
	struct boot_decision *d)
{
	const struct cfg_profile *p = find_profile(pol, pol->unknown_profile);

	switch (pol->unknown_action) {
	case CFG_UNKNOWN_IGNORE:
		reason_add(d, "unknown computer: policy ignore");
		ignore(d, BOOT_OK, "staying silent");
		return;
	case CFG_UNKNOWN_ABORT:
		reason_add(d, "unknown computer: policy abort");
		if (!p) {
			/* Abort without a profile: nothing to hand out. */
			ignore(d, BOOT_OK,
				"no unknown profile with an abort file, staying silent");
			return;
		}
		abort_profile(d, req, p);
		return;
	default:	/* CFG_UNKNOWN_BOOT */
		reason_add(d, "unknown computer: policy boot");
		if (!p) {
			missing_profile(d, pol->unknown_profile);
			return;
		}
		boot_profile(d, req, p);
		return;
	}
}

void
boot_decide(const struct boot_request *req, const struct boot_lookup *found,
	const struct boot_policy *pol, struct boot_decision *ret_d)
{
	struct boot_decision *d = ret_d;
	static const struct boot_lookup none = { NULL, NULL };

	memset(d, 0, sizeof(*d));
	d->verdict = BOOT_IGNORE;
	d->host = choose_host(found ? found : &none, &d->match);
	if (d->host)
		decide_known(req, d->host, pol, d);
	else
		decide_unknown(req, pol, d);
}
