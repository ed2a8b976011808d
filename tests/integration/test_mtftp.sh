#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Intel PXE MTFTP with atftp's client (--mget): N clients, each in its own
# namespace on a bridge (atftp binds the MTFTP client port on any address:
# one per host). Client 1 asks first and is the one that ACKs; the next
# ones start while it streams and only listen; the rest join late, hear
# the tail, and ask for the file again once the stream ends (they missed
# its start). Client 1 is killed mid-way: its stream stalls, the server
# drops it and the next client that asks gets a new stream. Every other
# copy must match; the engine's counters give the bytes it sent, printed
# as a factor of one copy (unicast would be one copy per client).
#
# atftp's MTFTP client uses 512-byte blocks and stops at block 65535, so
# the file is 32 MiB - 1 KiB, not the 40 MiB of the RFC 2090 test.
# PXL_T_MT_CLIENTS (16), PXL_T_MT_SIZE, PXL_T_MT_KILL (1) change the run.
PXL_T_NAME=mtftp
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${PXL_T_MT_CLIENTS:-16}
SIZE=${PXL_T_MT_SIZE:-$((32 * 1048576 - 1024))}
KILL=${PXL_T_MT_KILL:-1}
GROUP=239.255.2.7
SPORT=1759
CPORT=1758

pxl_t_init atftp dpdk-telemetry.py
pxl_t_strict || pxl_t_skip "MTFTP needs pxeline (the stand-ins serve no MTFTP here)"
[ "$N" -ge 2 ] || pxl_die "PXL_T_MT_CLIENTS must be at least 2"

eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
PXL_T_PREFIX="pxl-t-mt-$PXL_T_ID"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	cat >>"$cfg" <<EOF2

multicast = {
	enabled = true;
	ttl = 1;
	mtftp = true;
	mtftp_groups = "$GROUP/32";
	mtftp_port = $SPORT;
	mtftp_client_port = $CPORT;
};
EOF2
	printf '%s\n' "$cfg"
}

# pxl_t_cleanup exits with the status it finds: keep the test's, not the client namespaces' removal.
trap 'rc=$?; pxl_t_destroy_clients mt "$N"; (exit $rc); pxl_t_cleanup' EXIT

# atftp's MTFTP: listen MTFTP-TMOUT (2 s) on the group, then RRQ to SPORT.
mt_get()
{
	local i=$1 out=$PXL_T_OUT/mt$1.bin rc=0
	rm -f "$out"
	# "|| rc=": under errexit a killed client would end this subshell
	# before its .rc is written, and the wait below would sit out 300 s.
	timeout -k 2 300 ip netns exec "$(pxl_t_client_ns mt "$i")" atftp \
		--mtftp "mcast-ip $GROUP" --mtftp "client-port $CPORT" \
		--mtftp "listen-delay 2" --mtftp "timeout-delay 2" \
		--mget -r big.bin -l "$out" "$PXL_SRV_ADDR" "$SPORT" >"$PXL_T_OUT/mt$i.log" 2>&1 || rc=$?
	echo "$rc" >"$PXL_T_OUT/mt$i.rc"
}


pxl_t_bridge_clients mt "$N"
pxl_t_file big.bin "$SIZE"
pxl_t_server_start

early=$(((N + 1) / 2))	# 1 asks, 2..early listen from block 1, the rest late
pxl_t_log "$N atftp --mget clients, $SIZE bytes: client 1 asks, 2..$early listen from the start, $((N - early)) late$([ "$KILL" = 1 ] && echo ", client 1 killed mid-way")"
t0=$(date +%s)
pids=()
mt_get 1 &
pids+=($!)
sleep 0.5
for i in $(seq 2 "$early"); do
	mt_get "$i" &
	pids+=($!)
done
pxl_t_wait_client_size mt 1 $((SIZE / 3))
for i in $(seq $((early + 1)) "$N"); do
	mt_get "$i" &
	pids+=($!)
done
if [ "$KILL" = 1 ]; then
	pxl_t_wait_client_size mt 1 $((SIZE * 3 / 5))
	kpids=$(ip netns pids "$(pxl_t_client_ns mt 1)" 2>/dev/null || true)
	pxl_t_log "killing client 1 (the requester) at $(pxl_t_client_size mt 1) bytes (pids $kpids)"
	# shellcheck disable=SC2086
	[ -n "$kpids" ] && kill -KILL $kpids 2>/dev/null || true
fi
wait "${pids[@]}" || true
# Every client writes its .rc, the killed one too; bounded 300 s all the same.
for k in $(seq 1 3000); do
	left=0
	for i in $(seq 1 "$N"); do
		[ -f "$PXL_T_OUT/mt$i.rc" ] || left=$((left + 1))
	done
	[ "$left" -eq 0 ] && break
	sleep 0.1
done
pxl_t_log "all clients ended in $(($(date +%s) - t0)) s"

done_ok=0
first=1
[ "$KILL" = 1 ] && first=2
for i in $(seq "$first" "$N"); do
	when=listening
	[ "$i" -eq 1 ] && when=asking
	[ "$i" -gt "$early" ] && when=late
	if pxl_t_check_copy "client $i (MTFTP, $when)" big.bin "$PXL_T_OUT/mt$i"; then
		done_ok=$((done_ok + 1))
	fi
done

read -r sent requests started listening completed dropped firsts <<<"$(pxl_t_stat \
	mcast_bytes_sent mtftp_requests mtftp_started mtftp_listening mcast_completed \
	mcast_dropped mtftp_unicast_firsts)" || true
pxl_t_log "counters: sent $sent requests $requests streams $started unanswered (listening) $listening completed-as-requester $completed dropped $dropped block-1-unicast $firsts"
pxl_t_expect "telemetry answers" test "${sent:--1}" -gt 0
if [ "${sent:--1}" -gt 0 ]; then
	factor=$(awk -v s="$sent" -v f="$SIZE" 'BEGIN { printf "%.2f", s / f }')
	pxl_t_log "wire bytes: $sent for $done_ok complete copies = $factor x one copy (unicast: $done_ok x)"
	pxl_t_expect "at least one stream opened ($started)" test "$started" -ge 1
	pxl_t_expect "every stream began with a unicast block 1 ($firsts >= $started)" \
		test "$firsts" -ge "$started"
	if [ "$KILL" = 1 ]; then
		pxl_t_expect "the killed requester was dropped ($dropped)" test "$dropped" -ge 1
	fi
	pxl_t_expect "streams sent less than unicast would ($factor x < $done_ok x)" \
		test "$sent" -lt "$((SIZE * done_ok))"
	# A killed requester costs about one more stream: with 8 copies or
	# more the saving must be at least half. Without the kill, late
	# joiners each ask again once the first stream ends, and atftp's
	# fixed delays start 3-6 more whole streams (seen 4-7 copies for 16).
	if [ "$KILL" = 1 ] && [ "$done_ok" -ge 8 ]; then
		pxl_t_expect "streams sent under half the unicast bytes" \
			test "$((sent * 2))" -lt "$((SIZE * done_ok))"
	fi
	# One trace line per stream, with what it saved against unicast.
	pxl_t_wait_log "mcast mtftp stream" >/dev/null || true
	grep -E "mcast mtftp stream" "$PXL_T_LOG" | sed 's/^[^ ]* mcast /trace: /' |
		while read -r l; do pxl_t_log "$l"; done
	pxl_t_expect "a stream trace line per stream opened ($started)" \
		test "$(grep -cE "mcast mtftp stream .*file=\"big.bin\"" "$PXL_T_LOG")" -ge "$started"
fi
pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_destroy_clients mt "$N"
pxl_t_finish
