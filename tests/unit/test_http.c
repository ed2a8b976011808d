/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP Boot's pure parts: the boot URI, Range rows (hostile ones included)
 * against a naive reference on random input, Content-Type by extension.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/http.h"
#include "unit.h"

static void
test_uri(void)
{
	static const struct {
		uint32_t ip;
		uint16_t port;
		const char *file, *want;
	} rows[] = {
		{ 0xc0000202u, 80, "ipxe.efi", "http://192.0.2.2/ipxe.efi" },
		{ 0xc0000202u, 8080, "ipxe.efi", "http://192.0.2.2:8080/ipxe.efi" },
		{ 0xc0000202u, 80, "/boot/x64/boot.efi", "http://192.0.2.2/boot/x64/boot.efi" },
		{ 0xc0000202u, 80, "\\Boot\\bootmgfw.efi", "http://192.0.2.2/Boot/bootmgfw.efi" },
		{ 0x0a000001u, 80, "a b%c?#.efi", "http://10.0.0.1/a%20b%25c%3F%23.efi" },
		{ 0x0a000001u, 80, "caf\xc3\xa9.efi", "http://10.0.0.1/caf%C3%A9.efi" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_EQUAL(http_boot_uri(buf, sizeof(buf), rows[i].ip, rows[i].port,
					      rows[i].file), strlen(rows[i].want));
		CU_ASSERT_STRING_EQUAL(buf, rows[i].want);
	}
	CU_ASSERT_EQUAL(http_boot_uri(buf, sizeof(buf), 1, 80, ""), 0);
	CU_ASSERT_EQUAL(http_boot_uri(buf, sizeof(buf), 1, 80, "///"), 0);
	/* Exactly full and one short. */
	CU_ASSERT_EQUAL(http_boot_uri(buf, 24, 0xc0000202u, 80, "ipxe.efi"), 0);
	CU_ASSERT_EQUAL(http_boot_uri(buf, 26, 0xc0000202u, 80, "ipxe.efi"), 25);
	CU_ASSERT_EQUAL(http_boot_uri(buf, 25, 0xc0000202u, 80, "ipxe.efi"), 0);
	CU_ASSERT_EQUAL(http_boot_uri(buf, 20, 0xc0000202u, 80, "%%%%%"), 0);
}

static void
test_range_rows(void)
{
	static const struct {
		const char *hdr;
		uint64_t size;
		enum http_range want;
		uint64_t off, len;
	} rows[] = {
		{ NULL, 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=100-199", 1000, HTTP_RANGE_PARTIAL, 100, 100 },
		{ "bytes=0-0", 1000, HTTP_RANGE_PARTIAL, 0, 1 },
		{ "bytes=900-", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
		{ "bytes=900-5000", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
		{ "bytes=-100", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
		{ "bytes=-5000", 1000, HTTP_RANGE_PARTIAL, 0, 1000 },
		{ "Bytes = 1-2", 1000, HTTP_RANGE_PARTIAL, 1, 2 },
		{ "bytes=999-999", 1000, HTTP_RANGE_PARTIAL, 999, 1 },
		{ "bytes=1000-", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=1000-2000", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-0", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
		{ "bytes=-1", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
		/* ignored: the whole file */
		{ "bytes=200-100", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=0-1,5-6", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=-", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "items=0-1", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=a-b", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=1-2x", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=+1-2", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=99999999999999999999-", 1000, HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=0-99999999999999999999", 1000, HTTP_RANGE_NONE, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t off = 7, len = 7;
		enum http_range r = http_range_parse(rows[i].hdr, rows[i].size, &off, &len);

		if (r != rows[i].want)
			fprintf(stderr, "\n  row \"%s\": %d, want %d", rows[i].hdr ? rows[i].hdr : "(null)",
				r, rows[i].want);
		CU_ASSERT_EQUAL(r, rows[i].want);
		if (rows[i].want == HTTP_RANGE_PARTIAL) {
			CU_ASSERT_EQUAL(off, rows[i].off);
			CU_ASSERT_EQUAL(len, rows[i].len);
		}
	}
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* "bytes=A-B" against the obvious arithmetic, on random sizes and ends. */
static void
test_range_random(void)
{
	uint64_t seed = 0x5eed, size, a, b, off, len;
	char hdr[64];
	int i;

	for (i = 0; i < 100000; i++) {
		enum http_range r, want;

		size = rnd(&seed) % 5000;
		a = rnd(&seed) % 6000;
		b = rnd(&seed) % 6000;
		snprintf(hdr, sizeof(hdr), "bytes=%" PRIu64 "-%" PRIu64, a, b);
		r = http_range_parse(hdr, size, &off, &len);
		want = b < a ? HTTP_RANGE_NONE : a >= size ? HTTP_RANGE_UNSATISFIABLE :
			HTTP_RANGE_PARTIAL;
		CU_ASSERT_EQUAL_FATAL(r, want);
		if (r == HTTP_RANGE_PARTIAL) {
			CU_ASSERT_EQUAL_FATAL(off, a);
			CU_ASSERT_EQUAL_FATAL(len, (b < size ? b : size - 1) - a + 1);
			CU_ASSERT_FATAL(off + len <= size);
		}
	}
}

static void
test_types(void)
{
	CU_ASSERT_STRING_EQUAL(http_content_type("ipxe.efi"), "application/efi");
	CU_ASSERT_STRING_EQUAL(http_content_type("Boot/BOOTX64.EFI"), "application/efi");
	CU_ASSERT_STRING_EQUAL(http_content_type("d/debian.iso"), "application/x-iso9660-image");
	CU_ASSERT_STRING_EQUAL(http_content_type("disk.img"), "application/octet-stream");
	CU_ASSERT_STRING_EQUAL(http_content_type("fw.bin"), "application/octet-stream");
	CU_ASSERT_STRING_EQUAL(http_content_type("sources/boot.wim"), "application/octet-stream");
	CU_ASSERT_STRING_EQUAL(http_content_type("boot.ipxe"), "text/plain");
	CU_ASSERT_STRING_EQUAL(http_content_type("vmlinuz"), "application/octet-stream");
	CU_ASSERT_STRING_EQUAL(http_content_type("dir.efi/vmlinuz"), "application/octet-stream");
	CU_ASSERT_STRING_EQUAL(http_content_type("trailing."), "application/octet-stream");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "boot URI", test_uri },
		{ "Range rows", test_range_rows },
		{ "Range against a reference", test_range_random },
		{ "Content-Type", test_types },
		{ NULL, NULL },
	};

	return unit_run("http", tests);
}
