/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCP/PXE codec: hostile rows, the DISCOVERs iPXE and OVMF send (rebuilt
 * from INTEROP.md and their sources), and build -> parse round trips of the
 * proxy OFFER and ACK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/dhcp.h"
#include "unit.h"

#define SERVER 0xc0000201u	/* 192.0.2.1 */
#define RELAY 0xc6336401u	/* 198.51.100.1 */

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t uuid[16] = {
	0x8a, 0x1c, 0x2f, 0x00, 0x11, 0x22, 0x33, 0x44,
	0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
};

/* A BOOTREQUEST header with cookie; options follow at offset 240. */
static size_t
base_request(uint8_t *b)
{
	memset(b, 0, 240);
	b[0] = DHCP_OP_REQUEST;
	b[1] = DHCP_HTYPE_ETHER;
	b[2] = 6;
	b[4] = 0x11; b[5] = 0x22; b[6] = 0x33; b[7] = 0x44;	/* xid */
	b[9] = 4;						/* secs */
	b[10] = 0x80;						/* broadcast */
	memcpy(b + 28, mac, 6);
	b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;
	return 240;
}

static size_t
append(uint8_t *b, size_t len, const uint8_t *opts, size_t n)
{
	memcpy(b + len, opts, n);
	return len + n;
}

/* ---- hostile and odd rows ---- */

struct parse_case {
	const char *name;
	void (*mutate)(uint8_t *b);	/* header edit, may be NULL */
	const uint8_t *opts;
	size_t opts_len;
	enum dhcp_err want;
	void (*check)(const struct dhcp_msg *m);	/* when want == OK */
};

#define OPTS(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define PXECL 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't'
#define UUID17 0, 0x8a, 0x1c, 0x2f, 0x00, 0x11, 0x22, 0x33, 0x44, \
	0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc

static void hlen16(uint8_t *b) { b[2] = 16; }
static void hlen0(uint8_t *b) { b[2] = 0; }
static void op3(uint8_t *b) { b[0] = 3; }
static void op0(uint8_t *b) { b[0] = 0; }
static void bad_cookie(uint8_t *b) { b[239] = 98; }
static void zero_cookie(uint8_t *b) { memset(b + 236, 0, 4); }
static void relayed(uint8_t *b) { b[24] = 198; b[25] = 51; b[26] = 100; b[27] = 1; b[3] = 1; }
/* file area: option 60 PXEClient, 93 = 7, END; sname: 77 "iPXE", END */
static void file_opts(uint8_t *b)
{
	static const uint8_t f[] = { 60, 9, PXECL, 93, 2, 0, 7, 255 };
	memcpy(b + 108, f, sizeof(f));
}
static void sname_opts(uint8_t *b)
{
	static const uint8_t s[] = { 77, 4, 'i', 'P', 'X', 'E', 255 };
	memcpy(b + 44, s, sizeof(s));
}
static void both_opts(uint8_t *b) { file_opts(b); sname_opts(b); }
/* an option in the file area that runs past the 128-byte field */
static void file_trunc(uint8_t *b) { b[108 + 120] = 60; b[108 + 121] = 20; }
static void file_name(uint8_t *b) { memcpy(b + 108, "pxelinux.0", 10); memcpy(b + 44, "srv", 3); }
/* file field filled to the brim, no NUL inside */
static void file_full(uint8_t *b) { memset(b + 108, 'A', 128); memset(b + 44, 'B', 64); }

static void
chk_msgtype_discover(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->msg_type, DHCP_DISCOVER);
}

static void
chk_empty_vc(const struct dhcp_msg *m)
{
	CU_ASSERT(dhcp_has(m, DHCP_OPT_VENDOR_CLASS));
	CU_ASSERT_EQUAL(m->vendor_class_len, 0);
	CU_ASSERT_FALSE(m->is_pxeclient);
	CU_ASSERT_FALSE(dhcp_is_pxe_request(m));
}

static void
chk_giant55(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->param_list_len, 255);
	CU_ASSERT_EQUAL(m->param_list[0], 1);
	CU_ASSERT_EQUAL(m->param_list[254], 255);
}

static void
chk_no_end(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->msg_type, DHCP_DISCOVER);
	CU_ASSERT(m->is_pxeclient);
}

static void
chk_repeat(const struct dhcp_msg *m)
{
	/* 77 concatenated (RFC 3396), 60 and 53 first-wins */
	CU_ASSERT_EQUAL(m->user_class_len, 6);
	CU_ASSERT_EQUAL(memcmp(m->user_class, "abcdef", 6), 0);
	CU_ASSERT_STRING_EQUAL(m->vendor_class, "PXEClient");
	CU_ASSERT_EQUAL(m->msg_type, DHCP_DISCOVER);
	CU_ASSERT_FALSE(m->is_ipxe);
}

static void
chk_split_ipxe(const struct dhcp_msg *m)
{
	/* "iP" + "XE" concatenates to the plain iPXE user class */
	CU_ASSERT(m->is_ipxe);
	CU_ASSERT_EQUAL(m->user_class_len, 4);
}

static void
chk_rfc3004_ipxe(const struct dhcp_msg *m)
{
	CU_ASSERT(m->is_ipxe);
}

static void
chk_rfc3004_other(const struct dhcp_msg *m)
{
	CU_ASSERT_FALSE(m->is_ipxe);
}

static void
chk_175(const struct dhcp_msg *m)
{
	CU_ASSERT(m->is_ipxe);
	CU_ASSERT(dhcp_has(m, DHCP_OPT_IPXE_ENCAP));
}

static void
chk_arch_list(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->n_arch, 2);
	CU_ASSERT_EQUAL(m->arch_code, 7);
	CU_ASSERT_EQUAL(dhcp_msg_arch(m), DHCP_ARCH_EFI_X64);
}

static void
chk_overload_file(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->overload, 1);
	CU_ASSERT(m->is_pxeclient);
	CU_ASSERT_EQUAL(m->arch_code, 7);
	CU_ASSERT_STRING_EQUAL(m->file, "");
	CU_ASSERT_FALSE(m->is_ipxe);	/* sname not overloaded: not read */
}

static void
chk_overload_sname(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->overload, 2);
	CU_ASSERT(m->is_ipxe);
	CU_ASSERT_FALSE(m->is_pxeclient);	/* file not overloaded */
	CU_ASSERT_STRING_EQUAL(m->sname, "");
}

static void
chk_overload_both(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->overload, 3);
	CU_ASSERT(m->is_ipxe);
	CU_ASSERT(m->is_pxeclient);
}

static void
chk_overload_in_file_ignored(const struct dhcp_msg *m)
{
	/* 52 inside the file area does not overload anything */
	CU_ASSERT_EQUAL(m->overload, 1);
	CU_ASSERT_FALSE(m->is_ipxe);
}

