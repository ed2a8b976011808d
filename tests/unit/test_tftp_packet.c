/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TFTP codec: hostile packets row by row, what real clients send
 * (INTEROP.md), negotiation bounds, and build/parse round trips.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/tftp_packet.h"
#include "unit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- parse table ---- */

struct parse_case {
	const char *name;
	const char *pkt;
	size_t len;
	enum tftp_err err;
	uint32_t present;	/* expected options (RRQ/WRQ/OACK rows that pass) */
	uint32_t unknown;	/* expected unknown_opts */
};

/* Literal packets: sizeof - 1 drops the literal's own NUL. */
#define P(n, lit, e) { n, lit, sizeof(lit) - 1, e, 0, 0 }
#define PO(n, lit, pres, unk) { n, lit, sizeof(lit) - 1, TFTP_OK, pres, unk }

static const struct parse_case parse_cases[] = {
	/* Too short, bad opcodes. */
	P("zero length", "", TFTP_ERR_SHORT),
	P("one byte", "\0", TFTP_ERR_SHORT),
	P("one byte RRQ-ish", "\1", TFTP_ERR_SHORT),
	P("opcode 0", "\0\0", TFTP_ERR_OPCODE),
	P("opcode 7", "\0\7", TFTP_ERR_OPCODE),
	P("opcode 256", "\1\0", TFTP_ERR_OPCODE),
	P("opcode 65535", "\xff\xff", TFTP_ERR_OPCODE),
	P("opcode 0 with payload", "\0\0a\0octet\0", TFTP_ERR_OPCODE),

	/* Filename. */
	P("RRQ opcode only", "\0\1", TFTP_ERR_NO_NUL),
	P("RRQ name without NUL", "\0\1pxelinux.0", TFTP_ERR_NO_NUL),
	P("RRQ empty name", "\0\1\0octet\0", TFTP_ERR_EMPTY_NAME),
	P("WRQ empty name", "\0\2\0octet\0", TFTP_ERR_EMPTY_NAME),

	/* Mode. */
	P("RRQ mode missing", "\0\1a\0", TFTP_ERR_BAD_MODE),
	P("RRQ mode without NUL", "\0\1a\0octet", TFTP_ERR_NO_NUL),
	P("RRQ empty mode", "\0\1a\0\0", TFTP_ERR_BAD_MODE),
	P("RRQ mode binary", "\0\1a\0binary\0", TFTP_ERR_BAD_MODE),
	P("RRQ mode octets", "\0\1a\0octets\0", TFTP_ERR_BAD_MODE),
	P("RRQ mode oct", "\0\1a\0oct\0", TFTP_ERR_BAD_MODE),
	PO("RRQ mode OCTET", "\0\1a\0OCTET\0", 0, 0),
	PO("RRQ mode NetAscii", "\0\1a\0NetAscii\0", 0, 0),
	PO("RRQ mode mail", "\0\1a\0mail\0", 0, 0),
	PO("WRQ octet", "\0\2up.bin\0octet\0", 0, 0),

	/* Option structure. */
	P("option without value", "\0\1a\0octet\0blksize\0", TFTP_ERR_OPT_NO_VALUE),
	P("option name without NUL", "\0\1a\0octet\0blksize", TFTP_ERR_NO_NUL),
	P("option value without NUL", "\0\1a\0octet\0blksize\0" "512",
	  TFTP_ERR_NO_NUL),
	P("unknown option without value", "\0\1a\0octet\0foo\0", TFTP_ERR_OPT_NO_VALUE),
	PO("trailing NUL padding", "\0\1a\0octet\0blksize\0" "512\0\0",
	   TFTP_OPT_BLKSIZE, 0),
	PO("trailing NUL padding x3", "\0\1a\0octet\0tsize\0" "0\0\0\0\0",
	   TFTP_OPT_TSIZE, 0),
	PO("padding right after mode", "\0\1a\0octet\0\0", 0, 0),
	PO("empty option name with value", "\0\1a\0octet\0\0x\0", 0, 1),

	/* Known option values. */
	P("blksize empty value", "\0\1a\0octet\0blksize\0\0", TFTP_ERR_OPT_BAD_VALUE),
	P("blksize 20 nines", "\0\1a\0octet\0blksize\0" "99999999999999999999\0",
	  TFTP_ERR_OPT_BAD_VALUE),
	P("blksize 2^32", "\0\1a\0octet\0blksize\0" "4294967296\0",
	  TFTP_ERR_OPT_BAD_VALUE),
	PO("blksize 2^32-1", "\0\1a\0octet\0blksize\0" "4294967295\0",
	   TFTP_OPT_BLKSIZE, 0),
	PO("blksize 65465 parses", "\0\1a\0octet\0blksize\0" "65465\0",
	   TFTP_OPT_BLKSIZE, 0),
	PO("blksize 7 parses", "\0\1a\0octet\0blksize\0" "7\0", TFTP_OPT_BLKSIZE, 0),
	PO("blksize leading zeros", "\0\1a\0octet\0blksize\0" "0000000000000000000001432\0",
	   TFTP_OPT_BLKSIZE, 0),
	P("blksize negative", "\0\1a\0octet\0blksize\0-1\0", TFTP_ERR_OPT_BAD_VALUE),
	P("blksize plus sign", "\0\1a\0octet\0blksize\0+512\0", TFTP_ERR_OPT_BAD_VALUE),
	P("blksize leading space", "\0\1a\0octet\0blksize\0 512\0", TFTP_ERR_OPT_BAD_VALUE),
	P("blksize trailing space", "\0\1a\0octet\0blksize\0" "512 \0",
	  TFTP_ERR_OPT_BAD_VALUE),
	P("blksize hex", "\0\1a\0octet\0blksize\0" "0x200\0", TFTP_ERR_OPT_BAD_VALUE),
	P("blksize exponent", "\0\1a\0octet\0blksize\0" "1e3\0", TFTP_ERR_OPT_BAD_VALUE),
	P("tsize 2^64", "\0\1a\0octet\0tsize\0" "18446744073709551616\0",
	  TFTP_ERR_OPT_BAD_VALUE),
	PO("tsize 2^64-1", "\0\1a\0octet\0tsize\0" "18446744073709551615\0",
	   TFTP_OPT_TSIZE, 0),
	P("tsize enable (not a number)", "\0\1a\0octet\0tsize\0enable\0",
	  TFTP_ERR_OPT_BAD_VALUE),
	P("windowsize huge", "\0\1a\0octet\0windowsize\0" "123456789012345678901234567890\0",
	  TFTP_ERR_OPT_BAD_VALUE),
	P("timeout letters", "\0\1a\0octet\0timeout\0six\0", TFTP_ERR_OPT_BAD_VALUE),
	P("msftwindow empty", "\0\1a\0octet\0msftwindow\0\0", TFTP_ERR_OPT_BAD_VALUE),
	P("rollover empty", "\0\1a\0octet\0rollover\0\0", TFTP_ERR_OPT_BAD_VALUE),
	PO("multicast empty value", "\0\1a\0octet\0multicast\0\0", TFTP_OPT_MULTICAST, 0),
	PO("utimeout", "\0\1a\0octet\0utimeout\0" "50000\0", TFTP_OPT_UTIMEOUT, 0),

	/* Duplicates and unknowns. */
	P("duplicate blksize", "\0\1a\0octet\0blksize\0" "512\0blksize\0" "1024\0",
	  TFTP_ERR_OPT_DUPLICATE),
	P("duplicate across case", "\0\1a\0octet\0blksize\0" "512\0BLKSIZE\0" "512\0",
	  TFTP_ERR_OPT_DUPLICATE),
	P("duplicate multicast", "\0\1a\0octet\0multicast\0\0multicast\0\0",
	  TFTP_ERR_OPT_DUPLICATE),
	PO("option names any case", "\0\1a\0octet\0BlkSize\0" "512\0TSIZE\0" "0\0",
	   TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE, 0),
	PO("unknown option", "\0\1a\0octet\0foo\0bar\0", 0, 1),
	PO("unknown option twice", "\0\1a\0octet\0foo\0bar\0foo\0baz\0", 0, 2),
	PO("unknown option empty value", "\0\1a\0octet\0foo\0\0", 0, 1),
	PO("prefix of known is unknown", "\0\1a\0octet\0blk\0" "512\0", 0, 1),
	PO("known name with suffix is unknown", "\0\1a\0octet\0blksizex\0" "512\0", 0, 1),
	PO("known after unknown", "\0\1a\0octet\0x\0y\0blksize\0" "1432\0",
	   TFTP_OPT_BLKSIZE, 1),

	/* ACK, DATA, ERROR, OACK. */
	P("ACK 3 bytes", "\0\4\0", TFTP_ERR_SHORT),
	P("ACK opcode only", "\0\4", TFTP_ERR_SHORT),
	PO("ACK 4 bytes", "\0\4\0\1", 0, 0),
	PO("ACK msftwindow byte", "\0\4\0\1\x20", 0, 0),
	PO("ACK trailing junk", "\0\4\0\1\x20junk", 0, 0),
	P("DATA 3 bytes", "\0\3\0", TFTP_ERR_SHORT),
	PO("DATA empty payload", "\0\3\0\1", 0, 0),
	PO("DATA payload", "\0\3\xff\xffhello", 0, 0),
	P("ERROR 3 bytes", "\0\5\0", TFTP_ERR_SHORT),
	PO("ERROR no message", "\0\5\0\0", 0, 0),
	PO("ERROR empty message", "\0\5\0\x08\0", 0, 0),
	P("ERROR message without NUL", "\0\5\0\1abc", TFTP_ERR_NO_NUL),
	PO("ERROR trailing bytes", "\0\5\0\1abc\0def", 0, 0),
	PO("OACK empty", "\0\6", 0, 0),
	PO("OACK blksize+tsize", "\0\6blksize\0" "1432\0tsize\0" "1048576\0",
	   TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE, 0),
	PO("OACK multicast address", "\0\6multicast\0" "239.255.0.1,1758,1\0",
	   TFTP_OPT_MULTICAST, 0),
	P("OACK option no value", "\0\6blksize\0", TFTP_ERR_OPT_NO_VALUE),
	P("OACK duplicate", "\0\6tsize\0" "1\0tsize\0" "1\0", TFTP_ERR_OPT_DUPLICATE),
};

