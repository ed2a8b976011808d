#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Soak: pxeline (bench veth lab, PXB_PMD) holds PXB_SOAK_CLIENTS concurrent
# transfers under random loss for PXB_SOAK_SECONDS: tftpbench starts a new
# transfer as each one ends and, at the end, lets the running ones finish
# (--run-for). Loss is nftables' netdev numgen drop on the client's veth,
# both ways (scripts/lib/netns.sh pxl_loss_set, as tests/integration do).
# Every PXB_SOAK_SAMPLE seconds the engine's RSS (/proc/PID/status), the
# cache's chunks_used and the sessions in flight (telemetry) go to a CSV.
# Every transfer is verified byte for byte against the file by tftpbench.
# Memory is "flat" when the mean RSS of the last minute exceeds the first
# minute's by at most PXB_SOAK_SLACK_KB (4096) or 1 %, whichever is more.
#
#   sudo bench/soak.sh                        10,000 sessions, 10 minutes, 1 % loss
#   sudo PXB_SOAK_SECONDS=120 PXB_SOAK_CLIENTS=2000 bench/soak.sh
#   sudo bench/soak.sh --report               also copy soak.{csv,md} to bench/report/
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]  PXB_PMD [af_packet]
#   PXB_SOAK_CLIENTS [10000]  PXB_SOAK_SECONDS [600]  PXB_SOAK_LOSS [1] (%)
#   PXB_SOAK_SIZE [524288]  PXB_SOAK_BLKSIZE [1456]  PXB_SOAK_WINDOW [1] (lock-step)
#   PXB_SOAK_SERVER_RTO_MS [1000] the engine's timeout_ms
#   PXB_SOAK_RTO_MS [2000] client timer (5 in a row and it gives up; the
#                          server's 200 ms timer repairs the loss)  PXB_SOAK_SAMPLE [10] seconds
#   PXB_SOAK_SLACK_KB [4096]
# Output: bench/results/soak-DATE/{soak.csv,soak.md,tftpbench.txt,transfers.csv}.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxb_report_args "$@"

PXB_SOAK_CLIENTS=${PXB_SOAK_CLIENTS:-10000}
PXB_SOAK_SECONDS=${PXB_SOAK_SECONDS:-600}
PXB_SOAK_LOSS=${PXB_SOAK_LOSS:-1}
PXB_SOAK_SIZE=${PXB_SOAK_SIZE:-524288}
PXB_SOAK_BLKSIZE=${PXB_SOAK_BLKSIZE:-1456}
PXB_SOAK_WINDOW=${PXB_SOAK_WINDOW:-1}
# The engine's default timer, not the bench's 200 ms: 10,000 sessions
# resending a window every 200 ms is more than the veth carries (a
# congestion collapse, seen with windowsize 4).
PXB_SERVER_RTO_MS=${PXB_SOAK_SERVER_RTO_MS:-1000}
PXB_SOAK_RTO_MS=${PXB_SOAK_RTO_MS:-2000}
PXB_SOAK_SAMPLE=${PXB_SOAK_SAMPLE:-10}
PXB_SOAK_SLACK_KB=${PXB_SOAK_SLACK_KB:-4096}

pxl_need_root
pxb_need_tools
command -v nft >/dev/null || pxl_die "no nft (package nftables)"
pxb_run_dir soak
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
chmod 755 "$PXB_RUN" "$ROOT"
FILE=s$PXB_SOAK_SIZE.bin
pxb_file "$ROOT" "$FILE" "$PXB_SOAK_SIZE"
CSV=$PXB_RUN/soak.csv
MD=$PXB_RUN/soak.md
OUT=$PXB_RUN/tftpbench.txt

BENCH_PID=
cleanup()
{
	trap - EXIT INT TERM
	set +e
	[ -n "$BENCH_PID" ] && pxl_stop_pid "$BENCH_PID" INT 50 && wait "$BENCH_PID" 2>/dev/null
	pxl_loss_clear "$PXB_CLI_NS"
	pxb_lab_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pxb_lab_up
echo "# soak.sh $(date -Is); load at start: $(pxb_load)" >"$PXB_RUN/load.txt"

# Room for every client at once.
PXB_TFTP_EXTRA="max_sessions = $((PXB_SOAK_CLIENTS > 16384 ? PXB_SOAK_CLIENTS : 16384));"
pxb_server_start pxeline "$ROOT" "$PXB_RUN/pxeline.log" || pxl_die "pxeline did not start"
[ "$(cat "/proc/$PXB_SERVER_PID/comm" 2>/dev/null)" = pxeline ] ||
	pxl_die "pid $PXB_SERVER_PID is not the engine"

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$PXB_SERVER_PID/status" 2>/dev/null || echo NA
}

sample()
{
	local t=$1 phase=$2
	printf '%s,%s,%s,%s,%s,%s,%s\n' "$t" "$phase" "$(rss_kb)" \
		"$(pxb_tele_get "$PXB_FILE_PREFIX" /pxeline/cache chunks_used)" \
		"$(pxb_tele_get "$PXB_FILE_PREFIX" /pxeline/stats tftp_sessions_active)" \
		"$(pxb_tele_get "$PXB_FILE_PREFIX" /pxeline/stats tftp_sessions_total)" \
		"$(cut -d' ' -f1 /proc/loadavg)" >>"$CSV"
}

echo "seconds,phase,rss_kb,chunks_used,sessions_active,sessions_total,load1" >"$CSV"
sample 0 idle
pxl_loss_set "$PXB_CLI_NS" "$PXB_SOAK_LOSS"
pxl_say "loss $PXB_SOAK_LOSS % each way; $PXB_SOAK_CLIENTS concurrent transfers of $FILE for $PXB_SOAK_SECONDS s"