static void
chk_boot_item(const struct dhcp_msg *m)
{
	CU_ASSERT(m->has_boot_item);
	CU_ASSERT_EQUAL(m->boot_item_type, 0x8001);
	CU_ASSERT_EQUAL(m->boot_item_layer, 0);
}

static void
chk_names(const struct dhcp_msg *m)
{
	CU_ASSERT_STRING_EQUAL(m->file, "pxelinux.0");
	CU_ASSERT_STRING_EQUAL(m->sname, "srv");
}

static void
chk_full_names(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(strlen(m->file), 128);
	CU_ASSERT_EQUAL(strlen(m->sname), 64);
}

static void
chk_relay(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->giaddr, RELAY);
	CU_ASSERT_EQUAL(m->hops, 1);
	CU_ASSERT_EQUAL(m->relay_len, 8);
	CU_ASSERT_EQUAL(m->relay[0], 1);
}

static void
chk_fixed(const struct dhcp_msg *m)
{
	CU_ASSERT_EQUAL(m->server_id, SERVER);
	CU_ASSERT_EQUAL(m->requested_ip, 0xc0000264u);
	CU_ASSERT_EQUAL(m->max_size, 1472);
	CU_ASSERT_EQUAL(m->client_id_len, 7);
	CU_ASSERT_EQUAL(memcmp(m->client_id + 1, mac, 6), 0);
	CU_ASSERT_EQUAL(m->ndi[0], 1);
	CU_ASSERT_EQUAL(m->ndi[1], 2);
	CU_ASSERT_EQUAL(m->ndi[2], 1);
}

static void
chk_ndi_bad_ignored(const struct dhcp_msg *m)
{
	CU_ASSERT(dhcp_has(m, DHCP_OPT_CLIENT_NDI));
	CU_ASSERT_EQUAL(m->ndi[0], 0);
}

static void
chk_uuid(const struct dhcp_msg *m)
{
	CU_ASSERT(dhcp_has(m, DHCP_OPT_CLIENT_UUID));
	CU_ASSERT_EQUAL(memcmp(m->uuid, uuid, 16), 0);
}

static void
chk_nothing(const struct dhcp_msg *m)
{
	int i;

	for (i = 1; i < 255; i++)
		CU_ASSERT_FALSE(dhcp_has(m, (uint8_t)i));
	CU_ASSERT_EQUAL(m->msg_type, DHCP_NONE);
	CU_ASSERT_EQUAL(m->xid, 0x11223344u);
	CU_ASSERT_EQUAL(m->flags, DHCP_FLAG_BROADCAST);
	CU_ASSERT_EQUAL(m->secs, 4);
	CU_ASSERT_EQUAL(memcmp(m->chaddr, mac, 6), 0);
}

