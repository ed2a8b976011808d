/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DHCP for PXE, proxyDHCP only (RFC 2131/2132, RFC 3396, RFC 4578, PXE 2.1).
 *
 * pxeline never hands out addresses: the site's DHCP server does. We parse
 * what a PXE client broadcasts (port 67) or unicasts (port 4011) and build a
 * BOOTREPLY carrying siaddr + file (and PXE vendor options), never yiaddr.
 * Parsing and building only: no sockets, no clocks, no logging, no malloc.
 */
#ifndef PXELINE_PROTO_DHCP_H
#define PXELINE_PROTO_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_PORT_SERVER 67
#define DHCP_PORT_CLIENT 68
#define DHCP_PORT_PXE 4011	/* iPXE accepts a proxy reply only from here */

#define DHCP_OP_REQUEST 1
#define DHCP_OP_REPLY 2
#define DHCP_HTYPE_ETHER 1
#define DHCP_FLAG_BROADCAST 0x8000

#define DHCP_FIXED_LEN 236	/* BOOTP header up to and without the cookie */
#define DHCP_COOKIE 0x63825363	/* 99.130.83.99 */
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_LEN 128
#define DHCP_MIN_LEN 300	/* BOOTP minimum; some ROMs drop shorter replies */
#define DHCP_IPUDP_LEN 28	/* IPv4 + UDP headers, counted by option 57 */
#define DHCP_DEFAULT_MAX 576	/* IP datagram every client must accept */
#define DHCP_REPLY_MAX_CAP 1500	/* we never build above one untagged MTU */

/* Concatenated (RFC 3396) options are kept up to this many bytes. */
#define DHCP_CONCAT_MAX 512

enum dhcp_msg_type {
	DHCP_NONE = 0,		/* plain BOOTP, no option 53 */
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
	DHCP_INFORM = 8,
};

enum dhcp_opt_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_VENDOR = 43,		/* vendor encapsulated: PXE sub-options */
	DHCP_OPT_REQUESTED_IP = 50,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_LIST = 55,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_VENDOR_CLASS = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_USER_CLASS = 77,
	DHCP_OPT_RELAY_AGENT = 82,
	DHCP_OPT_CLIENT_ARCH = 93,	/* RFC 4578 */
	DHCP_OPT_CLIENT_NDI = 94,	/* RFC 4578 */
	DHCP_OPT_CLIENT_UUID = 97,	/* RFC 4578: type 0 + 16 bytes */
	DHCP_OPT_IPXE_ENCAP = 175,	/* iPXE's own options: only iPXE sends it */
	DHCP_OPT_END = 255,
};

/* PXE 2.1 sub-options of option 43. */
enum dhcp_pxe_subopt {
	DHCP_PXE_MTFTP_IP = 1,		/* multicast address of the boot file */
	DHCP_PXE_MTFTP_CPORT = 2,	/* UDP port the client listens on */
	DHCP_PXE_MTFTP_SPORT = 3,	/* UDP port of the server's MTFTP */
	DHCP_PXE_MTFTP_TMOUT = 4,	/* s to listen before asking */
	DHCP_PXE_MTFTP_DELAY = 5,	/* s to listen before asking again */
	DHCP_PXE_DISCOVERY_CONTROL = 6,
	DHCP_PXE_BOOT_SERVERS = 8,
	DHCP_PXE_BOOT_MENU = 9,
	DHCP_PXE_MENU_PROMPT = 10,
	DHCP_PXE_BOOT_ITEM = 71,
};

/* PXE_DISCOVERY_CONTROL bits (PXE 2.1, 2.4.5). */
#define DHCP_PXE_DC_NO_BCAST 0x01	/* no broadcast boot server discovery */
#define DHCP_PXE_DC_NO_MCAST 0x02	/* no multicast boot server discovery */
#define DHCP_PXE_DC_LIST_ONLY 0x04	/* only servers in PXE_BOOT_SERVERS */
#define DHCP_PXE_DC_USE_FILE 0x08	/* boot file in this reply: boot it, no menu */

