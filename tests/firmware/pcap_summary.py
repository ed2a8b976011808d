#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What a firmware sent, from a capture of a firmware test: one line per DHCP
packet (options 53/54/60/77/93/94/97/43, siaddr, file), per DHCPv6 message
(client/server DUID types, IA_NA, ORO, user/vendor class, 59/60/61/62), per
router solicitation/advertisement (flags, lifetime, prefixes), per TFTP
request, OACK and ERROR (over IPv4 and IPv6), and a count of DATA/ACK and
fragments. Reads classic pcap (Ethernet) only, as tcpdump -w writes it.
Usage: pcap_summary.py FILE.pcap"""

import struct
import sys

DHCP_PORTS = (67, 68, 4011)
DHCP6_PORTS = (546, 547)
MSG6 = {1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW",
        6: "REBIND", 7: "REPLY", 8: "RELEASE", 9: "DECLINE", 10: "RECONFIGURE",
        11: "INFORMATION-REQUEST", 12: "RELAY-FORW", 13: "RELAY-REPL"}
DUID = {1: "LLT", 2: "EN", 3: "LL", 4: "UUID"}
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


def ip6(b):
    w = struct.unpack("!8H", b)
    # The longest run of zero words becomes "::" (RFC 5952).
    best, bl, i = -1, 1, 0
    while i < 8:
        if w[i] == 0:
            j = i
            while j < 8 and w[j] == 0:
                j += 1
            if j - i > bl:
                best, bl = i, j - i
            i = j
        else:
            i += 1
    h = ["%x" % x for x in w]
    if best < 0:
        return ":".join(h)
    return ":".join(h[:best]) + "::" + ":".join(h[best + bl:])


def dhcp6_options(b):
    opts = []
    i = 0
    while i + 4 <= len(b):
        code, n = struct.unpack("!HH", b[i:i + 4])
        opts.append((code, b[i + 4:i + 4 + n]))
        i += 4 + n
    return opts


def duid(v):
    t = struct.unpack("!H", v[:2])[0] if len(v) >= 2 else -1
    name = DUID.get(t, str(t))
    if t == 1 and len(v) >= 8:
        return "DUID-LLT(hw %d, %s)" % (struct.unpack("!H", v[2:4])[0], v[8:].hex(":"))
    if t == 3 and len(v) >= 4:
        return "DUID-LL(hw %d, %s)" % (struct.unpack("!H", v[2:4])[0], v[4:].hex(":"))
    return "DUID-%s(%s)" % (name, v[2:].hex())


def dhcp6_line(src, dst, p):
    if not p:
        return None
    parts = ["DHCPv6", MSG6.get(p[0], str(p[0]))]
    if p[0] in (12, 13):
        parts.append("hop=%d" % p[1])
        opts = dhcp6_options(p[34:])
    else:
        opts = dhcp6_options(p[4:])
    for code, v in opts:
        if code == 1:
            parts.append("client=" + duid(v))
        elif code == 2:
            parts.append("server=" + duid(v))
        elif code == 3:
            sub = dhcp6_options(v[12:])
            addrs = [ip6(x[:16]) for c, x in sub if c == 5 and len(x) >= 16]
            st = [struct.unpack("!H", x[:2])[0] for c, x in sub if c == 13 and len(x) >= 2]
            parts.append("IA_NA[%s%s]" % (",".join(addrs), " status=%s" % st if st else ""))
        elif code == 6:
            parts.append("ORO=" + ",".join(str(x) for x in struct.unpack("!%dH" % (len(v) // 2), v)))
        elif code == 8:
            pass
        elif code == 13:
            parts.append("status=%d" % struct.unpack("!H", v[:2])[0])
        elif code == 15:
            cls, i = [], 0
            while i + 2 <= len(v):
                n = struct.unpack("!H", v[i:i + 2])[0]
                cls.append(text(v[i + 2:i + 2 + n]))
                i += 2 + n
            parts.append("15=" + ",".join(cls))
        elif code == 16:
            ent = struct.unpack("!I", v[:4])[0] if len(v) >= 4 else -1
            n = struct.unpack("!H", v[4:6])[0] if len(v) >= 6 else 0
            parts.append("16=%d:%s" % (ent, text(v[6:6 + n])))
        elif code == 59:
            parts.append("59=" + text(v))
        elif code == 60:
            parts.append("60=" + text(v))
        elif code == 61:
            parts.append("61=" + ",".join(str(x) for x in struct.unpack("!%dH" % (len(v) // 2), v)))
        elif code == 62:
            parts.append("62=" + v.hex())
        elif code == 79:
            parts.append("79=" + v.hex())
        elif code == 9:
            parts.append("9(relayed " + (MSG6.get(v[0], "?") if v else "?") + ")")
        else:
            parts.append("opt%d" % code)
    return "%s > %s %s" % (src, dst, " ".join(parts))


def icmp6_line(src, dst, p):
    t = p[0]
    if t == 133:
        return "%s > %s ICMPv6 RS" % (src, dst)
    if t == 134 and len(p) >= 16:
        flags = p[5]
        life = struct.unpack("!H", p[6:8])[0]
        parts = ["ICMPv6 RA", "M=%d" % (flags >> 7 & 1), "O=%d" % (flags >> 6 & 1),
                 "lifetime=%d" % life]
        i = 16
        while i + 2 <= len(p) and p[i + 1]:
            if p[i] == 3 and i + 32 <= len(p):
                parts.append("prefix=%s/%d" % (ip6(p[i + 16:i + 32]), p[i + 2]))
            i += p[i + 1] * 8
        return "%s > %s %s" % (src, dst, " ".join(parts))
    return None


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


def ipv6_line(ip, counts):
    if len(ip) < 40:
        return None
    nh = ip[6]
    src, dst = ip6(ip[8:24]), ip6(ip[24:40])
    rest = ip[40:]
    # Hop-by-hop (MLD) and fragment headers; later fragments hold no UDP header.
    while nh in (0, 44) and len(rest) >= 8:
        if nh == 44:
            counts["fragments"] += 1
            if struct.unpack("!H", rest[2:4])[0] & 0xfff8:
                return None
            nh, rest = rest[0], rest[8:]
        else:
            nh, rest = rest[0], rest[(rest[1] + 1) * 8:]
    if nh == 58 and rest:
        return icmp6_line(src, dst, rest)
    if nh != 17 or len(rest) < 8:
        return None
    sport, dport = struct.unpack("!HH", rest[:4])
    s, d = "[%s]:%d" % (src, sport), "[%s]:%d" % (dst, dport)
    # 4011: EDK2's boot-service Request to the boot file's server, and its Reply.
    if sport in DHCP6_PORTS or dport in DHCP6_PORTS or 4011 in (sport, dport):
        return dhcp6_line(s, d, rest[8:])
    return tftp_line(s, d, rest[8:], counts)


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
        if frame[12:14] == b"\x86\xdd":
            line = ipv6_line(frame[14:], counts)
            if line:
                print("%7.3f %s" % (t - t0, line))
            continue
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
