/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TFTP sending window: block arithmetic, wire numbering, the ACK reader
 * against a brute-force reference, and whole transfers against an emulated
 * RFC 7440 client over a scripted or randomly lossy network.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/tftp_window.h"
#include "unit.h"

#define MIB (1024ull * 1024ull)

/* Naive references, written the slow and obvious way. */

/* The wire number by the rule as the RFC text words it. */
static uint16_t
ref_wire(uint8_t rollover, uint64_t n)
{
	if (n == 0)
		return 0;
	if (rollover)
		return (uint16_t)((n - 1) % 65535 + 1);
	return (uint16_t)(n % 65536);
}

static uint64_t
ref_period(uint8_t rollover)
{
	return rollover ? 65535 : 65536;
}

static uint64_t
rng_next(uint64_t *s)
{
	/* splitmix64: reproducible from the seed printed on failure. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t
rng_below(uint64_t *s, uint64_t n)
{
	return rng_next(s) % n;
}

/* true with probability p (0..1). */
static bool
rng_chance(uint64_t *s, double p)
{
	return (double)(rng_next(s) >> 11) / (double)(1ull << 53) < p;
}

static bool
plan_is_empty(const struct tftp_win_plan *p)
{
	return !p->send_oack && p->count == 0 && p->resent == 0;
}

static bool
window_same(const struct tftp_window *a, const struct tftp_window *b)
{
	return a->size == b->size && a->last == b->last &&
	       a->acked == b->acked && a->next == b->next &&
	       a->sent_max == b->sent_max && a->blksize == b->blksize &&
	       a->windowsize == b->windowsize &&
	       a->windowsize_max == b->windowsize_max &&
	       a->rollover == b->rollover &&
	       a->oack_pending == b->oack_pending && a->done == b->done;
}

/* ---- block counts and spans ---------------------------------------- */

struct span_case {
	const char *name;
	uint64_t size;
	uint32_t blksize;
	uint64_t last;		/* expected number of blocks */
	uint32_t last_len;	/* expected length of the final block */
	bool walk;		/* check every block's span */
};

static const struct span_case span_cases[] = {
	{ "empty file: one 0-byte block", 0, 512, 1, 0, true },
	{ "one byte", 1, 512, 1, 1, true },
	{ "511 bytes: one short block", 511, 512, 1, 511, true },
	{ "512 bytes: full block then 0-byte block", 512, 512, 2, 0, true },
	{ "513 bytes: full block then 1 byte", 513, 512, 2, 1, true },
	{ "40 MiB at 512 crosses the rollover", 40 * MIB, 512, 81921, 0, true },
	{ "300 MiB at 1468 (OVMF boot.wim)", 300 * MIB, 1468, 214287, 952, true },
	{ "1 GiB at 16384 (Windows boot manager)", 1024 * MIB, 16384, 65537, 0, true },
	{ "blksize 8, 65536 blocks exactly", 8 * 65536, 8, 65537, 0, true },
	{ "largest blksize, one byte short", 65463, 65464, 1, 65463, true },
	{ "2^40 bytes at blksize 8", 1ull << 40, 8, (1ull << 37) + 1, 0, false },
	{ "2^40 - 1 bytes at 1468", (1ull << 40) - 1, 1468, 748986123, 679, false },
};

static void
test_span_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(span_cases) / sizeof(span_cases[0]); i++) {
		const struct span_case *c = &span_cases[i];
		struct tftp_window w;
		uint64_t off, n, expect_off;
		uint32_t len;

		tftp_window_init(&w, c->size, c->blksize, 4, 0, false);
		if (w.last != c->last)
			fprintf(stderr, "\n  row \"%s\": last %" PRIu64 "\n",
				c->name, w.last);
		CU_ASSERT_EQUAL(w.last, c->last);
		tftp_window_block_span(&w, w.last, &off, &len);
		CU_ASSERT_EQUAL(len, c->last_len);
		CU_ASSERT_EQUAL(off + len, c->size);
		CU_ASSERT(len < c->blksize);

		/* The first block starts at 0, is full unless it is the last. */
		tftp_window_block_span(&w, 1, &off, &len);
		CU_ASSERT_EQUAL(off, 0);
		CU_ASSERT_EQUAL(len, c->last == 1 ? c->last_len : c->blksize);

		/* Nothing outside 1..last: an empty span at EOF. */
		tftp_window_block_span(&w, 0, &off, &len);
		CU_ASSERT(off == c->size && len == 0);
		tftp_window_block_span(&w, w.last + 1, &off, &len);
		CU_ASSERT(off == c->size && len == 0);
		tftp_window_block_span(&w, UINT64_MAX, &off, &len);
		CU_ASSERT(off == c->size && len == 0);

		if (!c->walk)
			continue;
		/* Every byte covered once, in order; only the last block short. */
		expect_off = 0;
		for (n = 1; n <= w.last; n++) {
			tftp_window_block_span(&w, n, &off, &len);
			if (off != expect_off ||
			    (n < w.last && len != c->blksize)) {
				CU_FAIL("span walk");
				fprintf(stderr, "\n  row \"%s\": block %" PRIu64
					" off %" PRIu64 " len %u\n",
					c->name, n, off, len);
				break;
			}
			expect_off += len;
		}
		CU_ASSERT_EQUAL(expect_off, c->size);
	}
}

/* ---- wire numbering -------------------------------------------------- */

struct wire_case {
	const char *name;
	uint8_t rollover;
	uint64_t n;
	uint16_t wire;
};

static const struct wire_case wire_cases[] = {
	{ "block 0 is the OACK's", 0, 0, 0 },
	{ "block 0 with rollover 1", 1, 0, 0 },
	{ "first block", 0, 1, 1 },
	{ "last before wrap", 0, 65535, 65535 },
	{ "wrap to 0", 0, 65536, 0 },
	{ "after wrap to 0", 0, 65537, 1 },
	{ "second wrap", 0, 131072, 0 },
	{ "rollover 1: last before wrap", 1, 65535, 65535 },
	{ "rollover 1: wrap skips 0", 1, 65536, 1 },
	{ "rollover 1: after wrap", 1, 65537, 2 },
	{ "rollover 1: end of 2nd cycle", 1, 131070, 65535 },
	{ "rollover 1: start of 3rd cycle", 1, 131071, 1 },
	{ "2^37 at rollover 0", 0, 1ull << 37, 0 },
	{ "2^37 + 1 at rollover 1", 1, (1ull << 37) + 1, (uint16_t)((1ull << 37) % 65535 + 1) },
	{ "rollover value 7 means rollover 1", 7, 65536, 1 },
};

static void
test_wire_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(wire_cases) / sizeof(wire_cases[0]); i++) {
		const struct wire_case *c = &wire_cases[i];
		struct tftp_window w;

		tftp_window_init(&w, 1ull << 41, 8, 1, c->rollover, false);
		if (tftp_window_wire_block(&w, c->n) != c->wire)
			fprintf(stderr, "\n  row \"%s\": got %u\n", c->name,
				tftp_window_wire_block(&w, c->n));
		CU_ASSERT_EQUAL(tftp_window_wire_block(&w, c->n), c->wire);
	}
}

