/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: one datagram through tftp_parse(), and on success through
 * everything a server does next (path_canonicalize, tftp_negotiate, the
 * builders) with the invariants each step promises. The raw input also goes
 * straight to path_canonicalize(). A broken invariant calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/path.h"
#include "dataplane/proto/tftp_packet.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* The string lies inside [data, data + size) and its NUL too. */
static void
check_in_buffer(const char *s, size_t len, const uint8_t *data, size_t size)
{
	const uint8_t *p = (const uint8_t *)s;

	CHECK(p >= data && p + len < data + size);
	CHECK(p[len] == '\0');
	CHECK(memchr(p, '\0', len) == NULL);
}

/* What a canonical path must look like. */
static void
check_canonical(const char *out, size_t cap)
{
	size_t len = strnlen(out, cap);
	size_t i;
	size_t start = 0;

	CHECK(len < cap && len > 0);
	CHECK(out[0] != '/');
	CHECK(out[len - 1] != '/');
	for (i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (i < len) {
			CHECK(c >= 0x20 && c != 0x7f);
			CHECK(c != '\\' && c != ':');
		}
		if (i == len || c == '/') {
			size_t clen = i - start;

			CHECK(clen > 0);	/* no "//" */
			CHECK(!(clen == 1 && out[start] == '.'));
			CHECK(!(clen == 2 && out[start] == '.' && out[start + 1] == '.'));
			/* nor any dots-and-spaces name Win32 could read as ".." */
			CHECK(strspn(out + start, ". ") < clen ||
			      memchr(out + start, '.', clen) == NULL);
			start = i + 1;
		}
	}
}

static void
fuzz_path(const char *in, size_t len)
{
	char out[300];
	char again[300];
	enum path_err e;

	memset(out, 0x55, sizeof(out));
	e = path_canonicalize(in, len, out, sizeof(out));
	CHECK((unsigned int)e < PATH_ERR__MAX);
	if (e != PATH_OK) {
		CHECK(out[0] == '\0');
		return;
	}
	check_canonical(out, sizeof(out));
	/* A canonical path is a fixed point. */
	CHECK(path_canonicalize(out, strlen(out), again, sizeof(again)) == PATH_OK);
	CHECK(strcmp(out, again) == 0);
}

static bool
opts_equal(const struct tftp_options *a, const struct tftp_options *b,
	   uint32_t mask)
{
	if ((a->present & mask) != (b->present & mask))
		return false;
#define SAME(bit, f) (!((a->present & mask) & (bit)) || a->f == b->f)
	return SAME(TFTP_OPT_BLKSIZE, blksize) && SAME(TFTP_OPT_TSIZE, tsize) &&
	       SAME(TFTP_OPT_TIMEOUT, timeout) && SAME(TFTP_OPT_UTIMEOUT, utimeout) &&
	       SAME(TFTP_OPT_WINDOWSIZE, windowsize) &&
	       SAME(TFTP_OPT_MSFTWINDOW, msftwindow) &&
	       SAME(TFTP_OPT_ROLLOVER, rollover);
#undef SAME
}

static void
fuzz_negotiate(const struct tftp_options *req, size_t size)
{
	struct tftp_limits lim = {
		.blksize_max = 1468 + (uint32_t)(size % 64) * 1000,
		.windowsize_max = (uint32_t)(size % 70),
		.timeout_min = 1, .timeout_max = 60,
		.msftwindow = (int)(size & 1),
	};
	struct tftp_options g;
	struct tftp_packet back;
	uint8_t buf[512];
	size_t n;

	if (tftp_negotiate(req, &lim, size, &g) != TFTP_OK) {
		/* Refusal only for the two values that cannot be honoured. */
		CHECK(((req->present & TFTP_OPT_BLKSIZE) && req->blksize < 8) ||
		      ((req->present & TFTP_OPT_WINDOWSIZE) && req->windowsize == 0));
		return;
	}
	/* Nothing granted that was not asked; multicast never. */
	CHECK((g.present & ~req->present) == 0);
	CHECK(!(g.present & TFTP_OPT_MULTICAST));
	if (g.present & TFTP_OPT_BLKSIZE)
		CHECK(g.blksize >= TFTP_BLKSIZE_MIN && g.blksize <= lim.blksize_max &&
		      g.blksize <= TFTP_BLKSIZE_MAX && g.blksize <= req->blksize);
	if (g.present & TFTP_OPT_WINDOWSIZE)
		CHECK(g.windowsize >= 1 && g.windowsize <= lim.windowsize_max &&
		      g.windowsize <= req->windowsize);
	if (g.present & TFTP_OPT_TIMEOUT)
		CHECK(g.timeout == req->timeout && g.timeout >= 1 && g.timeout <= 60);
	if (g.present & TFTP_OPT_UTIMEOUT)
		CHECK(g.utimeout == req->utimeout && g.utimeout >= 10000 &&
		      g.utimeout <= 60000000);
	if (g.present & TFTP_OPT_MSFTWINDOW)
		CHECK(lim.msftwindow && g.msftwindow == TFTP_MSFT_WINDOW_GRANT);
	if (g.present & TFTP_OPT_ROLLOVER)
		CHECK(g.rollover <= 1 && g.rollover == req->rollover);
	if (g.present & TFTP_OPT_TSIZE)
		CHECK(g.tsize == size);
	if (req->present & TFTP_OPT_TSIZE)
		CHECK(g.present & TFTP_OPT_TSIZE);

	/* The OACK the client reads back says exactly what was granted. */
	n = tftp_build_oack(buf, sizeof(buf), &g);
	CHECK(n >= 2);
	CHECK(tftp_parse(buf, n, &back) == TFTP_OK);
	CHECK(back.opcode == TFTP_OP_OACK);
	CHECK(opts_equal(&g, &back.u.req.opts, ~0u));
}

