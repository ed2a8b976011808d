/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TAP ports for the kernel's TCP. See tap.h.
 *
 * The kernel interface is set up with ioctls (SIOCSIFADDR, SIOCSIFNETMASK,
 * SIOCSIFFLAGS; the PMD itself sets MAC and MTU the same way): no shell,
 * no `ip`. IPv6 is switched off on it, so the kernel sends nothing on the
 * wire that the engine did not ask for (no router solicitations, no MLD).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "dataplane/core/tap.h"

#define TAP_DESC 512

int
tap_eal_args(const struct pxeline_config *cfg, char **argv, int argc, int max)
{
	char buf[64], ifname[32];
	int i;

	if (!cfg->http_boot.enabled)
		return argc;
	for (i = 0; i < cfg->n_interfaces; i++) {
		if (argc + 1 > max)
			return -1;
		snprintf(ifname, sizeof(ifname), TAP_IFNAME_FMT, (unsigned)i);
		snprintf(buf, sizeof(buf), "--vdev=net_tap%d,iface=%s", i, ifname);
		argv[argc++] = strdup(buf);
	}
	return argc;
}

static void
tap_sin(struct sockaddr *sa, uint32_t ip)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(ip) };

	memcpy(sa, &sin, sizeof(sin));
}

/* The engine's address on the kernel side, and the interface up. */
static int
tap_kernel_addr(const char *ifname, uint32_t ip, uint32_t netmask)
{
	struct ifreq ifr;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	tap_sin(&ifr.ifr_addr, ip);
	if (ioctl(fd, SIOCSIFADDR, &ifr) != 0)
		ret = -errno;
	tap_sin(&ifr.ifr_netmask, netmask);
	if (!ret && ioctl(fd, SIOCSIFNETMASK, &ifr) != 0)
		ret = -errno;
	if (!ret && ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Best effort: a kernel without IPv6 has no such file. */
static void
tap_no_ipv6(const char *ifname)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1) {
		/* nothing to do: the tap then also speaks IPv6 link-local */
	}
	close(fd);
}

#define TAP_FAIL(fmt, ...) snprintf(err, err_cap, "tap %s: " fmt, ifname, __VA_ARGS__)

static int
tap_queues(uint16_t port_id, const struct tap_conf *t)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port_id, t->n_queues, t->n_queues, &conf);
	for (q = 0; ret == 0 && q < t->n_queues; q++) {
		ret = rte_eth_rx_queue_setup(port_id, q, TAP_DESC, rte_eth_dev_socket_id(port_id),
					     NULL, t->pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, TAP_DESC,
						     rte_eth_dev_socket_id(port_id), NULL);
	}
	return ret;
}

int
tap_init(const struct tap_conf *t, uint16_t *ret_port_id, char *ifname, size_t ifcap,
	 char *err, size_t err_cap)
{
	struct rte_ether_addr mac;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "net_tap%d", t->idx);
	snprintf(ifname, ifcap, TAP_IFNAME_FMT, (unsigned)t->idx & 0xffu);
	ret = rte_eth_dev_get_port_by_name(name, ret_port_id);
	if (ret) {
		TAP_FAIL("no such DPDK device %s (%s)", name, rte_strerror(-ret));
		return ret;
	}
	ret = tap_queues(*ret_port_id, t);
	if (ret) {
		TAP_FAIL("queues: %s", rte_strerror(-ret));
		return ret;
	}
	/* The kernel must take the frames to the engine's MAC as its own. */
	memcpy(mac.addr_bytes, t->mac, 6);
	ret = rte_eth_dev_default_mac_addr_set(*ret_port_id, &mac);
	if (ret == 0)
		ret = rte_eth_dev_set_mtu(*ret_port_id, t->mtu);
	if (ret == 0)
		ret = rte_eth_dev_start(*ret_port_id);
	if (ret) {
		TAP_FAIL("mac, mtu or start: %s", rte_strerror(-ret));
		return ret;
	}
	tap_no_ipv6(ifname);
	ret = tap_kernel_addr(ifname, t->ip, t->netmask);
	if (ret) {
		TAP_FAIL("kernel address: %s", strerror(-ret));
		tap_stop(*ret_port_id);
		return ret;
	}
	return 0;
}

void
tap_stop(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}
