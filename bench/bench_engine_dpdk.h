/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK engine: thousands of emulated clients, each with its own MAC and
 * IPv4 address, on one DPDK port (net_af_packet on a veth, net_memif or
 * net_ring to pxeline), polled by the main lcore. It answers ARP for every
 * client, resolves the server's MAC, sends each RRQ from the client's own
 * address and reassembles IP fragments of large DATA blocks.
 *
 * EAL and the port are set up once (bench_dpdk_open) so a sweep runs the
 * engine many times in one process.
 */
#ifndef PXELINE_BENCH_ENGINE_DPDK_H
#define PXELINE_BENCH_ENGINE_DPDK_H

#include <stdint.h>
#include <stdio.h>

#include "bench/bench_engine.h"

struct bench_dpdk_config {
	const char *dev;	/* vdev string: "net_memif0,role=client,socket=..." */
	const char *eal;	/* EAL arguments split on blanks; NULL: defaults */
	uint32_t net;		/* client net, host order */
	uint32_t netmask;
	uint32_t first;		/* address of client 0 */
	uint32_t count;		/* clients: one per concurrent transfer */
	uint32_t server;	/* the TFTP server, on the client net */
};

struct bench_dpdk;
struct rte_mempool;

/*
 * Initialises EAL (argv0 names the program), the port, the mbuf pool and
 * the fragment table. Returns 0, or a negative errno after reporting why
 * on stderr.
 */
int bench_dpdk_open(const struct bench_dpdk_config *dc, const char *argv0,
		    struct bench_dpdk **ret_d);

/*
 * As bench_engine_run(), through the DPDK port; cfg->clients must not
 * exceed the count given to bench_dpdk_open(). The server must be on the
 * client net (it is reached by ARP, not routed). Results are released with
 * bench_engine_free_results().
 */
int bench_dpdk_run(struct bench_dpdk *d, const struct bench_config *cfg,
		   const struct bench_request *req, struct bench_result *results,
		   struct bench_engine_stats *ret_stats);

/* The engine's own counters (ARP, fragments, drops by reason), one line. */
void bench_dpdk_print_stats(const struct bench_dpdk *d, FILE *f);

/*
 * The port (one RX and one TX queue, promiscuous, link up) and its mbuf
 * pool, for a load generator that drives the port itself (dhcpbench).
 */
uint16_t bench_dpdk_port_id(const struct bench_dpdk *d);
struct rte_mempool *bench_dpdk_pool(const struct bench_dpdk *d);

void bench_dpdk_close(struct bench_dpdk *d);

#endif /* PXELINE_BENCH_ENGINE_DPDK_H */
