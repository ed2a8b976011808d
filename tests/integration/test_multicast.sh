#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# RFC 2090 multicast: 16 atftp clients (each in its own namespace: atftp
# cannot share its multicast port with a second client on one host) on a
# bridge fetch one 40 MiB file with --option multicast. Some join late, one
# is killed mid-way. Every completed copy must match; the engine's counters
# give the bytes it sent to the group, printed as a factor of one copy
# (unicast would be one copy per client). PXL_T_MC_CLIENTS changes the count.
PXL_T_NAME=multicast
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${PXL_T_MC_CLIENTS:-16}
SIZE=$((40 * 1048576))
BLK=1428
MC_PORT=1758

pxl_t_init atftp ethtool dpdk-telemetry.py
pxl_t_strict || pxl_t_skip "multicast needs pxeline (the stand-ins have no RFC 2090 groups here)"

# The engine's config: lab.cfg plus multicast and a telemetry prefix of our own.
eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
PXL_T_PREFIX="pxl-t-mc-$PXL_T_ID"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	sed -Ei "s|\"--in-memory\"|\"--in-memory\", \"--file-prefix=$PXL_T_PREFIX\"|" "$cfg"
	cat >>"$cfg" <<EOF

multicast = {
	enabled = true;
	groups = "239.255.1.0/24";
	port = $MC_PORT;
	ttl = 1;
	pace_pps = 0;
};
EOF
	printf '%s\n' "$cfg"
}

# The client namespace becomes a bridge; each atftp gets a namespace on it.
CNS=()
mc_ns()
{
	printf 'pxl-t-mc-%s-c%d' "$PXL_T_ID" "$1"
}

mc_cleanup()
{
	local i
	for i in $(seq 1 "$N"); do
		pxl_ns_destroy "$(mc_ns "$i")"
	done
}
# pxl_t_cleanup exits with the status it finds: keep the test's, not mc_cleanup's.
trap 'rc=$?; mc_cleanup; (exit $rc); pxl_t_cleanup' EXIT

mc_lab()
{
	local i ns
	ip -n "$PXL_T_CLI" link add br0 type bridge mcast_snooping 0
	ip -n "$PXL_T_CLI" addr del "$PXL_CLI_ADDR/$PXL_PREFIX" dev "$PXL_CLI_IF"
	ip -n "$PXL_T_CLI" link set "$PXL_CLI_IF" master br0
	ip -n "$PXL_T_CLI" addr add "$PXL_CLI_ADDR/$PXL_PREFIX" dev br0
	ip -n "$PXL_T_CLI" link set br0 up
	for i in $(seq 1 "$N"); do
		ns=$(mc_ns "$i")
		pxl_ns_destroy "$ns"
		ip netns add "$ns"
		CNS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n "$ns" link set lo up
		ip -n "$PXL_T_CLI" link add "mc$i" type veth peer name eth0 netns "$ns"
		ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || true
		ip netns exec "$PXL_T_CLI" ethtool -K "mc$i" tx off >/dev/null 2>&1 || true
		ip -n "$PXL_T_CLI" link set "mc$i" master br0
		ip -n "$PXL_T_CLI" link set "mc$i" up
		ip -n "$ns" addr add "192.0.2.$((20 + i))/$PXL_PREFIX" dev eth0
		ip -n "$ns" link set eth0 up
		# IP_ADD_MEMBERSHIP on "any" interface needs a route to the group.
		ip -n "$ns" route add 224.0.0.0/4 dev eth0
	done
}

mc_stat()
{
	echo /pxeline/stats | timeout 10 ip netns exec "$PXL_T_SRV" dpdk-telemetry.py \
		-f "$PXL_T_PREFIX" 2>/dev/null |
		python3 -c 'import json,sys
d = json.load(sys.stdin)["/pxeline/stats"]
print(" ".join(str(d.get(k, -1)) for k in sys.argv[1:]))' "$@"
}