static void
fuzz_request(const struct tftp_packet *p, const uint8_t *data, size_t size)
{
	static const char *const modes[] = { "octet", "netascii", "mail" };
	const struct tftp_options *o = &p->u.req.opts;
	struct tftp_packet back;
	uint8_t buf[1024];
	size_t n;

	CHECK(p->u.req.filename_len >= 1 &&
	      p->u.req.filename_len <= TFTP_NAME_MAX);
	check_in_buffer(p->u.req.filename, p->u.req.filename_len, data, size);
	CHECK((unsigned int)p->u.req.mode <= TFTP_MODE_MAIL);
	CHECK(p->u.req.unknown_opts <= TFTP_MAX_OPTIONS);

	fuzz_path(p->u.req.filename, p->u.req.filename_len);
	fuzz_negotiate(o, size);

	/* Rebuilt as a request, it parses back the same (tsize asks 0). */
	n = tftp_build_rrq(buf, sizeof(buf), p->u.req.filename,
			   modes[p->u.req.mode], o);
	CHECK(n > 0);
	CHECK(tftp_parse(buf, n, &back) == TFTP_OK);
	CHECK(back.opcode == TFTP_OP_RRQ);
	CHECK(back.u.req.filename_len == p->u.req.filename_len);
	CHECK(memcmp(back.u.req.filename, p->u.req.filename,
		     p->u.req.filename_len) == 0);
	CHECK(back.u.req.mode == p->u.req.mode);
	CHECK(back.u.req.unknown_opts == 0);
	CHECK(opts_equal(o, &back.u.req.opts, ~(uint32_t)TFTP_OPT_TSIZE));
	CHECK((back.u.req.opts.present & TFTP_OPT_TSIZE) ==
	      (o->present & TFTP_OPT_TSIZE));
	CHECK(back.u.req.opts.tsize == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_packet p;
	struct tftp_packet back;
	uint8_t buf[1024];
	enum tftp_err e;
	size_t n;

	fuzz_path((const char *)data, size);

	e = tftp_parse(data, size, &p);
	CHECK((unsigned int)e < TFTP_ERR__MAX);
	if (e != TFTP_OK)
		return 0;
	CHECK(size >= 2);

	switch (p.opcode) {
	case TFTP_OP_RRQ:
	case TFTP_OP_WRQ:
		fuzz_request(&p, data, size);
		break;
	case TFTP_OP_OACK:
		CHECK(p.u.req.filename == NULL);
		CHECK(p.u.req.unknown_opts <= TFTP_MAX_OPTIONS);
		fuzz_negotiate(&p.u.req.opts, size);
		break;
	case TFTP_OP_ACK:
		CHECK(size >= 4);
		CHECK(p.u.ack.has_next_window == (size >= 5));
		CHECK(p.u.ack.block == (data[2] << 8 | data[3]));
		n = tftp_build_ack(buf, sizeof(buf), p.u.ack.block);
		CHECK(n == 4 && memcmp(buf, data, 4) == 0);
		break;
	case TFTP_OP_DATA:
		CHECK(p.u.data.data == data + 4 && p.u.data.len == size - 4);
		n = tftp_build_data_header(buf, sizeof(buf), p.u.data.block);
		CHECK(n == 4 && memcmp(buf, data, 4) == 0);
		break;
	case TFTP_OP_ERROR:
		CHECK(p.u.error.msg != NULL);
		if (size > 4)
			check_in_buffer(p.u.error.msg, strlen(p.u.error.msg),
					data, size);
		else
			CHECK(p.u.error.msg[0] == '\0');
		n = tftp_build_error(buf, sizeof(buf), p.u.error.code, p.u.error.msg);
		if (n > 0) {
			CHECK(tftp_parse(buf, n, &back) == TFTP_OK);
			CHECK(back.u.error.code == p.u.error.code);
			CHECK(strcmp(back.u.error.msg, p.u.error.msg) == 0);
		} else {
			CHECK(strlen(p.u.error.msg) + 5 > sizeof(buf));
		}
		break;
	default:
		abort();	/* parse accepted an opcode it does not know */
	}
	return 0;
}
