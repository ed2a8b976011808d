#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# PostgreSQL stopped and restarted mid-run. Five hosts (added through the
# three engines) and one armed one-shot are in the store; then the cluster
# stops (fast: sessions cut, as in an outage). The engines go on answering
# the hosts from their snapshots, and hold the one-shot (no reimage answer,
# nothing consumed, said in the log). The cluster starts again: the
# engines reconnect by themselves, the one-shot is consumed exactly once,
# and every host is still there, in the store and in every engine's pxectl.
PXL_FL_NAME=pg_restart
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_fl_init scapy
pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
pxl_f_profile known bios=known.ipxe efi_x64=known.ipxe
pxl_f_profile reimage bios=reimage.ipxe efi_x64=reimage.ipxe abort=abort.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_f_script known.ipxe PXELINE-MARKER-known
pxl_f_script reimage.ipxe PXELINE-MARKER-reimage
pxl_f_script abort.ipxe PXELINE-MARKER-ABORT 'exit 1'
pxl_fl_start

hosts=()
for k in 1 2 3 4 5; do
	mac=$(printf '02:fe:40:00:00:%02x' "$k")
	hosts+=("$mac")
	pxl_fl_pxectl $(((k - 1) % 3 + 1)) host add --mac "$mac" --action boot --profile known >/dev/null ||
		pxl_f_result 0 "host $mac added through e$(((k - 1) % 3 + 1))"
done
once=02:fe:40:00:00:99
pxl_fl_pxectl 1 host add --mac "$once" --action once --profile reimage >/dev/null ||
	pxl_f_result 0 "one-shot $once armed through e1"
for mac in "${hosts[@]}"; do
	pxl_fl_wait_host_everywhere "$mac" 'known' || pxl_f_result 0 "every engine sees $mac"
done
pxl_fl_wait_host_everywhere "$once" 'once\(armed\)' || pxl_f_result 0 "every engine sees $once armed"
pxl_fl_expect_eq "the store holds the six hosts" "$(pxl_fl_db_hosts)" 6
consumed_re="one-shot consumed"

# known_answered TAG: every host offered known.ipxe, each by one engine.
known_answered()
{
	local tag=$1 f=$PXL_F_WORK/$1.txt good twice
	pxl_fl_scapy owners "$PXL_FL_CLI_IF" $(((PXL_FL_STANDBY_MS + 999) / 1000 + 3)) "${hosts[@]}" >"$f"
	sed 's/^/    scapy: /' "$f"
	good=$(awk '$3 == "known.ipxe" { print $1 }' "$f" | sort -u | wc -l)
	twice=$(awk '$2 != "silence" { print $1 }' "$f" | sort | uniq -d | wc -l)
	pxl_fl_expect_eq "$tag: the five hosts offered known.ipxe" "$good" 5
	pxl_fl_expect_eq "$tag: no host offered by two engines" "$twice" 0
}

pxl_f_log "PostgreSQL stops"
pxl_pg_stop
known_answered "PostgreSQL down"
pxl_fl_scapy copies "$PXL_FL_CLI_IF" "$once" 4 $(((PXL_FL_STANDBY_MS + 999) / 1000 + 3)) >"$PXL_F_WORK/held.txt"
sed 's/^/    scapy: /' "$PXL_F_WORK/held.txt"
pxl_fl_expect_eq "PostgreSQL down: the one-shot's reimage file is not offered" \
	"$(grep -c ' reimage.ipxe$' "$PXL_F_WORK/held.txt" || true)" 0
sleep 1
pxl_fl_expect_eq "PostgreSQL down: nothing consumed" "$(pxl_fl_count_all "$consumed_re")" 0
held=$(pxl_fl_count_all "state store unreachable: one-shot for $once held")
pxl_f_log "log lines on the held one-shot: $held"
grep -h -E "one-shot for $once held|unreachable: answering from the snapshot" \
	"$(pxl_fl_log_of 1)" "$(pxl_fl_log_of 2)" "$(pxl_fl_log_of 3)" | head -n 4 | cut -c 1-200 |
	sed 's/^/    log: /'
if [ "$held" -gt 0 ]; then
	pxl_f_result 1 "PostgreSQL down: the engines say they hold the one-shot" "$held lines"
else
	pxl_f_result 0 "PostgreSQL down: the engines say they hold the one-shot" "no log line"
fi

pxl_f_log "PostgreSQL starts again"
pxl_pg_start_again || pxl_f_fatal "PostgreSQL did not start again"
pxl_fl_wait_fleet e1,e2,e3 30 || pxl_f_result 0 "the engines heartbeat again after the restart"
res=$(pxl_fl_scapy until "$PXL_FL_CLI_IF" "$once" reimage.ipxe 30)
printf '%s\n' "$res" | tail -n 3 | sed 's/^/    scapy: /'
pxl_fl_expect_eq "after the restart: the one-shot's reimage file is offered (bounded wait 30 s)" \
	"$(tail -n 1 <<<"$res" | cut -d' ' -f1)" answered
# More copies after it was taken: within the grace window or as consumed,
# never a second consumption.
pxl_fl_scapy copies "$PXL_FL_CLI_IF" "$once" 3 2 >/dev/null
pxl_fl_wait_count "$consumed_re" 2 3 || true
pxl_fl_expect_eq "after the restart: exactly one 'one-shot consumed' line across the fleet" \
	"$(pxl_fl_count_all "$consumed_re")" 1
pxl_fl_expect_eq "the store's row: consumed" "$(pxl_fl_db_armed "$once")" f
known_answered "after the restart"
pxl_fl_expect_eq "nothing lost: the store holds the six hosts" "$(pxl_fl_db_hosts)" 6
for i in 1 2 3; do
	n=$(pxl_fl_pxectl "$i" host list 2>/dev/null | grep -c '02:fe:40:00:00:' || true)
	pxl_fl_expect_eq "nothing lost: e$i's pxectl lists the six hosts" "$n" 6
done
pxl_fl_finish
