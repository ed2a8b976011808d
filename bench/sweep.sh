#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tftpbench sweep, blksize x windowsize, against pxeline and against
# atftpd (the peer that grants windowsize) in the bench lab: one CSV and
# goodput / transfer-time plots (gnuplot PNG and SVG) per server, and the
# best setting of each.
#
#   sudo bench/sweep.sh                   the full grid
#   sudo PXB_QUICK=1 bench/sweep.sh       16 MiB, to prove it
#   sudo bench/sweep.sh --report          also copy CSV and plots to bench/report/
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]
#   PXB_SWEEP_SERVERS ["pxeline atftpd"]
#   PXB_BLKSIZES [512,1428,1456,1468,4096,8192,16384,65464]
#   PXB_WINDOWSIZES [1,4,8,16,32,64]   PXB_LOSSES [0]
#   PXB_SIZE [67108864]  PXB_SWEEP_CLIENTS [1]  PXB_SWEEP_TRANSFERS [3]
#   PXB_LOSS_RTO_MS [300]                client timer when PXB_LOSSES is not 0
#   PXB_LIMIT [60]                       --duration-limit of one cell, s
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxb_report_args "$@"

[ "${PXB_QUICK:-0}" = 1 ] && : "${PXB_SIZE:=16777216}" "${PXB_LIMIT:=30}" "${PXB_SWEEP_TRANSFERS:=1}"
PXB_SWEEP_SERVERS=${PXB_SWEEP_SERVERS:-pxeline atftpd}
PXB_BLKSIZES=${PXB_BLKSIZES:-512,1428,1456,1468,4096,8192,16384,65464}
PXB_WINDOWSIZES=${PXB_WINDOWSIZES:-1,4,8,16,32,64}
PXB_LOSSES=${PXB_LOSSES:-0}
PXB_SIZE=${PXB_SIZE:-67108864}
PXB_SWEEP_CLIENTS=${PXB_SWEEP_CLIENTS:-1}
PXB_SWEEP_TRANSFERS=${PXB_SWEEP_TRANSFERS:-3}
PXB_LIMIT=${PXB_LIMIT:-60}

pxl_need_root
pxb_need_tools
pxb_run_dir sweep
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
chmod 755 "$PXB_RUN" "$ROOT"
FILE=r$PXB_SIZE.bin
pxb_file "$ROOT" "$FILE" "$PXB_SIZE"

trap 'pxb_lab_down' EXIT
trap 'exit 130' INT TERM
pxb_lab_up

BEST=$PXB_RUN/best.txt
: >"$BEST"
echo "# sweep.sh $(date -Is), file $PXB_SIZE bytes, clients $PXB_SWEEP_CLIENTS, transfers $PXB_SWEEP_TRANSFERS" >"$PXB_RUN/load.txt"
for srv in $PXB_SWEEP_SERVERS; do
	if ! pxb_server_start "$srv" "$ROOT" "$PXB_RUN/$srv.log"; then
		pxl_warn "$srv did not start; no sweep for it"
		continue
	fi
	echo "# $srv start: $(pxb_load)" >>"$PXB_RUN/load.txt"
	pxl_say "sweeping $srv: blksize {$PXB_BLKSIZES} x windowsize {$PXB_WINDOWSIZES} x loss {$PXB_LOSSES}"
	# A lossy sweep uses a short client timer, as compare.sh does; a
	# lossless one keeps tftpbench's 1 s (5 s of silence before giving up).
	rto=()
	[ "$PXB_LOSSES" != 0 ] && rto=(--rto-ms "${PXB_LOSS_RTO_MS:-300}")
	ip netns exec "$PXB_CLI_NS" "$PXB_TFTPBENCH" sweep --server "$PXL_SRV_ADDR" \
		--file "$FILE" --verify "$ROOT/$FILE" \
		--blksizes "$PXB_BLKSIZES" --windowsizes "$PXB_WINDOWSIZES" \
		--losses "$PXB_LOSSES" "${rto[@]}" \
		--clients "$PXB_SWEEP_CLIENTS" --transfers "$PXB_SWEEP_TRANSFERS" \
		--duration-limit "$PXB_LIMIT" --out "$PXB_RUN/$srv" \
		>"$PXB_RUN/$srv.out" 2>"$PXB_RUN/$srv.err" || true
	echo "# $srv end: $(pxb_load)" >>"$PXB_RUN/load.txt"
	sed "s/^/$srv: /" "$PXB_RUN/$srv.out" | grep -E 'best|cells' | tee -a "$BEST" || true
	pxb_server_stop
done

# One table: goodput MiB/s per blksize (rows) and windowsize (columns).
table()
{
	local csv=$1
	awk -F, -v ws="$PXB_WINDOWSIZES" '
		NR == 1 || $3 != 0 { next }
		{ v[$1 "," $2] = ($8 > 0 ? "DNF" : sprintf("%.1f", $10)); if (!($1 in seen)) { seen[$1] = 1; b[nb++] = $1 } }
		END {
			nw = split(ws, W, ",")
			printf "| blksize \\\\ window |"
			for (j = 1; j <= nw; j++) printf " %s |", W[j]
			printf "\n|---|"
			for (j = 1; j <= nw; j++) printf "---|"
			printf "\n"
			for (i = 0; i < nb; i++) {
				printf "| %s |", b[i]
				for (j = 1; j <= nw; j++) printf " %s |", v[b[i] "," W[j]]
				printf "\n"
			}
		}' "$csv"
}

{
	echo "Sweep, $PXB_SWEEP_CLIENTS client(s), file $((PXB_SIZE / 1048576)) MiB, MiB/s of verified payload (DNF: failed or over ${PXB_LIMIT} s)."
	for srv in $PXB_SWEEP_SERVERS; do
		[ -f "$PXB_RUN/$srv/sweep.csv" ] || continue
		echo
		echo "### $srv (loss 0)"
		echo
		table "$PXB_RUN/$srv/sweep.csv"
	done
	echo
	sed 's/^/    /' "$BEST"
	sed 's/^# /    /' "$PXB_RUN/load.txt"
} >"$PXB_RUN/sweep.md"
cat "$PXB_RUN/sweep.md"

if [ $report -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	for srv in $PXB_SWEEP_SERVERS; do
		[ -f "$PXB_RUN/$srv/sweep.csv" ] || continue
		cp "$PXB_RUN/$srv/sweep.csv" "$PXB_DIR/report/sweep-$srv.csv"
		for f in goodput.png goodput.svg time.png time.svg; do
			[ -f "$PXB_RUN/$srv/$f" ] && cp "$PXB_RUN/$srv/$f" "$PXB_DIR/report/sweep-$srv-$f"
		done
	done
	cp "$PXB_RUN/sweep.md" "$PXB_DIR/report/sweep.md"
	pxl_say "copied to bench/report/"
fi
pxl_say "done: $PXB_RUN/sweep.md"
