#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# proxyDHCP per worker lcore: dhcpbench (PXE DISCOVERs from distinct MACs,
# on tftpbench's DPDK port setup) against pxeline with one worker over
# net_memif, at a ladder of offered rates, a few seconds each. Per rate:
# DISCOVERs sent, OFFERs/s, lost, answer time avg/p50/p99/max (TSC stamps
# on the generator, send burst to receive burst). Measured, never asserted;
# a table for bench/README.md. No kernel interface is involved: memif is
# shared memory between the two processes.
#
#   sudo bench/dhcp_dpdk.sh
#   sudo PXB_DD_RATES="100000 0" PXB_DD_SECS=5 bench/dhcp_dpdk.sh
#   sudo bench/dhcp_dpdk.sh --report       also copy the table to bench/report/
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]
#   PXB_DD_RATES ["50000 100000 200000 400000 800000 0"]  DISCOVERs/s, 0 = as
#                      fast as the memif ring takes them
#   PXB_DD_SECS [3]    sending time per rate (then 200 ms for late OFFERs)
#   PXB_DD_MACS [100000] distinct clients, used in turn
#   PXB_DD_LOG [warn]  pxeline's log.level: at info every answer is a trace
#                      line the control thread writes (they go through the
#                      log ring either way; info measures the writer too)
#   PXB_DD_RSIZE [12]  memif rings of 2^N descriptors
#   PXB_DD_PERF [1]    then one more saturation run with perf record
#                      (cpu-clock samples) on the worker thread: where its
#                      time goes, perf-worker.txt
#   PXB_DD_GEN_LCORE [0] the generator's lcore; pxeline's worker has 1, its
#                      control thread 0
# One dhcpbench per rate (a new memif connection each; it first waits for
# one OFFER, so the link and the snapshot are up). Rate 0 keeps at most
# 1024 DISCOVERs unanswered (dhcpbench --max-inflight): the saturation rate
# without measuring the depth of a full ring. The worker's CPU seconds per
# rate (from /proc) say how much of a core it got on a shared machine;
# OFFERs per worker CPU-second at saturation is what one whole lcore gives.
# Output: bench/results/dhcp_dpdk-DATE/{dhcp_dpdk.csv,dhcp_dpdk.md}, the
# generator's output and pxeline's counters after the ladder.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxb_report_args "$@"

PXB_DD_RATES=${PXB_DD_RATES:-50000 100000 200000 400000 800000 0}
PXB_DD_SECS=${PXB_DD_SECS:-3}
PXB_DD_MACS=${PXB_DD_MACS:-100000}
PXB_DD_LOG=${PXB_DD_LOG:-warn}
PXB_DD_RSIZE=${PXB_DD_RSIZE:-12}
PXB_DD_GEN_LCORE=${PXB_DD_GEN_LCORE:-0}
PXB_DD_PERF=${PXB_DD_PERF:-1}
PXB_DHCPBENCH=${PXB_DHCPBENCH:-$PXL_BUILD/dhcpbench}
PREFIX=${PXB_FILE_PREFIX}-dd

pxl_need_root
[ -x "$PXB_DHCPBENCH" ] || pxl_die "no dhcpbench at $PXB_DHCPBENCH (meson compile -C $PXL_BUILD_DIR)"
pxb_run_dir dhcp_dpdk
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
chmod 755 "$PXB_RUN" "$ROOT"
echo "bios boot file" >"$ROOT/undionly.kpxe"
SOCK=$PXB_RUN/memif.sock
CSV=$PXB_RUN/dhcp_dpdk.csv
OUT=$PXB_RUN/dhcpbench.txt

pxb_engine_stop_on_exit

# The memif config with proxyDHCP on, one profile for BIOS clients that
# every unknown client gets, and the log level asked for.
PXB_MEMIF_DEVARGS=rsize=$PXB_DD_RSIZE
PXB_MEMIF_CACHE_MB=16
pxb_memif_cfg "$ROOT" "$SOCK" "$PXB_RUN/pxeline.cfg" \
	"\"-l\", \"0-1\", \"--main-lcore\", \"0\", \"--no-pci\", \"--file-prefix\", \"$PREFIX\", \"--huge-unlink\""
sed -i '/^dhcp = {$/,/^};$/d' "$PXB_RUN/pxeline.cfg"
cat >>"$PXB_RUN/pxeline.cfg" <<EOC
dhcp = {
	enabled = true;
};
profiles = (
	{
		name = "default";
		bios = "undionly.kpxe";
	}
);
unknown = {
	action = "boot";
	profile = "default";
};
log = {
	level = "$PXB_DD_LOG";
};
EOC
rm -f "$SOCK"
echo "# dhcp_dpdk.sh $(date -Is); load at start: $(pxb_load)" >"$PXB_RUN/load.txt"
# Below info, "pxeline serving" is not logged: ready when the memif socket
# is there and telemetry answers.
(cd "$PXB_RUN" && exec "$(pxl_engine_path)" -c "$PXB_RUN/pxeline.cfg") >"$PXB_RUN/pxeline.log" 2>&1 &
PXB_ENGINE_PID=$!
for _ in $(seq 1 300); do
	[ -S "$SOCK" ] && [ -n "$(pxb_tele_get "$PREFIX" /pxeline/stats dhcp_rx)" ] && break
	kill -0 "$PXB_ENGINE_PID" 2>/dev/null || pxl_die "pxeline exited; see $PXB_RUN/pxeline.log"
	sleep 0.1