mc_get()
{
	local i=$1 out=$PXL_T_OUT/mc$1.bin
	rm -f "$out"
	timeout -k 2 240 ip netns exec "$(mc_ns "$i")" atftp --option "multicast" \
		--option "blksize $BLK" --option "tsize 0" -g -r big.bin -l "$out" \
		"$PXL_SRV_ADDR" >"$PXL_T_OUT/mc$i.log" 2>&1
	echo $? >"$PXL_T_OUT/mc$i.rc"
}

mc_size()
{
	stat -c %s "$PXL_T_OUT/mc$1.bin" 2>/dev/null || echo 0
}

# Waits (bounded) until client i's copy has at least bytes.
mc_wait_size()
{
	local i=$1 bytes=$2 k
	for k in $(seq 1 600); do
		[ "$(mc_size "$i")" -ge "$bytes" ] && return 0
		[ -f "$PXL_T_OUT/mc$i.rc" ] && return 0
		sleep 0.1
	done
}

mc_lab
pxl_t_file big.bin "$SIZE"
pxl_t_server_start

early=$(((N * 5 + 7) / 8))	# the rest join late
killed=$early			# the last early one is killed mid-way
pxl_t_log "$N atftp clients, $early from the start (client $killed killed mid-way), $((N - early)) late"
t0=$(date +%s)
pids=()
for i in $(seq 1 "$early"); do
	mc_get "$i" &
	pids+=($!)
done
mc_wait_size 1 $((SIZE / 5))
for i in $(seq $((early + 1)) "$N"); do
	mc_get "$i" &
	pids+=($!)
	[ "$i" -eq $(((early + N) / 2)) ] && mc_wait_size 1 $((SIZE / 2))
done
mc_wait_size 1 $((SIZE * 3 / 5))
kpids=$(ip netns pids "$(mc_ns "$killed")" 2>/dev/null || true)
pxl_t_log "killing client $killed at $(mc_size "$killed") bytes (pids $kpids)"
# shellcheck disable=SC2086
[ -n "$kpids" ] && kill -KILL $kpids 2>/dev/null || true
wait "${pids[@]}" || true
pxl_t_log "all clients ended in $(($(date +%s) - t0)) s"

done_ok=0
for i in $(seq 1 "$N"); do
	[ "$i" -eq "$killed" ] && continue
	when=early
	[ "$i" -gt "$early" ] && when=late
	pxl_t_check "client $i (multicast, joined $when)" \
		big.bin "$PXL_T_OUT/mc$i.bin" "$(cat "$PXL_T_OUT/mc$i.rc" 2>/dev/null || echo 255)"
	if [ -f "$PXL_T_OUT/mc$i.bin" ] && cmp -s "$PXL_T_OUT/mc$i.bin" "$PXL_T_ROOT/big.bin"; then
		done_ok=$((done_ok + 1))
	elif [ -s "$PXL_T_OUT/mc$i.log" ]; then
		tail -n 3 "$PXL_T_OUT/mc$i.log" | sed 's/^/    client: /'
	fi
done

read -r sent delivered joined completed dropped handovers declined <<<"$(mc_stat \
	mcast_bytes_sent mcast_bytes_delivered mcast_joined mcast_completed mcast_dropped \
	mcast_handovers mcast_declined)" || true
pxl_t_log "counters: sent $sent delivered $delivered joined $joined completed $completed dropped $dropped handovers $handovers declined $declined"
pxl_t_expect "telemetry answers" test "${sent:--1}" -gt 0
if [ "${sent:--1}" -gt 0 ]; then
	factor=$(awk -v s="$sent" -v f="$SIZE" 'BEGIN { printf "%.2f", s / f }')
	pxl_t_log "wire bytes: $sent for $done_ok complete copies = $factor x one copy (unicast: $done_ok x)"
	pxl_t_expect "all $N joined the group" test "$joined" -eq "$N"
	pxl_t_expect "$done_ok completed as counted ($completed)" test "$completed" -eq "$done_ok"
	pxl_t_expect "the killed client was dropped ($dropped)" test "$dropped" -ge 1
	pxl_t_expect "group sent under half the unicast bytes ($factor x)" \
		test "$((sent * 2))" -lt "$((SIZE * done_ok))"
fi
pxl_t_expect "server still running" pxl_t_server_alive
mc_cleanup
pxl_t_finish
