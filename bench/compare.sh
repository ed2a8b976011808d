#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# pxeline side by side with tftpd-hpa, atftpd and dnsmasq in one run, in
# the bench lab (namespaces pxb-srv / pxb-cli, see bench/lib.sh): the same
# random file, the same tftpbench clients, blksize 1456, windowsize 1 and
# 16, 1 / 8 / 32 concurrent transfers, with and without 1 % loss, median
# of PXB_REPS runs per cell. Servers run one after another. Then the
# per-core cells: each server again, pinned to the one CPU pxeline's worker
# lcore uses (taskset for the peers' processes and threads, EAL --lcores
# for pxeline), the client on the other CPU beside pxeline's control
# thread, so each side gets exactly one core.
#
#   sudo bench/compare.sh                     the full grid (about 30 min)
#   sudo PXB_QUICK=1 bench/compare.sh         one rep, 16 MiB, to prove it
#   sudo bench/compare.sh --report            also copy the tables to bench/report/
#   sudo PXB_SERVERS="pxeline pxeline-xdp" PXB_LOSSES=0 PXB_PINNED=0 bench/compare.sh
#                                             pxeline on af_packet and on af_xdp
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]          build with pxeline and tftpbench
#   PXB_SERVERS ["pxeline tftpd-hpa atftpd dnsmasq"]  pxeline-xdp: pxeline
#                                  on net_af_xdp (PXB_PMD sets plain pxeline's)
#   PXB_PINNED [1]  PXB_PINNED_CELLS ["32:16"] clients:windowsize, lossless
#   PXB_PIN_CPU [1] the server's CPU  PXB_PIN_CLIENT_CPU [0] the client's
#   PXB_CLIENTS ["1 8 32"]  PXB_WINDOWS ["1 16"]  PXB_LOSSES ["0 1"]
#   PXB_BLKSIZE [1456]  PXB_SIZE [67108864]  PXB_REPS [3]
#   PXB_LOSS_SIZE [8388608]        file of the lossy cells: each loss costs
#                                  a timer (lock-step: ~2 per 100 blocks)
#   PXB_MIN_TRANSFERS [3]          transfers per lossless cell: max(clients, this)
#   PXB_LIMIT [120]                --duration-limit of a cell, seconds
#   PXB_LOSS_RTO_MS [500]          tftpbench --rto-ms in lossy cells (it gives
#                                  up after 5 in a row; dnsmasq 2.90's first
#                                  retransmission comes after 2 s)
#   PXB_SERVER_RTO_MS [200]        server retransmit timer where settable
#   PXB_TABLE_ONLY=1 PXB_RUN=DIR   only rebuild the tables from DIR/raw.csv
# Output: bench/results/compare-DATE/{raw.csv,compare.csv,compare.md,
# pinned.csv} and every tftpbench output and per-transfer CSV.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${PXB_QUICK:-0}" = 1 ]; then
	: "${PXB_SIZE:=16777216}" "${PXB_LOSS_SIZE:=4194304}" "${PXB_REPS:=1}"
	: "${PXB_LIMIT:=30}" "${PXB_MIN_TRANSFERS:=1}"
fi
PXB_SERVERS=${PXB_SERVERS:-pxeline tftpd-hpa atftpd dnsmasq}
PXB_CLIENTS=${PXB_CLIENTS:-1 8 32}
PXB_WINDOWS=${PXB_WINDOWS:-1 16}
PXB_LOSSES=${PXB_LOSSES:-0 1}
PXB_BLKSIZE=${PXB_BLKSIZE:-1456}
PXB_SIZE=${PXB_SIZE:-67108864}
PXB_LOSS_SIZE=${PXB_LOSS_SIZE:-8388608}
PXB_REPS=${PXB_REPS:-3}
PXB_MIN_TRANSFERS=${PXB_MIN_TRANSFERS:-3}
PXB_LIMIT=${PXB_LIMIT:-120}
PXB_LOSS_RTO_MS=${PXB_LOSS_RTO_MS:-500}
PXB_PINNED=${PXB_PINNED:-1}
PXB_PINNED_CELLS=${PXB_PINNED_CELLS:-32:16}
PIN_CPU=${PXB_PIN_CPU:-1}
# The unpinned grid pins nothing; the per-core pass sets PXB_PIN_CPU.
PXB_PIN_CPU=

