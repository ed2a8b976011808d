#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The fleet's rule over DHCPv6: three engines with dhcp.v6 (each its own
# address6, 2001:db8::2..4) hear the same PXEv6 Solicits (scapy, OVMF's
# options, each from another MAC). Every Solicit gets exactly one
# Advertise, from the owner of its MAC; the two others log it as held for
# that owner. Then the owner of one MAC is killed -9: the same Solicit
# (same xid, as EDK2 retransmits it) is answered by an engine still alive
# once the owner has been silent dhcp.standby_delay_ms (or, after ten lost
# heartbeats, by the new owner).
PXL_FL_NAME=dhcp6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PXL_FL_V6=1
PROBE=$PXL_FL_DIR/../integration/dhcp6_probe.py
pxl_fl_init scapy
pxl_f_profile default bios=unknown.ipxe efi_x64=ipxe.efi
pxl_fl_start

declare -A engine_of_mac=()
for i in 1 2 3; do
	m=$(ip -n "$(pxl_fl_ns "$i")" -br link show "$PXL_SRV_IF" | awk '{print $3}')
	engine_of_mac[${m//:/}]=e$i
	# The URL may name address6 only once DAD passed (10 s at most).
	for k in $(seq 1 50); do
		grep -q "ipv6 $(pxl_fl_addr6 "$i") port=0 ready" "$(pxl_fl_log_of "$i")" && break
		sleep 0.2
	done
done

# solicit MAC: the engines ("e2") whose Advertise came to MAC's Solicit, one
# per line; each Advertise's server ID is a DUID-LL of its engine's MAC.
solicit()
{
	timeout -k 2 20 ip netns exec "$PXL_FL_CLI" env PXL_DHCP6_FRAME_MAC="$1" \
		"$PXL_FL_PY" "$PROBE" "$PXL_FL_CLI_IF" solicit "$1" 2>/dev/null |
		sed -nE 's/.*"server_duid": "00030001([0-9a-f]{12})".*/\1/p' |
		while read -r d; do printf '%s\n' "${engine_of_mac[$d]:-unknown}"; done
}

# owner MAC: the engine the others' trace names as MAC's owner.
owner()
{
	local i
	for i in 1 2 3; do
		grep -aoE "dhcp6 $1 .*-> held: owner e[0-9]" "$(pxl_fl_log_of "$i")" || true
	done | sed -E 's/.*owner //' | sort -u
}

one_each=0 owner_answered=0 two_held=0 n=6
for k in $(seq 1 "$n"); do
	mac=$(printf '02:fe:60:00:00:%02x' "$k")
	got=$(solicit "$mac" | sort | tr '\n' ' ')
	who=$(owner "$mac" | tr '\n' ' ')
	held=$(pxl_fl_count_all "dhcp6 $mac .*-> held: owner")
	pxl_f_log "$mac: Advertise from [ ${got}], held by $held, owner [ ${who}]"
	[ "$(wc -w <<<"$got")" = 1 ] && one_each=$((one_each + 1))
	[ "${got% }" = "${who% }" ] && owner_answered=$((owner_answered + 1))
	[ "$held" = 2 ] && two_held=$((two_held + 1))
done
pxl_fl_expect_eq "each of $n Solicits got exactly one Advertise" "$one_each" "$n"
pxl_fl_expect_eq "...from the owner the other engines name" "$owner_answered" "$n"
pxl_fl_expect_eq "...and the two others held it" "$two_held" "$n"

# Kill the owner of one MAC; its Solicit again (same xid): another answers.
mac=02:fe:60:00:00:01
dead=$(owner "$mac" | head -n 1)
pxl_f_log "killing $dead (-9), the owner of $mac"
pxl_fl_engine_stop "${dead#e}" KILL
answers=""
for k in 1 2 3; do
	answers="$answers $(solicit "$mac" | tr '\n' ' ')"
	[ -n "${answers// /}" ] && break
done
pxl_f_log "after the kill: Advertise from [${answers}] (tries: $k)"
alive=1
for e in $answers; do
	[ "$e" = "$dead" ] && alive=0
done
pxl_fl_expect_eq "with its owner dead, the Solicit was answered by an engine alive" \
	"$([ -n "${answers// /}" ] && echo "$alive" || echo 0)" 1
late=0
for i in 1 2 3; do
	[ "e$i" = "$dead" ] && continue
	late=$((late + $(pxl_fl_count "$i" "dhcp6 $mac .*-> ADVERTISE")))
done
pxl_fl_expect_eq "an engine alive logged that ADVERTISE (standby or new owner)" \
	"$([ "$late" -ge 1 ] && echo yes || echo "no ($late)")" yes
pxl_fl_finish
