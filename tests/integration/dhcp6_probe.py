#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""DHCPv6 probes for test_dhcp6.sh, run in the client namespace (scapy).

  dhcp6_probe.py IFACE solicit MAC
      an OVMF-like Solicit (DUID-LLT of MAC, IA_NA, ORO 59/60, NII, arch 7,
      vendor class 343 "PXEClient:Arch:00007:UNDI:003000") from IFACE's
      link-local address to ff02::1:2; prints every Advertise within 3 s
  dhcp6_probe.py IFACE relay MAC SERVER6 RELAY6 SERVER_MAC
      the same Solicit (its DUID of another MAC) inside a Relay-Forw (option
      79 = MAC, interface-id "port7", link address RELAY6) from RELAY6
      unicast to SERVER6:547 at SERVER_MAC, as a relay agent sends it;
      prints every Relay-Repl to RELAY6 within 3 s
  dhcp6_probe.py IFACE inforeq MAC
      iPXE's Information-request (DUID-LL of MAC, user class "iPXE")
  dhcp6_probe.py IFACE plain MAC
      a Solicit with neither vendor nor user class (a host's own)
  dhcp6_probe.py IFACE boot MAC SERVER6 SRC6 SERVER_DUID
      EDK2's boot-service Request (PxeBcRequestBootService: the Solicit's
      options, no IA, the proxy's server ID) from a kernel UDP socket bound
      to [SRC6]:4011 to [SERVER6]:4011; prints every Reply that socket reads
      within 3 s, with its arrival time after the send ("after_ms") and its
      bytes ("hex")

PXL_DHCP6_FRAME_MAC sends solicit/inforeq/plain from that Ethernet
address (and its EUI-64 link-local) instead of IFACE's: another machine's
frame, whose answers the sniffer (promiscuous) still sees.

Each answer is printed as one JSON line: type, source, ports, server and
client DUID, vendor class, boot file URL, whether an IA came, and for a
Relay-Repl its fields and interface-id.
"""
import json
import os
import socket
import sys
import threading
import time

from scapy.all import AsyncSniffer, Ether, IPv6, UDP, conf, get_if_hwaddr, sendp, raw
from scapy.layers.dhcp6 import (DHCP6, DHCP6_InfoRequest, DHCP6_RelayForward,
                                DHCP6_Request, DHCP6_Solicit, DHCP6OptServerId, DHCP6OptClientArchType, DHCP6OptClientId,
                                DHCP6OptClientLinkLayerAddr, DHCP6OptClientNetworkInterId,
                                DHCP6OptElapsedTime, DHCP6OptIA_NA, DHCP6OptIfaceId,
                                DHCP6OptOptReq, DHCP6OptRelayMsg, DHCP6OptUserClass,
                                DHCP6OptVendorClass, DUID_LL, DUID_LLT, USER_CLASS_DATA,
                                VENDOR_CLASS_DATA)
from scapy.all import in6_getifaddr, in6_mactoifaceid

conf.verb = 0
WAIT = float(os.environ.get("PXL_DHCP6_WAIT", "3"))  # s to collect answers
XID = 0x7eab49


def solicit(mac):
    return (DHCP6_Solicit(trid=XID) /
            DHCP6OptClientId(duid=DUID_LLT(lladdr=mac, timeval=0x2c3d4e5f)) /
            DHCP6OptElapsedTime() /
            DHCP6OptIA_NA(iaid=0xf3d65e5a, T1=0xffffffff, T2=0xffffffff) /
            DHCP6OptOptReq(reqopts=[59, 60, 23, 16]) /
            DHCP6OptClientNetworkInterId(iitype=1, iimajor=3, iiminor=0) /
            DHCP6OptClientArchType(archtypes=[7]) /
            DHCP6OptVendorClass(enterprisenum=343, vcdata=[
                VENDOR_CLASS_DATA(data=b"PXEClient:Arch:00007:UNDI:003000")]))


def boot_request(mac, server_duid):
    """What EDK2 sends to the URL's server on 4011: the Request without IA,
    the proxy's server ID first."""
    return (DHCP6_Request(trid=XID) /
            DHCP6OptServerId(duid=DUID_LL(bytes.fromhex(server_duid))) /
            DHCP6OptClientId(duid=DUID_LLT(lladdr=mac, timeval=0x2c3d4e5f)) /
            DHCP6OptElapsedTime() /
            DHCP6OptOptReq(reqopts=[59, 60, 23, 16]) /
            DHCP6OptClientNetworkInterId(iitype=1, iimajor=3, iiminor=0) /
            DHCP6OptClientArchType(archtypes=[7]) /
            DHCP6OptVendorClass(enterprisenum=343, vcdata=[
                VENDOR_CLASS_DATA(data=b"PXEClient:Arch:00007:UNDI:003000")]))


def boot_exchange(mac, server6, src6, server_duid):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src6, 4011))
    s.settimeout(0.1)
    start = time.monotonic()
    s.sendto(raw(boot_request(mac, server_duid)), (server6, 4011))
    while time.monotonic() - start < WAIT:
        try:
            b, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        d = {"src": peer[0], "sport": peer[1], "dport": 4011,
             "after_ms": round((time.monotonic() - start) * 1000), "hex": b.hex()}
        d.update(describe_message(b))
        print(json.dumps(d), flush=True)
    s.close()


