/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The words of a proxyDHCP trace: one record (struct log_dhcp, filled by
 * dataplane/dhcp/answer.c on a worker or on the control thread) becomes the
 * lines an operator greps, SMSPXE.log style, every one starting "dhcp MAC ":
 * the request, what happened to a one-shot, the outcome. The one place
 * they are worded, for log.c (workers' events) and dhcp_control.c alike.
 */
#ifndef PXELINE_CONTROL_DHCP_TRACE_H
#define PXELINE_CONTROL_DHCP_TRACE_H

#include "dataplane/base/events.h"

/* Receives one trace line (no newline; starts "dhcp MAC "). */
typedef void (*dhcp_trace_fn)(void *arg, const char *line);

/* "DISCOVER", "REQUEST", ... for option 53's value. */
const char *dhcp_msg_type_name(uint8_t t);

/* Calls emit once per line of t's trace. */
void dhcp_trace_lines(const struct log_dhcp *t, dhcp_trace_fn emit, void *arg);

#endif /* PXELINE_CONTROL_DHCP_TRACE_H */
