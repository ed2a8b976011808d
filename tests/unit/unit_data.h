/* SPDX-License-Identifier: BSD-3-Clause */
/* Test data and the slow reference checksum the tests compare against. */
#ifndef PXELINE_TESTS_UNIT_DATA_H
#define PXELINE_TESTS_UNIT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* len pseudo-random bytes, the same for the same seed. */
static inline void
unit_fill_random(uint8_t *buf, size_t len, unsigned seed)
{
	size_t i;

	srand(seed);
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)rand();
}

/* The RFC 1071 sum of data[off, off + len) byte by byte, modulo 0xffff
 * (an even-offset byte is a word's high byte; an odd last byte is padded). */
static inline uint32_t
unit_csum_naive(const uint8_t *data, size_t off, size_t len)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len; i++)
		s += (i & 1) ? data[off + i] : (uint32_t)data[off + i] << 8;
	return (uint32_t)(s % 0xffff);
}

#endif /* PXELINE_TESTS_UNIT_DATA_H */
