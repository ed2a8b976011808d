/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TFTP packet codec. Every read goes through the bounded cursor of wire.h;
 * strings are returned as pointers into the caller's buffer, checked to end
 * in a NUL that lies inside it.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/wire.h"

static const char *const tftp_err_str[] = {
	[TFTP_OK] = "ok",
	[TFTP_ERR_SHORT] = "packet shorter than its header",
	[TFTP_ERR_OPCODE] = "unknown opcode",
	[TFTP_ERR_NO_NUL] = "string without terminating NUL",
	[TFTP_ERR_EMPTY_NAME] = "empty filename",
	[TFTP_ERR_NAME_TOO_LONG] = "filename too long",
	[TFTP_ERR_BAD_MODE] = "bad transfer mode",
	[TFTP_ERR_OPT_NO_VALUE] = "option without value",
	[TFTP_ERR_OPT_BAD_VALUE] = "option value is not a valid number",
	[TFTP_ERR_OPT_DUPLICATE] = "option given twice",
	[TFTP_ERR_TOO_MANY_OPTS] = "too many options",
	[TFTP_ERR_NO_SPACE] = "output buffer too small",
};
_Static_assert(sizeof(tftp_err_str) / sizeof(tftp_err_str[0]) == TFTP_ERR__MAX, "tftp_err_str out of step with its enum");

const char *
tftp_strerror(enum tftp_err e)
{
	if ((unsigned int)e >= TFTP_ERR__MAX)
		return "unknown error";
	return tftp_err_str[e];
}

/*
 * The options we know, in the order the builders write them. A table keeps
 * the parser, the OACK builder and the RRQ builder in step.
 */
enum tftp_opt_kind {
	TFTP_OPTK_U32,		/* decimal, fits 32 bits */
	TFTP_OPTK_U64,		/* decimal, fits 64 bits (tsize) */
	TFTP_OPTK_ANY,		/* any string, value not kept (multicast) */
};

struct tftp_opt_desc {
	const char *name;
	uint32_t bit;
	enum tftp_opt_kind kind;
	size_t off;		/* offset of the field in struct tftp_options */
};

static const struct tftp_opt_desc tftp_opt_table[] = {
	{ "blksize", TFTP_OPT_BLKSIZE, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, blksize) },
	{ "tsize", TFTP_OPT_TSIZE, TFTP_OPTK_U64,
	  offsetof(struct tftp_options, tsize) },
	{ "timeout", TFTP_OPT_TIMEOUT, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, timeout) },
	{ "utimeout", TFTP_OPT_UTIMEOUT, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, utimeout) },
	{ "windowsize", TFTP_OPT_WINDOWSIZE, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, windowsize) },
	{ "msftwindow", TFTP_OPT_MSFTWINDOW, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, msftwindow) },
	{ "rollover", TFTP_OPT_ROLLOVER, TFTP_OPTK_U32,
	  offsetof(struct tftp_options, rollover) },
	{ "multicast", TFTP_OPT_MULTICAST, TFTP_OPTK_ANY, 0 },
};

#define TFTP_OPT_COUNT (sizeof(tftp_opt_table) / sizeof(tftp_opt_table[0]))

/*
 * Claims a NUL-terminated string at the cursor. Returns it (NUL included in
 * the claim) and its length without the NUL, or NULL when no NUL is left in
 * the buffer; the cursor does not move then.
 */
static const char *
tftp_take_str(struct wire *w, size_t *ret_len)
{
	size_t left = wire_left(w);
	const uint8_t *start;
	const uint8_t *nul;

	if (left == 0)
		return NULL;
	start = w->buf + w->pos;
	nul = memchr(start, '\0', left);
	if (nul == NULL)
		return NULL;
	*ret_len = (size_t)(nul - start);
	return (const char *)wire_take(w, *ret_len + 1);
}

/* Only NUL bytes remain: the padding some clients put after the last option. */
static bool
tftp_only_padding(const struct wire *w)
{
	size_t left = wire_left(w);
	size_t i;

	for (i = 0; i < left; i++)
		if (w->buf[w->pos + i] != 0)
			return false;
	return true;
}

/*
 * Strict decimal: digits only, at least one, at most max. Leading zeros are
 * fine; the check before each step keeps a 40-digit value from wrapping.
 */
static bool
tftp_parse_num(const char *s, size_t len, uint64_t max, uint64_t *ret_val)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned int)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret_val = v;
	return true;
}

