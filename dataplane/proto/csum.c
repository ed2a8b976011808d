/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/proto/csum.h"
#include "dataplane/proto/frame.h"

uint32_t
csum_swap(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xff) << 8 | sum >> 8;
}

void
csum_prefix_fill(const uint8_t *data, size_t len, uint32_t *prefix)
{
	size_t k, n = csum_prefix_entries(len);
	uint32_t acc = 0;

	/* Each stride starts at an even offset: its sum simply adds on. */
	for (k = 0; k < n; k++) {
		acc = csum_add32(acc, frame_csum_add(0, data + k * CSUM_STRIDE, CSUM_STRIDE));
		prefix[k] = acc;
	}
}

uint32_t
csum_prefix_range(const uint32_t *prefix, const uint8_t *data, size_t off, size_t len)
{
	size_t end = off + len;
	size_t a = (off + CSUM_STRIDE - 1) / CSUM_STRIDE;	/* first stride inside */
	size_t b = end / CSUM_STRIDE;				/* past the last one */
	uint32_t head, rest;

	if (a >= b)	/* no whole stride inside: under 2 strides of bytes */
		return frame_csum_add(0, data + off, len);
	head = frame_csum_add(0, data + off, a * CSUM_STRIDE - off);
	rest = csum_sub32(prefix[b - 1], a ? prefix[a - 1] : 0);
	rest = csum_add32(rest, frame_csum_add(0, data + b * CSUM_STRIDE,
					       end - b * CSUM_STRIDE));
	/* Strides and tail follow the head: at an odd offset if the head is odd. */
	if ((a * CSUM_STRIDE - off) & 1)
		rest = csum_swap(rest);
	return csum_add32(head, rest);
}