static const struct parse_case parse_cases[] = {
	/* header */
	{ "hlen 16", hlen16, OPTS(255), DHCP_ERR_HLEN, NULL },
	{ "hlen 0", hlen0, OPTS(255), DHCP_ERR_HLEN, NULL },
	{ "op 3", op3, OPTS(255), DHCP_ERR_OP, NULL },
	{ "op 0", op0, OPTS(255), DHCP_ERR_OP, NULL },
	{ "bad magic cookie", bad_cookie, OPTS(53, 1, 1, 255), DHCP_ERR_COOKIE, NULL },
	{ "zero cookie (plain BOOTP vend)", zero_cookie, OPTS(255), DHCP_ERR_COOKIE, NULL },
	{ "no options at all", NULL, NULL, 0, DHCP_OK, chk_nothing },
	{ "only END", NULL, OPTS(255), DHCP_OK, chk_nothing },
	{ "pads then END", NULL, OPTS(0, 0, 0, 53, 1, 1, 0, 255), DHCP_OK, chk_msgtype_discover },
	{ "names in sname/file", file_name, OPTS(255), DHCP_OK, chk_names },
	{ "names without NUL", file_full, OPTS(255), DHCP_OK, chk_full_names },
	{ "relayed with 82", relayed, OPTS(82, 8, 1, 2, 'e', '0', 2, 2, 'r', '1', 255), DHCP_OK, chk_relay },
	/* truncation and lengths */
	{ "option past end", NULL, OPTS(60, 10, 'P', 'X'), DHCP_ERR_OPT_TRUNC, NULL },
	{ "option code without length", NULL, OPTS(53, 1, 1, 60), DHCP_ERR_OPT_TRUNC, NULL },
	{ "length 255 with 3 bytes", NULL, OPTS(77, 255, 'a', 'b', 'c'), DHCP_ERR_OPT_TRUNC, NULL },
	{ "missing END", NULL, OPTS(53, 1, 1, 60, 9, PXECL), DHCP_OK, chk_no_end },
	{ "garbage after END", NULL, OPTS(53, 1, 1, 255, 60, 200, 1), DHCP_OK, chk_msgtype_discover },
	{ "zero-length 53", NULL, OPTS(53, 0, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "53 of two bytes", NULL, OPTS(53, 2, 1, 1, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "zero-length 54", NULL, OPTS(54, 0, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "54 of three bytes", NULL, OPTS(54, 3, 192, 0, 2, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "50 of five bytes", NULL, OPTS(50, 5, 192, 0, 2, 1, 1, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "57 of one byte", NULL, OPTS(57, 1, 5, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "zero-length 60", NULL, OPTS(60, 0, 255), DHCP_OK, chk_empty_vc },
	{ "zero-length unknown", NULL, OPTS(200, 0, 53, 1, 1, 255), DHCP_OK, chk_msgtype_discover },
	{ "fixed options", NULL, OPTS(54, 4, 192, 0, 2, 1, 50, 4, 192, 0, 2, 100,
		57, 2, 0x05, 0xc0, 61, 7, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
		94, 3, 1, 2, 1, 255), DHCP_OK, chk_fixed },
	{ "94 wrong length ignored", NULL, OPTS(94, 2, 1, 2, 255), DHCP_OK, chk_ndi_bad_ignored },
	/* UUID */
	{ "uuid ok", NULL, OPTS(97, 17, UUID17, 255), DHCP_OK, chk_uuid },
	{ "uuid 16 bytes", NULL, OPTS(97, 16, 0x8a, 0x1c, 0x2f, 0, 0x11, 0x22, 0x33, 0x44,
		0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 255), DHCP_ERR_UUID, NULL },
	{ "uuid 18 bytes", NULL, OPTS(97, 18, UUID17, 0xdd, 255), DHCP_ERR_UUID, NULL },
	{ "uuid type 1", NULL, OPTS(97, 17, 1, 0x8a, 0x1c, 0x2f, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 255), DHCP_ERR_UUID, NULL },
	{ "uuid zero length", NULL, OPTS(97, 0, 255), DHCP_ERR_UUID, NULL },
	/* arch */
	{ "93 list of two", NULL, OPTS(93, 4, 0, 7, 0, 9, 255), DHCP_OK, chk_arch_list },
	{ "93 odd length", NULL, OPTS(93, 3, 0, 7, 0, 255), DHCP_ERR_ARCH, NULL },
	{ "93 zero length", NULL, OPTS(93, 0, 255), DHCP_ERR_ARCH, NULL },
	/* repeated options */
	{ "repeated 77/60/53", NULL, OPTS(53, 1, 1, 77, 3, 'a', 'b', 'c', 60, 9, PXECL,
		53, 1, 3, 77, 3, 'd', 'e', 'f', 60, 3, 'f', 'o', 'o', 255), DHCP_OK, chk_repeat },
	{ "77 split iP+XE", NULL, OPTS(77, 2, 'i', 'P', 77, 2, 'X', 'E', 255), DHCP_OK, chk_split_ipxe },
	{ "77 RFC 3004 iPXE second", NULL, OPTS(77, 10, 4, 'a', 'b', 'c', 'd', 4, 'i', 'P', 'X', 'E', 255),
		DHCP_OK, chk_rfc3004_ipxe },
	{ "77 RFC 3004 no iPXE", NULL, OPTS(77, 6, 5, 'g', 'P', 'X', 'E', '2', 255), DHCP_OK, chk_rfc3004_other },
	{ "77 RFC 3004 bad inner length", NULL, OPTS(77, 3, 9, 'i', 'P', 255), DHCP_OK, chk_rfc3004_other },
	{ "175 alone means iPXE", NULL, OPTS(175, 3, 0xb1, 1, 1, 255), DHCP_OK, chk_175 },
	{ "82 x3 of 255 too long", NULL, OPTS(82, 255, [2 + 254] = 0, 82, 255, [2 + 255 + 256] = 0,
		82, 255, [2 + 2 * 257 + 254] = 0, 255), DHCP_ERR_TOO_LONG, NULL },
	/* overload */
	{ "overload 1: options in file", file_opts, OPTS(52, 1, 1, 53, 1, 1, 255), DHCP_OK, chk_overload_file },
	{ "overload 2: options in sname", sname_opts, OPTS(52, 1, 2, 255), DHCP_OK, chk_overload_sname },
	{ "overload 3: both", both_opts, OPTS(52, 1, 3, 255), DHCP_OK, chk_overload_both },
	{ "overload 4", NULL, OPTS(52, 1, 4, 255), DHCP_ERR_OVERLOAD, NULL },
	{ "overload 0", NULL, OPTS(52, 1, 0, 255), DHCP_ERR_OVERLOAD, NULL },
	{ "overload of two bytes", NULL, OPTS(52, 2, 1, 1, 255), DHCP_ERR_OPT_LEN, NULL },
	{ "overload: option past file end", file_trunc, OPTS(52, 1, 1, 255), DHCP_ERR_OPT_TRUNC, NULL },
	{ "overload: 52 inside file ignored", sname_opts, OPTS(52, 1, 1, 255), DHCP_OK,
		chk_overload_in_file_ignored },
	/* PXE vendor options */
	{ "43.71 boot item", NULL, OPTS(43, 7, 71, 4, 0x80, 0x01, 0, 0, 255, 255), DHCP_OK, chk_boot_item },
	{ "43.71 split across two 43s", NULL, OPTS(43, 3, 71, 4, 0x80, 43, 4, 0x01, 0, 0, 255, 255),
		DHCP_OK, chk_boot_item },
	{ "43.71 of three bytes", NULL, OPTS(43, 5, 71, 3, 0x80, 1, 0, 255), DHCP_ERR_PXE_OPTS, NULL },
	{ "43 sub-option past end", NULL, OPTS(43, 3, 71, 4, 0x80, 255), DHCP_ERR_PXE_OPTS, NULL },
};

static void
test_parse_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		uint8_t b[2048];
		struct dhcp_msg m;
		size_t len = base_request(b);
		enum dhcp_err e;

		if (c->mutate)
			c->mutate(b);
		if (c->opts_len)
			len = append(b, len, c->opts, c->opts_len);
		e = dhcp_parse(b, len, &m);
		if (e != c->want)
			fprintf(stderr, "\n  row '%s': got %s, want %s\n", c->name,
				dhcp_strerror(e), dhcp_strerror(c->want));
		CU_ASSERT_EQUAL(e, c->want);
		if (e == DHCP_OK && c->want == DHCP_OK && c->check)
			c->check(&m);
	}
}

/* Option 55 of 255 bytes: built by hand, too big for a table literal. */
static void
test_parse_giant_55(void)
{
	uint8_t b[1024];
	struct dhcp_msg m;
	size_t len = base_request(b);
	int i;

	b[len++] = 55;
	b[len++] = 255;
	for (i = 1; i <= 255; i++)
		b[len++] = (uint8_t)i;
	b[len++] = 255;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	chk_giant55(&m);
	/* Two of them concatenate to 510 bytes, still within the limit. */
	len = base_request(b);
	b[len++] = 55;
	b[len++] = 255;
	len += 255;
	b[len++] = 55;
	b[len++] = 255;
	len += 255;
	b[len++] = 255;
	CU_ASSERT_EQUAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.param_list_len, 510);
}

/* Every cut inside the fixed header and cookie is SHORT, never a read past. */
static void
test_parse_truncated_header(void)
{
	uint8_t full[300];
	struct dhcp_msg m;
	size_t len = base_request(full), cut;

	len = append(full, len, OPTS(53, 1, 1, 255));
	for (cut = 0; cut < 240; cut++) {
		/* a heap copy of exactly `cut` bytes so ASan sees overreads */
		uint8_t *p = malloc(cut ? cut : 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		memcpy(p, full, cut);
		CU_ASSERT_EQUAL(dhcp_parse(p, cut, &m), DHCP_ERR_SHORT);
		free(p);
	}
	CU_ASSERT_EQUAL(dhcp_parse(NULL, 0, &m), DHCP_ERR_SHORT);
	/* cuts inside the options: only "at an option boundary" parses */
	CU_ASSERT_EQUAL(dhcp_parse(full, 240, &m), DHCP_OK);
	CU_ASSERT_EQUAL(dhcp_parse(full, 241, &m), DHCP_ERR_OPT_TRUNC);
	CU_ASSERT_EQUAL(dhcp_parse(full, 242, &m), DHCP_ERR_OPT_TRUNC);
	CU_ASSERT_EQUAL(dhcp_parse(full, 243, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.msg_type, DHCP_DISCOVER);
	CU_ASSERT_EQUAL(dhcp_parse(full, len, &m), DHCP_OK);
}

/* ---- real clients ---- */

/* iPXE 1.21 DISCOVER (undionly.kpxe), options in the order iPXE sends them. */
static size_t
ipxe_discover(uint8_t *b)
{
	size_t len = base_request(b);

	len = append(b, len, OPTS(53, 1, 1, 57, 2, 0x05, 0xc0,
		93, 2, 0, 0, 94, 3, 1, 2, 1,
		60, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h', ':',
		'0', '0', '0', '0', '0', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '2', '0', '0', '1',
		77, 4, 'i', 'P', 'X', 'E',
		55, 23, 1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131,
		132, 133, 134, 135, 175, 203,
		175, 15, 0xb1, 0x05, 0x01, 0x80, 0x86, 0x10, 0x0e, 0xeb, 0x03, 0x01, 0x00, 0x00,
		0x17, 0x01, 0x01,
		61, 7, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
		97, 17, UUID17, 255));
	return len;
}

/* OVMF (EDK2 PxeBcDxe) DISCOVER on x86-64: arch 7, no user class. */
static size_t
ovmf_discover(uint8_t *b)
{
	size_t len = base_request(b);

	len = append(b, len, OPTS(53, 1, 1, 57, 2, 0x05, 0xc0,
		55, 35, 1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43,
		50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135,
		97, 17, UUID17,
		94, 3, 1, 3, 0,
		93, 2, 0, 7,
		60, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h', ':',
		'0', '0', '0', '0', '7', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '3', '0', '0', '0',
		255));
	return len;
}

static void
test_ipxe_discover(void)
{
	uint8_t b[600];
	struct dhcp_msg m;
	size_t len = ipxe_discover(b);

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT(dhcp_is_pxe_request(&m));
	CU_ASSERT(m.is_ipxe);
	CU_ASSERT_STRING_EQUAL(m.vendor_class, "PXEClient:Arch:00000:UNDI:002001");
	CU_ASSERT_EQUAL(m.arch_code, 0);
	CU_ASSERT_EQUAL(dhcp_msg_arch(&m), DHCP_ARCH_BIOS);
	CU_ASSERT_EQUAL(memcmp(m.uuid, uuid, 16), 0);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, mac, 6), 0);
	CU_ASSERT_EQUAL(m.xid, 0x11223344u);
	CU_ASSERT_EQUAL(m.param_list_len, 23);
	CU_ASSERT_EQUAL(m.max_size, 1472);
	CU_ASSERT_EQUAL(dhcp_reply_type(&m), DHCP_OFFER);
	CU_ASSERT_EQUAL(dhcp_reply_max_len(&m), 1472 - 28);
	CU_ASSERT_FALSE(m.has_boot_item);
}

/* iPXE clears the broadcast bit; a relay would then unicast our offer to
 * 0.0.0.0 (seen with ISC dhcrelay): the reply sets it. */
static void
test_reply_broadcast_flag(void)
{
	uint8_t b[600], out[1500];
	struct dhcp_reply_params p;
	struct dhcp_msg m, r;
	size_t len = ipxe_discover(b), out_len;

	b[10] = 0;
	b[11] = 0;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT_EQUAL(m.flags, 0);
	memset(&p, 0, sizeof(p));
	p.req = &m;
	p.server_addr = 0xc0000202u;
	p.boot_file = "undionly.kpxe";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_EQUAL(r.flags, DHCP_FLAG_BROADCAST);
}

static void
test_ovmf_discover(void)
{
	uint8_t b[600];
	struct dhcp_msg m;
	size_t len = ovmf_discover(b);

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT(dhcp_is_pxe_request(&m));
	CU_ASSERT_FALSE(m.is_ipxe);
	CU_ASSERT_STRING_EQUAL(m.vendor_class, "PXEClient:Arch:00007:UNDI:003000");
	CU_ASSERT_EQUAL(m.arch_code, 7);
	CU_ASSERT_EQUAL(dhcp_msg_arch(&m), DHCP_ARCH_EFI_X64);
	CU_ASSERT_EQUAL(memcmp(m.uuid, uuid, 16), 0);
	CU_ASSERT_EQUAL(m.ndi[1], 3);
}

/* ---- small functions ---- */

static void
test_arch_map(void)
{
	static const struct { uint16_t code; enum dhcp_arch a; } rows[] = {
		{ 0, DHCP_ARCH_BIOS }, { 6, DHCP_ARCH_EFI_IA32 },
		{ 7, DHCP_ARCH_EFI_X64 }, { 9, DHCP_ARCH_EFI_X64 },
		{ 10, DHCP_ARCH_ARM32 }, { 11, DHCP_ARCH_ARM64 },
		{ 1, DHCP_ARCH_PC98 }, { 2, DHCP_ARCH_ITANIUM },
		{ 8, DHCP_ARCH_EFI_XSCALE }, { 14, DHCP_ARCH_POWER_OPAL },
		{ 15, DHCP_ARCH_EFI_IA32_HTTP }, { 16, DHCP_ARCH_EFI_X64_HTTP },
		{ 17, DHCP_ARCH_EBC_HTTP }, { 18, DHCP_ARCH_ARM32_HTTP },
		{ 19, DHCP_ARCH_ARM64_HTTP }, { 20, DHCP_ARCH_BIOS_HTTP },
		{ 27, DHCP_ARCH_RISCV64 }, { 28, DHCP_ARCH_RISCV64_HTTP },
		{ 40, DHCP_ARCH_LOONGARCH64_HTTP }, { 41, DHCP_ARCH_ARM_RPIBOOT },
		{ 42, DHCP_ARCH_UNKNOWN }, { 0xffff, DHCP_ARCH_UNKNOWN },
	};
	static const uint16_t http_codes[] = { 15, 16, 17, 18, 19, 20, 23, 24, 26, 28, 30, 38, 40 };
	size_t i, k;
	int a;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(dhcp_arch_from_code(rows[i].code), rows[i].a);
	/* Every registry code has its own entry (7/9 share one), and the HTTP
	 * ones are exactly the registry's "boot from http" rows. */
	for (i = 0; i < 42; i++) {
		bool http = false;

		for (k = 0; k < sizeof(http_codes) / sizeof(http_codes[0]); k++)
			http |= http_codes[k] == i;
		CU_ASSERT_NOT_EQUAL(dhcp_arch_from_code((uint16_t)i), DHCP_ARCH_UNKNOWN);
		CU_ASSERT_EQUAL(dhcp_arch_is_http(dhcp_arch_from_code((uint16_t)i)), http);
		for (k = 0; k < i; k++)
			if (!((i == 9 && k == 7)))
				CU_ASSERT_NOT_EQUAL(dhcp_arch_from_code((uint16_t)i),
						    dhcp_arch_from_code((uint16_t)k));
	}
	CU_ASSERT_FALSE(dhcp_arch_is_http(DHCP_ARCH_UNKNOWN));
	for (a = 0; a < DHCP_ARCH__MAX; a++)
		CU_ASSERT_STRING_NOT_EQUAL(dhcp_arch_name(a), "invalid");
	CU_ASSERT_STRING_EQUAL(dhcp_arch_name(DHCP_ARCH__MAX), "invalid");
}

static void
test_arch_from_vendor_class(void)
{
	static const struct { const char *vc; enum dhcp_arch a; } rows[] = {
		{ "PXEClient:Arch:00009:UNDI:003016", DHCP_ARCH_EFI_X64 },
		{ "PXEClient:Arch:00011:UNDI:003000", DHCP_ARCH_ARM64 },
		{ "PXEClient:Arch:00006", DHCP_ARCH_EFI_IA32 },
		{ "PXEClient:Arch:0000x:UNDI:003000", DHCP_ARCH_UNKNOWN },
		{ "PXEClient:Arch:99999", DHCP_ARCH_UNKNOWN },
		{ "PXEClient:Arch:0001", DHCP_ARCH_BIOS },	/* too short: no arch field */
		{ "PXEClient", DHCP_ARCH_BIOS },
		{ "HTTPClient:Arch:00016:UNDI:003001", DHCP_ARCH_EFI_X64_HTTP },
		{ "HTTPClient:Arch:00019", DHCP_ARCH_ARM64_HTTP },
		{ "HTTPClient", DHCP_ARCH_BIOS },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t b[400];
		size_t len = base_request(b), n = strlen(rows[i].vc);
		struct dhcp_msg m;

		b[len++] = 60;
		b[len++] = (uint8_t)n;
		memcpy(b + len, rows[i].vc, n);
		len += n;
		b[len++] = 255;
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
		CU_ASSERT_EQUAL(dhcp_msg_arch(&m), rows[i].a);
		CU_ASSERT(dhcp_is_pxe_request(&m));
	}
}

static void
test_pxe_request_and_reply_type(void)
{
	uint8_t b[400];
	struct dhcp_msg m;
	size_t len;
	static const struct { uint8_t in, out; } types[] = {
		{ DHCP_DISCOVER, DHCP_OFFER }, { DHCP_REQUEST, DHCP_ACK },
		{ DHCP_INFORM, DHCP_ACK }, { DHCP_RELEASE, DHCP_NONE },
		{ DHCP_DECLINE, DHCP_NONE }, { DHCP_OFFER, DHCP_NONE },
		{ 200, DHCP_NONE },
	};
	size_t i;

	len = append(b, base_request(b), OPTS(60, 8, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 255));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT_FALSE(dhcp_is_pxe_request(&m));
	len = append(b, base_request(b), OPTS(60, 9, 'p', 'x', 'e', 'c', 'l', 'i', 'e', 'n', 't', 255));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT_FALSE(dhcp_is_pxe_request(&m));	/* prefix is case-sensitive, as in iPXE */
	len = append(b, base_request(b), OPTS(60, 9, PXECL, 255));
	b[0] = DHCP_OP_REPLY;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
	CU_ASSERT_FALSE(dhcp_is_pxe_request(&m));	/* another proxy's reply */
	CU_ASSERT(m.is_pxeclient);
	CU_ASSERT_EQUAL(dhcp_reply_type(&m), DHCP_NONE);	/* BOOTP: no 53 */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		len = base_request(b);
		b[len++] = 53;
		b[len++] = 1;
		b[len++] = types[i].in;
		b[len++] = 255;
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(b, len, &m), DHCP_OK);
		CU_ASSERT_EQUAL(dhcp_reply_type(&m), types[i].out);
	}
}

static void
test_reply_max_len(void)
{
	struct dhcp_msg m;

	memset(&m, 0, sizeof(m));
	CU_ASSERT_EQUAL(dhcp_reply_max_len(&m), 548);
	m.max_size = 300;	/* illegal, below 576 */
	CU_ASSERT_EQUAL(dhcp_reply_max_len(&m), 548);
	m.max_size = 1000;
	CU_ASSERT_EQUAL(dhcp_reply_max_len(&m), 972);
	m.max_size = 65535;
	CU_ASSERT_EQUAL(dhcp_reply_max_len(&m), 1472);
}

static void
test_strerror(void)
{
	int e;

	for (e = 0; e < DHCP_ERR__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(dhcp_strerror(e));
		CU_ASSERT(strlen(dhcp_strerror(e)) > 0);
		CU_ASSERT_STRING_NOT_EQUAL(dhcp_strerror(e), "unknown dhcp error");
	}
	CU_ASSERT_STRING_EQUAL(dhcp_strerror(DHCP_ERR__MAX), "unknown dhcp error");
	CU_ASSERT_STRING_EQUAL(dhcp_strerror(-1), "unknown dhcp error");
}

/* ---- building ---- */

/* Finds a top-level option in a reply we built (no overload there). */
static const uint8_t *
find_opt(const uint8_t *b, size_t len, uint8_t code, size_t *ret_n)
{
	size_t i = 240;

	while (i < len && b[i] != 255) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return NULL;
		if (b[i] == code) {
			*ret_n = b[i + 1];
			return b + i + 2;
		}
		i += 2 + b[i + 1];
	}
	return NULL;
}