static const struct tftp_opt_desc *
tftp_opt_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < TFTP_OPT_COUNT; i++)
		if (strlen(tftp_opt_table[i].name) == len &&
		    strncasecmp(tftp_opt_table[i].name, name, len) == 0)
			return &tftp_opt_table[i];
	return NULL;
}

/* Reads name/value pairs up to the end of the packet (RRQ, WRQ, OACK). */
static enum tftp_err
tftp_parse_options(struct wire *w, struct tftp_options *opts,
		   uint32_t *ret_unknown)
{
	unsigned int pairs = 0;

	memset(opts, 0, sizeof(*opts));
	*ret_unknown = 0;

	while (wire_left(w) > 0) {
		const struct tftp_opt_desc *d;
		const char *name;
		const char *val;
		size_t name_len;
		size_t val_len;
		uint64_t v;

		if (tftp_only_padding(w))
			break;
		name = tftp_take_str(w, &name_len);
		if (name == NULL)
			return TFTP_ERR_NO_NUL;
		if (wire_left(w) == 0)
			return TFTP_ERR_OPT_NO_VALUE;
		val = tftp_take_str(w, &val_len);
		if (val == NULL)
			return TFTP_ERR_NO_NUL;
		if (++pairs > TFTP_MAX_OPTIONS)
			return TFTP_ERR_TOO_MANY_OPTS;

		d = tftp_opt_lookup(name, name_len);
		if (d == NULL) {
			/* RFC 2347: options we do not know are ignored. */
			(*ret_unknown)++;
			continue;
		}
		if (opts->present & d->bit)
			return TFTP_ERR_OPT_DUPLICATE;
		opts->present |= d->bit;

		switch (d->kind) {
		case TFTP_OPTK_U32:
			if (!tftp_parse_num(val, val_len, UINT32_MAX, &v))
				return TFTP_ERR_OPT_BAD_VALUE;
			*(uint32_t *)((char *)opts + d->off) = (uint32_t)v;
			break;
		case TFTP_OPTK_U64:
			if (!tftp_parse_num(val, val_len, UINT64_MAX, &v))
				return TFTP_ERR_OPT_BAD_VALUE;
			*(uint64_t *)((char *)opts + d->off) = v;
			break;
		case TFTP_OPTK_ANY:
			/* multicast: clients send "", servers "addr,port,mc". */
			break;
		}
	}
	return wire_ok(w) ? TFTP_OK : TFTP_ERR_SHORT;
}

static enum tftp_err
tftp_parse_request(struct wire *w, struct tftp_packet *out)
{
	const char *name;
	const char *mode;
	size_t name_len;
	size_t mode_len;

	name = tftp_take_str(w, &name_len);
	if (name == NULL)
		return TFTP_ERR_NO_NUL;
	if (name_len == 0)
		return TFTP_ERR_EMPTY_NAME;
	if (name_len > TFTP_NAME_MAX)
		return TFTP_ERR_NAME_TOO_LONG;

	/* Nothing after the filename: the mode is missing, not unterminated. */
	if (wire_left(w) == 0)
		return TFTP_ERR_BAD_MODE;
	mode = tftp_take_str(w, &mode_len);
	if (mode == NULL)
		return TFTP_ERR_NO_NUL;
	if (mode_len == 5 && strncasecmp(mode, "octet", 5) == 0)
		out->u.req.mode = TFTP_MODE_OCTET;
	else if (mode_len == 8 && strncasecmp(mode, "netascii", 8) == 0)
		out->u.req.mode = TFTP_MODE_NETASCII;
	else if (mode_len == 4 && strncasecmp(mode, "mail", 4) == 0)
		out->u.req.mode = TFTP_MODE_MAIL;
	else
		return TFTP_ERR_BAD_MODE;

	out->u.req.filename = name;
	out->u.req.filename_len = name_len;
	return tftp_parse_options(w, &out->u.req.opts, &out->u.req.unknown_opts);
}

/*
 * ERROR: the message must end in a NUL inside the packet, but a packet that
 * stops right after the code (some ROMs send no message at all) is taken
 * with msg = "". Bytes after the message's NUL are ignored.
 */
