/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one clock helper of the tree: monotonic time for intervals and
 * CLOCK_REALTIME for timestamps, both in nanoseconds. Workers read neither
 * on the packet path (lcore.h derives both from the TSC); the feeder, the
 * control thread and the tests use these.
 */
#ifndef PXELINE_DATAPLANE_BASE_CLOCK_H
#define PXELINE_DATAPLANE_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* For intervals and deadlines. */
static inline uint64_t
clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* For timestamps in logs. */
static inline uint64_t
clock_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

#endif /* PXELINE_DATAPLANE_BASE_CLOCK_H */
