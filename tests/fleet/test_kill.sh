#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One engine killed -9 during a perfdhcp storm, and the boots still
# answered by another. ISC perfdhcp (kea-admin) as PXE clients:
#   1. a short run over 1,000 MACs: which MACs e1 owns (its log's OFFERs);
#   2. a bounded storm over the 1,000, e1 killed (-9) three seconds in;
#   3. at once, while the store still counts e1 in (ten heartbeats, 5 s),
#      one of e1's clients asks (scapy) as a PXE ROM that has been asking
#      for 4 s (secs 4, dhcp.standby_delay_ms 1500): the survivors answer
#      it as standbys (offers from them only, dhcp_standby_answers, their
#      "standby answer: owner e1" trace);
#   3b. after the storm, an avalanche over 100 of e1's clients (perfdhcp
#      resends each unanswered DISCOVER, same xid): every one answered, by
#      the survivors (their logs' OFFERs to e1's MACs);
#   4. the survivors drop e1 from the fleet (its heartbeat stops), then a
#      plain run over e1's MACs is answered in full by their new owners.
# perfdhcp numbers its xids from 0 in every run: later runs pick their MACs
# at random from a list (-M) so that no (MAC, xid) of an earlier run comes
# back (the standby rule would take it for a client still asking).
# Counts, never timings.
PXL_FL_NAME=kill
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_fl_init perfdhcp
pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_fl_start

wait_secs=$(((PXL_FL_STANDBY_MS + 999) / 1000 + 4))
perf=(-d "$wait_secs" -W $((wait_secs * 1000000)))
standby()
{
	local a b
	read -r a < <(pxl_fl_stat 2 dhcp_standby_answers)
	read -r b < <(pxl_fl_stat 3 dhcp_standby_answers)
	printf '%d\n' $((a + b))
}

read -r sent got < <(pxl_fl_perfdhcp "$PXL_F_WORK/learn.txt" -r 300 -p 4 -R 1000 \
	-b mac=02:fe:30:00:00:00 "${perf[@]}")
pxl_fl_macs_offered 1 >"$PXL_F_WORK/e1.macs"
cat <(pxl_fl_macs_offered 1) <(pxl_fl_macs_offered 2) <(pxl_fl_macs_offered 3) >"$PXL_F_WORK/all.macs"
n1=$(wc -l <"$PXL_F_WORK/e1.macs")
pxl_f_log "learning run: $sent sent, $got received; e1 offered to $n1 MACs, e2 to $(pxl_fl_macs_offered 2 | wc -l), e3 to $(pxl_fl_macs_offered 3 | wc -l)"
if [ "$n1" -lt 20 ]; then
	pxl_f_result 0 "e1 owns some of 1,000 perfdhcp MACs" "$n1 MACs"
	pxl_fl_finish
fi
both=$(cat <(pxl_fl_macs_offered 1) <(pxl_fl_macs_offered 2) <(pxl_fl_macs_offered 3) | sort | uniq -d | wc -l)
pxl_fl_expect_eq "learning run: no MAC offered by two engines" "$both" 0

s_before=$(standby)
pxl_fl_perfdhcp "$PXL_F_WORK/storm.txt" -r 300 -p 8 -M "$PXL_F_WORK/all.macs" \
	"${perf[@]}" >"$PXL_F_WORK/storm.res" &
