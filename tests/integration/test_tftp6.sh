#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# TFTP over IPv6 to interfaces[].address6 (2001:db8::2/64) from the client
# namespace's kernel (2001:db8::10), kernel offloads on (its UDP checksums
# arrive partial, as over IPv4):
#   1. curl tftp://[2001:db8::2]/ at blksize 512, 1456 and 8192 (above the
#      MTU: IPv6 fragments, reassembled by the client's kernel), sizes
#      1/511/512/513 bytes, 1 MiB, 40 MiB (blksize 512: 81920 blocks, the
#      block number rolls over); tftp-hpa's `tftp -6` (no options, 512);
#      busybox tftp; atftp with windowsize 1/4/16; every copy checked by
#      sha256. 40 MiB by curl over IPv4 and IPv6 at 1456 and 8192, rates
#      logged side by side (the same engine serves both families).
#   2. a missing file gets ERROR 1 and a traversal ERROR 2 (curl's exit
#      code and the engine's log line with the [address]:port).
#   3. a client killed mid-transfer: its kernel's ICMPv6 port unreachable
#      ends the session at once (end=unreachable), as ICMP does over IPv4.
#   4. counters: IPv6 sessions, fragments sent, partial checksums taken.
PXL_T_NAME=tftp6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl tftp busybox atftp
pxl_t_strict || pxl_t_skip "TFTP over IPv6 to address6 is pxeline's own"

ADDR6=2001:db8::2
CLI6=2001:db8::10
PXL_T_PREFIX="pxl-t-tftp6-$PXL_T_ID"
PXL_T_ADDRESS6="$ADDR6/64"
pxl_t_client_ipv6 "$CLI6/64"

for s in 0 1 511 512 513; do
	pxl_t_file "f$s.bin" "$s"
done
pxl_t_file f1m.bin 1048576
pxl_t_file f40m.bin 41943040
pxl_t_server_start
pxl_t_wait_log "ipv6 $ADDR6 port=0 ready" 10 >/dev/null ||
	pxl_t_fatal "address6 $ADDR6 never passed DAD"
PXL_T_HOST=$ADDR6
read -r frags0 <<<"$(pxl_t_stat tx_fragments6)"

# ---- 1. every client, every size ----
# curl stops with exit 71 on an empty file (as over IPv4): size 0 is
# tftp-hpa's and busybox's.
for s in 1 511 512 513; do
	for b in 512 1456 8192; do
		pxl_t_get "curl -6 f$s blksize $b" "f$s.bin" curl "$b"
	done
	pxl_t_get "tftp-hpa -6 f$s" "f$s.bin" tftphpa
	pxl_t_get "busybox -6 f$s blksize 1456" "f$s.bin" busybox 1456
done
for s in 0 1 513; do
	pxl_t_get "atftp -6 f$s blksize 1456 window 4" "f$s.bin" atftp 1456 4
done
pxl_t_get "tftp-hpa -6 f0" f0.bin tftphpa
pxl_t_get "busybox -6 f0" f0.bin busybox 512
for b in 512 1456 8192; do
	pxl_t_get "curl -6 1MiB blksize $b" f1m.bin curl "$b"
done
pxl_t_get "tftp-hpa -6 1MiB" f1m.bin tftphpa
pxl_t_get "busybox -6 1MiB blksize 8192" f1m.bin busybox 8192
for w in 1 4 16; do
	pxl_t_get "atftp -6 1MiB blksize 1456 window $w" f1m.bin atftp 1456 "$w"
done
pxl_t_get "atftp -6 1MiB blksize 8192 window 16" f1m.bin atftp 8192 16
PXL_T_RATE=1
for b in 1456 8192; do
	pxl_t_get "curl -6 40MiB blksize $b" f40m.bin curl "$b"
	PXL_T_HOST='' pxl_t_get "curl -4 40MiB blksize $b" f40m.bin curl "$b"
done
PXL_T_RATE=0
pxl_t_get "atftp -6 40MiB blksize 512 window 16 (rollover)" f40m.bin atftp 512 16
pxl_t_get "curl -6 40MiB blksize 512 (rollover)" f40m.bin curl 512

# ---- 2. errors over IPv6 ----
rc=0
pxl_t_in 20 curl -s -o /dev/null "tftp://[$ADDR6]/missing.bin" || rc=$?
# curl: 68 = "file not found" (TFTP ERROR 1)
pxl_t_expect "missing file: curl exit 68 (ERROR 1)" [ "$rc" = 68 ]
pxl_t_expect "missing file logged with the [address]:port" \
	pxl_t_wait_log "\\[$CLI6\\]:[0-9]+ file=\"missing.bin\".* end=not-found" 5
rc=0
pxl_t_in 20 curl -s -o /dev/null --path-as-is "tftp://[$ADDR6]/../../etc/passwd" || rc=$?
# curl: 69 = "permission problem" (TFTP ERROR 2)
pxl_t_expect "traversal: curl exit 69 (ERROR 2)" [ "$rc" = 69 ]
pxl_t_expect "traversal refused with ERROR 2 in the log" \
	pxl_t_wait_log "\\[$CLI6\\]:[0-9]+ file=\"../../etc/passwd\" refused error=2" 5
pxl_t_expect "a completed transfer's line names [$CLI6]:port" \
	pxl_t_wait_log "tftp [0-9a-f:]+ \\[$CLI6\\]:[0-9]+ file=\"f1m.bin\".* end=done" 5

# ---- 3. the client's kernel says port unreachable ----
read -r un0 <<<"$(pxl_t_stat tftp_unreachable)"
pxl_t_in 30 curl -s --tftp-blksize 512 -o /dev/null "tftp://[$ADDR6]/f40m.bin" &
curl_pid=$!
sleep 0.5
# curl itself (the background shell's timeout's child), by its process id.
for t in $(pgrep -P "$curl_pid" || true); do
	for c in $(pgrep -P "$t" || true); do
		kill -KILL "$c" 2>/dev/null || true
	done
done
wait "$curl_pid" 2>/dev/null || true
pxl_t_expect "killed client: ICMPv6 port unreachable ends its session (log)" \
	pxl_t_wait_log "\\[$CLI6\\]:[0-9]+ file=\"f40m.bin\" blksize=512 .*detail=ICMP port unreachable" 10
read -r un1 <<<"$(pxl_t_stat tftp_unreachable)"
pxl_t_expect "tftp_unreachable counted ($un0 -> $un1)" [ "$((un1 - un0))" -ge 1 ]

# ---- 4. counters ----
read -r s6 f6 d6 partial frx <<<"$(pxl_t_stat tftp_sessions6 tx_fragments6 tx_datagrams6 \
	rx_csum_partial ipv6_rx_fragments)"
pxl_t_log "counters: tftp_sessions6=$s6 tx_fragments6=$f6 tx_datagrams6=$d6 rx_csum_partial=$partial ipv6_rx_fragments=$frx"
pxl_t_expect "every IPv6 transfer a session ($s6 >= 39)" [ "${s6:-0}" -ge 39 ]
pxl_t_expect "blksize 8192 sent as IPv6 fragments ($((f6 - frags0)))" \
	[ "$((f6 - frags0))" -gt 5000 ]
pxl_t_expect "the client kernel's partial UDP/IPv6 checksums accepted ($partial)" \
	[ "${partial:-0}" -gt 0 ]

pxl_t_finish
