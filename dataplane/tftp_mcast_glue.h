/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 2090 multicast groups of one worker: the DPDK side of
 * proto/tftp_mcast.h. A group streams one file version to a group address
 * from its own server port (61000 + ..., outside the unicast TID range);
 * OACKs go unicast to each receiver, DATA to the group's multicast MAC.
 * Its timers are on a wheel of its own, its cache tokens have bit 63 set.
 */
#ifndef PXELINE_DATAPLANE_TFTP_MCAST_GLUE_H
#define PXELINE_DATAPLANE_TFTP_MCAST_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/cache.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"

struct worker;

#define TFTP_MCAST_TOKEN_BIT (1ull << 63)
#define TFTP_MCAST_MAX_GROUPS 16	/* per worker */
/* Group server ports: worker w owns base + w * MAX_GROUPS .. + MAX_GROUPS - 1,
 * above the unicast TIDs (32768 .. 60767). */
#define TFTP_MCAST_TID_BASE 61000

/* The worker that owns a group server port, -1 if port is none. */
int tftp_mcast_tid_owner(const struct worker *w, uint16_t port);

/*
 * An RRQ (parsed into pkt, path canonical) that may join a group. Returns
 * true when the module took it; false sends it down the unicast path
 * (multicast off, option not asked, blksize that does not fit the group,
 * group full), where "multicast" is simply not granted.
 */
bool tftp_mcast_on_request(struct worker *w, int port_idx, const struct frame_info *fi,
			   const struct tftp_packet *pkt, const char *path);

/*
 * A datagram to the PXE MTFTP port (multicast.mtftp_port): an RRQ opens a
 * transfer to the file's MTFTP-IP:CPORT unless the file already streams
 * (the client listens). proto/mtftp.h says how.
 */
void tftp_mcast_on_mtftp_request(struct worker *w, int port_idx, const struct frame_info *fi);

/* A datagram to a port no unicast session owns: true if it was a group's. */
bool tftp_mcast_on_packet(struct worker *w, int port_idx, const struct frame_info *fi);

/* A feeder answer whose token has TFTP_MCAST_TOKEN_BIT. */
void tftp_mcast_on_cache_done(struct worker *w, const struct cache_done *d);

/* Fires due group timers, at most budget of them. */
void tftp_mcast_run_timers(struct worker *w, unsigned budget);

/* Closes every group and frees the table (engine stopping). */
void tftp_mcast_shutdown(struct worker *w);

#endif /* PXELINE_DATAPLANE_TFTP_MCAST_GLUE_H */
