/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * boot_decide(): the decision table, row by row, and the one-shot life cycle
 * (armed -> consumed -> abort).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/dhcp/bootaction.h"
#include "unit.h"

static const struct cfg_profile profiles[] = {
	{ .name = "default", .bios = "undionly.kpxe", .efi_x64 = "ipxe.efi",
	  .abort = "abortpxe.com", .ipxe = "boot.ipxe", .http_efi_x64 = "boot.efi",
	  .http_arm64 = "arm64/boot.efi" },
	{ .name = "reimage", .bios = "boot/pxeboot.com", .efi_x64 = "boot/bootmgfw.efi",
	  .efi_ia32 = "boot/ia32/bootmgfw.efi", .arm64 = "boot/arm64/bootmgfw.efi",
	  .abort = "boot/abortpxe.com", .http_efi_x64 = "boot/http/bootmgfw.efi" },
	{ .name = "noabort", .bios = "pxelinux.0", .arm32 = "grub-arm.efi" },
	{ .name = "unk", .bios = "unknown.kpxe", .efi_x64 = "unknown.efi",
	  .abort = "abort-unknown.com", .ipxe = "http://192.0.2.1/unknown.ipxe",
	  .http_efi_x64 = "unknown-http.efi" },
};

static const struct boot_host h_default = { 1, "pc-mac", BOOT_ACTION_BOOT, "default", false };
static const struct boot_host h_reimage = { 2, "pc-uuid", BOOT_ACTION_BOOT, "reimage", false };
static const struct boot_host h_reimage_copy = { 2, "pc-uuid", BOOT_ACTION_BOOT, "reimage", false };
static const struct boot_host h_once_armed = { 3, "lab7", BOOT_ACTION_ONCE, "reimage", true };
static const struct boot_host h_once_used = { 3, "lab7", BOOT_ACTION_ONCE, "reimage", false };
static const struct boot_host h_abort = { 4, "", BOOT_ACTION_ABORT, "reimage", false };
static const struct boot_host h_ignore = { 5, "printer", BOOT_ACTION_IGNORE, "default", false };
static const struct boot_host h_abort_none = { 6, "", BOOT_ACTION_ABORT, "noabort", false };
static const struct boot_host h_ghost = { 7, "ghost", BOOT_ACTION_BOOT, "deleted", false };
static const struct boot_host h_ignore_ghost = { 8, "", BOOT_ACTION_IGNORE, "deleted", false };
static const struct boot_host h_bad_action = { 9, "", (enum boot_action)42, "default", false };
static const struct boot_host h_noabort_boot = { 12, "", BOOT_ACTION_BOOT, "noabort", false };
static const struct boot_host h_once_noabort = { 10, "", BOOT_ACTION_ONCE, "noabort", false };

struct row {
	const char *name;
	const struct boot_host *by_mac, *by_uuid;
	enum dhcp_arch arch;
	bool is_ipxe;
	enum cfg_unknown_action unknown;
	const char *unknown_profile;
	/* expected */
	enum boot_verdict verdict;
	const char *file;		/* NULL when ignoring */
	enum boot_err err;
	enum boot_match match;
	bool consume;
	const char *reason1, *reason2;	/* substrings of the reason */
};

#define BIOS DHCP_ARCH_BIOS
#define X64 DHCP_ARCH_EFI_X64
#define UB CFG_UNKNOWN_BOOT
#define UA CFG_UNKNOWN_ABORT
#define UI CFG_UNKNOWN_IGNORE

