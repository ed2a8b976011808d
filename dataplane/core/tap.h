/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path to the kernel for HTTP Boot. TCP is the kernel's, but
 * the engine's address is not the host's: each interface gets a DPDK TAP
 * port (net_tap, kernel interface "pxl-tapN") that carries the engine's MAC,
 * IPv4 address and MTU, so the kernel owns that address on the tap only.
 * The worker forwards TCP, ARP replies and ICMP errors for the address from
 * the wire to the tap, and everything the kernel sends on the tap to the
 * wire. The HTTP server (control/http_boot.c) binds the address.
 */
#ifndef PXELINE_DATAPLANE_CORE_TAP_H
#define PXELINE_DATAPLANE_CORE_TAP_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "config/config.h"

#define TAP_IFNAME_FMT "pxl-tap%u"

/* Appends one --vdev=net_tapN,iface=pxl-tapN per interface when
 * http_boot is on. Returns the new argc or -1 when argv is full. */
int tap_eal_args(const struct pxeline_config *cfg, char **argv, int argc, int max);

/* What the kernel side of one tap gets: the wire port's identity. */
struct tap_conf {
	int idx;			/* interface number: net_tapN, pxl-tapN */
	uint16_t n_queues;		/* queue pairs, one per worker */
	struct rte_mempool *pool;
	uint8_t mac[6];			/* the engine's MAC on the wire port */
	uint32_t ip, netmask;		/* host order */
	uint32_t mtu;
};

/*
 * Configures and starts the TAP port for t and gives its kernel interface
 * t's MAC, MTU and address. Returns 0 with the DPDK port in *ret_port_id and
 * the kernel interface's name in ifname, or a negative errno and a reason
 * in err.
 */
int tap_init(const struct tap_conf *t, uint16_t *ret_port_id, char *ifname, size_t ifcap,
	     char *err, size_t err_cap);

void tap_stop(uint16_t port_id);

#endif /* PXELINE_DATAPLANE_CORE_TAP_H */