static void
test_parse_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct tftp_packet p;
		enum tftp_err e;
		uint8_t *copy;

		/* An exact-size heap copy, so a sanitizer sees any overread. */
		copy = malloc(c->len ? c->len : 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
		memcpy(copy, c->pkt, c->len);
		e = tftp_parse(copy, c->len, &p);
		if (e != c->err)
			fprintf(stderr, "row '%s': got '%s', want '%s'\n", c->name,
				tftp_strerror(e), tftp_strerror(c->err));
		CU_ASSERT_EQUAL(e, c->err);
		if (e == TFTP_OK && c->err == TFTP_OK &&
		    (p.opcode == TFTP_OP_RRQ || p.opcode == TFTP_OP_WRQ ||
		     p.opcode == TFTP_OP_OACK)) {
			if (p.u.req.opts.present != c->present ||
			    p.u.req.unknown_opts != c->unknown)
				fprintf(stderr, "row '%s': present %#x unknown %u\n",
					c->name, p.u.req.opts.present,
					p.u.req.unknown_opts);
			CU_ASSERT_EQUAL(p.u.req.opts.present, c->present);
			CU_ASSERT_EQUAL(p.u.req.unknown_opts, c->unknown);
		}
		free(copy);
	}
}

/* ---- details of accepted packets ---- */

