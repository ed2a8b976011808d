#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A one-shot armed through engine A (e1) is consumed exactly once while all
# three engines hear the requests: one DISCOVER sent five times (scapy), then
# a second burst with a fresh xid. The reimage file is offered, one engine
# answers, exactly one "one-shot consumed" line is logged across the fleet,
# the store's row says consumed, every engine's pxectl sees it consumed, and
# the host's history holds one consumption.
PXL_FL_NAME=oneshot
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_fl_init scapy
pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
pxl_f_profile reimage bios=reimage.ipxe efi_x64=reimage.ipxe abort=abort.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_f_script reimage.ipxe PXELINE-MARKER-reimage
pxl_f_script abort.ipxe PXELINE-MARKER-ABORT 'exit 1'
pxl_fl_start

mac=02:fe:20:00:00:01
if out=$(pxl_fl_pxectl 1 host add --mac "$mac" --action once --profile reimage 2>&1); then
	pxl_f_result 1 "one-shot armed through e1's pxectl" "$out"
else
	pxl_f_result 0 "one-shot armed through e1's pxectl" "$out"
fi
pxl_fl_wait_host_everywhere "$mac" 'once\(armed\)' ||
	pxl_f_result 0 "every engine's pxectl sees the armed one-shot within 10 s"

burst()
{
	pxl_fl_scapy copies "$PXL_FL_CLI_IF" "$mac" 5 $(((PXL_FL_STANDBY_MS + 999) / 1000 + 3)) >"$PXL_F_WORK/$1.txt"
	sed 's/^/    scapy: /' "$PXL_F_WORK/$1.txt"
}
burst first
servers=$(awk '$1 == "offer" { print $2 }' "$PXL_F_WORK/first.txt" | sort -u | tr '\n' ' ')
pxl_fl_expect_eq "five copies of one DISCOVER: offers come from one engine" "$(wc -w <<<"$servers")" 1
pxl_fl_expect_eq "the reimage file is offered" \
	"$(awk '$1 == "offer" && $3 == "reimage.ipxe" { n++ } END { print (n > 0) }' "$PXL_F_WORK/first.txt")" 1
burst second
consumed_re="one-shot consumed"
pxl_fl_wait_count "$consumed_re" 1 10 || true
# Let every engine's log writer catch up before counting what it wrote.
sleep 1
pxl_fl_expect_eq "one 'one-shot consumed' line across the three logs" "$(pxl_fl_count_all "$consumed_re")" 1
for i in 1 2 3; do
	pxl_f_log "e$i: $(pxl_fl_count "$i" "$consumed_re") consumed, OFFERs for $mac: $(pxl_fl_count "$i" "dhcp $mac .*-> OFFER")"
done
pxl_fl_expect_eq "the store's row: consumed (once_armed false)" "$(pxl_fl_db_armed "$mac")" f
pxl_fl_wait_host_everywhere "$mac" 'once\(consumed\)' &&
	pxl_f_result 1 "every engine's pxectl sees the one-shot consumed"
hist=$(pxl_fl_pxectl 3 host history --mac "$mac" 2>&1) || true
printf '%s\n' "$hist" | head -n 20 | sed 's/^/    history (e3): /'
pxl_fl_expect_eq "the history (through e3) holds one consumption" \
	"$(grep -c 'one-shot consumed' <<<"$hist" || true)" 1
pxl_fl_finish
