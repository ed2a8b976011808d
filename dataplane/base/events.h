/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the data plane emits, owned by the data plane: the port numbers it
 * serves, the log events its workers push on their own rings, how a
 * transfer ended (and what that ending puts on the wire), and the proxyDHCP
 * messages it exchanges with the control thread. Workers never format or
 * write text: the control thread drains the rings and writes one line per
 * event (SMSPXE.log-style). A full ring costs a counter, never a stall.
 */
#ifndef PXELINE_DATAPLANE_BASE_EVENTS_H
#define PXELINE_DATAPLANE_BASE_EVENTS_H

#include <stdint.h>

#include "dataplane/proto/dhcp.h"
#include "dataplane/proto/dhcp6.h"
#include "dataplane/proto/ipaddr.h"

/* ---- ports ---- */

/* DHCP's (67, 68, 4011) are proto/dhcp.h's DHCP_PORT_*; MTFTP's are configured. */
#define TFTP_PORT 69

/* Server ports (TIDs) of unicast sessions: each worker owns a slice, so a
 * port names its owner. A datagram to a port in the range that matches no
 * session gets ERROR 5 (RFC 1350). */
#define TFTP_TID_BASE 32768
#define TFTP_TID_COUNT 28000
/* Multicast group server ports: worker w owns
 * TFTP_MCAST_TID_BASE + w * TFTP_MCAST_MAX_GROUPS .. + TFTP_MCAST_MAX_GROUPS - 1,
 * above the unicast range. */
#define TFTP_MCAST_TID_BASE 61000
#define TFTP_MCAST_MAX_GROUPS 16	/* per worker */

/* ---- how a transfer ended ---- */

/* One reason per ending (tftp_session_end, the groups' receivers). */
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
	TFTP_END_PROTOCOL,	/* an ACK for a block never sent */
	TFTP_END_SHUTDOWN,
	TFTP_END_TO_UNICAST,	/* left a multicast group, goes on by unicast */
	TFTP_END_UNREACHABLE,	/* ICMP: the client's host or port is not listening */
	TFTP_END__MAX,
};

/* The log name of a reason ("done", "timeout", ...). */
const char *tftp_end_strerror(enum tftp_end_reason r);

/*
 * What an ending sends the client: the TFTP error code and its text, or
 * code -1 when nothing is sent (done, the client's own ERROR, a silent
 * client). The one mapping from internal endings to the wire.
 */
struct tftp_end_wire {
	int16_t code;
	const char *text;
};
struct tftp_end_wire tftp_end_wire(enum tftp_end_reason r);

/* ---- log events ---- */

enum log_kind {
	LOG_TFTP_END,		/* a transfer finished, however it ended */
	LOG_TFTP_REFUSED,	/* an RRQ/WRQ answered with ERROR, no session */
	LOG_DROP,		/* a dropped packet (rate-limited per reason) */
	LOG_MCAST_STREAM,	/* a multicast stream ended: what it saved */
	LOG_DHCP,		/* a proxyDHCP request and what became of it */
	LOG_IPV6,		/* an IPv6 address became valid or was found duplicate (detail) */
	LOG_KIND__MAX,
};

/*
 * How a proxyDHCP request ended: the step that decided it. One value per
 * final trace line (control/dhcp_trace.c words them).
 */
enum dhcp_outcome {
	DHCP_OUT_REPLY,		/* a reply was built (and sent, or queued) */
	DHCP_OUT_NOT_OWED,	/* a type a proxy does not answer (RELEASE ...) */
	DHCP_OUT_IGNORED_MAC,	/* on dhcp.ignore */
	DHCP_OUT_HTTP_OFF,	/* a UEFI HTTP Boot client and no http_boot server */
	DHCP_OUT_PORT67_OFF,	/* on 67 with dhcp.port67 = false */
	DHCP_OUT_BAD_PORT,	/* arrived on an interface we do not know */
	DHCP_OUT_OTHER_SERVER,	/* REQUEST on 67 for another DHCP server */
	DHCP_OUT_SILENT,	/* the decision: no answer */
	DHCP_OUT_NO_ADDRESS,	/* to 4011 without a source address */
	DHCP_OUT_BUILD_FAILED,	/* the reply did not fit */
	DHCP_OUT_CONSUME,	/* a one-shot to take: the control thread's job */
	DHCP_OUT_COMMIT_FAILED,	/* the one-shot could not be committed: silent */
	DHCP_OUT_HELD,		/* a fleet: another engine owns the MAC and is not silent */
	DHCP_OUT_ONCE_TAKING,	/* DHCPv6: an armed one-shot passed to the control thread to
				 * take: silent, answered from the grace on a retransmission */
	DHCP_OUT__MAX,
};

