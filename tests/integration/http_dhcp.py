#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sends one UEFI HTTP Boot DISCOVER (vendor class HTTPClient, option 93 =
ARCH) on IFACE the way OVMF's HttpBootDxe does, and prints the proxy
reply's option 60 and boot file as "60=... file=... 67=..." (or "none"
when nothing came within 3 s). Run in the client namespace.

    http_dhcp.py IFACE ARCH MAC
"""
import random
import socket
import struct
import sys
import time


def discover(mac, arch):
    xid = random.getrandbits(32)
    hdr = struct.pack("!BBBBIHHIIII16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, 0, 0, 0, 0,
                      mac + b"\0" * 10, b"", b"")
    vc = b"HTTPClient:Arch:%05d:UNDI:003001" % arch
    opts = bytes([53, 1, 1, 55, 4, 1, 3, 60, 67])
    opts += bytes([93, 2]) + struct.pack("!H", arch)
    opts += bytes([94, 3, 1, 3, 1])
    opts += bytes([60, len(vc)]) + vc
    opts += bytes([97, 17, 0]) + bytes(range(1, 17))
    opts += bytes([255])
    return xid, hdr + b"\x63\x82\x53\x63" + opts


def options(buf):
    out, i = {}, 240
    while i < len(buf) and buf[i] != 255:
        if buf[i] == 0:
            i += 1
            continue
        code, n = buf[i], buf[i + 1]
        out.setdefault(code, buf[i + 2:i + 2 + n])
        i += 2 + n
    return out


def main():
    iface, arch, mac = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(":", ""))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.bind(("", 68))
    xid, pkt = discover(mac, arch)
    s.sendto(pkt, ("255.255.255.255", 67))
    deadline = time.time() + 3
    while time.time() < deadline:
        s.settimeout(max(0.05, deadline - time.time()))
        try:
            buf, _ = s.recvfrom(2048)
        except socket.timeout:
            break
        if len(buf) < 240 or buf[0] != 2 or struct.unpack("!I", buf[4:8])[0] != xid:
            continue
        o = options(buf)
        f = buf[108:236].split(b"\0", 1)[0].decode(errors="replace")
        print("60=%s file=%s 67=%s 43=%s" % (o.get(60, b"").decode(errors="replace"), f,
              o.get(67, b"").decode(errors="replace"), "yes" if 43 in o else "no"))
        return 0
    print("none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
