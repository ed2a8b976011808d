#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# iPXE (the QEMU BIOS ROM) fetches files over both multicast schemes it
# knows, from an iPXE script: tftm:// (RFC 2090, "multicast" option on port
# 69; iPXE is the master and ACKs) and mtftp:// (PXE MTFTP: RRQ to port
# 1759 with no options, stream to the group iPXE listens on, 239.255.1.1
# port 3001 unless a PXE NBP sets others). Each fetched file is itself an
# iPXE script that checks its own line sequence (a missing, repeated or
# misplaced block breaks it) and prints an OK marker with a nonce only
# when every line ran in order. The engine's stream trace lines must show
# one multicast stream per scheme.
PXL_F_NAME=ipxe_multicast
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_f_init bios
pxl_f_strict || pxl_f_skip "multicast TFTP needs pxeline (the dnsmasq stand-in has none)"

PXL_F_EXTRA_CFG="multicast = { enabled = true; groups = \"${PXL_F_MC_GROUPS:-239.255.3.0/24}\";
	port = ${PXL_F_MC_PORT:-1758}; mtftp = true; mtftp_groups = \"239.255.1.1/32\";
	mtftp_port = 1759; mtftp_client_port = 3001; };"
LINES=${PXL_F_MC_LINES:-8000}
nonce=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')

# mc_payload FILE TAG: a self-checking script, about 40 bytes per step.
mc_payload()
{
	local f=$PXL_F_ROOT/$1 tag=$2
	{
		printf '#!ipxe\nset x 0\n'
		awk -v n="$LINES" 'BEGIN { for (i = 0; i < n; i++) printf "iseq ${x} %d || goto bad\nset x %d\n", i, i + 1 }'
		printf 'iseq ${x} %d || goto bad\n' "$LINES"
		printf 'echo PXELINE-MC-%s-OK-%s after ${x} steps\ngoto end\n' "$tag" "$nonce"
		printf ':bad\necho PXELINE-MC-%s-BAD at step ${x}\n:end\n' "$tag"
	} >"$f"
	chmod 644 "$f"
}

mc_payload tftm.ipxe TFTM
mc_payload mtftp.ipxe MTFTP
pxl_f_log "payloads: $(stat -c %s "$PXL_F_ROOT/tftm.ipxe") bytes each, nonce $nonce"
pxl_f_profile default bios=mc.ipxe efi_x64=mc.ipxe
# The server by address: after the site's DHCPACK, iPXE's ${next-server}
# is the site server's siaddr (192.0.2.1), not ours.
pxl_f_script mc.ipxe PXELINE-MC-START 'chain tftm://192.0.2.2/tftm.ipxe || echo PXELINE-MC-TFTM-FAILED
chain mtftp://192.0.2.2/mtftp.ipxe || echo PXELINE-MC-MTFTP-FAILED
echo PXELINE-MC-DONE'
pxl_f_site_dhcp_start
pxl_f_server_start
pxl_f_capture_start
serial=
if pxl_f_boot "iPXE runs tftm:// then mtftp://" bios PXELINE-MC-DONE "${PXL_F_BOOT_SECS:-300}"; then
	serial=$(ls -t "$PXL_F_WORK"/serial-*.log | head -n 1)
fi
for tag in TFTM MTFTP; do
	got=
	[ -n "$serial" ] && got=$(grep -a -o -- "PXELINE-MC-$tag-[A-Z]*[^[:cntrl:]]*" "$serial" | head -n 1)
	if grep -q -- "PXELINE-MC-$tag-OK-$nonce after $LINES steps" <<<"$got"; then
		pxl_f_result 1 "${tag,,} file arrived whole and in order" "$got"
	else
		pxl_f_result 0 "${tag,,} file arrived whole and in order" "${got:-no marker}"
	fi
done

# The engine's side. MTFTP: one stream, iPXE completing it. tftm://: iPXE
# (Debian 12's, upstream too as of this writing) never hears the group:
# tftp_process_multicast() binds its group socket with a sockaddr from the
# stack whose spare bytes are not zeroed, and udp_demux() compares those
# bytes, so no group datagram matches. The master then stops ACKing, is
# dropped from the group and gets the rest by unicast from the same port,
# which iPXE's unicast socket takes. A fixed iPXE would complete in the
# group (completed=1); either way the file must arrive whole.
sleep 1
log=$PXL_F_WORK/server.log
line=$(grep -m 1 -E 'mcast mtftp stream .*file="mtftp.ipxe"' "$log" || true)
if grep -q "completed=1 " <<<"$line"; then
	pxl_f_result 1 "mtftp: one stream, iPXE completed it" "${line#* mcast }"
else
	pxl_f_result 0 "mtftp: one stream, iPXE completed it" "${line:-no stream line}"
fi
line=$(grep -m 1 -E 'mcast rfc2090 stream .*file="tftm.ipxe"' "$log" || true)
uni=$(grep -m 1 -E 'tftp .*file="tftm.ipxe".* end=done' "$log" || true)
if grep -q "completed=1 " <<<"$line"; then
	pxl_f_result 1 "tftm: iPXE completed in the group" "${line#* mcast }"
elif grep -q "dropped=1 " <<<"$line" && [ -n "$uni" ]; then
	pxl_f_result 1 "tftm: iPXE deaf to the group, dropped and served on by unicast" \
		"${line#* mcast }; then ${uni#* tftp }"
else
	pxl_f_result 0 "tftm: stream line and how iPXE got the file" "${line:-no stream line}; ${uni:-no unicast end}"
fi
grep -E 'tftp .*file="(tftm|mtftp)\.ipxe"' "$log" | sed 's/^/    /' || true
pxl_f_finish