/* A 16-bit counter stepped one block at a time, as a client counts. */
static void
test_wire_counter(void)
{
	uint8_t r;

	for (r = 0; r <= 1; r++) {
		struct tftp_window w;
		uint16_t c = 0;
		uint64_t n, bad = 0;

		tftp_window_init(&w, 1ull << 30, 8, 1, r, false);
		for (n = 1; n <= 3 * 65536 + 7; n++) {
			c = (c == 65535) ? (r ? 1 : 0) : c + 1;
			if (tftp_window_wire_block(&w, n) != c)
				bad++;
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
}

/* ---- init, clamps and strings --------------------------------------- */

static void
test_clamps(void)
{
	struct tftp_window w;

	tftp_window_init(&w, 1000, 0, 0, 0, false);
	CU_ASSERT_EQUAL(w.blksize, 512);	/* blksize 0 would divide by 0 */
	CU_ASSERT_EQUAL(w.last, 2);
	CU_ASSERT_EQUAL(w.windowsize, 1);	/* windowsize 0 means lock-step */
	CU_ASSERT_EQUAL(w.windowsize_max, 1);

	tftp_window_init(&w, 1000, 512, 70000, 0, false);
	CU_ASSERT_EQUAL(w.windowsize, 65535);
	/* rollover 1 has one wire number less: keep the range unambiguous */
	tftp_window_init(&w, 1000, 512, 65535, 1, false);
	CU_ASSERT_EQUAL(w.windowsize, 65534);
	CU_ASSERT_EQUAL(w.rollover, 1);

	tftp_window_init(&w, 1000, 512, 16, 0, true);
	CU_ASSERT(w.oack_pending && !w.done && w.acked == 0 && w.next == 1);
	CU_ASSERT_EQUAL(w.windowsize_max, 16);
	tftp_window_set_size(&w, 0);
	CU_ASSERT_EQUAL(w.windowsize, 1);
	tftp_window_set_size(&w, 17);
	CU_ASSERT_EQUAL(w.windowsize, 16);
	tftp_window_set_size(&w, 9);
	CU_ASSERT_EQUAL(w.windowsize, 9);
	tftp_window_set_max(&w, 64);
	CU_ASSERT_EQUAL(w.windowsize_max, 64);
	CU_ASSERT_EQUAL(w.windowsize, 9);
	tftp_window_set_size(&w, 255);
	CU_ASSERT_EQUAL(w.windowsize, 64);
	tftp_window_set_max(&w, 4);	/* lowering the ceiling pulls the size down */
	CU_ASSERT_EQUAL(w.windowsize, 4);
	tftp_window_set_max(&w, 0);
	CU_ASSERT_EQUAL(w.windowsize_max, 1);
	tftp_window_set_max(&w, UINT32_MAX);
	CU_ASSERT_EQUAL(w.windowsize_max, 65535);
}

static void
test_strevent(void)
{
	int e, f;

	for (e = 0; e < TFTP_WIN__MAX; e++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(tftp_win_strevent(e));
		CU_ASSERT(strlen(tftp_win_strevent(e)) > 0);
		CU_ASSERT_STRING_NOT_EQUAL(tftp_win_strevent(e), "unknown event");
		for (f = 0; f < e; f++)
			CU_ASSERT_STRING_NOT_EQUAL(tftp_win_strevent(e),
						   tftp_win_strevent(f));
	}
	CU_ASSERT_STRING_EQUAL(tftp_win_strevent(TFTP_WIN__MAX), "unknown event");
	CU_ASSERT_STRING_EQUAL(tftp_win_strevent(-1), "unknown event");
}

/* ---- single events ----------------------------------------------------- */

/* ACKs the end of each window up to block target, checking each plan. */
static void
advance(struct tftp_window *w, uint64_t target)
{
	struct tftp_win_plan p;

	while (w->acked < target) {
		uint64_t k = w->next - 1 < target ? w->next - 1 : target;

		CU_ASSERT_EQUAL_FATAL(tftp_window_on_ack(w,
			tftp_window_wire_block(w, k), &p), TFTP_WIN_SEND);
		CU_ASSERT_EQUAL_FATAL(w->acked, k);
		CU_ASSERT_EQUAL_FATAL(p.first, k + 1);
	}
}

static void
test_start(void)
{
	struct tftp_window w;
	struct tftp_win_plan p;

	/* Without options the first window goes out at once. */
	tftp_window_init(&w, 10 * 512, 512, 4, 0, false);
	CU_ASSERT_EQUAL(tftp_window_start(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(!p.send_oack && p.first == 1 && p.count == 4 && p.resent == 0);
	CU_ASSERT(w.next == 5 && w.sent_max == 4);

	/* A window larger than the file stops at the final block. */
	tftp_window_init(&w, 0, 512, 64, 0, false);
	CU_ASSERT_EQUAL(tftp_window_start(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 1 && p.count == 1);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 1, &p), TFTP_WIN_DONE);
	CU_ASSERT(w.done && plan_is_empty(&p));

	/* With an OACK: only the OACK until ACK 0. */
	tftp_window_init(&w, 10 * 512, 512, 4, 0, true);
	CU_ASSERT_EQUAL(tftp_window_start(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.send_oack && p.count == 0);
	CU_ASSERT(w.oack_pending && w.sent_max == 0);
	/* the timer resends the OACK, not data */
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.send_oack && p.count == 0 && p.resent == 0);
	CU_ASSERT(w.oack_pending);
	/* RFC 2347: only ACK 0 acknowledges the OACK */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 1, &p), TFTP_WIN_BAD_ACK);
	CU_ASSERT(plan_is_empty(&p) && w.oack_pending);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 0, &p), TFTP_WIN_SEND);
	CU_ASSERT(!p.send_oack && p.first == 1 && p.count == 4 && p.resent == 0);
	CU_ASSERT(!w.oack_pending && w.acked == 0);
	/* a second ACK 0 (the client's retry) changes nothing */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 0, &p), TFTP_WIN_IGNORE);
	CU_ASSERT(plan_is_empty(&p));
	/* now the timer resends data */
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(!p.send_oack && p.first == 1 && p.count == 4 && p.resent == 4);
}

/* Hostile and boundary ACKs, each against a state reached by real ACKs. */
struct ack_case {
	const char *name;
	uint8_t rollover;
	uint32_t windowsize;
	bool oack;		/* start with an OACK (and ACK it unless pending) */
	bool keep_pending;	/* leave the OACK unacknowledged */
	uint64_t blocks;	/* file length in blocks (last block 1 byte) */
	uint64_t advance;	/* acknowledged block before the hostile ACK */
	uint16_t wire;		/* the ACK under test */
	enum tftp_win_event ev;
	uint64_t acked;		/* acked afterwards */
};

#define BIG 300000

