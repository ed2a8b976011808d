/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's half of proxyDHCP: parse a datagram to 67/4011 once, pass a
 * PXE client's request to the control thread (never wait for it), and
 * send the replies it hands back.
 */
#ifndef PXELINE_DATAPLANE_DHCP_DHCP_RX_H
#define PXELINE_DATAPLANE_DHCP_DHCP_RX_H

#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"

/* A datagram to UDP 67 or 4011. */
void dhcp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi);

/* Sends the replies the control thread queued for this worker. */
void dhcp_rx_poll_replies(struct lcore *lc);

#endif /* PXELINE_DATAPLANE_DHCP_DHCP_RX_H */