pxb_report_args "$@"

pxl_need_root
if [ "${PXB_TABLE_ONLY:-0}" = 1 ]; then
	# Rebuilds compare.csv and compare.md from an earlier run's raw.csv.
	[ -n "$PXB_RUN" ] && [ -f "$PXB_RUN/raw.csv" ] || pxl_die "PXB_TABLE_ONLY needs PXB_RUN=DIR with raw.csv"
	RAW=$PXB_RUN/raw.csv
	SUM=$PXB_RUN/compare.csv
	MD=$PXB_RUN/compare.md
PIN=$PXB_RUN/pinned.csv
else
pxb_need_tools
pxb_run_dir compare
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
chmod 755 "$PXB_RUN" "$ROOT"
FILE=r$PXB_SIZE.bin
LFILE=r$PXB_LOSS_SIZE.bin
pxb_file "$ROOT" "$FILE" "$PXB_SIZE"
pxb_file "$ROOT" "$LFILE" "$PXB_LOSS_SIZE"
RAW=$PXB_RUN/raw.csv
SUM=$PXB_RUN/compare.csv
MD=$PXB_RUN/compare.md
PIN=$PXB_RUN/pinned.csv

trap 'pxb_lab_down' EXIT
trap 'exit 130' INT TERM
pxb_lab_up

{
	echo "# compare.sh $(date -Is) on $(uname -n), kernel $(uname -r)"
	echo "# file $PXB_SIZE bytes (lossy cells $PXB_LOSS_SIZE), blksize $PXB_BLKSIZE, reps $PXB_REPS, limit $PXB_LIMIT s"
	echo "# load at start: $(pxb_load)"
} >"$PXB_RUN/load.txt"
echo "server,clients,transfers,windowsize,granted_ws,loss_pct,rep,mibps,failed,load1" >"$RAW"

# The windowsize a server granted, from the per-transfer CSV (column 5).
granted_ws()
{
	awk -F, 'NR == 2 { print $5; exit }' "$1" 2>/dev/null
}

# run_cell SRV N XFERS WS LOSS FILE CSV TAGSUFFIX EXTRA...: PXB_REPS runs
# of one cell, one row each in CSV; a failed rep ends the cell.
run_cell()
{
	local srv=$1 n=$2 xfers=$3 ws=$4 loss=$5 f=$6 csv=$7 sfx=$8 rep tag mibps failed g l1
	shift 8
	for rep in $(seq 1 "$PXB_REPS"); do
		tag=$srv-c$n-w$ws-l$loss-r$rep$sfx
		# A server with a window of 1 gets no windowsize option
		# at all: what a lock-step ROM sends.
		read -r mibps failed < <(pxb_bench "$PXB_RUN/$tag.txt" \
			--file "$f" --clients "$n" --transfers "$xfers" \
			--blksize "$PXB_BLKSIZE" "$@" \
			--verify "$ROOT/$f" --duration-limit "$PXB_LIMIT" \
			--csv "$PXB_RUN/$tag.csv")
		g=$(granted_ws "$PXB_RUN/$tag.csv")
		l1=$(cut -d' ' -f1 /proc/loadavg)
		echo "$srv,$n,$xfers,$ws,${g:-NA},$loss,$rep,$mibps,$failed,$l1" >>"$csv"
		pxl_say "$srv${sfx:+ ($sfx)} clients $n window $ws (granted ${g:-?}) loss $loss rep $rep: $mibps MiB/s, failed $failed, load $l1"
		# A cell that did not finish is not repeated.
		if [ "$failed" != 0 ]; then
			break
		fi
	done
}