static void
test_parse_values(void)
{
	static const uint8_t lz[] = "\0\1a\0octet\0blksize\0" "0000000000000000000001432\0";
	static const uint8_t big[] = "\0\1a\0octet\0blksize\0" "4294967295\0tsize\0"
		"18446744073709551615\0";
	static const uint8_t wrq[] = "\0\2up.bin\0NETASCII\0";
	struct tftp_packet p;

	CU_ASSERT_EQUAL_FATAL(tftp_parse(lz, sizeof(lz) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.req.opts.blksize, 1432);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(big, sizeof(big) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.req.opts.blksize, UINT32_MAX);
	CU_ASSERT_EQUAL(p.u.req.opts.tsize, UINT64_MAX);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(wrq, sizeof(wrq) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_WRQ);
	CU_ASSERT_EQUAL(p.u.req.mode, TFTP_MODE_NETASCII);
	CU_ASSERT_STRING_EQUAL(p.u.req.filename, "up.bin");
}

/* The filename points into the buffer, NUL-terminated, length matching. */
static void
test_parse_filename_in_buffer(void)
{
	static const uint8_t pkt[] = "\0\1\\Boot\\BCD\0octet\0tsize\0" "0\0";
	struct tftp_packet p;

	CU_ASSERT_EQUAL_FATAL(tftp_parse(pkt, sizeof(pkt) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_RRQ);
	CU_ASSERT_PTR_EQUAL(p.u.req.filename, (const char *)pkt + 2);
	CU_ASSERT_EQUAL(p.u.req.filename_len, 9);
	CU_ASSERT_EQUAL(p.u.req.filename[p.u.req.filename_len], '\0');
	CU_ASSERT_STRING_EQUAL(p.u.req.filename, "\\Boot\\BCD");
	CU_ASSERT_EQUAL(p.u.req.mode, TFTP_MODE_OCTET);
}

static void
test_parse_name_length(void)
{
	uint8_t pkt[2 + 300 + 1 + 6];
	struct tftp_packet p;
	size_t n;

	for (n = TFTP_NAME_MAX - 1; n <= TFTP_NAME_MAX + 2; n++) {
		size_t len = 0;

		pkt[len++] = 0;
		pkt[len++] = 1;
		memset(pkt + len, 'n', n);
		len += n;
		pkt[len++] = 0;
		memcpy(pkt + len, "octet", 6);
		len += 6;
		CU_ASSERT_EQUAL(tftp_parse(pkt, len, &p),
				n <= TFTP_NAME_MAX ? TFTP_OK : TFTP_ERR_NAME_TOO_LONG);
	}
	/* A long name without any NUL is reported as such, not as too long. */
	memset(pkt + 2, 'n', sizeof(pkt) - 2);
	CU_ASSERT_EQUAL(tftp_parse(pkt, sizeof(pkt), &p), TFTP_ERR_NO_NUL);
}

static void
test_parse_too_many_options(void)
{
	uint8_t pkt[512];
	struct tftp_packet p;
	size_t len;
	int n;

	for (n = TFTP_MAX_OPTIONS - 1; n <= TFTP_MAX_OPTIONS + 1; n++) {
		int i;

		memcpy(pkt, "\0\1f\0octet\0", 10);
		len = 10;
		for (i = 0; i < n; i++) {
			/* sprintf's own NUL terminates each string on the wire */
			len += (size_t)sprintf((char *)pkt + len, "x%d", i) + 1;
			len += (size_t)sprintf((char *)pkt + len, "v") + 1;
		}
		CU_ASSERT_EQUAL(tftp_parse(pkt, len, &p),
				n <= TFTP_MAX_OPTIONS ? TFTP_OK : TFTP_ERR_TOO_MANY_OPTS);
		if (n <= TFTP_MAX_OPTIONS)
			CU_ASSERT_EQUAL(p.u.req.unknown_opts, (uint32_t)n);
	}
}

static void
test_parse_ack(void)
{
	static const uint8_t plain[] = { 0, 4, 0x12, 0x34 };
	static const uint8_t msft[] = { 0, 4, 0xff, 0xff, 48 };
	static const uint8_t junk[] = { 0, 4, 0, 7, 0, 1, 2, 3 };
	struct tftp_packet p;

	CU_ASSERT_EQUAL_FATAL(tftp_parse(plain, sizeof(plain), &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_ACK);
	CU_ASSERT_EQUAL(p.u.ack.block, 0x1234);
	CU_ASSERT_EQUAL(p.u.ack.has_next_window, 0);
	CU_ASSERT_EQUAL(p.u.ack.next_window, 0);

	CU_ASSERT_EQUAL_FATAL(tftp_parse(msft, sizeof(msft), &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.ack.block, 65535);
	CU_ASSERT_EQUAL(p.u.ack.has_next_window, 1);
	CU_ASSERT_EQUAL(p.u.ack.next_window, 48);

	/* A zero window wish is still a wish: has_next_window tells it apart. */
	CU_ASSERT_EQUAL_FATAL(tftp_parse(junk, sizeof(junk), &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.ack.block, 7);
	CU_ASSERT_EQUAL(p.u.ack.has_next_window, 1);
	CU_ASSERT_EQUAL(p.u.ack.next_window, 0);
}

static void
test_parse_data_error(void)
{
	static const uint8_t data[] = "\0\3\x01\x02payload";
	static const uint8_t err_none[] = { 0, 5, 0, 0 };
	static const uint8_t err_ovmf[] = "\0\5\0\x08User aborted the transfer\0";
	struct tftp_packet p;

	CU_ASSERT_EQUAL_FATAL(tftp_parse(data, sizeof(data) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_DATA);
	CU_ASSERT_EQUAL(p.u.data.block, 0x0102);
	CU_ASSERT_EQUAL(p.u.data.len, 7);
	CU_ASSERT_PTR_EQUAL(p.u.data.data, data + 4);

	CU_ASSERT_EQUAL_FATAL(tftp_parse(err_none, sizeof(err_none), &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_ERROR);
	CU_ASSERT_EQUAL(p.u.error.code, TFTP_EUNDEF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.u.error.msg);
	CU_ASSERT_STRING_EQUAL(p.u.error.msg, "");

	CU_ASSERT_EQUAL_FATAL(tftp_parse(err_ovmf, sizeof(err_ovmf) - 1, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.error.code, TFTP_EOPTNEG);
	CU_ASSERT_PTR_EQUAL(p.u.error.msg, (const char *)err_ovmf + 4);
	CU_ASSERT_STRING_EQUAL(p.u.error.msg, "User aborted the transfer");
}

/* ---- what real clients send (INTEROP.md) ---- */

struct client_case {
	const char *name;
	const char *pkt;
	size_t len;
	const char *filename;
	uint32_t present;
	uint32_t blksize;
	uint32_t windowsize;
	uint32_t timeout;
	uint32_t msftwindow;
};

#define C(n, lit, f, pres, b, w, t, m) { n, lit, sizeof(lit) - 1, f, pres, b, w, t, m }

static const struct client_case client_cases[] = {
	C("curl", "\0\1boot.img\0octet\0tsize\0" "0\0blksize\0" "512\0timeout\0" "6\0",
	  "boot.img", TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT, 512, 0, 6, 0),
	C("tftp-hpa", "\0\1pxelinux.0\0octet\0", "pxelinux.0", 0, 0, 0, 0, 0),
	C("atftp windowsize", "\0\1f\0octet\0blksize\0" "1456\0windowsize\0" "16\0",
	  "f", TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE, 1456, 16, 0, 0),
	C("atftp multicast", "\0\1f\0octet\0multicast\0\0", "f", TFTP_OPT_MULTICAST,
	  0, 0, 0, 0),
	C("busybox", "\0\1f\0octet\0blksize\0" "1468\0tsize\0" "0\0", "f",
	  TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE, 1468, 0, 0, 0),
	C("iPXE", "\0\1undionly.kpxe\0octet\0blksize\0" "1432\0tsize\0" "0\0",
	  "undionly.kpxe", TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE, 1432, 0, 0, 0),
	C("OVMF probe", "\0\1bootx64.efi\0octet\0tsize\0" "0\0blksize\0" "1468\0windowsize\0" "4\0",
	  "bootx64.efi", TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE,
	  1468, 4, 0, 0),
	C("OVMF second", "\0\1bootx64.efi\0octet\0blksize\0" "1468\0windowsize\0" "4\0",
	  "bootx64.efi", TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE, 1468, 4, 0, 0),
	C("BIOS ROM", "\0\1pxeboot.n12\0octet\0blksize\0" "1456\0", "pxeboot.n12",
	  TFTP_OPT_BLKSIZE, 1456, 0, 0, 0),
	C("Windows bootmgr", "\0\1\\Boot\\x64\\boot.wim\0octet\0blksize\0" "16384\0"
	  "tsize\0" "0\0msftwindow\0" "31416\0", "\\Boot\\x64\\boot.wim",
	  TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_MSFTWINDOW, 16384, 0, 0, 31416),
};

static void
test_parse_clients(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(client_cases); i++) {
		const struct client_case *c = &client_cases[i];
		struct tftp_packet p;

		CU_ASSERT_EQUAL_FATAL(tftp_parse((const uint8_t *)c->pkt, c->len, &p),
				      TFTP_OK);
		CU_ASSERT_EQUAL(p.opcode, TFTP_OP_RRQ);
		CU_ASSERT_STRING_EQUAL(p.u.req.filename, c->filename);
		CU_ASSERT_EQUAL(p.u.req.opts.present, c->present);
		CU_ASSERT_EQUAL(p.u.req.opts.blksize, c->blksize);
		CU_ASSERT_EQUAL(p.u.req.opts.windowsize, c->windowsize);
		CU_ASSERT_EQUAL(p.u.req.opts.timeout, c->timeout);
		CU_ASSERT_EQUAL(p.u.req.opts.msftwindow, c->msftwindow);
		CU_ASSERT_EQUAL(p.u.req.opts.tsize, 0);
		CU_ASSERT_EQUAL(p.u.req.unknown_opts, 0);
	}
}

/* ---- number parsing against a naive reference ---- */

static void
test_parse_numbers_random(void)
{
	unsigned int seed = 12345;
	int iter;

	for (iter = 0; iter < 5000; iter++) {
		char digits[32];
		uint8_t pkt[128];
		struct tftp_packet p;
		enum tftp_err e;
		unsigned long long ref;
		int ndig = 1 + rand_r(&seed) % 24;
		int bad = rand_r(&seed) % 8 == 0;
		int i;
		size_t len;
		char *end;

		for (i = 0; i < ndig; i++)
			digits[i] = (char)('0' + rand_r(&seed) % 10);
		if (bad)
			digits[rand_r(&seed) % ndig] = "x -+/:"[rand_r(&seed) % 6];
		digits[ndig] = '\0';
		len = (size_t)snprintf((char *)pkt, sizeof(pkt), "%c%cf%coctet%ctsize%c%s",
				       0, 1, 0, 0, 0, digits) + 1;

		errno = 0;
		ref = strtoull(digits, &end, 10);
		e = tftp_parse(pkt, len, &p);
		if (*end != '\0' || digits[0] == '-' || digits[0] == '+' ||
		    digits[0] == ' ' || errno == ERANGE) {
			CU_ASSERT_EQUAL(e, TFTP_ERR_OPT_BAD_VALUE);
		} else {
			CU_ASSERT_EQUAL(e, TFTP_OK);
			if (e == TFTP_OK)
				CU_ASSERT_EQUAL(p.u.req.opts.tsize, (uint64_t)ref);
		}
	}
}

/* ---- negotiation ---- */

struct nego_case {
	const char *name;
	struct tftp_options req;
	uint64_t file_size;
	int msft_on;
	enum tftp_err err;
	struct tftp_options want;	/* checked when err == TFTP_OK */
};

#define LIM_BLK 8192
#define LIM_WIN 64

static const struct nego_case nego_cases[] = {
	{ "nothing asked", { 0 }, 100, 0, TFTP_OK, { 0 } },
	{ "blksize 512", { .present = TFTP_OPT_BLKSIZE, .blksize = 512 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_BLKSIZE, .blksize = 512 } },
	{ "blksize 8 (min)", { .present = TFTP_OPT_BLKSIZE, .blksize = 8 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_BLKSIZE, .blksize = 8 } },
	{ "blksize 7", { .present = TFTP_OPT_BLKSIZE, .blksize = 7 }, 0, 0,
	  TFTP_ERR_OPT_BAD_VALUE, { 0 } },
	{ "blksize 0", { .present = TFTP_OPT_BLKSIZE, .blksize = 0 }, 0, 0,
	  TFTP_ERR_OPT_BAD_VALUE, { 0 } },
	{ "blksize at limit", { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK } },
	{ "blksize over limit", { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK + 1 },
	  0, 0, TFTP_OK, { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK } },
	{ "blksize 65465", { .present = TFTP_OPT_BLKSIZE, .blksize = 65465 }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK } },
	{ "blksize 2^32-1", { .present = TFTP_OPT_BLKSIZE, .blksize = UINT32_MAX }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_BLKSIZE, .blksize = LIM_BLK } },
	{ "tsize gets file size", { .present = TFTP_OPT_TSIZE, .tsize = 0 },
	  5000000000ull, 0, TFTP_OK, { .present = TFTP_OPT_TSIZE, .tsize = 5000000000ull } },
	{ "tsize of empty file", { .present = TFTP_OPT_TSIZE, .tsize = 0 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_TSIZE, .tsize = 0 } },
	{ "timeout 6", { .present = TFTP_OPT_TIMEOUT, .timeout = 6 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_TIMEOUT, .timeout = 6 } },
	{ "timeout 0 not granted", { .present = TFTP_OPT_TIMEOUT, .timeout = 0 }, 0, 0,
	  TFTP_OK, { 0 } },
	{ "timeout 256 not granted", { .present = TFTP_OPT_TIMEOUT, .timeout = 256 }, 0, 0,
	  TFTP_OK, { 0 } },
	{ "timeout above lim not granted", { .present = TFTP_OPT_TIMEOUT, .timeout = 61 },
	  0, 0, TFTP_OK, { 0 } },
	{ "timeout at lim max", { .present = TFTP_OPT_TIMEOUT, .timeout = 60 }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_TIMEOUT, .timeout = 60 } },
	{ "timeout 1", { .present = TFTP_OPT_TIMEOUT, .timeout = 1 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_TIMEOUT, .timeout = 1 } },
	{ "utimeout 9999 not granted", { .present = TFTP_OPT_UTIMEOUT, .utimeout = 9999 },
	  0, 0, TFTP_OK, { 0 } },
	{ "utimeout 10000", { .present = TFTP_OPT_UTIMEOUT, .utimeout = 10000 }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_UTIMEOUT, .utimeout = 10000 } },
	{ "utimeout above lim", { .present = TFTP_OPT_UTIMEOUT, .utimeout = 60000001 },
	  0, 0, TFTP_OK, { 0 } },
	{ "windowsize 0", { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 0 }, 0, 0,
	  TFTP_ERR_OPT_BAD_VALUE, { 0 } },
	{ "windowsize 1", { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 1 }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 1 } },
	{ "windowsize 4", { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 4 }, 0, 0,
	  TFTP_OK, { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 4 } },
	{ "windowsize over limit", { .present = TFTP_OPT_WINDOWSIZE, .windowsize = 65535 },
	  0, 0, TFTP_OK, { .present = TFTP_OPT_WINDOWSIZE, .windowsize = LIM_WIN } },
	{ "windowsize 2^32-1", { .present = TFTP_OPT_WINDOWSIZE, .windowsize = UINT32_MAX },
	  0, 0, TFTP_OK, { .present = TFTP_OPT_WINDOWSIZE, .windowsize = LIM_WIN } },
	{ "msftwindow off", { .present = TFTP_OPT_MSFTWINDOW, .msftwindow = 31416 }, 0, 0,
	  TFTP_OK, { 0 } },
	{ "msftwindow on", { .present = TFTP_OPT_MSFTWINDOW, .msftwindow = 31416 }, 0, 1,
	  TFTP_OK, { .present = TFTP_OPT_MSFTWINDOW, .msftwindow = 27182 } },
	{ "msftwindow wrong ask", { .present = TFTP_OPT_MSFTWINDOW, .msftwindow = 27182 },
	  0, 1, TFTP_OK, { 0 } },
	{ "rollover 0", { .present = TFTP_OPT_ROLLOVER, .rollover = 0 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_ROLLOVER, .rollover = 0 } },
	{ "rollover 1", { .present = TFTP_OPT_ROLLOVER, .rollover = 1 }, 0, 0, TFTP_OK,
	  { .present = TFTP_OPT_ROLLOVER, .rollover = 1 } },
	{ "rollover 2 not granted", { .present = TFTP_OPT_ROLLOVER, .rollover = 2 }, 0, 0,
	  TFTP_OK, { 0 } },
	{ "multicast never granted", { .present = TFTP_OPT_MULTICAST }, 0, 0, TFTP_OK,
	  { 0 } },
	{ "OVMF probe", { .present = TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE,
	  .blksize = 1468, .windowsize = 4 }, 123456, 0, TFTP_OK,
	  { .present = TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE,
	    .tsize = 123456, .blksize = 1468, .windowsize = 4 } },
	{ "Windows bootmgr", { .present = TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE |
	  TFTP_OPT_MSFTWINDOW, .blksize = 16384, .msftwindow = 31416 }, 400000000, 1,
	  TFTP_OK, { .present = TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE | TFTP_OPT_MSFTWINDOW,
	  .tsize = 400000000, .blksize = LIM_BLK, .msftwindow = 27182 } },
	{ "bad blksize spoils the rest", { .present = TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE,
	  .blksize = 1 }, 10, 0, TFTP_ERR_OPT_BAD_VALUE, { 0 } },
};

static void
test_negotiate_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(nego_cases); i++) {
		const struct nego_case *c = &nego_cases[i];
		struct tftp_limits lim = {
			.blksize_max = LIM_BLK, .windowsize_max = LIM_WIN,
			.timeout_min = 1, .timeout_max = 60, .msftwindow = c->msft_on,
		};
		struct tftp_options g;
		enum tftp_err e;

		memset(&g, 0xa5, sizeof(g));
		e = tftp_negotiate(&c->req, &lim, c->file_size, &g);
		if (e != c->err)
			fprintf(stderr, "row '%s': got '%s'\n", c->name, tftp_strerror(e));
		CU_ASSERT_EQUAL(e, c->err);
		if (e != TFTP_OK || c->err != TFTP_OK)
			continue;
		if (g.present != c->want.present)
			fprintf(stderr, "row '%s': present %#x want %#x\n", c->name,
				g.present, c->want.present);
		CU_ASSERT_EQUAL(g.present, c->want.present);
		if (c->want.present & TFTP_OPT_BLKSIZE)
			CU_ASSERT_EQUAL(g.blksize, c->want.blksize);
		if (c->want.present & TFTP_OPT_TSIZE)
			CU_ASSERT_EQUAL(g.tsize, c->want.tsize);
		if (c->want.present & TFTP_OPT_TIMEOUT)
			CU_ASSERT_EQUAL(g.timeout, c->want.timeout);
		if (c->want.present & TFTP_OPT_UTIMEOUT)
			CU_ASSERT_EQUAL(g.utimeout, c->want.utimeout);
		if (c->want.present & TFTP_OPT_WINDOWSIZE)
			CU_ASSERT_EQUAL(g.windowsize, c->want.windowsize);
		if (c->want.present & TFTP_OPT_MSFTWINDOW)
			CU_ASSERT_EQUAL(g.msftwindow, c->want.msftwindow);
		if (c->want.present & TFTP_OPT_ROLLOVER)
			CU_ASSERT_EQUAL(g.rollover, c->want.rollover);
	}
}

