#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sends one PXE DHCPDISCOVER (BIOS, arch 0) and prints the proxy's offer.

Usage: pxe_discover.py IFACE MAC [WAIT_S]   (run inside the client namespace)

Prints one line: "offer FILE" with the boot file of the first proxyDHCP
OFFER for our xid (BOOTP file field, else option 67), or "silence" when
none came within WAIT_S seconds (default 3). Exits 2 when scapy is missing.
scapy dissects BOOTP only on ports 67/68: the DISCOVER goes 68 -> 67 and
the proxy's OFFER comes back to 68 (broadcast, no address yet).
"""

import random
import sys
import time

try:
    from scapy.all import (BOOTP, DHCP, IP, UDP, AsyncSniffer, Ether, conf,
                           sendp)
except ImportError:
    print("scapy missing (python3-scapy)", file=sys.stderr)
    sys.exit(2)


def discover(mac, xid):
    chaddr = bytes.fromhex(mac.replace(":", "")) + b"\0" * 10
    uuid = bytes([0]) + bytes(random.getrandbits(8) for _ in range(16))
    return (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
            IP(src="0.0.0.0", dst="255.255.255.255") /
            UDP(sport=68, dport=67) /
            BOOTP(op=1, chaddr=chaddr, xid=xid, flags=0x8000) /
            DHCP(options=[("message-type", "discover"),
                          ("vendor_class_id", b"PXEClient:Arch:00000:UNDI:002001"),
                          (93, b"\x00\x00"),
                          (94, b"\x01\x02\x01"),
                          (97, uuid),
                          "end"]))


def boot_file(pkt):
    name = pkt[BOOTP].file.rstrip(b"\0")
    if name:
        return name.decode("ascii", "replace")
    for opt in pkt[DHCP].options:
        if isinstance(opt, tuple) and opt[0] == "boot-file-name":
            v = opt[1]
            return (v.decode("ascii", "replace") if isinstance(v, bytes) else str(v)).rstrip("\0")
    return "-"


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    iface, mac = sys.argv[1], sys.argv[2]
    wait = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    conf.verb = 0
    xid = random.getrandbits(32)
    sniffer = AsyncSniffer(iface=iface, filter="udp and dst port 68",
                           lfilter=lambda p: BOOTP in p and p[BOOTP].xid == xid and
                           p[BOOTP].op == 2 and DHCP in p,
                           count=1, timeout=wait)
    sniffer.start()
    # The sniffer's socket must be open before the DISCOVER leaves.
    time.sleep(0.3)
    sendp(discover(mac, xid), iface=iface)
    sniffer.join()
    got = sniffer.results or []
    print("offer " + boot_file(got[0]) if got else "silence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
