/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostdb: CRUD, lookups by MAC and UUID, uniqueness, the one-shot taken
 * exactly once across close/reopen (a restart), persistence, text forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>

#include "control/hostdb.h"
#include "unit.h"
#include "unit_host.h"
#include "unit_tmpdir.h"

static char tmpdir[256];
static char dbpath[512];

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac2[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
static const uint8_t uuid1[16] = { 0x4c, 0x4c, 0x45, 0x44, 0x00, 0x10, 0x80, 0x31,
				   0x80, 0x53, 0xb4, 0xc0, 0x4f, 0x4e, 0x39, 0x32 };

static int
setup_dir(void)
{
	if (unit_tmpdir_make(tmpdir, sizeof(tmpdir), "test_hostdb") != 0)
		return -1;
	/* A directory that does not exist yet: open must create it. */
	snprintf(dbpath, sizeof(dbpath), "%s/var/lib/pxeline/state.db", tmpdir);
	return 0;
}

static int
cleanup_dir(void)
{
	return unit_tmpdir_remove(tmpdir);
}

static void
test_text_forms(void)
{
	char s[HOSTDB_UUID_STRLEN];
	uint8_t b[16];
	static const struct {
		const char *name, *text;
		int ok;
	} uuids[] = {
		{ "canonical lowercase", "4c4c4544-0010-8031-8053-b4c04f4e3932", 1 },
		{ "uppercase", "4C4C4544-0010-8031-8053-B4C04F4E3932", 1 },
		{ "no dashes", "4c4c454400108031 8053b4c04f4e3932", 0 },
		{ "dash misplaced", "4c4c454-40010-8031-8053-b4c04f4e3932", 0 },
		{ "non-hex", "4c4c4544-0010-8031-8053-b4c04f4e393g", 0 },
		{ "one char short", "4c4c4544-0010-8031-8053-b4c04f4e393", 0 },
		{ "one char long", "4c4c4544-0010-8031-8053-b4c04f4e39322", 0 },
		{ "braces", "{4c4c4544-0010-8031-8053-b4c04f4e39}", 0 },
		{ "empty", "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(uuids) / sizeof(uuids[0]); i++) {
		int r = hostdb_parse_uuid(uuids[i].text, b);

		if ((r == 0) != uuids[i].ok)
			fprintf(stderr, "row '%s' failed\n", uuids[i].name);
		CU_ASSERT_EQUAL(r == 0, uuids[i].ok);
		if (uuids[i].ok)
			CU_ASSERT_EQUAL(memcmp(b, uuid1, 16), 0);
	}
	hostdb_uuid_str(uuid1, s);
	CU_ASSERT_STRING_EQUAL(s, "4c4c4544-0010-8031-8053-b4c04f4e3932");
	hostdb_mac_str(mac2, s);
	CU_ASSERT_STRING_EQUAL(s, "52:54:00:ab:cd:ef");
	CU_ASSERT_EQUAL(hostdb_parse_mac("52-54-00-AB-CD-EF", b), 0);
	CU_ASSERT_EQUAL(memcmp(b, mac2, 6), 0);
	CU_ASSERT_EQUAL(hostdb_parse_mac("52:54:00:ab:cd", b), -1);
	CU_ASSERT_EQUAL(hostdb_parse_mac("52:54:00:ab:cd:ef:00", b), -1);
	CU_ASSERT_EQUAL(hostdb_parse_action("once"), BOOT_ACTION_ONCE);
	CU_ASSERT_EQUAL(hostdb_parse_action("ignore"), BOOT_ACTION_IGNORE);
	CU_ASSERT_EQUAL(hostdb_parse_action("Boot"), -1);
	CU_ASSERT_EQUAL(hostdb_parse_action(""), -1);
	CU_ASSERT_STRING_NOT_EQUAL(hostdb_strerror(HOSTDB_ERR_EXISTS), "");
	CU_ASSERT_STRING_EQUAL(hostdb_strerror(HOSTDB_ERR__MAX), "unknown hostdb error");
}

static void
test_crud(void)
{
	struct hostdb *db;
	struct hostdb_host h, got;
	int64_t id1, id2;

	CU_ASSERT_EQUAL_FATAL(hostdb_open(":memory:", &db), HOSTDB_OK);
	h = unit_host(mac1, NULL, BOOT_ACTION_BOOT, "default", "rack1-07");
	CU_ASSERT_EQUAL(hostdb_add(db, &h, &id1), HOSTDB_OK);
	CU_ASSERT(id1 > 0);
	h = unit_host(NULL, uuid1, BOOT_ACTION_ONCE, "reimage", "");
	CU_ASSERT_EQUAL(hostdb_add(db, &h, &id2), HOSTDB_OK);
	CU_ASSERT(id2 != id1);

	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac1, &got), HOSTDB_OK);
	CU_ASSERT_EQUAL(got.h.id, id1);
	CU_ASSERT_STRING_EQUAL(got.h.name, "rack1-07");
	CU_ASSERT_STRING_EQUAL(got.h.profile, "default");
	CU_ASSERT_EQUAL(got.h.action, BOOT_ACTION_BOOT);
	CU_ASSERT(got.has_mac && !got.has_uuid);
	CU_ASSERT(got.created > 0 && got.last_seen == 0);

	CU_ASSERT_EQUAL(hostdb_lookup_uuid(db, uuid1, &got), HOSTDB_OK);
	CU_ASSERT_EQUAL(got.h.id, id2);
	CU_ASSERT(got.h.once_armed);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac2, &got), HOSTDB_ERR_NOT_FOUND);

	/* set: give host 1 the UUID of host 2 -> refused; a new MAC -> fine */
	CU_ASSERT_EQUAL(hostdb_get(db, id1, &got), HOSTDB_OK);
	got.has_uuid = true;
	memcpy(got.uuid, uuid1, 16);
	CU_ASSERT_EQUAL(hostdb_set(db, &got), HOSTDB_ERR_EXISTS);
	got.has_uuid = false;
	memcpy(got.mac, mac2, 6);
	got.h.action = BOOT_ACTION_ABORT;
	CU_ASSERT_EQUAL(hostdb_set(db, &got), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac1, &got), HOSTDB_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac2, &got), HOSTDB_OK);
	CU_ASSERT_EQUAL(got.h.action, BOOT_ACTION_ABORT);
	CU_ASSERT_FALSE(got.h.once_armed);

	/* record_seen */
	CU_ASSERT_EQUAL(hostdb_record_seen(db, id1, "efi-x64", "boot", "ipxe.efi"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_get(db, id1, &got), HOSTDB_OK);
	CU_ASSERT(got.last_seen > 0);
	CU_ASSERT_STRING_EQUAL(got.last_arch, "efi-x64");
	CU_ASSERT_STRING_EQUAL(got.last_file, "ipxe.efi");
	CU_ASSERT_EQUAL(hostdb_record_seen(db, 9999, "bios", "boot", "x"), HOSTDB_ERR_NOT_FOUND);

	/* del */
	CU_ASSERT_EQUAL(hostdb_del(db, id1), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_del(db, id1), HOSTDB_ERR_NOT_FOUND);
	CU_ASSERT_EQUAL(hostdb_get(db, id1, &got), HOSTDB_ERR_NOT_FOUND);
	got.h.id = id1;
	CU_ASSERT_EQUAL(hostdb_set(db, &got), HOSTDB_ERR_NOT_FOUND);
	hostdb_close(db);
}

