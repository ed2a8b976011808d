#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# OVMF (UEFI x86-64) boots over PXE on IPv6 with its IPv4 PXE switched off:
# dnsmasq is the site's router (RA, managed flag) and stateful DHCPv6 server
# (an address from 2001:db8::100-1ff, no boot options); pxeline (address6
# 2001:db8::2, dhcp.v6) answers the PXEv6 SOLICIT with option 59
# tftp://[2001:db8::2]/ipxe.efi (the profile's efi_x64) and serves it over
# TFTP on IPv6. The marker is the banner ipxe.efi prints once OVMF started
# it. The capture (boot.pcap, summarised at the end) keeps what OVMF sent:
# its DUID, the options it asked for, its TFTP requests.
PXL_F_NAME=ovmf_pxe6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init ovmf v6
pxl_f_profile default efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-ovmf-pxe6
PXL_F_QEMU_EXTRA="-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n"
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "OVMF PXEv6: efi_x64 (ipxe.efi) from tftp://[$PXL_F_ADDR6]/ipxe.efi starts" ovmf \
	"Open Source Network Boot Firmware" "${PXL_F_BOOT_SECS:-300}" || true
pxl_f_capture_expect "a DHCPv6 answer carried tftp://[$PXL_F_ADDR6]/ipxe.efi" \
	"DHCPv6 (ADVERTISE|REPLY) .*59=\"tftp://\\[$PXL_F_ADDR6\\]/ipxe.efi\""
# OVMF's own address is the site's (IA_NA from 2001:db8::100-1ff).
pxl_f_capture_expect "OVMF asked for ipxe.efi over TFTP on IPv6 from its DHCPv6 address" \
	"\\[2001:db8::1[0-9a-f]{2}\\]:[0-9]+ > \\[$PXL_F_ADDR6\\]:69 TFTP RRQ ipxe.efi"
pxl_f_engine_expect "the engine's log: ipxe.efi to an IPv6 client, end=done" \
	'tftp .*2001:db8::1[0-9a-f]{2}.*file="ipxe.efi" .*end=done'
pxl_f_finish
