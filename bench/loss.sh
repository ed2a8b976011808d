#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Loss recovery with real clients: PXB_CLIENTS atftp clients at once, each
# fetching its own copy of one random file (blksize 1456, windowsize 16),
# with PXB_LOSS % random loss in both directions (nftables netdev hooks on
# the client veth, as tests/integration/test_loss.sh). Each server runs in
# the bench lab (bench/lib.sh) with its defaults but for the retransmit
# timer: pxeline's tftp.timeout_ms is its default 1000 (its measured RTO
# starts there), atftpd gets --retry-timeout 1, its shortest. "pxeline-fixed"
# is pxeline with tftp.rto_min_ms = 1000: the fixed 1 s timer (and its
# backoff) it had before the RTT estimator. Every copy is checked by
# sha256; the wall time until the last client ends is reported. A client
# that atftp aborts on a repeated OACK is asked again once (counted).
#
#   sudo bench/loss.sh                 atftpd and pxeline at 2 %, pxeline at 5 %
#   sudo PXB_RUNS="pxeline-fixed:2" bench/loss.sh
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]       build with pxeline and tftpbench
#   PXB_RUNS ["atftpd:2 pxeline:2 pxeline:5"]  server:loss cells, in order
#                               (servers: pxeline, pxeline-fixed, atftpd, tftpd-hpa)
#   PXB_CLIENTS [8]  PXB_SIZE [8388608]  PXB_BLKSIZE [1456]  PXB_WINDOW [16]
#   PXB_LIMIT [400]             seconds one client may take (then killed)
#   PXB_SRV_NS, PXB_CLI_NS, PXB_SRV_IF, PXB_CLI_IF, PXB_FILE_PREFIX: the lab's
#                               names (bench/lib.sh), to run beside another bench
# Output: bench/results/loss-DATE/{loss.csv,loss.md,load.txt} and the logs.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PXB_RUNS=${PXB_RUNS:-atftpd:2 pxeline:2 pxeline:5}
PXB_CLIENTS=${PXB_CLIENTS:-8}
PXB_SIZE=${PXB_SIZE:-8388608}
PXB_BLKSIZE=${PXB_BLKSIZE:-1456}
PXB_WINDOW=${PXB_WINDOW:-16}
PXB_LIMIT=${PXB_LIMIT:-400}
# pxeline's default timer (config/pxeline.cfg), not the 200 ms of compare.sh.
PXB_SERVER_RTO_MS=1000

# pxeline-fixed: the engine's config with a floor equal to the ceiling.
eval "$(declare -f pxb_engine_cfg | sed '1s/pxb_engine_cfg/pxb_engine_cfg_base/')"
PXB_RTO_MIN_MS=
pxb_engine_cfg()
{
	pxb_engine_cfg_base "$@"
	if [ -n "$PXB_RTO_MIN_MS" ]; then
		sed -Ei "s|^([[:space:]]*)(timeout_ms = [0-9]+;)|\1\2\n\1rto_min_ms = $PXB_RTO_MIN_MS;|" "$2"
	fi
}

pxb_report_args "$@"
pxl_need_root
pxb_need_tools
command -v atftp >/dev/null 2>&1 || pxl_die "atftp (the client) is not installed"
pxb_run_dir loss
ROOT=$PXB_RUN/root
OUT=$PXB_RUN/out
mkdir -p "$ROOT" "$OUT"
chmod 755 "$PXB_RUN" "$ROOT"
FILE=r$PXB_SIZE.bin
pxb_file "$ROOT" "$FILE" "$PXB_SIZE"
WANT=$(sha256sum "$ROOT/$FILE" | cut -d' ' -f1)
CSV=$PXB_RUN/loss.csv
MD=$PXB_RUN/loss.md

trap 'pxl_loss_clear "$PXB_CLI_NS"; pxb_lab_down' EXIT
trap 'exit 130' INT TERM
pxb_lab_up
echo "# loss.sh $(date -Is) on $(uname -n): $PXB_CLIENTS x $PXB_SIZE bytes, blksize $PXB_BLKSIZE, windowsize $PXB_WINDOW; load $(pxb_load)" >"$PXB_RUN/load.txt"
echo "server,loss_pct,clients,ok,bad,oack_retries,wall_s,slowest_s,median_s,dropped_in,dropped_out" >"$CSV"

