#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per DATA packet of pxeline's worker, counted by callgrind:
# bench/cost (the real data plane on a net_ring port, zero-copy TX, the
# client in the same process, the cache filled before the worker starts)
# under valgrind --tool=callgrind --separate-threads=yes (--fair-sched=yes:
# else the polling worker starves the client thread), one run per
# blksize, windowsize 64.
#
#   sudo bench/cost.sh [--report]   (--report: bench/report/cost.{csv,md})
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]   PXB_COST_BIN [$PXL_BUILD_DIR/bench/cost]
#   PXB_COST_CELLS ["1456:20000 8192:4000 65464:500"] blksize:blocks
#   PXB_COST_MTU [1500]     PXB_COST_ARGS [] more arguments for bench/cost
#
# Counted, from the worker thread's profile (callgrind_annotate
# --inclusive=yes --tree=calling), per DATA packet the engine sent:
#   work = worker_handle_frame (every frame in: the RRQ, each ACK, and all
#          the sending they cause: window, DATA build, tx_udp, queueing)
#        + tftp_rx_cache_done (the file's open answer)
#        + the PMD's TX burst called from lcore_tx_flush at the end of a
#          pass (net_ring's function has no symbol: the callee of
#          lcore_tx_flush in librte_net_ring), less the flushes already
#          inside worker_handle_frame (lcore_tx -> lcore_tx_flush).
# Not counted: idle polling (empty RX bursts, empty rings, the timer wheel
# ticking: no timer fires, retransmits=0) and the RX burst that carried an
# ACK. The mbuf frees of what was sent run on the client's thread here (on
# a NIC the worker's TX completion does them): reported apart as
# cost_free_frame per DATA.
# Output: bench/results/cost-DATE/{cost.csv,cost.md,callgrind files}.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxb_report_args "$@"
pxl_need_root
command -v valgrind >/dev/null || pxl_die "no valgrind (package valgrind)"
PXB_COST_BIN=${PXB_COST_BIN:-$PXL_BUILD/bench/cost}
PXB_COST_CELLS=${PXB_COST_CELLS:-1456:20000 8192:4000 65464:500}
PXB_COST_MTU=${PXB_COST_MTU:-1500}
PXB_COST_ARGS=${PXB_COST_ARGS:-}
[ -x "$PXB_COST_BIN" ] || pxl_die "no $PXB_COST_BIN (meson compile -C $PXL_BUILD_DIR)"
pxb_run_dir cost
CSV=$PXB_RUN/cost.csv
echo "# cost.sh $(date -Is) $(git -C "$PXL_REPO" describe --always --dirty 2>/dev/null); load: $(pxb_load)" >"$PXB_RUN/load.txt"
echo "blksize,mtu,data,frames,ir_per_data,ir_per_frame,tx_udp,on_packet,pmd_tx,free_per_data,retransmits" >"$CSV"

# cg_tree FILE: the calling tree, costs without commas.
cg_tree()
{
	callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$1" 2>/dev/null |
		sed 's/\([0-9]\),\([0-9]\)/\1\2/g; s/\([0-9]\),\([0-9]\)/\1\2/g'
}

# cg_pick TREE CALLER [CALLEE [OBJ]]: the inclusive Ir of CALLER ("*"
# lines), or of its calls to CALLEE ("> " lines; CALLEE "?" with OBJ: an
# unnamed function of that object). callgrind_annotate lists a function
# once per source file its code came from (inlined DPDK headers apart, with
# the object name) and once more as a whole (no object name): the largest
# entry is the whole. 0 when absent.
cg_pick()
{
	awk -v fn="$2" -v callee="${3:-}" -v obj="${4:-}" '
		function name(s) { sub(/ .*/, "", s); sub(/.*:/, "", s); return s }
		function keep(x) { if (x > v) v = x }
		/^$/ { cur = "" }
		/^ *[0-9]+ .* \* / {
			s = substr($0, index($0, "* ") + 3); sub(/^ */, "", s); sub(/ .*/, "", s)
			cur = name(s)
			if (callee == "" && cur == fn) keep($1)
		}
		callee != "" && cur == fn && /^ *[0-9]+ .* > / {
			c = substr($0, index($0, "> ") + 2); sub(/^ */, "", c)
			if ((callee == "?" && index(c, "???:") == 1 && index(c, obj)) ||
			    (callee != "?" && name(c) == callee))
				keep($1)
		}
		END { print v + 0 }' "$1"
}

