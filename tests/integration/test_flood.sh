#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Floods (issue 14 item 2): spoofed RRQs from random addresses in
# 198.51.100.0/24 (random ports), then DISCOVERs from random MACs, each sent
# by build/pxl-flood (raw AF_PACKET, sendmmsg) at up to PXL_T_FLOOD_RATE
# frames/s, bounded by count and time. During each flood a bystander (atftp)
# already mid-transfer must finish with the right bytes, and a known host's
# DISCOVER must be answered (retried like a ROM). Checked: sessions never
# above tftp.max_sessions (pxectl status, sampled), the engine's VmRSS stays
# under a generous bound, and the counters say what was shed. Measured, not
# asserted ("measure:" lines, bench/README.md "Floods"): the bystander's
# goodput before and during each flood, and the bytes sent per spoofed RRQ.
PXL_T_NAME=flood
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
RATE=${PXL_T_FLOOD_RATE:-100000}
COUNT=${PXL_T_FLOOD_COUNT:-400000}
SECS=${PXL_T_FLOOD_SECONDS:-6}
MAXS=${PXL_T_FLOOD_MAX_SESSIONS:-1024}
KNOWN_MAC=52:54:00:14:00:02
BYSIZE=$((48 * 1048576))
pxl_t_init atftp curl "$PY"
pxl_t_strict || pxl_t_skip "the flood checks pxeline's own counters"
FLOOD=$PXL_BUILD/pxl-flood
PXCTL=$PXL_BUILD/pxectl
[ -x "$FLOOD" ] && [ -x "$PXCTL" ] || pxl_t_skip "pxl-flood or pxectl not built in $PXL_BUILD"

# A table a flood can fill, so "never above max_sessions" is a real bound.
eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	sed -Ei "s|^([[:space:]]*)(root[[:space:]]*[=:][[:space:]]*\"[^\"]*\";?)|\1\2\n\1max_sessions = $MAXS;|" "$cfg"
	printf '%s\n' "$cfg"
}

pxl_t_file by.bin "$BYSIZE"
rm -f "$PXL_T_WORK/state.db"	# the known host is added afresh
pxl_t_server_start
ctl() { timeout 10 "$PXCTL" -s "$PXL_T_WORK/ctl.sock" "$@"; }
# pstat NAME: one counter from `pxectl status` (-1 when missing).
pstat()
{
	ctl status 2>/dev/null | awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print -1 }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$PXL_T_SERVER_PID/status"; }

# The control socket may come up a moment after TFTP answers (bounded: 5 s).
for k in $(seq 1 25); do
	ctl host add --mac "$KNOWN_MAC" --action boot --profile default >"$PXL_T_OUT/host-add.txt" 2>&1 && break
	sleep 0.2
done
[ "$k" -lt 25 ] || pxl_t_fatal "pxectl host add failed: $(cat "$PXL_T_OUT/host-add.txt")"
SRV_MAC=$(ip -n "$PXL_T_SRV" link show "$PXL_SRV_IF" | awk '/link\/ether/ { print $2 }')
rss0=$(rss_kb)
pxl_t_log "engine pid $PXL_T_SERVER_PID ($(cat "/proc/$PXL_T_SERVER_PID/comm")), VmRSS ${rss0} kB, server MAC $SRV_MAC"

# bystander LABEL: atftp fetches by.bin (blksize 1428, window 16); prints ms.
bystander()
{
	local t0 rc=0
	t0=$(date +%s%N)
	pxl_t_atftp by.bin "$PXL_T_OUT/$1.bin" 1428 16 >"$PXL_T_OUT/$1.log" 2>&1 || rc=$?
	echo "$rc" >"$PXL_T_OUT/$1.rc"
	echo $((($(date +%s%N) - t0) / 1000000)) >"$PXL_T_OUT/$1.ms"
}
goodput() { awk -v b="$BYSIZE" -v ms="$(cat "$PXL_T_OUT/$1.ms")" 'BEGIN { printf "%.1f MiB/s", b / 1048576 / (ms / 1000) }'; }

# wait_idle SECS: until no session is left (bounded); true when none is.
wait_idle()
{
	local k
	for k in $(seq 1 $(($1 * 5))); do
		[ "$(pstat tftp_sessions_active)" -eq 0 ] && return 0
		sleep 0.2
	done
	return 1
}

