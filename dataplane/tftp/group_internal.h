/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What group.c (RFC 2090 groups) shares with mtftp.c (PXE MTFTP, which
 * streams through the same groups) and nothing else includes.
 */
#ifndef PXELINE_DATAPLANE_TFTP_GROUP_INTERNAL_H
#define PXELINE_DATAPLANE_TFTP_GROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/core/lcore.h"
#include "dataplane/proto/tftp_mcast.h"
#include "dataplane/proto/tftp_packet.h"
#include "dataplane/proto/timer_wheel.h"
#include "dataplane/tftp/xmit.h"

#define MC_OPEN_TIMEOUT_MS 10000
#define MC_RETRIES 3		/* master timeouts before it is dropped */
/* atftp's listeners give up after 5 x 5 s without DATA: a silent master
 * must be replaced well before that. */
#define MC_RTO_MAX_MS 1000

enum mc_state {
	MC_FREE,
	MC_OPENING,	/* waiting for the feeder to open the file */
	MC_RUNNING,	/* streaming */
};

/* A receiver whose RRQ came while the file was being opened. */
struct mc_pending {
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	struct tftp_options req;
};

/* One group: one file version to one group address. */
struct mc_group {
	struct tw_node timer;		/* RTO, pacing, chunk retry (first member) */
	uint32_t slot;
	uint32_t gen;			/* bumped on reuse: stale feeder answers miss */
	uint8_t state;			/* enum mc_state, set by mc_set_state */
	uint8_t port_idx;		/* interface of the group */
	uint16_t server_port;		/* our TID: source of OACKs and DATA */
	uint16_t dst_port;		/* where DATA goes: multicast.port or MTFTP-CPORT */
	uint8_t ttl;			/* multicast.ttl at open: a reload does not move it */
	bool mtftp;			/* a PXE MTFTP transfer: no OACK, block 1 unicast too */
	uint32_t group_ip;
	uint8_t group_mac[6];
	uint32_t blksize;		/* the group's, from its first receiver */
	uint32_t rto_ms;
	uint64_t start_ms;
	uint32_t joined;		/* receivers that joined by RRQ, for the stream line */
	uint64_t pending_block;		/* to send once a chunk or the pace allows, 0 none */
	struct tftp_source src;		/* the version streamed and the chunk last sent, held */
	uint32_t n_pending;
	/* RRQs held while the file opens: as many as the group takes, so a
	 * boot storm (every client asking at once) still joins one stream. */
	struct mc_pending *pending;
	struct tftp_mcast_group g;	/* proto/tftp_mcast.h */
	struct tftp_mcast_rcv *rcv;	/* cfg max_receivers slots */
	struct tftp_options *rcv_req;	/* what each receiver asked */
	char path[256];
};

struct tftp_mcast_table {
	struct timer_wheel wheel;	/* group timers, apart from the sessions' */
	struct mc_group grp[TFTP_MCAST_MAX_GROUPS];
};

/* The worker's groups, created on the first multicast RRQ: a worker
 * without any pays nothing. NULL when out of memory. */
struct tftp_mcast_table *mc_table(struct lcore *lc);

/*
 * A free group m, its address and block size chosen, starts: the request
 * in fi waits in it while the feeder opens the file. False (m left free)
 * when the feeder cannot take the open now.
 */
bool mc_open(struct lcore *lc, struct mc_group *m, const struct frame_info *fi,
	     const struct tftp_options *req, const char *path);

/* Carries out what the state machine (proto/tftp_mcast.h) decided. */
void mc_apply(struct lcore *lc, struct mc_group *m, const struct tftp_mcast_plan *p);

/* Sends the pending block if the pace and the cache allow, else waits. */
void mc_pump(struct lcore *lc, struct mc_group *m);

#endif /* PXELINE_DATAPLANE_TFTP_GROUP_INTERNAL_H */