/*
 * Client architecture (RFC 4578 option 93, the IANA "Processor Architecture
 * Types" registry). The first five are what profiles have PXE files for;
 * the rest are the registry's other entries, kept apart so a trace names
 * what asked. "_HTTP" entries are UEFI HTTP Boot clients (vendor class
 * "HTTPClient"); dhcp_arch_is_http says which.
 */
enum dhcp_arch {
	DHCP_ARCH_BIOS,		/* 0: x86 BIOS */
	DHCP_ARCH_EFI_IA32,	/* 6 */
	DHCP_ARCH_EFI_X64,	/* 7 (EFI BC, what OVMF sends on x86-64) or 9 */
	DHCP_ARCH_ARM32,	/* 10 */
	DHCP_ARCH_ARM64,	/* 11 */
	DHCP_ARCH_UNKNOWN,	/* a code the registry does not have */
	DHCP_ARCH_PC98,		/* 1: NEC/PC98 (deprecated) */
	DHCP_ARCH_ITANIUM,	/* 2 */
	DHCP_ARCH_ALPHA,	/* 3: DEC Alpha (deprecated) */
	DHCP_ARCH_ARC_X86,	/* 4: Arc x86 (deprecated) */
	DHCP_ARCH_LEAN_CLIENT,	/* 5: Intel Lean Client (deprecated) */
	DHCP_ARCH_EFI_XSCALE,	/* 8 (deprecated) */
	DHCP_ARCH_PPC_OF,	/* 12: PowerPC Open Firmware */
	DHCP_ARCH_PPC_EPAPR,	/* 13 */
	DHCP_ARCH_POWER_OPAL,	/* 14: POWER OPAL v3 */
	DHCP_ARCH_EFI_IA32_HTTP,	/* 15: x86 UEFI HTTP */
	DHCP_ARCH_EFI_X64_HTTP,	/* 16: x64 UEFI HTTP (OVMF's HTTP boot) */
	DHCP_ARCH_EBC_HTTP,	/* 17: EBC HTTP */
	DHCP_ARCH_ARM32_HTTP,	/* 18: ARM 32-bit UEFI HTTP */
	DHCP_ARCH_ARM64_HTTP,	/* 19: ARM 64-bit UEFI HTTP */
	DHCP_ARCH_BIOS_HTTP,	/* 20: PC/AT BIOS HTTP */
	DHCP_ARCH_ARM32_UBOOT,	/* 21 */
	DHCP_ARCH_ARM64_UBOOT,	/* 22 */
	DHCP_ARCH_ARM32_UBOOT_HTTP,	/* 23 */
	DHCP_ARCH_ARM64_UBOOT_HTTP,	/* 24 */
	DHCP_ARCH_RISCV32,	/* 25 */
	DHCP_ARCH_RISCV32_HTTP,	/* 26 */
	DHCP_ARCH_RISCV64,	/* 27 */
	DHCP_ARCH_RISCV64_HTTP,	/* 28 */
	DHCP_ARCH_RISCV128,	/* 29 */
	DHCP_ARCH_RISCV128_HTTP,	/* 30 */
	DHCP_ARCH_S390_BASIC,	/* 31 */
	DHCP_ARCH_S390_EXTENDED,	/* 32 */
	DHCP_ARCH_MIPS32,	/* 33 */
	DHCP_ARCH_MIPS64,	/* 34 */
	DHCP_ARCH_SUNWAY32,	/* 35 */
	DHCP_ARCH_SUNWAY64,	/* 36 */
	DHCP_ARCH_LOONGARCH32,	/* 37 */
	DHCP_ARCH_LOONGARCH32_HTTP,	/* 38 */
	DHCP_ARCH_LOONGARCH64,	/* 39 */
	DHCP_ARCH_LOONGARCH64_HTTP,	/* 40 */
	DHCP_ARCH_ARM_RPIBOOT,	/* 41 */
	DHCP_ARCH__MAX,
};

