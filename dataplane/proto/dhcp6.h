/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCPv6 for PXE, proxy only (RFC 8415, RFC 5970 boot options, RFC 6939
 * client link-layer address, RFC 4578's architecture registry).
 *
 * pxeline never hands out addresses over DHCPv6 either: the site's server
 * does (IA_NA is seen, never answered). We parse what a PXE client sends to
 * 547 (or, UEFI's boot-service request, to 4011), directly or inside
 * Relay-Forw messages, and build an Advertise or Reply that carries only
 * the boot file URL (option 59), wrapped in Relay-Repl messages when the
 * request came relayed. Parsing and building only: no sockets, no clocks,
 * no logging, no malloc. Every length is checked; errors are values.
 */
#ifndef PXELINE_PROTO_DHCP6_H
#define PXELINE_PROTO_DHCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP6_PORT_CLIENT 546
#define DHCP6_PORT_SERVER 547

#define DHCP6_HDR_LEN 4		/* type + 24-bit transaction id */
#define DHCP6_RELAY_HDR_LEN 34	/* type, hop count, link and peer address */
#define DHCP6_OPT_HDR_LEN 4
#define DHCP6_HOP_COUNT_LIMIT 8	/* RFC 8415 7.6 HOP_COUNT_LIMIT */
/* Relay-Forw levels kept: a relay drops a message at the limit, so no more
 * than limit + 1 can nest. */
#define DHCP6_RELAY_MAX (DHCP6_HOP_COUNT_LIMIT + 1)
#define DHCP6_DUID_MAX 130	/* type + up to 128 bytes (RFC 8415 11.1) */
#define DHCP6_IFID_MAX 64	/* interface-id kept for the echo */
#define DHCP6_ORO_MAX 32
#define DHCP6_CLASS_MAX 128	/* first vendor/user class string kept */
#define DHCP6_ENTERPRISE_PXE 343	/* what EDK2 sends and checks in option 16 (Intel's) */

enum dhcp6_msg_type {
	DHCP6_SOLICIT = 1,
	DHCP6_ADVERTISE = 2,
	DHCP6_REQUEST = 3,
	DHCP6_CONFIRM = 4,
	DHCP6_RENEW = 5,
	DHCP6_REBIND = 6,
	DHCP6_REPLY = 7,
	DHCP6_RELEASE = 8,
	DHCP6_DECLINE = 9,
	DHCP6_RECONFIGURE = 10,
	DHCP6_INFORMATION_REQUEST = 11,
	DHCP6_RELAY_FORW = 12,
	DHCP6_RELAY_REPL = 13,
};

enum dhcp6_opt_code {
	DHCP6_OPT_CLIENTID = 1,
	DHCP6_OPT_SERVERID = 2,
	DHCP6_OPT_IA_NA = 3,
	DHCP6_OPT_IA_TA = 4,
	DHCP6_OPT_ORO = 6,
	DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8,
	DHCP6_OPT_RELAY_MSG = 9,
	DHCP6_OPT_STATUS_CODE = 13,
	DHCP6_OPT_USER_CLASS = 15,
	DHCP6_OPT_VENDOR_CLASS = 16,
	DHCP6_OPT_VENDOR_OPTS = 17,
	DHCP6_OPT_INTERFACE_ID = 18,
	DHCP6_OPT_IA_PD = 25,
	DHCP6_OPT_BOOTFILE_URL = 59,	/* RFC 5970 */
	DHCP6_OPT_BOOTFILE_PARAM = 60,
	DHCP6_OPT_CLIENT_ARCH = 61,
	DHCP6_OPT_NII = 62,
	DHCP6_OPT_CLIENT_LINKLAYER = 79,	/* RFC 6939, added by relays */
};

enum dhcp6_duid_type {
	DHCP6_DUID_NONE = 0,
	DHCP6_DUID_LLT = 1,	/* hardware type, time, link-layer address */
	DHCP6_DUID_EN = 2,	/* enterprise number + identifier */
	DHCP6_DUID_LL = 3,	/* hardware type, link-layer address */
	DHCP6_DUID_UUID = 4,	/* RFC 6355: 16 bytes */
};

#define DHCP6_HTYPE_ETHER 1	/* IANA hardware type in DUIDs and option 79 */

enum dhcp6_err {
	DHCP6_OK = 0,
	DHCP6_ERR_SHORT,	/* shorter than its header */
	DHCP6_ERR_TYPE,		/* a type a server never receives (Advertise, Reply ...) */
	DHCP6_ERR_OPT_TRUNC,	/* an option runs past the end of its message */
	DHCP6_ERR_OPT_LEN,	/* a fixed-size option of the wrong length */
	DHCP6_ERR_DUID,		/* client or server ID empty, too long, or malformed */
	DHCP6_ERR_RELAY_HOPS,	/* Relay-Forw nested deeper than the hop limit allows */
	DHCP6_ERR_RELAY_MSG,	/* Relay-Forw without exactly one relay message */
	DHCP6_ERR_NO_CLIENTID,	/* a client message without option 1 */
	DHCP6_ERR_DUP_OPT,	/* option 1 or 2 twice */
	DHCP6_ERR_CLASS,	/* vendor or user class data malformed */
	DHCP6_ERR_NO_SPACE,	/* builder: reply does not fit */
	DHCP6_ERR_PARAM,	/* builder: bad parameters */
	DHCP6_ERR__MAX,
};

const char *dhcp6_strerror(enum dhcp6_err e);
const char *dhcp6_type_name(uint8_t type);

/* One Relay-Forw level (relay[0] is the outermost, nearest us). */
struct dhcp6_relay {
	uint8_t hop_count;
	uint8_t link[16];
	uint8_t peer[16];
	uint16_t ifid_len;		/* option 18, echoed in the Relay-Repl */
	bool has_ifid;
	uint8_t ifid[DHCP6_IFID_MAX];
	bool has_lladdr;		/* option 79 */
	uint16_t lladdr_type;
	uint8_t lladdr_len;
	uint8_t lladdr[16];
};

/* A parsed client message (inside its relays), copied out of the packet. */
struct dhcp6_msg {
	uint8_t n_relays;		/* 0: sent to us directly */
	struct dhcp6_relay relay[DHCP6_RELAY_MAX];

	uint8_t msg_type;		/* the client's message */
	uint32_t xid;			/* 24 bits */
	uint8_t seen[32];		/* bitmap of option codes < 256 in the client message */

	uint8_t client_id_len;		/* option 1, the DUID as sent */
	uint8_t client_id[DHCP6_DUID_MAX];
	uint16_t duid_type;		/* enum dhcp6_duid_type, or another */
	bool duid_has_mac;		/* LLT/LL with hardware type 1 and 6 bytes */
	uint8_t duid_mac[6];
	bool has_uuid;			/* DUID-UUID (type 4) */
	uint8_t uuid[16];

	uint8_t server_id_len;		/* option 2 */
	uint8_t server_id[DHCP6_DUID_MAX];

	uint8_t n_oro;			/* option 6 (the first DHCP6_ORO_MAX) */
	uint16_t oro[DHCP6_ORO_MAX];

	uint32_t vendor_enterprise;	/* option 16 */
	uint8_t vendor_class_len;	/* its first class string */
	char vendor_class[DHCP6_CLASS_MAX];	/* NUL-terminated */
	bool is_pxeclient;		/* that string starts with "PXEClient" */
	bool is_httpclient;		/* ... with "HTTPClient" */

	bool is_ipxe;			/* option 15 has a string "iPXE" */

	uint16_t arch_code;		/* option 61, first entry */
	uint8_t n_arch;
	uint8_t nii[3];			/* option 62: type, major, minor */

	bool has_ia_na;			/* option 3 (or 4, 25): seen, never answered */
	uint32_t ia_na_iaid;
};

/* Whether the client message carried option code (< 256). */
static inline bool
dhcp6_has(const struct dhcp6_msg *m, uint16_t code)
{
	return code < 256 && ((m->seen[code >> 3] >> (code & 7)) & 1);
}

/*
 * Parses a UDP payload sent to a server or relay port: a client message,
 * or Relay-Forw messages around one (each level's hop count below
 * DHCP6_RELAY_MAX, exactly one option 9 each). Repeated options: the
 * first of 6, 15, 16, 61, 62 counts; 1 or 2 twice is an error (RFC 8415
 * 16: such a message is discarded). Messages a server only sends
 * (Advertise, Reply, Reconfigure, Relay-Repl) are DHCP6_ERR_TYPE.
 */
enum dhcp6_err dhcp6_parse(const uint8_t *payload, size_t len, struct dhcp6_msg *ret_msg);

/* A PXE client: option 16 says "PXEClient", or 15 "iPXE" (UEFI HTTP Boot
 * over IPv6, "HTTPClient", is not served). */
bool dhcp6_is_pxe_request(const struct dhcp6_msg *m);

/*
 * What a proxy owes a message: Advertise for Solicit, Reply for Request and
 * Information-request, 0 (stay silent) for the rest: Confirm, Renew,
 * Rebind, Release and Decline are about addresses only the site's server
 * gave. Whether a Request names us (option 2) is the caller's to check.
 */
uint8_t dhcp6_reply_type(const struct dhcp6_msg *m);

/* Where a request's MAC came from. */
enum dhcp6_mac_from {
	DHCP6_MAC_NONE,		/* relayed without option 79 or a link-layer DUID */
	DHCP6_MAC_ETHERNET,	/* the frame's source: sent to us directly (the caller's) */
	DHCP6_MAC_OPTION79,	/* the relay's client link-layer address (RFC 6939) */
	DHCP6_MAC_DUID,		/* a DUID-LL/LLT of the client */
};

/*
 * The innermost relay's option 79 Ethernet address (RFC 6939: the relay
 * next to the client saw it), else a DUID-LL/LLT Ethernet address;
 * DHCP6_MAC_NONE when neither says.
 */
enum dhcp6_mac_from dhcp6_msg_mac(const struct dhcp6_msg *m, uint8_t ret_mac[6]);

/* DUID-LL of an Ethernet MAC: 00 03 00 01 + mac. Returns 10. */
size_t dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[10]);

/* What to put in a proxy Advertise or Reply. */
struct dhcp6_reply_params {
	const struct dhcp6_msg *req;	/* xid, client ID, the relays to wrap in */
	uint8_t msg_type;		/* DHCP6_ADVERTISE or DHCP6_REPLY; 0 = dhcp6_reply_type */
	const uint8_t *server_id;	/* our DUID */
	size_t server_id_len;
	const char *boot_url;		/* option 59, required */
	const char *boot_param;		/* option 60's one parameter, NULL or "" = none */
	const char *vendor_class;	/* option 16's class ("PXEClient"), enterprise 343;
					 * NULL = none */
};

/*
 * Builds the reply into buf: the message (server ID, client ID echoed, 16,
 * 59, 60), then one Relay-Repl per Relay-Forw level of the request, each
 * with that level's hop count, link and peer address and its interface-id
 * echoed. Returns DHCP6_OK and the length, or DHCP6_ERR_NO_SPACE /
 * DHCP6_ERR_PARAM. Never writes past cap.
 */
enum dhcp6_err dhcp6_build_reply(uint8_t *buf, size_t cap, const struct dhcp6_reply_params *p,
	size_t *ret_len);

#endif /* PXELINE_PROTO_DHCP6_H */
