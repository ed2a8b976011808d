#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reload while serving. A 300 MiB transfer (curl, lock-step) runs while
# `pxectl reload` applies new profiles and TFTP timers three times: it
# completes and its sha256 matches, and the log says "reloaded" three times.
# Then the next PXE DISCOVER (scapy, pxe_discover.py) gets the new profile's
# file; a broken file changes nothing and its errors come as FILE:LINE in
# pxectl's output and the log; a change that needs a restart is refused
# naming the key; SIGHUP reloads too. pxectl status shows a fleet of one.
# The engine runs with a fake NOTIFY_SOCKET (READY=1, RELOADING=1,
# WATCHDOG=1, STOPPING=1 must arrive)
# and JOURNAL_STREAM naming its log file (lines must start "<6>").
PXL_T_NAME=reload
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl
pxl_t_strict || pxl_t_skip "reload is pxeline's own"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || pxl_t_skip "python3-scapy not installed"
PXECTL=$(dirname "$PXL_T_ENGINE")/pxectl
[ -x "$PXECTL" ] || pxl_t_skip "pxectl not built"

big=314572800
pxl_t_file big.bin "$big"
pxl_t_file small.bin 4096
CFG=$(pxl_t_engine_cfg)
cp "$CFG" "$PXL_T_WORK/base.cfg"
PXL_T_CFG=$CFG
SOCK=$PXL_T_WORK/ctl.sock

# A fake service manager: every datagram the engine sends, one per line.
NOTES=$PXL_T_WORK/notify.txt
NSOCK=$PXL_T_WORK/notify.sock
rm -f "$NSOCK" "$NOTES"
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(600)
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        f.write(d.decode(errors="replace").replace("\n", " | ") + "\n")
' "$NSOCK" "$NOTES" &
NOTIFY_PID=$!
for _ in $(seq 50); do [ -S "$NSOCK" ] && break; sleep 0.1; done
: >"$PXL_T_LOG"
export NOTIFY_SOCKET=$NSOCK WATCHDOG_USEC=400000
JOURNAL_STREAM=$(stat -c '%d:%i' "$PXL_T_LOG")
export JOURNAL_STREAM
export PXL_T_CFG
pxl_t_server_start
unset NOTIFY_SOCKET WATCHDOG_USEC JOURNAL_STREAM

ctl()
{
	timeout 30 "$PXECTL" -s "$SOCK" "$@"
}

discover()
{
	pxl_t_in 20 "$PXL_T_DIR/pxe_discover.py" "$PXL_CLI_IF" "$1" 3 || echo error
}

got=$(discover 52:54:00:0b:00:01)
pxl_t_result "$([ "$got" = "offer undionly.kpxe" ] && echo 1 || echo 0)" \
	"DISCOVER before reload gets the default profile" "$got"
# One engine (SQLite) is a fleet of one, itself (state.engine's default):
# it owns every MAC, holds nothing.
ctl status >"$PXL_T_OUT/status.txt" 2>&1 || true
pxl_t_expect "pxectl status: a fleet of one, this engine" \
	grep -qxE "fleet: members=([^ ,]+) self=\1 standby_delay_ms=1500" "$PXL_T_OUT/status.txt"
pxl_t_expect "pxectl status: nothing held, no standby answer" \
	sh -c "grep -qx 'dhcp_held 0' '$PXL_T_OUT/status.txt' && grep -qx 'dhcp_standby_answers 0' '$PXL_T_OUT/status.txt'"

# The new file: a second profile for unknown clients, a shorter timer.
sed -E -e 's|^([[:space:]]*)profile = "default";|\1profile = "winpe";|' \
	-e 's|^profiles = \(|profiles = (\n\t{ name = "winpe"; bios = "wdsnbp.com"; },|' \
	-e "s|^([[:space:]]*)(root[[:space:]]*=[[:space:]]*\"[^\"]*\";)|\1\2\n\1timeout_ms = 200;|" \
	"$PXL_T_WORK/base.cfg" >"$PXL_T_WORK/new.cfg"
grep -q wdsnbp "$PXL_T_WORK/new.cfg" && grep -q 'timeout_ms = 200' "$PXL_T_WORK/new.cfg" ||
	pxl_t_fatal "could not write the new config"

out=$PXL_T_OUT/big
(pxl_t_curl big.bin "$out.bin" 1428 >"$out.log" 2>&1; echo $? >"$out.rc") &
xfer=$!
# The transfer is under way once bytes arrive.
for _ in $(seq 100); do [ -s "$out.bin" ] && break; sleep 0.1; done

# Three reloads in flight: new, back to base, new again.
for f in new base new; do
	cp "$PXL_T_WORK/$f.cfg" "$CFG"
	ctl reload >"$PXL_T_OUT/reload-$f.txt" 2>&1 || echo "rc=$?" >>"$PXL_T_OUT/reload-$f.txt"
	sleep 0.5
done
in_flight=0
kill -0 "$xfer" 2>/dev/null && in_flight=1
pxl_t_result "$in_flight" "the 300 MiB transfer was still running after the reloads"
pxl_t_expect "pxectl reload prints what changed" \
	grep -q "reloaded: profiles (1 -> 2), tftp.timeout_ms 1000 -> 200" "$PXL_T_OUT/reload-new.txt"
