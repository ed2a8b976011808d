#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# iPXE (SeaBIOS + the iPXE ROM) boots a script over IPv6: the site dnsmasq
# sends an RA with the managed flag and hands out an address by stateful
# DHCPv6 (no boot options) and IPv4 addresses by DHCP (no boot options);
# pxeline's DHCPv6 proxy (dhcp.v6) answers iPXE's SOLICIT (user class
# "iPXE") with option 59 tftp://[2001:db8::2]/boot6.ipxe, the profile's
# ipxe script, and serves it over TFTP on IPv6. Nothing names a file over
# IPv4: the engine's IPv4 proxy listens on 4011 only (dhcp.port67 = false),
# where iPXE never asks when the site's offer has no option 60 (README,
# 4011_only). Checked: the script's marker, the DHCPv6 answer's URL and the
# TFTP request over IPv6 (capture), none over IPv4.
PXL_F_NAME=ipxe_v6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios v6
PXL_F_PORT67=false
pxl_f_profile default efi_x64=ipxe.efi ipxe=boot6.ipxe
pxl_f_script boot6.ipxe PXELINE-MARKER-ipxe-v6
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "iPXE ROM gets tftp://[$PXL_F_ADDR6]/boot6.ipxe by DHCPv6 and runs it" bios \
	"PXELINE-MARKER-ipxe-v6 platform=pcbios" "${PXL_F_BOOT_SECS:-240}" || true
pxl_f_capture_expect "a DHCPv6 answer carried tftp://[$PXL_F_ADDR6]/boot6.ipxe" \
	"DHCPv6 (ADVERTISE|REPLY) .*59=\"tftp://\\[$PXL_F_ADDR6\\]/boot6.ipxe\""
pxl_f_capture_expect "iPXE asked for boot6.ipxe over TFTP on IPv6" \
	"\\]:[0-9]+ > \\[$PXL_F_ADDR6\\]:69 TFTP RRQ boot6.ipxe"
pxl_f_capture_expect "no TFTP request over IPv4" " [0-9.]+:[0-9]+ > [0-9.]+:69 TFTP RRQ" none
pxl_f_engine_expect "the engine's log: boot6.ipxe to an IPv6 client, end=done" \
	'tftp .*2001:db8::1[0-9a-f]{2}.*file="boot6.ipxe" .*end=done'
pxl_f_finish
