/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_bus_pci.h>

#include "dataplane/core/port.h"
#include "dataplane/proto/frame6.h"
#include "dataplane/core/tap.h"

#define PORT_RX_DESC 1024
#define PORT_TX_DESC 1024

/* A PCI address such as 0000:03:00.0 or 03:00.0. */
static bool
port_is_pci(const char *dev)
{
	struct rte_pci_addr addr;

	return rte_pci_addr_parse(dev, &addr) == 0;
}

/* The device name EAL gives a device string: the part before a comma. */
static void
port_dev_name(const char *dev, char *name, size_t cap)
{
	size_t n = strcspn(dev, ",");

	if (n >= cap)
		n = cap - 1;
	memcpy(name, dev, n);
	name[n] = '\0';
}

/*
 * net_af_packet's default frames hold 2048 bytes; a jumbo MTU needs bigger
 * ones, or the PMD silently drops what does not fit.
 */
#define PORT_AF_PACKET_JUMBO_FRAME 16384	/* framesz/blocksz we give af_packet above 1500 */

static bool
port_af_packet_jumbo(const struct cfg_interface *ifc)
{
	return strncmp(ifc->device, "net_af_packet", 13) == 0 && ifc->mtu > 1500;
}

uint32_t
port_rx_buf_size(const struct cfg_interface *ifc)
{
	/* af_packet refuses a queue whose mbufs are smaller than its frames. */
	if (port_af_packet_jumbo(ifc))
		return PORT_AF_PACKET_JUMBO_FRAME;
	return ifc->mtu + FRAME_ETH_LEN + FRAME_VLAN_LEN + 64;
}

static void
port_vdev_arg(const struct cfg_interface *ifc, unsigned n_queues, char *buf, size_t cap)
{
	bool af_packet = strncmp(ifc->device, "net_af_packet", 13) == 0;
	int n = snprintf(buf, cap, "--vdev=%s", ifc->device);

	if (port_af_packet_jumbo(ifc) && !strstr(ifc->device, "framesz="))
		n += snprintf(buf + n, cap - n, ",framesz=%u,blocksz=%u",
			      PORT_AF_PACKET_JUMBO_FRAME, PORT_AF_PACKET_JUMBO_FRAME);
	/* One queue pair per worker; af_packet spreads frames over them with
	 * PACKET_FANOUT_HASH (the workers hand ACKs to a session's owner). */
	if (af_packet && n_queues > 1 && !strstr(ifc->device, "qpairs="))
		snprintf(buf + n, cap - n, ",qpairs=%u", n_queues);
}

int
port_eal_args(const struct pxeline_config *cfg, char **argv, int argc, int max)
{
	char buf[512];
	int i;

	for (i = 0; i < cfg->n_interfaces; i++) {
		const struct cfg_interface *ifc = &cfg->interfaces[i];

		if (argc + 2 > max)
			return -1;
		if (port_is_pci(ifc->device)) {
			argv[argc++] = strdup("-a");
			argv[argc++] = strdup(ifc->device);
		} else {
			port_vdev_arg(ifc, cfg->workers, buf, sizeof(buf));
			argv[argc++] = strdup(buf);
		}
	}
	return tap_eal_args(cfg, argv, argc, max);
}

/*
 * Reads back the RSS key and redirection table so sessions can pick server
 * ports that steer to their own queue. PMDs that hash some other way
 * (af_packet's fanout) or cannot say leave rss_steer false.
 */
