/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which engine of a fleet answers a client: the owner of its MAC by
 * rendezvous (highest-random-weight) hashing over the live engines. Each
 * engine's key is a 64-bit hash of its fleet name; its weight for a MAC
 * is a strong 64-bit mix of (key, MAC); the highest weight owns the MAC.
 * Every engine computes the same owner from the same member list, and an
 * engine leaving moves only the MACs it owned (about 1/N of them).
 * Pure C: no DPDK, no I/O.
 */
#ifndef PXELINE_DATAPLANE_DHCP_OWNER_H
#define PXELINE_DATAPLANE_DHCP_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#define DHCP_FLEET_MAX 32		/* engines a snapshot knows */
#define DHCP_FLEET_NAME_MAX 64		/* a fleet name (state.engine), with its NUL */

/* The fleet as the workers read it (in the policy snapshot). */
struct dhcp_fleet {
	uint32_t n;			/* live members; 0 or 1: we answer everyone */
	int32_t self;			/* our index, -1 = we are not among them */
	uint32_t standby_delay_ms;	/* dhcp.standby_delay_ms */
	uint64_t keys[DHCP_FLEET_MAX];	/* dhcp_owner_key of each name */
	char names[DHCP_FLEET_MAX][DHCP_FLEET_NAME_MAX];	/* sorted */
};

/* An engine's key: a 64-bit hash of its fleet name. */
uint64_t dhcp_owner_key(const char *name);

/* An engine's weight for a MAC. */
uint64_t dhcp_owner_weight(uint64_t key, const uint8_t mac[6]);

/* The index of the owner of mac among keys[0..n-1]; -1 when n == 0.
 * Ties (never seen with 64 bits) go to the larger key. */
int dhcp_owner_pick(const uint64_t *keys, uint32_t n, const uint8_t mac[6]);

/*
 * Sets f's members to names[0..n-1] (any order; kept sorted) and self to
 * the index of self_name among them (-1 when absent: we stand by for
 * every MAC, as the others, who do not count us, expect). Keeps
 * standby_delay_ms. -1 when a name is empty or too long, or n is over
 * DHCP_FLEET_MAX: f is then unchanged.
 */
int dhcp_fleet_set(struct dhcp_fleet *f, const char *const *names, uint32_t n,
	const char *self_name);

/* Whether a and b have the same members and self (not the delay). */
bool dhcp_fleet_same(const struct dhcp_fleet *a, const struct dhcp_fleet *b);

/* The owner of mac in f, or -1 for an empty fleet. */
int dhcp_fleet_owner(const struct dhcp_fleet *f, const uint8_t mac[6]);

#endif /* PXELINE_DATAPLANE_DHCP_OWNER_H */