# Amplification, calm: 1000 spoofed RRQs without options at 500/s (under
# every limit: no source over its rate, the table never full), then the
# bytes the engine sent until every session is gone, per RRQ.
tx0=$(pstat tx_bytes)
rrq0=$(pstat tftp_rrq)
pxl_t_in 20 "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" --dst-ip "$PXL_SRV_ADDR" \
	--mode rrq --src 198.51.100.0/24 --file by.bin --rate 500 --count 1000 --seconds 10 \
	--seed 7 >"$PXL_T_OUT/flood-amp.txt"
wait_idle 45 || pxl_t_log "sessions still open after 45 s"
n=$(($(pstat tftp_rrq) - rrq0))
b=$(($(pstat tx_bytes) - tx0))
pxl_t_log "measure: amplification: $n spoofed RRQs of 60 bytes on the wire, $b bytes sent: $(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.0f bytes per RRQ = %.1fx", n ? b / n : 0, n ? b / n / 60 : 0 }')"
# DATA 1 is 558 bytes on the wire: two copies, never a third.
pxl_t_expect "calm spoofed RRQs: at most two DATA copies each ($b bytes for $n)" \
	test "$n" -gt 0 -a "$b" -le $((n * 2 * 558))
# PXL_T_FLOOD_AMP_ONLY=1: only this measurement (for an older engine,
# PXL_ENGINE=..., whose counters the checks below would not find).
[ "${PXL_T_FLOOD_AMP_ONLY:-0}" = 1 ] && pxl_t_finish

# One source over its bucket (source_burst 100, source_rate 50): 1000 RRQs
# at 2000/s from 198.51.100.7; all but about 125 get no answer at all.
rl0=$(pstat tftp_rate_limited)
pxl_t_in 20 "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" --dst-ip "$PXL_SRV_ADDR" \
	--mode rrq --src 198.51.100.7/32 --file by.bin --rate 2000 --count 1000 --seconds 10 \
	--seed 5 >"$PXL_T_OUT/flood-one.txt"
rl=$(($(pstat tftp_rate_limited) - rl0))
pxl_t_expect "one source: RRQs over tftp.source_rate shed unanswered ($rl of 1000)" \
	test "$rl" -ge 700 -a "$rl" -le 900
pxl_t_wait_log "reason=new TFTP transfers from this address over tftp.source_rate" 5 >/dev/null &&
	pxl_t_result 1 "one source: a rate-limited log line" ||
	pxl_t_result 0 "one source: a rate-limited log line"
wait_idle 30 || true

bystander calm
pxl_t_check_copy "bystander without a flood" by.bin "$PXL_T_OUT/calm" || true
pxl_t_log "measure: bystander goodput without a flood: $(goodput calm)"