static const struct row rows[] = {
	/* who is it */
	{ "host by MAC", &h_default, NULL, BIOS, false, UB, "unk",
	  BOOT_REPLY, "undionly.kpxe", BOOT_OK, BOOT_MATCH_MAC, false,
	  "known by MAC as pc-mac, action boot", "profile default" },
	{ "host by MAC, x64", &h_default, NULL, X64, false, UB, "unk",
	  BOOT_REPLY, "ipxe.efi", BOOT_OK, BOOT_MATCH_MAC, false, "efi-x64 file ipxe.efi", NULL },
	{ "host by UUID", NULL, &h_reimage, X64, false, UB, "unk",
	  BOOT_REPLY, "boot/bootmgfw.efi", BOOT_OK, BOOT_MATCH_UUID, false,
	  "known by UUID as pc-uuid", "profile reimage" },
	{ "both match, different records: UUID wins", &h_default, &h_reimage, BIOS, false, UB, "unk",
	  BOOT_REPLY, "boot/pxeboot.com", BOOT_OK, BOOT_MATCH_UUID_OVER_MAC, false,
	  "MAC matches another record", "profile reimage" },
	{ "both match the same record", &h_reimage, &h_reimage, BIOS, false, UB, "unk",
	  BOOT_REPLY, "boot/pxeboot.com", BOOT_OK, BOOT_MATCH_BOTH, false, "known by MAC and UUID", NULL },
	{ "both match, same id, two copies", &h_reimage_copy, &h_reimage, BIOS, false, UB, "unk",
	  BOOT_REPLY, "boot/pxeboot.com", BOOT_OK, BOOT_MATCH_BOTH, false, "known by MAC and UUID", NULL },
	/* unknown computers */
	{ "unknown, policy boot", NULL, NULL, X64, false, UB, "unk",
	  BOOT_REPLY, "unknown.efi", BOOT_OK, BOOT_MATCH_NONE, false,
	  "unknown computer: policy boot", "profile unk" },
	{ "unknown, policy abort", NULL, NULL, BIOS, false, UA, "unk",
	  BOOT_REPLY, "abort-unknown.com", BOOT_OK, BOOT_MATCH_NONE, false,
	  "unknown computer: policy abort", "abort file" },
	{ "unknown, policy ignore", NULL, NULL, BIOS, false, UI, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_NONE, false, "unknown computer: policy ignore", NULL },
	{ "unknown, policy abort, no abort file", NULL, NULL, BIOS, false, UA, "noabort",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_NONE, false, "no abort file", "PXE-E53" },
	{ "unknown, policy abort, no profile", NULL, NULL, BIOS, false, UA, "",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_NONE, false, "policy abort", "staying silent" },
	{ "unknown, policy boot, profile missing", NULL, NULL, BIOS, false, UB, "nosuch",
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_PROFILE, BOOT_MATCH_NONE, false, "\"nosuch\" is not configured", "PXE-E53" },
	{ "unknown, iPXE client gets the script", NULL, NULL, BIOS, true, UB, "unk",
	  BOOT_REPLY, "http://192.0.2.1/unknown.ipxe", BOOT_OK, BOOT_MATCH_NONE, false, "iPXE client", NULL },
	/* actions */
	{ "once armed", NULL, &h_once_armed, X64, false, UB, "unk",
	  BOOT_REPLY, "boot/bootmgfw.efi", BOOT_OK, BOOT_MATCH_UUID, true,
	  "known by UUID as lab7, action once (armed): profile reimage", NULL },
	{ "once consumed: abort", &h_once_used, NULL, X64, false, UB, "unk",
	  BOOT_REPLY, "boot/abortpxe.com", BOOT_OK, BOOT_MATCH_MAC, false, "once (consumed)", "abort file" },
	{ "once armed, no file for arch: not consumed", NULL, &h_once_armed, DHCP_ARCH_ARM32, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, BOOT_MATCH_UUID, false, "no arm32 file", "PXE-E53" },
	{ "once consumed, no abort file", &h_once_noabort, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_MAC, false, "once (consumed)", "no abort file" },
	{ "abort", &h_abort, NULL, BIOS, false, UB, "unk",
	  BOOT_REPLY, "boot/abortpxe.com", BOOT_OK, BOOT_MATCH_MAC, false, "known by MAC, action abort", NULL },
	{ "abort with iPXE client still aborts", &h_abort, NULL, BIOS, true, UB, "unk",
	  BOOT_REPLY, "boot/abortpxe.com", BOOT_OK, BOOT_MATCH_MAC, false, "action abort", NULL },
	{ "abort, profile has no abort file", &h_abort_none, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_MAC, false, "no abort file", "next boot device" },
	{ "ignore", &h_ignore, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_MAC, false, "action ignore", "staying silent" },
	{ "ignore wins over unknown boot policy", NULL, &h_ignore, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_UUID, false, "action ignore", NULL },
	{ "ignore with a deleted profile is still ignore", &h_ignore_ghost, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_MAC, false, "action ignore", NULL },
	{ "invalid action in record", &h_bad_action, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_OK, BOOT_MATCH_MAC, false, "invalid action", NULL },
	/* iPXE */
	{ "iPXE client gets the script", &h_default, NULL, BIOS, true, UB, "unk",
	  BOOT_REPLY, "boot.ipxe", BOOT_OK, BOOT_MATCH_MAC, false, "iPXE client: script boot.ipxe", NULL },
	{ "iPXE client, EFI, gets the script", &h_default, NULL, X64, true, UB, "unk",
	  BOOT_REPLY, "boot.ipxe", BOOT_OK, BOOT_MATCH_MAC, false, "iPXE client", NULL },
	{ "iPXE client, profile without script: arch file", &h_reimage, NULL, X64, true, UB, "unk",
	  BOOT_REPLY, "boot/bootmgfw.efi", BOOT_OK, BOOT_MATCH_MAC, false, "efi-x64 file", NULL },
	/* configuration gaps */
	{ "missing arch file: PXE-E53", &h_default, NULL, DHCP_ARCH_ARM64, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, BOOT_MATCH_MAC, false,
	  "profile default has no arm64 file", "PXE-E53 \"no boot filename received\"" },
	{ "unknown arch: PXE-E53", &h_default, NULL, DHCP_ARCH_UNKNOWN, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, BOOT_MATCH_MAC, false, "no unknown file", "PXE-E53" },
	{ "host profile deleted", &h_ghost, NULL, BIOS, false, UB, "unk",
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_PROFILE, BOOT_MATCH_MAC, false, "\"deleted\" is not configured", "PXE-E53" },
	{ "other archs map to their fields (ia32)", NULL, &h_reimage, DHCP_ARCH_EFI_IA32, false, UB, "unk",
	  BOOT_REPLY, "boot/ia32/bootmgfw.efi", BOOT_OK, BOOT_MATCH_UUID, false, NULL, NULL },
	{ "other archs map to their fields (arm32)", &h_noabort_boot, NULL, DHCP_ARCH_ARM32, false, UB, "unk",
	  BOOT_REPLY, "grub-arm.efi", BOOT_OK, BOOT_MATCH_MAC, false, "arm32 file grub-arm.efi", NULL },
};