/* Limits beyond the RFC are themselves clamped; windowsize_max 0 disables. */
static void
test_negotiate_limits(void)
{
	struct tftp_options req = {
		.present = TFTP_OPT_BLKSIZE | TFTP_OPT_WINDOWSIZE,
		.blksize = 65464, .windowsize = 65535,
	};
	struct tftp_limits lim = {
		.blksize_max = 100000, .windowsize_max = 100000,
		.timeout_min = 0, .timeout_max = 1000,
	};
	struct tftp_options g;

	CU_ASSERT_EQUAL_FATAL(tftp_negotiate(&req, &lim, 0, &g), TFTP_OK);
	CU_ASSERT_EQUAL(g.blksize, TFTP_BLKSIZE_MAX);
	CU_ASSERT_EQUAL(g.windowsize, TFTP_WINDOW_MAX);

	lim.windowsize_max = 0;
	req.present |= TFTP_OPT_TIMEOUT;
	req.timeout = 255;
	CU_ASSERT_EQUAL_FATAL(tftp_negotiate(&req, &lim, 0, &g), TFTP_OK);
	CU_ASSERT_EQUAL(g.present, TFTP_OPT_BLKSIZE | TFTP_OPT_TIMEOUT);
	CU_ASSERT_EQUAL(g.timeout, 255);
	req.timeout = 0;
	CU_ASSERT_EQUAL_FATAL(tftp_negotiate(&req, &lim, 0, &g), TFTP_OK);
	CU_ASSERT_EQUAL(g.present, TFTP_OPT_BLKSIZE);

	/* A tiny configured maximum still yields a legal blksize. */
	lim.blksize_max = 4;
	req.blksize = 512;
	CU_ASSERT_EQUAL_FATAL(tftp_negotiate(&req, &lim, 0, &g), TFTP_OK);
	CU_ASSERT_EQUAL(g.blksize, TFTP_BLKSIZE_MIN);
}