# flood_run MODE [pxl-flood args]: a bystander mid-transfer, the flood, the
# known host's DISCOVER, sessions sampled; then the bystander checked.
flood_run()
{
	local mode=$1 max=0 n k pid_by pid_fl pid_dh out rrq0
	shift
	rrq0=$(pstat tftp_rrq)
	bystander "$mode" &
	pid_by=$!
	# Into its transfer before the flood starts (bounded: 10 s).
	for k in $(seq 1 100); do
		[ "$(stat -c %s "$PXL_T_OUT/$mode.bin" 2>/dev/null || echo 0)" -gt 1048576 ] && break
		sleep 0.1
	done
	pxl_t_in $((SECS + 10)) "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" \
		--dst-ip "$PXL_SRV_ADDR" --mode "$mode" --rate "$RATE" --count "$COUNT" \
		--seconds "$SECS" --seed 14 "$@" >"$PXL_T_OUT/flood-$mode.txt" 2>&1 &
	pid_fl=$!
	# A ROM's DISCOVER, resent every 2 s: its first tries fall in the flood.
	(pxl_t_in 30 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$KNOWN_MAC" 8 \
		"$PXL_CLI_IF" || echo "discover failed") >"$PXL_T_OUT/discover-$mode.txt" 2>&1 &
	pid_dh=$!
	while kill -0 "$pid_fl" 2>/dev/null; do
		n=$(pstat tftp_sessions_active)
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.3
	done
	wait "$pid_fl" || true
	wait "$pid_by" || true
	wait "$pid_dh" || true
	out=$(tail -n 1 "$PXL_T_OUT/discover-$mode.txt")
	pxl_t_log "$mode flood: $(cat "$PXL_T_OUT/flood-$mode.txt")"
	pxl_t_expect "$mode flood: the known host's DISCOVER answered ($out)" test "${out%% *}" = offer
	pxl_t_check_copy "$mode flood: the bystander's transfer verifies" by.bin "$PXL_T_OUT/$mode" || true
	pxl_t_expect "$mode flood: sessions never above max_sessions ($max <= $MAXS)" test "$max" -le "$MAXS"
	pxl_t_log "measure: bystander goodput during the $mode flood: $(goodput "$mode")"
	FLOOD_SENT=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' "$PXL_T_OUT/flood-$mode.txt")
	FLOOD_RRQ=$(($(pstat tftp_rrq) - rrq0))
}

shed_sum() { echo $(($(pstat tftp_rate_limited) + $(pstat tftp_busy) + $(pstat tftp_reflection_capped) + $(pstat tftp_dup_rrq))); }
shed0=$(shed_sum)
flood_run rrq --src 198.51.100.0/24 --file by.bin
# Sessions end within 3 s (two copies at timeout_ms 1000 plus the backoff).
wait_idle 30 || true
pxl_t_log "measure: rrq flood: $FLOOD_RRQ RRQs reached the engine ($FLOOD_SENT sent)"
for c in tftp_rate_limited tftp_busy tftp_reflection_capped tftp_gave_up tftp_retransmits \
	tftp_dup_rrq tx_no_mbuf rx_dropped log_dropped tftp_sessions_active; do
	eval "v_$c=$(pstat $c)"
	pxl_t_log "counter $c $(eval echo "\$v_$c")"
done
# What was shed, and how: every spoofed RRQ that got a session got at most
# one retransmission, and none was abandoned after retries.
# shellcheck disable=SC2154
pxl_t_expect "rrq flood: unanswered sessions capped at two copies ($v_tftp_reflection_capped)" test "$v_tftp_reflection_capped" -gt 0
pxl_t_expect "rrq flood: no spoofed session ran to the retry limit ($v_tftp_gave_up)" test "$v_tftp_gave_up" -eq 0
pxl_t_expect "rrq flood: every session gone afterwards ($v_tftp_sessions_active)" test "$v_tftp_sessions_active" -eq 0
# Every RRQ of the flood is accounted for: shed by the rate limit or the
# full table, a session capped at two copies, or a repeat of a live one
# (random ports collide); +1 is the bystander's, which ended as done.
shed=$(($(shed_sum) - shed0))
pxl_t_expect "rrq flood: rate-limited + busy + capped + repeats account for the RRQs ($shed + 1 of $FLOOD_RRQ)" \
	test $((shed + 1)) -ge "$FLOOD_RRQ"
n=$(grep -c "over tftp.source_rate" "$PXL_T_LOG" || true)
pxl_t_expect "rrq flood: the log line rate-limited ($n lines for $v_tftp_rate_limited drops)" \
	test "$n" -le $((SECS * 2 + 4))

# Refusals are logged one line each (a real client's "file not found" is
# worth its line): a burst of them outruns the control thread's drain of the
# 4096-event log ring. No line may vanish unaccounted: each refusal is a
# line or a log_dropped count, and the engine serves on.
nf0=$(pstat tftp_not_found)
ld0=$(pstat log_dropped)
pxl_t_in 20 "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" --dst-ip "$PXL_SRV_ADDR" \
	--mode rrq --src 198.51.100.0/24 --file no-such.bin --rate "$RATE" --count 100000 \
	--seconds 3 --seed 3 >"$PXL_T_OUT/flood-refused.txt"
sleep 2
nf=$(($(pstat tftp_not_found) - nf0))
ld=$(($(pstat log_dropped) - ld0))
lines=$(grep -c 'file="no-such.bin".* end=not-found' "$PXL_T_LOG" || true)
pxl_t_log "refused flood: $(cat "$PXL_T_OUT/flood-refused.txt"); $nf refused, $lines logged, log_dropped +$ld"
pxl_t_expect "refused flood: every refusal logged or counted as log_dropped ($lines + $ld >= $nf)" \
	test $((lines + ld)) -ge "$nf" -a "$lines" -le "$nf" -a "$nf" -gt 0
pxl_t_get "curl ready.txt after the refused flood" ready.txt curl

d0=$(pstat dhcp_to_control)
flood_run discover
pxl_t_log "measure: discover flood: $(($(pstat dhcp_to_control) - d0)) DISCOVERs to the control thread, dhcp_ring_full $(pstat dhcp_ring_full), dhcp_replies_sent $(pstat dhcp_replies_sent)"

rss1=$(rss_kb)
pxl_t_log "VmRSS before ${rss0} kB, after ${rss1} kB"
pxl_t_expect "engine VmRSS grew less than 64 MiB over both floods" test $((rss1 - rss0)) -lt 65536
pxl_t_expect "server still running after the floods" pxl_t_server_alive
pxl_t_get "curl ready.txt after the floods" ready.txt curl
pxl_t_finish
