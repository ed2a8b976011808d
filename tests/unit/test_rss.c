/* SPDX-License-Identifier: BSD-3-Clause */
/* Toeplitz against Microsoft's RSS verification suite (IPv4 with ports,
 * the input layout NICs use for UDP too) and a naive bit-by-bit reference. */
#include <stdlib.h>

#include <CUnit/Basic.h>

#include "dataplane/proto/rss.h"
#include "unit.h"

static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
test_ms_vectors(void)
{
	static const struct {
		const char *name;
		uint32_t src, dst;
		uint16_t sport, dport;
		uint32_t hash;
	} rows[] = {
		{ "66.9.149.187:2794 -> 161.142.100.80:1766", IP(66, 9, 149, 187),
		  IP(161, 142, 100, 80), 2794, 1766, 0x51ccc178 },
		{ "199.92.111.2:14230 -> 65.69.140.83:4739", IP(199, 92, 111, 2),
		  IP(65, 69, 140, 83), 14230, 4739, 0xc626b0ea },
		{ "24.19.198.95:12898 -> 12.22.207.184:38024", IP(24, 19, 198, 95),
		  IP(12, 22, 207, 184), 12898, 38024, 0x5c2b394a },
		{ "38.27.205.30:48228 -> 209.142.163.6:2217", IP(38, 27, 205, 30),
		  IP(209, 142, 163, 6), 48228, 2217, 0xafc7327f },
		{ "153.39.163.191:44251 -> 202.188.127.2:1303", IP(153, 39, 163, 191),
		  IP(202, 188, 127, 2), 44251, 1303, 0x10e828a2 },
	};
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(rss_ipv4_udp(ms_key, sizeof(ms_key), rows[i].src, rows[i].dst,
					     rows[i].sport, rows[i].dport), rows[i].hash);
}

/* Naive: for every set input bit k, XOR the 32 key bits starting at bit k. */
static uint32_t
naive(const uint8_t *key, const uint8_t *data, size_t len)
{
	uint32_t h = 0, w;
	size_t k, j;

	for (k = 0; k < len * 8; k++) {
		if (!(data[k / 8] >> (7 - k % 8) & 1))
			continue;
		w = 0;
		for (j = 0; j < 32; j++)
			w = w << 1 | (key[(k + j) / 8] >> (7 - (k + j) % 8) & 1);
		h ^= w;
	}
	return h;
}

static void
test_against_naive(void)
{
	uint8_t key[52], data[36];
	unsigned i, n;

	srand(11);
	for (n = 0; n < 2000; n++) {
		size_t len = rand() % 37;

		for (i = 0; i < sizeof(key); i++)
			key[i] = rand();
		for (i = 0; i < len; i++)
			data[i] = rand();
		CU_ASSERT_EQUAL(rss_toeplitz(key, sizeof(key), data, len), naive(key, data, len));
	}
	/* A key too short for the input is refused, not overread. */
	CU_ASSERT_EQUAL(rss_toeplitz(key, 8, data, 12), 0);
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "Microsoft verification vectors", test_ms_vectors },
		{ "against a naive reference", test_against_naive },
		{ NULL, NULL },
	};

	return unit_run("rss", tests);
}
