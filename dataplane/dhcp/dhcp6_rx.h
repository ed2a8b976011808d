/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's half of the DHCPv6 proxy (dhcp.v6): parse a datagram to 547
 * (ff02::1:2 or, from relays, our address) or to 4011 over IPv6 once and
 * answer it from the published policy snapshot (dhcp/answer6.h), the same
 * one IPv4 answers from. No reply from the control thread: an armed
 * one-shot goes to it to take (DHCP_OUT_ONCE_TAKING, nothing sent now) and
 * the client's retransmission is answered from the snapshot's grace; no
 * snapshot yet means no answer (the client asks again). Its space is the worker's DHCP state's (dhcp_rx.c),
 * so a worker without proxyDHCP answers no DHCPv6 either. The trace goes out as a LOG_DHCP event with v6 set.
 */
#ifndef PXELINE_DATAPLANE_DHCP_DHCP6_RX_H
#define PXELINE_DATAPLANE_DHCP_DHCP6_RX_H

#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"

/* A UDP/IPv6 datagram to 547 or 4011 (fi->ipv6). */
void dhcp6_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi);

#endif /* PXELINE_DATAPLANE_DHCP_DHCP6_RX_H */