/* What happened on the way to the outcome (bits of log_dhcp.notes). */
#define DHCP_NOTE_GRACE		0x01	/* one-shot taken earlier in this boot: same answer */
#define DHCP_NOTE_CONSUMED	0x02	/* one-shot taken and committed now */
#define DHCP_NOTE_WAS_TAKEN	0x04	/* one-shot already taken: decided again as consumed */
#define DHCP_NOTE_UNTIL_FILE	0x08	/* one-shot kept armed until its file is served */
#define DHCP_NOTE_STANDBY	0x10	/* answered for a silent owner (log_dhcp.owner) */
#define DHCP_NOTE_CHOSEN	0x20	/* not our MAC, but the client asked us by address */

#define LOG_DHCP_CLASS_MAX 80
#define LOG_DHCP_TEXT_MAX 256	/* >= BOOT_REASON_MAX (dhcp/answer.c checks) */
#define LOG_DHCP_OWNER_MAX 64	/* >= DHCP_FLEET_NAME_MAX (dhcp/answer.c checks) */

/* A LOG_DHCP event's own fields: everything its trace lines print. */
struct log_dhcp {
	uint8_t mac[6];		/* chaddr: the client, not a relay */
	uint8_t msg_type;	/* option 53 */
	uint8_t reply_type;	/* OFFER or ACK */
	uint32_t xid;
	uint32_t src_ip;	/* host order */
	uint16_t src_port;
	uint16_t dst_port;	/* 67 or 4011 */
	uint32_t relay;		/* giaddr, 0 = none */
	uint32_t server_ip;	/* our address: next-server */
	uint32_t other_server;	/* option 54 of a REQUEST not for us */
	uint32_t reply_ip;	/* where the reply went */
	uint16_t reply_port;
	uint16_t reply_src_port;
	uint16_t arch_code;	/* option 93 as sent */
	uint8_t has_arch;
	uint8_t arch;		/* enum dhcp_arch */
	uint8_t has_uuid;
	uint8_t is_ipxe;
	uint8_t is_http;	/* vendor class "HTTPClient": UEFI HTTP Boot */
	uint8_t outcome;	/* enum dhcp_outcome */
	uint8_t notes;		/* DHCP_NOTE_* */
	uint8_t port_idx;
	uint8_t mtftp;		/* the reply carries MTFTP options */
	uint8_t build_err;	/* enum dhcp_err when the reply did not fit */
	uint8_t seen;		/* enum dhcp_seen: what the host record remembers */
	uint32_t silent_ms;	/* a fleet's held or standby answer: the owner's silence */
	char owner[LOG_DHCP_OWNER_MAX];	/* ...and the owner's name ("" = ours or no fleet) */
	uint8_t uuid[16];
	int64_t host_id;	/* record used, 0 = unknown computer */
	uint64_t answer_ns;	/* reception to the reply handed to TX (or queued for its delay) */
	char profile[64];	/* the decision's profile, "" when none */
	char vendor_class[LOG_DHCP_CLASS_MAX];	/* option 60 (truncated) */
	char file[LOG_DHCP_TEXT_MAX];		/* the boot file answered */
	char reason[LOG_DHCP_TEXT_MAX];		/* the decision's reason (bootaction) */
	char detail[LOG_DHCP_TEXT_MAX];		/* why a commit failed */
	/* A DHCPv6 request (v6 = 1): msg_type/reply_type are DHCPv6 types and
	 * these addresses replace the IPv4 ones above. */
	uint8_t v6;
	uint8_t n_relays;	/* Relay-Forw levels around it */
	uint8_t mac_from;	/* enum dhcp6_mac_from: where mac came from */
	uint16_t duid_type;	/* the client ID's DUID type */
	uint8_t src6[16];	/* the datagram's source: the client, or its relay */
	uint8_t peer6[16];	/* relayed: the innermost relay's peer (the client) */
	uint8_t server6[16];	/* our address in the boot file URL */
	uint8_t reply6[16];	/* where the reply went */
};