static const struct ack_case ack_cases[] = {
	{ "OACK pending: ACK 0 opens window", 0, 4, true, true, 10, 0, 0, TFTP_WIN_SEND, 0 },
	{ "OACK pending: ACK 1 never sent", 0, 4, true, true, 10, 0, 1, TFTP_WIN_BAD_ACK, 0 },
	{ "OACK pending: ACK 65535", 0, 4, true, true, 10, 0, 65535, TFTP_WIN_BAD_ACK, 0 },
	{ "OACK pending, rollover 1: ACK 0", 1, 4, true, true, 10, 0, 0, TFTP_WIN_SEND, 0 },
	{ "no OACK: stray ACK 0 ignored", 0, 4, false, false, 10, 0, 0, TFTP_WIN_IGNORE, 0 },
	{ "end of first window", 0, 4, false, false, 10, 0, 4, TFTP_WIN_SEND, 4 },
	{ "mid-window ACK is a go-back", 0, 4, false, false, 10, 0, 2, TFTP_WIN_SEND, 2 },
	{ "ACK beyond the first window", 0, 4, false, false, 10, 0, 5, TFTP_WIN_BAD_ACK, 0 },
	{ "ACK past EOF", 0, 8, false, false, 3, 0, 4, TFTP_WIN_BAD_ACK, 0 },
	{ "ACK of final block", 0, 8, false, false, 3, 0, 3, TFTP_WIN_DONE, 3 },
	{ "ACK 0 after OACK window", 0, 4, true, false, 10, 0, 0, TFTP_WIN_IGNORE, 0 },
	{ "duplicate of last ACK", 0, 4, false, false, 100, 8, 8, TFTP_WIN_IGNORE, 8 },
	{ "stale ACK before acked", 0, 4, false, false, 100, 8, 5, TFTP_WIN_IGNORE, 8 },
	{ "late OACK ACK 0 mid-file", 0, 4, true, false, 100, 8, 0, TFTP_WIN_IGNORE, 8 },
	{ "one beyond window mid-file", 0, 4, false, false, 100, 8, 13, TFTP_WIN_BAD_ACK, 8 },
	{ "far future ACK", 0, 4, false, false, 100, 8, 40000, TFTP_WIN_BAD_ACK, 8 },
	{ "wire 65535 before wrap", 0, 8, false, false, BIG, 65532, 65535, TFTP_WIN_SEND, 65535 },
	{ "wire 0 after wrap is block 65536", 0, 8, false, false, BIG, 65532, 0, TFTP_WIN_SEND, 65536 },
	{ "wire 4 after wrap is block 65540", 0, 8, false, false, BIG, 65532, 4, TFTP_WIN_SEND, 65540 },
	{ "wire 5 after wrap never sent", 0, 8, false, false, BIG, 65532, 5, TFTP_WIN_BAD_ACK, 65532 },
	{ "stale wire 65530 across wrap", 0, 8, false, false, BIG, 65540, 65530, TFTP_WIN_IGNORE, 65540 },
	{ "stale wire 0 right after wrap", 0, 8, false, false, BIG, 65540, 0, TFTP_WIN_IGNORE, 65540 },
	{ "duplicate wire 4 after wrap", 0, 8, false, false, BIG, 65540, 4, TFTP_WIN_IGNORE, 65540 },
	{ "rollover 1: wire 1 is block 65536", 1, 8, false, false, BIG, 65532, 1, TFTP_WIN_SEND, 65536 },
	{ "rollover 1: wire 65535 before wrap", 1, 8, false, false, BIG, 65532, 65535, TFTP_WIN_SEND, 65535 },
	{ "rollover 1: wire 5 is block 65540", 1, 8, false, false, BIG, 65532, 5, TFTP_WIN_SEND, 65540 },
	{ "rollover 1: wire 6 never sent", 1, 8, false, false, BIG, 65532, 6, TFTP_WIN_BAD_ACK, 65532 },
	{ "rollover 1: wire 0 is never data", 1, 8, false, false, BIG, 65532, 0, TFTP_WIN_BAD_ACK, 65532 },
	{ "rollover 1: late OACK ACK near start", 1, 8, true, false, BIG, 4, 0, TFTP_WIN_IGNORE, 4 },
	{ "rollover 1: stale 65535 after wrap", 1, 8, false, false, BIG, 65540, 65535, TFTP_WIN_IGNORE, 65540 },
	{ "rollover 0 ACK 0 would be 65536 at rollover 1", 1, 8, false, false, BIG, 65535, 0, TFTP_WIN_BAD_ACK, 65535 },
};

static void
test_ack_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(ack_cases) / sizeof(ack_cases[0]); i++) {
		const struct ack_case *c = &ack_cases[i];
		struct tftp_window w, before;
		struct tftp_win_plan p;
		enum tftp_win_event ev;

		tftp_window_init(&w, (c->blocks - 1) * 512 + 1, 512,
				 c->windowsize, c->rollover, c->oack);
		CU_ASSERT_EQUAL_FATAL(w.last, c->blocks);
		tftp_window_start(&w, &p);
		if (c->oack && !c->keep_pending)
			CU_ASSERT_EQUAL_FATAL(tftp_window_on_ack(&w, 0, &p),
					      TFTP_WIN_SEND);
		advance(&w, c->advance);
		before = w;
		ev = tftp_window_on_ack(&w, c->wire, &p);
		if (ev != c->ev || w.acked != c->acked)
			fprintf(stderr, "\n  row \"%s\": %s, acked %" PRIu64 "\n",
				c->name, tftp_win_strevent(ev), w.acked);
		CU_ASSERT_EQUAL(ev, c->ev);
		CU_ASSERT_EQUAL(w.acked, c->acked);
		if (ev == TFTP_WIN_IGNORE || ev == TFTP_WIN_BAD_ACK) {
			/* nothing sent, nothing changed */
			CU_ASSERT(plan_is_empty(&p));
			CU_ASSERT(window_same(&w, &before));
		}
		if (ev == TFTP_WIN_SEND) {
			CU_ASSERT_EQUAL(p.first, c->acked + 1);
			CU_ASSERT(p.count >= 1 && p.count <= c->windowsize);
		}
	}
}

/* Go-back, then stale and duplicate ACKs of the old window. */
static void
test_go_back(void)
{
	struct tftp_window w, before;
	struct tftp_win_plan p;

	tftp_window_init(&w, 100 * 512, 512, 8, 0, false);
	tftp_window_start(&w, &p);			/* 1..8 */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 3, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 4 && p.count == 8 && p.resent == 5);	/* 4..8 again */
	CU_ASSERT(w.next == 12 && w.sent_max == 11);

	before = w;
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 3, &p), TFTP_WIN_IGNORE);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 2, &p), TFTP_WIN_IGNORE);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 0, &p), TFTP_WIN_IGNORE);
	CU_ASSERT(plan_is_empty(&p) && window_same(&w, &before));

	/* the client had 1..6 before it saw our go-back: ACK 6 is progress */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 6, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 7 && p.count == 8 && p.resent == 5);	/* 7..11 */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 14, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 15 && p.count == 8 && p.resent == 0);
	/* stale ACKs from before the go-back */
	before = w;
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 8, &p), TFTP_WIN_IGNORE);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 11, &p), TFTP_WIN_IGNORE);
	CU_ASSERT(plan_is_empty(&p) && window_same(&w, &before));
	/* never sent */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 23, &p), TFTP_WIN_BAD_ACK);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 30, &p), TFTP_WIN_BAD_ACK);
	CU_ASSERT(plan_is_empty(&p) && window_same(&w, &before));

	/* timeout: from acked+1, a whole window, all sent before */
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 15 && p.count == 8 && p.resent == 8);

	/* a window shrunk by msftwindow, then a go-back inside the old range:
	 * resent counts against the high-water mark, not next */
	tftp_window_set_max(&w, 16);
	tftp_window_set_size(&w, 2);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 16, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 17 && p.count == 2 && p.resent == 2);
	CU_ASSERT(w.next == 19 && w.sent_max == 22);
	/* block 22 was sent (before the shrink): progress, not BAD_ACK */
	tftp_window_set_size(&w, 16);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 22, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 23 && p.count == 16 && p.resent == 0);

	/* after DONE everything is ignored, the timer too */
	tftp_window_init(&w, 3 * 512, 512, 8, 0, false);
	tftp_window_start(&w, &p);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 4, &p), TFTP_WIN_DONE);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 4, &p), TFTP_WIN_IGNORE);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 9, &p), TFTP_WIN_IGNORE);
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_IGNORE);
	CU_ASSERT(plan_is_empty(&p) && w.done);
}