/* ---- builders and round trips ---- */

static void
test_build_oack(void)
{
	static const uint8_t want[] = "\0\6blksize\0" "1468\0tsize\0" "123456\0"
		"windowsize\0" "4\0";
	struct tftp_options g = {
		.present = TFTP_OPT_WINDOWSIZE | TFTP_OPT_TSIZE | TFTP_OPT_BLKSIZE,
		.blksize = 1468, .tsize = 123456, .windowsize = 4,
	};
	uint8_t buf[128];
	size_t n;
	size_t cap;

	n = tftp_build_oack(buf, sizeof(buf), &g);
	CU_ASSERT_EQUAL_FATAL(n, sizeof(want) - 1);
	CU_ASSERT_EQUAL(memcmp(buf, want, n), 0);
	/* Every capacity short of the need fails whole, never writes a prefix. */
	for (cap = 0; cap < n; cap++)
		CU_ASSERT_EQUAL(tftp_build_oack(buf, cap, &g), 0);

	/* Not-present values are not written even when set. */
	g.present = TFTP_OPT_MSFTWINDOW;
	g.msftwindow = TFTP_MSFT_WINDOW_GRANT;
	n = tftp_build_oack(buf, sizeof(buf), &g);
	CU_ASSERT_EQUAL(n, 2 + sizeof("msftwindow") + sizeof("27182"));
	CU_ASSERT_EQUAL(memcmp(buf, "\0\6msftwindow\0" "27182\0", n), 0);

	/* Multicast is the session layer's: never written by the codec. */
	g.present = TFTP_OPT_MULTICAST;
	CU_ASSERT_EQUAL(tftp_build_oack(buf, sizeof(buf), &g), 2);
}