pxl_t_expect "pxectl reload back prints the reverse" \
	grep -q "reloaded: profiles (2 -> 1), tftp.timeout_ms 200 -> 1000" "$PXL_T_OUT/reload-base.txt"
wait "$xfer" || true
pxl_t_check_copy "300 MiB transfer across three reloads (sha256)" big.bin "$out" || true
n=$(grep -c 'info: reloaded: ' "$PXL_T_LOG" || true)
pxl_t_result "$([ "$n" -eq 3 ] && echo 1 || echo 0)" "the log says reloaded 3 times" "$n"

got=$(discover 52:54:00:0b:00:02)
pxl_t_result "$([ "$got" = "offer wdsnbp.com" ] && echo 1 || echo 0)" \
	"DISCOVER after reload gets the new profile" "$got"

# A broken file: two errors, both FILE:LINE; nothing changes.
cp "$PXL_T_WORK/new.cfg" "$CFG"
sed -Ei -e 's|timeout_ms = 200;|timeout_ms = 5;|' -e 's|bios = "wdsnbp.com";|bios = 42;|' "$CFG"
l1=$(grep -n 'timeout_ms = 5;' "$CFG" | cut -d: -f1)
l2=$(grep -n 'bios = 42;' "$CFG" | cut -d: -f1)
rc=0
ctl reload >"$PXL_T_OUT/reload-bad.txt" 2>&1 || rc=$?
pxl_t_result "$([ "$rc" -ne 0 ] && echo 1 || echo 0)" "pxectl reload of a broken file exits non-zero" "exit $rc"
pxl_t_expect "pxectl shows $CFG:$l1: (timeout_ms)" grep -q "^$CFG:$l1: tftp.timeout_ms = 5" "$PXL_T_OUT/reload-bad.txt"
pxl_t_expect "pxectl shows $CFG:$l2: (bios)" grep -q "^$CFG:$l2: .*bios must be a string" "$PXL_T_OUT/reload-bad.txt"
pxl_t_expect "the log has both errors with FILE:LINE" \
	sh -c "grep -q 'error: reload $CFG:$l1: ' '$PXL_T_LOG' && grep -q 'error: reload $CFG:$l2: ' '$PXL_T_LOG'"
got=$(discover 52:54:00:0b:00:03)
pxl_t_result "$([ "$got" = "offer wdsnbp.com" ] && echo 1 || echo 0)" \
	"after the broken file nothing changed" "$got"

# A key that needs a restart: refused, named.
sed -E 's|^([[:space:]]*)(socket[[:space:]]*=[[:space:]]*)"[^"]*"|\1\2"'"$PXL_T_WORK"'/other.sock"|' \
	"$PXL_T_WORK/new.cfg" >"$CFG"
sed -Ei 's|size_mb = 128;|size_mb = 64;|' "$CFG"
rc=0
ctl reload >"$PXL_T_OUT/reload-restart.txt" 2>&1 || rc=$?
pxl_t_result "$([ "$rc" -ne 0 ] && echo 1 || echo 0)" "a change that needs a restart is refused" "exit $rc"
pxl_t_expect "the refusal names cache.size_mb and control.socket" \
	sh -c "grep -q 'refused: needs a restart: cache.size_mb 128 -> 64, control.socket' '$PXL_T_OUT/reload-restart.txt'"
pxl_t_expect "the engine still answers on its socket" ctl status

# SIGHUP reloads the file too (back to base: the default profile again).
cp "$PXL_T_WORK/base.cfg" "$CFG"
kill -HUP "$PXL_T_SERVER_PID"
for _ in $(seq 50); do
	[ "$(grep -c 'info: reloaded: ' "$PXL_T_LOG" || true)" -ge 4 ] && break
	sleep 0.1
done
got=$(discover 52:54:00:0b:00:04)
pxl_t_result "$([ "$got" = "offer undionly.kpxe" ] && echo 1 || echo 0)" \
	"SIGHUP reload: the default profile again" "$got"
pxl_t_get "TFTP after all the reloads" small.bin curl 1428

pxl_t_server_stop
sleep 0.3
kill "$NOTIFY_PID" 2>/dev/null || true
wait "$NOTIFY_PID" 2>/dev/null || true
pxl_t_expect "sd_notify: READY=1 with STATUS= at start-up" grep -q '^READY=1 | STATUS=serving' "$NOTES"
n=$(grep -c '^RELOADING=1' "$NOTES" || true)
pxl_t_result "$([ "$n" -eq 6 ] && echo 1 || echo 0)" "sd_notify: RELOADING=1 for each of the 6 reloads asked" "$n"
pxl_t_expect "sd_notify: WATCHDOG=1" grep -q '^WATCHDOG=1' "$NOTES"
pxl_t_expect "sd_notify: STOPPING=1" grep -q '^STOPPING=1' "$NOTES"
pxl_t_expect "journal format: <6> heads, no timestamp" grep -q '^<6>info: pxeline serving' "$PXL_T_LOG"
pxl_t_expect "journal format: errors at <3>" grep -q '^<3>error: reload ' "$PXL_T_LOG"
pxl_t_finish
