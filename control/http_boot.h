/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UEFI HTTP Boot's file server: GET, HEAD and single Range requests for
 * files under tftp.root, with TFTP's path rules (proto/path.c, then the
 * feeder's resolver: case-insensitive lookup, nothing outside the root).
 * One libmicrohttpd daemon per interface, bound to the engine's address on
 * that interface's TAP (dataplane/core/tap.h), each with its own polling
 * thread pool (2 threads; poll(), see http_boot.c for why not epoll): the
 * file server never runs in the control loop. Bodies are sent with sendfile() from the page cache. One log line
 * per request, like TFTP's.
 */
#ifndef PXELINE_CONTROL_HTTP_BOOT_H
#define PXELINE_CONTROL_HTTP_BOOT_H

#include <stddef.h>

#include "config/config.h"
#include "dataplane/core/port.h"

/*
 * Starts a daemon on every port that has a tap. Returns 0 or -1 with the
 * reason in err; what was started is stopped by http_boot_stop.
 */
int http_boot_start(const struct pxeline_config *cfg, const struct port *ports, int n_ports,
		    char *err, size_t err_cap);

/* Stops every daemon (waits for their threads; open transfers are cut). */
void http_boot_stop(void);

#endif /* PXELINE_CONTROL_HTTP_BOOT_H */