static void
test_roundtrip_oack(void)
{
	struct tftp_options g = {
		.present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_TIMEOUT |
			   TFTP_OPT_UTIMEOUT | TFTP_OPT_WINDOWSIZE |
			   TFTP_OPT_MSFTWINDOW | TFTP_OPT_ROLLOVER,
		.blksize = 65464, .tsize = UINT64_MAX, .timeout = 255,
		.utimeout = 255000000, .windowsize = 65535,
		.msftwindow = 27182, .rollover = 1,
	};
	uint8_t buf[256];
	struct tftp_packet p;
	size_t n;

	n = tftp_build_oack(buf, sizeof(buf), &g);
	CU_ASSERT_FATAL(n > 2);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_OACK);
	CU_ASSERT_PTR_NULL(p.u.req.filename);
	CU_ASSERT_EQUAL(p.u.req.opts.present, g.present);
	CU_ASSERT_EQUAL(p.u.req.opts.blksize, g.blksize);
	CU_ASSERT_EQUAL(p.u.req.opts.tsize, g.tsize);
	CU_ASSERT_EQUAL(p.u.req.opts.timeout, g.timeout);
	CU_ASSERT_EQUAL(p.u.req.opts.utimeout, g.utimeout);
	CU_ASSERT_EQUAL(p.u.req.opts.windowsize, g.windowsize);
	CU_ASSERT_EQUAL(p.u.req.opts.msftwindow, g.msftwindow);
	CU_ASSERT_EQUAL(p.u.req.opts.rollover, g.rollover);
}