/*
 * The widest window: [acked, sent_max] covers every wire number, each of
 * which must read as the one block in flight that carries it.
 */
static void
test_max_window(void)
{
	struct tftp_window w, base;
	struct tftp_win_plan p;
	uint64_t k, bad;
	uint8_t r;

	for (r = 0; r <= 1; r++) {
		uint32_t ws = r ? 65534 : 65535;

		tftp_window_init(&w, 300000ull * 8, 8, 70000, r, false);
		CU_ASSERT_EQUAL_FATAL(w.windowsize, ws);
		tftp_window_start(&w, &p);
		CU_ASSERT(p.first == 1 && p.count == ws);
		/* the end of the first window */
		CU_ASSERT_EQUAL(tftp_window_on_ack(&w, tftp_window_wire_block(&w, ws), &p),
				TFTP_WIN_SEND);
		CU_ASSERT(w.acked == ws && p.count == ws && w.sent_max == 2ull * ws);
		/* its duplicate is still a duplicate with the range full */
		CU_ASSERT_EQUAL(tftp_window_on_ack(&w, tftp_window_wire_block(&w, ws), &p),
				TFTP_WIN_IGNORE);
		/* every block in flight, across the wrap, read back exactly */
		base = w;
		bad = 0;
		for (k = ws + 1; k <= 2ull * ws; k += (k < ws + 9 || k > 2ull * ws - 9) ? 1 : 331) {
			w = base;
			if (tftp_window_on_ack(&w, tftp_window_wire_block(&w, k), &p) !=
			    TFTP_WIN_SEND || w.acked != k || p.first != k + 1)
				bad++;
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
}

/*
 * The ACK reader against brute force: random states (acked, sent_max),
 * every candidate block with the ACK's wire number enumerated by a loop.
 */
static void
test_ack_reference(void)
{
	uint64_t seed = 0x7f7f0001, s = seed;
	unsigned int i, mismatches = 0;

	for (i = 0; i < 600; i++) {
		uint8_t r = rng_below(&s, 2);
		uint64_t period = ref_period(r);
		uint32_t ws = 1 + rng_below(&s, rng_chance(&s, 0.3) ? period - 1 : 64);
		uint64_t acked = rng_chance(&s, 0.2) ? rng_below(&s, 70) :
				 rng_below(&s, 300000);
		uint64_t sent_max = acked + rng_below(&s, (uint64_t)ws + 1);
		uint16_t wire;
		struct tftp_window w;
		struct tftp_win_plan p;
		enum tftp_win_event ev, expect;
		uint64_t n, lo, fresh = 0, nfresh = 0, stale = 0, rest, lim;
		bool dup, has_stale = false;

		/* ACKs near the interesting places as often as random ones */
		switch (rng_below(&s, 4)) {
		case 0:
			wire = (uint16_t)rng_next(&s);
			break;
		case 1:
			wire = ref_wire(r, sent_max + 1 + rng_below(&s, 3));
			break;
		case 2:
			wire = ref_wire(r, acked - (acked ? rng_below(&s, acked < 3 ? acked : 3) : 0));
			break;
		default:
			wire = ref_wire(r, acked + rng_below(&s, sent_max - acked + 1));
			break;
		}

		tftp_window_init(&w, 400000ull * 8, 8, ws, r, false);
		w.acked = acked;
		w.sent_max = sent_max;
		w.next = sent_max + 1;

		lo = sent_max > 2 * period ? sent_max - 2 * period : 0;
		dup = ref_wire(r, acked) == wire;
		for (n = lo; n <= sent_max; n++) {
			if (ref_wire(r, n) != wire)
				continue;
			if (n > acked) {
				fresh = n;
				nfresh++;
			} else if (n < acked) {
				stale = n;
				has_stale = true;
			}
		}
		CU_ASSERT(nfresh <= 1);	/* the clamp keeps the range unique */
		rest = period - 1 - (sent_max - acked);
		lim = (rest + 1) / 2;
		if (nfresh)
			expect = fresh == w.last ? TFTP_WIN_DONE : TFTP_WIN_SEND;
		else if (dup || (has_stale && acked - stale <= lim))
			expect = TFTP_WIN_IGNORE;
		else
			expect = TFTP_WIN_BAD_ACK;

		ev = tftp_window_on_ack(&w, wire, &p);
		if (ev != expect || (nfresh && w.acked != fresh) ||
		    (!nfresh && w.acked != acked)) {
			if (mismatches++ < 5)
				fprintf(stderr, "\n  seed %" PRIx64 " case %u: r%u ws %u acked %"
					PRIu64 " sent_max %" PRIu64 " wire %u: %s, expected %s\n",
					seed, i, r, ws, acked, sent_max, wire,
					tftp_win_strevent(ev), tftp_win_strevent(expect));
		}
	}
	CU_ASSERT_EQUAL(mismatches, 0);
}

/* ---- whole transfers over an emulated network ------------------------ */

/* A packet towards the client: the OACK or one DATA block. */
struct pkt {
	bool oack;
	uint16_t wire;
	uint64_t off;
	uint32_t len;
	uint32_t num;		/* 1-based count of server packets, for scripts */
};

/* An ACK towards the server, with the truth the client meant. */
struct ack {
	uint16_t wire;
	uint64_t abs;		/* the block the client acknowledged */
	uint8_t next_window;	/* msftwindow byte; 0 = none */
	uint32_t num;		/* 1-based count of ACKs, for scripts */
};

struct pvec {
	struct pkt *v;
	size_t n, cap;
};

struct avec {
	struct ack *v;
	size_t n, cap;
};

static void
pvec_push(struct pvec *q, const struct pkt *p)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 256;
		q->v = realloc(q->v, q->cap * sizeof(*q->v));
		CU_ASSERT_PTR_NOT_NULL_FATAL(q->v);
	}
	q->v[q->n++] = *p;
}

static void
avec_push(struct avec *q, const struct ack *a)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 256;
		q->v = realloc(q->v, q->cap * sizeof(*q->v));
		CU_ASSERT_PTR_NOT_NULL_FATAL(q->v);
	}
	q->v[q->n++] = *a;
}

/* 1-based packet numbers, 0-terminated. */
#define FAULTS_MAX 8

