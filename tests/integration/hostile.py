#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sends hostile TFTP requests to SERVER:69 and prints what came back.

Usage: hostile.py SERVER CASE...   (run inside the client namespace)
       hostile.py SERVER --list
       hostile.py SERVER --flood N SEED
       hostile.py SERVER --discover MAC TRIES IFACE   (a PXE DISCOVER from MAC)

One line per case: "CASE<TAB>RESULT", RESULT being
  silence | error CODE MESSAGE | data BLOCK LEN | oack OPTS | other OPCODE.
A session the server opened (DATA/OACK) is closed with an ERROR so it does
not linger. Standard library only.
"""

import random
import socket
import struct
import sys

WAIT = 1.5


def rrq(name, mode=b"octet", opts=(), op=1):
    pkt = struct.pack("!H", op) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        pkt += k + b"\0" + v + b"\0"
    return pkt


# name -> datagram. Filenames that try to leave the root aim at
# ../secret.txt, which the test places beside (not in) the root.
CASES = {
    "trav_dotdot": rrq(b"../secret.txt"),
    "trav_dotdot_etc": rrq(b"../../../../../../etc/passwd"),
    "trav_backslash": rrq(b"..\\secret.txt"),
    "trav_backslash2": rrq(b"..\\..\\x"),
    "trav_rooted": rrq(b"/../secret.txt"),
    "trav_inner": rrq(b"a/../../secret.txt"),
    "trav_trailing": rrq(b"sub/.."),
    "trav_mixed": rrq(b"sub\\..\\..\\secret.txt"),
    "trav_dots4": rrq(b"....//secret.txt"),
    "name_nul": rrq(b"ready.txt\0../secret.txt"),
    "name_ctrl": rrq(b"ready\x01.txt"),
    "name_del": rrq(b"ready.txt\x7f"),
    "name_newline": rrq(b"ready.txt\nx"),
    "name_drive": rrq(b"C:\\secret.txt"),
    "symlink_out": rrq(b"escape.txt"),
    "wrq": rrq(b"upload.bin", op=2),
    "wrq_existing": rrq(b"ready.txt", op=2),
    "mode_foo": rrq(b"ready.txt", mode=b"foo"),
    "blksize_7": rrq(b"ready.txt", opts=((b"blksize", b"7"),)),
    "windowsize_0": rrq(b"ready.txt", opts=((b"windowsize", b"0"),)),
    "missing": rrq(b"no-such-file.bin"),
    "trunc_empty": b"",
    "trunc_1": b"\x00",
    "trunc_op": b"\x00\x01",
    "trunc_no_nul": b"\x00\x01ready.txt",
    "trunc_no_mode": b"\x00\x01ready.txt\x00",
    "trunc_mode_no_nul": b"\x00\x01ready.txt\x00octet",
    "garbage_opcode": b"\x12\x34" + bytes(range(40)),
    "garbage_ack": b"\x00\x04\x00\x01",
    "garbage_data": b"\x00\x03\x00\x01hello",
    "garbage_error": b"\x00\x05\x00\x00oops\x00",
    "normal": rrq(b"ready.txt"),
}


def ask(server, pkt):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("0.0.0.0", 0))
        s.settimeout(WAIT)
        s.sendto(pkt, (server, 69))
        try:
            buf, peer = s.recvfrom(70000)
        except socket.timeout:
            return "silence"
        if len(buf) < 2:
            return "other short"
        op = struct.unpack("!H", buf[:2])[0]
        if op == 5 and len(buf) >= 4:
            code = struct.unpack("!H", buf[2:4])[0]
            msg = buf[4:].split(b"\0", 1)[0].decode("ascii", "replace")
            return "error %d %s" % (code, msg.replace("\t", " ").replace("\n", " "))
        # Close the session we opened: not our business to finish it.
        s.sendto(struct.pack("!HH", 5, 0) + b"test done\0", peer)
        if op == 3 and len(buf) >= 4:
            return "data %d %d" % (struct.unpack("!H", buf[2:4])[0], len(buf) - 4)
        if op == 6:
            opts = buf[2:].split(b"\0")
            return "oack " + ",".join(o.decode("ascii", "replace") for o in opts if o)
        return "other %d" % op
    finally:
        s.close()


def flood(server, n, seed):
    rnd = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    for _ in range(n):
        ln = rnd.randint(0, 600)
        pkt = bytes(rnd.getrandbits(8) for _ in range(ln))
        # Keep garbage garbage: an accidental valid RRQ would start a transfer.
        if ln >= 2 and pkt[1] in (1, 2) and pkt[0] == 0:
            pkt = b"\xff" + pkt[1:]
        s.sendto(pkt, (server, 69))
    s.settimeout(WAIT)
    replies = 0
    try:
        while True:
            s.recvfrom(70000)
            replies += 1
    except socket.timeout:
        pass
    s.close()
    print("flood\t%d replies to %d datagrams" % (replies, n))


def probe(server, name, resend):
    """A firmware-style tsize probe: RRQ, OACK, then ERROR 0. With resend,
    the ERROR waits for the server's timer to repeat the OACK first, as
    a client whose ACK 0 was lost would see it (then it is an abort)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    s.settimeout(WAIT)
    s.sendto(rrq(name.encode(), opts=((b"tsize", b"0"),)), (server, 69))
    try:
        buf, peer = s.recvfrom(70000)
        oacks = 1
        if resend:
            buf, peer = s.recvfrom(70000)
            oacks += 1
    except socket.timeout:
        print("probe%s\tsilence" % ("-resent" if resend else ""))
        return
    s.sendto(struct.pack("!HH", 5, 0) + b"TFTP Aborted\0", peer)
    s.close()
    print("probe%s\t%d oack(s) from port %d, then error 0 sent" %
          ("-resent" if resend else "", oacks, peer[1]))


def discover(mac, tries, iface):
    """A PXE ROM's DISCOVER from MAC, resent like a ROM (up to TRIES times,
    2 s apart); prints "offer TRY" for the first proxy OFFER, or "silence"."""
    hw = bytes.fromhex(mac.replace(":", ""))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    # 255.255.255.255 has no route in the lab: the interface says where.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.bind(("0.0.0.0", 68))
    vc = b"PXEClient:Arch:00000:UNDI:002001"
    for attempt in range(1, tries + 1):
        xid = random.getrandbits(32)
        pkt = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                          bytes(4), bytes(4), bytes(4), bytes(4), hw, b"", b"")
        pkt += b"\x63\x82\x53\x63" + bytes([53, 1, 1, 60, len(vc)]) + vc
        pkt += bytes([93, 2, 0, 0, 94, 3, 1, 2, 1, 97, 17, 0]) + hw + bytes(10) + b"\xff"
        s.sendto(pkt, ("255.255.255.255", 67))
        s.settimeout(2.0)
        try:
            while True:
                buf, _ = s.recvfrom(2048)
                if len(buf) > 240 and buf[0] == 2 and struct.unpack("!I", buf[4:8])[0] == xid:
                    print("offer %d" % attempt)
                    return
        except socket.timeout:
            continue
    print("silence")


def main():
    server = sys.argv[1]
    if sys.argv[2:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if sys.argv[2] == "--probe":
        probe(server, sys.argv[3], sys.argv[4:] == ["--resent"])
        return 0
    if sys.argv[2] == "--discover":
        discover(sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    if sys.argv[2] == "--flood":
        flood(server, int(sys.argv[3]), int(sys.argv[4]))
        return 0
    for name in sys.argv[2:]:
        print("%s\t%s" % (name, ask(server, CASES[name])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
