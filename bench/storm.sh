#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boot storm: N emulated PXE clients at once (tftpbench's DPDK engine, one
# address and MAC per host) each fetching the same file from pxeline over
# net_memif, against what the port can carry. The capacity is measured in
# the same run: pxeline's own best single-stream rate over the same memif
# (1 client, windowsize 16 and 64, PXB_STORM_CAP_REPS each, the best), and
# its best aggregate rate (32 clients, windowsize 64): the storm is compared
# with the larger, the port's capacity as far as pxeline can fill it.
# Ideal time = N x file bytes / capacity; the storm's time is tftpbench's
# wall time from the first RRQ to the last verified byte.
#
#   sudo bench/storm.sh                         1,000 and 10,000 clients
#   sudo PXB_STORM_CLIENTS=1000 PXB_STORM_SIZE=4194304 bench/storm.sh
#   sudo bench/storm.sh --report                also copy the table to bench/report/
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]
#   PXB_STORM_CLIENTS ["1000 10000"]   PXB_STORM_SIZE [31457280] (30 MiB)
#   PXB_STORM_SIZE_<N>                 the file for N clients instead (a
#                                      smaller one when N x 30 MiB takes too long)
#   PXB_STORM_BLKSIZE [1456]  PXB_STORM_WINDOW [16]
#   PXB_STORM_RTO_MS [2000] client timer; tftpbench gives up after 5 in a row
#                          (a ROM retries its RRQ for longer than 5 x 1 s)
#   PXB_STORM_CAP_REPS [3]    PXB_STORM_LIMIT [1800] s per storm
#   PXB_STORM_CAP_CELLS ["1:16 1:64 32:64"] clients:windowsize of the capacity runs
#   PXB_STORM_CAP_ROUNDS [4] transfers per client in a capacity run (long enough
#                          to measure: a 30 MiB transfer over memif takes ~50 ms)
#   PXB_STORM_RSIZE [12] memif rings of 2^N  PXB_STORM_RETRIES [10] tftp.retries
#   PXB_STORM_SERVER_RTO_MS [1000] tftp.timeout_ms
# The clients live on 198.18.0.0/16 (RFC 2544's benchmarking range; a /24
# cannot hold 10,000 hosts). Nothing reaches a kernel interface: memif is
# shared memory between the two processes.
# Output: bench/results/storm-DATE/{storm.csv,storm.md} and every output.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxb_report_args "$@"

PXB_STORM_CLIENTS=${PXB_STORM_CLIENTS:-1000 10000}
PXB_STORM_SIZE=${PXB_STORM_SIZE:-31457280}
PXB_STORM_BLKSIZE=${PXB_STORM_BLKSIZE:-1456}
PXB_STORM_WINDOW=${PXB_STORM_WINDOW:-16}
PXB_STORM_RTO_MS=${PXB_STORM_RTO_MS:-2000}
PXB_STORM_CAP_REPS=${PXB_STORM_CAP_REPS:-3}
PXB_STORM_LIMIT=${PXB_STORM_LIMIT:-1800}
PXB_STORM_RSIZE=${PXB_STORM_RSIZE:-12}
PXB_STORM_RETRIES=${PXB_STORM_RETRIES:-10}
PXB_STORM_SERVER_RTO_MS=${PXB_STORM_SERVER_RTO_MS:-1000}
PXB_STORM_CAP_CELLS=${PXB_STORM_CAP_CELLS:-1:16 1:64 32:64}
PXB_STORM_CAP_ROUNDS=${PXB_STORM_CAP_ROUNDS:-4}
SERVER=198.18.0.2
NET=198.18.0.0/16
FIRST=198.18.1.1
PREFIX=${PXB_FILE_PREFIX}-storm

