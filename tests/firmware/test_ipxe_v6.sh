#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# iPXE (SeaBIOS + the iPXE ROM) boots a script over IPv6. The site dnsmasq
# is the router: an RA with O=1 and no M (SLAAC, other configuration by
# DHCPv6), IPv4 addresses by DHCP, no boot options, and (with pxeline) no
# DHCPv6 answers of its own. iPXE then sends an Information-request, and
# pxeline's DHCPv6 proxy (dhcp.v6) answers it (user class "iPXE") with
# option 59 tftp://[2001:db8::2]/boot6.ipxe, the profile's ipxe script,
# served over TFTP on IPv6. With a stateful site server (M=1) iPXE takes
# the site's Advertise, the first with an address, and uses only that
# server's options: a proxy beside it cannot name iPXE's file (README).
# Nothing names a file over IPv4: the engine's IPv4 proxy listens on 4011
# only (dhcp.port67 = false), where iPXE never asks when the site's offer
# has no option 60 (README, 4011_only). Checked: the script's marker, the
# DHCPv6 answer's URL and the TFTP request over IPv6 (capture), none over
# IPv4, the engine's TFTP line.
PXL_F_NAME=ipxe_v6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios v6
PXL_F_PORT67=false
PXL_F_SITE6=stateless
pxl_f_profile default efi_x64=ipxe.efi ipxe=boot6.ipxe
pxl_f_script boot6.ipxe PXELINE-MARKER-ipxe-v6
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
pxl_f_boot "iPXE ROM gets tftp://[$PXL_F_ADDR6]/boot6.ipxe by DHCPv6 (Information-request) and runs it" bios \
	"PXELINE-MARKER-ipxe-v6 platform=pcbios" "${PXL_F_BOOT_SECS:-240}" || true
pxl_f_capture_expect "a DHCPv6 answer carried tftp://[$PXL_F_ADDR6]/boot6.ipxe" \
	"DHCPv6 (ADVERTISE|REPLY) .*59=\"tftp://\\[$PXL_F_ADDR6\\]/boot6.ipxe\""
pxl_f_capture_expect "iPXE asked for boot6.ipxe over TFTP on IPv6" \
	"\\]:[0-9]+ > \\[$PXL_F_ADDR6\\]:69 TFTP RRQ boot6.ipxe"
pxl_f_capture_expect "no TFTP request over IPv4" " [0-9.]+:[0-9]+ > [0-9.]+:69 TFTP RRQ" none
pxl_f_engine_expect "the engine's log: boot6.ipxe to an IPv6 client, end=done" \
	'tftp .*\[2001:db8::[0-9a-f:]+\]:[0-9]+ file="boot6.ipxe" .*end=done'
pxl_f_finish
