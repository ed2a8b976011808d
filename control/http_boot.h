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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A GET or HEAD that ended, for the control thread: the host's history
 * and the once_until = "file:NAME" rule, as a TFTP transfer's end. */
struct http_boot_served {
	int64_t at_ms;			/* unix milliseconds, at its end */
	uint8_t mac[6];			/* the client's (the tap's neighbour entry) */
	char file[256];			/* as found under the root */
	char method[8];			/* "GET", "HEAD" */
	char outcome[16];		/* "done", "timeout", "client-closed", ... */
	unsigned status;		/* 200, 206, 404, ... */
	uint64_t bytes, size;		/* the body sent (acknowledged if cut), the file's */
	bool complete;			/* a 200 GET of the whole file, every byte sent */
};

#define HTTP_BOOT_SERVED_MAX 256	/* ends kept between two drains (more: counted lost) */

/*
 * Calls fn for every request ended since the last call whose client's MAC
 * is known, oldest first; returns how many (control thread). Requests
 * that found the queue full are said in the log.
 */
unsigned http_boot_drain(void (*fn)(const struct http_boot_served *s, void *arg), void *arg);

#endif /* PXELINE_CONTROL_HTTP_BOOT_H */