/* Named hostile rows: records add must refuse. */
static void
test_add_refused(void)
{
	struct hostdb *db;
	struct hostdb_host h;
	char longname[80];
	static const uint8_t mac1_again[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct {
		const char *name;
		struct hostdb_host h;
		enum hostdb_err want;
	} rows[6];
	size_t i;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CU_ASSERT_EQUAL_FATAL(hostdb_open(":memory:", &db), HOSTDB_OK);
	h = unit_host(mac1, uuid1, BOOT_ACTION_BOOT, "default", "");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, NULL), HOSTDB_OK);

	rows[0].name = "same MAC again";
	rows[0].h = unit_host(mac1_again, NULL, BOOT_ACTION_ABORT, "default", "");
	rows[0].want = HOSTDB_ERR_EXISTS;
	rows[1].name = "same UUID, other MAC";
	rows[1].h = unit_host(mac2, uuid1, BOOT_ACTION_ABORT, "default", "");
	rows[1].want = HOSTDB_ERR_EXISTS;
	rows[2].name = "no key";
	rows[2].h = unit_host(NULL, NULL, BOOT_ACTION_ABORT, "default", "");
	rows[2].want = HOSTDB_ERR_NO_KEY;
	rows[3].name = "once without profile";
	rows[3].h = unit_host(mac2, NULL, BOOT_ACTION_ONCE, "", "");
	rows[3].want = HOSTDB_ERR_NO_PROFILE;
	rows[4].name = "action out of range";
	rows[4].h = unit_host(mac2, NULL, BOOT_ACTION__MAX, "default", "");
	rows[4].want = HOSTDB_ERR_ACTION;
	rows[5].name = "name without NUL";
	rows[5].h = unit_host(mac2, NULL, BOOT_ACTION_IGNORE, "", "");
	memset(rows[5].h.h.name, 'n', sizeof(rows[5].h.h.name));
	rows[5].want = HOSTDB_ERR_NAME;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum hostdb_err e = hostdb_add(db, &rows[i].h, NULL);

		if (e != rows[i].want)
			fprintf(stderr, "row '%s': %s\n", rows[i].name, hostdb_strerror(e));
		CU_ASSERT_EQUAL(e, rows[i].want);
	}
	/* ignore needs no profile */
	h = unit_host(mac2, NULL, BOOT_ACTION_IGNORE, "", "printer");
	CU_ASSERT_EQUAL(hostdb_add(db, &h, NULL), HOSTDB_OK);
	hostdb_close(db);
}

