#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SeaBIOS with the iPXE NIC ROM (what every QEMU BIOS guest has) PXE-boots
# through proxyDHCP: the site's DHCP server gives the address, the PXE server
# the BIOS profile file. The ROM is iPXE (user class "iPXE"), so the profile
# has no `ipxe` key: iPXE then gets the arch file (bootaction.h), an iPXE
# script that prints the marker on the console SeaBIOS mirrors to COM1.
PXL_F_NAME=bios_ipxe
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios
pxl_f_profile default bios=bios.ipxe efi_x64=efi.ipxe
pxl_f_script bios.ipxe PXELINE-MARKER-bios
pxl_f_script efi.ipxe PXELINE-MARKER-wrong-arch
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "SeaBIOS + iPXE ROM boots the bios file" bios PXELINE-MARKER-bios "${PXL_F_BOOT_SECS:-240}"
pxl_f_finish
