/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragment reassembly with a bitmap of 8-byte units per datagram: a
 * duplicate sets no new bit, an overlap that is not a duplicate sets some
 * but not all and drops the entry (RFC 5722 is for IPv6, but overlaps are
 * never legitimate from our server either).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_reasm.h"
#include "dataplane/proto/frame.h"

#define IP_FLAG_MF 0x2000
#define IP_OFF_MASK 0x1fff
#define UNITS ((BENCH_REASM_PAYLOAD_MAX + 7) / 8)
#define MAP_WORDS ((UNITS + 63) / 64)

struct reasm_entry {
	uint8_t *buf;		/* HDR_MAX bytes of headers room, then the payload */
	uint64_t map[MAP_WORDS];	/* 8-byte units received */
	uint64_t start_ns;	/* first fragment, for the timeout */
	uint64_t used_ns;	/* last fragment, for eviction */
	uint32_t src;
	uint32_t dst;
	uint16_t id;
	uint16_t hdr_len;	/* L2 + IPv4 header of the first fragment, 0 until seen */
	uint32_t total;		/* payload length, 0 until the last fragment */
	uint32_t have;		/* payload bytes received */
	uint32_t max_end;	/* furthest payload byte seen, + 1 */
	uint8_t hdr[BENCH_REASM_HDR_MAX];
	uint16_t l3_off;
	uint8_t busy;
};

struct bench_reasm {
	struct reasm_entry *e;
	uint32_t set_mask;	/* sets - 1 */
	uint64_t timeout_ns;
	struct bench_reasm_stats st;
};

struct bench_reasm *
bench_reasm_create(uint32_t entries, uint64_t timeout_ns)
{
	struct bench_reasm *r;
	uint32_t sets = 1;

	while (sets * BENCH_REASM_WAYS < entries && sets < (1u << 20))
		sets <<= 1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->e = calloc((size_t)sets * BENCH_REASM_WAYS, sizeof(*r->e));
	if (!r->e) {
		free(r);
		return NULL;
	}
	r->set_mask = sets - 1;
	r->timeout_ns = timeout_ns;
	return r;
}

void
bench_reasm_destroy(struct bench_reasm *r)
{
	uint32_t i;

	if (!r)
		return;
	for (i = 0; i < (r->set_mask + 1) * BENCH_REASM_WAYS; i++)
		free(r->e[i].buf);
	free(r->e);
	free(r);
}

