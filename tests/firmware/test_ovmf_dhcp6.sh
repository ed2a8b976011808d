#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# OVMF's PXEv6 takes its boot file from pxeline's DHCPv6 proxy beside the
# site's DHCPv6 server (dnsmasq: addresses and RA). EDK2 (PxeBcDhcp6.c)
# classes our Advertise (no IA, option 16 = 343 "PXEClient", option 59) as
# a proxy offer, gets its address from dnsmasq, then sends a Request with
# our server ID to the URL's address on 4011 and boots the file of our
# Reply: the firmware prints "NBP filename is ipxe.efi" for the server
# 2001:db8::2. (The download itself is TFTP over IPv6's test.) IPv4 PXE
# gets nothing from us here (dhcp.port67 = false, no proxy offer): the
# firmware moves on to IPv6.
PXL_F_NAME=ovmf_dhcp6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init ovmf
pxl_f_strict || pxl_f_skip "the DHCPv6 proxy is pxeline's own (no stand-in)"
# The IPv4 attempt fails first: only the marker ends the wait.
PXL_F_GAVE_UP='^never$'
ip netns exec "$PXL_F_DHCP" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
ip netns exec "$PXL_F_DHCP" sysctl -qw net.ipv6.conf.d0.disable_ipv6=0
ip netns exec "$PXL_F_DHCP" sysctl -qw net.ipv6.conf.d0.accept_dad=0
ip -n "$PXL_F_DHCP" addr add 2001:db8::1/64 dev d0 nodad
PXL_F_PORT67=false
PXL_F_DHCP_EXTRA="v6 = true; "
pxl_f_profile default bios=undionly.kpxe efi_x64=ipxe.efi
eval "$(declare -f pxl_f_write_engine_cfg | sed '1s/pxl_f_write_engine_cfg/pxl_f_write_engine_cfg_base/')"
pxl_f_write_engine_cfg()
{
	local cfg
	cfg=$(pxl_f_write_engine_cfg_base)
	sed -Ei 's|address = "192.0.2.2/24";|address = "192.0.2.2/24"; address6 = "2001:db8::2/64";|' "$cfg"
	printf '%s\n' "$cfg"
}
pxl_f_site_dhcp_start --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h --enable-ra
pxl_f_capture_start
pxl_f_server_start
PXL_F_QEMU_EXTRA="-smbios type=1,uuid=6a4e4b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
pxl_f_boot "OVMF PXEv6 takes ipxe.efi from the proxy's Reply on 4011" ovmf \
	"NBP filename is ipxe.efi" "${PXL_F_BOOT_SECS:-300}" || true
pxl_f_capture_stop

log=$PXL_F_WORK/server.log
serial=$(ls "$PXL_F_WORK"/serial-*.log | head -n 1)
check()
{
	local label=$1
	shift
	if "$@" >/dev/null; then pxl_f_result 1 "$label"; else pxl_f_result 0 "$label"; fi
}
check "firmware names our server 2001:db8::2" \
	grep -aq "Server IP address is 2001:DB8:0:0:0:0:0:2" "$serial"
check "Solicit (DUID-UUID, arch 7, PXEClient) answered with an Advertise carrying the URL" \
	grep -Eq 'dhcp6 52:54:00:f1:00:02 .*ADVERTISE url=tftp://\[2001:db8::2\]/ipxe.efi' "$log"
check "the firmware's DUID is its SMBIOS UUID" \
	grep -q 'dhcp6 52:54:00:f1:00:02 SOLICIT .*duid=uuid .*uuid=4e4b4e6a-2d1c-5f4e-8a9b-0c1d2e3f4a5b arch=efi-x64(7)' "$log"
check "its Request to the site's server is left alone" \
	grep -q 'dhcp6 52:54:00:f1:00:02 ignored: REQUEST names another DHCPv6 server' "$log"
check "its Request to 4011 from its new address gets our Reply on 4011" \
	grep -Eq 'dhcp6 52:54:00:f1:00:02 .*-> REPLY url=tftp://\[2001:db8::2\]/ipxe.efi to \[2001:db8::1[0-9a-f]{2}\]:4011 from port 4011' "$log"
check "the firmware asked for ipxe.efi by TFTP" grep -q 'file="ipxe.efi"' "$log"
pxl_f_finish
