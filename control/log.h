/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Log events: workers never format or write text. They fill a fixed-size
 * event and push it on their own ring; the control thread drains the rings
 * and writes one line per event (SMSPXE.log-style: one line per step per
 * client). A full ring costs a counter, never a stall.
 */
#ifndef PXELINE_CONTROL_LOG_H
#define PXELINE_CONTROL_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

enum log_kind {
	LOG_TFTP_END,		/* a transfer finished, however it ended */
	LOG_TFTP_REFUSED,	/* an RRQ/WRQ answered with ERROR, no session */
	LOG_DROP,		/* a dropped packet (rate-limited per reason) */
	LOG_DHCP,		/* a proxyDHCP step */
	LOG_MCAST_STREAM,	/* a multicast stream ended: what it saved */
	LOG_KIND__MAX,
};

/* How a transfer ended: one reason per ending (tftp_session_end). */
enum tftp_end_reason {
	TFTP_END_DONE,		/* final block acknowledged */
	TFTP_END_TSIZE_PROBE,	/* client closed after OACK, as firmware does */
	TFTP_END_CLIENT_ABORT,	/* client sent ERROR mid-transfer */
	TFTP_END_TIMEOUT,	/* retries exhausted */
	TFTP_END_NOT_FOUND,
	TFTP_END_ACCESS,
	TFTP_END_BAD_OPTION,
	TFTP_END_STALE,		/* the file changed under the transfer */
	TFTP_END_IO,
	TFTP_END_BUSY,
	TFTP_END_PROTOCOL,	/* an ACK for a block never sent, ... */
	TFTP_END_SHUTDOWN,
	TFTP_END_TO_UNICAST,	/* left a multicast group, goes on by unicast */
	TFTP_END__MAX,
};

const char *tftp_end_strerror(enum tftp_end_reason r);

struct log_event {
	uint16_t kind;		/* enum log_kind */
	uint16_t lcore;
	uint16_t reason;	/* enum tftp_end_reason, or a drop reason */
	uint16_t error_code;	/* TFTP error code sent or received */
	uint64_t wall_ns;	/* CLOCK_REALTIME at the event */
	uint32_t client_ip;	/* host order */
	uint16_t client_port;
	uint16_t server_port;
	uint64_t bytes;		/* payload bytes acknowledged */
	uint64_t file_size;
	uint64_t duration_us;
	uint32_t blksize;
	uint32_t windowsize;
	uint32_t retransmits;
	uint32_t timeouts;
	uint32_t options;	/* TFTP_OPT_* granted */
	uint8_t mac[6];
	/* LOG_MCAST_STREAM: client_ip:client_port is the group, bytes what
	 * the group was sent, file_size one copy. */
	struct {
		uint32_t receivers;	/* joined by RRQ (MTFTP listeners are unseen) */
		uint32_t completed;
		uint32_t dropped;
		uint32_t handovers;
		uint8_t mtftp;
	} mc;
	char file[128];		/* as requested (truncated) */
	char detail[96];	/* free text: error message, drop reason */
} __attribute__((aligned(8)));

struct rte_ring;

/* Creates one event ring per worker; returns 0 or -errno. */
int log_init(unsigned n_workers, const struct pxeline_config *cfg);
struct rte_ring *log_ring(unsigned worker);
/* Drains every ring and writes lines; returns the number written. */
unsigned log_drain(void);
/* A line from the control thread itself. */
void log_msg(enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_fini(void);

#endif /* PXELINE_CONTROL_LOG_H */