static const uint8_t *
find_subopt(const uint8_t *v, size_t len, uint8_t code, size_t *ret_n)
{
	size_t i = 0;

	while (i < len && v[i] != 255) {
		if (v[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + v[i + 1] > len)
			return NULL;
		if (v[i] == code) {
			*ret_n = v[i + 1];
			return v + i + 2;
		}
		i += 2 + v[i + 1];
	}
	return NULL;
}

/* The last option before END in a built reply. */
static uint8_t
last_opt(const uint8_t *b, size_t len)
{
	size_t i = 240;
	uint8_t last = 0;

	while (i < len && b[i] != 255) {
		last = b[i];
		i += 2 + b[i + 1];
	}
	return last;
}

static void
check_common_reply(const uint8_t *out, size_t out_len, const struct dhcp_msg *req,
	const struct dhcp_msg *r, uint8_t type, const char *file)
{
	size_t n;
	const uint8_t *dc;

	CU_ASSERT(out_len >= DHCP_MIN_LEN);
	CU_ASSERT(out_len <= dhcp_reply_max_len(req));
	CU_ASSERT_EQUAL(r->op, DHCP_OP_REPLY);
	CU_ASSERT_EQUAL(r->htype, DHCP_HTYPE_ETHER);
	CU_ASSERT_EQUAL(r->hlen, 6);
	CU_ASSERT_EQUAL(r->hops, 0);
	CU_ASSERT_EQUAL(r->xid, req->xid);
	CU_ASSERT_EQUAL(r->secs, 0);
	/* Proxy replies to a client without an address ask to be broadcast. */
	CU_ASSERT_EQUAL(r->flags, req->ciaddr ? req->flags : req->flags | DHCP_FLAG_BROADCAST);
	CU_ASSERT_EQUAL(r->ciaddr, req->ciaddr);
	CU_ASSERT_EQUAL(r->yiaddr, 0);
	CU_ASSERT_EQUAL(r->siaddr, SERVER);
	CU_ASSERT_EQUAL(r->giaddr, req->giaddr);
	CU_ASSERT_EQUAL(memcmp(r->chaddr, req->chaddr, 16), 0);
	CU_ASSERT_STRING_EQUAL(r->file, file);
	CU_ASSERT_EQUAL(r->overload, 0);
	CU_ASSERT_EQUAL(r->msg_type, type);
	CU_ASSERT_EQUAL(r->server_id, SERVER);
	CU_ASSERT_STRING_EQUAL(r->vendor_class, "PXEClient");
	CU_ASSERT(r->is_pxeclient);
	CU_ASSERT_EQUAL(dhcp_has(r, DHCP_OPT_CLIENT_UUID), dhcp_has(req, DHCP_OPT_CLIENT_UUID));
	if (dhcp_has(req, DHCP_OPT_CLIENT_UUID))
		CU_ASSERT_EQUAL(memcmp(r->uuid, req->uuid, 16), 0);
	CU_ASSERT_EQUAL(dhcp_has(r, DHCP_OPT_RELAY_AGENT), dhcp_has(req, DHCP_OPT_RELAY_AGENT));
	CU_ASSERT_FALSE(dhcp_has(r, DHCP_OPT_TFTP_SERVER));
	CU_ASSERT_FALSE(dhcp_has(r, DHCP_OPT_PARAM_LIST));
	/* 43 present, ending with its own END */
	CU_ASSERT(dhcp_has(r, DHCP_OPT_VENDOR));
	CU_ASSERT(r->vendor_len > 0 && r->vendor[r->vendor_len - 1] == 255);
	dc = find_subopt(r->vendor, r->vendor_len, DHCP_PXE_DISCOVERY_CONTROL, &n);
	CU_ASSERT_PTR_NOT_NULL(dc);
	(void)out;
}

static void
test_build_offer_roundtrip(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = ipxe_discover(in), out_len = 0, n;
	const uint8_t *dc;
	struct dhcp_reply_params p;

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = "undionly.kpxe";
	p.server_name = "pxeline";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL(out_len, DHCP_MIN_LEN);	/* small reply padded to 300 */
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	check_common_reply(out, out_len, &req, &r, DHCP_OFFER, "undionly.kpxe");
	CU_ASSERT_STRING_EQUAL(r.sname, "pxeline");
	dc = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_DISCOVERY_CONTROL, &n);
	CU_ASSERT_FATAL(dc != NULL);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(dc[0], DHCP_PXE_DC_USE_FILE);
	CU_ASSERT_PTR_NULL(find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_MENU, &n));
	CU_ASSERT_PTR_NULL(find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_ITEM, &n));
	CU_ASSERT_FALSE(dhcp_has(&r, DHCP_OPT_BOOTFILE));
	CU_ASSERT_FALSE(dhcp_has(&r, DHCP_OPT_RELAY_AGENT));
	/* option order: 53 first */
	CU_ASSERT_EQUAL(out[240], DHCP_OPT_MSG_TYPE);
	/* a reply is not a PXE request */
	CU_ASSERT_FALSE(dhcp_is_pxe_request(&r));
}