struct log_event {
	uint16_t kind;		/* enum log_kind */
	uint16_t lcore;
	uint16_t reason;	/* enum tftp_end_reason, or a drop reason */
	uint16_t error_code;	/* TFTP error code sent or received */
	uint64_t wall_ns;	/* CLOCK_REALTIME at the event */
	struct ip_addr client;	/* either family (proto/ipaddr.h) */
	uint16_t client_port;
	uint16_t server_port;
	uint64_t bytes;		/* payload bytes acknowledged */
	uint64_t file_size;
	uint64_t duration_us;
	uint32_t blksize;
	uint32_t windowsize;
	uint32_t retransmits;
	uint32_t timeouts;
	uint32_t srtt_us;	/* smoothed round trip at the end, 0 if never measured */
	uint32_t rto_ms;	/* retransmission timer at the end */
	uint32_t options;	/* TFTP_OPT_* granted */
	uint8_t mac[6];
	/* LOG_MCAST_STREAM: client:client_port is the group, bytes what
	 * the group was sent, file_size one copy. */
	union {
		struct {
			uint32_t receivers;	/* joined by RRQ (MTFTP listeners are unseen) */
			uint32_t completed;
			uint32_t dropped;
			uint32_t handovers;
			uint8_t mtftp;
		} mc;
		struct log_dhcp dhcp;	/* LOG_DHCP */
	};
	char file[128];		/* as requested (truncated) */
	char detail[96];	/* free text: error message, drop reason */
} __attribute__((aligned(8)));

/* Per worker: events waiting for the control thread. */
#define LOG_RING_SIZE 4096

/* ---- proxyDHCP between workers and the control thread ---- */

/* What a request on the ring asks of the control thread. */
enum dhcp_req_kind {
	DHCP_REQ_V4,		/* decide msg and maybe reply (below) */
	DHCP_REQ_TAKE6,		/* take take6's host's one-shot for a DHCPv6 boot: no reply */
};

/*
 * A PXE client's request, parsed once by the worker that received it
 * (DESIGN.md steps 1-2). The control thread decides, commits durable
 * state, and hands back a reply with its addressing; the worker that
 * received the request sends it. A DHCPv6 one-shot travels as TAKE6: the
 * control thread commits it into the snapshot's grace, and the worker
 * answers the client's retransmission from there.
 */
struct dhcp_ring_req {
	uint16_t worker;	/* who received it: the reply goes back there */
	uint8_t kind;		/* enum dhcp_req_kind */
	uint8_t port_idx;	/* interface index (config order) */
	uint8_t broadcast;	/* sent to 255.255.255.255 (or subnet broadcast) */
	uint32_t src_ip;	/* host order; 0 for a client without an address */
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;	/* 67 or 4011 */
	uint8_t src_mac[6];
	uint64_t rx_ns;		/* wall clock at reception, for the trace */
	union {
		struct dhcp_msg msg;	/* V4: the request, parsed (proto/dhcp.h) */
		struct log_dhcp take6;	/* TAKE6: the worker's trace (host_id, mac) */
	};
} __attribute__((aligned(8)));

#define DHCP_RING_MSG_MAX 1236	/* a reply's payload; keeps the element a multiple of 8 */

/* A reply for a worker to send. */
struct dhcp_ring_reply {
	uint8_t port_idx;
	uint8_t pad;
	uint8_t dst_mac[6];	/* ff:ff:ff:ff:ff:ff for broadcast */
	uint32_t dst_ip;	/* host order */
	uint16_t src_port;	/* 67, or 4011 (iPXE takes a proxy ACK only from 4011) */
	uint16_t dst_port;	/* 68, 4011, or 67 for a relay */
	uint16_t len;
	uint16_t pad2;
	uint8_t payload[DHCP_RING_MSG_MAX];
};

#define DHCP_RING_SIZE 1024

#endif /* PXELINE_DATAPLANE_BASE_EVENTS_H */
