#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A client in another subnet (198.51.100.0/24) behind a router running ISC
# dhcrelay, which forwards every request to the site DHCP server and to the
# PXE server (giaddr 198.51.100.1). The proxy answer goes back through the
# relay; TFTP is routed. SeaBIOS + iPXE ROM, then OVMF.
PXL_F_NAME=relay
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios ovmf relay
pxl_f_profile default bios=bios.ipxe efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-relay
pxl_f_script bios.ipxe PXELINE-MARKER-relay
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_relay_start
pxl_f_capture_start
secs=${PXL_F_BOOT_SECS:-300}
pxl_f_boot "SeaBIOS + iPXE ROM behind a relay" bios "PXELINE-MARKER-relay platform=pcbios" "$secs" || true
pxl_f_boot "OVMF behind a relay" ovmf "PXELINE-MARKER-relay platform=efi" "$secs" || true
pxl_f_finish
