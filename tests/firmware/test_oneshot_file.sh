#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A reimage that ends when it worked (once_until = "file:NAME"): the host
# is a once host whose profile ends the one-shot only when boot.wim has
# been served, a file this boot never fetches (the download "failed"):
# the second boot still gets the reimage profile and the record stays
# armed. Moved to a profile whose NAME is the script the boot fetches,
# the third boot's completed download takes the one-shot; after a restart
# (no same-boot grace left) the fourth boot gets the abort answer. pxeline
# only: the dnsmasq stand-in has no inventory (skipped).
PXL_F_NAME=oneshot_file
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios pxectl
pxl_f_strict || pxl_f_skip "needs pxeline's inventory (PXL_SERVER=$PXL_SERVER)"
mac=$PXL_F_MAC_BIOS
pxl_f_profile default bios=unknown.ipxe
pxl_f_profile wim bios=reimage.ipxe abort=abort.ipxe once_until=file:sources/boot.wim
pxl_f_profile script bios=reimage.ipxe abort=abort.ipxe once_until=file:reimage.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_f_script reimage.ipxe PXELINE-MARKER-reimage
pxl_f_script abort.ipxe PXELINE-MARKER-ABORT 'exit 1'
pxl_f_site_dhcp_start
pxl_f_capture_start
secs=${PXL_F_BOOT_SECS:-240}

# pxectl host show's action line for the test's MAC.
action_of()
{
	pxl_f_pxectl host show --mac "$mac" 2>&1 | sed -n 's/^action: //p'
}

# Waits up to 10 s for the record to read $1; 0 when it did.
wait_action()
{
	local i
	for i in $(seq 1 50); do
		[ "$(action_of)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

pxl_f_server_start
out=$(pxl_f_pxectl host add --mac "$mac" --action once --profile wim 2>&1) && ok=1 || ok=0
pxl_f_result "$ok" "pxectl host add --action once --profile wim" "$out"
pxl_f_boot "first boot: reimage profile" bios PXELINE-MARKER-reimage "$secs" "$mac" || true
pxl_f_boot "second boot, boot.wim never served: reimage again" bios PXELINE-MARKER-reimage \
	"$secs" "$mac" || true
wait_action "once(armed)" && ok=1 || ok=0
pxl_f_result "$ok" "still armed after two boots without boot.wim" "$(action_of)"

out=$(pxl_f_pxectl host set --mac "$mac" --profile script 2>&1) && ok=1 || ok=0
pxl_f_result "$ok" "pxectl host set --profile script" "$out"
pxl_f_boot "third boot: reimage, its script served completely" bios PXELINE-MARKER-reimage \
	"$secs" "$mac" || true
wait_action "once(consumed)" && ok=1 || ok=0
pxl_f_result "$ok" "taken once reimage.ipxe was served" "$(action_of)"

pxl_f_log "restart: no same-boot grace left"
pxl_f_server_stop
pxl_f_server_start
pxl_f_boot "fourth boot: abort answer" bios PXELINE-MARKER-ABORT "$secs" "$mac" || true
pxl_f_finish
