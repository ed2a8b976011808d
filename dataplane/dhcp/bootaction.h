/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a PXE client boots: a pure decision table.
 *
 * Input: the request (MAC, UUID, arch, already-iPXE), the host records the
 * caller found for its MAC and for its UUID, and the configured profiles and
 * unknown-computer policy. Output: reply with a file or stay silent, why (one
 * line for the trace, the way SMSPXE.log reads), and whether a one-shot must
 * be consumed. No I/O, no SQLite, no clock: the caller looks records up and
 * commits consume_once to durable state *before* sending the reply.
 *
 * The table:
 *   host chosen      UUID record when it matches (it wins over a different
 *                    MAC record, as ConfigMgr does), else the MAC record,
 *                    else unknown.
 *   boot             the profile's file for the arch
 *   once, armed      the profile's file for the arch; consume_once, or
 *                    with once_until = "file:NAME" consume_on_file = NAME
 *                    (taken when NAME has been served, not at the answer)
 *   once, not armed  the profile's abort file
 *   abort            the profile's abort file
 *   ignore           silence
 *   unknown          policy boot: unknown profile's file; abort: its abort
 *                    file; ignore: silence
 * Files: a client already running iPXE gets the profile's `ipxe` script/URL
 * instead of the arch file, so it does not chainload iPXE again; a profile
 * without `ipxe` gives iPXE the arch file (a non-iPXE NBP does not loop).
 * The abort file is one file for every arch (as the config has it). With
 * no abort file configured, abort means silence: the firmware then shows
 * PXE-E53 and falls through to the next boot device, the same end as
 * abortpxe.com, only slower.
 * UEFI HTTP Boot clients (vendor class "HTTPClient") get the profile's
 * http_ file for their arch (http_efi_x64 for 16 and 7/9, http_arm64 for 19
 * and 11), never a PXE file, iPXE script or abort file (those are TFTP
 * programs): no http_ file, or abort, means silence and the firmware tries
 * its next boot option. The caller turns the file into the URI.
 * Errors (profile missing, no file for the arch) are silence plus an error
 * value; the reason names what the user sees (PXE-E53).
 */
#ifndef PXELINE_DATAPLANE_DHCP_BOOTACTION_H
#define PXELINE_DATAPLANE_DHCP_BOOTACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "dataplane/proto/dhcp.h"

enum boot_action {
	BOOT_ACTION_BOOT,	/* boot the profile every time */
	BOOT_ACTION_ONCE,	/* boot the profile once (reimage), then abort */
	BOOT_ACTION_ABORT,	/* hand out the abort file: boot from disk */
	BOOT_ACTION_IGNORE,	/* never answer this machine */
	BOOT_ACTION__MAX,
};

const char *boot_action_name(enum boot_action a);

/* A host record as the caller read it from the inventory. */
struct boot_host {
	int64_t id;		/* inventory key; 0 = unknown (compare by pointer) */
	char name[64];		/* for the trace; may be empty */
	enum boot_action action;
	char profile[64];	/* profile name */
	bool once_armed;	/* ONCE: the one shot is still to be taken */
};

/* What the request says about the client. */
struct boot_request {
	uint8_t mac[6];
	bool has_uuid;		/* option 97 was sent */
	uint8_t uuid[16];
	enum dhcp_arch arch;
	bool is_ipxe;		/* already running iPXE */
	bool http;		/* UEFI HTTP Boot client (option 60 "HTTPClient") */
};

/* Records found by the caller; NULL when nothing matched. */
struct boot_lookup {
	const struct boot_host *by_mac;
	const struct boot_host *by_uuid;
};

/* The configured profiles and the unknown-computer policy. */
struct boot_policy {
	const struct cfg_profile *profiles;
	int n_profiles;
	enum cfg_unknown_action unknown_action;
	const char *unknown_profile;	/* profile name for unknown computers */
};

static inline struct boot_policy
boot_policy_from_config(const struct pxeline_config *cfg)
{
	struct boot_policy p = {
		cfg->profiles, cfg->n_profiles, cfg->unknown_action,
		cfg->unknown_profile,
	};
	return p;
}

enum boot_verdict {
	BOOT_REPLY,	/* send a proxy reply with `file` */
	BOOT_IGNORE,	/* send nothing */
};

enum boot_match {
	BOOT_MATCH_NONE,	/* unknown computer */
	BOOT_MATCH_MAC,
	BOOT_MATCH_UUID,
	BOOT_MATCH_BOTH,	/* MAC and UUID found the same record */
	BOOT_MATCH_UUID_OVER_MAC,	/* both matched, different records: UUID won */
};

enum boot_err {
	BOOT_OK = 0,
	BOOT_ERR_NO_PROFILE,	/* the host's or unknown profile is not configured */
	BOOT_ERR_NO_FILE,	/* the profile has no file for this arch (PXE-E53) */
	BOOT_ERR__MAX,
};

const char *boot_strerror(enum boot_err e);

#define BOOT_REASON_MAX 256

struct boot_decision {
	enum boot_verdict verdict;
	enum boot_err err;		/* BOOT_OK unless a configuration gap */
	const char *file;		/* into the profile; NULL when ignoring */
	const struct cfg_profile *profile;	/* NULL when none applied */
	const struct boot_host *host;	/* record used; NULL for unknown */
	enum boot_match match;
	bool consume_once;		/* disarm host's once before replying */
	/* Not at the answer: disarm once this file is served completely
	 * (the profile's once_until = "file:NAME"); NULL otherwise. */
	const char *consume_on_file;
	char reason[BOOT_REASON_MAX];	/* one line for the trace */
};

/* Fills ret_d. Never fails: gaps come back as BOOT_IGNORE with an err. */
void boot_decide(const struct boot_request *req, const struct boot_lookup *found,
	const struct boot_policy *pol, struct boot_decision *ret_d);

/*
 * once_until = "file:NAME": true when served (a path as a client asked for
 * it over TFTP) is NAME, both canonical ('\\' and '/' alike, no leading
 * '/'), compared without case when case_insensitive (tftp.case_insensitive).
 */
bool boot_once_file_done(const struct cfg_profile *p, const char *served,
	bool case_insensitive);

/* The profile's file for an arch ("" when none); NULL for an unknown arch. */
const char *boot_arch_file(const struct cfg_profile *p, enum dhcp_arch arch);

/* The profile's HTTP Boot file for an arch ("" when none); NULL when no
 * profile key exists for that arch. */
const char *boot_http_file(const struct cfg_profile *p, enum dhcp_arch arch);

#endif /* PXELINE_DATAPLANE_DHCP_BOOTACTION_H */