cell()
{
	local b=$1 n=$2 out cgo
	local wf tf tree data frames whf cd pmd pin work free tx onp rt
	out=$PXB_RUN/cost-b$b.txt
	cgo=$PXB_RUN/callgrind-b$b.out
	pxl_say "blksize $b: $n blocks under callgrind"
	# shellcheck disable=SC2086
	nice valgrind --tool=callgrind --fair-sched=yes --separate-threads=yes --callgrind-out-file="$cgo" \
		"$PXB_COST_BIN" --blocks "$n" --blksize "$b" --mtu "$PXB_COST_MTU" $PXB_COST_ARGS \
		>"$out" 2>"$PXB_RUN/valgrind-b$b.log" || true
	if ! grep -q '^ok=1' "$out"; then
		pxl_warn "blksize $b: the transfer did not complete (see $out)"
		echo "$b,$PXB_COST_MTU,NA,NA,NA,NA,NA,NA,NA,NA,NA" >>"$CSV"
		return 0
	fi
	data=$(sed -n 's/.*data_packets=\([0-9]*\).*/\1/p' "$out")
	frames=$(sed -n 's/.* frames=\([0-9]*\).*/\1/p' "$out" | tail -n 1)
	rt=$(sed -n 's/.*retransmits=\([0-9]*\).*/\1/p' "$out")
	wf=$(grep -l 'worker_main' "$cgo"-* | head -n 1)
	tf=$(grep -l 'cost_free_frame' "$cgo"-* | head -n 1)
	tree=$PXB_RUN/tree-b$b.txt
	cg_tree "$wf" >"$tree"
	whf=$(cg_pick "$tree" worker_handle_frame)
	cd=$(cg_pick "$tree" tftp_rx_cache_done)
	pmd=$(cg_pick "$tree" lcore_tx_flush '?' librte_net_ring)
	pin=$(cg_pick "$tree" lcore_tx lcore_tx_flush)
	tx=$(cg_pick "$tree" tx_udp)
	onp=$(cg_pick "$tree" tftp_session_on_packet)
	work=$((whf + cd + pmd - pin))
	cg_tree "$tf" >"$PXB_RUN/tree-client-b$b.txt"
	free=$(cg_pick "$PXB_RUN/tree-client-b$b.txt" cost_free_frame)
	awk -v b="$b" -v m="$PXB_COST_MTU" -v d="$data" -v f="$frames" -v w="$work" -v tx="$tx" \
		-v onp="$onp" -v pmd="$pmd" -v fr="$free" -v rt="$rt" 'BEGIN {
		f -= 1	# the OACK
		printf "%s,%s,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%s\n", b, m, d, f, w / d, w / f,
			tx / d, onp / d, pmd / d, fr / d, rt }' >>"$CSV"
	awk '/^ *[0-9]+ .* \* / && n++ < 40' "$tree" >"$PXB_RUN/funcs-b$b.txt"
	pxl_say "blksize $b: $(tail -n 1 "$CSV")"
}

for c in $PXB_COST_CELLS; do
	cell "${c%%:*}" "${c##*:}"
done
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"
{
	echo "| blksize | MTU | DATA | frames | Ir per DATA | Ir per frame | tx_udp per DATA | tftp_session_on_packet per DATA | PMD TX per DATA | mbuf free per DATA (client thread) | retransmits |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	tail -n +2 "$CSV" | awk -F, '{ printf "| %s |\n", $0 }' | sed 's/,/ | /g'
} >"$PXB_RUN/cost.md"
cat "$PXB_RUN/cost.md"
if [ "$report" -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$CSV" "$PXB_RUN/cost.md" "$PXB_DIR/report/"
	pxl_say "copied to bench/report/"
fi
pxl_say "done: $PXB_RUN/cost.md"
