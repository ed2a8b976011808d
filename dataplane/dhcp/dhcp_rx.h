/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's half of proxyDHCP: parse a datagram to 67/4011 once and
 * answer it from the published policy snapshot (dhcp/answer.h): no lock,
 * ring round trip, database call or syscall. Only a request whose answer
 * changes state (a one-shot to take) goes to the control thread, which
 * commits it and hands the reply back; so does every request while no
 * snapshot is published. In a fleet, a client whose MAC another engine
 * owns is held (dhcp/standby.h, a per-worker table) until its owner has
 * been silent for dhcp.standby_delay_ms. The trace goes out as a LOG_DHCP
 * event.
 */
#ifndef PXELINE_DATAPLANE_DHCP_DHCP_RX_H
#define PXELINE_DATAPLANE_DHCP_DHCP_RX_H

#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"

struct dhcp_rx_state;
struct dhcp6_scratch;
struct dhcp6_tx;
struct dhcp_standby;

/* Per-worker answer space and delay queue (set-up; NULL on failure). */
struct dhcp_rx_state *dhcp_rx_state_create(int socket);
void dhcp_rx_state_free(struct dhcp_rx_state *st);

/* Its DHCPv6 part (dhcp6_rx.c), NULL without a state. */
struct dhcp6_scratch *dhcp_rx_v6_scratch(struct dhcp_rx_state *st);

/* The fleet's standby table both families share; NULL without a state. */
struct dhcp_standby *dhcp_rx_standby(struct dhcp_rx_state *st);

/* A datagram to UDP 67 or 4011. */
void dhcp_rx_request(struct lcore *lc, int port_idx, const struct frame_info *fi);

/* Asks the control thread to take the one-shot of t's host (t->host_id),
 * decided for a DHCPv6 request (dhcp6_rx.c); false when it could not be
 * queued. No reply comes: the grace in the next snapshot answers. */
bool dhcp_rx_take_once6(struct lcore *lc, const struct log_dhcp *t);

/* Pushes ev (its dhcp record filled: the MAC is taken from it) as the
 * LOG_DHCP trace event of a request from client:client_port to our
 * server_port; log.c writes its lines. */
void dhcp_rx_log(struct lcore *lc, struct log_event *ev, struct ip_addr client,
		 uint16_t client_port, uint16_t server_port);

/* Sends a DHCPv6 reply made by dhcp6_rx.c, now or after delay_ms
 * (dhcp.delay_ms); a Reply from 4011 goes a second time 300 ms later
 * (EDK2 reads it only once its UDP instance exists: see dhcp_rx.c). */
void dhcp_rx_send6(struct lcore *lc, const struct dhcp6_tx *r, uint32_t delay_ms);

/* Sends the delayed replies that are due and those the control thread
 * queued for this worker. */
void dhcp_rx_poll_replies(struct lcore *lc);

#endif /* PXELINE_DATAPLANE_DHCP_DHCP_RX_H */