/* UEFI HTTP Boot clients: the http_ file per arch, or silence. */
struct http_row {
	const char *name;
	const struct boot_host *by_mac;
	enum dhcp_arch arch;
	bool is_ipxe;
	enum cfg_unknown_action unknown;
	enum boot_verdict verdict;
	const char *file;
	enum boot_err err;
	const char *reason1;
};

static const struct http_row http_rows[] = {
	{ "x64 HTTP (16)", &h_default, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_REPLY, "boot.efi", BOOT_OK, "HTTP Boot efi-x64-http file boot.efi" },
	{ "x64 arch 7 saying HTTPClient", &h_default, X64, false, UB,
	  BOOT_REPLY, "boot.efi", BOOT_OK, "HTTP Boot efi-x64 file" },
	{ "arm64 HTTP (19)", &h_default, DHCP_ARCH_ARM64_HTTP, false, UB,
	  BOOT_REPLY, "arm64/boot.efi", BOOT_OK, "arm64-http file arm64/boot.efi" },
	{ "arm64 (11) saying HTTPClient", &h_default, DHCP_ARCH_ARM64, false, UB,
	  BOOT_REPLY, "arm64/boot.efi", BOOT_OK, NULL },
	{ "ia32 HTTP (15): no key, silent", &h_default, DHCP_ARCH_EFI_IA32_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, "has no http_ file for efi-ia32-http" },
	{ "arm32 HTTP (18): no key, silent", &h_default, DHCP_ARCH_ARM32_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, "HTTP Boot client gets no answer" },
	{ "BIOS HTTP (20): no key, silent", &h_default, DHCP_ARCH_BIOS_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, "bios-http" },
	{ "riscv64 HTTP (28): no key, silent", &h_default, DHCP_ARCH_RISCV64_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, "riscv64-http" },
	{ "profile without http_arm64: silent", &h_reimage, DHCP_ARCH_ARM64_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, "profile reimage has no http_ file" },
	{ "profile without any http_ file: silent, not its PXE file", &h_noabort_boot,
	  DHCP_ARCH_EFI_X64_HTTP, false, UB, BOOT_IGNORE, NULL, BOOT_ERR_NO_FILE, NULL },
	{ "HTTP client never gets the iPXE script", &h_default, DHCP_ARCH_EFI_X64_HTTP, true, UB,
	  BOOT_REPLY, "boot.efi", BOOT_OK, NULL },
	{ "abort: no abort file over HTTP", &h_abort, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_OK, "staying silent" },
	{ "once consumed: silent", &h_once_used, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_OK, "once (consumed)" },
	{ "once armed: the file, consumed", &h_once_armed, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_REPLY, "boot/http/bootmgfw.efi", BOOT_OK, "action once (armed)" },
	{ "ignore: silent", &h_ignore, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_IGNORE, NULL, BOOT_OK, "action ignore" },
	{ "unknown, policy boot", NULL, DHCP_ARCH_EFI_X64_HTTP, false, UB,
	  BOOT_REPLY, "unknown-http.efi", BOOT_OK, "policy boot" },
	{ "unknown, policy abort: silent", NULL, DHCP_ARCH_EFI_X64_HTTP, false, UA,
	  BOOT_IGNORE, NULL, BOOT_OK, "policy abort" },
};

