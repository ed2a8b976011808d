/* SPDX-License-Identifier: BSD-3-Clause */
#include "rss.h"

uint32_t
rss_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len)
{
	uint32_t hash = 0, window;
	size_t i, next = 4;
	int b;

	if (key_len < len + 4)
		return 0;
	/* A 32-bit window slides over the key one bit per input bit. */
	window = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
		 (uint32_t)key[2] << 8 | key[3];
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (data[i] >> b & 1)
				hash ^= window;
			window = window << 1 | (key[next] >> b & 1);
		}
		next++;
	}
	return hash;
}

uint32_t
rss_ipv4_udp(const uint8_t *key, size_t key_len, uint32_t src_ip, uint32_t dst_ip,
	     uint16_t src_port, uint16_t dst_port)
{
	const uint8_t in[12] = {
		src_ip >> 24, src_ip >> 16, src_ip >> 8, src_ip,
		dst_ip >> 24, dst_ip >> 16, dst_ip >> 8, dst_ip,
		src_port >> 8, src_port, dst_port >> 8, dst_port,
	};

	return rss_toeplitz(key, key_len, in, sizeof(in));
}
