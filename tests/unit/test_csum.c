/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proto/csum: range sums from the prefix array against the checksum computed
 * the slow way, byte by byte, on random data: every offset and length
 * around the stride, buffers that end inside a stride, all-0xff data (every
 * word a carry) and ranges chained the way tx_udp chains its pieces.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/proto/csum.h"
#include "dataplane/proto/frame.h"
#include "unit.h"
#include "unit_data.h"

#define BUF 4133	/* not a multiple of the stride: a tail outside the array */

static uint8_t buf[BUF];
static uint32_t prefix[BUF / CSUM_STRIDE];

/* An unfolded sum modulo 0xffff: what any two correct sums agree on. */
static uint32_t
mod(uint32_t sum)
{
	return sum % 0xffff;
}

static void
test_prefix_fill(void)
{
	size_t k;

	unit_fill_random(buf, sizeof(buf), 1);
	csum_prefix_fill(buf, sizeof(buf), prefix);
	CU_ASSERT_EQUAL(csum_prefix_entries(sizeof(buf)), BUF / CSUM_STRIDE);
	for (k = 0; k < sizeof(prefix) / sizeof(prefix[0]); k++)
		CU_ASSERT_EQUAL(mod(prefix[k]), unit_csum_naive(buf, 0, (k + 1) * CSUM_STRIDE));
}

/* Every offset in three strides, every length up to five, and the end. */
static void
test_every_alignment(void)
{
	size_t off, len, bad = 0;

	unit_fill_random(buf, sizeof(buf), 2);
	csum_prefix_fill(buf, sizeof(buf), prefix);
	for (off = 0; off < 3 * CSUM_STRIDE; off++)
		for (len = 0; len <= 5 * CSUM_STRIDE && off + len <= BUF; len++)
			bad += mod(csum_prefix_range(prefix, buf, off, len)) !=
		       unit_csum_naive(buf, off, len);
	for (off = BUF - 3 * CSUM_STRIDE; off <= BUF; off++)
		bad += mod(csum_prefix_range(prefix, buf, off, BUF - off)) !=
		       unit_csum_naive(buf, off, BUF - off);
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_random_ranges(void)
{
	unsigned i, bad = 0;

	unit_fill_random(buf, sizeof(buf), 3);
	csum_prefix_fill(buf, sizeof(buf), prefix);
	for (i = 0; i < 200000; i++) {
		size_t off = (size_t)rand() % (BUF + 1);
		size_t len = (size_t)rand() % (BUF - off + 1);

		bad += mod(csum_prefix_range(prefix, buf, off, len)) !=
		       unit_csum_naive(buf, off, len);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* 0xff everywhere: the prefix wraps 32 bits many times over in 1 MiB. */
static void
test_carries(void)
{
	size_t n = 1u << 20, off;
	uint8_t *big = malloc(n);
	uint32_t *pre = malloc(csum_prefix_entries(n) * sizeof(*pre));
	unsigned bad = 0;

	CU_ASSERT_FATAL(big != NULL && pre != NULL);
	memset(big, 0xff, n);
	csum_prefix_fill(big, n, pre);
	for (off = 0; off < 130; off++)
		bad += mod(csum_prefix_range(pre, big, off, n - off)) !=
		       unit_csum_naive(big, off, n - off);
	unit_fill_random(big, n, 4);
	csum_prefix_fill(big, n, pre);
	for (off = 0; off < 130; off += 7)
		bad += mod(csum_prefix_range(pre, big, off, n - 2 * off)) !=
		       unit_csum_naive(big, off, n - 2 * off);
	CU_ASSERT_EQUAL(bad, 0);
	free(big);
	free(pre);
}

/* A range at an odd offset of a datagram counts byte-swapped (tx_udp's rule). */
static void
test_chained_pieces(void)
{
	unsigned i, bad = 0;

	unit_fill_random(buf, sizeof(buf), 5);
	csum_prefix_fill(buf, sizeof(buf), prefix);
	for (i = 0; i < 20000; i++) {
		size_t off = (size_t)rand() % (BUF / 2), len = (size_t)rand() % (BUF / 2);
		size_t cut1 = off + (len ? (size_t)rand() % len : 0);
		size_t cut2 = cut1 + (off + len > cut1 ? (size_t)rand() % (off + len - cut1) : 0);
		size_t cuts[4] = { off, cut1, cut2, off + len }, k, at = 0;
		uint32_t sum = 0;

		for (k = 0; k < 3; k++) {
			uint32_t part = csum_prefix_range(prefix, buf, cuts[k], cuts[k + 1] - cuts[k]);

			sum = csum_add32(sum, (at & 1) ? csum_swap(part) : part);
			at += cuts[k + 1] - cuts[k];
		}
		bad += mod(sum) != unit_csum_naive(buf, off, len) ||
		       mod(sum) != mod(frame_csum_add(0, buf + off, len));
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_add_sub(void)
{
	CU_ASSERT_EQUAL(csum_add32(0xffffffffu, 1), 1);
	CU_ASSERT_EQUAL(csum_add32(0x80000000u, 0x80000000u), 1);
	CU_ASSERT_EQUAL(mod(csum_sub32(5, 7)), mod(0xffffffffu - 2));
	CU_ASSERT_EQUAL(mod(csum_sub32(0x12345678u, 0x12345678u)), 0);
	CU_ASSERT_EQUAL(csum_swap(0x1234), 0x3412);
	CU_ASSERT_EQUAL(csum_swap(0x00011234), 0x3512);	/* folded first */
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "add, sub, swap", test_add_sub },
		{ "prefix array against the naive sum", test_prefix_fill },
		{ "every alignment and length near the strides", test_every_alignment },
		{ "random ranges", test_random_ranges },
		{ "carries: 1 MiB of 0xff and of random bytes", test_carries },
		{ "chained pieces, odd offsets swapped", test_chained_pieces },
		{ NULL, NULL },
	};

	return unit_run("csum", tests);
}
