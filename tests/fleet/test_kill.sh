#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One engine killed -9 during a perfdhcp storm, and the boots still
# answered by another. perfdhcp (ISC, kea-admin) first learns which MACs e1
# owns (the MACs e1's log shows it offered to, from a short run over 1,000
# clients); then a bounded storm over e1's MACs only, with e1 killed (-9)
# three seconds in; then one more run over them with e1 gone. The survivors
# answer the dead owner's clients after dhcp.standby_delay_ms (perfdhcp's
# drop time is longer): perfdhcp's received count for e1's MACs and the
# survivors' standby counters say so. Counts, never timings.
PXL_FL_NAME=kill
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_fl_init perfdhcp
pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_fl_start

standby_key=${PXL_FL_STANDBY_STAT:-dhcp_standby_answered}
wait_secs=$(((PXL_FL_STANDBY_MS + 999) / 1000 + 4))
perf=(-d "$wait_secs" -W $((wait_secs * 1000000)))

read -r sent got < <(pxl_fl_perfdhcp "$PXL_F_WORK/learn.txt" -r 300 -p 4 -R 1000 \
	-b mac=02:fe:30:00:00:00 "${perf[@]}")
pxl_fl_macs_offered 1 >"$PXL_F_WORK/e1.macs"
n1=$(wc -l <"$PXL_F_WORK/e1.macs")
pxl_f_log "learning run: $sent sent, $got received; e1 offered to $n1 MACs, e2 to $(pxl_fl_macs_offered 2 | wc -l), e3 to $(pxl_fl_macs_offered 3 | wc -l)"
if [ "$n1" -lt 20 ]; then
	pxl_f_result 0 "e1 owns some of 1,000 perfdhcp MACs" "$n1 MACs"
	pxl_fl_finish
fi
both=$(cat <(pxl_fl_macs_offered 1) <(pxl_fl_macs_offered 2) <(pxl_fl_macs_offered 3) | sort | uniq -d | wc -l)
pxl_fl_expect_eq "learning run: no MAC offered by two engines" "$both" 0

before=$(($(pxl_fl_stat 2 "$standby_key") + $(pxl_fl_stat 3 "$standby_key")))
pxl_fl_perfdhcp "$PXL_F_WORK/storm.txt" -r 300 -p 10 -M "$PXL_F_WORK/e1.macs" "${perf[@]}" \
	>"$PXL_F_WORK/storm.res" &
storm=$!
sleep 3
pxl_f_log "kill -9 e1 (pid ${PXL_FL_PID[1]}) during the storm"
pxl_fl_engine_stop 1 KILL
wait "$storm" || true
read -r sent got <"$PXL_F_WORK/storm.res"
pxl_f_log "storm over e1's MACs, e1 killed 3 s in: $sent sent, $got received"
# Allowance: what was in e1's hands (ring, socket) at the kill.
if [ "$sent" -gt 0 ] && [ $((got * 100)) -ge $((sent * 95)) ]; then
	pxl_f_result 1 "storm: >= 95 % of e1's clients answered though e1 died" "$got of $sent"
else
	pxl_f_result 0 "storm: >= 95 % of e1's clients answered though e1 died" "$got of $sent"
fi

read -r sent got < <(pxl_fl_perfdhcp "$PXL_F_WORK/after.txt" -r 200 -p 3 -M "$PXL_F_WORK/e1.macs" "${perf[@]}")
if [ "$sent" -gt 0 ] && [ "$got" -eq "$sent" ]; then
	pxl_f_result 1 "after the kill: every DISCOVER of e1's clients answered" "$got of $sent"
else
	pxl_f_result 0 "after the kill: every DISCOVER of e1's clients answered" "$got of $sent"
fi
s2=$(pxl_fl_stat 2 "$standby_key")
s3=$(pxl_fl_stat 3 "$standby_key")
pxl_f_log "survivors' $standby_key: e2 $s2, e3 $s3 (before the storm: $before in all)"
# Once the store marks e1 dead the survivors own its MACs outright, so
# only the first answers after the kill must be standby answers.
if [ "$s2" -ge 0 ] && [ "$s3" -ge 0 ] && [ $((s2 + s3 - before)) -gt 0 ]; then
	pxl_f_result 1 "the survivors answered e1's clients as standbys" "$((s2 + s3 - before)) standby answers"
else
	pxl_f_result 0 "the survivors answered e1's clients as standbys" "e2 $s2 + e3 $s3 - $before before"
fi
pxl_fl_finish