for srv in $PXB_SERVERS; do
	log=$PXB_RUN/$srv.log
	if ! pxb_server_start "$srv" "$ROOT" "$log"; then
		pxl_warn "$srv did not start; its cells are reported as not run"
		continue
	fi
	echo "# $srv start: $(pxb_load)" >>"$PXB_RUN/load.txt"
	for loss in $PXB_LOSSES; do
		for ws in $PXB_WINDOWS; do
			for n in $PXB_CLIENTS; do
				xfers=$((n > PXB_MIN_TRANSFERS ? n : PXB_MIN_TRANSFERS))
				f=$FILE
				extra=()
				[ "$ws" -gt 1 ] && extra+=(--windowsize "$ws")
				if [ "$loss" != 0 ]; then
					extra+=(--loss "$loss" --rto-ms "$PXB_LOSS_RTO_MS")
					xfers=$n
					f=$LFILE
				fi
				run_cell "$srv" "$n" "$xfers" "$ws" "$loss" "$f" "$RAW" "" "${extra[@]}"
			done
		done
	done
	# The engine's own counters (drops, retransmits, TX errors) for the record.
	case $srv in pxeline*) pxb_telemetry /pxeline/stats >"$PXB_RUN/$srv-stats.json" ;; esac
	pxb_server_stop
done

# Per core: every server on CPU $PIN_CPU only, the client on the other.
echo "server,clients,transfers,windowsize,granted_ws,loss_pct,rep,mibps,failed,load1" >"$PIN"
if [ "$PXB_PINNED" = 1 ]; then
	PXB_PIN_CPU=$PIN_CPU
	for srv in $PXB_SERVERS; do
		if ! pxb_server_start "$srv" "$ROOT" "$PXB_RUN/$srv-pinned.log"; then
			pxl_warn "$srv did not start pinned"
			continue
		fi
		echo "# $srv pinned to CPU $PIN_CPU: $(pxb_load)" >>"$PXB_RUN/load.txt"
		for cell in $PXB_PINNED_CELLS; do
			n=${cell%%:*}
			ws=${cell##*:}
			extra=()
			[ "$ws" -gt 1 ] && extra+=(--windowsize "$ws")
			xfers=$((n > PXB_MIN_TRANSFERS ? n : PXB_MIN_TRANSFERS))
			run_cell "$srv" "$n" "$xfers" "$ws" 0 "$FILE" "$PIN" -pinned "${extra[@]}"
		done
		pxb_server_stop
	done
	PXB_PIN_CPU=
fi
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"

fi

# Medians; a cell with any failed rep is "DNF" (did not finish in time or
# did not verify), a server that never started "NR".
summarize()
{
	local srv n ws loss rows med st g
	echo "server,clients,windowsize,granted_ws,loss_pct,median_mibps,reps,status"
	for srv in $PXB_SERVERS; do
		for loss in $PXB_LOSSES; do
			for ws in $PXB_WINDOWS; do
				for n in $PXB_CLIENTS; do
					rows=$(awk -F, -v s="$srv" -v n="$n" -v w="$ws" -v l="$loss" \
						'$1 == s && $2 == n && $4 == w && $6 == l' "$RAW")
					if [ -z "$rows" ]; then
						echo "$srv,$n,$ws,NA,$loss,NA,0,NR"
						continue
					fi
					g=$(echo "$rows" | awk -F, '{ print $5 }' | sort -u | paste -sd/ -)
					if echo "$rows" | awk -F, '$9 != 0 { bad = 1 } END { exit !bad }'; then
						med=$(echo "$rows" | awk -F, '{ print $8 }' | pxb_median)
						st=DNF
					else
						med=$(echo "$rows" | awk -F, '{ print $8 }' | pxb_median)
						st=ok
					fi
					echo "$srv,$n,$ws,$g,$loss,$med,$(echo "$rows" | wc -l),$st"
				done
			done
		done
	done
}
summarize >"$SUM"

# The per-core table from pinned.csv: per cell the median MiB/s of each
# server on its one core, and pxeline's ratio to the best peer.
pinned_table()
{
	[ -s "$PIN" ] && [ "$(wc -l <"$PIN")" -gt 1 ] || return 0
	echo "Per core: each server pinned to CPU $PIN_CPU (peers by taskset, every process and thread; pxeline's worker lcore by EAL --lcores), the client and pxeline's control thread on the other CPU. MiB/s per core = the cell's median (one core each)."
	echo
	printf '| window | clients |'
	for srv in $PXB_SERVERS; do printf ' %s |' "$srv"; done
	# One ratio per pxeline variant (pxeline, pxeline-xdp) in the run.
	for srv in $PXB_SERVERS; do
		case $srv in pxeline*) printf ' %s / best peer |' "$srv" ;; esac
	done
	printf '\n|---|---|'
	for srv in $PXB_SERVERS; do
		printf -- '---|'
		case $srv in pxeline*) printf -- '---|' ;; esac
	done
	printf '\n'
	for cell in $PXB_PINNED_CELLS; do
		awk -F, -v n="${cell%%:*}" -v w="${cell##*:}" -v servers="$PXB_SERVERS" '
			NR > 1 && $2 == n && $4 == w { v[$1] = v[$1] " " $8; if ($9 != 0) bad[$1] = 1; g[$1] = $5 }
			function median(s,   a, k, i, j, t) {
				k = split(s, a, " ")
				for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
				return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
			}
			END {
				ns = split(servers, S, " ")
				printf "| %s | %s |", w, n
				best = 0
				for (i = 1; i <= ns; i++) {
					s = S[i]
					if (!(s in v)) { printf " NR |"; continue }
					if (bad[s]) { printf " DNF |"; continue }
					m[s] = median(v[s])
					cell = sprintf("%.1f", m[s])
					if (g[s] != "" && g[s] != w) cell = cell " (w" g[s] ")"
					printf " %s |", cell
					if (s !~ /^pxeline/ && m[s] > best) best = m[s]
				}
				for (i = 1; i <= ns; i++) {
					if (S[i] !~ /^pxeline/) continue
					p = m[S[i]]
					printf " %s |", (p > 0 && best > 0) ? sprintf("%.2fx", p / best) : "-"
				}
				printf "\n"
			}' "$PIN"
	done
}