def plain(mac):
    """A host's own Solicit (no vendor or user class): not ours to answer."""
    return (DHCP6_Solicit(trid=XID) / DHCP6OptClientId(duid=DUID_LL(lladdr=mac)) /
            DHCP6OptIA_NA(iaid=1) / DHCP6OptElapsedTime())


def inforeq(mac):
    return (DHCP6_InfoRequest(trid=XID) / DHCP6OptClientId(duid=DUID_LL(lladdr=mac)) /
            DHCP6OptOptReq(reqopts=[23, 24, 59, 60]) /
            DHCP6OptUserClass(userclassdata=[USER_CLASS_DATA(data=b"iPXE")]) /
            DHCP6OptElapsedTime())


def describe_message(b):
    o = options_of(b, 4)
    vc = o.get(16, b"")
    return {
        "type": b[0], "xid": int.from_bytes(b[1:4], "big"),
        "server_duid": o.get(2, b"").hex(), "client_duid": o.get(1, b"").hex(),
        "vendor_enterprise": int.from_bytes(vc[0:4], "big") if len(vc) >= 4 else None,
        "vendor_class": vc[6:].decode(errors="replace") if len(vc) >= 6 else None,
        "url": o.get(59, b"").decode(errors="replace"), "ia_na": 3 in o,
        "status": 13 in o,
    }


def options_of(b, at):
    i, out = at, {}
    while i + 4 <= len(b):
        code, n = int.from_bytes(b[i:i + 2], "big"), int.from_bytes(b[i + 2:i + 4], "big")
        out.setdefault(code, b[i + 4:i + 4 + n])
        i += 4 + n
    return out


def describe(p):
    b = raw(p[UDP].payload)
    d = {"src": p[IPv6].src, "dst": p[IPv6].dst, "sport": p[UDP].sport,
         "dport": p[UDP].dport, "eth_dst": p[Ether].dst}
    if b and b[0] == 13 and len(b) >= 34:
        o = options_of(b, 34)
        d.update({"relay_repl": True, "hopcount": b[1],
                  "link": socket.inet_ntop(socket.AF_INET6, b[2:18]),
                  "peer": socket.inet_ntop(socket.AF_INET6, b[18:34]),
                  "ifid": o.get(18, b"").decode(errors="replace"),
                  "inner": describe_message(o.get(9, b"\0\0\0\0"))})
    else:
        d.update(describe_message(b))
    return d


def link_local(iface, mac):
    """The kernel's link-local address of iface (a server's reply needs its
    neighbour answer: a bridge's MAC, hence its EUI-64, may have changed
    since the address was made), else the EUI-64 of mac."""
    for addr, _scope, name in in6_getifaddr():
        if name == iface and addr.startswith("fe80:"):
            return addr
    return "fe80::" + in6_mactoifaceid(mac)


def exchange(iface, frame, lfilter):
    # The sniffer's socket must be open before the request leaves: wait for
    # scapy to say so (bounded), not for a guessed time.
    ready = threading.Event()
    sn = AsyncSniffer(iface=iface, lfilter=lfilter, store=True, started_callback=ready.set)
    sn.start()
    ready.wait(10)
    time.sleep(0.2)
    sendp(frame, iface=iface)
    time.sleep(WAIT)
    sn.stop()
    for p in sn.results or []:
        print(json.dumps(describe(p)))


def main():
    iface, mode, mac = sys.argv[1], sys.argv[2], sys.argv[3]
    own = os.environ.get("PXL_DHCP6_FRAME_MAC") or get_if_hwaddr(iface)
    ll = ("fe80::" + in6_mactoifaceid(own) if os.environ.get("PXL_DHCP6_FRAME_MAC")
          else link_local(iface, own))
    if mode in ("solicit", "inforeq", "plain"):
        msg = {"solicit": solicit, "inforeq": inforeq, "plain": plain}[mode](mac)
        frame = (Ether(src=own, dst="33:33:00:01:00:02") / IPv6(src=ll, dst="ff02::1:2") /
                 UDP(sport=546, dport=547) / msg)
        exchange(iface, frame, lambda p: UDP in p and p[UDP].dport == 546)
    elif mode == "relay":
        server6, relay6 = sys.argv[4], sys.argv[5]
        fwd = (DHCP6_RelayForward(hopcount=0, linkaddr=relay6,
                                  peeraddr="fe80::" + in6_mactoifaceid(mac)) /
               DHCP6OptIfaceId(ifaceid=b"port7") /
               DHCP6OptClientLinkLayerAddr(lltype=1, clladdr=mac) /
               DHCP6OptRelayMsg(message=DHCP6(raw(solicit("02:00:00:00:00:99")))))
        frame = (Ether(src=own, dst=sys.argv[6]) / IPv6(src=relay6, dst=server6) /
                 UDP(sport=547, dport=547) / fwd)
        exchange(iface, frame, lambda p: UDP in p and p[UDP].dport == 547 and
                 IPv6 in p and p[IPv6].dst == relay6)
    elif mode == "boot":
        boot_exchange(mac, sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
