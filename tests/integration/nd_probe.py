#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Neighbour discovery probes for test_ipv6_nd.sh, run in the client namespace.

  nd_probe.py IFACE rs            one router solicitation from IFACE's link-local
                                  address to ff02::2; prints the first RA as JSON
                                  ({"none": true} when none came within 3 s)
  nd_probe.py IFACE ns TARGET MAC one NS for TARGET; prints {"na": N}: how many NAs
                                  for TARGET came from MAC within 3 s
"""
import json
import sys

from scapy.all import (AsyncSniffer, Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA,
                       ICMPv6ND_RS, ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, IPv6,
                       conf, get_if_hwaddr, in6_getnsma, in6_getnsmac, in6_mactoifaceid,
                       inet_pton, inet_ntop, sendp)
import socket

conf.verb = 0
WAIT = 3


def link_local(mac):
    return "fe80::" + in6_mactoifaceid(mac)


def sniff_after(iface, send, lfilter):
    sn = AsyncSniffer(iface=iface, lfilter=lfilter, store=True)
    sn.start()
    # The sniffer's socket must be open before the probe leaves.
    import time
    time.sleep(0.5)
    sendp(send, iface=iface)
    time.sleep(WAIT)
    sn.stop()
    return sn.results or []


def do_rs(iface):
    mac = get_if_hwaddr(iface)
    rs = (Ether(src=mac, dst="33:33:00:00:00:02") /
          IPv6(src=link_local(mac), dst="ff02::2", hlim=255) /
          ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    got = sniff_after(iface, rs, lambda p: ICMPv6ND_RA in p)
    if not got:
        print(json.dumps({"none": True}))
        return
    p = got[0]
    ra = p[ICMPv6ND_RA]
    print(json.dumps({
        "none": False, "src": p[IPv6].src, "dst": p[IPv6].dst, "hlim": p[IPv6].hlim,
        "eth_src": p[Ether].src, "routerlifetime": ra.routerlifetime, "M": ra.M, "O": ra.O,
        "prefixes": int(ICMPv6NDOptPrefixInfo in p), "count": len(got)}))


def do_ns(iface, target, engine_mac):
    mac = get_if_hwaddr(iface)
    group = inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, target)))
    ns = (Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, group))) /
          IPv6(src=link_local(mac), dst=group, hlim=255) /
          ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    got = sniff_after(iface, ns, lambda p: ICMPv6ND_NA in p and
                      p[Ether].src.lower() == engine_mac.lower())
    print(json.dumps({"na": len(got)}))


def main():
    iface, mode = sys.argv[1], sys.argv[2]
    if mode == "rs":
        do_rs(iface)
    elif mode == "ns":
        do_ns(iface, sys.argv[3], sys.argv[4])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