/* What OVMF's HttpBootDxe broadcasts (INTEROP.md): 60 "HTTPClient:...",
 * 93 = 16. */
static size_t
ovmf_http_discover(uint8_t *b)
{
	size_t len = base_request(b);

	len = append(b, len, OPTS(53, 1, 1, 57, 2, 0x05, 0xc0,
		55, 8, 1, 3, 6, 15, 28, 43, 60, 67,
		97, 17, UUID17,
		94, 3, 1, 3, 1,
		93, 2, 0, 16,
		60, 33, 'H', 'T', 'T', 'P', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h',
		':', '0', '0', '0', '1', '6', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '3', '0',
		'0', '1', 255));
	return len;
}

/* An HTTP Boot DISCOVER is a boot request; the reply says HTTPClient, the
 * URI sits in file and 67, no PXE options. */
static void
test_build_http_offer(void)
{
	static const char uri[] = "http://192.0.2.1/ipxe.efi";
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = ovmf_http_discover(in), out_len = 0;
	struct dhcp_reply_params p;

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	CU_ASSERT(req.is_httpclient);
	CU_ASSERT_FALSE(req.is_pxeclient);
	CU_ASSERT(dhcp_is_pxe_request(&req));
	CU_ASSERT_EQUAL(dhcp_msg_arch(&req), DHCP_ARCH_EFI_X64_HTTP);
	CU_ASSERT_EQUAL(dhcp_reply_type(&req), DHCP_OFFER);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = uri;
	p.http = true;
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_EQUAL(r.op, DHCP_OP_REPLY);
	CU_ASSERT_EQUAL(r.msg_type, DHCP_OFFER);
	CU_ASSERT_EQUAL(r.yiaddr, 0);
	CU_ASSERT_EQUAL(r.xid, req.xid);
	CU_ASSERT_EQUAL(r.server_id, SERVER);
	CU_ASSERT_STRING_EQUAL(r.vendor_class, "HTTPClient");
	CU_ASSERT(r.is_httpclient);
	CU_ASSERT_FALSE(r.is_pxeclient);
	CU_ASSERT_STRING_EQUAL(r.file, uri);
	CU_ASSERT(dhcp_has(&r, DHCP_OPT_BOOTFILE));
	CU_ASSERT_FALSE(dhcp_has(&r, DHCP_OPT_VENDOR));
	CU_ASSERT(dhcp_has(&r, DHCP_OPT_CLIENT_UUID));
	CU_ASSERT_FALSE(dhcp_is_pxe_request(&r));
	/* Option 67 carries the URI byte for byte. */
	{
		size_t i = 240;
		bool found = false;

		while (i + 1 < out_len && out[i] != 255) {
			if (out[i] == DHCP_OPT_BOOTFILE) {
				found = out[i + 1] == strlen(uri) &&
					memcmp(out + i + 2, uri, strlen(uri)) == 0;
			}
			i += out[i] == 0 ? 1 : 2u + out[i + 1];
		}
		CU_ASSERT(found);
	}
	/* The PXE form of the same request still says PXEClient with 43. */
	p.http = false;
	p.boot_file = "ipxe.efi";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(r.vendor_class, "PXEClient");
	CU_ASSERT(dhcp_has(&r, DHCP_OPT_VENDOR));
}

