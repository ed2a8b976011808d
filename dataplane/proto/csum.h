/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum sums (RFC 1071) of any byte range of a buffer, from a
 * prefix array computed once: prefix[k] is the sum of the 16-bit
 * big-endian words of bytes [0, (k + 1) * CSUM_STRIDE). A range's sum is
 * then two array reads and at most 2 * (CSUM_STRIDE - 1) bytes summed
 * directly, whatever its length: the chunk cache keeps one array per chunk
 * so a DATA block's UDP checksum never reads the payload on the send path.
 *
 * Sums are "unfolded": 32-bit ones' complement values (carries added back),
 * equal to the true sum modulo 0xffff, ready for frame_csum_fold.
 */
#ifndef PXELINE_PROTO_CSUM_H
#define PXELINE_PROTO_CSUM_H

#include <stddef.h>
#include <stdint.h>

#define CSUM_STRIDE 64u

/* Entries of the prefix array of a buffer of len bytes. */
static inline size_t
csum_prefix_entries(size_t len)
{
	return len / CSUM_STRIDE;
}

/* a + b and a - b in 32-bit ones' complement (end-around carry): inline,
 * they run on the send path. */
static inline uint32_t
csum_add32(uint32_t a, uint32_t b)
{
	uint64_t s = (uint64_t)a + b;

	/* 2^32 == 1 modulo 0xffff: the carry goes back in at the bottom. */
	return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

static inline uint32_t
csum_sub32(uint32_t a, uint32_t b)
{
	return csum_add32(a, ~b);	/* ~b is -b in ones' complement */
}

/* A partial sum's value for bytes that start at an odd offset: byte-swapped
 * (RFC 1071 2(B)); folded to 16 bits. */
uint32_t csum_swap(uint32_t sum);

/* Fills prefix[0 .. csum_prefix_entries(len)) for data[0, len). */
void csum_prefix_fill(const uint8_t *data, size_t len, uint32_t *prefix);

/*
 * The sum of data[off, off + len) as if the range started at an even
 * offset (an odd last byte padded with zero), from data's prefix array;
 * any off and len inside the buffer the array was filled for.
 */
uint32_t csum_prefix_range(const uint32_t *prefix, const uint8_t *data, size_t off,
			   size_t len);

#endif /* PXELINE_PROTO_CSUM_H */