static enum tftp_err
tftp_parse_error(struct wire *w, struct tftp_packet *out)
{
	size_t len;

	out->u.error.code = wire_be16(w);
	if (!wire_ok(w))
		return TFTP_ERR_SHORT;
	if (wire_left(w) == 0) {
		out->u.error.msg = "";
		return TFTP_OK;
	}
	out->u.error.msg = tftp_take_str(w, &len);
	return out->u.error.msg ? TFTP_OK : TFTP_ERR_NO_NUL;
}

enum tftp_err
tftp_parse(const uint8_t *buf, size_t len, struct tftp_packet *out)
{
	struct wire w = wire_reader(buf, len);
	uint16_t op;

	memset(out, 0, sizeof(*out));
	op = wire_be16(&w);
	if (!wire_ok(&w))
		return TFTP_ERR_SHORT;

	switch (op) {
	case TFTP_OP_RRQ:
	case TFTP_OP_WRQ:
		out->opcode = op;
		return tftp_parse_request(&w, out);
	case TFTP_OP_DATA:
		out->opcode = op;
		out->u.data.block = wire_be16(&w);
		if (!wire_ok(&w))
			return TFTP_ERR_SHORT;
		out->u.data.len = wire_left(&w);
		out->u.data.data = wire_take(&w, out->u.data.len);
		return TFTP_OK;
	case TFTP_OP_ACK:
		out->opcode = op;
		out->u.ack.block = wire_be16(&w);
		if (!wire_ok(&w))
			return TFTP_ERR_SHORT;
		/* msftwindow: one byte with the next window; more is ignored. */
		if (wire_left(&w) > 0) {
			out->u.ack.next_window = wire_u8(&w);
			out->u.ack.has_next_window = 1;
		}
		return TFTP_OK;
	case TFTP_OP_ERROR:
		out->opcode = op;
		return tftp_parse_error(&w, out);
	case TFTP_OP_OACK:
		/* Options land in u.req.opts; filename stays NULL. */
		out->opcode = op;
		return tftp_parse_options(&w, &out->u.req.opts,
					  &out->u.req.unknown_opts);
	default:
		return TFTP_ERR_OPCODE;
	}
}

/* Writes v in decimal followed by NUL. */
static void
tftp_put_dec(struct wire *w, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	tmp[--n] = '\0';
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	wire_put_bytes(w, tmp + n, sizeof(tmp) - n);
}

static void
tftp_put_str(struct wire *w, const char *s)
{
	wire_put_bytes(w, s, strlen(s) + 1);
}

/*
 * Appends the options of o->present in table order. Numbers come from o,
 * except tsize in a request, which asks "0" (RFC 2349).
 */
static void
tftp_put_options(struct wire *w, const struct tftp_options *o, bool is_request)
{
	size_t i;

	for (i = 0; i < TFTP_OPT_COUNT; i++) {
		const struct tftp_opt_desc *d = &tftp_opt_table[i];

		if (!(o->present & d->bit))
			continue;
		if (d->kind == TFTP_OPTK_ANY && !is_request)
			continue;	/* see tftp_build_oack() */
		tftp_put_str(w, d->name);
		switch (d->kind) {
		case TFTP_OPTK_U32:
			tftp_put_dec(w, *(const uint32_t *)((const char *)o + d->off));
			break;
		case TFTP_OPTK_U64:
			tftp_put_dec(w, is_request ? 0 :
				     *(const uint64_t *)((const char *)o + d->off));
			break;
		case TFTP_OPTK_ANY:
			tftp_put_str(w, "");
			break;
		}
	}
}

/*
 * The multicast bit is not written: a granted multicast needs the group's
 * "addr,port,mc", which the session layer owns, and tftp_negotiate() never
 * grants it.
 */
size_t
tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_options *granted)
{
	struct wire w = wire_writer(buf, cap);

	wire_put_be16(&w, TFTP_OP_OACK);
	tftp_put_options(&w, granted, false);
	return wire_ok(&w) ? w.pos : 0;
}

size_t
tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	struct wire w = wire_writer(buf, cap);

	wire_put_be16(&w, TFTP_OP_ERROR);
	wire_put_be16(&w, code);
	tftp_put_str(&w, msg ? msg : "");
	return wire_ok(&w) ? w.pos : 0;
}

size_t
tftp_build_data_header(uint8_t *buf, size_t cap, uint16_t block)
{
	struct wire w = wire_writer(buf, cap);

	wire_put_be16(&w, TFTP_OP_DATA);
	wire_put_be16(&w, block);
	return wire_ok(&w) ? w.pos : 0;
}