static void
port_read_rss(struct port *p, const struct rte_eth_dev_info *info)
{
	struct rte_eth_rss_reta_entry64 reta[512 / RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_rss_conf conf = { 0 };
	unsigned i;

	if (p->n_queues < 2 || info->reta_size == 0 || info->reta_size > RTE_DIM(p->reta) ||
	    info->hash_key_size == 0 || info->hash_key_size > sizeof(p->rss_key))
		return;
	conf.rss_key = p->rss_key;
	conf.rss_key_len = info->hash_key_size;
	if (rte_eth_dev_rss_hash_conf_get(p->port_id, &conf) != 0 ||
	    !(conf.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP))
		return;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < info->reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = ~0ull;
	if (rte_eth_dev_rss_reta_query(p->port_id, reta, info->reta_size) != 0)
		return;
	for (i = 0; i < info->reta_size; i++)
		p->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	p->rss_key_len = conf.rss_key_len;
	p->reta_size = info->reta_size;
	p->rss_steer = true;
}

/* Says why set-up failed, for the caller to log. */
#define PORT_FAIL(fmt, ...) snprintf(err, err_cap, "interface %s: " fmt, p->name, __VA_ARGS__)

/*
 * TX checksum offload where the PMD offers it (real NICs; none of the
 * lab's PMDs, af_packet, memif and net_ring, does: untested here). tx.c
 * then leaves the IPv4 header checksum, and the UDP checksum of datagrams
 * that fit one frame, to the device.
 */
static void
port_tx_offloads(struct port *p, const struct rte_eth_dev_info *info, struct rte_eth_conf *conf)
{
	p->tx_ip_cksum = info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	p->tx_udp_cksum = info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (p->tx_ip_cksum)
		conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (p->tx_udp_cksum)
		conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
}

static int
port_init_one(const struct cfg_interface *ifc, uint16_t n_queues,
	      struct rte_mempool *pool, struct port *p, char *err, size_t err_cap)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t q, nb_rxd = PORT_RX_DESC, nb_txd = PORT_TX_DESC;
	int ret;

	memset(&conf, 0, sizeof(conf));
	port_dev_name(ifc->device, p->name, sizeof(p->name));
	ret = rte_eth_dev_get_port_by_name(p->name, &p->port_id);
	if (ret) {
		snprintf(err, err_cap, "interface %s: no such DPDK device (%s)",
			 ifc->device, rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret) {
		PORT_FAIL("device info: %s", rte_strerror(-ret));
		return ret;
	}
	if (n_queues > info.max_rx_queues || n_queues > info.max_tx_queues) {
		PORT_FAIL("%u queues asked, the PMD has %u rx/%u tx", n_queues,
			  info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	p->n_queues = n_queues;
	p->tx_multi_seg = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* af_packet copies every segment into its kernel ring anyway: there
	 * an attached chunk only costs an extra mbuf per frame. */
	p->tx_zero_copy = p->tx_multi_seg && strcmp(info.driver_name, "net_af_packet") != 0;
	p->kernel_shared = strcmp(info.driver_name, "net_af_packet") == 0 ||
			   strcmp(info.driver_name, "net_af_xdp") == 0;
	p->rx_cksum = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_CHECKSUM) ==
		      RTE_ETH_RX_OFFLOAD_CHECKSUM;
	if (p->tx_multi_seg)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (p->rx_cksum)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_CHECKSUM;
	port_tx_offloads(p, &info, &conf);
	if (n_queues > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_UDP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_UDP;
	}
	ret = rte_eth_dev_configure(p->port_id, n_queues, n_queues, &conf);
	if (ret) {
		PORT_FAIL("configure: %s", rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (ret) {
		PORT_FAIL("descriptors: %s", rte_strerror(-ret));
		return ret;
	}
	for (q = 0; q < n_queues; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd,
					     rte_eth_dev_socket_id(p->port_id), NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd,
						     rte_eth_dev_socket_id(p->port_id), NULL);
		if (ret) {
			PORT_FAIL("queue %u setup: %s", q, rte_strerror(-ret));
			return ret;
		}
	}
	/* Not every PMD can set its MTU (af_packet follows the kernel's);
	 * the engine still sizes its datagrams to the configured one. */
	ret = rte_eth_dev_set_mtu(p->port_id, ifc->mtu);
	p->mtu_set_err = ret == -ENOTSUP ? 0 : ret;
	ret = rte_eth_dev_start(p->port_id);
	if (ret) {
		PORT_FAIL("start: %s", rte_strerror(-ret));
		return ret;
	}
	rte_eth_promiscuous_enable(p->port_id);
	port_read_rss(p, &info);
	rte_eth_macaddr_get(p->port_id, &mac);
	memcpy(p->local.mac, mac.addr_bytes, 6);
	p->local.ip = ifc->address;
	p->local.netmask = ifc->prefix_len ? ~0u << (32 - ifc->prefix_len) : 0;
	p->local.vlan = ifc->vlan;
	if (ifc->has_address6)
		memcpy(p->local.ip6, ifc->address6, 16);
	frame6_link_local(p->local.mac, p->local.ll6);
	p->mtu = ifc->mtu;
	p->prefix_len = ifc->prefix_len;
return 0;
}

void
port_describe(const struct port *p, char *buf, size_t cap)
{
	const uint8_t *m = p->local.mac;
	uint32_t a = p->local.ip;
	int n;

	n = snprintf(buf, cap, "interface %s: port %u mac %02x:%02x:%02x:%02x:%02x:%02x "
		     "address %u.%u.%u.%u/%u mtu %u vlan %u queues %u%s offloads%s%s%s%s%s%s",
		     p->name, p->port_id, m[0], m[1], m[2], m[3], m[4], m[5],
		     a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
		     p->prefix_len, p->mtu, p->local.vlan, p->n_queues,
		     p->n_queues < 2 ? "" : p->rss_steer ? " (rss steering)" : " (handoff rings)",
		     p->tx_multi_seg ? " multi-seg" : "", p->tx_zero_copy ? " zero-copy" : "",
		     p->rx_cksum ? " rx-csum" : "", p->tx_ip_cksum ? " tx-ip-csum" : "",
		     p->tx_udp_cksum ? " tx-udp-csum" : "",
		     p->kernel_shared ? " (kernel partial csum accepted)" : "");
	if (p->has_tap && n > 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - n, " tap %s (port %u: TCP for HTTP Boot)",
			      p->tap_ifname, p->tap_port_id);
	if (p->mtu_set_err && n > 0 && (size_t)n < cap)
		snprintf(buf + n, cap - n, " (cannot set MTU %u: %s; datagrams sized to it anyway)",
			 p->mtu, rte_strerror(-p->mtu_set_err));
}

/* HTTP Boot: the kernel gets this port's address on a tap (core/tap.h). */
static int
port_tap(struct port *p, int idx, uint16_t n_queues, struct rte_mempool *pool, char *err,
	 size_t err_cap)
{
	struct tap_conf t = { .idx = idx, .n_queues = n_queues, .pool = pool,
			      .ip = p->local.ip, .netmask = p->local.netmask, .mtu = p->mtu };
	int ret;

	memcpy(t.mac, p->local.mac, 6);
	ret = tap_init(&t, &p->tap_port_id, p->tap_ifname, sizeof(p->tap_ifname), err, err_cap);
	p->has_tap = ret == 0;
	return ret;
}

int
port_init_all(const struct pxeline_config *cfg, uint16_t n_queues,
	      struct rte_mempool *pool, struct port *ret_ports, char *err, size_t err_cap)
{
	int i, ret;

	for (i = 0; i < cfg->n_interfaces; i++) {
		ret = port_init_one(&cfg->interfaces[i], n_queues, pool, &ret_ports[i], err,
				    err_cap);
		if (ret == 0 && cfg->http_boot.enabled)
			ret = port_tap(&ret_ports[i], i, n_queues, pool, err, err_cap);
		if (ret)
			return ret;
	}
	return 0;
}

void
port_stop_all(struct port *ports, int n_ports)
{
	int i;

	for (i = 0; i < n_ports; i++) {
		if (ports[i].has_tap)
			tap_stop(ports[i].tap_port_id);
		ports[i].has_tap = false;
		rte_eth_dev_stop(ports[i].port_id);
		rte_eth_dev_close(ports[i].port_id);
	}
}
