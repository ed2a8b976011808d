/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fleet's heartbeat on the control loop: every HOSTDB_HEARTBEAT_MS it
 * says in the shared store that this engine is alive, reads which engines
 * are (a heartbeat younger than FLEET_LIVE_MS) and hands them to proxyDHCP
 * (dhcp_control_set_fleet: a new snapshot only when they changed). With
 * SQLite the store knows one engine, this one: a fleet of one. When the
 * store fails the last list stays in use.
 */
#ifndef PXELINE_CONTROL_FLEET_H
#define PXELINE_CONTROL_FLEET_H

#include <stdbool.h>
#include <stdint.h>

#include "control/hostdb.h"

/* An engine that missed three heartbeats has left the fleet. */
#define FLEET_LIVE_MS (3 * HOSTDB_HEARTBEAT_MS)

/* Beats when due (at once on the first call); dhcp_on: hand the live list
 * to proxyDHCP. Returns 1 when it did something, else 0. */
unsigned fleet_poll(struct hostdb *db, bool dhcp_on, uint64_t now_ns);

#endif /* PXELINE_CONTROL_FLEET_H */