struct sim_cfg {
	const char *name;
	uint64_t size;
	uint32_t blksize;
	uint32_t windowsize;
	uint8_t rollover;
	bool oack;
	/* scripted faults */
	uint32_t drop_data[FAULTS_MAX];
	uint32_t swap_data[FAULTS_MAX];	/* delivered after the next one */
	uint32_t drop_ack[FAULTS_MAX];
	uint32_t dup_ack[FAULTS_MAX];
	/* random faults */
	uint64_t seed;
	double p_drop_data, p_swap_data, p_drop_ack, p_dup_ack;
	double p_client_timeout;	/* no progress in a round: client re-ACKs */
	bool quiet;		/* the client does not ACK duplicate blocks */
	/* msftwindow: each ACK asks for a window from this list (cycled),
	 * or a random 1..msft_max when msft_random */
	uint32_t msft_max;
	uint8_t msft_sizes[FAULTS_MAX];
	bool msft_random;
	/* expectations for scripts; UINT32_MAX = do not check */
	uint32_t exp_resent;
	uint32_t exp_ignored;
	uint32_t exp_timeouts;
};

struct sim_result {
	uint64_t rounds;
	uint64_t timeouts;
	uint64_t sent;		/* DATA packets the server put out */
	uint64_t resent;	/* sum of plan.resent */
	uint64_t ignored;	/* ACKs answered with IGNORE */
	uint64_t acks;		/* ACKs the server saw */
};

/*
 * The client: takes blocks in order, ACKs at the end of each window, on a
 * gap (the last in-order block, once per burst) and, like RFC 1350
 * clients, when a block arrives again; a "quiet" client ignores repeated
 * blocks and leaves recovery to its timer. A finished client keeps
 * re-ACKing the final block (it lingers).
 */
struct emu_client {
	uint8_t rollover;
	uint32_t blksize;
	uint32_t windowsize;
	uint64_t p;		/* last block received in order */
	uint64_t got;		/* bytes received in order */
	uint32_t count;		/* in-order blocks since the last ACK */
	bool acked_burst;	/* already ACKed a gap/duplicate in this burst */
	bool progress;		/* took a new block in this burst */
	bool seen_oack;
	bool done;
	unsigned int msft_i;
	uint64_t rng;
	uint32_t bad_offsets;	/* in-order block whose bytes were not next */
};

struct sim {
	const struct sim_cfg *cfg;
	struct sim_result *res;
	struct tftp_window w;
	struct emu_client c;
	struct pvec data, next;
	struct avec acks;
	uint32_t pkt_num, ack_num;
	uint8_t *sent_map;	/* naive record of blocks already sent */
	uint64_t rng;
};

#define SIM_REQUIRE(s, cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "\n  %s seed %" PRIu64 " round %" PRIu64 \
			": %s (acked %" PRIu64 ")\n", (s)->cfg->name, \
			(s)->cfg->seed, (s)->res->rounds, #cond, (s)->w.acked); \
		CU_FAIL_FATAL(#cond); \
	} \
} while (0)

static bool
in_list(const uint32_t *list, uint32_t num)
{
	unsigned int i;

	for (i = 0; i < FAULTS_MAX && list[i]; i++)
		if (list[i] == num)
			return true;
	return false;
}

static void
client_ack(struct sim *s)
{
	struct emu_client *c = &s->c;
	struct ack a = { .wire = ref_wire(c->rollover, c->p), .abs = c->p };

	if (s->cfg->msft_max) {
		uint32_t ask;

		if (s->cfg->msft_random)
			ask = 1 + rng_below(&c->rng, s->cfg->msft_max);
		else
			ask = s->cfg->msft_sizes[c->msft_i++ % FAULTS_MAX];
		if (ask == 0) {
			c->msft_i = 1;
			ask = s->cfg->msft_sizes[0];
		}
		a.next_window = (uint8_t)ask;
		/* the client counts with what it asked for */
		c->windowsize = ask < s->cfg->msft_max ? ask : s->cfg->msft_max;
	}
	a.num = ++s->ack_num;
	avec_push(&s->acks, &a);
	c->count = 0;
}

static void
client_on_pkt(struct sim *s, const struct pkt *pk)
{
	struct emu_client *c = &s->c;
	uint64_t period = ref_period(c->rollover), e = c->p + 1, d;

	if (pk->oack) {
		/* ACK 0 acknowledges the OACK; a late copy is ignored */
		if (c->p == 0 && !c->acked_burst) {
			c->seen_oack = true;
			c->acked_burst = true;
			client_ack(s);
		}
		return;
	}
	/* forward distance of the wire number from the expected block */
	if (c->rollover && pk->wire == 0)
		d = period;	/* never a data block: treat as stray */
	else if (c->rollover)
		d = ((uint64_t)pk->wire + period - ref_wire(1, e)) % period;
	else
		d = (uint16_t)(pk->wire - ref_wire(0, e));
	if (d == 0 && !c->done) {
		if (pk->off != c->got || pk->len > c->blksize)
			c->bad_offsets++;
		c->got += pk->len;
		c->p++;
		c->count++;
		c->acked_burst = false;
		c->progress = true;
		if (pk->len < c->blksize) {
			c->done = true;
			client_ack(s);
		} else if (c->count >= c->windowsize) {
			client_ack(s);
		}
		return;
	}
	/* a gap ahead, or a block again: ACK what we have, once per burst */
	if (s->cfg->quiet && !c->done && d >= period / 2)
		return;
	if (!c->acked_burst) {
		c->acked_burst = true;
		client_ack(s);
	}
}

static void
sim_emit(struct sim *s, const struct tftp_win_plan *p)
{
	uint64_t n, again = 0;

	if (p->send_oack) {
		struct pkt pk = { .oack = true, .num = ++s->pkt_num };

		pvec_push(&s->next, &pk);
	}
	for (n = p->first; n < p->first + p->count; n++) {
		struct pkt pk = { .wire = tftp_window_wire_block(&s->w, n),
				  .num = ++s->pkt_num };

		SIM_REQUIRE(s, n >= 1 && n <= s->w.last);
		tftp_window_block_span(&s->w, n, &pk.off, &pk.len);
		if (s->sent_map[n])
			again++;
		s->sent_map[n] = 1;
		pvec_push(&s->next, &pk);
	}
	SIM_REQUIRE(s, p->resent == again);
	s->res->sent += p->count;
	s->res->resent += p->resent;
}

/* One ACK into the window, checked against what the client meant. */
static void
sim_server_ack(struct sim *s, const struct ack *a)
{
	struct tftp_window before;
	struct tftp_win_plan p;
	enum tftp_win_event ev;
	uint64_t want;
	uint32_t ws;

	if (a->next_window)
		tftp_window_set_size(&s->w, a->next_window);
	before = s->w;
	/* the size this ACK's window must have, worked out independently */
	ws = s->cfg->windowsize;
	if (s->cfg->msft_max)
		ws = a->next_window < s->cfg->msft_max ? a->next_window :
		     s->cfg->msft_max;
	ev = tftp_window_on_ack(&s->w, a->wire, &p);
	s->res->acks++;
	SIM_REQUIRE(s, ev != TFTP_WIN_BAD_ACK);
	if (before.done) {
		SIM_REQUIRE(s, ev == TFTP_WIN_IGNORE && plan_is_empty(&p));
	} else if (before.oack_pending) {
		SIM_REQUIRE(s, a->abs == 0 && ev == TFTP_WIN_SEND);
		SIM_REQUIRE(s, p.first == 1);
		SIM_REQUIRE(s, p.count == (s->w.last < ws ? s->w.last : ws));
	} else if (a->abs > before.acked) {
		SIM_REQUIRE(s, s->w.acked == a->abs);
		if (a->abs == s->w.last) {
			SIM_REQUIRE(s, ev == TFTP_WIN_DONE && plan_is_empty(&p));
			SIM_REQUIRE(s, s->w.done);
		} else {
			want = s->w.last - a->abs;
			SIM_REQUIRE(s, ev == TFTP_WIN_SEND && p.first == a->abs + 1);
			SIM_REQUIRE(s, p.count == (want < ws ? want : ws));
		}
	} else {
		/* duplicate or stale: nothing sent, nothing changed */
		SIM_REQUIRE(s, ev == TFTP_WIN_IGNORE && plan_is_empty(&p));
		SIM_REQUIRE(s, window_same(&s->w, &before));
		s->res->ignored++;
	}
	sim_emit(s, &p);
}