/* Errors of this module: why a packet was not accepted or not built. */
enum dhcp_err {
	DHCP_OK = 0,
	DHCP_ERR_SHORT,		/* shorter than the fixed header + cookie */
	DHCP_ERR_OP,		/* op is neither BOOTREQUEST nor BOOTREPLY */
	DHCP_ERR_HLEN,		/* hardware address length is not 6 (Ethernet) */
	DHCP_ERR_COOKIE,	/* magic cookie is not 99.130.83.99 */
	DHCP_ERR_OPT_TRUNC,	/* an option runs past the end of its area */
	DHCP_ERR_OPT_LEN,	/* a fixed-size option has the wrong length */
	DHCP_ERR_OVERLOAD,	/* option 52 with a value other than 1, 2, 3 */
	DHCP_ERR_UUID,		/* option 97 not type 0 + 16 bytes */
	DHCP_ERR_ARCH,		/* option 93 empty or of odd length */
	DHCP_ERR_TOO_LONG,	/* concatenated option above DHCP_CONCAT_MAX */
	DHCP_ERR_PXE_OPTS,	/* option 43 sub-options malformed */
	DHCP_ERR_NO_SPACE,	/* builder: reply does not fit the size limit */
	DHCP_ERR_PARAM,		/* builder: bad parameters (no boot file, ...) */
	DHCP_ERR__MAX,
};

const char *dhcp_strerror(enum dhcp_err e);

/*
 * A parsed request, copied out of the packet (it outlives the mbuf and can be
 * passed through a ring as is). Addresses are in host byte order.
 */
struct dhcp_msg {
	/* BOOTP fixed header */
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;		/* relay address; 0 when not relayed */
	uint8_t chaddr[16];		/* first hlen (6) bytes are the MAC */
	char sname[DHCP_SNAME_LEN + 1];	/* NUL-terminated; "" when overloaded */
	char file[DHCP_FILE_LEN + 1];	/* NUL-terminated; "" when overloaded */
	uint8_t overload;		/* option 52: 1 file, 2 sname, 3 both */

	uint8_t seen[32];		/* bitmap: option codes seen anywhere */

	uint8_t msg_type;		/* option 53, DHCP_NONE for BOOTP */
	uint32_t server_id;		/* option 54 */
	uint32_t requested_ip;		/* option 50 */
	uint16_t max_size;		/* option 57, 0 when absent */

	uint8_t vendor_class_len;	/* option 60 (first wins) */
	char vendor_class[256];		/* NUL-terminated copy */
	bool is_pxeclient;		/* option 60 starts with "PXEClient" */
	bool is_httpclient;		/* option 60 starts with "HTTPClient" (UEFI HTTP Boot) */

	uint16_t arch_code;		/* option 93, first entry of the list */
	uint8_t n_arch;			/* entries in option 93 */
	uint8_t ndi[3];			/* option 94: type, major, minor */
	uint8_t uuid[16];		/* option 97 without its type byte */

	uint8_t client_id_len;		/* option 61 (first wins) */
	uint8_t client_id[255];

	/* Concatenated per RFC 3396, in order of appearance. */
	uint16_t user_class_len;	/* option 77 */
	uint8_t user_class[DHCP_CONCAT_MAX];
	bool is_ipxe;			/* 77 says "iPXE" (plain or RFC 3004), or 175 */
	uint16_t param_list_len;	/* option 55 */
	uint8_t param_list[DHCP_CONCAT_MAX];
	uint16_t relay_len;		/* option 82, echoed back verbatim */
	uint8_t relay[DHCP_CONCAT_MAX];
	uint16_t vendor_len;		/* option 43 */
	uint8_t vendor[DHCP_CONCAT_MAX];

	/* PXE sub-options of option 43 */
	bool has_boot_item;		/* 43.71: a boot server (BINL) request */
	uint16_t boot_item_type;
	uint16_t boot_item_layer;
};

/* Whether the message carried option `code` (in any area). */
static inline bool
dhcp_has(const struct dhcp_msg *m, uint8_t code)
{
	return (m->seen[code >> 3] >> (code & 7)) & 1;
}

/*
 * Parses a DHCP/BOOTP message (the UDP payload) into ret_msg.
 *
 * Repeated options: 43, 55, 77, 82 are concatenated (RFC 3396); for every
 * other option the first instance wins. Areas are read in RFC 3396 order:
 * options, then file (overload 1 or 3), then sname (2 or 3). An options area
 * that ends without option 255 is accepted when every option in it is whole
 * (iPXE and dnsmasq accept it too); an option that runs past its area is not.
 */
