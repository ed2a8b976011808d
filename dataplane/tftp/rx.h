/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where the worker hands TFTP: every datagram to port 69, to the PXE MTFTP
 * port, or to a server port (a session's or a group's), every feeder
 * answer and the timers. This file sorts them out to session.c, group.c
 * and mtftp.c, which never call each other back.
 */
#ifndef PXELINE_DATAPLANE_TFTP_RX_H
#define PXELINE_DATAPLANE_TFTP_RX_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/cache/cache.h"
#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"

/*
 * True for a read request asking RFC 2090 multicast while multicast is on:
 * one worker (0) streams each file, so such requests all go there.
 */
bool tftp_rx_wants_multicast(const struct lcore *lc, const struct frame_info *fi);

/* True when port is the PXE MTFTP server port and MTFTP is served. */
bool tftp_rx_is_mtftp_port(const struct lcore *lc, uint16_t port);

/* The worker that owns server port `port` (a session's or a group's), or -1. */
int tftp_rx_owner(const struct lcore *lc, uint16_t port);

/* A datagram to port 69: RRQ (or a refused WRQ). */
void tftp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi);

/* A datagram to the PXE MTFTP port. */
void tftp_rx_mtftp(struct lcore *lc, int port_idx, const struct frame_info *fi);

/* A datagram to any other port: a transfer's ACK or ERROR, or a stray. */
void tftp_rx_packet(struct lcore *lc, int port_idx, const struct frame_info *fi);

/* An ICMP unreachable quoting one of our datagrams (FRAME_ICMP_UNREACH). */
void tftp_rx_unreachable(struct lcore *lc, const struct frame_info *fi);

/* An answer from the feeder, for a session or a group. */
void tftp_rx_cache_done(struct lcore *lc, const struct cache_done *d);

/* Fires due session and group timers, at most budget of each. */
void tftp_rx_run_timers(struct lcore *lc, unsigned budget);

/* Ends every transfer and group (engine stopping). */
void tftp_rx_shutdown(struct lcore *lc);

#endif /* PXELINE_DATAPLANE_TFTP_RX_H */
