#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# OVMF (UEFI x86-64) boots over UEFI HTTP Boot with its PXE switched off:
# dnsmasq (the site) hands out the address only, pxeline answers the
# HTTPClient DISCOVER with http://192.0.2.2/ipxe.efi (the profile's
# http_efi_x64) and serves it over HTTP through the TAP exception path;
# ipxe.efi then asks as iPXE and gets the profile's script over TFTP,
# which prints the marker. The engine's log keeps what OVMF sent (the
# DHCP trace: options 60/93; the http line: URI, User-Agent).
PXL_F_NAME=ovmf-http
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init ovmf
pxl_f_profile default efi_x64=ipxe.efi http_efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-ovmf-http
PXL_F_EXTRA_CFG='http_boot = { port = 80; };'
PXL_F_QEMU_EXTRA="-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n"
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "OVMF HTTP Boot: http_efi_x64 (ipxe.efi) over HTTP, then the ipxe script" ovmf \
	"PXELINE-MARKER-ovmf-http platform=efi" "${PXL_F_BOOT_SECS:-300}"
log=$PXL_F_WORK/server.log
pxl_f_log "what OVMF sent:"
grep -aE 'dhcp .*class="HTTPClient|http .*file=' "$log" | head -n 4 | sed 's/^/    /'
if grep -aqE 'http [0-9a-f:?]+ [0-9.]+:[0-9]+ file="ipxe.efi" bytes=([0-9]+)/\1 .*status=200 end=done' "$log"; then
	pxl_f_result 1 "ipxe.efi came over HTTP, whole"
else
	pxl_f_result 0 "ipxe.efi came over HTTP, whole" "no http line for it in the engine's log"
fi
if grep -aq 'HTTP Boot efi-x64-http file ipxe.efi -> OFFER file=http://192.0.2.2/ipxe.efi' "$log"; then
	pxl_f_result 1 "proxy OFFER carried http://192.0.2.2/ipxe.efi for arch 16"
else
	pxl_f_result 0 "proxy OFFER carried http://192.0.2.2/ipxe.efi for arch 16"
fi
pxl_f_finish