# get_one OUT: one atftp client, its copy in OUT.bin, its output in OUT.log.
get_one()
{
	timeout "$PXB_LIMIT" ip netns exec "$PXB_CLI_NS" atftp \
		--option "blksize $PXB_BLKSIZE" --option "windowsize $PXB_WINDOW" \
		-g -r "$FILE" -l "$1.bin" "$PXL_SRV_ADDR" >>"$1.log" 2>&1
}

# run_clients TAG: PXB_CLIENTS atftp clients side by side; each writes
# OUT/TAG-I.{bin,rc,s}. Prints the wall time in seconds.
run_clients()
{
	local tag=$1 i t0 t1
	t0=$(date +%s%N)
	for i in $(seq 1 "$PXB_CLIENTS"); do
		(
			s=$(date +%s%N)
			rc=0
			get_one "$OUT/$tag-$i" || rc=$?
			# atftp 0.8 aborts on an OACK its server repeated after
			# its ACK 0 was lost (see tests/integration/test_loss.sh):
			# asked again once, counted, and timed with the retry.
			if [ "$rc" != 0 ] && grep -q "unexpected OACK" "$OUT/$tag-$i.log"; then
				touch "$OUT/$tag-$i.retried"
				rc=0
				get_one "$OUT/$tag-$i" || rc=$?
			fi
			echo "$rc" >"$OUT/$tag-$i.rc"
			awk -v a="$s" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }' >"$OUT/$tag-$i.s"
		) &
	done
	wait
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }'
}

cells=0
for cell in $PXB_RUNS; do
	srv=${cell%%:*}
	loss=${cell#*:}
	cells=$((cells + 1))
	tag=$cells-$srv-l$loss	# a cell may be repeated: each keeps its files
	engine=$srv
	PXB_RTO_MIN_MS=
	if [ "$srv" = pxeline-fixed ]; then
		engine=pxeline
		PXB_RTO_MIN_MS=$PXB_SERVER_RTO_MS
	fi
	pxb_server_start "$engine" "$ROOT" "$PXB_RUN/$tag.log" || pxl_die "$srv did not start"
	pxl_loss_set "$PXB_CLI_NS" "$loss"
	wall=$(run_clients "$tag")
	read -r din dout <<<"$(pxl_loss_counts "$PXB_CLI_NS")"
	pxl_loss_clear "$PXB_CLI_NS"
	[ "$engine" = pxeline ] && pxb_telemetry /pxeline/stats >"$PXB_RUN/$tag-stats.json"
	pxb_server_stop
	ok=0
	bad=0
	for i in $(seq 1 "$PXB_CLIENTS"); do
		if [ -f "$OUT/$tag-$i.bin" ] &&
			[ "$(sha256sum "$OUT/$tag-$i.bin" | cut -d' ' -f1)" = "$WANT" ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			pxl_warn "$tag client $i: no intact copy (exit $(cat "$OUT/$tag-$i.rc"))"
		fi
		rm -f "$OUT/$tag-$i.bin"
	done
	retried=$(find "$OUT" -name "$tag-*.retried" | wc -l)
	slow=$(cat "$OUT/$tag"-*.s | sort -g | tail -n 1)
	med=$(cat "$OUT/$tag"-*.s | pxb_median)
	echo "$srv,$loss,$PXB_CLIENTS,$ok,$bad,$retried,$wall,$slow,$med,$din,$dout" >>"$CSV"
	pxl_say "$srv at $loss % loss: $ok/$PXB_CLIENTS intact ($retried asked again after atftp's OACK abort), all done in $wall s (median client $med s), frames dropped $din in / $dout out"
done
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"

{
	echo "$PXB_CLIENTS atftp clients at once, $((PXB_SIZE / 1048576)) MiB each, blksize $PXB_BLKSIZE, windowsize $PXB_WINDOW; sha256 of every copy checked."
	echo
	echo "| server | loss % each way | intact | asked again | all done (s) | slowest client (s) | median client (s) | frames dropped in/out |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F, 'NR > 1 { printf "| %s | %s | %s/%s | %s | %s | %s | %s | %s/%s |\n", $1, $2, $4, $3, $6, $7, $8, $9, $10, $11 }' "$CSV"
} >"$MD"
cat "$MD"
if [ "$report" = 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$MD" "$PXB_DIR/report/loss.md"
fi
