#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sends one PXE DHCPDISCOVER (BIOS, arch 0) and prints the proxy OFFER.

Usage: dhcp_discover.py IFACE MAC     (run as root inside the client namespace)

Broadcast from port 68 to 255.255.255.255:67 on IFACE, as a PXE ROM does.
Prints "offer FILE SERVER" for the first OFFER with our xid, or "silence"
after WAIT seconds. Standard library only.
"""

import random
import socket
import struct
import sys

WAIT = 3.0


def discover(mac, xid):
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                      bytes(4), bytes(4), bytes(4), bytes(4), mac.ljust(16, b"\0"),
                      bytes(64), bytes(128))
    vendor = b"PXEClient:Arch:00000:UNDI:002001"
    opts = (b"\x63\x82\x53\x63"          # magic cookie
            + b"\x35\x01\x01"            # DHCPDISCOVER
            + b"\x3c" + bytes([len(vendor)]) + vendor
            + b"\x5d\x02\x00\x00"        # option 93: arch 0, BIOS
            + b"\x5e\x03\x01\x02\x01"    # option 94: UNDI 2.1
            + b"\x61\x11\x00" + bytes(range(1, 17))  # option 97: a real UUID
            + b"\xff")
    return hdr + opts


def parse_offer(buf, xid):
    if len(buf) < 240 or buf[0] != 2 or struct.unpack("!I", buf[4:8])[0] != xid:
        return None
    siaddr = socket.inet_ntoa(buf[20:24])
    file = buf[108:236].split(b"\0", 1)[0].decode("ascii", "replace")
    i, msg_type = 240, None
    while i < len(buf) and buf[i] != 255:
        if buf[i] == 0:
            i += 1
            continue
        code, ln = buf[i], buf[i + 1]
        if code == 53:
            msg_type = buf[i + 2]
        elif code == 67 and not file:
            file = buf[i + 2:i + 2 + ln].decode("ascii", "replace")
        i += 2 + ln
    return msg_type, file, siaddr


def main():
    iface, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    xid = random.getrandbits(32)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.bind(("0.0.0.0", 68))
    s.settimeout(WAIT)
    s.sendto(discover(mac, xid), ("255.255.255.255", 67))
    try:
        while True:
            buf, _ = s.recvfrom(2048)
            got = parse_offer(buf, xid)
            if got and got[0] == 2:
                print("offer %s %s" % (got[1], got[2]))
                return 0
    except socket.timeout:
        print("silence")
        return 1


if __name__ == "__main__":
    sys.exit(main())