storm=$!
sleep 3
s_kill=$(($(pxl_fl_count 2 '-> OFFER') + $(pxl_fl_count 3 '-> OFFER')))
pxl_f_log "kill -9 e1 (pid ${PXL_FL_PID[1]}) during the storm"
pxl_fl_engine_stop 1 KILL
m1=$(head -n 1 "$PXL_F_WORK/e1.macs")
pxl_fl_scapy copies "$PXL_FL_CLI_IF" "$m1" 3 2 4 >"$PXL_F_WORK/standby.txt"
s_kill_now=$(standby)
sed 's/^/    scapy: /' "$PXL_F_WORK/standby.txt"
from=$(awk '$1 == "offer" { print $2 }' "$PXL_F_WORK/standby.txt" | sort -u | tr '\n' ' ')
case $from in
"" | *"$(pxl_fl_addr 1) "*) pxl_f_result 0 "e1's client (secs 4) answered by the survivors only" "offers from: ${from:-none}" ;;
*) pxl_f_result 1 "e1's client (secs 4) answered by the survivors only" "offers from: $from" ;;
esac
if [ $((s_kill_now - s_before)) -gt 0 ] && [ "$(pxl_fl_count_all "dhcp $m1 standby answer: owner e1")" -gt 0 ]; then
	pxl_f_result 1 "the survivors answered it as standbys" "dhcp_standby_answers +$((s_kill_now - s_before)), traced"
else
	pxl_f_result 0 "the survivors answered it as standbys" "dhcp_standby_answers $s_before -> $s_kill_now"
fi
wait "$storm" || true
read -r sent got <"$PXL_F_WORK/storm.res"
s_after=$(($(pxl_fl_count 2 '-> OFFER') + $(pxl_fl_count 3 '-> OFFER')))
pxl_f_log "storm over 1,000 MACs, e1 killed 3 s in: $sent sent, $got received; survivors' OFFERs $s_kill at the kill, $s_after after"
if [ "$got" -gt 0 ] && [ "$s_after" -gt "$s_kill" ]; then
	pxl_f_result 1 "storm: the survivors go on answering after the kill" "$((s_after - s_kill)) OFFERs more"
else
	pxl_f_result 0 "storm: the survivors go on answering after the kill" "$s_kill -> $s_after"
fi

# 100 clients: a burst the engines' rings take whole.
head -n 100 "$PXL_F_WORK/e1.macs" >"$PXL_F_WORK/e1-100.macs"
offers_e1()
{
	local i n=0
	for i in 2 3; do
		n=$((n + $(grep -cFf "$PXL_F_WORK/e1-100.macs" <(grep -- '-> OFFER' "$(pxl_fl_log_of "$i")") || true)))
	done
	printf '%d\n' "$n"
}
o_before=$(offers_e1)
read -r sent got < <(PXL_FL_PERFDHCP_SECS=90 pxl_fl_perfdhcp "$PXL_F_WORK/avalanche.txt" \
	--scenario avalanche -R 100 -M "$PXL_F_WORK/e1-100.macs")
pxl_f_log "avalanche, 100 clients over e1's MACs: $sent sent, $got received"
grep -E '^(Requests|Responses|It took)' "$PXL_F_WORK/avalanche.txt" | sed 's/^/    perfdhcp: /'
pxl_fl_expect_eq "after the kill: every one of 100 clients of e1 answered (avalanche)" "$got" 100
sleep 1
o_after=$(offers_e1)
if [ $((o_after - o_before)) -ge 100 ]; then
	pxl_f_result 1 "the survivors offered to e1's clients" "$((o_after - o_before)) OFFERs in their logs"
else
	pxl_f_result 0 "the survivors offered to e1's clients" "$o_before -> $o_after OFFERs in their logs"
fi
if pxl_fl_wait_fleet e2,e3 30; then
	pxl_f_result 1 "the survivors drop e1 from the fleet (heartbeat stopped)"
else
	pxl_f_result 0 "the survivors drop e1 from the fleet (heartbeat stopped)"
fi
read -r sent got < <(pxl_fl_perfdhcp "$PXL_F_WORK/after.txt" -r 200 -p 3 -M "$PXL_F_WORK/e1.macs" "${perf[@]}")
# (xids 0..N again, MACs at random: a rare (MAC, xid) of an earlier run
# may be answered as standby; answered either way.)
if [ "$sent" -gt 0 ] && [ "$got" -eq "$sent" ]; then
	pxl_f_result 1 "e1 gone: every DISCOVER of its clients answered by the new owners" "$got of $sent"
else
	pxl_f_result 0 "e1 gone: every DISCOVER of its clients answered by the new owners" "$got of $sent"
fi
pxl_fl_finish