static void
test_roundtrip_rrq(void)
{
	struct tftp_options o = {
		.present = TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_WINDOWSIZE |
			   TFTP_OPT_MSFTWINDOW | TFTP_OPT_MULTICAST |
			   TFTP_OPT_ROLLOVER | TFTP_OPT_TIMEOUT,
		.blksize = 1468, .tsize = 999, .windowsize = 4,
		.msftwindow = 31416, .rollover = 0, .timeout = 5,
	};
	static const uint8_t plain[] = "\0\1pxelinux.0\0octet\0";
	uint8_t buf[256];
	struct tftp_packet p;
	size_t n;
	size_t cap;

	n = tftp_build_rrq(buf, sizeof(buf), "\\Boot\\BCD", "octet", &o);
	CU_ASSERT_FATAL(n > 0);
	for (cap = 0; cap < n; cap++)
		CU_ASSERT_EQUAL(tftp_build_rrq(buf, cap, "\\Boot\\BCD", "octet", &o), 0);
	n = tftp_build_rrq(buf, sizeof(buf), "\\Boot\\BCD", "octet", &o);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_RRQ);
	CU_ASSERT_STRING_EQUAL(p.u.req.filename, "\\Boot\\BCD");
	CU_ASSERT_EQUAL(p.u.req.mode, TFTP_MODE_OCTET);
	CU_ASSERT_EQUAL(p.u.req.opts.present, o.present);
	CU_ASSERT_EQUAL(p.u.req.opts.blksize, 1468);
	CU_ASSERT_EQUAL(p.u.req.opts.tsize, 0);	/* always asked as "0" */
	CU_ASSERT_EQUAL(p.u.req.opts.windowsize, 4);
	CU_ASSERT_EQUAL(p.u.req.opts.msftwindow, 31416);
	CU_ASSERT_EQUAL(p.u.req.opts.timeout, 5);
	CU_ASSERT_EQUAL(p.u.req.opts.rollover, 0);

	/* tftp-hpa style: no options, bytes exactly as on the wire. */
	n = tftp_build_rrq(buf, sizeof(buf), "pxelinux.0", "octet", NULL);
	CU_ASSERT_EQUAL(n, sizeof(plain) - 1);
	CU_ASSERT_EQUAL(memcmp(buf, plain, n), 0);
}

