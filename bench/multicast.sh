#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# RFC 2090 multicast wire bytes: pxeline (multicast enabled, on the bench
# veth through net_af_packet) and tftpbench --multicast with 4, 16 and 64
# emulated receivers in one client namespace (they share one group socket)
# fetching one file together. For each count it prints, from pxeline's own
# counters, the group factor (mcast_bytes_sent / file size) and the wire
# factor (group plus unicast DATA bytes / file size; all unicast would be
# one copy per receiver) next to tftpbench's client-side view, and appends
# a row to bench/report/multicast.csv.
#
#   sudo bench/multicast.sh
#   sudo PXB_MC_CLIENTS="4 16 64 128" bench/multicast.sh
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]        build with pxeline and tftpbench
#   PXB_MC_CLIENTS ["4 16 64"]   receivers per run (pxeline's max_receivers
#                                is raised to the largest)
#   PXB_MC_SIZE [41943040]       file bytes (40 MiB)
#   PXB_MC_BLKSIZE [1428]
#   PXB_MC_LIMIT [300]           --duration-limit of a run, seconds
#   PXB_MC_MODES ["staggered burst"]
#                                staggered: one receiver opens the group,
#                                the rest ask PXB_MC_STAGGER_MS [300] later
#                                and join the running stream (then repair
#                                the start as master); burst: all at once,
#                                as a boot storm, where pxeline holds only 8
#                                RRQs while the file opens and serves the
#                                others unicast
# Output: bench/results/multicast-DATE/ (tftpbench output, per-transfer
# CSV, server log) and rows in bench/report/multicast.csv.
set -euo pipefail

# A lab of its own, so it can run next to compare.sh and the tests.
export PXB_SRV_NS=${PXB_SRV_NS:-pxb-mc-srv} PXB_CLI_NS=${PXB_CLI_NS:-pxb-mc-cli}
export PXB_SRV_IF=${PXB_SRV_IF:-pxb-mcs} PXB_CLI_IF=${PXB_CLI_IF:-pxb-mcc}
export PXB_FILE_PREFIX=${PXB_FILE_PREFIX:-pxb-mc}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PXB_MC_CLIENTS=${PXB_MC_CLIENTS:-4 16 64}
PXB_MC_SIZE=${PXB_MC_SIZE:-41943040}
PXB_MC_BLKSIZE=${PXB_MC_BLKSIZE:-1428}
PXB_MC_LIMIT=${PXB_MC_LIMIT:-300}
PXB_MC_MODES=${PXB_MC_MODES:-staggered burst}
PXB_MC_STAGGER_MS=${PXB_MC_STAGGER_MS:-300}
MC_PORT=1758
REPORT=$PXB_DIR/report/multicast.csv

case ${1:-} in
-h | --help)
	pxb_usage
	exit 0
	;;
esac

pxl_need_root
pxb_need_tools
command -v dpdk-telemetry.py >/dev/null || pxl_die "dpdk-telemetry.py not found"

max=0
for n in $PXB_MC_CLIENTS; do
	[ "$n" -gt "$max" ] && max=$n
done
[ "$max" -le 4096 ] || pxl_die "at most 4096 receivers (pxeline's max_receivers)"

# lab.cfg as the bench uses it, plus a multicast group for everyone.
eval "$(declare -f pxb_engine_cfg | sed '1s/pxb_engine_cfg/pxb_engine_cfg_base/')"
pxb_engine_cfg()
{
	pxb_engine_cfg_base "$@"
	cat >>"$2" <<EOF

multicast = {
	enabled = true;
	groups = "239.255.1.0/24";
	port = $MC_PORT;
	ttl = 1;
	pace_pps = 0;
	max_receivers = $max;
};
EOF
}

# The counters of pxeline's telemetry named in $@, space separated.
mc_stat()
{
	pxb_telemetry /pxeline/stats | python3 -c 'import json, sys
d = json.loads(sys.stdin.read())["/pxeline/stats"]
print(" ".join(str(d.get(k, -1)) for k in sys.argv[1:]))' "$@"
}

trap 'pxb_lab_down' EXIT
pxb_run_dir multicast
ROOT=$PXB_RUN/root
pxb_lab_up
pxb_file "$ROOT" big.bin "$PXB_MC_SIZE"
pxb_server_start pxeline "$ROOT" "$PXB_RUN/server.log" ||
	pxl_die "pxeline did not start (see $PXB_RUN/server.log)"
mc_stat mcast_bytes_sent >/dev/null 2>&1 || pxl_die "no telemetry from pxeline (prefix $PXB_FILE_PREFIX)"

