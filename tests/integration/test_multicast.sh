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

pxl_t_init atftp dpdk-telemetry.py
pxl_t_strict || pxl_t_skip "multicast needs pxeline (the stand-ins have no RFC 2090 groups here)"

# The engine's config: lab.cfg plus multicast and a telemetry prefix of our own.
eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
PXL_T_PREFIX="pxl-t-mc-$PXL_T_ID"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
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
# pxl_t_cleanup exits with the status it finds: keep the test's, not the client namespaces' removal.
trap 'rc=$?; pxl_t_destroy_clients mc "$N"; (exit $rc); pxl_t_cleanup' EXIT

mc_get()
{
	local i=$1 out=$PXL_T_OUT/mc$1.bin
	rm -f "$out"
	timeout -k 2 240 ip netns exec "$(pxl_t_client_ns mc "$i")" atftp --option "multicast" \
		--option "blksize $BLK" --option "tsize 0" -g -r big.bin -l "$out" \
		"$PXL_SRV_ADDR" >"$PXL_T_OUT/mc$i.log" 2>&1
	echo $? >"$PXL_T_OUT/mc$i.rc"
}


pxl_t_bridge_clients mc "$N"
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
pxl_t_wait_client_size mc 1 $((SIZE / 5))
for i in $(seq $((early + 1)) "$N"); do
	mc_get "$i" &
	pids+=($!)
	[ "$i" -eq $(((early + N) / 2)) ] && pxl_t_wait_client_size mc 1 $((SIZE / 2))
done
pxl_t_wait_client_size mc 1 $((SIZE * 3 / 5))
kpids=$(ip netns pids "$(pxl_t_client_ns mc "$killed")" 2>/dev/null || true)
pxl_t_log "killing client $killed at $(pxl_t_client_size mc "$killed") bytes (pids $kpids)"
# shellcheck disable=SC2086
[ -n "$kpids" ] && kill -KILL $kpids 2>/dev/null || true
wait "${pids[@]}" || true
pxl_t_log "all clients ended in $(($(date +%s) - t0)) s"

done_ok=0
for i in $(seq 1 "$N"); do
	[ "$i" -eq "$killed" ] && continue
	when=early
	[ "$i" -gt "$early" ] && when=late
	if pxl_t_check_copy "client $i (multicast, joined $when)" big.bin "$PXL_T_OUT/mc$i"; then
		done_ok=$((done_ok + 1))
	fi
done

read -r sent delivered joined completed dropped handovers declined <<<"$(pxl_t_stat \
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
	# The stream's own trace line says the same from the engine's side.
	line=$(pxl_t_wait_log "mcast rfc2090 stream .* file=\"big.bin\"") || line=
	pxl_t_log "trace: ${line#* mcast }"
	pxl_t_expect "stream line: $done_ok completed, sent = counter" \
		grep -qE "completed=$done_ok .*sent=$sent copies=" <<<"$line"
fi
pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_destroy_clients mc "$N"
pxl_t_finish
