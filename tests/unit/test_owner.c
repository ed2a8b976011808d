/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fleet's owner choice (dataplane/dhcp/owner.c): over 100,000 MACs, the
 * owners are balanced, an engine leaving moves exactly the MACs it owned
 * (about 1/N) and spreads them over the others, one joining takes about
 * 1/(N+1) and only from the others, and the choice does not depend on the
 * order the members are listed in. Counts, not timings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "dataplane/dhcp/owner.h"
#include "unit.h"

#define N_MACS 100000u

/* Sequential MACs of one vendor prefix: the structured input a lab has. */
static void
mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x52; mac[1] = 0x54; mac[2] = 0x00;
	mac[3] = (uint8_t)(i >> 16); mac[4] = (uint8_t)(i >> 8); mac[5] = (uint8_t)i;
}

static void
keys_of(uint32_t n, uint64_t *keys)
{
	char name[16];
	uint32_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "eng-%u", i + 1);
		keys[i] = dhcp_owner_key(name);
	}
}

/* The owner of every MAC, as a key (an index depends on the list). */
static uint64_t *
owners(const uint64_t *keys, uint32_t n)
{
	uint64_t *o = malloc(sizeof(*o) * N_MACS);
	uint8_t mac[6];
	uint32_t i;
	int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	for (i = 0; i < N_MACS; i++) {
		mac_of(i, mac);
		k = dhcp_owner_pick(keys, n, mac);
		CU_ASSERT_FATAL(k >= 0 && (uint32_t)k < n);
		o[i] = keys[k];
	}
	return o;
}

static uint32_t
count_of(const uint64_t *o, uint64_t key)
{
	uint32_t i, c = 0;

	for (i = 0; i < N_MACS; i++)
		c += o[i] == key;
	return c;
}

/* Each of n engines owns 1/n of the MACs within 2 % of all MACs (the
 * binomial's standard deviation here is ~0.15 %). */
static void
check_balance(const uint64_t *keys, uint32_t n, const uint64_t *o)
{
	uint32_t i, c, share = N_MACS / n, tol = N_MACS / 50;

	for (i = 0; i < n; i++) {
		c = count_of(o, keys[i]);
		CU_ASSERT(c + tol >= share && c <= share + tol);
		if (c + tol < share || c > share + tol)
			fprintf(stderr, "\n  %u engines: engine %u owns %u of %u\n", n, i, c, N_MACS);
	}
}

/* Removing each engine in turn from n. */
static void
check_removal(uint32_t n)
{
	uint64_t keys[DHCP_FLEET_MAX], rest[DHCP_FLEET_MAX];
	uint64_t *all, *after;
	uint32_t gone, i, j, moved, owned, got;

	keys_of(n, keys);
	all = owners(keys, n);
	check_balance(keys, n, all);
	for (gone = 0; gone < n; gone++) {
		for (i = 0, j = 0; i < n; i++)
			if (i != gone)
				rest[j++] = keys[i];
		after = owners(rest, n - 1);
		moved = 0;
		for (i = 0; i < N_MACS; i++) {
			if (all[i] != after[i]) {
				moved++;
				/* Only the leaver's MACs move. */
				CU_ASSERT_EQUAL(all[i], keys[gone]);
			} else {
				CU_ASSERT_NOT_EQUAL(all[i], keys[gone]);
			}
		}
		owned = count_of(all, keys[gone]);
		CU_ASSERT_EQUAL(moved, owned);
		CU_ASSERT(moved + N_MACS / 50 >= N_MACS / n && moved <= N_MACS / n + N_MACS / 50);
		/* ...and they spread over the others, not onto one heir. */
		for (j = 0; j < n - 1; j++) {
			got = 0;
			for (i = 0; i < N_MACS; i++)
				got += all[i] == keys[gone] && after[i] == rest[j];
			CU_ASSERT(got + moved / 10 >= moved / (n - 1) &&
				  got <= moved / (n - 1) + moved / 10);
		}
		free(after);
	}
	free(all);
}

static void
test_remove_one_of_3(void)
{
	check_removal(3);
}

static void
test_remove_one_of_5(void)
{
	check_removal(5);
}

