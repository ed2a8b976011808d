#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Faults (issue 14 item 3), a stalled control thread and a full log ring:
# the engine's control thread (SQLite, the control socket, the log writer,
# one-shots) is stopped for STALL seconds with ptrace (stall_thread.py: that
# thread only, the workers run on). Meanwhile: a bystander's transfer
# (atftp, sha256) and a new one go on, a known host's DISCOVER is answered
# from the published snapshot, a DISCOVER flood from random MACs overflows
# the workers' log rings (log_dropped counts the lost lines), and DISCOVERs
# of an armed one-shot host, which need the control thread, fill the DHCP
# request ring (dhcp_ring_full counts them). Once it resumes: the control
# socket answers, the log writer writes again, the one-shot is taken, and
# the engine serves as before. Then a locked SQLite database (the sqlite3
# CLI holds BEGIN EXCLUSIVE): a one-shot that cannot be committed goes
# unanswered and counted (db_errors), the rest is served; released, it is
# taken. Counters and files are asserted, no timing.
PXL_T_NAME=faults_stall
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
STALL=${PXL_T_STALL_SECONDS:-8}
KNOWN_MAC=52:54:00:14:00:03
ONCE_MAC=52:54:00:14:00:04
ONCE2_MAC=52:54:00:14:00:05
BYSIZE=$((24 * 1048576))
pxl_t_init atftp curl sqlite3 "$PY"
pxl_t_strict || pxl_t_skip "checks pxeline's own counters"
FLOOD=$PXL_BUILD/pxl-flood
PXCTL=$PXL_BUILD/pxectl
[ -x "$FLOOD" ] && [ -x "$PXCTL" ] || pxl_t_skip "pxl-flood or pxectl not built in $PXL_BUILD"
PXL_T_PREFIX=pxl-t-faults-stall

pxl_t_file by.bin "$BYSIZE"
pxl_t_file during.bin 2000000
pxl_t_file after.bin 3000000
rm -f "$PXL_T_WORK/state.db"
pxl_t_server_start
ctl() { timeout 10 "$PXCTL" -s "$PXL_T_WORK/ctl.sock" "$@"; }
for k in $(seq 1 25); do
	ctl host add --mac "$KNOWN_MAC" --action boot --profile default >"$PXL_T_OUT/host.txt" 2>&1 && break
	sleep 0.2
done
[ "$k" -lt 25 ] || pxl_t_fatal "pxectl host add failed: $(cat "$PXL_T_OUT/host.txt")"
for m in "$ONCE_MAC" "$ONCE2_MAC"; do
	ctl host add --mac "$m" --action once --profile default >>"$PXL_T_OUT/host.txt" 2>&1 ||
		pxl_t_fatal "pxectl host add (once) failed: $(cat "$PXL_T_OUT/host.txt")"
done
SRV_MAC=$(ip -n "$PXL_T_SRV" link show "$PXL_SRV_IF" | awk '/link\/ether/ { print $2 }')
# The control thread is the main lcore: the process's first thread.
CTL_TID=$PXL_T_SERVER_PID
pxl_t_expect "the main thread is the engine" test "$(cat "/proc/$CTL_TID/comm")" = pxeline

read -r ld0 rf0 <<<"$(pxl_t_stat log_dropped dhcp_ring_full)"
lines0=$(wc -l <"$PXL_T_LOG")

# The bystander starts first and runs through the stall.
(b0=$(date +%s%N)
	pxl_t_atftp by.bin "$PXL_T_OUT/by.bin" 1428 16 >"$PXL_T_OUT/by.log" 2>&1
	echo $? >"$PXL_T_OUT/by.rc"
	echo $((($(date +%s%N) - b0) / 1000000)) >"$PXL_T_OUT/by.ms") &
by_pid=$!
for k in $(seq 1 100); do
	[ "$(stat -c %s "$PXL_T_OUT/by.bin" 2>/dev/null || echo 0)" -gt 1048576 ] && break
	sleep 0.1
done

"$PY" "$PXL_T_DIR/stall_thread.py" "$CTL_TID" "$STALL" >"$PXL_T_OUT/stall.txt" 2>&1 &
stall_pid=$!
for k in $(seq 1 50); do
	grep -q '^stalled' "$PXL_T_OUT/stall.txt" && break
	sleep 0.1
done
grep -q 'Operation not permitted' "$PXL_T_OUT/stall.txt" && pxl_t_skip "ptrace not permitted here"
grep -q '^stalled' "$PXL_T_OUT/stall.txt" || pxl_t_fatal "could not stall the control thread: $(cat "$PXL_T_OUT/stall.txt")"
pxl_t_log "control thread $CTL_TID stalled for $STALL s (state $(awk '/^State:/ { print $2 }' "/proc/$CTL_TID/status"))"

# While it is stalled: a DISCOVER flood (one log event each), the one-shot
# host's DISCOVERs (each a request for the control thread), then a known
# host's DISCOVER and a new transfer.
pxl_t_in 20 "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" --mode discover \
	--rate 20000 --count 12000 --seconds 3 --seed 11 >"$PXL_T_OUT/flood-log.txt" 2>&1 || true
pxl_t_in 20 "$FLOOD" --iface "$PXL_CLI_IF" --dst-mac "$SRV_MAC" --mode discover \
	--client-mac "$ONCE_MAC" --rate 5000 --count 2000 --seconds 3 --seed 12 \
	>"$PXL_T_OUT/flood-once.txt" 2>&1 || true
