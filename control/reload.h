/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reloading the configuration while serving (SIGHUP, `pxectl reload`,
 * the HTTP API's POST /api/v1/reload): the file is read again; when it has
 * no error and changes only keys that can change live (control/reload_diff.h)
 * the new one goes to the workers (dataplane_publish_config: RCU, no lock on
 * the packet path), to proxyDHCP, to the control socket and to the log;
 * else nothing changes. Transfers in flight keep what they copied at open.
 * Control thread only.
 */
#ifndef PXELINE_CONTROL_RELOAD_H
#define PXELINE_CONTROL_RELOAD_H

#include <stddef.h>

#include "config/config.h"

struct dataplane;

/* What control_reload works on (arg); main owns it. */
struct reload_target {
	const char *path;		/* the file the engine started from */
	struct pxeline_config *cfg;	/* the running configuration (malloc'd; replaced) */
	struct dataplane *dp;
	unsigned reloads;		/* applied so far */
	unsigned refused;		/* refused so far */
};

/*
 * Re-reads arg's (a struct reload_target) file and applies it. Returns 0
 * when applied, -RELOAD_ERR_CONFIG (every error FILE:LINE in report) or
 * -RELOAD_ERR_RESTART (the keys named in report) when refused, leaving the
 * running configuration as it was. report (cap bytes) always gets the
 * outcome, one line or more; the same goes to the log. Tells systemd
 * RELOADING=1, then READY=1.
 */
int control_reload(void *arg, char *report, size_t cap);

#endif /* PXELINE_CONTROL_RELOAD_H */