static void
test_http(void)
{
	struct boot_policy pol = { profiles, sizeof(profiles) / sizeof(profiles[0]), UB, "unk" };
	size_t i;

	for (i = 0; i < sizeof(http_rows) / sizeof(http_rows[0]); i++) {
		const struct http_row *r = &http_rows[i];
		struct boot_request req = { .arch = r->arch, .is_ipxe = r->is_ipxe, .http = true };
		struct boot_lookup found = { r->by_mac, NULL };
		struct boot_decision d;
		bool ok;

		pol.unknown_action = r->unknown;
		boot_decide(&req, &found, &pol, &d);
		ok = d.verdict == r->verdict && d.err == r->err &&
			(r->file ? d.file && strcmp(d.file, r->file) == 0 : d.file == NULL) &&
			(!r->reason1 || strstr(d.reason, r->reason1));
		if (!ok)
			fprintf(stderr, "\n  row \"%s\": verdict %d err %d file %s reason \"%s\"",
				r->name, d.verdict, d.err, d.file ? d.file : "(null)", d.reason);
		CU_ASSERT(ok);
		CU_ASSERT(d.consume_once == (r->by_mac == &h_once_armed));
	}
	/* Only x64 and arm64 have profile keys. */
	CU_ASSERT_STRING_EQUAL(boot_http_file(&profiles[0], DHCP_ARCH_EFI_X64_HTTP), "boot.efi");
	CU_ASSERT_PTR_NULL(boot_http_file(&profiles[0], DHCP_ARCH_BIOS));
	CU_ASSERT_PTR_NULL(boot_http_file(&profiles[0], DHCP_ARCH_EFI_IA32_HTTP));
}

static void
test_table(void)
{
	struct boot_policy pol = { profiles, sizeof(profiles) / sizeof(profiles[0]), UB, "unk" };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct boot_request req = { .arch = r->arch, .is_ipxe = r->is_ipxe };
		struct boot_lookup found = { r->by_mac, r->by_uuid };
		struct boot_decision d;
		bool ok;

		pol.unknown_action = r->unknown;
		pol.unknown_profile = r->unknown_profile;
		boot_decide(&req, &found, &pol, &d);
		ok = d.verdict == r->verdict && d.err == r->err && d.match == r->match &&
			d.consume_once == r->consume &&
			(r->file ? d.file && strcmp(d.file, r->file) == 0 : d.file == NULL) &&
			(!r->reason1 || strstr(d.reason, r->reason1)) &&
			(!r->reason2 || strstr(d.reason, r->reason2));
		if (!ok)
			fprintf(stderr, "\n  row '%s': verdict %d err %d match %d consume %d file %s\n"
				"    reason: %s\n", r->name, d.verdict, d.err, d.match,
				d.consume_once, d.file ? d.file : "(null)", d.reason);
		CU_ASSERT(ok);
		/* invariants of every decision */
		CU_ASSERT((d.verdict == BOOT_REPLY) == (d.file != NULL));
		CU_ASSERT(d.verdict == BOOT_REPLY || !d.consume_once);
		CU_ASSERT(d.err == BOOT_OK || d.verdict == BOOT_IGNORE);
		CU_ASSERT(strlen(d.reason) > 0);
		CU_ASSERT((d.host == NULL) == (d.match == BOOT_MATCH_NONE));
		if (d.verdict == BOOT_REPLY)
			CU_ASSERT_PTR_NOT_NULL(d.profile);
	}
}