out=$(pxl_t_in 20 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$KNOWN_MAC" 3 \
	"$PXL_CLI_IF" 2>&1 | tail -n 1 || true)
during_state=$(awk '/^State:/ { print $2 }' "/proc/$CTL_TID/status")
pxl_t_expect "stalled: a known host's DISCOVER answered from the snapshot ($out)" test "${out%% *}" = offer
pxl_t_get "stalled: a new transfer is served" during.bin curl 1468
read -r ld rf <<<"$(pxl_t_stat log_dropped dhcp_ring_full)"
still=$(grep -q '^resumed' "$PXL_T_OUT/stall.txt" && echo no || echo yes)
pxl_t_log "stalled (still: $still, control thread state $during_state): log_dropped +$((ld - ld0)), dhcp_ring_full +$((rf - rf0)); flood: $(cat "$PXL_T_OUT/flood-log.txt"); once: $(cat "$PXL_T_OUT/flood-once.txt")"
pxl_t_expect "the checks above ran while the control thread was stopped" test "$still" = yes
pxl_t_expect "full log rings: lost lines counted (log_dropped +$((ld - ld0)))" test "$ld" -gt "$ld0"
pxl_t_expect "full DHCP request ring: counted (dhcp_ring_full +$((rf - rf0)))" test "$rf" -gt "$rf0"

wait "$by_pid" || true
by_ms=$(cat "$PXL_T_OUT/by.ms")
by_in_stall=$(grep -q '^resumed' "$PXL_T_OUT/stall.txt" && echo no || echo yes)
pxl_t_check_copy "the bystander's transfer through the stall" by.bin "$PXL_T_OUT/by" || true
pxl_t_log "measure: bystander goodput during the stall: $(awk -v b="$BYSIZE" -v ms="$by_ms" \
	'BEGIN { printf "%.1f MiB/s (%.2f s)", b / 1048576 / (ms / 1000), ms / 1000 }') (ended within the stall: $by_in_stall)"
wait "$stall_pid" || true

# Resumed: everything recovers.
pxl_t_expect "resumed: the control socket answers" ctl status
pxl_t_get "resumed: a transfer is served" after.bin curl 1468
pxl_t_expect "resumed: the log writer writes again (the transfer's line)" \
	pxl_t_wait_log 'file="after.bin".* end=done' 10
pxl_t_expect "resumed: lines written after the stall" test "$(wc -l <"$PXL_T_LOG")" -gt "$lines0"
pxl_t_expect "resumed: the log says how many lines the full ring cost" \
	pxl_t_wait_log 'warn: worker 0: [0-9]+ log events lost: its log ring was full' 5
pxl_t_expect "resumed: the one-shot was taken" \
	sh -c "timeout 10 '$PXCTL' -s '$PXL_T_WORK/ctl.sock' host show --mac '$ONCE_MAC' 2>&1 | grep -q 'once(consumed)'"
out=$(pxl_t_in 20 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$KNOWN_MAC" 3 \
	"$PXL_CLI_IF" 2>&1 | tail -n 1 || true)
pxl_t_expect "resumed: the known host's DISCOVER answered ($out)" test "${out%% *}" = offer

# A locked database: another process (the sqlite3 CLI) holds a write
# transaction on the state database. The control thread runs, but a
# one-shot cannot be committed (busy timeout): no answer for it, counted
# (db_errors); hosts answered from the snapshot and TFTP go on. Released:
# the one-shot is taken.
dbstat() { ctl status | sed -n 's/.* db_errors=\([0-9]*\).*/\1/p'; }
dbe0=$(dbstat)
rm -f "$PXL_T_OUT/unlock"
(printf 'BEGIN EXCLUSIVE;\nSELECT %s;\n' "'locked'"
	for k in $(seq 1 300); do
		[ -f "$PXL_T_OUT/unlock" ] && break
		sleep 0.1
	done
	printf 'COMMIT;\n') | sqlite3 "$PXL_T_WORK/state.db" >"$PXL_T_OUT/lock.txt" 2>&1 &
lock_pid=$!
for k in $(seq 1 50); do
	grep -q locked "$PXL_T_OUT/lock.txt" && break
	sleep 0.1
done
pxl_t_expect "locked: the sqlite3 CLI holds the database" grep -q locked "$PXL_T_OUT/lock.txt"
out=$(pxl_t_in 20 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$ONCE2_MAC" 1 \
	"$PXL_CLI_IF" 2>&1 | tail -n 1 || true)
pxl_t_expect "locked: a one-shot that cannot be committed is not answered ($out)" test "$out" = silence
out=$(pxl_t_in 20 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$KNOWN_MAC" 3 \
	"$PXL_CLI_IF" 2>&1 | tail -n 1 || true)
pxl_t_expect "locked: the known host's DISCOVER answered from the snapshot ($out)" test "${out%% *}" = offer
pxl_t_get "locked: a transfer is served" during.bin curl 1468
dbe=$(dbstat)
pxl_t_expect "locked: the failed commit counted (db_errors $dbe0 -> $dbe)" test "$dbe" -gt "$dbe0"
touch "$PXL_T_OUT/unlock"
wait "$lock_pid" || true
out=$(pxl_t_in 20 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --discover "$ONCE2_MAC" 3 \
	"$PXL_CLI_IF" 2>&1 | tail -n 1 || true)
pxl_t_expect "unlocked: the one-shot host is answered ($out)" test "${out%% *}" = offer
pxl_t_expect "unlocked: its one-shot was taken" \
	sh -c "timeout 10 '$PXCTL' -s '$PXL_T_WORK/ctl.sock' host show --mac '$ONCE2_MAC' 2>&1 | grep -q 'once(consumed)'"

pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_finish