# The markdown table: one row per (loss, window, clients), MiB/s per
# server (granted window when it differs), and pxeline's ratios.
{
	echo "Median aggregate goodput, MiB/s of verified payload (file $((PXB_SIZE / 1048576)) MiB, lossy cells $((PXB_LOSS_SIZE / 1048576)) MiB with client RTO $PXB_LOSS_RTO_MS ms; blksize $PXB_BLKSIZE; $PXB_REPS reps)."
	echo "\`(wN)\`: the server granted window N instead; DNF: did not finish in ${PXB_LIMIT} s or did not verify; NR: not run."
	echo
	printf '| loss %% | window | clients |'
	for srv in $PXB_SERVERS; do printf ' %s |' "$srv"; done
	printf ' pxeline / best peer | pxeline / atftpd |\n'
	printf '|---|---|---|'
	for srv in $PXB_SERVERS; do printf -- '---|'; done
	printf -- '---|---|\n'
	for loss in $PXB_LOSSES; do
		for ws in $PXB_WINDOWS; do
			for n in $PXB_CLIENTS; do
				awk -F, -v n="$n" -v w="$ws" -v l="$loss" -v servers="$PXB_SERVERS" '
					NR > 1 && $2 == n && $3 == w && $5 == l {
						med[$1] = $6; st[$1] = $8; g[$1] = $4 }
					END {
						ns = split(servers, S, " ")
						printf "| %s | %s | %s |", l, w, n
						best = 0
						for (i = 1; i <= ns; i++) {
							s = S[i]
							if (st[s] == "ok") {
								cell = sprintf("%.1f", med[s])
								if (g[s] != "" && g[s] != w && !(w == 1 && g[s] == 0))
									cell = cell " (w" g[s] ")"
								if (s !~ /^pxeline/ && med[s] > best) best = med[s]
							} else
								cell = (st[s] == "" ? "NR" : st[s])
							printf " %s |", cell
						}
						p = (st["pxeline"] == "ok") ? med["pxeline"] : 0
						r1 = (p > 0 && best > 0) ? sprintf("%.2fx", p / best) : "-"
						r2 = "-"
						if (p > 0 && st["atftpd"] == "ok" && med["atftpd"] > 0)
							r2 = sprintf("%.2fx", p / med["atftpd"])
						printf " %s | %s |\n", r1, r2
					}' "$SUM"
			done
		done
	done
	echo
	pinned_table
	echo
	sed 's/^# /    /' "$PXB_RUN/load.txt"
} >"$MD"
cat "$MD"
if [ $report -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$SUM" "$MD" "$PXB_DIR/report/"
	cp "$RAW" "$PXB_DIR/report/compare-raw.csv"
	[ -f "$PIN" ] && cp "$PIN" "$PXB_DIR/report/compare-pinned.csv"
	pxl_say "copied to bench/report/"
fi
pxl_say "raw $RAW, medians $SUM, table $MD"
