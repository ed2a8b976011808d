/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pxeline's configuration: loaded with libconfig, validated, defaults
 * filled in. Every error names the file and line it comes from.
 * See config/pxeline.cfg for every key, commented.
 */
#ifndef PXELINE_CONFIG_H
#define PXELINE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CFG_MAX_INTERFACES 8
#define CFG_MAX_EAL_ARGS 64
#define CFG_MAX_PROFILES 64
#define CFG_MAX_IGNORE_MACS 256
#define CFG_PATH_MAX 4096

enum cfg_log_level { CFG_LOG_ERROR, CFG_LOG_WARN, CFG_LOG_INFO, CFG_LOG_DEBUG, CFG_LOG__MAX };

struct cfg_interface {
	char device[256];	/* vdev string ("net_af_packet0,iface=veth0") or PCI address */
	uint32_t address;	/* engine's own IPv4, host order */
	uint8_t prefix_len;	/* from "A.B.C.D/len" */
	uint32_t gateway;	/* host order, 0 = none (replies go back to the sender's MAC) */
	uint32_t mtu;		/* default 1500 */
	uint16_t vlan;		/* 802.1Q id, 0 = untagged */
	bool has_address6;	/* address6 given; default none */
	uint8_t address6[16];	/* engine's own IPv6, network order ("2001:db8::2/64") */
	uint8_t prefix6_len;
};

struct cfg_tftp {
	char root[CFG_PATH_MAX];	/* served directory; required; made absolute (realpath) by cfg_load */
	bool case_insensitive;		/* default true */
	uint32_t blksize_max;		/* default 65464, also capped by MTU unless fragments allowed */
	bool allow_fragments;		/* DATA larger than the MTU, IP-fragmented; default true */
	uint32_t windowsize_max;	/* default 64 */
	uint32_t timeout_ms;		/* first and largest measured RTO when the client asks none; default 1000 */
	uint32_t rto_min_ms;		/* floor of the measured RTO; default 20 */
	uint32_t retries;		/* retransmissions before giving up; default 5 */
	uint32_t max_sessions;		/* per lcore; default 16384 */
	bool msftwindow;		/* Microsoft variable window; default false (patent note) */
	uint32_t source_rate;		/* new sessions per second per source IPv4, 0 = no limit; default 50 */
	uint32_t source_burst;		/* ... and how many at once; default 100 */
};

struct cfg_cache {
	uint64_t size;			/* bytes of hugepage memory for chunks; default 256 MiB */
	uint32_t chunk_size;		/* bytes per chunk; default 1 MiB */
	uint32_t readahead;		/* chunks read ahead of a transfer; default 4 */
	uint32_t queue_depth;		/* io_uring queue depth; default 64 */
};

struct cfg_profile {
	char name[64];
	char bios[256];
	char efi_x64[256];
	char efi_ia32[256];
	char arm32[256];
	char arm64[256];
	char bios_prompt[256];	/* F12 variant (like pxeboot.n12), optional */
	char abort[256];	/* abort / next-device file (like abortpxe.com) */
	char ipxe[512];		/* for clients already running iPXE: script or URL */
	char http_efi_x64[256];	/* UEFI HTTP Boot x86-64 (arch 16, or 7/9 saying HTTPClient) */
	char http_arm64[256];	/* UEFI HTTP Boot ARM 64-bit (arch 19, or 11 saying HTTPClient) */
	bool mtftp;		/* proxy replies carry PXE MTFTP options (43.1-5); default false */
	/* When a once host's one-shot is consumed: "answer" (default: when the
	 * answer leaves) or "file:NAME" (when NAME has been served completely). */
	char once_until[264];
	char once_until_file[256];	/* NAME of "file:NAME"; "" = at the answer */
};

/* Where the host inventory lives: one engine's file or a fleet's server. */
enum cfg_state_backend {
	CFG_STATE_SQLITE,
	CFG_STATE_POSTGRESQL,
	CFG_STATE__MAX
};

#define CFG_ENGINE_NAME_MAX 64

enum cfg_unknown_action {
	CFG_UNKNOWN_BOOT, CFG_UNKNOWN_ABORT, CFG_UNKNOWN_IGNORE, CFG_UNKNOWN__MAX
};

