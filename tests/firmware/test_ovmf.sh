#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# OVMF (UEFI x86-64) PXE-boots with its own PXE base code (virtio-net with
# no option ROM): proxyDHCP hands it the profile's efi_x64 file, Debian's
# ipxe.efi; iPXE then asks again with user class "iPXE" and gets the
# profile's ipxe script, which prints the marker on the EFI console (COM1).
PXL_F_NAME=ovmf
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init ovmf
pxl_f_profile default bios=undionly.kpxe efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-ovmf
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "OVMF boots efi_x64 (ipxe.efi), then the ipxe script" ovmf \
	"PXELINE-MARKER-ovmf platform=efi" "${PXL_F_BOOT_SECS:-300}"
pxl_f_finish
