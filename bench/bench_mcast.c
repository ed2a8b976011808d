/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/bench_mcast.h"

static const char *const bench_mc_err_str[] = {
	[BENCH_MC_OK] = "ok",
	[BENCH_MC_ERR_NOT_OACK] = "not an OACK",
	[BENCH_MC_ERR_ABSENT] = "no multicast option",
	[BENCH_MC_ERR_SYNTAX] = "multicast value is not addr,port,mc",
	[BENCH_MC_ERR_ADDR] = "multicast address is not an IPv4 group",
	[BENCH_MC_ERR_PORT] = "multicast port out of range",
	[BENCH_MC_ERR_FLAG] = "multicast mc flag is not 0 or 1",
	[BENCH_MC_ERR_RANGE] = "block outside the file",
	[BENCH_MC_ERR_NOMEM] = "out of memory for the block bitmap",
};
_Static_assert(sizeof(bench_mc_err_str) / sizeof(bench_mc_err_str[0]) == BENCH_MC_ERR__MAX, "bench_mc_err_str out of step with its enum");

const char *
bench_mc_strerror(enum bench_mc_err e)
{
	if ((unsigned int)e >= BENCH_MC_ERR__MAX)
		return "unknown";
	return bench_mc_err_str[e];
}

/* Decimal digits in [p, end) up to max; false on none, junk or overflow. */
static bool
mc_num(const char *p, const char *end, uint32_t max, uint32_t *ret)
{
	uint64_t v = 0;

	if (p == end || end - p > 10)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Dotted quad, each part 0..255 without sign or space; host order. */
static bool
mc_addr(const char *p, const char *end, uint32_t *ret)
{
	uint32_t a = 0, part;
	int i;

	for (i = 0; i < 4; i++) {
		const char *dot = i < 3 ? memchr(p, '.', (size_t)(end - p)) : end;

		if (!dot || dot - p > 3 || !mc_num(p, dot, 255, &part))
			return false;
		a = a << 8 | part;
		p = dot + 1;
	}
	*ret = a;
	return true;
}

enum bench_mc_err
bench_mc_parse_value(const char *val, size_t len, struct bench_mc_oack *ret_oack)
{
	const char *end = val + len, *c1, *c2;
	uint32_t port = 0, flag;

	memset(ret_oack, 0, sizeof(*ret_oack));
	c1 = memchr(val, ',', len);
	if (!c1)
		return BENCH_MC_ERR_SYNTAX;
	c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
	if (!c2 || memchr(c2 + 1, ',', (size_t)(end - c2 - 1)))
		return BENCH_MC_ERR_SYNTAX;
	if (c1 > val) {
		if (!mc_addr(val, c1, &ret_oack->group))
			return BENCH_MC_ERR_SYNTAX;
		if ((ret_oack->group >> 28) != 0xe)	/* 224.0.0.0/4 */
			return BENCH_MC_ERR_ADDR;
	}
	if (c2 > c1 + 1 && (!mc_num(c1 + 1, c2, 65535, &port) || port == 0))
		return BENCH_MC_ERR_PORT;
	if (!mc_num(c2 + 1, end, 1, &flag))
		return BENCH_MC_ERR_FLAG;
	/* An address without a port, or the reverse, names no group. */
	if ((c1 > val) != (c2 > c1 + 1))
		return BENCH_MC_ERR_SYNTAX;
	ret_oack->port = (uint16_t)port;
	ret_oack->master = flag == 1;
	return BENCH_MC_OK;
}

enum bench_mc_err
bench_mc_parse_oack(const uint8_t *buf, size_t len, struct bench_mc_oack *ret_oack)
{
	const char *p = (const char *)buf + 2, *end = (const char *)buf + len;

	memset(ret_oack, 0, sizeof(*ret_oack));
	if (len < 2 || buf[0] != 0 || buf[1] != 6)
		return BENCH_MC_ERR_NOT_OACK;
	while (p < end) {
		const char *name = p, *val, *nul;

		nul = memchr(name, '\0', (size_t)(end - name));
		if (!nul)
			return BENCH_MC_ERR_NOT_OACK;
		if (nul == name)	/* trailing padding */
			break;
		val = nul + 1;
		nul = val < end ? memchr(val, '\0', (size_t)(end - val)) : NULL;
		if (!nul)
			return BENCH_MC_ERR_NOT_OACK;
		if ((size_t)(val - 1 - name) == sizeof("multicast") - 1 &&
		    strncasecmp(name, "multicast", sizeof("multicast") - 1) == 0)
			return bench_mc_parse_value(val, (size_t)(nul - val), ret_oack);
		p = nul + 1;
	}
	return BENCH_MC_ERR_ABSENT;
}

/* Makes the bitmap cover block n. */
static enum bench_mc_err
mc_rx_grow(struct bench_mc_rx *rx, uint64_t n)
{
	uint64_t cap = rx->cap ? rx->cap : 1024, *bits;

	if (n <= rx->cap)
		return BENCH_MC_OK;
	while (cap < n)
		cap *= 2;
	if (cap > BENCH_MC_BLOCKS_MAX)
		cap = BENCH_MC_BLOCKS_MAX;
	bits = realloc(rx->bits, (size_t)(cap / 64 + 1) * sizeof(*bits));
	if (!bits)
		return BENCH_MC_ERR_NOMEM;
	memset(bits + rx->cap / 64 + (rx->bits ? 1 : 0), 0,
	       (size_t)(cap / 64 + 1 - rx->cap / 64 - (rx->bits ? 1 : 0)) * sizeof(*bits));
	rx->bits = bits;
	rx->cap = cap;
	return BENCH_MC_OK;
}

enum bench_mc_err
bench_mc_rx_init(struct bench_mc_rx *rx, uint64_t last)
{
	memset(rx, 0, sizeof(*rx));
	if (last > BENCH_MC_BLOCKS_MAX)
		return BENCH_MC_ERR_RANGE;
	rx->last = last;
	return mc_rx_grow(rx, last ? last : 1024);
}

void
bench_mc_rx_free(struct bench_mc_rx *rx)
{
	free(rx->bits);
	memset(rx, 0, sizeof(*rx));
}

bool
bench_mc_rx_has(const struct bench_mc_rx *rx, uint64_t n)
{
	if (n < 1 || n > rx->cap)
		return false;
	return (rx->bits[(n - 1) / 64] >> ((n - 1) % 64)) & 1;
}

enum bench_mc_err
bench_mc_rx_set_last(struct bench_mc_rx *rx, uint64_t last)
{
	uint64_t n;

	if (last < 1 || last > BENCH_MC_BLOCKS_MAX || (rx->last && rx->last != last))
		return BENCH_MC_ERR_RANGE;
	/* Nothing may be held beyond the end. */
	for (n = last + 1; n <= rx->cap; n++)
		if (bench_mc_rx_has(rx, n))
			return BENCH_MC_ERR_RANGE;
	rx->last = last;
	return BENCH_MC_OK;
}

static uint64_t
mc_dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

bool
bench_mc_rx_abs(const struct bench_mc_rx *rx, uint16_t wire, uint64_t *ret_abs)
{
	uint64_t top = rx->recent > rx->prefix ? rx->recent : rx->prefix;
	uint64_t limit = rx->last ? rx->last : top + BENCH_MC_WIRE_PERIOD;
	uint64_t want[2] = { rx->recent + 1, rx->prefix + 1 };
	uint64_t c, d, best = 0, best_d = UINT64_MAX;
	bool best_missing = false;
	int i;

	/* The stream goes on, or the server answers our own first hole. */
	for (i = 0; i < 2; i++)
		if (want[i] <= limit && want[i] % BENCH_MC_WIRE_PERIOD == wire) {
			*ret_abs = want[i];
			return true;
		}
	/* Otherwise whatever is nearest the stream or our first hole (another
	 * master's repairs start at its own hole); ties go to a missing block. */
	for (c = wire ? wire : BENCH_MC_WIRE_PERIOD; c <= limit; c += BENCH_MC_WIRE_PERIOD) {
		bool missing = !bench_mc_rx_has(rx, c);

		d = mc_dist(c, rx->recent);
		if (mc_dist(c, rx->prefix) < d)
			d = mc_dist(c, rx->prefix);
		if (d < best_d || (d == best_d && missing && !best_missing)) {
			best = c;
			best_d = d;
			best_missing = missing;
		}
	}
	if (!best)
		return false;
	*ret_abs = best;
	return true;
}

enum bench_mc_err
bench_mc_rx_add(struct bench_mc_rx *rx, uint64_t n, bool *ret_new)
{
	enum bench_mc_err e;

	*ret_new = false;
	if (n < 1 || n > BENCH_MC_BLOCKS_MAX || (rx->last && n > rx->last))
		return BENCH_MC_ERR_RANGE;
	e = mc_rx_grow(rx, n);
	if (e != BENCH_MC_OK)
		return e;
	rx->recent = n;
	if (bench_mc_rx_has(rx, n))
		return BENCH_MC_OK;
	rx->bits[(n - 1) / 64] |= 1ull << ((n - 1) % 64);
	rx->have++;
	while (bench_mc_rx_has(rx, rx->prefix + 1))
		rx->prefix++;
	*ret_new = true;
	return BENCH_MC_OK;
}
