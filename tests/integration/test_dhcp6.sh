#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The DHCPv6 proxy (dhcp.v6 = true) against scapy in the client namespace:
#   1. an OVMF-like Solicit (DUID-LLT, IA_NA, ORO, 61 = 7, 16 = 343
#      "PXEClient:Arch:00007...") to ff02::1:2 gets an Advertise from the
#      engine's link-local address to 546: our DUID-LL, the client ID
#      echoed, option 16 = 343 "PXEClient", option 59 =
#      tftp://[2001:db8::2]/ipxe.efi (lab profile's efi_x64), no IA, no
#      status; the trace says "dhcp6 MAC SOLICIT ... mac-from=ethernet".
#   2. the same Solicit in a Relay-Forw (option 79, interface-id "port7")
#      unicast to 2001:db8::2:547 gets a Relay-Repl to the relay on 547 with
#      the same link/peer/interface-id and the Advertise inside; the MAC
#      came from option 79 (the inner DUID names another MAC).
#   3. iPXE's Information-request (user class "iPXE") gets a Reply with the
#      profile's iPXE script as the URL.
#   4. a Solicit without a PXE vendor class gets nothing: dhcp6_not_pxe.
#   5. a host armed for one reimage (pxectl host add --action once, profile
#      "reimage" with its own efi_x64): its first Solicit gets nothing (the
#      worker passes the one-shot to the control thread to take), the same
#      Solicit again (its retransmission) gets the Advertise with
#      tftp://[2001:db8::2]/reimage.efi from the grace; pxectl says
#      once(consumed), the log says "one-shot consumed" exactly once.
#   6. dnsmasq as the site's DHCPv6 server on the same link: a Solicit gets
#      both Advertises, dnsmasq's with the address, ours with the URL.
#   7. EDK2's boot-service Request from a kernel UDP socket on
#      [2001:db8::1]:4011 to [2001:db8::2]:4011 gets our Reply twice, the
#      same bytes (EDK2 reads it only once its UDP instance exists, after
#      the send: the copy 300 ms later is the one a slow client reads);
#      dhcp6_boot_repeats counts the second copy.
PXL_T_NAME=dhcp6
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init dpdk-telemetry.py
pxl_t_strict || pxl_t_skip "the DHCPv6 proxy is pxeline's own"
PY=/usr/bin/python3
"$PY" -c 'import scapy.layers.dhcp6' 2>/dev/null || pxl_t_skip "python3-scapy not installed"
PROBE="$PXL_T_DIR/dhcp6_probe.py"
PXCTL=$PXL_BUILD/pxectl
[ -x "$PXCTL" ] || pxl_t_skip "pxectl not built in $PXL_BUILD"

ADDR6=2001:db8::2
RELAY6=2001:db8::1
CLIENT_MAC=52:54:00:f1:00:02
PXL_T_PREFIX="pxl-t-dhcp6-$PXL_T_ID"
PXL_T_ADDRESS6="$ADDR6/64"

eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	printf '\ndhcp = { v6 = true; };\n' >>"$cfg"
	# A second profile, for the one-shot (5.): its own EFI file.
	sed -Ei '/^profiles/,/^\);/s/^\);/\t, { name = "reimage"; bios = "undionly.kpxe"; efi_x64 = "reimage.efi"; ipxe = "boot.ipxe"; }\n);/' \
		"$cfg"
	printf '%s\n' "$cfg"
}

pxl_t_client_ipv6 "$RELAY6/64"

