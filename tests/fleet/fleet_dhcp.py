#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""PXE DISCOVERs (scapy) to a fleet of proxies; prints who offered what.

Run inside the client namespace. The DISCOVER and the offer parser are
tests/integration/pxe_discover.py's.

  fleet_dhcp.py copies IFACE MAC N WAIT_S [SECS]
      one DISCOVER (one xid) sent N times, 0.1 s apart; then WAIT_S more.
      SECS: its secs field (a client that has been asking that long).
      Prints "offer SERVER FILE" per OFFER for that xid, then "sent N".
  fleet_dhcp.py owners IFACE WAIT_S MAC...
      one DISCOVER per MAC (xids of their own); prints "MAC SERVER FILE"
      per OFFER, "MAC silence" for a MAC nobody answered.
  fleet_dhcp.py until IFACE MAC FILE TIMEOUT_S
      a fresh DISCOVER every 0.25 s until an OFFER with boot file FILE;
      prints "answered MS SERVER N" (ms since the first DISCOVER, N
      DISCOVERs sent), or
      "timeout MS" with the other offers seen ("seen SERVER FILE").
"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
try:
    from scapy.all import BOOTP, DHCP, IP, AsyncSniffer, conf, sendp
    from pxe_discover import boot_file, discover
except ImportError:
    print("scapy missing (python3-scapy)", file=sys.stderr)
    sys.exit(2)


def sniffer(iface, xids):
    """Starts sniffing OFFERs for xids; they collect in the result's .got."""
    got = []
    s = AsyncSniffer(iface=iface, filter="udp and dst port 68",
                     lfilter=lambda p: BOOTP in p and p[BOOTP].op == 2 and
                     p[BOOTP].xid in xids and DHCP in p,
                     prn=got.append, store=False)
    s.got = got
    s.start()
    # The sniffer's socket must be open before the first DISCOVER leaves.
    time.sleep(0.3)
    return s


def stop(s):
    if s.running:
        s.stop()


def copies(iface, mac, n, wait, secs=0):
    xid = random.getrandbits(32)
    s = sniffer(iface, {xid})
    pkt = discover(mac, xid)
    pkt[BOOTP].secs = secs
    sendp(pkt, iface=iface, count=n, inter=0.1)
    time.sleep(wait)
    stop(s)
    for p in s.got:
        print("offer %s %s" % (p[IP].src, boot_file(p)))
    print("sent %d" % n)


def owners(iface, wait, macs):
    xids = {random.getrandbits(32): m for m in macs}
    s = sniffer(iface, set(xids))
    # One socket for all: sendp per packet is slow on a busy machine.
    sendp([discover(mac, xid) for xid, mac in xids.items()], iface=iface, inter=0.02)
    time.sleep(wait)
    stop(s)
    seen = set()
    for p in s.got:
        mac = xids[p[BOOTP].xid]
        seen.add(mac)
        print("%s %s %s" % (mac, p[IP].src, boot_file(p)))
    for mac in macs:
        if mac not in seen:
            print("%s silence" % mac)


def until(iface, mac, want, timeout):
    xids = set()
    s = sniffer(iface, xids)
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        xid = random.getrandbits(32)
        xids.add(xid)
        sendp(discover(mac, xid), iface=iface)
        time.sleep(0.25)
        for p in list(s.got):
            if boot_file(p) == want:
                stop(s)
                print("answered %d %s %d" % ((time.monotonic() - t0) * 1000, p[IP].src,
                                               len(xids)))
                return
    stop(s)
    for p in s.got:
        print("seen %s %s" % (p[IP].src, boot_file(p)))
    print("timeout %d" % ((time.monotonic() - t0) * 1000))


def main():
    conf.verb = 0
    a = sys.argv[1:]
    if len(a) >= 5 and a[0] == "copies":
        copies(a[1], a[2], int(a[3]), float(a[4]), int(a[5]) if len(a) > 5 else 0)
    elif len(a) >= 4 and a[0] == "owners":
        owners(a[1], float(a[2]), a[3:])
    elif len(a) >= 5 and a[0] == "until":
        until(a[1], a[2], a[3], float(a[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
