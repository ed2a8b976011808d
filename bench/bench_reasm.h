/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly for the DPDK engine: a DATA block larger than the MTU
 * arrives as IP fragments. DPDK's lib/ip_frag stops at
 * RTE_LIBRTE_IP_FRAG_MAX_FRAG (8 in 22.11), i.e. blksize ~11 KB at MTU
 * 1500, while TFTP allows 65464; so this is a set-associative table of
 * 64 KiB buffers, keyed by (source, destination, IP id).
 *
 * A sender puts one datagram's fragments back to back, so a client has at
 * most a couple of datagrams in flight: a new one evicts the oldest entry
 * of its set, and a lost fragment costs one TFTP retransmission.
 *
 * Pure: no DPDK; buffers are allocated on an entry's first use, never per
 * packet.
 */
#ifndef PXELINE_BENCH_REASM_H
#define PXELINE_BENCH_REASM_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_REASM_WAYS 4
#define BENCH_REASM_HDR_MAX 96		/* Ethernet + VLAN + IPv4 with options */
#define BENCH_REASM_PAYLOAD_MAX 65515	/* 65535 minus a 20-byte IPv4 header */

struct bench_reasm_stats {
	uint64_t fragments;	/* accepted into an entry */
	uint64_t completed;	/* datagrams returned whole */
	uint64_t duplicates;	/* fragments already held */
	uint64_t bad;		/* overlapping, misaligned or too long: entry dropped */
	uint64_t evicted;	/* unfinished entries pushed out by new datagrams */
	uint64_t expired;	/* unfinished entries older than the timeout */
	uint64_t nomem;
};

struct bench_reasm;

/* entries is rounded up to a multiple of BENCH_REASM_WAYS (a power-of-two sets). */
struct bench_reasm *bench_reasm_create(uint32_t entries, uint64_t timeout_ns);
void bench_reasm_destroy(struct bench_reasm *r);

/*
 * Adds one fragment: frame as received, l3_off where its IPv4 header
 * starts (the caller has checked that header, e.g. with frame_classify
 * returning FRAME_ERR_IP_FRAGMENT). When the datagram is complete, returns
 * its length and sets *ret_frame to an unfragmented frame (headers of the
 * first fragment, total length, flags and checksum rewritten), valid until
 * the next call; otherwise returns 0.
 */
size_t bench_reasm_add(struct bench_reasm *r, const uint8_t *frame, size_t len,
		       size_t l3_off, uint64_t now_ns, const uint8_t **ret_frame);

const struct bench_reasm_stats *bench_reasm_stats(const struct bench_reasm *r);

#endif /* PXELINE_BENCH_REASM_H */