mkdir -p "$(dirname "$REPORT")"
[ -s "$REPORT" ] || echo "date,commit,mode,clients,file_bytes,blksize,ok,failed,seconds,group_bytes_sent,unicast_bytes_sent,group_factor,wire_factor,client_factor,joined,completed,dropped,handovers,declined,load" >"$REPORT"
commit=$(git -C "$PXL_REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
keys="mcast_bytes_sent tftp_bytes_sent mcast_joined mcast_completed mcast_dropped mcast_handovers mcast_declined"

# tftpbench in the client namespace; the summary goes to $1.
mc_bench()
{
	local out=$1 n=$2
	shift 2
	ip netns exec "$PXB_CLI_NS" "$PXB_TFTPBENCH" --server "$PXL_SRV_ADDR" --file big.bin \
		--clients "$n" --multicast --blksize "$PXB_MC_BLKSIZE" --tsize \
		--verify "$ROOT/big.bin" --rto-ms 500 --duration-limit "$PXB_MC_LIMIT" \
		--quiet "$@" >"$out" 2>&1 || true
}

# Sums key= of the summary lines of the given outputs.
mc_sum()
{
	local key=$1
	shift
	awk -v k="$key" '/goodput_mbps=/ { for (i = 1; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == k) { s += kv[2]; n++ } } } END { if (n) print s; else print "NA" }' "$@"
}

printf '%-9s %9s %8s %8s %14s %14s %7s %7s %7s %8s\n' mode receivers ok seconds group_bytes \
	unicast_bytes group wire client declined
for mode in $PXB_MC_MODES; do
	for n in $PXB_MC_CLIENTS; do
		outs=()
		read -r s0 u0 j0 c0 d0 h0 x0 <<<"$(mc_stat $keys)"
		t0=$(date +%s.%N)
		if [ "$mode" = staggered ] && [ "$n" -gt 1 ]; then
			# One receiver opens the group; the rest join the running
			# stream together (pxeline holds only a few RRQs while a
			# file opens, the others it serves alone).
			outs=("$PXB_RUN/$mode-$n-first.txt" "$PXB_RUN/$mode-$n-rest.txt")
			mc_bench "${outs[0]}" 1 --csv "$PXB_RUN/$mode-$n-first.csv" &
			first=$!
			sleep "$(awk -v m="$PXB_MC_STAGGER_MS" 'BEGIN { print m / 1000 }')"
			mc_bench "${outs[1]}" $((n - 1)) --csv "$PXB_RUN/$mode-$n-rest.csv"
			wait "$first" || true
		else
			outs=("$PXB_RUN/$mode-$n.txt")
			mc_bench "${outs[0]}" "$n" --csv "$PXB_RUN/$mode-$n.csv"
		fi
		t1=$(date +%s.%N)
		# A receiver that completed as a listener ends as master a moment later.
		sleep 1
		read -r s1 u1 j1 c1 d1 h1 x1 <<<"$(mc_stat $keys)"
		gsent=$((s1 - s0))
		usent=$((u1 - u0))
		ok=$(mc_sum ok "${outs[@]}")
		failed=$(mc_sum failed "${outs[@]}")
		client=$(sed -n 's/.*group_factor=\([0-9.NA]*\).*/\1/p' "${outs[-1]}" | tail -n 1)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
		gfactor=$(awk -v s="$gsent" -v f="$PXB_MC_SIZE" 'BEGIN { printf "%.3f", s / f }')
		wfactor=$(awk -v s="$((gsent + usent))" -v f="$PXB_MC_SIZE" 'BEGIN { printf "%.3f", s / f }')
		printf '%-9s %9s %8s %8s %14s %14s %7s %7s %7s %8s\n' "$mode" "$n" "$ok/$n" "$secs" \
			"$gsent" "$usent" "$gfactor" "$wfactor" "${client:-NA}" "$((x1 - x0))"
		if [ "$failed" != 0 ]; then
			pxl_warn "$mode $n: $failed failed"
			grep -h 'failed:' "${outs[@]}" | head -n 3 >&2 || true
		fi
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$commit,$mode,$n,$PXB_MC_SIZE,$PXB_MC_BLKSIZE,$ok,$failed,$secs,$gsent,$usent,$gfactor,$wfactor,${client:-NA},$((j1 - j0)),$((c1 - c0)),$((d1 - d0)),$((h1 - h0)),$((x1 - x0)),\"$(pxb_load | tr -d '"' | cut -c1-120)\"" >>"$REPORT"
	done
done
pxl_say "rows appended to $REPORT; run outputs in $PXB_RUN"