static void
test_roundtrip_small(void)
{
	static const uint8_t ack[] = { 0, 4, 0xab, 0xcd };
	static const uint8_t dh[] = { 0, 3, 0, 0 };
	uint8_t buf[64];
	struct tftp_packet p;
	size_t n;

	CU_ASSERT_EQUAL(tftp_build_ack(buf, sizeof(buf), 0xabcd), 4);
	CU_ASSERT_EQUAL(memcmp(buf, ack, 4), 0);
	CU_ASSERT_EQUAL(tftp_build_ack(buf, 3, 1), 0);
	CU_ASSERT_EQUAL(tftp_build_data_header(buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(memcmp(buf, dh, 4), 0);
	CU_ASSERT_EQUAL(tftp_build_data_header(buf, 3, 0), 0);

	n = tftp_build_error(buf, sizeof(buf), TFTP_ENOTFOUND, "File not found");
	CU_ASSERT_EQUAL_FATAL(n, 4 + sizeof("File not found"));
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.opcode, TFTP_OP_ERROR);
	CU_ASSERT_EQUAL(p.u.error.code, TFTP_ENOTFOUND);
	CU_ASSERT_STRING_EQUAL(p.u.error.msg, "File not found");
	CU_ASSERT_EQUAL(tftp_build_error(buf, n - 1, 1, "File not found"), 0);

	n = tftp_build_error(buf, sizeof(buf), TFTP_EOPTNEG, NULL);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.error.code, TFTP_EOPTNEG);
	CU_ASSERT_STRING_EQUAL(p.u.error.msg, "");

	/* An ACK with the msftwindow byte appended by hand, as bootmgr sends. */
	n = tftp_build_ack(buf, sizeof(buf), 65535);
	buf[n++] = 64;
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &p), TFTP_OK);
	CU_ASSERT_EQUAL(p.u.ack.block, 65535);
	CU_ASSERT_EQUAL(p.u.ack.has_next_window, 1);
	CU_ASSERT_EQUAL(p.u.ack.next_window, 64);
}

/* Parse -> negotiate -> OACK -> parse: what a client reads back. */
static void
test_roundtrip_negotiated(void)
{
	static const uint8_t rrq[] = "\0\1\\Boot\\x64\\boot.wim\0octet\0blksize\0"
		"16384\0tsize\0" "0\0msftwindow\0" "31416\0";
	struct tftp_limits lim = {
		.blksize_max = 1468, .windowsize_max = 64,
		.timeout_min = 1, .timeout_max = 255, .msftwindow = 1,
	};
	struct tftp_packet req;
	struct tftp_packet oack;
	struct tftp_options g;
	uint8_t buf[128];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(tftp_parse(rrq, sizeof(rrq) - 1, &req), TFTP_OK);
	CU_ASSERT_EQUAL_FATAL(tftp_negotiate(&req.u.req.opts, &lim, 314572800, &g),
			      TFTP_OK);
	n = tftp_build_oack(buf, sizeof(buf), &g);
	CU_ASSERT_EQUAL_FATAL(tftp_parse(buf, n, &oack), TFTP_OK);
	CU_ASSERT_EQUAL(oack.u.req.opts.present,
			TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE | TFTP_OPT_MSFTWINDOW);
	CU_ASSERT_EQUAL(oack.u.req.opts.blksize, 1468);
	CU_ASSERT_EQUAL(oack.u.req.opts.tsize, 314572800);
	CU_ASSERT_EQUAL(oack.u.req.opts.msftwindow, TFTP_MSFT_WINDOW_GRANT);
}

static void
test_strerror(void)
{
	int e;

	for (e = 0; e < TFTP_ERR__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL(tftp_strerror(e));
		CU_ASSERT(strlen(tftp_strerror(e)) > 0);
	}
	CU_ASSERT_STRING_EQUAL(tftp_strerror(TFTP_ERR__MAX), "unknown error");
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "parse table", test_parse_table },
		{ "parse values", test_parse_values },
		{ "filename in buffer", test_parse_filename_in_buffer },
		{ "name length", test_parse_name_length },
		{ "too many options", test_parse_too_many_options },
		{ "ack", test_parse_ack },
		{ "data and error", test_parse_data_error },
		{ "real clients", test_parse_clients },
		{ "numbers vs strtoull", test_parse_numbers_random },
		{ "negotiate table", test_negotiate_table },
		{ "negotiate limits", test_negotiate_limits },
		{ "build oack", test_build_oack },
		{ "roundtrip oack", test_roundtrip_oack },
		{ "roundtrip rrq", test_roundtrip_rrq },
		{ "roundtrip ack/data/error", test_roundtrip_small },
		{ "roundtrip negotiated", test_roundtrip_negotiated },
		{ "strerror", test_strerror },
		{ NULL, NULL },
	};

	return unit_run("tftp_packet", tests);
}