static void
sim_run(const struct sim_cfg *cfg, struct sim_result *res, uint64_t max_rounds)
{
	struct sim s = { .cfg = cfg, .res = res, .rng = cfg->seed };
	struct tftp_win_plan p;
	struct pvec tmp;
	size_t i;

	memset(res, 0, sizeof(*res));
	tftp_window_init(&s.w, cfg->size, cfg->blksize, cfg->windowsize,
			 cfg->rollover, cfg->oack);
	if (cfg->msft_max)
		tftp_window_set_max(&s.w, cfg->msft_max);
	s.c.rollover = cfg->rollover;
	s.c.blksize = cfg->blksize;
	s.c.windowsize = cfg->windowsize;
	s.c.rng = cfg->seed ^ 0x5a5a5a5a;
	s.sent_map = calloc(s.w.last + 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s.sent_map);

	CU_ASSERT_EQUAL_FATAL(tftp_window_start(&s.w, &p), TFTP_WIN_SEND);
	sim_emit(&s, &p);
	while (!s.w.done) {
		SIM_REQUIRE(&s, res->rounds < max_rounds);
		res->rounds++;
		tmp = s.data;
		s.data = s.next;
		s.next = tmp;
		s.next.n = 0;
		s.acks.n = 0;
		s.c.acked_burst = false;
		s.c.progress = false;

		/* the network towards the client: reorder, then lose */
		for (i = 0; i + 1 < s.data.n; i++) {
			if (in_list(cfg->swap_data, s.data.v[i].num) ||
			    rng_chance(&s.rng, cfg->p_swap_data)) {
				struct pkt t = s.data.v[i];

				s.data.v[i] = s.data.v[i + 1];
				s.data.v[i + 1] = t;
				i++;
			}
		}
		for (i = 0; i < s.data.n; i++) {
			if (in_list(cfg->drop_data, s.data.v[i].num) ||
			    rng_chance(&s.rng, cfg->p_drop_data))
				continue;
			client_on_pkt(&s, &s.data.v[i]);
		}
		SIM_REQUIRE(&s, s.c.bad_offsets == 0);

		/* a client that got nothing new times out and repeats its ACK */
		if (!s.c.progress && (s.c.p > 0 || s.c.seen_oack) && !s.c.done &&
		    rng_chance(&s.rng, cfg->p_client_timeout))
			client_ack(&s);

		/* the network towards the server: lose, duplicate */
		for (i = 0; i < s.acks.n; i++) {
			const struct ack a = s.acks.v[i];

			if (in_list(cfg->drop_ack, a.num) ||
			    rng_chance(&s.rng, cfg->p_drop_ack))
				continue;
			sim_server_ack(&s, &a);
			if (in_list(cfg->dup_ack, a.num) ||
			    rng_chance(&s.rng, cfg->p_dup_ack))
				sim_server_ack(&s, &a);
		}

		/* nothing in flight: the server's timer fires */
		if (s.next.n == 0 && !s.w.done) {
			res->timeouts++;
			CU_ASSERT_EQUAL_FATAL(tftp_window_on_timeout(&s.w, &p),
					      TFTP_WIN_SEND);
			SIM_REQUIRE(&s, p.send_oack || p.first == s.w.acked + 1);
			sim_emit(&s, &p);
		}
	}
	/* done means the client had everything, in order */
	SIM_REQUIRE(&s, s.c.done);
	SIM_REQUIRE(&s, s.c.got == cfg->size);
	SIM_REQUIRE(&s, s.c.p == s.w.last);
	free(s.sent_map);
	free(s.data.v);
	free(s.next.v);
	free(s.acks.v);
}

#define X UINT32_MAX
/* 9 full blocks and a short one: 10 blocks at 512 */
#define F10 (9 * 512 + 100)

