#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""PXE DISCOVERs for many MACs; prints which servers offered to each.

Usage: fleet_discover.py IFACE WAIT_S RESEND MAC...   (inside the client namespace)

Sends one DISCOVER per MAC (BIOS, arch 0, secs 0, an xid of its own), and
when RESEND is 1 the same xid again 4 s later with secs 4, as a PXE ROM
retries; listens WAIT_S seconds after the last one. Prints one line per
MAC: "MAC N SERVER,SERVER" (N offers; SERVER the offer's source address,
"-" when none). Exits 2 when scapy is missing.
"""

import random
import sys
import time

try:
    from scapy.all import BOOTP, DHCP, IP, UDP, AsyncSniffer, Ether, conf, sendp
except ImportError:
    print("scapy missing (python3-scapy)", file=sys.stderr)
    sys.exit(2)


def discover(mac, xid, secs):
    chaddr = bytes.fromhex(mac.replace(":", "")) + b"\0" * 10
    return (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
            IP(src="0.0.0.0", dst="255.255.255.255") /
            UDP(sport=68, dport=67) /
            BOOTP(op=1, chaddr=chaddr, xid=xid, secs=secs, flags=0x8000) /
            DHCP(options=[("message-type", "discover"),
                          ("vendor_class_id", b"PXEClient:Arch:00000:UNDI:002001"),
                          (93, b"\x00\x00"), (94, b"\x01\x02\x01"), "end"]))


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    iface, wait, resend, macs = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
    conf.verb = 0
    xids = {random.getrandbits(32): m for m in macs}
    sniffer = AsyncSniffer(iface=iface, filter="udp and dst port 68",
                           lfilter=lambda p: BOOTP in p and p[BOOTP].op == 2 and
                           p[BOOTP].xid in xids and DHCP in p)
    sniffer.start()
    time.sleep(0.5)    # the sniffer's socket open before the first DISCOVER
    sendp([discover(m, x, 0) for x, m in xids.items()], iface=iface)
    if resend:
        time.sleep(4)
        sendp([discover(m, x, 4) for x, m in xids.items()], iface=iface)
    time.sleep(wait)
    sniffer.stop()
    got = {m: [] for m in macs}
    for p in sniffer.results or []:
        got[xids[p[BOOTP].xid]].append(p[IP].src)
    for m in macs:
        print(m, len(got[m]), ",".join(got[m]) or "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