static int
count_row(void *arg, const struct hostdb_host *h)
{
	int *n = arg;

	CU_ASSERT(h->h.id > 0);
	(*n)++;
	return 0;
}

static int
stop_after_one(void *arg, const struct hostdb_host *h)
{
	(void)h;
	(*(int *)arg)++;
	return 1;
}

static void
test_list(void)
{
	struct hostdb *db;
	struct hostdb_host h;
	uint8_t mac[6];
	int i, n = 0;

	CU_ASSERT_EQUAL_FATAL(hostdb_open(":memory:", &db), HOSTDB_OK);
	for (i = 0; i < 50; i++) {
		memcpy(mac, mac1, 6);
		mac[5] = (uint8_t)i;
		h = unit_host(mac, NULL, BOOT_ACTION_ABORT, "default", "");
		CU_ASSERT_EQUAL(hostdb_add(db, &h, NULL), HOSTDB_OK);
	}
	CU_ASSERT_EQUAL(hostdb_list(db, count_row, &n), HOSTDB_OK);
	CU_ASSERT_EQUAL(n, 50);
	n = 0;
	CU_ASSERT_EQUAL(hostdb_list(db, stop_after_one, &n), HOSTDB_OK);
	CU_ASSERT_EQUAL(n, 1);
	hostdb_close(db);
}

