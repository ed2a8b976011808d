/* SPDX-License-Identifier: BSD-3-Clause */

#include <systemd/sd-daemon.h>

#include "control/service.h"
#include "dataplane/base/clock.h"

static struct {
	uint64_t wd_half_ns;	/* 0 = no watchdog asked for */
	uint64_t wd_last_ns;
} svc;

void
svc_init(void)
{
	uint64_t usec = 0;

	/* unset_environment 0: a child we exec (none today) could still ping. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
		svc.wd_half_ns = usec * 1000ull / 2;
	svc.wd_last_ns = 0;
}

void
svc_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
svc_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

void
svc_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=%llu",
		   (unsigned long long)(clock_mono_ns() / 1000ull));
}

void
svc_stopping(const char *status)
{
	sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status);
}

unsigned
svc_watchdog_poll(uint64_t now_ns)
{
	if (svc.wd_half_ns == 0 || now_ns - svc.wd_last_ns < svc.wd_half_ns)
		return 0;
	svc.wd_last_ns = now_ns;
	sd_notify(0, "WATCHDOG=1");
	return 1;
}
