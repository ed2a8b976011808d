#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A one-shot reimage survives a crash: the host is added with action once
# and profile "reimage"; its first PXE boot gets the reimage profile, then
# the engine is killed with SIGKILL and restarted on the same state.db, and
# the second boot gets the profile's abort answer (abort.ipxe prints ABORT
# and hands back to the BIOS). Unknown machines would get a third marker.
# With the dnsmasq stand-in (no host inventory) the two answers are set by
# hand per phase: that only proves the harness and the payloads.
PXL_F_NAME=oneshot
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios pxectl
mac=$PXL_F_MAC_BIOS
# No `ipxe` key: the iPXE ROM gets the arch file, a marker script.
pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
pxl_f_profile reimage bios=reimage.ipxe efi_x64=reimage.ipxe abort=abort.ipxe
pxl_f_script unknown.ipxe PXELINE-MARKER-unknown
pxl_f_script reimage.ipxe PXELINE-MARKER-reimage
pxl_f_script abort.ipxe PXELINE-MARKER-ABORT 'exit 1'
pxl_f_site_dhcp_start
pxl_f_capture_start

secs=${PXL_F_BOOT_SECS:-240}
if pxl_f_strict; then
	pxl_f_server_start
	if out=$(pxl_f_pxectl host add --mac "$mac" --action once --profile reimage 2>&1); then
		pxl_f_result 1 "pxectl host add --action once" "$out"
	else
		pxl_f_result 0 "pxectl host add --action once" "$out"
	fi
	pxl_f_pxectl host list 2>&1 | sed 's/^/    pxectl: /' || true
else
	PXL_F_UNKNOWN_PROFILE=reimage
	pxl_f_server_start
fi
pxl_f_boot "first boot: reimage profile" bios PXELINE-MARKER-reimage "$secs" "$mac" || true

pxl_f_log "SIGKILL to the server, restart on the same state"
pxl_f_server_stop kill
if ! pxl_f_strict; then
	PXL_F_UNKNOWN_ACTION=abort
fi
pxl_f_server_start
pxl_f_strict && { pxl_f_pxectl host list 2>&1 | sed 's/^/    pxectl: /' || true; }
pxl_f_boot "second boot after SIGKILL: abort answer" bios PXELINE-MARKER-ABORT "$secs" "$mac" || true
pxl_f_finish
