#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# OVMF (UEFI x86-64) boots over PXE on IPv6 with its IPv4 PXE switched off:
# dnsmasq is the site's router (RA, managed flag) and stateful DHCPv6 server
# (an address from 2001:db8::100-1ff, no boot options); pxeline (address6
# 2001:db8::2, dhcp.v6) answers the PXEv6 SOLICIT with option 59
# tftp://[2001:db8::2]/ipxe.efi (the profile's efi_x64) and serves it over
# TFTP on IPv6. The marker is the banner ipxe.efi prints once OVMF started
# it. EDK2 (PxeBcDhcp6.c) classes the proxy's Advertise (no IA, option 16
# 343 "PXEClient", 59) as a proxy offer, takes its address from the site,
# then sends a Request with the proxy's server ID to the URL's address on
# 4011 and boots the file of that Reply; the engine's trace must show each
# step (with an SMBIOS UUID the firmware's DUID is DUID-UUID). The capture
# (boot.pcap, summarised at the end) keeps what OVMF sent: its DUID, the
# options it asked for, its TFTP requests.
# EDK2 (PxeBcRequestBootService) sends that Request once, configures the
# UDP instance that reads the Reply only after the send and waits 3 s: a
# Reply that arrives first is lost (PXE-E16, seen in CI), so the engine
# sends it twice, the second copy 300 ms later. The lab loses the first
# copy on its way to the VM (nftables egress on tap0): the boot succeeds
# only through the second.
PXL_F_NAME=ovmf_pxe6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init ovmf v6
pxl_f_profile default efi_x64=ipxe.efi ipxe=boot.ipxe
pxl_f_script boot.ipxe PXELINE-MARKER-ovmf-pxe6
PXL_F_QEMU_EXTRA="-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
	-smbios type=1,uuid=6a4e4b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
lose_first=0
if pxl_f_strict && ip netns exec "$PXL_F_CLI_NS" nft -f - <<'EOF'
table netdev pxl_lose_first {
	chain out {
		type filter hook egress device tap0 priority 0;
		meta l4proto udp udp sport 4011 udp dport 4011 numgen inc mod 1000000 == 0 counter drop;
	}
}
EOF
then
	lose_first=1
else
	pxl_f_log "no nftables egress hook: the first 4011 Reply is not dropped"
fi
pxl_f_boot "OVMF PXEv6: efi_x64 (ipxe.efi) from tftp://[$PXL_F_ADDR6]/ipxe.efi starts" ovmf \
	"Open Source Network Boot Firmware" "${PXL_F_BOOT_SECS:-300}" || true
pxl_f_capture_expect "a DHCPv6 answer carried tftp://[$PXL_F_ADDR6]/ipxe.efi" \
	"DHCPv6 (ADVERTISE|REPLY) .*59=\"tftp://\\[$PXL_F_ADDR6\\]/ipxe.efi\""
# OVMF's own address is the site's (IA_NA from 2001:db8::100-1ff).
pxl_f_capture_expect "OVMF asked for ipxe.efi over TFTP on IPv6 from its DHCPv6 address" \
	"\\[2001:db8::1[0-9a-f]{2}\\]:[0-9]+ > \\[$PXL_F_ADDR6\\]:69 TFTP RRQ ipxe.efi"
if [ "$lose_first" = 1 ]; then
	dropped=$(ip netns exec "$PXL_F_CLI_NS" nft list table netdev pxl_lose_first |
		sed -nE 's/.*counter packets ([0-9]+).*/\1/p')
	pxl_f_result "$([ "$dropped" = 1 ] && echo 1 || echo 0)" \
		"the first copy of our 4011 Reply was lost on the way (nftables dropped ${dropped:-?})"
	pxl_f_capture_expect "its second copy reached the VM" \
		"\\[$PXL_F_ADDR6\\]:4011 > \\[2001:db8::1[0-9a-f]{2}\\]:4011 DHCPv6 REPLY .*59=\"tftp://"
fi
mac=$PXL_F_MAC_OVMF
# The DUID holds the UUID as SMBIOS stores it (first three fields
# little-endian); the trace prints those bytes in order.
pxl_f_engine_expect "Solicit: DUID-UUID (the SMBIOS UUID), arch 7, answered with the URL" \
	"dhcp6 $mac SOLICIT .*duid=uuid .*uuid=4e4b4e6a-2d1c-5f4e-8a9b-0c1d2e3f4a5b arch=efi-x64\(7\)"
pxl_f_engine_expect "its Request to the site's server is left alone" \
	"dhcp6 $mac ignored: REQUEST names another DHCPv6 server"
pxl_f_engine_expect "its Request to [$PXL_F_ADDR6]:4011 gets our Reply on 4011" \
	"dhcp6 $mac .*-> REPLY url=tftp://\[$PXL_F_ADDR6\]/ipxe.efi to \[2001:db8::1[0-9a-f]{2}\]:4011 from port 4011"
pxl_f_engine_expect "the engine's log: ipxe.efi to an IPv6 client, end=done" \
	'tftp .*2001:db8::1[0-9a-f]{2}.*file="ipxe.efi" .*end=done'
pxl_f_finish