enum dhcp_err dhcp_parse(const uint8_t *udp_payload, size_t len,
	struct dhcp_msg *ret_msg);

/*
 * A BOOTREQUEST whose option 60 starts with "PXEClient", or "HTTPClient"
 * (UEFI HTTP Boot: the same proxy answer, with a URI for a boot file).
 */
bool dhcp_is_pxe_request(const struct dhcp_msg *m);

/*
 * The reply type a proxyDHCP server owes this request: OFFER for DISCOVER,
 * ACK for REQUEST and INFORM, DHCP_NONE (stay silent) otherwise.
 */
enum dhcp_msg_type dhcp_reply_type(const struct dhcp_msg *m);

/* Maps an option 93 code to the architecture a profile has a file for. */
enum dhcp_arch dhcp_arch_from_code(uint16_t code);

/*
 * The request's architecture: option 93 when present, else the "Arch:NNNNN"
 * field of option 60 ("PXEClient:Arch:" or "HTTPClient:Arch:"), else BIOS
 * (PXE 2.0 ROMs send neither).
 */
enum dhcp_arch dhcp_msg_arch(const struct dhcp_msg *m);

/*
 * The "Arch:NNNNN" field of a vendor class string ("PXEClient:Arch:" or
 * "HTTPClient:Arch:", len bytes), DHCP_ARCH_UNKNOWN when its digits are
 * not a code, none when the string has no such field. Option 16 of
 * DHCPv6 carries the same string.
 */
enum dhcp_arch dhcp_class_arch(const char *vc, size_t len, enum dhcp_arch none);

const char *dhcp_arch_name(enum dhcp_arch a);

/* An HTTP Boot architecture code (15-20, 23, 24, 26, 28, 30, 38, 40). */
bool dhcp_arch_is_http(enum dhcp_arch a);

/*
 * Largest reply (UDP payload) this client accepts: option 57 minus the IP and
 * UDP headers when it allows more than 576, else 576 - 28 = 548; never above
 * DHCP_REPLY_MAX_CAP - 28.
 */
size_t dhcp_reply_max_len(const struct dhcp_msg *m);

/* PXE MTFTP parameters of a boot file (43.1-5). */
struct dhcp_mtftp {
	uint32_t ip;			/* MTFTP-IP, host order */
	uint16_t cport;			/* MTFTP-CPORT */
	uint16_t sport;			/* MTFTP-SPORT */
	uint8_t tmout;			/* MTFTP-TMOUT, seconds */
	uint8_t delay;			/* MTFTP-DELAY, seconds */
};

/* What to put in a proxy reply. */
struct dhcp_reply_params {
	const struct dhcp_msg *req;	/* the request answered (xid, chaddr, 97, 82, 43.71) */
	uint8_t msg_type;		/* DHCP_OFFER or DHCP_ACK; DHCP_NONE = dhcp_reply_type(req) */
	uint32_t server_addr;		/* our address: siaddr and option 54, host order */
	const char *boot_file;		/* required, NUL-terminated */
	const char *server_name;	/* optional sname (NULL or "" = none) */
	bool bootfile_option;		/* also send option 67 even when file fits */
	bool menu;			/* single-item PXE menu instead of DC = 0x08 */
	uint16_t menu_item_type;	/* boot server type for the menu item (non-zero) */
	const char *menu_text;		/* menu item text (NULL = "pxeline") */
	size_t max_len;			/* 0 = dhcp_reply_max_len(req) */
	const struct dhcp_mtftp *mtftp;	/* PXE MTFTP sub-options, NULL = none */
	bool http;			/* UEFI HTTP Boot: 60 "HTTPClient", boot_file a
					 * URI in file and 67, no PXE options (43) */
};

/*
 * Builds a proxyDHCP BOOTREPLY into buf. Returns DHCP_OK and the length in
 * ret_len, or DHCP_ERR_NO_SPACE / DHCP_ERR_PARAM. Never writes past cap.
 */
enum dhcp_err dhcp_build_proxy_reply(uint8_t *buf, size_t cap,
	const struct dhcp_reply_params *p, size_t *ret_len);

#endif /* PXELINE_PROTO_DHCP_H */