static const struct sim_cfg scripts[] = {
	{ .name = "lock-step clean", .size = F10, .blksize = 512, .windowsize = 1,
	  .exp_resent = 0, .exp_ignored = 0, .exp_timeouts = 0 },
	{ .name = "window 4 clean", .size = F10, .blksize = 512, .windowsize = 4,
	  .exp_resent = 0, .exp_ignored = 0, .exp_timeouts = 0 },
	{ .name = "window 4 clean with OACK", .size = F10, .blksize = 512,
	  .windowsize = 4, .oack = true,
	  .exp_resent = 0, .exp_ignored = 0, .exp_timeouts = 0 },
	/* 1 3 4 arrive: ACK 1 on the gap, go-back sends 2..5 (2,3,4 again) */
	{ .name = "window 4, 2nd DATA lost", .size = F10, .blksize = 512,
	  .windowsize = 4, .drop_data = { 2 },
	  .exp_resent = 3, .exp_ignored = 0, .exp_timeouts = 0 },
	/* ACK 4 lost: timeout resends 1..4, the client re-ACKs 4 */
	{ .name = "window 4, 1st ACK lost", .size = F10, .blksize = 512,
	  .windowsize = 4, .drop_ack = { 1 },
	  .exp_resent = 4, .exp_ignored = 0, .exp_timeouts = 1 },
	/* the same ACK twice: the copy sends nothing (Sorcerer's Apprentice) */
	{ .name = "window 4, ACK duplicated", .size = F10, .blksize = 512,
	  .windowsize = 4, .dup_ack = { 1, 2 },
	  .exp_resent = 0, .exp_ignored = 2, .exp_timeouts = 0 },
	/* lock-step: every ACK doubled; a naive sender would double all DATA */
	{ .name = "lock-step, every ACK doubled", .size = F10, .blksize = 512,
	  .windowsize = 1, .dup_ack = { 1, 2, 3, 4, 5, 6, 7, 8 },
	  .exp_resent = 0, .exp_ignored = 8, .exp_timeouts = 0 },
	/* lock-step: DATA 3 lost, the timer resends it once */
	{ .name = "lock-step, 3rd DATA lost", .size = F10, .blksize = 512,
	  .windowsize = 1, .drop_data = { 3 },
	  .exp_resent = 1, .exp_ignored = 0, .exp_timeouts = 1 },
	/* lock-step: ACK 3 lost; acked is 2, so the timer resends block 3
	 * and the client re-ACKs it as a duplicate */
	{ .name = "lock-step, 3rd ACK lost", .size = F10, .blksize = 512,
	  .windowsize = 1, .drop_ack = { 3 },
	  .exp_resent = 1, .exp_ignored = 0, .exp_timeouts = 1 },
	/* the final ACK lost: the timer resends block 10, the lingering
	 * client ACKs it again */
	{ .name = "window 4, final ACK lost", .size = F10, .blksize = 512,
	  .windowsize = 4, .drop_ack = { 3 },
	  .exp_resent = 2, .exp_ignored = 0, .exp_timeouts = 1 },
	/* the OACK lost, then its ACK lost: two timeouts, OACK resent */
	{ .name = "OACK and its ACK lost", .size = F10, .blksize = 512,
	  .windowsize = 4, .oack = true, .drop_data = { 1 }, .drop_ack = { 1 },
	  .exp_resent = 0, .exp_ignored = 0, .exp_timeouts = 2 },
	/* the last block of a window lost: 1 2 3 arrive, no ACK; timeout
	 * resends 1..4, the client re-ACKs 3 on the duplicate 1, then takes
	 * 4; ACK 3 makes the server send 4..7, and so on (see the report) */
	{ .name = "window 4, last block of window lost", .size = F10,
	  .blksize = 512, .windowsize = 4, .drop_data = { 4 },
	  .exp_resent = 11, .exp_ignored = X, .exp_timeouts = 1 },
	/* reordering only: data must still arrive in order */
	{ .name = "window 4, 2nd and 3rd DATA swapped", .size = F10,
	  .blksize = 512, .windowsize = 4, .swap_data = { 2, 7 },
	  .exp_resent = X, .exp_ignored = X, .exp_timeouts = X },
	/* quiet client: the timer, not duplicates, drives recovery */
	{ .name = "quiet, window 4, last block of window lost", .size = F10,
	  .blksize = 512, .windowsize = 4, .drop_data = { 4 }, .quiet = true,
	  .p_client_timeout = 1,
	  .exp_resent = 4, .exp_ignored = 0, .exp_timeouts = 1 },
	/* ACK 4 lost: the server resends 1..4, the client, hearing nothing
	 * new, repeats ACK 4 */
	{ .name = "quiet, window 4, 1st ACK lost", .size = F10, .blksize = 512,
	  .windowsize = 4, .drop_ack = { 1 }, .quiet = true,
	  .p_client_timeout = 1,
	  .exp_resent = 4, .exp_ignored = 0, .exp_timeouts = 1 },
	/* 1 3 2 4: ACK 1 and ACK 2 on the gaps, two go-backs (3 + 3 again),
	 * then 2 3 5 4 ...: ACK 3 on the gap, 4..7 (3 again), clean after */
	{ .name = "quiet, window 4, DATA swapped twice", .size = F10,
	  .blksize = 512, .windowsize = 4, .swap_data = { 2, 7 },
	  .quiet = true, .p_client_timeout = 1,
	  .exp_resent = 9, .exp_ignored = 0, .exp_timeouts = 0 },
	/* the final ACK lost; the lingering client ACKs the repeat */
	{ .name = "quiet, lock-step, final ACK lost", .size = F10,
	  .blksize = 512, .windowsize = 1, .drop_ack = { 10 }, .quiet = true,
	  .p_client_timeout = 1,
	  .exp_resent = 1, .exp_ignored = 0, .exp_timeouts = 1 },
	{ .name = "quiet, window 32 rollover 0, loss around the wrap",
	  .size = 70000 * 8, .blksize = 8, .windowsize = 32, .quiet = true,
	  .p_client_timeout = 1,
	  .drop_data = { 65535, 65536, 65537, 65600 }, .drop_ack = { 1024 },
	  .dup_ack = { 1023 }, .swap_data = { 65599 },
	  .exp_resent = X, .exp_ignored = X, .exp_timeouts = X },
	{ .name = "window 16 rollover 1, loss around the wrap",
	  .size = 70000 * 8 + 3, .blksize = 8, .windowsize = 16, .rollover = 1,
	  .drop_data = { 65530, 65536, 65540 }, .drop_ack = { 4096 },
	  .dup_ack = { 4095 }, .swap_data = { 65545 },
	  .exp_resent = X, .exp_ignored = X, .exp_timeouts = X },
	{ .name = "window 64 rollover 0, loss around the wrap",
	  .size = 70000 * 8, .blksize = 8, .windowsize = 64,
	  .drop_data = { 65535, 65536, 65537, 65600 }, .drop_ack = { 1024 },
	  .dup_ack = { 1023 }, .swap_data = { 65599 },
	  .exp_resent = X, .exp_ignored = X, .exp_timeouts = X },
};

static void
test_scripts(void)
{
	size_t i;

	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		const struct sim_cfg *c = &scripts[i];
		struct sim_result r;
		uint64_t last = c->size / c->blksize + 1;

		sim_run(c, &r, 20 * last + 100);
		fprintf(stderr, "\n  %-45s rounds %4" PRIu64 " timeouts %" PRIu64
			" resent %3" PRIu64 " ignored %" PRIu64, c->name,
			r.rounds, r.timeouts, r.resent, r.ignored);
		if (c->exp_resent != X)
			CU_ASSERT_EQUAL(r.resent, c->exp_resent);
		if (c->exp_ignored != X)
			CU_ASSERT_EQUAL(r.ignored, c->exp_ignored);
		if (c->exp_timeouts != X)
			CU_ASSERT_EQUAL(r.timeouts, c->exp_timeouts);
		CU_ASSERT_EQUAL(r.sent, last + r.resent);
	}
	fprintf(stderr, "\n");
}

/* Clean transfers: one round per window, nothing resent, nothing ignored. */
static void
test_full_transfers(void)
{
	static const struct {
		const char *name;
		uint64_t size;
		uint32_t blksize, ws;
		uint8_t rollover;
		bool oack;
	} rows[] = {
		{ "lock-step 40 MiB at 512 (wraps)", 40 * MIB, 512, 1, 0, false },
		{ "lock-step rollover 1", 70000 * 8 + 5, 8, 1, 1, true },
		{ "window 4, OVMF-like", 3 * MIB + 7, 1468, 4, 0, true },
		{ "window 16", 70000 * 8, 8, 16, 0, true },
		{ "window 64, 40 MiB at 512", 40 * MIB, 512, 64, 0, false },
		{ "window 64 rollover 1", 140000 * 8 + 1, 8, 64, 1, true },
		{ "window 7 does not divide", 1000 * 8 + 3, 8, 7, 0, false },
		{ "empty file", 0, 512, 16, 0, true },
		{ "exact multiple, window exact", 64 * 512, 512, 65, 0, false },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sim_cfg c = {
			.name = rows[i].name, .size = rows[i].size,
			.blksize = rows[i].blksize, .windowsize = rows[i].ws,
			.rollover = rows[i].rollover, .oack = rows[i].oack,
		};
		struct sim_result r;
		uint64_t last = c.size / c.blksize + 1;
		uint64_t windows = (last + c.windowsize - 1) / c.windowsize;

		sim_run(&c, &r, windows + 2);
		CU_ASSERT_EQUAL(r.resent, 0);
		CU_ASSERT_EQUAL(r.timeouts, 0);
		CU_ASSERT_EQUAL(r.ignored, 0);
		CU_ASSERT_EQUAL(r.sent, last);
		/* one ACK per window, plus ACK 0 of the OACK */
		CU_ASSERT_EQUAL(r.acks, windows + (c.oack ? 1 : 0));
		CU_ASSERT_EQUAL(r.rounds, r.acks);
	}
}

