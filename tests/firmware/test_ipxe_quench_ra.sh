#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# iPXE waits ~16 s per stage for an IPv6 router advertisement on a LAN
# without one. The same BIOS boot as bios_ipxe twice: with dhcp.quench_ra
# false (the default) the engine counts iPXE's router solicitations and
# answers none; with true it answers with an RA that configures nothing
# (router lifetime 0, M/O clear, no prefix) and iPXE's IPv6 configuration
# ends at once. Both boots must reach the marker; the RA must have been sent
# and the solicitations must have reached the engine (counters). The two
# boot times are printed side by side, never asserted.
PXL_F_NAME=ipxe_quench_ra
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios
pxl_f_strict || pxl_f_skip "dhcp.quench_ra is pxeline's own"
command -v dpdk-telemetry.py >/dev/null 2>&1 || pxl_f_skip "dpdk-telemetry.py not installed"
pxl_f_profile default bios=bios.ipxe efi_x64=efi.ipxe
pxl_f_script bios.ipxe PXELINE-MARKER-bios
pxl_f_script efi.ipxe PXELINE-MARKER-wrong-arch
pxl_f_site_dhcp_start

# stat KEY...: the engine's counters, in the order asked (-1: missing).
stat()
{
	pxl_ns_stats "$PXL_F_SRV" "pxl-f-$PXL_F_NAME-$PXL_F_ID" "$@"
}

declare -A boot_ms
for quench in false true; do
	PXL_F_DHCP_EXTRA="quench_ra = $quench; "
	pxl_f_server_start
	[ "$quench" = true ] && pxl_f_capture_start
	pxl_f_boot "iPXE ROM boots with quench_ra = $quench" bios PXELINE-MARKER-bios \
		"${PXL_F_BOOT_SECS:-240}" || true
	boot_ms[$quench]=$PXL_F_BOOT_MS
	read -r rx rs ra <<<"$(stat ipv6_rx nd_rs_received nd_ra_sent)"
	pxl_f_log "quench_ra = $quench: ipv6_rx=$rx nd_rs_received=$rs nd_ra_sent=$ra"
	if [ "$quench" = false ]; then
		pxl_f_result "$([ "$rs" -ge 1 ] && echo 1 || echo 0)" \
			"quench_ra false: iPXE's router solicitations reach the engine" "$rs RS"
		pxl_f_result "$([ "$ra" = 0 ] && echo 1 || echo 0)" \
			"quench_ra false: no RA sent" "$ra RA"
	else
		pxl_f_result "$([ "$rs" -ge 1 ] && [ "$ra" -ge 1 ] && echo 1 || echo 0)" \
			"quench_ra true: RS answered with an RA" "$rs RS, $ra RA"
	fi
	pxl_f_server_stop
done
secs()
{
	printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100))
}
pxl_f_log "power-on to marker: quench_ra false $(secs "${boot_ms[false]}"), true $(secs "${boot_ms[true]}") (informative)"
pxl_f_finish
