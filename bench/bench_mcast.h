/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiver side of RFC 2090 multicast TFTP for tftpbench: the
 * "multicast" value of an OACK, and which blocks of the file a receiver
 * holds.
 *
 * A receiver of a group gets blocks out of order: it may join mid-stream
 * (blocks from the current position on), and later, as master, pulls what
 * it missed from its first hole on. So it keeps a bitmap and its
 * contiguous prefix (1..prefix held): the master ACKs the prefix (pxeline
 * and atftp read ACK a as "a+1 is missing"), and the receiver is complete
 * when it holds every block 1..last.
 *
 * Blocks are numbered absolutely (1..last); the wire number wraps to 0
 * after 65535. A file of up to 65535 blocks maps one to one. Beyond that a
 * wire number has several candidates; bench_mc_rx_abs() prefers the one
 * right after the block received last (the stream goes on), then the first
 * hole (the master's own repair), then a missing block nearest the stream.
 * A wrong pick shows up as a --verify mismatch, never as a silent pass.
 *
 * Pure: no sockets, no clocks; the bitmap is allocated (and grown when the
 * size is not known up front).
 */
#ifndef PXELINE_BENCH_MCAST_H
#define PXELINE_BENCH_MCAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MC_WIRE_PERIOD 65536u	/* rollover 0 */
#define BENCH_MC_BLOCKS_MAX (1ull << 32)	/* bitmap limit: 512 MiB of bits */

enum bench_mc_err {
	BENCH_MC_OK = 0,
	BENCH_MC_ERR_NOT_OACK,	/* not an OACK, or a truncated one */
	BENCH_MC_ERR_ABSENT,	/* the OACK has no "multicast" option */
	BENCH_MC_ERR_SYNTAX,	/* the value is not "addr,port,mc" */
	BENCH_MC_ERR_ADDR,	/* the address is not an IPv4 multicast group */
	BENCH_MC_ERR_PORT,	/* the port is not 1..65535 */
	BENCH_MC_ERR_FLAG,	/* mc is not 0 or 1 */
	BENCH_MC_ERR_RANGE,	/* a block outside 1..last */
	BENCH_MC_ERR_NOMEM,	/* the bitmap could not grow */
	BENCH_MC_ERR__MAX,
};

const char *bench_mc_strerror(enum bench_mc_err e);

/* The "multicast" option of an OACK. */
struct bench_mc_oack {
	uint32_t group;		/* host order; 0 when the OACK left it empty */
	uint16_t port;		/* 0 when left empty */
	bool master;		/* mc=1: this receiver ACKs */
};

/*
 * Finds "multicast" (any case) in the OACK buf and parses its value.
 * RFC 2090 lets a server leave addr and port empty in a later OACK (only
 * naming a new master); they come back as 0.
 */
enum bench_mc_err bench_mc_parse_oack(const uint8_t *buf, size_t len,
				      struct bench_mc_oack *ret_oack);

/* Parses the value alone: "a.b.c.d,port,mc", addr and port may be empty. */
enum bench_mc_err bench_mc_parse_value(const char *val, size_t len,
				       struct bench_mc_oack *ret_oack);

/* What a receiver holds. */
struct bench_mc_rx {
	uint64_t *bits;		/* block n is bit n-1 */
	uint64_t cap;		/* blocks the bitmap covers */
	uint64_t last;		/* the final (short) block, 0 until known */
	uint64_t have;		/* distinct blocks held */
	uint64_t prefix;	/* 1..prefix are all held */
	uint64_t recent;	/* the block added last, 0 none */
};

/* Empty; last is the final block when the size is known, else 0. */
enum bench_mc_err bench_mc_rx_init(struct bench_mc_rx *rx, uint64_t last);
void bench_mc_rx_free(struct bench_mc_rx *rx);

/* The final block of a file of size bytes: k full blocks end with block k+1. */
static inline uint64_t
bench_mc_last_block(uint64_t size, uint32_t blksize)
{
	return size / blksize + 1;
}

/* The final block became known (a short block arrived). */
enum bench_mc_err bench_mc_rx_set_last(struct bench_mc_rx *rx, uint64_t last);

bool bench_mc_rx_has(const struct bench_mc_rx *rx, uint64_t n);

/*
 * The absolute block of a wire number (see the header comment); false when
 * no candidate fits in 1..last.
 */
bool bench_mc_rx_abs(const struct bench_mc_rx *rx, uint16_t wire, uint64_t *ret_abs);

/*
 * Marks block n held. *ret_new is false for a block already held.
 * BENCH_MC_ERR_RANGE for n outside 1..last (or 1..BENCH_MC_BLOCKS_MAX).
 */
enum bench_mc_err bench_mc_rx_add(struct bench_mc_rx *rx, uint64_t n, bool *ret_new);

static inline bool
bench_mc_rx_complete(const struct bench_mc_rx *rx)
{
	return rx->last && rx->prefix >= rx->last;
}

#endif /* PXELINE_BENCH_MCAST_H */
