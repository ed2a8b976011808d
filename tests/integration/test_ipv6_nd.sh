#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 neighbour discovery for the engine's own addresses, against the
# client namespace's kernel (IPv6 switched on there only) and scapy:
#   1. interfaces[].address6 = 2001:db8::2/64: DAD passes, `ping -6` answers
#      for it and for the link-local address (EUI-64 of the port's MAC), and
#      `ip -6 neigh` learned the engine's MAC (the NA worked).
#   2. dhcp.quench_ra off (default): a router solicitation gets nothing.
#   3. quench_ra on: the RS gets an RA from the link-local address with
#      router lifetime 0, M and O clear, no prefix information.
#   4. DAD clash: the client holds 2001:db8::2 first (nodad); the engine's
#      log says duplicate, and an NS for it gets no NA from the engine.
PXL_T_NAME=ipv6nd
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init ping dpdk-telemetry.py
pxl_t_strict || pxl_t_skip "neighbour discovery is pxeline's own"
PY=/usr/bin/python3
"$PY" -c 'import scapy.all' 2>/dev/null || pxl_t_skip "python3-scapy not installed"
PROBE="$PXL_T_DIR/nd_probe.py"

ADDR6=2001:db8::2
CLI6=2001:db8::1
PXL_T_PREFIX="pxl-t-ipv6nd-$PXL_T_ID"
PXL_T_ADDRESS6="$ADDR6/64"
QUENCH=false

eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	printf '\ndhcp = { quench_ra = %s; };\n' "$QUENCH" >>"$cfg"
	printf '%s\n' "$cfg"
}

pxl_t_client_ipv6 "$CLI6/64"

ENGINE_MAC=$(ip -n "$PXL_T_SRV" -br link show "$PXL_SRV_IF" | awk '{print $3}')
LL6=$("$PY" -c 'import sys
m = [int(x, 16) for x in sys.argv[1].split(":")]
m[0] ^= 2
w = [m[0] << 8 | m[1], m[2] << 8 | 0xff, 0xfe << 8 | m[3], m[4] << 8 | m[5]]
print("fe80::" + ":".join("%x" % x for x in w))' "$ENGINE_MAC")
pxl_t_log "engine MAC $ENGINE_MAC, link-local $LL6"

stat()
{
	pxl_t_stat "$@"
}

# wait_ready ADDR: the engine says DAD passed for ADDR.
wait_ready()
{
	pxl_t_wait_log "ipv6 $1 port=0 ready" 10 >/dev/null
}

# ---- 1. DAD passes; ping -6, neighbour cache ----
pxl_t_server_start
pxl_t_expect "DAD passed for $ADDR6 (log)" wait_ready "$ADDR6"
pxl_t_expect "DAD passed for $LL6 (log)" wait_ready "$LL6"
pxl_t_expect "ping -6 -c 3 $ADDR6" pxl_t_in 20 ping -6 -q -n -c 3 -W 2 "$ADDR6"
neigh=$(ip -n "$PXL_T_CLI" -6 neigh show "$ADDR6" dev "$PXL_CLI_IF" || true)
pxl_t_log "ip -6 neigh: $neigh"
pxl_t_expect "ip -6 neigh has the engine's MAC for $ADDR6" \
	grep -qi "lladdr $ENGINE_MAC" <<<"$neigh"
pxl_t_expect "ping -6 the link-local $LL6" \
	pxl_t_in 20 ping -6 -q -n -c 2 -W 2 "$LL6%$PXL_CLI_IF"
read -r probes ns na echo dups <<<"$(stat nd_dad_probes nd_solicitations nd_na_sent \
	icmp6_echo_replies nd_dad_duplicates)"
pxl_t_log "counters: dad_probes=$probes ns=$ns na=$na echo=$echo duplicates=$dups"
pxl_t_expect "2 DAD probes sent (link-local, address6)" [ "$probes" = 2 ]
pxl_t_expect "NS answered (na_sent >= 1)" [ "$na" -ge 1 ]
pxl_t_expect "5 echo replies" [ "$echo" -ge 5 ]
pxl_t_expect "no duplicates" [ "$dups" = 0 ]

# ---- 2. quench_ra off: an RS gets nothing ----
ra=$(pxl_t_in 20 "$PY" "$PROBE" "$PXL_CLI_IF" rs || true)
pxl_t_log "RS with quench_ra off: $ra"
read -r rs sent <<<"$(stat nd_rs_received nd_ra_sent)"
pxl_t_expect "quench_ra off: no RA on the wire" grep -q '"none": true' <<<"$ra"
pxl_t_expect "quench_ra off: RS counted ($rs), no RA sent ($sent)" \
	test "$rs" -ge 1 -a "$sent" = 0
pxl_t_server_stop

# ---- 3. quench_ra on: an RA that configures nothing ----
QUENCH=true
pxl_t_server_start
pxl_t_expect "DAD passed for $LL6 (quench_ra on)" wait_ready "$LL6"
ra=$(pxl_t_in 20 "$PY" "$PROBE" "$PXL_CLI_IF" rs || true)
pxl_t_log "RS with quench_ra on: $ra"
jq_()
{
	"$PY" -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2]))' "$ra" "$1"
}
pxl_t_expect "quench_ra on: an RA came" grep -q '"none": false' <<<"$ra"
pxl_t_expect "RA from the engine's link-local $LL6" [ "$(jq_ src)" = "$LL6" ]
pxl_t_expect "RA router lifetime 0" [ "$(jq_ routerlifetime)" = 0 ]
pxl_t_expect "RA M and O clear" [ "$(jq_ M)$(jq_ O)" = 00 ]
pxl_t_expect "RA without prefix information" [ "$(jq_ prefixes)" = 0 ]
pxl_t_expect "RA hop limit 255" [ "$(jq_ hlim)" = 255 ]
read -r rs sent <<<"$(stat nd_rs_received nd_ra_sent)"
pxl_t_expect "quench_ra on: RS counted ($rs), RA sent ($sent)" test "$rs" -ge 1 -a "$sent" -ge 1
pxl_t_server_stop

# ---- 4. DAD clash: the client holds the address first ----
QUENCH=false
ip -n "$PXL_T_CLI" addr add "$ADDR6/64" dev "$PXL_CLI_IF" nodad
pxl_t_server_start
pxl_t_expect "engine logs $ADDR6 as duplicate" \
	pxl_t_wait_log "ipv6 $ADDR6 port=0 duplicate" 10
pxl_t_expect "link-local still passes DAD" wait_ready "$LL6"
read -r dups <<<"$(stat nd_dad_duplicates)"
pxl_t_expect "one duplicate counted ($dups)" [ "$dups" = 1 ]
na=$(pxl_t_in 20 "$PY" "$PROBE" "$PXL_CLI_IF" ns "$ADDR6" "$ENGINE_MAC" || true)
pxl_t_log "NS for the duplicate $ADDR6: $na"
pxl_t_expect "no NA from the engine for the duplicate" grep -q '"na": 0' <<<"$na"
na=$(pxl_t_in 20 "$PY" "$PROBE" "$PXL_CLI_IF" ns "$LL6" "$ENGINE_MAC" || true)
pxl_t_expect "an NS for its link-local is still answered ($na)" grep -q '"na": 1' <<<"$na"

pxl_t_finish