/* OVMF REQUEST to 4011 with ciaddr set and a boot item: ACK, 71 echoed. */
static void
test_build_ack_roundtrip(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = ovmf_discover(in), out_len = 0, n;
	const uint8_t *it;
	struct dhcp_reply_params p;

	in[242] = DHCP_REQUEST;		/* option 53's value */
	in[10] = 0;			/* unicast */
	in[12] = 192; in[13] = 0; in[14] = 2; in[15] = 100;	/* ciaddr */
	len--;				/* drop END, add 43.71 */
	len = append(in, len, OPTS(43, 7, 71, 4, 0x80, 0x01, 0, 0, 255, 255));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	CU_ASSERT(req.has_boot_item);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = "boot/x64/ipxe.efi";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	check_common_reply(out, out_len, &req, &r, DHCP_ACK, "boot/x64/ipxe.efi");
	CU_ASSERT_EQUAL(r.ciaddr, 0xc0000264u);
	CU_ASSERT_EQUAL(r.flags, 0);
	CU_ASSERT_STRING_EQUAL(r.sname, "");
	it = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_ITEM, &n);
	CU_ASSERT_FATAL(it != NULL);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT(r.has_boot_item);
	CU_ASSERT_EQUAL(r.boot_item_type, 0x8001);
	CU_ASSERT_EQUAL(r.boot_item_layer, 0);
	/* forcing OFFER on a REQUEST is honoured */
	p.msg_type = DHCP_OFFER;
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_EQUAL(r.msg_type, DHCP_OFFER);
}