struct cfg_dhcp {
	bool enabled;		/* proxyDHCP at all; default true; false when no profiles */
	bool port67;		/* answer on 67 too; default true */
	uint32_t delay_ms;	/* response delay; default 0 */
	uint32_t standby_delay_ms; /* a fleet: a non-owner answers after the owner's silence; default 1500 */
	bool quench_ra;		/* answer a router solicitation with an RA that configures nothing; default false */
	uint32_t n_ignore;
	uint8_t ignore_macs[CFG_MAX_IGNORE_MACS][6];
};

/* RFC 2090 multicast TFTP: clients that ask "multicast" share one stream. */
struct cfg_multicast {
	bool enabled;			/* default false */
	char groups[32];		/* "A.B.C.D/len" inside 224.0.0.0/4; default 239.255.1.0/24 */
	uint32_t group_base;		/* parsed groups, host order, masked */
	uint8_t group_prefix;
	uint16_t port;			/* UDP port receivers listen on; default 1758 */
	uint32_t ttl;			/* IP TTL of group DATA; default 1 (the link) */
	uint32_t pace_pps;		/* blocks per second per group, 0 = as ACKed; default 0 */
	uint32_t max_receivers;		/* per group; default 64 */
	uint32_t repair_max;		/* blocks a receiver may lose before it is dropped; default 65536 */
	/* Intel PXE MTFTP (proto/mtftp.h), for profiles with mtftp = true */
	bool mtftp;			/* serve MTFTP RRQs on mtftp_port; default false */
	char mtftp_groups[32];		/* MTFTP-IP range, one address per file; default 239.255.2.0/24 */
	uint32_t mtftp_group_base;	/* parsed mtftp_groups, host order, masked */
	uint8_t mtftp_group_prefix;
	uint16_t mtftp_port;		/* MTFTP-SPORT, where RRQs come; default 1759 */
	uint16_t mtftp_client_port;	/* MTFTP-CPORT, where DATA goes; default 1758 */
	uint32_t mtftp_timeout;		/* MTFTP-TMOUT: s a client listens first; default 2 */
	uint32_t mtftp_delay;		/* MTFTP-DELAY: s before it restarts; default 2 */
};

/* The HTTP endpoint (metrics and the JSON API); no http group: none. */
struct cfg_http {
	bool enabled;			/* an http group is present */
	char listen[64];		/* "A.B.C.D:PORT" or "[v6]:PORT"; default 127.0.0.1:9400 */
	uint8_t ip_version;		/* 4 or 6, parsed from listen */
	uint8_t addr[16];		/* network order; IPv4 in the first 4 bytes */
	uint16_t port;
	char token_file[CFG_PATH_MAX];	/* required: the bearer token, one line */
};

/* UEFI HTTP Boot: the file server on the engine's address (control/http_boot.c). */
struct cfg_http_boot {
	bool enabled;			/* the http_boot group is present; default false */
	uint16_t port;			/* TCP port; default 80 */
};

struct pxeline_config {
	char file[CFG_PATH_MAX];	/* where it was loaded from */
	int n_interfaces;
	struct cfg_interface interfaces[CFG_MAX_INTERFACES];
	int n_eal_args;
	char *eal_args[CFG_MAX_EAL_ARGS];	/* dpdk.eal, owned */
	uint32_t workers;			/* worker lcores; default 1 */
	struct cfg_tftp tftp;
	struct cfg_cache cache;
	struct cfg_dhcp dhcp;
	struct cfg_multicast multicast;
	struct cfg_http_boot http_boot;
	int n_profiles;
	struct cfg_profile profiles[CFG_MAX_PROFILES];
	enum cfg_unknown_action unknown_action;
	char unknown_profile[64];
	char control_socket[CFG_PATH_MAX];	/* default /run/pxeline.sock */
	enum cfg_state_backend state_backend;	/* default sqlite */
	char state_db[CFG_PATH_MAX];		/* sqlite: default /var/lib/pxeline/state.db */
	char state_url[CFG_PATH_MAX];		/* postgresql: "postgresql://USER@HOST:PORT/DB" */
	char state_engine[CFG_ENGINE_NAME_MAX];	/* this engine in the fleet; default host/IPv4 */
	enum cfg_log_level log_level;		/* default info */
	char log_file[CFG_PATH_MAX];		/* "" = stderr */
	struct cfg_http http;
};

