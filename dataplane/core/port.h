/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: turning each configured interface into an EAL device argument,
 * then configuring it (queues, offloads, MTU) once EAL is up. Kept apart
 * from the worker loop (DPDK's examples/l3fwd).
 */
#ifndef PXELINE_DATAPLANE_CORE_PORT_H
#define PXELINE_DATAPLANE_CORE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "config/config.h"
#include "dataplane/proto/frame.h"

struct port {
	uint16_t port_id;
	char name[64];			/* EAL device name */
	struct frame_local local;	/* our MAC/IP/VLAN on it */
	uint32_t mtu;			/* IP MTU */
	uint16_t n_queues;		/* RX/TX queue pairs (one per worker) */
	bool tx_multi_seg;		/* PMD sends mbuf chains */
	bool tx_zero_copy;		/* attach cache chunks to mbufs instead of copying */
	bool rx_cksum;			/* the PMD checks IP/UDP checksums */
	/* af_packet/af_xdp: the port shares the kernel, whose local senders
	 * leave UDP checksums partial (frame.h FRAME_L4_CSUM_PARTIAL_OK). */
	bool kernel_shared;
	bool tx_ip_cksum;		/* the PMD fills IPv4 header checksums */
	bool tx_udp_cksum;		/* the PMD fills UDP checksums (unfragmented only) */
	uint8_t prefix_len;		/* of local.ip, for the start-up line */
	int mtu_set_err;		/* rte_eth_dev_set_mtu's refusal, 0 if none */
	/* RSS as the port hashes it, to choose server ports whose ACKs land
	 * on the session owner's queue (rss_steer false: handoff rings do it). */
	bool rss_steer;
	uint8_t rss_key_len;
	uint8_t rss_key[64];
	uint16_t reta_size;
	uint16_t reta[512];
	/* HTTP Boot's exception path to the kernel (core/tap.h). */
	bool has_tap;
	uint16_t tap_port_id;
	char tap_ifname[16];		/* the kernel interface, "pxl-tapN" */
};

/*
 * Appends the EAL argument that creates each interface's device (--vdev for
 * a virtual device, -a for a PCI address) to argv. Returns the new argc or
 * -1 when argv is full.
 */
int port_eal_args(const struct pxeline_config *cfg, char **argv, int argc, int max);

/* Bytes an RX mbuf must hold for this interface's PMD and MTU. */
uint32_t port_rx_buf_size(const struct cfg_interface *ifc);

/*
 * Configures and starts every interface; n_queues per port. On failure
 * returns a negative errno and says why in err (for the caller to log).
 */
int port_init_all(const struct pxeline_config *cfg, uint16_t n_queues,
		  struct rte_mempool *pool, struct port *ret_ports, char *err, size_t err_cap);

/* The start-up line of one port: address, MTU, queues, offloads. */
void port_describe(const struct port *p, char *buf, size_t cap);

void port_stop_all(struct port *ports, int n_ports);

#endif /* PXELINE_DATAPLANE_CORE_PORT_H */