const struct bench_reasm_stats *
bench_reasm_stats(const struct bench_reasm *r)
{
	return &r->st;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
entry_reset(struct reasm_entry *x)
{
	memset(x->map, 0, sizeof(x->map));
	x->busy = 0;
	x->hdr_len = 0;
	x->total = 0;
	x->have = 0;
	x->max_end = 0;
}

/* The entry of (src, dst, id): found, or a free, expired or oldest one. */
static struct reasm_entry *
reasm_find(struct bench_reasm *r, uint32_t src, uint32_t dst, uint16_t id,
	   uint64_t now_ns)
{
	uint32_t h = (dst * 2654435761u) ^ (src * 40503u) ^ id;
	struct reasm_entry *set, *pick = NULL;
	unsigned int w;

	h ^= h >> 15;
	set = &r->e[(size_t)(h & r->set_mask) * BENCH_REASM_WAYS];
	for (w = 0; w < BENCH_REASM_WAYS; w++) {
		struct reasm_entry *x = &set[w];

		if (x->busy && x->src == src && x->dst == dst && x->id == id) {
			if (now_ns - x->start_ns <= r->timeout_ns)
				return x;
			r->st.expired++;
			entry_reset(x);
			pick = x;
			break;
		}
		if (!x->busy) {
			if (!pick || pick->busy)
				pick = x;
		} else if (!pick || (pick->busy && x->used_ns < pick->used_ns)) {
			pick = x;
		}
	}
	if (pick->busy) {
		if (now_ns - pick->start_ns > r->timeout_ns)
			r->st.expired++;
		else
			r->st.evicted++;
		entry_reset(pick);
	}
	if (!pick->buf) {
		pick->buf = malloc(BENCH_REASM_HDR_MAX + BENCH_REASM_PAYLOAD_MAX);
		if (!pick->buf) {
			r->st.nomem++;
			return NULL;
		}
	}
	pick->busy = 1;
	pick->src = src;
	pick->dst = dst;
	pick->id = id;
	pick->start_ns = now_ns;
	return pick;
}

/* Marks units [a, b); returns how many were already set. */
static uint32_t
map_mark(uint64_t *map, uint32_t a, uint32_t b)
{
	uint32_t u, seen = 0;

	for (u = a; u < b; u++) {
		uint64_t bit = 1ull << (u & 63);

		if (map[u >> 6] & bit)
			seen++;
		map[u >> 6] |= bit;
	}
	return seen;
}

static int
map_test_all(const uint64_t *map, uint32_t a, uint32_t b)
{
	uint32_t u;

	for (u = a; u < b; u++)
		if (!(map[u >> 6] & (1ull << (u & 63))))
			return 0;
	return 1;
}

size_t
bench_reasm_add(struct bench_reasm *r, const uint8_t *frame, size_t len,
		size_t l3_off, uint64_t now_ns, const uint8_t **ret_frame)
{
	const uint8_t *ip = frame + l3_off;
	struct reasm_entry *x;
	uint32_t ihl, tot, plen, off, end, seen;
	uint16_t frag, csum;
	uint8_t *out, *oip;
	size_t wlen;
	bool more;

	if (l3_off + 20 > len)
		return 0;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = rd16(ip + 2);
	frag = rd16(ip + 6);
	if (ihl < 20 || tot < ihl || l3_off + tot > len ||
	    l3_off + ihl > BENCH_REASM_HDR_MAX)
		return 0;
	plen = tot - ihl;
	off = (uint32_t)(frag & IP_OFF_MASK) * 8;
	more = frag & IP_FLAG_MF;
	end = off + plen;
	x = reasm_find(r, rd32(ip + 12), rd32(ip + 16), rd16(ip + 4), now_ns);
	if (!x)
		return 0;
	x->used_ns = now_ns;
	/* Only the last fragment may end off an 8-byte boundary, and it
	 * must not disagree with what was already seen. */
	if (end > BENCH_REASM_PAYLOAD_MAX || (more && (plen == 0 || plen % 8)) ||
	    (!more && x->total && end != x->total) ||
	    (!more && end < x->max_end) ||
	    (x->total && end > x->total)) {
		r->st.bad++;
		entry_reset(x);
		return 0;
	}
	if (plen && map_test_all(x->map, off / 8, (end + 7) / 8)) {
		r->st.duplicates++;
		return 0;
	}
	seen = map_mark(x->map, off / 8, (end + 7) / 8);
	if (seen) {
		r->st.bad++;
		entry_reset(x);
		return 0;
	}
	r->st.fragments++;
	memcpy(x->buf + BENCH_REASM_HDR_MAX + off, ip + ihl, plen);
	x->have += plen;
	if (end > x->max_end)
		x->max_end = end;
	if (!more)
		x->total = end;
	if (off == 0) {
		x->l3_off = (uint16_t)l3_off;
		x->hdr_len = (uint16_t)(l3_off + ihl);
		memcpy(x->hdr, frame, x->hdr_len);
	}
	if (!x->hdr_len || !x->total || x->have != x->total)
		return 0;

	/* Whole: the first fragment's headers right before the payload. */
	out = x->buf + BENCH_REASM_HDR_MAX - x->hdr_len;
	memcpy(out, x->hdr, x->hdr_len);
	oip = out + x->l3_off;
	ihl = x->hdr_len - x->l3_off;
	tot = ihl + x->total;
	oip[2] = (uint8_t)(tot >> 8);
	oip[3] = (uint8_t)tot;
	oip[6] &= 0x40;		/* keep DF, clear MF and the offset */
	oip[7] = 0;
	oip[10] = oip[11] = 0;
	csum = frame_csum_fold(frame_csum_add(0, oip, ihl));
	memcpy(oip + 10, &csum, sizeof(csum));
	r->st.completed++;
	*ret_frame = out;
	wlen = x->hdr_len + x->total;
	entry_reset(x);
	return wlen;
}