/* The one shot is taken once: by one caller, also across a restart. */
static void
test_consume_once_restart(void)
{
	struct hostdb *db;
	struct hostdb_host h;
	bool consumed;
	int64_t id, id_boot;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &db), HOSTDB_OK);
	CU_ASSERT_EQUAL(stat(dbpath, &st), 0);
	h = unit_host(mac1, uuid1, BOOT_ACTION_ONCE, "reimage", "lab7");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	h = unit_host(mac2, NULL, BOOT_ACTION_BOOT, "default", "");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id_boot), HOSTDB_OK);
	/* A boot host has no shot to take. */
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id_boot, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	/* Restart without an orderly close of anything else. */
	hostdb_close(db);

	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac1, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	CU_ASSERT_STRING_EQUAL(h.h.name, "lab7");
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	/* Re-armed by the operator: one more shot, and only one. */
	h.h.once_armed = true;
	CU_ASSERT_EQUAL(hostdb_set(db, &h), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_batch_begin(db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_record_seen(db, id, "bios", "once", "pxeboot.com"), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_FALSE(consumed);
	CU_ASSERT_EQUAL(hostdb_batch_end(db), HOSTDB_OK);
	hostdb_close(db);

	CU_ASSERT_EQUAL_FATAL(hostdb_open(dbpath, &db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_get(db, id, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	CU_ASSERT_STRING_EQUAL(h.last_file, "pxeboot.com");
	CU_ASSERT_EQUAL(hostdb_get(db, id_boot, &h), HOSTDB_OK);
	hostdb_close(db);
}

/*
 * A consumed one-shot committed inside a batch is on disk before
 * consume_once returns: a second connection (another process after kill -9
 * would see the same file) reads it while the first is still open.
 */
static void
test_consume_visible_to_other_connection(void)
{
	struct hostdb *db, *other;
	struct hostdb_host h;
	char path[600];
	bool consumed;
	int64_t id;

	snprintf(path, sizeof(path), "%s/two.db", tmpdir);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(path, &db), HOSTDB_OK);
	h = unit_host(mac1, NULL, BOOT_ACTION_ONCE, "reimage", "");
	CU_ASSERT_EQUAL_FATAL(hostdb_add(db, &h, &id), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_batch_begin(db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_consume_once(db, id, true, &consumed, NULL), HOSTDB_OK);
	CU_ASSERT_TRUE(consumed);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(path, &other), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_get(other, id, &h), HOSTDB_OK);
	CU_ASSERT_FALSE(h.h.once_armed);
	hostdb_close(other);
	CU_ASSERT_EQUAL(hostdb_batch_end(db), HOSTDB_OK);
	hostdb_close(db);
}

/* Schema: a database from a newer pxeline is refused, not damaged. */
static void
test_schema_version(void)
{
	struct hostdb *db;
	sqlite3 *s;
	char path[600];

	snprintf(path, sizeof(path), "%s/newer.db", tmpdir);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(path, &db), HOSTDB_OK);
	hostdb_close(db);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &s), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(s, "INSERT INTO schema_version VALUES (99);", NULL, NULL,
				     NULL), SQLITE_OK);
	sqlite3_close(s);
	CU_ASSERT_EQUAL(hostdb_open(path, &db), HOSTDB_ERR_VERSION);
	CU_ASSERT_PTR_NULL(db);
	/* Reopening an up-to-date database migrates nothing and loses nothing. */
	snprintf(path, sizeof(path), "%s/again.db", tmpdir);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(path, &db), HOSTDB_OK);
	struct hostdb_host h = unit_host(mac1, NULL, BOOT_ACTION_ABORT, "default", "");
	CU_ASSERT_EQUAL(hostdb_add(db, &h, NULL), HOSTDB_OK);
	hostdb_close(db);
	CU_ASSERT_EQUAL_FATAL(hostdb_open(path, &db), HOSTDB_OK);
	CU_ASSERT_EQUAL(hostdb_lookup_mac(db, mac1, &h), HOSTDB_OK);
	hostdb_close(db);
	/* A path whose parent is a file cannot be created. */
	snprintf(path, sizeof(path), "%s/newer.db/sub/x.db", tmpdir);
	CU_ASSERT_EQUAL(hostdb_open(path, &db), HOSTDB_ERR_PATH);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "text forms", test_text_forms },
		{ "add, lookup, set, del", test_crud },
		{ "add refused (hostile rows)", test_add_refused },
		{ "list", test_list },
		{ "consume_once across restart", test_consume_once_restart },
		{ "consume_once committed inside a batch", test_consume_visible_to_other_connection },
		{ "schema version", test_schema_version },
		{ NULL, NULL },
	};

	return unit_run_fixture("hostdb", setup_dir, cleanup_dir, tests);
}
