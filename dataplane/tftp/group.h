/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 2090 multicast groups of one worker: the DPDK side of
 * proto/tftp_mcast.h. A group streams one file version to a group address
 * from its own server port (TFTP_MCAST_TID_BASE + ..., outside the unicast
 * TID range); OACKs go unicast to each receiver, DATA to the group's
 * multicast MAC. Its timers are on a wheel of its own, its cache tokens
 * are group tokens (tftp/xmit.h). PXE MTFTP uses the same groups (mtftp.c).
 */
#ifndef PXELINE_DATAPLANE_TFTP_GROUP_H
#define PXELINE_DATAPLANE_TFTP_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"

/* The worker that owns a group server port, -1 if port is none. */
int tftp_group_owner(const struct lcore *lc, uint16_t port);

/*
 * An RRQ (parsed into pkt, path canonical) that may join a group. Returns
 * true when the module took it; false sends it down the unicast path
 * (multicast off, option not asked, blksize that does not fit the group,
 * group full), where "multicast" is simply not granted.
 */
bool tftp_group_on_request(struct lcore *lc, int port_idx, const struct frame_info *fi,
			   const struct tftp_packet *pkt, const char *path);

/*
 * A datagram to a group's server port (pkt NULL when it did not parse):
 * true if it was a running group's.
 */
bool tftp_group_on_packet(struct lcore *lc, int port_idx, const struct frame_info *fi,
			  const struct tftp_packet *pkt);

/* A feeder answer with a group token. */
void tftp_group_on_cache_done(struct lcore *lc, const struct cache_done *d);

/* Fires due group timers, at most budget of them. */
void tftp_group_run_timers(struct lcore *lc, unsigned budget);

/* Closes every group and frees the table (engine stopping). */
void tftp_group_shutdown(struct lcore *lc);

#endif /* PXELINE_DATAPLANE_TFTP_GROUP_H */