done
[ -S "$SOCK" ] || pxl_die "pxeline did not come up in 30 s; see $PXB_RUN/pxeline.log"
pxl_say "pxeline serving over $SOCK (log level $PXB_DD_LOG)"

# The worker thread: its CPU time per rate says how much of a core it had
# (the machine is shared) and what one whole lcore would answer.
WORKER_TID=
for t in /proc/"$PXB_ENGINE_PID"/task/*; do
	[ "$(cat "$t/comm" 2>/dev/null)" = rte-worker-1 ] && WORKER_TID=${t##*/}
done
: >"$OUT"
# dd_bench RATE OUT: one dhcpbench at RATE, its output appended to OUT.
dd_bench()
{
	timeout $((PXB_DD_SECS + 60)) "$PXB_DHCPBENCH" \
		--dpdk-dev "net_memif0,role=client,socket=$SOCK,socket-abstract=no,$PXB_MEMIF_DEVARGS" \
		--eal "-l $PXB_DD_GEN_LCORE --no-pci --file-prefix $PREFIX-cli --huge-unlink -m 512" \
		--rates "$1" --seconds "$PXB_DD_SECS" --macs "$PXB_DD_MACS" \
		${WORKER_TID:+--watch-tid "$WORKER_TID"} >>"$2" 2>&1 || true
}
for rate in $PXB_DD_RATES; do
	echo "# rate $rate: $(pxb_load)" >>"$PXB_RUN/load.txt"
	dd_bench "$rate" "$OUT"
	grep '^dhcpbench: rate=' "$OUT" | tail -n 1 | sed 's/^/bench: /' >&2 || true
done
# Where the worker's time goes at saturation: cpu-clock samples of its
# thread while dhcpbench sends (this machine has no hardware counters).
if [ "$PXB_DD_PERF" = 1 ] && command -v perf >/dev/null && [ -n "$WORKER_TID" ]; then
	dd_bench 0 "$PXB_RUN/perf-run.txt" &
	gen=$!
	for _ in $(seq 1 300); do
		grep -q '^dhcpbench: sending' "$PXB_RUN/perf-run.txt" 2>/dev/null && break
		sleep 0.1
	done
	timeout $((PXB_DD_SECS + 30)) perf record -q -e cpu-clock -F 2000 -g -t "$WORKER_TID" \
		-o "$PXB_RUN/perf.data" -- sleep "$(awk -v s="$PXB_DD_SECS" 'BEGIN { print s * 0.8 }')" \
		>/dev/null 2>&1 || true
	wait "$gen" || true
	perf report -i "$PXB_RUN/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
		grep -v '^$' | grep -E '^ +[0-9.]+%' | head -n 30 >"$PXB_RUN/perf-worker.txt" || true
	grep '^dhcpbench: rate=' "$PXB_RUN/perf-run.txt" | sed 's/^/bench: under perf: /' >&2 || true
fi
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"
echo /pxeline/stats | timeout 10 dpdk-telemetry.py -f "$PREFIX" >"$PXB_RUN/pxeline-stats.json" 2>/dev/null || true
pxb_engine_stop
pxl_say "pxeline exit status $PXB_ENGINE_RC"
grep -q '^dhcpbench: rate=' "$OUT" || pxl_die "dhcpbench measured nothing; see $OUT"

echo "offered_per_s,seconds,sent,tx_full,offers,offers_per_s,lost,lost_pct,unmatched,avg_us,p50_us,p99_us,max_us,worker_cpu_s,offers_per_worker_cpu_s,gen_cpu_s" >"$CSV"
awk '/^dhcpbench: rate=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", v["rate"], v["seconds"], v["sent"],
		v["tx_full"], v["offers"], v["offers_per_s"], v["lost"], v["lost_pct"],
		v["unmatched"], v["avg_us"], v["p50_us"], v["p99_us"], v["max_us"],
		v["watch_cpu_s"], v["offers_per_watch_cpu_s"], v["gen_cpu_s"] }' "$OUT" >>"$CSV"
{
	echo "proxyDHCP over net_memif (rings of 2^$PXB_DD_RSIZE), one pxeline worker lcore, log level $PXB_DD_LOG; dhcpbench on lcore $PXB_DD_GEN_LCORE, $PXB_DD_MACS distinct PXE clients, ${PXB_DD_SECS} s per rate."
	echo
	echo "| offered DISCOVER/s | sent | OFFERs/s | lost | avg us | p50 us | p99 us | max us | worker CPU s | OFFERs per worker CPU-s | generator CPU s |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s (%s %%) | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $6, $7, $8, $10, $11, $12, $13, $14, $15, $16 }'
	echo
	sed 's/^# /    /' "$PXB_RUN/load.txt"
	if [ -s "$PXB_RUN/perf-worker.txt" ]; then
		echo
		echo "The worker thread at saturation (perf record -e cpu-clock, self time by symbol):"
		echo
		sed 's/^/    /' "$PXB_RUN/perf-worker.txt"
	fi
} >"$PXB_RUN/dhcp_dpdk.md"
cat "$PXB_RUN/dhcp_dpdk.md"
if [ "$report" -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$CSV" "$PXB_RUN/dhcp_dpdk.md" "$PXB_DIR/report/"
	pxl_say "copied to bench/report/"
fi
