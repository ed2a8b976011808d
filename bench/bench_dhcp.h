/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcpbench's pure part: the PXE DISCOVER an emulated ROM broadcasts, the
 * proxy OFFER it waits for, the table of DISCOVERs in flight (by xid) and
 * the answer-time histogram. No DPDK, no clock: the caller passes times.
 */
#ifndef PXELINE_BENCH_DHCP_H
#define PXELINE_BENCH_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A DISCOVER frame: Ethernet + IPv4 + UDP + 300-byte BOOTP minimum. */
#define BENCH_DHCP_FRAME_MAX 400

/* What a ROM says about itself (option 60): BIOS, UNDI 2.1. */
#define BENCH_DHCP_VENDOR_CLASS "PXEClient:Arch:00000:UNDI:002001"

/* Client i's MAC: 02:50 + i (locally administered, distinct per i). */
void bench_dhcp_mac(uint32_t i, uint8_t mac[6]);

/*
 * The DISCOVER of client i (its MAC, a UUID derived from i in option 97)
 * with transaction id xid, broadcast from 0.0.0.0:68 to
 * 255.255.255.255:67, UDP checksum set: options 53, 55, 57, 60, 93, 94,
 * 97. Returns the frame length, or 0 if cap is too small.
 */
size_t bench_dhcp_build_discover(uint8_t *out, size_t cap, uint32_t i, uint32_t xid);

/*
 * A received frame that is a DHCP OFFER to port 68 (either broadcast or
 * unicast): true with its xid and chaddr. Uses pxeline's own parser.
 */
bool bench_dhcp_offer(const uint8_t *frame, size_t len, uint32_t *ret_xid,
		      uint8_t ret_mac[6]);

/*
 * DISCOVERs in flight, indexed by xid modulo a power of two: a slot is
 * reused after size sends, so an answer older than that counts as lost.
 */
struct bench_dhcp_pending {
	uint32_t mask;
	uint32_t *xid;
	uint64_t *sent;		/* send time; 0 = free (answered or overwritten) */
};

/* size_log2 in 4..26. Returns 0 or -ENOMEM / -EINVAL. */
int bench_dhcp_pending_init(struct bench_dhcp_pending *p, unsigned size_log2);
void bench_dhcp_pending_free(struct bench_dhcp_pending *p);
/* Notes xid sent at t (t != 0); true when it overwrote an unanswered one. */
bool bench_dhcp_pending_add(struct bench_dhcp_pending *p, uint32_t xid, uint64_t t);
/* The send time of xid, which becomes answered; 0 when unknown or answered. */
uint64_t bench_dhcp_pending_take(struct bench_dhcp_pending *p, uint32_t xid);

/* Answer times: 1 us buckets up to BENCH_DHCP_HIST_US, then one overflow. */
#define BENCH_DHCP_HIST_US 100000u

struct bench_dhcp_hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint32_t bucket[BENCH_DHCP_HIST_US + 1];
};

void bench_dhcp_hist_reset(struct bench_dhcp_hist *h);
void bench_dhcp_hist_add(struct bench_dhcp_hist *h, uint64_t ns);
/*
 * Nearest-rank percentile (p in 0..100) in microseconds: the upper edge of
 * the bucket that holds it (the exact maximum when it lands in the last
 * one); 0 when empty.
 */
double bench_dhcp_hist_pct_us(const struct bench_dhcp_hist *h, double p);

#endif /* PXELINE_BENCH_DHCP_H */
