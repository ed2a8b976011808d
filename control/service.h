/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Talking to the service manager (sd_notify(3)): READY=1 once serving,
 * RELOADING=1 around a reload, STOPPING=1 on shutdown, STATUS= a one-line
 * summary, and WATCHDOG=1 from the control loop at half of WatchdogSec=.
 * Outside systemd (no NOTIFY_SOCKET) every call is a no-op, cheaply.
 */
#ifndef PXELINE_CONTROL_SERVICE_H
#define PXELINE_CONTROL_SERVICE_H

#include <stdint.h>

/* Reads WATCHDOG_USEC (sd_watchdog_enabled); call once, before svc_ready. */
void svc_init(void);

/* READY=1 with STATUS=status: at start-up, and again after a reload. */
void svc_ready(const char *status);

/* STATUS=status alone. */
void svc_status(const char *status);

/* RELOADING=1 (with MONOTONIC_USEC, as systemd 253's Type=notify-reload wants). */
void svc_reloading(void);

/* STOPPING=1 with STATUS=status. */
void svc_stopping(const char *status);

/*
 * From the control loop, every pass: WATCHDOG=1 once half the watchdog
 * interval has gone by since the last one. now_ns is monotonic.
 * Returns 1 when it pinged, else 0.
 */
unsigned svc_watchdog_poll(uint64_t now_ns);

#endif /* PXELINE_CONTROL_SERVICE_H */
