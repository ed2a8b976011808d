/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's half of proxyDHCP: pass PXE clients' requests to the
 * control thread (never wait for it) and send the replies it hands back.
 */
#ifndef PXELINE_DATAPLANE_DHCP_WORKER_H
#define PXELINE_DATAPLANE_DHCP_WORKER_H

#include "dataplane/proto/frame.h"

struct worker;

/* A datagram to UDP 67 or 4011. */
void dhcp_worker_on_request(struct worker *w, int port_idx, const struct frame_info *fi);

/* Sends the replies the control thread queued for this worker. */
void dhcp_worker_poll_replies(struct worker *w);

#endif /* PXELINE_DATAPLANE_DHCP_WORKER_H */