/* msftwindow: the client names the next window's size in every ACK. */
static void
test_msftwindow(void)
{
	struct sim_cfg c = {
		.name = "msftwindow schedule", .size = 5000 * 512 + 9,
		.blksize = 512, .windowsize = 4, .oack = true, .msft_max = 64,
		.msft_sizes = { 1, 8, 64, 3, 200, 16, 2, 32 },
	};
	struct sim_result r;
	struct tftp_window w;
	struct tftp_win_plan p;

	/* clean: the schedule is followed exactly (the oracle in
	 * sim_server_ack checks each plan's count against the ask) */
	sim_run(&c, &r, 10000);
	CU_ASSERT(r.resent == 0 && r.timeouts == 0 && r.ignored == 0);

	/* lossy, the window changing under the losses */
	c.name = "msftwindow with loss";
	c.seed = 99;
	c.p_drop_data = 0.05;
	c.p_drop_ack = 0.05;
	c.p_client_timeout = 0.5;
	sim_run(&c, &r, 100000);
	CU_ASSERT(r.resent > 0);

	/* step by step: grow, shrink to 1, ask too much */
	tftp_window_init(&w, 1000 * 512, 512, 4, 0, false);
	tftp_window_set_max(&w, 32);
	tftp_window_start(&w, &p);
	CU_ASSERT(p.first == 1 && p.count == 4);
	tftp_window_set_size(&w, 16);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 4, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 5 && p.count == 16 && p.resent == 0);
	tftp_window_set_size(&w, 1);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 20, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 21 && p.count == 1);
	tftp_window_set_size(&w, 255);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 21, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 22 && p.count == 32);
	/* a shrink between the window and its loss: the timer resends the
	 * new, smaller window */
	tftp_window_set_size(&w, 3);
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 22 && p.count == 3 && p.resent == 3);
	/* a grow before a timeout: blocks past the high-water mark are new */
	tftp_window_set_size(&w, 32);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 40, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 41 && p.count == 32 && p.resent == 13);
}

/*
 * Random loss, random windows, files across the wrap at blksize 8: the
 * transfer always completes with the right bytes in a bounded number of
 * rounds, and every ACK is read as the client meant it.
 */
static void
test_random_loss(void)
{
	unsigned int seed, crossed = 0, worst_seed = 0;
	uint64_t worst_ratio_x100 = 0, total_rounds = 0, total_resent = 0;
	uint64_t total_ignored = 0;

	for (seed = 1; seed <= 200; seed++) {
		uint64_t s = seed * 0x1000193ull, blocks;
		char name[64];
		struct sim_cfg c = { .name = name, .seed = seed, .blksize = 8 };
		struct sim_result r;

		snprintf(name, sizeof(name), "random seed %u", seed);
		c.rollover = rng_below(&s, 2);
		c.oack = rng_chance(&s, 0.5);
		c.windowsize = 1 + rng_below(&s, 64);
		/* a third of the runs cross the wrap, the rest are short */
		if (seed % 3 == 0) {
			blocks = 65536 + rng_below(&s, 3000);
			crossed++;
		} else {
			blocks = 1 + rng_below(&s, 3000);
		}
		if (rng_chance(&s, 0.2))
			c.blksize = 512;
		c.size = (blocks - 1) * c.blksize + rng_below(&s, c.blksize);
		c.p_drop_data = rng_below(&s, 31) / 100.0;
		c.p_drop_ack = rng_below(&s, 31) / 100.0;
		c.p_dup_ack = rng_below(&s, 11) / 100.0;
		c.p_swap_data = rng_below(&s, 6) / 100.0;
		c.p_client_timeout = 0.5;
		if (rng_chance(&s, 0.25)) {
			c.msft_max = 64;
			c.msft_random = true;
		}
		c.quiet = rng_chance(&s, 0.5);
		/* lock-step at 30 %/30 % loss needs about 4 rounds per block */
		sim_run(&c, &r, 8 * blocks + 200);
		total_rounds += r.rounds;
		total_resent += r.resent;
		total_ignored += r.ignored;
		if (r.rounds * 100 / blocks > worst_ratio_x100) {
			worst_ratio_x100 = r.rounds * 100 / blocks;
			worst_seed = seed;
		}
	}
	fprintf(stderr, "\n  200 seeds, %u across the wrap, %" PRIu64
		" rounds, %" PRIu64 " resent, %" PRIu64 " ACKs ignored, worst %"
		PRIu64 ".%02" PRIu64 " rounds/block (seed %u)\n",
		crossed, total_rounds, total_resent, total_ignored,
		worst_ratio_x100 / 100, worst_ratio_x100 % 100, worst_seed);
	CU_ASSERT_EQUAL(crossed, 66);
}

/* A receiver taken over from a multicast group: blocks 1..40 held, the
 * group sent up to 70, file of 100 blocks (+ the empty final one). */
static void
test_resume(void)
{
	struct tftp_window w;
	struct tftp_win_plan p;

	tftp_window_init(&w, 100 * 512, 512, 1, 0, false);
	tftp_window_resume(&w, 40, 70);
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(!p.send_oack && p.first == 41 && p.count == 1 && p.resent == 0);
	/* an ACK for a block the group sent, but we did not: progress */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 65, &p), TFTP_WIN_SEND);
	CU_ASSERT(w.acked == 65 && p.first == 66 && p.count == 1);
	/* beyond what anybody sent: still bad */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 90, &p), TFTP_WIN_BAD_ACK);
	/* stale below acked: ignored */
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 50, &p), TFTP_WIN_IGNORE);
	/* a client holding everything still has the final block to ACK */
	tftp_window_init(&w, 100 * 512, 512, 1, 0, false);
	tftp_window_resume(&w, 500, 500);
	CU_ASSERT(w.acked == 100 && w.known_max == 101);
	CU_ASSERT_EQUAL(tftp_window_on_timeout(&w, &p), TFTP_WIN_SEND);
	CU_ASSERT(p.first == 101 && p.count == 1);
	CU_ASSERT_EQUAL(tftp_window_on_ack(&w, 101, &p), TFTP_WIN_DONE);
}

static void
test_rto_backoff(void)
{
	static const struct {
		uint32_t base;
		unsigned int timeouts;
		uint32_t want;
	} rows[] = {
		{ 1000, 0, 1000 }, { 1000, 1, 2000 }, { 1000, 2, 4000 },
		{ 1000, 3, 8000 }, { 1000, 4, 8000 }, { 1000, 100, 8000 },
		{ 200, 2, 800 }, { 10, 0, 10 }, { 0, 5, 0 },
		{ UINT32_MAX, 3, UINT32_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(tftp_rto_backoff(rows[i].base, rows[i].timeouts), rows[i].want);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "block counts and spans", test_span_table },
		{ "wire numbers table", test_wire_table },
		{ "wire numbers vs a counter", test_wire_counter },
		{ "clamps", test_clamps },
		{ "event strings", test_strevent },
		{ "start and OACK", test_start },
		{ "hostile ACKs", test_ack_table },
		{ "go-back and stale ACKs", test_go_back },
		{ "widest window", test_max_window },
		{ "ACK reader vs brute force", test_ack_reference },
		{ "clean transfers", test_full_transfers },
		{ "scripted loss", test_scripts },
		{ "msftwindow", test_msftwindow },
		{ "random loss", test_random_loss },
		{ "retransmit backoff", test_rto_backoff },
		{ "resume after multicast", test_resume },
		{ NULL, NULL },
	};

	return unit_run("tftp_window", tests);
}