/* Why a value given to cfg_parse_mac/cfg_parse_ipv4* was refused. */
enum cfg_error {
	CFG_OK = 0,
	CFG_ERR_EMPTY,		/* NULL or "" */
	CFG_ERR_SYNTAX,		/* not the expected shape: separators, digits, trailing bytes */
	CFG_ERR_OCTET,		/* IPv4 octet above 255 or with a leading zero (octal?) */
	CFG_ERR_PREFIX,		/* "/len" missing, malformed or above 32 */
	CFG_ERR_PREFIX6,	/* IPv6 "/len" missing, malformed or above 128 */
	CFG_ERR_MAX
};

/* Never NULL, also for values out of range. */
const char *cfg_strerror(int err);

/* cfg_load_opts flags. */
#define CFG_LOAD_NO_FS_CHECK (1u << 0)	/* skip "tftp.root exists and is a directory" (tests, linting a config for another machine) */

/*
 * Fills cfg with every default documented above and in pxeline.cfg.
 * cfg_load does this first; exposed so other modules' tests can start from it.
 */
void cfg_defaults(struct pxeline_config *cfg);

/* cfg_load with flags (CFG_LOAD_*). */
int cfg_load_opts(const char *path, unsigned int flags, struct pxeline_config *cfg, FILE *errs);

/*
 * Loads and validates text as if it were a file named name (used in error
 * messages). @include resolves relative to the current directory.
 */
int cfg_load_string(const char *text, const char *name, unsigned int flags,
		    struct pxeline_config *cfg, FILE *errs);

/*
 * "52:54:00:12:34:56" or "52-54-00-12-34-56": six octets of exactly two hex
 * digits each, one separator kind, nothing after. 0 or a cfg_error.
 */
int cfg_parse_mac(const char *s, uint8_t ret_mac[6]);

/*
 * "A.B.C.D": four decimal octets 0..255 without leading zeros (inet_aton
 * would read "010" as octal 8). ret_ip in host order. 0 or a cfg_error.
 */
int cfg_parse_ipv4(const char *s, uint32_t *ret_ip);

/*
 * "A.B.C.D:PORT" or "[IPv6]:PORT", port 1..65535 in decimal without leading
 * zeros. ret_addr (16 bytes, network order; IPv4 in the first 4). 0 or a
 * cfg_error.
 */
int cfg_parse_listen(const char *s, uint8_t *ret_version, uint8_t ret_addr[16],
		     uint16_t *ret_port);

/* "A.B.C.D/len", len 0..32 in decimal without leading zeros. 0 or a cfg_error. */
int cfg_parse_ipv4_prefix(const char *s, uint32_t *ret_ip, uint8_t *ret_len);

/*
 * "IPV6/len" (inet_pton's text form), len 0..128 in decimal without leading
 * zeros. ret_addr in network order. 0 or a cfg_error.
 */
int cfg_parse_ipv6_prefix(const char *s, uint8_t ret_addr[16], uint8_t *ret_len);

/*
 * Loads and validates path into cfg. Returns the number of errors; each is
 * written to errs as "FILE:LINE: message\n" (all of them, not just the first).
 * errs may be NULL. On errors cfg holds what could be read: use it only to
 * cfg_free it. Line 1 stands for "the file" where a key is missing at the top.
 */
int cfg_load(const char *path, struct pxeline_config *cfg, FILE *errs);

/* Frees what cfg_load allocated. Safe after any cfg_load, failed or not, and twice. */
void cfg_free(struct pxeline_config *cfg);

/*
 * Why proxyDHCP is off ("no profiles defined", "dhcp.enabled = false"), or
 * NULL when it is on. For the start-up line.
 */
const char *cfg_dhcp_off_reason(const struct pxeline_config *cfg);

/* Finds a profile by name, or NULL. */
const struct cfg_profile *cfg_find_profile(const struct pxeline_config *cfg, const char *name);

#endif /* PXELINE_CONFIG_H */