size_t
tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block)
{
	struct wire w = wire_writer(buf, cap);

	wire_put_be16(&w, TFTP_OP_ACK);
	wire_put_be16(&w, block);
	return wire_ok(&w) ? w.pos : 0;
}

/* tsize is always sent as "0" and multicast as "" (what clients send). */
size_t
tftp_build_rrq(uint8_t *buf, size_t cap, const char *filename,
	       const char *mode, const struct tftp_options *opts)
{
	struct wire w = wire_writer(buf, cap);

	wire_put_be16(&w, TFTP_OP_RRQ);
	tftp_put_str(&w, filename);
	tftp_put_str(&w, mode ? mode : "octet");
	if (opts != NULL)
		tftp_put_options(&w, opts, true);
	return wire_ok(&w) ? w.pos : 0;
}

static uint32_t
tftp_clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Choices where the RFCs leave room (see also tftp_packet.h):
 * - blksize < 8 and windowsize 0 are refused (ERROR 8); too large is clamped.
 * - timeout outside 1..255 or outside lim's range is not granted rather than
 *   refused: RFC 2349 lets the server only echo the asked value, and dropping
 *   the option keeps the boot going on the client's default.
 * - windowsize_max == 0 turns windowing off: windowsize is not granted.
 * - utimeout (tftpd-hpa) is granted in 10000..255000000 us, and not above
 *   timeout_max seconds.
 * - rollover is granted only as 0 or 1; msftwindow only as 31416 and only
 *   when lim->msftwindow is set; multicast never (the session layer decides).
 */
enum tftp_err
tftp_negotiate(const struct tftp_options *req,
	       const struct tftp_limits *lim, uint64_t file_size,
	       struct tftp_options *ret_granted)
{
	struct tftp_options g;
	uint32_t tmin;
	uint32_t tmax;

	memset(&g, 0, sizeof(g));

	if (req->present & TFTP_OPT_BLKSIZE) {
		if (req->blksize < TFTP_BLKSIZE_MIN)
			return TFTP_ERR_OPT_BAD_VALUE;
		g.blksize = req->blksize;
		if (g.blksize > lim->blksize_max)
			g.blksize = lim->blksize_max;
		g.blksize = tftp_clamp_u32(g.blksize, TFTP_BLKSIZE_MIN,
					   TFTP_BLKSIZE_MAX);
		g.present |= TFTP_OPT_BLKSIZE;
	}

	if (req->present & TFTP_OPT_TSIZE) {
		g.tsize = file_size;
		g.present |= TFTP_OPT_TSIZE;
	}

	tmin = lim->timeout_min < 1 ? 1 : lim->timeout_min;
	tmax = lim->timeout_max > 255 ? 255 : lim->timeout_max;
	if ((req->present & TFTP_OPT_TIMEOUT) &&
	    req->timeout >= tmin && req->timeout <= tmax) {
		g.timeout = req->timeout;
		g.present |= TFTP_OPT_TIMEOUT;
	}

	if ((req->present & TFTP_OPT_UTIMEOUT) &&
	    req->utimeout >= 10000 && req->utimeout <= 255000000 &&
	    (uint64_t)req->utimeout <= (uint64_t)lim->timeout_max * 1000000) {
		g.utimeout = req->utimeout;
		g.present |= TFTP_OPT_UTIMEOUT;
	}

	if (req->present & TFTP_OPT_WINDOWSIZE) {
		if (req->windowsize == 0)
			return TFTP_ERR_OPT_BAD_VALUE;
		if (lim->windowsize_max > 0) {
			g.windowsize = tftp_clamp_u32(req->windowsize, 1,
					lim->windowsize_max > TFTP_WINDOW_MAX ?
					TFTP_WINDOW_MAX : lim->windowsize_max);
			g.present |= TFTP_OPT_WINDOWSIZE;
		}
	}

	if ((req->present & TFTP_OPT_MSFTWINDOW) && lim->msftwindow &&
	    req->msftwindow == TFTP_MSFT_WINDOW_ASK) {
		g.msftwindow = TFTP_MSFT_WINDOW_GRANT;
		g.present |= TFTP_OPT_MSFTWINDOW;
	}

	if ((req->present & TFTP_OPT_ROLLOVER) && req->rollover <= 1) {
		g.rollover = req->rollover;
		g.present |= TFTP_OPT_ROLLOVER;
	}

	*ret_granted = g;
	return TFTP_OK;
}
