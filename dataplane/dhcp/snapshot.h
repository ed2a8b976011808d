/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boot policy as the workers read it: a read-only snapshot of the
 * profiles, the unknown-computer policy, the ignore list, the port 67 and
 * delay settings, our address per interface, the fleet (who owns which
 * MAC, dhcp/owner.h; the standby delay), and the host inventory
 * indexed by MAC and by UUID (flat arrays sorted once, searched by
 * bisection). The data plane owns the type; the control thread builds one
 * whenever something it holds changes and publishes it (dhcp/snap_rcu.h).
 * A snapshot copies what it needs from the configuration, so a reload may
 * free the old configuration while workers still read an older snapshot.
 * Pure C: no DPDK, no I/O, no clock.
 */
#ifndef PXELINE_DATAPLANE_DHCP_SNAPSHOT_H
#define PXELINE_DATAPLANE_DHCP_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "dataplane/dhcp/bootaction.h"
#include "dataplane/dhcp/owner.h"

/*
 * A taken one-shot keeps its answer for this long, for the rest of the same
 * boot: the firmware's DISCOVER and its REQUEST to 4011, then the DHCP of
 * the iPXE it chainloaded, must all get the profile, not just the first.
 * Not durable: after a restart the next request gets the consumed answer.
 */
#define DHCP_ONCE_GRACE_NS (120ull * 1000000000ull)

enum dhcp_snap_err {
	DHCP_SNAP_OK = 0,
	DHCP_SNAP_ERR_NOMEM,	/* out of memory: the old snapshot stays */
	DHCP_SNAP_ERR__MAX,
};

const char *dhcp_snap_strerror(enum dhcp_snap_err e);

/* One inventory record. */
struct dhcp_snap_host {
	struct boot_host h;	/* id, name, action, profile, once_armed */
	bool has_mac;
	uint8_t mac[6];
	bool has_uuid;
	uint8_t uuid[16];
	/*
	 * Monotonic ns (CLOCK_MONOTONIC's scale): a one-shot this engine took
	 * answers as still armed until then, for the rest of the same boot.
	 * 0 = none. Copied from the control thread's grace table.
	 */
	uint64_t grace_until_ns;
};

struct dhcp_snapshot {
	uint64_t generation;		/* counts builds, for the trace */
	/* policy (copies) */
	struct cfg_profile profiles[CFG_MAX_PROFILES];
	int n_profiles;
	enum cfg_unknown_action unknown_action;
	char unknown_profile[64];
	bool port67;
	uint32_t delay_ms;
	uint32_t n_ignore;
	uint8_t ignore[CFG_MAX_IGNORE_MACS][6];	/* sorted */
	struct cfg_multicast multicast;
	bool http_boot;			/* the http_boot file server is on */
	uint16_t http_port;		/* its TCP port, in HTTP Boot URIs */
	uint32_t server_ip[CFG_MAX_INTERFACES];	/* our IPv4 per port_idx, host order */
	int n_ports;
	/* the engines answering together: none known = we answer everyone */
	struct dhcp_fleet fleet;
	/* inventory */
	struct dhcp_snap_host *hosts;	/* sorted by MAC; records without one last */
	uint32_t n_hosts, cap_hosts;
	uint32_t n_by_mac;		/* hosts[0 .. n_by_mac-1] have a MAC */
	const struct dhcp_snap_host **by_uuid;	/* into hosts, sorted by UUID */
	uint32_t n_by_uuid;
	bool sealed;
};

/* A new, empty snapshot of cfg's policy (server_ip: n_ports addresses),
 * with no fleet (dhcp_snap_set_fleet) and no hosts. */
enum dhcp_snap_err dhcp_snap_create(const struct pxeline_config *cfg,
	const uint32_t *server_ip, int n_ports, struct dhcp_snapshot **ret_snap);

/* The fleet's members and self (before dhcp_snap_seal); the standby delay
 * stays cfg's. */
void dhcp_snap_set_fleet(struct dhcp_snapshot *s, const struct dhcp_fleet *f);

/* Adds one record (before dhcp_snap_seal). */
enum dhcp_snap_err dhcp_snap_add_host(struct dhcp_snapshot *s, const struct dhcp_snap_host *h);

/* Sorts and indexes: after it, only the lookups below. */
enum dhcp_snap_err dhcp_snap_seal(struct dhcp_snapshot *s);

void dhcp_snap_free(struct dhcp_snapshot *s);

/* The record with this key, or NULL. */
const struct dhcp_snap_host *dhcp_snap_by_mac(const struct dhcp_snapshot *s,
	const uint8_t mac[6]);
const struct dhcp_snap_host *dhcp_snap_by_uuid(const struct dhcp_snapshot *s,
	const uint8_t uuid[16]);
/* The record with this id, or NULL (a linear scan: control thread only). */
const struct dhcp_snap_host *dhcp_snap_by_id(const struct dhcp_snapshot *s, int64_t id);

/* The profile with this name, or NULL. */
const struct cfg_profile *dhcp_snap_profile(const struct dhcp_snapshot *s, const char *name);

bool dhcp_snap_ignored(const struct dhcp_snapshot *s, const uint8_t mac[6]);

/* The decision table's view of the snapshot's policy. */
struct boot_policy dhcp_snap_policy(const struct dhcp_snapshot *s);

#endif /* PXELINE_DATAPLANE_DHCP_SNAPSHOT_H */