# An upper bound on transfers (tftpbench keeps one result each): enough
# for 100 MiB/s the whole time.
xfers=$((PXB_SOAK_SECONDS * 104857600 / PXB_SOAK_SIZE + PXB_SOAK_CLIENTS))
[ "$xfers" -gt 5000000 ] && xfers=5000000
# One socket per client: raise the descriptor limit for tftpbench alone.
ip netns exec "$PXB_CLI_NS" bash -c 'ulimit -n $(('"$PXB_SOAK_CLIENTS"' + 1024)) && exec "$@"' soak \
	"$PXB_TFTPBENCH" --server "$PXL_SRV_ADDR" --file "$FILE" \
	--clients "$PXB_SOAK_CLIENTS" --transfers "$xfers" --run-for "$PXB_SOAK_SECONDS" \
	--duration-limit $((PXB_SOAK_SECONDS + 300)) --blksize "$PXB_SOAK_BLKSIZE" \
	--windowsize "$PXB_SOAK_WINDOW" --rto-ms "$PXB_SOAK_RTO_MS" \
	--verify "$ROOT/$FILE" --csv "$PXB_RUN/transfers.csv" >"$OUT" 2>&1 &
BENCH_PID=$!
t0=$(date +%s)
while kill -0 "$BENCH_PID" 2>/dev/null; do
	sleep "$PXB_SOAK_SAMPLE"
	t=$(($(date +%s) - t0))
	phase=load
	[ "$t" -gt "$PXB_SOAK_SECONDS" ] && phase=drain
	sample "$t" "$phase"
	[ $((t % 60)) -lt "$PXB_SOAK_SAMPLE" ] && pxl_say "t=${t}s $(tail -n 1 "$CSV"); $(tail -n 1 "$OUT" | tr -s ' ')"
done
bench_rc=0
wait "$BENCH_PID" || bench_rc=$?
BENCH_PID=
drops=$(pxl_loss_counts "$PXB_CLI_NS")
pxl_loss_clear "$PXB_CLI_NS"
# Sessions back to 0 (a client that gave up leaves one until the server's
# own retries end).
for i in $(seq 1 60); do
	[ "$(pxb_tele_get "$PXB_FILE_PREFIX" /pxeline/stats tftp_sessions_active)" = 0 ] && break
	sleep 1
done
sample $(($(date +%s) - t0)) after
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"
pxb_telemetry /pxeline/stats >"$PXB_RUN/pxeline-stats.json"
engine_rc=0
if pxl_stop_pid "$PXB_SERVER_PID" TERM 300; then
	wait "$PXB_SERVER_PID" 2>/dev/null || engine_rc=$?
else
	wait "$PXB_SERVER_PID" 2>/dev/null || true
	engine_rc="killed after 30 s"
fi
PXB_SERVER_PID=

summary=$(grep -E '^transfers:' "$OUT" || echo "transfers: none")
last=$(tail -n 1 "$OUT")
rows=$(($(wc -l <"$PXB_RUN/transfers.csv") - 1))
# Column 11 is the result: "ok" only for a complete, verified transfer.
bad_rows=$(awk -F, 'NR > 1 && $11 != "ok" { n++ } END { print n + 0 }' "$PXB_RUN/transfers.csv" 2>/dev/null || echo NA)
verdict=$(awk -F, -v slack="$PXB_SOAK_SLACK_KB" -v dur="$PXB_SOAK_SECONDS" '
	$2 == "load" && $1 <= 60 && $3 != "NA" { f += $3; nf++ }
	$2 == "load" && $1 > dur - 60 && $3 != "NA" { l += $3; nl++ }
	$2 == "load" && $5 > peak { peak = $5 }
	END {
		if (!nf || !nl) { print "NA NA NA unknown"; exit }
		f /= nf; l /= nl; d = l - f
		lim = f / 100 > slack ? f / 100 : slack
		printf "%.0f %.0f %.0f %s %d\n", f, l, d, (d <= lim ? "flat" : "GROWING"), peak
	}' "$CSV")
read -r first_kb last_kb delta_kb flat peak <<<"$verdict"
{
	echo "Soak: $PXB_SOAK_CLIENTS concurrent transfers of $((PXB_SOAK_SIZE / 1024)) KiB, blksize $PXB_SOAK_BLKSIZE, windowsize $PXB_SOAK_WINDOW, $PXB_SOAK_LOSS % loss each way (nftables), $PXB_SOAK_SECONDS s, PMD ${PXB_PMD}."
	echo
	echo "- tftpbench: \`$summary\`; last line \`$last\` (exit $bench_rc)"
	echo "- per-transfer CSV rows: $rows, rows not verified: $bad_rows"
	echo "- frames dropped by nftables (to client, from client): $drops"
	echo "- peak sessions in flight (engine telemetry): $peak"
	echo "- engine RSS, mean of the first minute $first_kb kB, of the last minute $last_kb kB: delta $delta_kb kB -> **$flat** (slack max($PXB_SOAK_SLACK_KB kB, 1 %))"
	echo "- after: $(tail -n 1 "$CSV") (seconds,phase,rss_kb,chunks_used,sessions_active,sessions_total,load1)"
	echo "- engine exit status on SIGTERM: $engine_rc; $(grep -m 1 'stopped:' "$PXB_RUN/pxeline.log" | sed 's/.*info: //')"
	echo
	echo "| seconds | phase | RSS kB | chunks_used | sessions in flight | sessions total | load1 |"
	echo "|---|---|---|---|---|---|---|"
	tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
	echo
	sed 's/^# /    /' "$PXB_RUN/load.txt"
} >"$MD"
cat "$MD"
if [ "$report" -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$CSV" "$MD" "$PXB_DIR/report/"
	pxl_say "copied to bench/report/"
fi
