#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real firmware boots through the fleet: SeaBIOS + iPXE ROM, then OVMF with
# its own PXE, each to the marker its script prints, while three engines on
# the bridge hear every DISCOVER. Exactly one engine answers each machine
# (the owner of its MAC): OFFERs are counted per engine in their logs.
PXL_FL_NAME=firmware
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_fl_init bios ovmf
# The iPXE ROM and OVMF's ipxe.efi both end at the ipxe script: its
# marker names the platform.
pxl_f_profile default bios=undionly.kpxe efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-fleet
pxl_fl_start
pxl_f_capture_start

# one_answers LABEL MAC: exactly one engine logged OFFERs for MAC.
one_answers()
{
	local label=$1 mac=$2 counts n=0 c
	counts=$(pxl_fl_offers "$mac")
	for c in $counts; do
		[ "$c" -gt 0 ] && n=$((n + 1))
	done
	if [ "$n" = 1 ]; then
		pxl_f_result 1 "$label: exactly one engine offered" "OFFERs per engine e1 e2 e3: $counts"
	else
		pxl_f_result 0 "$label: exactly one engine offered" "OFFERs per engine e1 e2 e3: $counts"
	fi
}

pxl_f_boot "SeaBIOS + iPXE ROM boots through the fleet" bios "PXELINE-MARKER-fleet platform=pcbios" \
	"${PXL_F_BOOT_SECS:-180}" || true
one_answers bios "$PXL_F_MAC_BIOS"
pxl_f_boot "OVMF boots through the fleet (ipxe.efi, then the script)" ovmf \
	"PXELINE-MARKER-fleet platform=efi" "${PXL_F_BOOT_SECS:-240}" || true
one_answers ovmf "$PXL_F_MAC_OVMF"
pxl_fl_finish