pxl_need_root
pxb_need_tools
pxb_run_dir storm
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
chmod 755 "$PXB_RUN" "$ROOT"
SOCK=$PXB_RUN/memif.sock
CSV=$PXB_RUN/storm.csv
echo "what,clients,file_bytes,blksize,windowsize,seconds,mibps,ok,failed,capacity_mibps,ideal_s,ratio,retransmits,load1" >"$CSV"
echo "# storm.sh $(date -Is); load at start: $(pxb_load)" >"$PXB_RUN/load.txt"

pxb_engine_stop_on_exit

max_clients=0
sizes=()
for n in $PXB_STORM_CLIENTS; do
	[ "$n" -gt "$max_clients" ] && max_clients=$n
	v=PXB_STORM_SIZE_$n
	sizes+=("${!v:-$PXB_STORM_SIZE}")
done
max_size=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -n 1)
for s in $(printf '%s\n' "${sizes[@]}" | sort -un); do
	pxb_file "$ROOT" "s$s.bin" "$s"
done

# Sessions for every client at once; a cache that holds the largest file
# whole (one read from disk, every session shares the chunks) plus the
# read-ahead of the transfers still reading it.
PXB_MEMIF_ADDR=$SERVER/16
PXB_MEMIF_CACHE_MB=$(((max_size + 1048575) / 1048576 + 32))
# The engine's default 1 s timer: with 10,000 sessions the bench's 200 ms
# resends more than the worker can send and receive (it stops draining its
# RX ring, the clients' ACKs are dropped: a collapse, seen at 200 ms).
PXB_MEMIF_TFTP="	max_sessions = $((max_clients > 16384 ? max_clients : 16384));
	timeout_ms = $PXB_STORM_SERVER_RTO_MS;
	retries = $PXB_STORM_RETRIES;"
# 4096-descriptor rings each way (memif's default is 1024): 10,000 clients'
# first RRQs arrive in one burst.
PXB_MEMIF_DEVARGS=rsize=$PXB_STORM_RSIZE
pxb_memif_cfg "$ROOT" "$SOCK" "$PXB_RUN/pxeline.cfg" \
	"\"-l\", \"0-1\", \"--main-lcore\", \"0\", \"--no-pci\", \"--file-prefix\", \"$PREFIX\", \"--huge-unlink\""
rm -f "$SOCK"
pxb_engine_start "$PXB_RUN/pxeline.cfg" "$PXB_RUN/pxeline.log" 30 || exit 1
pxl_say "pxeline serving over $SOCK (cache $PXB_MEMIF_CACHE_MB MiB, max_sessions $((max_clients > 16384 ? max_clients : 16384)))"

# Client end: lcore 0 with the control thread, pxeline's worker keeps 1.
CLI_EAL="-l 0 --no-pci --file-prefix $PREFIX-cli --huge-unlink -m 512"

# run_bench OUT ARGS...: one tftpbench; prints "SECONDS MIBPS OK FAILED RETRANSMITS".
run_bench()
{
	local out=$1
	shift
	PXB_MEMIF_TIMEOUT=$((PXB_STORM_LIMIT + 120)) pxb_memif_bench "$SOCK" "$SERVER" "$NET" "$FIRST" \
		"$CLI_EAL" "$out" --blksize "$PXB_STORM_BLKSIZE" --rto-ms "$PXB_STORM_RTO_MS" \
		--duration-limit "$PXB_STORM_LIMIT" "$@"
	awk '/^transfers=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	     /^transfers:/ { for (i = 1; i <= NF; i++) if ($i == "in") s = $(i + 1) }
	     END { if (s == "") print "NA NA 0 NA NA"; else printf "%s %s %s %s %s\n", s, v["mibps"], v["ok"], v["failed"], v["retransmits"] }' "$out"
}

