/* SPDX-License-Identifier: BSD-3-Clause */
/* One host record built the way `pxelinectl host add` would fill it. */
#ifndef PXELINE_TESTS_UNIT_HOST_H
#define PXELINE_TESTS_UNIT_HOST_H

#include <stdio.h>
#include <string.h>

#include "control/hostdb.h"

/* mac (6 bytes) and uuid (16 bytes) may each be NULL: not set. */
static inline struct hostdb_host
unit_host(const uint8_t *mac, const uint8_t *uuid, enum boot_action a, const char *profile,
	  const char *name)
{
	struct hostdb_host h;

	memset(&h, 0, sizeof(h));
	if (mac) {
		h.has_mac = true;
		memcpy(h.mac, mac, 6);
	}
	if (uuid) {
		h.has_uuid = true;
		memcpy(h.uuid, uuid, 16);
	}
	h.h.action = a;
	h.h.once_armed = a == BOOT_ACTION_ONCE;
	snprintf(h.h.profile, sizeof(h.h.profile), "%s", profile);
	snprintf(h.h.name, sizeof(h.h.name), "%s", name);
	return h;
}

#endif /* PXELINE_TESTS_UNIT_HOST_H */
