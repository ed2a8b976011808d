/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Toeplitz hash NICs use for RSS, computed in software, so the engine
 * can choose a session's server port such that the client's ACKs hash to
 * the queue of the lcore that owns the session (no handoff needed).
 */
#ifndef PXELINE_PROTO_RSS_H
#define PXELINE_PROTO_RSS_H

#include <stddef.h>
#include <stdint.h>

/* Toeplitz hash of data with key (key_len >= len + 4 bytes). */
uint32_t rss_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len);

/*
 * The hash a NIC computes for an IPv4/UDP packet from src to dst
 * (addresses and ports in host order), as for RTE_ETH_RSS_NONFRAG_IPV4_UDP.
 */
uint32_t rss_ipv4_udp(const uint8_t *key, size_t key_len, uint32_t src_ip, uint32_t dst_ip,
		      uint16_t src_port, uint16_t dst_port);

#endif /* PXELINE_PROTO_RSS_H */
