#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What a firmware sent, from a capture of a firmware test: one line per DHCP
packet (options 53/54/60/77/93/94/97/43, siaddr, file), per TFTP request,
OACK and ERROR, and a count of DATA/ACK. Reads classic pcap (Ethernet) only,
as tcpdump -w writes it. Usage: pcap_summary.py FILE.pcap"""

import struct
import sys

DHCP_PORTS = (67, 68, 4011)
MSG = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK",
       6: "NAK", 7: "RELEASE", 8: "INFORM"}


def ip4(b):
    return ".".join(str(x) for x in b)


def text(b):
    if all(32 <= c < 127 for c in b):
        return '"' + b.decode() + '"'
    return b.hex()


def dhcp_options(p):
    opts = {}
    i = 240
    if len(p) < 240 or p[236:240] != b"\x63\x82\x53\x63":
        return opts
    while i < len(p):
        code = p[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(p):
            break
        n = p[i + 1]
        opts[code] = p[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def user_class(v):
    # RFC 3004 (length-prefixed) or, as iPXE sends it, the bare string.
    if v and v[0] == len(v) - 1:
        return text(v[1:])
    return text(v)


def dhcp_line(src, dst, p):
    o = dhcp_options(p)
    parts = ["DHCP", MSG.get(o.get(53, b"\0")[0], "BOOTP")]
    if p[0] == 2:
        if p[16:20] != b"\0\0\0\0":
            parts.append("yiaddr=" + ip4(p[16:20]))
        if p[20:24] != b"\0\0\0\0":
            parts.append("siaddr=" + ip4(p[20:24]))
        f = p[108:236].split(b"\0")[0]
        if f:
            parts.append("file=" + text(f))
    if p[24:28] != b"\0\0\0\0":
        parts.append("giaddr=" + ip4(p[24:28]))
    if 54 in o:
        parts.append("54=" + ip4(o[54]))
    if 60 in o:
        parts.append("60=" + text(o[60]))
    if 77 in o:
        parts.append("77=" + user_class(o[77]))
    if 93 in o:
        parts.append("93=" + ",".join(str(v) for v in struct.unpack("!%dH" % (len(o[93]) // 2), o[93])))
    if 94 in o:
        parts.append("94=" + o[94].hex())
    if 97 in o:
        parts.append("97=" + o[97].hex())
    if 43 in o:
        parts.append("43=" + o[43].hex())
    if 55 in o and p[0] == 1 and o.get(53, b"\0")[0] == 1:
        parts.append("55=" + ",".join(str(c) for c in o[55]))
    if p[0] == 1 and p[10] & 0x80:
        parts.append("bcast")
    if 175 in o:
        parts.append("175(iPXE)")
    return "%s > %s %s" % (src, dst, " ".join(parts))


def tftp_line(src, dst, p, counts):
    if len(p) < 2:
        return None
    op = struct.unpack("!H", p[:2])[0]
    if op in (1, 2) or op == 6:
        f = p[2:].split(b"\0")
        if f and f[-1] == b"":
            f = f[:-1]
        f = [x.decode("latin-1") for x in f]
        if op == 6:
            return "%s > %s TFTP OACK %s" % (src, dst, " ".join(f))
        return "%s > %s TFTP %s %s mode=%s %s" % (
            src, dst, "RRQ" if op == 1 else "WRQ", f[0] if f else "",
            f[1] if len(f) > 1 else "", " ".join(f[2:]))
    if op == 5:
        code = struct.unpack("!H", p[2:4])[0] if len(p) >= 4 else -1
        return "%s > %s TFTP ERROR %d %s" % (src, dst, code, text(p[4:].split(b"\0")[0]))
    if op in (3, 4):
        counts["DATA" if op == 3 else "ACK"] += 1
    return None


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    counts = {"DATA": 0, "ACK": 0, "fragments": 0}
    t0 = None
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        t = sec + usec / 1e6
        if t0 is None:
            t0 = t
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17:
            continue
        frag = struct.unpack("!H", ip[6:8])[0]
        if frag & 0x1fff:
            counts["fragments"] += 1
            continue
        udp = ip[ihl:]
        sport, dport = struct.unpack("!HH", udp[:4])
        payload = udp[8:]
        src = "%s:%d" % (ip4(ip[12:16]), sport)
        dst = "%s:%d" % (ip4(ip[16:20]), dport)
        line = None
        if sport in DHCP_PORTS or dport in DHCP_PORTS:
            line = dhcp_line(src, dst, payload)
        else:
            line = tftp_line(src, dst, payload, counts)
        if line:
            print("%7.3f %s" % (t - t0, line))
    print("        TFTP DATA %d, ACK %d, IP fragments %d" %
          (counts["DATA"], counts["ACK"], counts["fragments"]))


if __name__ == "__main__":
    main(sys.argv[1])