static void
test_build_relay(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = base_request(in), out_len = 0;
	struct dhcp_reply_params p;
	static const uint8_t agent[] = { 1, 4, 'e', 't', 'h', '0', 2, 6, 0, 1, 2, 3, 4, 5 };

	in[24] = 198; in[25] = 51; in[26] = 100; in[27] = 1;
	in[3] = 1;
	len = append(in, len, OPTS(53, 1, 1, 60, 9, PXECL, 93, 2, 0, 0));
	in[len++] = 82;
	in[len++] = sizeof(agent);
	len = append(in, len, agent, sizeof(agent));
	in[len++] = 255;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = "undionly.kpxe";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	check_common_reply(out, out_len, &req, &r, DHCP_OFFER, "undionly.kpxe");
	CU_ASSERT_EQUAL(r.giaddr, RELAY);
	CU_ASSERT_EQUAL(r.relay_len, sizeof(agent));
	CU_ASSERT_EQUAL(memcmp(r.relay, agent, sizeof(agent)), 0);
	CU_ASSERT_EQUAL(last_opt(out, out_len), DHCP_OPT_RELAY_AGENT);
	CU_ASSERT_FALSE(dhcp_has(&r, DHCP_OPT_CLIENT_UUID));	/* none sent, none echoed */
}

/* A 400-byte relay option: fits only when option 57 allows more than 576. */
static void
test_build_size_limits(void)
{
	uint8_t in[1500], out[1500];
	struct dhcp_msg req, r;
	size_t len, out_len = 0, i;
	struct dhcp_reply_params p;

	len = append(in, base_request(in), OPTS(53, 1, 1, 60, 9, PXECL));
	in[len++] = 82;
	in[len++] = 200;
	for (i = 0; i < 200; i++)
		in[len++] = (uint8_t)i;
	in[len++] = 82;
	in[len++] = 200;
	for (i = 0; i < 200; i++)
		in[len++] = (uint8_t)(i + 200);
	in[len++] = 255;
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	CU_ASSERT_EQUAL(req.relay_len, 400);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = "undionly.kpxe";
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_NO_SPACE);

	/* now with option 57 = 1500 */
	len--;
	len = append(in, len, OPTS(57, 2, 0x05, 0xdc, 255));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT(out_len > 548 && out_len <= 1472);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	/* split into 255 + 145 and concatenated back (RFC 3396) */
	CU_ASSERT_EQUAL(r.relay_len, 400);
	CU_ASSERT_EQUAL(memcmp(r.relay, req.relay, 400), 0);

	/* cap smaller than the limit wins; every small cap fails cleanly */
	for (i = 0; i < 300; i += 7)
		CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, i, &p, &out_len), DHCP_ERR_NO_SPACE);
	/* explicit max_len below what the reply needs */
	p.max_len = 400;
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_NO_SPACE);
}

static void
test_build_long_file(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = ipxe_discover(in), out_len = 0, n;
	const uint8_t *o;
	char url[201];
	struct dhcp_reply_params p;

	memset(url, 'u', 200);
	memcpy(url, "http://192.0.2.1/", 17);
	url[200] = '\0';
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = url;
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(r.file, "");
	o = find_opt(out, out_len, DHCP_OPT_BOOTFILE, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(n, 200);
	CU_ASSERT_EQUAL(memcmp(o, url, 200), 0);

	/* 127 bytes still fits the field (NUL included) */
	url[127] = '\0';
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(r.file, url);
	CU_ASSERT_PTR_NULL(find_opt(out, out_len, DHCP_OPT_BOOTFILE, &n));
	/* bootfile_option forces 67 as well */
	p.bootfile_option = true;
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_STRING_EQUAL(r.file, url);
	o = find_opt(out, out_len, DHCP_OPT_BOOTFILE, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(n, 127);
}

static void
test_build_menu(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req, r;
	size_t len = ovmf_discover(in), out_len = 0, n;
	const uint8_t *o;
	struct dhcp_reply_params p;

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	p.boot_file = "ipxe.efi";
	p.menu = true;
	p.menu_item_type = 0x8001;
	p.menu_text = "reimage";
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	check_common_reply(out, out_len, &req, &r, DHCP_OFFER, "ipxe.efi");
	o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_DISCOVERY_CONTROL, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(o[0], 0x07);
	o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_MENU, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(n, 3 + 7);
	CU_ASSERT_EQUAL(o[0] << 8 | o[1], 0x8001);
	CU_ASSERT_EQUAL(o[2], 7);
	CU_ASSERT_EQUAL(memcmp(o + 3, "reimage", 7), 0);
	o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_MENU_PROMPT, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(o[0], 0);	/* timeout 0: first item, no prompt */
	o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_SERVERS, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(o[0] << 8 | o[1], 0x8001);
	CU_ASSERT_EQUAL(o[2], 1);
	CU_ASSERT_EQUAL((uint32_t)o[3] << 24 | o[4] << 16 | o[5] << 8 | o[6], SERVER);

	/* the follow-up boot server request gets the file, not the menu again */
	len--;
	in[242] = DHCP_REQUEST;
	len = append(in, len, OPTS(43, 7, 71, 4, 0x80, 0x01, 0, 0, 255, 255));
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
	CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
	CU_ASSERT_EQUAL(r.msg_type, DHCP_ACK);
	CU_ASSERT_PTR_NULL(find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_MENU, &n));
	o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_DISCOVERY_CONTROL, &n);
	CU_ASSERT_FATAL(o != NULL);
	CU_ASSERT_EQUAL(o[0], DHCP_PXE_DC_USE_FILE);
	CU_ASSERT(r.has_boot_item);
}