ENGINE_MAC=$(ip -n "$PXL_T_SRV" -br link show "$PXL_SRV_IF" | awk '{print $3}')
ENGINE_DUID="00030001${ENGINE_MAC//:/}"
# Sent directly, the MAC the inventory sees is the frame's: the client
# namespace's veth, not the DUID's.
FRAME_MAC=$(ip -n "$PXL_T_CLI" -br link show "$PXL_CLI_IF" | awk '{print $3}')
LL6=$("$PY" -c 'import ipaddress, sys
from scapy.all import in6_mactoifaceid
print(ipaddress.ip_address("fe80::" + in6_mactoifaceid(sys.argv[1])))' "$ENGINE_MAC")
pxl_t_log "engine MAC $ENGINE_MAC, link-local $LL6, DUID $ENGINE_DUID"

probe()
{
	pxl_t_in 20 "$PY" "$PROBE" "$PXL_CLI_IF" "$@" || true
}

# field JSON KEY: one key of a JSON line (a.b for nested).
field()
{
	"$PY" -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print(v)' "$1" "$2"
}

rm -f "$PXL_T_WORK/state.db"
pxl_t_server_start
pxl_t_expect "DAD passed for $ADDR6" pxl_t_wait_log "ipv6 $ADDR6 port=0 ready" 10

# ---- 1. direct Solicit ----
adv=$(probe solicit "$CLIENT_MAC" | head -n 1)
pxl_t_log "Advertise: $adv"
pxl_t_expect "an Advertise came (type 2)" [ "$(field "$adv" type)" = 2 ]
pxl_t_expect "xid echoed" [ "$(field "$adv" xid)" = $((0x7eab49)) ]
pxl_t_expect "from the engine's link-local $LL6:547" \
	[ "$(field "$adv" src):$(field "$adv" sport)" = "$LL6:547" ]
pxl_t_expect "to the client on 546" [ "$(field "$adv" dport)" = 546 ]
pxl_t_expect "server ID: DUID-LL of the engine's MAC" \
	[ "$(field "$adv" server_duid)" = "$ENGINE_DUID" ]
pxl_t_expect "client ID echoed (DUID-LLT of $CLIENT_MAC)" \
	[ "$(field "$adv" client_duid)" = "000100012c3d4e5f${CLIENT_MAC//:/}" ]
pxl_t_expect "option 16: enterprise 343 \"PXEClient\"" \
	[ "$(field "$adv" vendor_enterprise)/$(field "$adv" vendor_class)" = "343/PXEClient" ]
pxl_t_expect "option 59: tftp://[$ADDR6]/ipxe.efi" \
	[ "$(field "$adv" url)" = "tftp://[$ADDR6]/ipxe.efi" ]
pxl_t_expect "no IA_NA, no status code" \
	[ "$(field "$adv" ia_na)/$(field "$adv" status)" = "False/False" ]
pxl_t_expect "trace: dhcp6 SOLICIT, MAC from the frame" \
	pxl_t_wait_log "dhcp6 $FRAME_MAC SOLICIT via 547 from \[fe80::[0-9a-f:]+\]:546 xid=0x7eab49 duid=llt mac-from=ethernet"
pxl_t_expect "trace: ADVERTISE with the URL" \
	pxl_t_wait_log "dhcp6 $FRAME_MAC .* -> ADVERTISE url=tftp://\[$ADDR6\]/ipxe.efi to \[fe80::"

# ---- 2. relayed ----
repl=$(probe relay "$CLIENT_MAC" "$ADDR6" "$RELAY6" "$ENGINE_MAC" | head -n 1)
pxl_t_log "Relay-Repl: $repl"
pxl_t_expect "a Relay-Repl came to the relay $RELAY6:547" \
	[ "$(field "$repl" relay_repl)/$(field "$repl" dst)/$(field "$repl" dport)" = "True/$RELAY6/547" ]
pxl_t_expect "from $ADDR6:547" [ "$(field "$repl" src):$(field "$repl" sport)" = "$ADDR6:547" ]
pxl_t_expect "hop count, link address and interface-id echoed" \
	[ "$(field "$repl" hopcount)/$(field "$repl" link)/$(field "$repl" ifid)" = "0/$RELAY6/port7" ]
pxl_t_expect "inside: an Advertise with option 59" \
	[ "$(field "$repl" inner.type)/$(field "$repl" inner.url)" = "2/tftp://[$ADDR6]/ipxe.efi" ]
pxl_t_expect "inside: the client's DUID (of another MAC) echoed" \
	[ "$(field "$repl" inner.client_duid)" = "000100012c3d4e5f020000000099" ]
pxl_t_expect "trace: relayed, MAC from option 79" \
	pxl_t_wait_log "dhcp6 $CLIENT_MAC SOLICIT via 547 from \[$RELAY6\]:547 .*mac-from=option79 .*relays=1"
pxl_t_expect "trace: the Advertise went as a Relay-Repl" \
	pxl_t_wait_log "dhcp6 $CLIENT_MAC .* -> ADVERTISE url=.* to \[$RELAY6\]:547 from port 547 \(Relay-Repl\)"

# ---- 3. iPXE's Information-request ----
rep=$(probe inforeq 52:54:00:f1:00:03 | head -n 1)
pxl_t_log "Reply: $rep"
pxl_t_expect "iPXE: a Reply (type 7) with the profile's script" \
	[ "$(field "$rep" type)/$(field "$rep" url)" = "7/tftp://[$ADDR6]/boot.ipxe" ]

# ---- 4. not a PXE client ----
none=$(probe plain 52:54:00:f1:00:04)
pxl_t_expect "a Solicit without PXEClient gets nothing" [ -z "$none" ]

read -r rx relayed answered sent notpxe <<<"$(pxl_t_stat dhcp6_rx dhcp6_relayed \
	dhcp6_answered dhcp6_replies_sent dhcp6_not_pxe)"
pxl_t_log "counters: dhcp6_rx=$rx relayed=$relayed answered=$answered sent=$sent not_pxe=$notpxe"
pxl_t_expect "4 DHCPv6 requests, 1 relayed" [ "$rx/$relayed" = 4/1 ]
pxl_t_expect "3 answered and sent" [ "$answered/$sent" = 3/3 ]
pxl_t_expect "1 not a PXE client" [ "$notpxe" = 1 ]

# ---- 5. a one-shot (action once) over DHCPv6 ----
ctl() { timeout 10 "$PXCTL" -s "$PXL_T_WORK/ctl.sock" "$@"; }
ctl host add --mac "$FRAME_MAC" --action once --profile reimage >"$PXL_T_OUT/host.txt" 2>&1 ||
	pxl_t_fatal "pxectl host add (once) failed: $(cat "$PXL_T_OUT/host.txt")"
pxl_t_expect "armed: pxectl says once(armed)" \
	grep -q 'once(armed)' <<<"$(ctl host show --mac "$FRAME_MAC" 2>&1)"
first=$(probe solicit "$CLIENT_MAC")
pxl_t_log "first Solicit of the armed host: ${first:-nothing}"
pxl_t_expect "the first Solicit gets nothing: the one-shot is being taken" [ -z "$first" ]
pxl_t_expect "trace: one-shot being taken" \
	pxl_t_wait_log "dhcp6 $FRAME_MAC .* -> one-shot being taken: answered on the client's retransmission"
# The retransmission (same xid): the grace answers it once the control
# thread's snapshot is published (bounded: 5 tries of 3 s).
again=""
unanswered=1
for k in 1 2 3 4 5; do
	again=$(probe solicit "$CLIENT_MAC" | head -n 1)
	[ -n "$again" ] && break
	unanswered=$((unanswered + 1))
done
pxl_t_log "retransmitted Solicit: $again"
pxl_t_expect "the retransmission gets an Advertise (type 2), same xid" \
	[ "$(field "$again" type)/$(field "$again" xid)" = "2/$((0x7eab49))" ]
pxl_t_expect "option 59: the reimage profile's tftp://[$ADDR6]/reimage.efi" \
	[ "$(field "$again" url)" = "tftp://[$ADDR6]/reimage.efi" ]
pxl_t_expect "trace: answered from the one-shot's grace" \
	pxl_t_wait_log "dhcp6 $FRAME_MAC one-shot taken earlier in this boot"
pxl_t_expect "pxectl host show: once(consumed)" \
	grep -q 'once(consumed)' <<<"$(ctl host show --mac "$FRAME_MAC" 2>&1)"
pxl_t_expect "exactly one \"one-shot consumed\" log line" \
	[ "$(grep -c "one-shot consumed" "$PXL_T_LOG")" = 1 ]
pxl_t_expect "it names the host and the DHCPv6 Solicit" \
	pxl_t_wait_log "dhcp $FRAME_MAC one-shot consumed and committed \(host id [0-9]+\) for a DHCPv6 SOLICIT"
read -r taking <<<"$(pxl_t_stat dhcp6_once_taking)"
pxl_t_expect "dhcp6_once_taking counts the unanswered copies ($unanswered)" \
	[ "$taking" = "$unanswered" ]
# The bridge in 6. sends from the same MAC: an unknown computer again.
ctl host del --mac "$FRAME_MAC" >>"$PXL_T_OUT/host.txt" 2>&1 ||
	pxl_t_fatal "pxectl host del failed: $(cat "$PXL_T_OUT/host.txt")"

# ---- 6. beside the site's DHCPv6 server (dnsmasq) ----
if command -v dnsmasq >/dev/null; then
	pxl_t_bridge_clients d6 1
	SITE=$(pxl_t_client_ns d6 1)
	# No DAD before IPv6 comes up: dnsmasq joins ff02::1:2 on a ready link-local.
	for k in all default eth0; do
		ip netns exec "$SITE" sysctl -qw "net.ipv6.conf.$k.accept_dad=0"
	done
	ip netns exec "$SITE" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	ip netns exec "$SITE" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$SITE" addr add 2001:db8::53/64 dev eth0 nodad
	# dnsmasq answers the client's link-local: br0's must have passed DAD
	# for the kernel to answer dnsmasq's neighbour solicitation (bounded: 10 s).
	for k in $(seq 1 50); do
		ip -n "$PXL_T_CLI" -6 addr show dev br0 scope link | grep -q inet6 &&
			[ -z "$(ip -n "$PXL_T_CLI" -6 addr show dev br0 tentative)" ] && break
		sleep 0.2
	done
	rm -f "$PXL_T_WORK/dnsmasq.log"
	ip netns exec "$SITE" dnsmasq --keep-in-foreground --port=0 --interface=eth0 \
		--bind-interfaces --dhcp-range=2001:db8::100,2001:db8::1ff,64,1h \
		--dhcp-leasefile="$PXL_T_WORK/dnsmasq.leases" --pid-file="$PXL_T_WORK/dnsmasq.pid" \
		--log-dhcp --log-facility="$PXL_T_WORK/dnsmasq.log" &
	DNSMASQ=$!
	# Started when it says its DHCPv6 range (bounded: 10 s).
	for k in $(seq 1 50); do
		grep -q "DHCPv6, IP range" "$PXL_T_WORK/dnsmasq.log" 2>/dev/null && break
		sleep 0.2
	done
	# dnsmasq looks for the client in its neighbour table first: a longer window.
	both=$(PXL_DHCP6_WAIT=8 pxl_t_in 20 "$PY" "$PROBE" br0 solicit 52:54:00:f1:00:05 || true)
	pxl_t_log "two servers: $both"
	pxl_t_expect "dnsmasq's Advertise carries the address (IA_NA)" \
		grep -q '"ia_na": true' <<<"$both"
	pxl_t_expect "ours carries the boot file URL and no IA" \
		grep -q '"url": "tftp://\[2001:db8::2\]/ipxe.efi", "ia_na": false' <<<"$both"
	kill "$DNSMASQ" 2>/dev/null
	wait "$DNSMASQ" 2>/dev/null
	pxl_t_destroy_clients d6 1
else
	pxl_t_log "dnsmasq not installed: coexistence not shown"
fi

# ---- 7. the boot-service Request on 4011, answered twice ----
read -r sent0 rep0 <<<"$(pxl_t_stat dhcp6_replies_sent dhcp6_boot_repeats)"
replies=$(probe boot "$CLIENT_MAC" "$ADDR6" "$RELAY6" "$ENGINE_DUID")
pxl_t_log "4011 Replies: $replies"
pxl_t_expect "two Replies (type 7) came to [$RELAY6]:4011 from [$ADDR6]:4011" \
	[ "$(grep -c "\"src\": \"$ADDR6\", \"sport\": 4011, \"dport\": 4011, .*\"type\": 7," <<<"$replies")" = 2 ]
pxl_t_expect "with the URL and the request's xid" \
	[ "$(grep -c "\"xid\": $((0x7eab49)), .*\"url\": \"tftp://\[$ADDR6\]/ipxe.efi\"" <<<"$replies")" = 2 ]
pxl_t_expect "the two copies are the same bytes" \
	[ "$(sed -E 's/.*"hex": "([0-9a-f]+)".*/\1/' <<<"$replies" | sort -u | wc -l)" = 1 ]
read -r sent1 rep1 <<<"$(pxl_t_stat dhcp6_replies_sent dhcp6_boot_repeats)"
pxl_t_log "counters: dhcp6_replies_sent $sent0 -> $sent1, dhcp6_boot_repeats $rep0 -> $rep1"
pxl_t_expect "dhcp6_replies_sent +2, dhcp6_boot_repeats +1" \
	[ "$((sent1 - sent0))/$((rep1 - rep0))" = 2/1 ]
pxl_t_expect "trace: the REPLY to [$RELAY6]:4011" \
	pxl_t_wait_log "dhcp6 $FRAME_MAC .*-> REPLY url=tftp://\[$ADDR6\]/ipxe.efi to \[$RELAY6\]:4011 from port 4011"

pxl_t_finish