/* The one shot: armed -> boot and consume; caller commits; next time abort. */
static void
test_once_lifecycle(void)
{
	struct boot_policy pol = { profiles, sizeof(profiles) / sizeof(profiles[0]), UI, "" };
	struct boot_host host = { 11, "lab8", BOOT_ACTION_ONCE, "reimage", true };
	struct boot_request req = { .arch = X64 };
	struct boot_lookup found = { &host, NULL };
	struct boot_decision d;

	boot_decide(&req, &found, &pol, &d);
	CU_ASSERT_EQUAL(d.verdict, BOOT_REPLY);
	CU_ASSERT(d.consume_once);
	CU_ASSERT_PTR_EQUAL(d.host, &host);
	CU_ASSERT_STRING_EQUAL(d.file, "boot/bootmgfw.efi");
	CU_ASSERT_PTR_NOT_NULL(strstr(d.reason, "action once (armed): profile reimage"));

	/* A retransmitted DISCOVER before the commit decides the same way. */
	boot_decide(&req, &found, &pol, &d);
	CU_ASSERT(d.consume_once);

	host.once_armed = false;	/* what the caller commits */
	boot_decide(&req, &found, &pol, &d);
	CU_ASSERT_EQUAL(d.verdict, BOOT_REPLY);
	CU_ASSERT_FALSE(d.consume_once);
	CU_ASSERT_STRING_EQUAL(d.file, "boot/abortpxe.com");
	CU_ASSERT_PTR_NOT_NULL(strstr(d.reason, "once (consumed)"));

	/* iPXE's second DHCP after a consumed once aborts too. */
	req.is_ipxe = true;
	boot_decide(&req, &found, &pol, &d);
	CU_ASSERT_STRING_EQUAL(d.file, "boot/abortpxe.com");
}

/* No lookup struct, no profiles: still a defined answer. */
static void
test_edges(void)
{
	struct boot_policy empty = { NULL, 0, UB, "default" };
	struct boot_request req = { .arch = BIOS };
	struct boot_decision d;

	boot_decide(&req, NULL, &empty, &d);
	CU_ASSERT_EQUAL(d.verdict, BOOT_IGNORE);
	CU_ASSERT_EQUAL(d.err, BOOT_ERR_NO_PROFILE);
	CU_ASSERT_EQUAL(d.match, BOOT_MATCH_NONE);
	empty.unknown_profile = NULL;
	boot_decide(&req, NULL, &empty, &d);
	CU_ASSERT_EQUAL(d.err, BOOT_ERR_NO_PROFILE);
}

static void
test_from_config(void)
{
	static struct pxeline_config cfg;
	struct boot_policy pol;
	struct boot_request req = { .arch = X64 };
	struct boot_decision d;

	cfg.n_profiles = 1;
	cfg.profiles[0] = profiles[3];
	cfg.unknown_action = CFG_UNKNOWN_BOOT;
	strcpy(cfg.unknown_profile, "unk");
	pol = boot_policy_from_config(&cfg);
	CU_ASSERT_EQUAL(pol.n_profiles, 1);
	boot_decide(&req, NULL, &pol, &d);
	CU_ASSERT_EQUAL(d.verdict, BOOT_REPLY);
	CU_ASSERT_STRING_EQUAL(d.file, "unknown.efi");
	CU_ASSERT_PTR_EQUAL(d.profile, &cfg.profiles[0]);
}

static void
test_names(void)
{
	int i;

	for (i = 0; i < BOOT_ACTION__MAX; i++)
		CU_ASSERT_STRING_NOT_EQUAL(boot_action_name(i), "invalid");
	CU_ASSERT_STRING_EQUAL(boot_action_name(BOOT_ACTION__MAX), "invalid");
	for (i = 0; i < BOOT_ERR__MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL(boot_strerror(i));
		CU_ASSERT_STRING_NOT_EQUAL(boot_strerror(i), "unknown boot error");
	}
	CU_ASSERT_STRING_EQUAL(boot_strerror(BOOT_ERR__MAX), "unknown boot error");
	CU_ASSERT_STRING_EQUAL(boot_arch_file(&profiles[1], DHCP_ARCH_ARM64), "boot/arm64/bootmgfw.efi");
	CU_ASSERT_STRING_EQUAL(boot_arch_file(&profiles[2], DHCP_ARCH_ARM32), "grub-arm.efi");
	CU_ASSERT_PTR_NULL(boot_arch_file(&profiles[0], DHCP_ARCH_UNKNOWN));
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "decision table", test_table },
		{ "HTTP Boot rows", test_http },
		{ "once life cycle", test_once_lifecycle },
		{ "edges", test_edges },
		{ "policy from config", test_from_config },
		{ "names", test_names },
		{ NULL, NULL },
	};

	return unit_run("bootaction", tests);
}
