/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fleet's heartbeat. See fleet.h.
 */
#include "control/dhcp_control.h"
#include "control/fleet.h"
#include "control/log.h"

_Static_assert(HOSTDB_ENGINE_STRLEN <= DHCP_FLEET_NAME_MAX, "a store's engine name fits the fleet");

static struct {
	uint64_t next_ns;	/* 0: beat at the first call */
	bool failing;		/* said once per outage, not every beat */
} fl;

/* The store failed: the workers keep the fleet they have. */
static void
store_failed(struct hostdb *db, const char *what, enum hostdb_err e)
{
	if (fl.failing)
		return;
	fl.failing = true;
	log_msg(CFG_LOG_WARN, "fleet: %s failed (%s: %s): keeping the last list of live engines",
		what, hostdb_strerror(e), hostdb_msg(db));
}

unsigned
fleet_poll(struct hostdb *db, bool dhcp_on, uint64_t now_ns)
{
	static char names[DHCP_FLEET_MAX][HOSTDB_ENGINE_STRLEN];
	const char *ptrs[DHCP_FLEET_MAX];
	enum hostdb_err e;
	unsigned i, n = 0;

	if (!db || now_ns < fl.next_ns)
		return 0;
	fl.next_ns = now_ns + HOSTDB_HEARTBEAT_MS * 1000000ull;
	e = hostdb_heartbeat(db, hostdb_engine(db));
	if (e != HOSTDB_OK) {
		store_failed(db, "heartbeat", e);
		return 1;
	}
	e = hostdb_live_engines(db, FLEET_LIVE_MS, names, DHCP_FLEET_MAX, &n);
	if (e != HOSTDB_OK) {
		store_failed(db, "reading the live engines", e);
		return 1;
	}
	if (fl.failing)
		log_msg(CFG_LOG_INFO, "fleet: the store answers again (%u live engine(s))", n);
	fl.failing = false;
	if (!dhcp_on)
		return 1;
	for (i = 0; i < n && i < DHCP_FLEET_MAX; i++)
		ptrs[i] = names[i];
	dhcp_control_set_fleet(ptrs, i, hostdb_engine(db));
	return 1;
}
