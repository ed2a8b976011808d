#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pxeline with dhcp.port67 = false beside a site DHCP server that sends
# option 60 "PXEClient" itself (as a DHCP server is set up next to WDS) and
# next-server (siaddr) 192.0.2.2. No proxy offer comes on 67, so the
# firmware must ask on port 4011. OVMF asks siaddr (EDK2's BINL path) and
# boots the efi_x64 file from there: the marker is the banner ipxe.efi
# prints (OVMF runs no iPXE of its own here). iPXE (the BIOS ROM, and
# ipxe.efi for its second stage) asks option 54's address, the site DHCP
# server, so it cannot reach a 4011-only proxy on another host: that boot
# is run with PXL_F_4011_BIOS=1 and reported as informative (README).
PXL_F_NAME=4011_only
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios ovmf
PXL_F_PORT67=false
pxl_f_profile default bios=bios.ipxe efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-4011
pxl_f_script bios.ipxe PXELINE-MARKER-4011
pxl_f_site_dhcp_start --dhcp-option-force=60,PXEClient --dhcp-boot=,,192.0.2.2
pxl_f_server_start
pxl_f_capture_start
secs=${PXL_F_BOOT_SECS:-300}
pxl_f_boot "OVMF gets efi_x64 from the proxy on 4011 (ipxe.efi starts)" ovmf \
	"Open Source Network Boot Firmware" "$secs" || true
if [ "${PXL_F_4011_BIOS:-0}" = 1 ]; then
	PXL_F_INFORMATIVE="iPXE asks option 54's server, 192.0.2.1, on 4011"
	pxl_f_boot "SeaBIOS + iPXE ROM, proxy on 4011 only" bios "PXELINE-MARKER-4011" "$secs" || true
	PXL_F_INFORMATIVE=
fi
pxl_f_finish
