/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Intel PXE MTFTP (PXE 2.1, the spec's multicast TFTP), the pure part.
 *
 * A client first listens on MTFTP-IP:MTFTP-CPORT for MTFTP-TMOUT seconds:
 * if a transfer of its file is already streaming there, it collects the
 * blocks. Only when it heard nothing (or missed blocks, after MTFTP-DELAY)
 * does it send a plain RRQ, no options, to the server's MTFTP-SPORT. The
 * server then streams the file in 512-byte blocks from a port of its own to
 * MTFTP-IP:MTFTP-CPORT; block 1 also goes unicast to the requester, which
 * is how it learns it is the one that ACKs (atftp's --mget client falls
 * back to listening when its first block comes by multicast). Only the
 * requester ACKs, lock-step; every listener takes what passes.
 *
 * pxeline runs an MTFTP transfer as a tftp_mcast group with one receiver,
 * its master. An RRQ for a file already streaming is not answered: the
 * client hears the stream and listens (a second stream would only double
 * the bytes). One group address per file, picked by hashing the path into
 * the configured range, so the proxyDHCP reply (control thread) and the
 * worker agree without talking; two files on one address never stream at
 * once (a listener checks only the server's address, not the file).
 *
 * 512-byte blocks and 16-bit block numbers: atftp's client stops at block
 * 65535 (32 MiB - 512 B); pxeline rolls over to 0 like its unicast path for
 * clients that follow.
 */
#ifndef PXELINE_PROTO_MTFTP_H
#define PXELINE_PROTO_MTFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MTFTP_BLKSIZE 512		/* PXE MTFTP has no options */
#define MTFTP_SPORT_DEFAULT 1759	/* server port (MTFTP-SPORT) */
#define MTFTP_CPORT_DEFAULT 1758	/* client port (MTFTP-CPORT) */
/* The largest file whose blocks stay below 65536 (no rollover). */
#define MTFTP_MAX_PLAIN_SIZE (65535ull * MTFTP_BLKSIZE - 1)

/* The group address of a file: FNV-1a of its canonical path into base/prefix. */
uint32_t mtftp_group_ip(const char *path, uint32_t base, uint8_t prefix);

/* A transfer in progress, as the RRQ decision sees it. */
struct mtftp_running {
	const char *path;	/* canonical path it streams */
	uint32_t group_ip;	/* host order */
};

enum mtftp_verdict {
	MTFTP_V_START,		/* open a new transfer for this client */
	MTFTP_V_STREAMING,	/* this file streams already: the client listens */
	MTFTP_V_CLASH,		/* another file holds its group address: retry later */
	MTFTP_V__MAX,
};

const char *mtftp_strverdict(enum mtftp_verdict v);

/* What to do with an RRQ for path (group address ip), given n running. */
enum mtftp_verdict mtftp_decide(const struct mtftp_running *run, size_t n, const char *path,
				uint32_t ip);

#endif /* PXELINE_PROTO_MTFTP_H */