# Capacity: the best single stream, the same file the largest storm uses
# (its first run also fills the cache, so the storm reads no disk).
cap=0
cap_what=
for cell in $PXB_STORM_CAP_CELLS; do
	c=${cell%%:*}
	w=${cell##*:}
	for rep in $(seq 1 "$PXB_STORM_CAP_REPS"); do
		read -r secs mibps ok failed rtx < <(run_bench "$PXB_RUN/cap-c$c-w$w-r$rep.txt" \
			--file "s$max_size.bin" --clients "$c" --transfers $((c * PXB_STORM_CAP_ROUNDS)) \
			--windowsize "$w" --verify "$ROOT/s$max_size.bin")
		echo "capacity,$c,$max_size,$PXB_STORM_BLKSIZE,$w,$secs,$mibps,$ok,$failed,,,,$rtx,$(cut -d' ' -f1 /proc/loadavg)" >>"$CSV"
		pxl_say "capacity run: $c client(s) window $w rep $rep: $mibps MiB/s ($secs s, failed $failed)"
		if [ "$failed" = 0 ] && awk -v a="$cap" -v b="$mibps" 'BEGIN { exit !(b > a) }'; then
			cap=$mibps
			cap_what="$c client(s), windowsize $w"
		fi
	done
done
[ "$cap" != 0 ] || pxl_die "no capacity run completed: nothing to compare against"
pxl_say "capacity (pxeline's best over this memif: $cap_what): $cap MiB/s"

i=0
for n in $PXB_STORM_CLIENTS; do
	size=${sizes[$i]}
	i=$((i + 1))
	echo "# storm $n x $size: $(pxb_load)" >>"$PXB_RUN/load.txt"
	a0=$(pxb_tele_get "$PREFIX" /pxeline/stats tftp_sessions_active)
	read -r secs mibps ok failed rtx < <(run_bench "$PXB_RUN/storm-$n.txt" \
		--file "s$size.bin" --clients "$n" --transfers "$n" --windowsize "$PXB_STORM_WINDOW" \
		--verify "$ROOT/s$size.bin" --csv "$PXB_RUN/storm-$n.csv")
	ideal=$(awk -v n="$n" -v s="$size" -v c="$cap" 'BEGIN { printf "%.2f", n * s / 1048576 / c }')
	ratio=$(awk -v t="$secs" -v i="$ideal" 'BEGIN { if (t == "NA" || i == 0) print "NA"; else printf "%.2f", t / i }')
	echo "storm,$n,$size,$PXB_STORM_BLKSIZE,$PXB_STORM_WINDOW,$secs,$mibps,$ok,$failed,$cap,$ideal,$ratio,$rtx,$(cut -d' ' -f1 /proc/loadavg)" >>"$CSV"
	pxl_say "storm $n clients x $size bytes: $secs s ($mibps MiB/s, $ok ok, $failed failed), ideal $ideal s at $cap MiB/s: ${ratio}x (sessions before $a0)"
	echo /pxeline/stats | timeout 10 dpdk-telemetry.py -f "$PREFIX" >"$PXB_RUN/pxeline-stats-$n.json" 2>/dev/null || true
done
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"
pxb_engine_stop
pxl_say "pxeline exit status $PXB_ENGINE_RC"

{
	echo "Boot storm over net_memif (rings of 2^$PXB_STORM_RSIZE): N clients at once, one file, blksize $PXB_STORM_BLKSIZE, windowsize $PXB_STORM_WINDOW; capacity = pxeline's best rate over the same memif in this run ($cap_what; cells $PXB_STORM_CAP_CELLS, $PXB_STORM_CAP_REPS reps each)."
	echo
	echo "| what | clients | file MiB | window | seconds | MiB/s | ok | failed | capacity MiB/s | ideal s | time / ideal | retransmits | load1 |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3 / 1048576, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }'
	echo
	sed 's/^# /    /' "$PXB_RUN/load.txt"
} >"$PXB_RUN/storm.md"
cat "$PXB_RUN/storm.md"
if [ "$report" -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$CSV" "$PXB_RUN/storm.md" "$PXB_DIR/report/"
	pxl_say "copied to bench/report/"
fi