/* A fifth engine joins four: it takes ~1/5, and only it gains. */
static void
test_join(void)
{
	uint64_t keys[5];
	uint64_t *before, *after;
	uint32_t i, moved = 0;

	keys_of(5, keys);
	before = owners(keys, 4);
	after = owners(keys, 5);
	check_balance(keys, 5, after);
	for (i = 0; i < N_MACS; i++)
		if (before[i] != after[i]) {
			moved++;
			CU_ASSERT_EQUAL(after[i], keys[4]);
		}
	CU_ASSERT_EQUAL(moved, count_of(after, keys[4]));
	free(before);
	free(after);
}

/* Every engine computes the same owner whatever order it lists the fleet. */
static void
test_order_free(void)
{
	uint64_t keys[5], rev[5];
	uint8_t mac[6];
	uint32_t i;

	keys_of(5, keys);
	for (i = 0; i < 5; i++)
		rev[i] = keys[4 - i];
	for (i = 0; i < 10000; i++) {
		mac_of(i * 7919u, mac);
		CU_ASSERT_EQUAL(keys[dhcp_owner_pick(keys, 5, mac)],
				rev[dhcp_owner_pick(rev, 5, mac)]);
	}
	CU_ASSERT_EQUAL(dhcp_owner_pick(keys, 0, mac), -1);
	CU_ASSERT_EQUAL(dhcp_owner_pick(keys, 1, mac), 0);
}

/* The key is the name's: different names, different keys; same, same. */
static void
test_keys(void)
{
	CU_ASSERT_EQUAL(dhcp_owner_key("eng-a"), dhcp_owner_key("eng-a"));
	CU_ASSERT_NOT_EQUAL(dhcp_owner_key("eng-a"), dhcp_owner_key("eng-b"));
	CU_ASSERT_NOT_EQUAL(dhcp_owner_key("eng-1"), dhcp_owner_key("eng-10"));
	CU_ASSERT_NOT_EQUAL(dhcp_owner_key(""), 0);
}

/* The fleet as a snapshot holds it: sorted, self found, bad lists refused. */
static void
test_fleet_set(void)
{
	static const char *const names[] = { "eng-c", "eng-a", "eng-b" };
	static const char *const other[] = { "eng-b", "eng-c", "eng-a" };
	char long_name[DHCP_FLEET_NAME_MAX + 1];
	const char *bad[1] = { long_name };
	const char *empty[1] = { "" };
	struct dhcp_fleet f, g;

	memset(&f, 0, sizeof(f));
	f.standby_delay_ms = 1500;
	CU_ASSERT_EQUAL(dhcp_fleet_set(&f, names, 3, "eng-b"), 0);
	CU_ASSERT_EQUAL(f.n, 3);
	CU_ASSERT_STRING_EQUAL(f.names[0], "eng-a");
	CU_ASSERT_STRING_EQUAL(f.names[2], "eng-c");
	CU_ASSERT_EQUAL(f.self, 1);
	CU_ASSERT_EQUAL(f.keys[1], dhcp_owner_key("eng-b"));
	CU_ASSERT_EQUAL(f.standby_delay_ms, 1500);
	g = f;
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, other, 3, "eng-b"), 0);
	CU_ASSERT(dhcp_fleet_same(&f, &g));
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, other, 2, "eng-b"), 0);
	CU_ASSERT(!dhcp_fleet_same(&f, &g));
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, names, 3, "eng-z"), 0);
	CU_ASSERT_EQUAL(g.self, -1);
	CU_ASSERT(!dhcp_fleet_same(&f, &g));
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	g = f;
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, bad, 1, "eng-b"), -1);
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, empty, 1, "eng-b"), -1);
	CU_ASSERT_EQUAL(dhcp_fleet_set(&g, names, DHCP_FLEET_MAX + 1, "eng-b"), -1);
	CU_ASSERT(dhcp_fleet_same(&f, &g));	/* refused: unchanged */
}

int
main(void)
{
	static const struct unit_test tests[] = {
		{ "one of 3 engines leaves: only its ~1/3 move, spread", test_remove_one_of_3 },
		{ "one of 5 engines leaves: only its ~1/5 move, spread", test_remove_one_of_5 },
		{ "a 5th engine joins: takes ~1/5, only it gains", test_join },
		{ "the owner does not depend on the members' order", test_order_free },
		{ "an engine's key is its name's hash", test_keys },
		{ "fleet list: sorted, self, refusals", test_fleet_set },
		{ NULL, NULL },
	};

	return unit_run("owner", tests);
}
