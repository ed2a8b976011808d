/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rendezvous owner choice. See owner.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/dhcp/owner.h"

/* splitmix64's finalizer: every input bit flips each output bit with
 * probability ~1/2, so weights of one MAC under different keys are
 * independent enough that the maximum is uniform over the members. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint64_t
dhcp_owner_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a 64, then mixed */

	while (*name) {
		h ^= (uint8_t)*name++;
		h *= 0x100000001b3ull;
	}
	return mix64(h);
}

uint64_t
dhcp_owner_weight(uint64_t key, const uint8_t mac[6])
{
	uint64_t m = 0;
	int i;

	for (i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	/* Two rounds: the MAC's bits are spread before the key meets them. */
	return mix64(key ^ mix64(m + 0x9e3779b97f4a7c15ull));
}

int
dhcp_owner_pick(const uint64_t *keys, uint32_t n, const uint8_t mac[6])
{
	uint64_t best = 0, w;
	int owner = -1;
	uint32_t i;

	for (i = 0; i < n; i++) {
		w = dhcp_owner_weight(keys[i], mac);
		if (owner < 0 || w > best || (w == best && keys[i] > keys[owner])) {
			best = w;
			owner = (int)i;
		}
	}
	return owner;
}

int
dhcp_fleet_owner(const struct dhcp_fleet *f, const uint8_t mac[6])
{
	return dhcp_owner_pick(f->keys, f->n, mac);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
dhcp_fleet_set(struct dhcp_fleet *f, const char *const *names, uint32_t n,
	       const char *self_name)
{
	char sorted[DHCP_FLEET_MAX][DHCP_FLEET_NAME_MAX];
	uint32_t i;

	if (n > DHCP_FLEET_MAX)
		return -1;
	memset(sorted, 0, sizeof(sorted));	/* compared whole by dhcp_fleet_same */
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (!len || len >= DHCP_FLEET_NAME_MAX)
			return -1;
		memcpy(sorted[i], names[i], len + 1);
	}
	qsort(sorted, n, sizeof(sorted[0]), name_cmp);
	f->n = n;
	f->self = -1;
	memset(f->names, 0, sizeof(f->names));
	memset(f->keys, 0, sizeof(f->keys));
	for (i = 0; i < n; i++) {
		memcpy(f->names[i], sorted[i], sizeof(sorted[i]));
		f->keys[i] = dhcp_owner_key(sorted[i]);
		if (self_name && strcmp(sorted[i], self_name) == 0)
			f->self = (int32_t)i;
	}
	return 0;
}

bool
dhcp_fleet_same(const struct dhcp_fleet *a, const struct dhcp_fleet *b)
{
	return a->n == b->n && a->self == b->self &&
	       memcmp(a->names, b->names, sizeof(a->names[0]) * a->n) == 0;
}