/* PXE MTFTP sub-options 43.1-5: exact bytes, first in 43, beside a menu. */
static void
test_build_mtftp(void)
{
	static const struct dhcp_mtftp mt = { 0xefff0207u, 1758, 1759, 2, 3 };
	static const struct dhcp_mtftp edge = { 0xe0000000u, 65535, 1, 255, 1 };
	static const char text64[] =
		"0123456789012345678901234567890123456789012345678901234567890123";
	static const struct {
		const char *name;
		const struct dhcp_mtftp *mt;
		bool menu;		/* single-item menu with a 64-byte text */
		bool boot_item;		/* a boot server request (43.71 echoed) */
	} rows[] = {
		{ "no mtftp", NULL, false, false },
		{ "file + mtftp", &mt, false, false },
		{ "edge values", &edge, false, false },
		{ "menu + mtftp (largest 43)", &mt, true, false },
		{ "boot item + mtftp", &mt, true, true },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t in[600], out[1500];
		struct dhcp_msg req, r;
		size_t len = ovmf_discover(in), out_len = 0, n;
		const uint8_t *o;
		struct dhcp_reply_params p;
		uint8_t want[22];

		if (rows[i].boot_item) {
			len--;
			in[242] = DHCP_REQUEST;
			len = append(in, len, OPTS(43, 7, 71, 4, 0x80, 0x01, 0, 0, 255, 255));
		}
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
		memset(&p, 0, sizeof(p));
		p.req = &req;
		p.server_addr = SERVER;
		p.boot_file = "boot.wim";
		p.menu = rows[i].menu;
		p.menu_item_type = 0x8001;
		p.menu_text = text64;
		p.mtftp = rows[i].mt;
		CU_ASSERT_EQUAL_FATAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
		CU_ASSERT(out_len <= dhcp_reply_max_len(&req));
		CU_ASSERT_EQUAL_FATAL(dhcp_parse(out, out_len, &r), DHCP_OK);
		check_common_reply(out, out_len, &req, &r, rows[i].boot_item ? DHCP_ACK : DHCP_OFFER,
				   "boot.wim");
		o = find_subopt(r.vendor, r.vendor_len, DHCP_PXE_MTFTP_IP, &n);
		if (!rows[i].mt) {
			CU_ASSERT_PTR_NULL(o);
			CU_ASSERT_PTR_NULL(find_subopt(r.vendor, r.vendor_len, DHCP_PXE_MTFTP_CPORT, &n));
			continue;
		}
		/* 1 len 4 ip, 2 len 2 cport, 3 len 2 sport, 4 len 1, 5 len 1: at the start. */
		want[0] = 1; want[1] = 4;
		want[2] = rows[i].mt->ip >> 24; want[3] = rows[i].mt->ip >> 16;
		want[4] = rows[i].mt->ip >> 8; want[5] = rows[i].mt->ip;
		want[6] = 2; want[7] = 2;
		want[8] = rows[i].mt->cport >> 8; want[9] = rows[i].mt->cport;
		want[10] = 3; want[11] = 2;
		want[12] = rows[i].mt->sport >> 8; want[13] = rows[i].mt->sport;
		want[14] = 4; want[15] = 1; want[16] = rows[i].mt->tmout;
		want[17] = 5; want[18] = 1; want[19] = rows[i].mt->delay;
		want[20] = DHCP_PXE_DISCOVERY_CONTROL; want[21] = 1;
		CU_ASSERT_FATAL(r.vendor_len >= sizeof(want));
		if (memcmp(r.vendor, want, sizeof(want)) != 0)
			fprintf(stderr, "\n  row '%s': 43 does not start with 1..5\n", rows[i].name);
		CU_ASSERT_EQUAL(memcmp(r.vendor, want, sizeof(want)), 0);
		/* The menu and the echoed boot item are still there. */
		CU_ASSERT_EQUAL(find_subopt(r.vendor, r.vendor_len, DHCP_PXE_BOOT_MENU, &n) != NULL,
				rows[i].menu && !rows[i].boot_item);
		CU_ASSERT_EQUAL(r.has_boot_item, rows[i].boot_item);
	}
}

static void
test_build_bad_params(void)
{
	uint8_t in[600], out[1500];
	struct dhcp_msg req;
	size_t len = ipxe_discover(in), out_len = 0;
	char big[300];
	struct dhcp_reply_params p;

	CU_ASSERT_EQUAL_FATAL(dhcp_parse(in, len, &req), DHCP_OK);
	memset(&p, 0, sizeof(p));
	p.req = &req;
	p.server_addr = SERVER;
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	p.boot_file = "";
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p.boot_file = big;	/* 299 bytes: too long even for option 67 */
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	p.boot_file = "a";
	p.server_name = big;	/* longer than sname */
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	p.server_name = NULL;
	p.menu = true;		/* menu without an item type */
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	p.menu = false;
	p.msg_type = DHCP_NAK;
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	p.msg_type = DHCP_NONE;
	req.msg_type = DHCP_RELEASE;	/* nothing to answer */
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_ERR_PARAM);
	req.msg_type = DHCP_DISCOVER;
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), NULL, &out_len), DHCP_ERR_PARAM);
	CU_ASSERT_EQUAL(dhcp_build_proxy_reply(out, sizeof(out), &p, &out_len), DHCP_OK);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "parse table", test_parse_table },
		{ "giant option 55", test_parse_giant_55 },
		{ "truncated header", test_parse_truncated_header },
		{ "iPXE DISCOVER", test_ipxe_discover },
		{ "reply sets the broadcast flag", test_reply_broadcast_flag },
		{ "OVMF DISCOVER", test_ovmf_discover },
		{ "arch map", test_arch_map },
		{ "arch from vendor class", test_arch_from_vendor_class },
		{ "pxe request, reply type", test_pxe_request_and_reply_type },
		{ "reply max len", test_reply_max_len },
		{ "strerror", test_strerror },
		{ "OFFER round trip", test_build_offer_roundtrip },
		{ "ACK round trip", test_build_ack_roundtrip },
		{ "HTTP Boot OFFER", test_build_http_offer },
		{ "relay", test_build_relay },
		{ "size limits", test_build_size_limits },
		{ "long boot file", test_build_long_file },
		{ "menu", test_build_menu },
		{ "MTFTP sub-options", test_build_mtftp },
		{ "bad params", test_build_bad_params },
		{ NULL, NULL },
	};

	return unit_run("dhcp", tests);
}
