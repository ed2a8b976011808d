#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Kernel-bypass ceilings on this machine, and pxeline against them:
#  1. dpdk-testpmd --forward-mode=txonly, one forwarding core, on net_null
#     (no copy: the cost of the testpmd loop and mbufs) and on net_memif
#     (a copy into shared memory, a second testpmd in rxonly on the other
#     end), for the frame sizes of a blksize 1456 DATA packet (1502 bytes)
#     and of blksize 8192 at MTU 1500 (IP fragments of 1514 bytes, plus a
#     single 8234-byte frame for a jumbo MTU);
#  2. pxeline on net_memif served to tftpbench's DPDK engine on the other
#     end (blksize 1456 and 8192, windowsize 64): DATA packets/s and frames/s
#     per worker core, as a ratio of the testpmd memif ceiling;
#  3. callgrind instructions per DATA packet of pxeline's worker, served
#     over the veth lab (net_af_packet) under valgrind.
#
#   sudo bench/baseline.sh [--skip-testpmd] [--skip-memif] [--skip-callgrind]
#                          [--report]   (--report: copy the tables to bench/report/)
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]   PXB_SECONDS [10] testpmd run time
#   PXB_FRAMES ["1502 1514 8234"]   PXB_BASE_BLKSIZES ["1456 8192"]
#   PXB_BASE_SIZE [67108864] file served over memif
#   PXB_BASE_CLIENTS [2]  PXB_BASE_TRANSFERS [16]  tftpbench over memif
#   PXB_CG_SIZE [8388608]  file served under callgrind
#   PXB_CG_ENGINE [veth]   veth (net_af_packet) or memif for the callgrind run
# Output: bench/results/baseline-DATE/{baseline.csv,baseline.md,...}.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

do_testpmd=1
do_memif=1
do_cg=1
report=0
for a in "$@"; do
	case $a in
	--report) report=1 ;;
	--skip-testpmd) do_testpmd=0 ;;
	--skip-memif) do_memif=0 ;;
	--skip-callgrind) do_cg=0 ;;
	-h | --help)
		pxb_usage
		exit 0
		;;
	*) pxl_die "unknown argument '$a' (try --help)" ;;
	esac
done

PXB_SECONDS=${PXB_SECONDS:-10}
PXB_FRAMES=${PXB_FRAMES:-1502 1514 8234}
PXB_BASE_BLKSIZES=${PXB_BASE_BLKSIZES:-1456 8192}
PXB_BASE_SIZE=${PXB_BASE_SIZE:-67108864}
PXB_CG_SIZE=${PXB_CG_SIZE:-8388608}
PXB_BASE_CLIENTS=${PXB_BASE_CLIENTS:-2}
PXB_BASE_TRANSFERS=${PXB_BASE_TRANSFERS:-16}
# memif's interrupt thread panics under valgrind (epoll_ctl on a passed
# fd): the veth lab (net_af_packet, tftpbench's socket engine) by default.
PXB_CG_ENGINE=${PXB_CG_ENGINE:-veth}
# valgrind runs one thread at a time; without --fair-sched=yes the polling
# worker keeps the lock for long stretches and starves the feeder, control
# and telemetry threads: the first RRQ's open and the telemetry read after
# the transfer then take minutes, and a run reports no transfer.
CG_OPTS=(--tool=callgrind --fair-sched=yes)
TESTPMD=${PXB_TESTPMD:-$(command -v dpdk-testpmd 2>/dev/null || echo /usr/bin/dpdk-testpmd)}
# Enough mbufs for the rings, few enough to stay well inside the
# hugepages others use; --huge-unlink so a killed run keeps none.
TP_EAL=(--no-pci --huge-unlink -m 256)
TP_APP=(--total-num-mbufs=8192 --nb-cores=1 --burst=32 --txq=1 --rxq=1 --stats-period 1)

pxl_need_root
pxb_need_tools
pxb_run_dir baseline
chmod 755 "$PXB_RUN"
CSV=$PXB_RUN/baseline.csv
echo "what,pmd,frame_or_blksize,windowsize,mpps,data_pps,ratio,ir_per_data,load1" >"$CSV"
echo "# baseline.sh $(date -Is); load at start: $(pxb_load)" >"$PXB_RUN/load.txt"
pids=()

cleanup()
{
	local p
	trap - EXIT INT TERM
	set +e
	for p in "${pids[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	sleep 1
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pxb_lab_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load1()
{
	cut -d' ' -f1 /proc/loadavg
}

# Median of testpmd's per-second Tx-pps (or Rx-pps) lines, the first two
# (start-up) left out when there are more than 3, zeros ignored, in Mpps.
tp_rate()
{
	local log=$1 key=${2:-Tx-pps}
	grep -a "$key:" "$log" | awk '{ v[n++] = $2 } END { for (i = (n > 3 ? 2 : 0); i < n; i++) if (v[i] > 0) print v[i] }' | pxb_median |
		awk '{ if ($1 == "NA") print "NA"; else printf "%.3f\n", $1 / 1e6 }'
}

# Stops a background process after its run time with SIGINT (testpmd
# prints its totals and frees its ports), SIGKILL 5 s later.
stop_pid()
{
	local p=$1 i
	kill -INT "$p" 2>/dev/null || true
	for i in $(seq 1 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

# testpmd's own mbufs hold 2176 bytes; a larger frame needs larger mbufs
# (testpmd otherwise falls back to 64-byte frames).
tp_frame_args()
{
	local frame=$1
	# Before --txpkts: testpmd checks the length against the mbuf size
	# as it parses.
	if [ "$frame" -gt 2000 ]; then
		printf -- '--mbuf-size=%s\n' $((frame + 256))
	fi
	printf -- '--txpkts=%s\n' "$frame"
}

# A run whose frame size testpmd refused reports NA.
tp_check()
{
	if grep -aq 'give up' "$1"; then
		pxl_warn "testpmd refused the frame size: $(grep -a 'give up' "$1" | head -n 1)"
		return 1
	fi
}

testpmd_null()
{
	local frame=$1 log r
	log=$PXB_RUN/testpmd-null-$frame.log
	timeout -s INT $((PXB_SECONDS + 5)) "$TESTPMD" -l 0-1 --main-lcore 0 "${TP_EAL[@]}" \
		--file-prefix pxb-tp --vdev net_null0 -- --forward-mode=txonly \
		$(tp_frame_args "$frame") "${TP_APP[@]}" >"$log" 2>&1 </dev/null &
	pids+=($!)
	sleep "$PXB_SECONDS"
	stop_pid "${pids[-1]}"
	r=$(tp_rate "$log")
	tp_check "$log" || r=NA
	echo "testpmd-txonly,net_null,$frame,,$r,,,,$(load1)" >>"$CSV"
	pxl_say "testpmd txonly net_null frame $frame: $r Mpps"
}

# The memif ceiling needs a receiver: a second testpmd in rxonly on the
# other core. Both busy-poll, so on 2 cores nothing else may run well.
testpmd_memif()
{
	local frame=$1 sock=$PXB_RUN/tp-memif.sock rlog log r rx
	rlog=$PXB_RUN/testpmd-memif-rx-$frame.log
	log=$PXB_RUN/testpmd-memif-$frame.log
	rm -f "$sock"
	"$TESTPMD" -l 1,0 --main-lcore 1 "${TP_EAL[@]}" --file-prefix pxb-tpr \
		--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no" -- \
		--forward-mode=rxonly $(tp_frame_args "$frame" | grep mbuf-size) "${TP_APP[@]}" \
		>"$rlog" 2>&1 </dev/null &
	pids+=($!)
	local rx_pid=$!
	sleep 2
	"$TESTPMD" -l 0,1 --main-lcore 0 "${TP_EAL[@]}" --file-prefix pxb-tp \
		--vdev "net_memif0,role=client,socket=$sock,socket-abstract=no" -- \
		--forward-mode=txonly $(tp_frame_args "$frame") "${TP_APP[@]}" >"$log" 2>&1 </dev/null &
	pids+=($!)
	sleep "$PXB_SECONDS"
	stop_pid "${pids[-1]}"
	stop_pid "$rx_pid"
	r=$(tp_rate "$log")
	rx=$(tp_rate "$rlog" Rx-pps)
	tp_check "$log" || rx=NA
	# What the receiver took is the ceiling; the rest the sender dropped
	# on a full ring.
	echo "testpmd-txonly,net_memif,$frame,,$rx,,,,$(load1)" >>"$CSV"
	pxl_say "testpmd txonly net_memif frame $frame: sent $r Mpps, received $rx Mpps"
}

# pxeline's config for a memif port (the server end of the socket).
memif_cfg()
{
	pxb_memif_cfg "$@"
}

tftpbench_has_dpdk()
{
	"$PXB_TFTPBENCH" --help 2>&1 | grep -q -- '--engine'
}

# tftpbench's DPDK engine as the client end of the memif socket.
bench_memif()
{
	local sock=$1 out=$2
	shift 2
	pxb_memif_bench "$sock" 192.0.2.2 192.0.2.0/24 192.0.2.100 \
		"-l 0 --no-pci --file-prefix pxb-cli --huge-unlink -m 256" "$out" "$@"
}

telemetry_get()
{
	pxb_tele_get "$1" /pxeline/stats "$2"
}

# Starts pxeline (optionally under a wrapper such as valgrind) and waits
# for its telemetry socket; sets ENGINE_PID.
ENGINE_PID=
engine_start()
{
	local cfg=$1 log=$2 wait_s=$4 rc=0
	shift 4
	pxb_engine_start "$cfg" "$log" "$wait_s" "$@" || rc=1
	ENGINE_PID=$PXB_ENGINE_PID
	pids+=("$ENGINE_PID")
	return $rc
}

engine_stop()
{
	PXB_ENGINE_PID=$ENGINE_PID
	pxb_engine_stop
	ENGINE_PID=
}

# Frames on the wire for one DATA block at MTU 1500 (IP fragments).
frames_per_block()
{
	local udp=$(($1 + 12))
	if [ $((udp + 20)) -le 1500 ]; then echo 1; else echo $(((udp + 1479) / 1480)); fi
}

pxeline_memif()
{
	local root=$PXB_RUN/root sock=$PXB_RUN/pxl-memif.sock cfg=$PXB_RUN/memif.cfg
	local file b out d0 d1 secs dpps fpps ceil frame ratio
	file=r$PXB_BASE_SIZE.bin
	mkdir -p "$root"
	chmod 755 "$root"
	pxb_file "$root" "$file" "$PXB_BASE_SIZE"
	rm -f "$sock"
	# Worker on lcore 1; tftpbench polls lcore 0 beside the control thread.
	memif_cfg "$root" "$sock" "$cfg" \
		'"-l", "0-1", "--main-lcore", "0", "--no-pci", "--file-prefix", "pxb-srv", "--huge-unlink"'
	engine_start "$cfg" "$PXB_RUN/pxeline-memif.log" pxb-srv 20 || return 0
	for b in $PXB_BASE_BLKSIZES; do
		out=$PXB_RUN/pxeline-memif-b$b.txt
		d0=$(telemetry_get pxb-srv tftp_data_packets)
		# Few clients (a 64-block window of 8192-byte blocks is 384 frames,
		# memif's ring holds 1024) and a short client timer, so that a lost
		# frame costs little; enough transfers to run a few seconds.
		bench_memif "$sock" "$out" --file "$file" --clients "$PXB_BASE_CLIENTS" \
			--transfers "$PXB_BASE_TRANSFERS" --blksize "$b" --windowsize 64 \
			--rto-ms 50 --verify "$root/$file" --duration-limit 120
		d1=$(telemetry_get pxb-srv tftp_data_packets)
		secs=$(awk '/^transfers:/ { for (i = 1; i <= NF; i++) if ($i == "in") print $(i + 1) }' "$out")
		if [ -z "$secs" ] || [ -z "$d0" ] || [ -z "$d1" ] || grep -q 'failed=[1-9]' "$out"; then
			pxl_warn "pxeline over memif, blksize $b: no result (see $out)"
			echo "pxeline-memif,net_memif,$b,64,NA,NA,NA,,$(load1)" >>"$CSV"
			continue
		fi
		dpps=$(awk -v a="$d0" -v b="$d1" -v s="$secs" 'BEGIN { printf "%.0f", (b - a) / s }')
		fpps=$(awk -v d="$dpps" -v f="$(frames_per_block "$b")" 'BEGIN { printf "%.3f", d * f / 1e6 }')
		frame=$([ "$(frames_per_block "$b")" -eq 1 ] && echo $((b + 46)) || echo 1514)
		ceil=$(awk -F, -v f="$frame" '$1 == "testpmd-txonly" && $2 == "net_memif" && $3 == f { print $5 }' "$CSV")
		ratio=$(awk -v a="$fpps" -v c="${ceil:-NA}" 'BEGIN { if (c == "NA" || c == "" || c == 0) print "NA"; else printf "%.2f", a / c }')
		echo "pxeline-memif,net_memif,$b,64,$fpps,$dpps,$ratio,,$(load1)" >>"$CSV"
		pxl_say "pxeline over memif blksize $b window 64: $dpps DATA/s, $fpps Mframes/s, ${ratio}x testpmd ($frame-byte frames)"
	done
	engine_stop
}

# cg_incl OUT FUNC: inclusive Ir of one of pxeline's functions (0 when it
# was never called or was inlined). awk reads to the end: an early exit
# would SIGPIPE callgrind_annotate and fail the pipeline under pipefail.
cg_incl()
{
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v f=":$2 [" '!found && index($0, f) && index($0, "pxeline]") { gsub(/,/, "", $1); print $1; found = 1 }
			END { if (!found) print 0 }'
}

# Per DATA packet, from the functions that only run when there is work
# (the worker's loop polls all the time, so worker_main's total mostly
# measures idle polling under valgrind's slowness):
#   tftp_pump: window logic, DATA build (tx_udp), enqueue to the TX buffer;
#   tx_udp: building one DATA frame (headers, payload copy or attach,
#           software UDP checksum when the PMD offers no offload).
# Not included: the PMD's RX/TX (af_packet's TX copies into its ring and
# calls sendto), the timer wheel and the loop itself.
cg_report()
{
	local out=$1 d=$2 f v
	for f in tftp_pump tx_udp tftp_session_on_packet lcore_tx_flush tftp_session_run_timers worker_main; do
		v=$(cg_incl "$out" "$f")
		printf '%s %s %s\n' "$f" "$v" "$((v / d))"
	done
}

callgrind_run()
{
	local root=$PXB_RUN/root sock=$PXB_RUN/cg-memif.sock b out cgo cfg ir d eng file try
	file=r$PXB_CG_SIZE.bin
	command -v valgrind >/dev/null || { pxl_warn "no valgrind"; return 0; }
	mkdir -p "$root"
	chmod 755 "$root"
	pxb_file "$root" "$file" "$PXB_CG_SIZE"
	for b in $PXB_BASE_BLKSIZES; do
		cgo=$PXB_RUN/callgrind-b$b.out
		cfg=$PXB_RUN/cg-b$b.cfg
		out=$PXB_RUN/callgrind-b$b.txt
		rm -f "$sock"
		# valgrind does not map hugepages: plain memory (--no-huge).
		memif_cfg "$root" "$sock" "$cfg" \
			'"-l", "0-1", "--main-lcore", "0", "--no-pci", "--file-prefix", "pxb-cg", "--no-huge", "-m", "512"'
		if [ "$PXB_CG_ENGINE" = memif ] && tftpbench_has_dpdk; then
			eng=memif
			engine_start "$cfg" "$PXB_RUN/callgrind-b$b.log" pxb-cg 120 \
				valgrind "${CG_OPTS[@]}" --callgrind-out-file="$cgo" || continue
			# Under valgrind the server runs ~50x slower: a long client timer.
			bench_memif "$sock" "$out" --file "$file" --clients 1 --transfers 1 \
				--blksize "$b" --windowsize 64 --rto-ms 10000 --verify "$root/$file" \
				--duration-limit 600
		else
			eng=veth
			pxb_lab_up
			sed -E -e "s|^([[:space:]]*device[[:space:]]*=[[:space:]]*)\"[^\"]*\"|\1\"net_af_packet0,iface=$PXL_SRV_IF\"|" "$cfg" >"$cfg.veth"
			mv "$cfg.veth" "$cfg"
			engine_start "$cfg" "$PXB_RUN/callgrind-b$b.log" pxb-cg 120 \
				ip netns exec "$PXB_SRV_NS" valgrind "${CG_OPTS[@]}" --callgrind-out-file="$cgo" || continue
			# The first request may time out opening the file (the feeder
			# runs under valgrind too): one more try.
			for try in 1 2; do
				pxb_bench "$out" --file "$file" --clients 1 --blksize "$b" --windowsize 64 \
					--rto-ms 10000 --verify "$root/$file" --duration-limit 600 >/dev/null
				grep -q 'failed=0' "$out" && break
			done
		fi
		# Telemetry answers slowly under valgrind: a few tries.
		for try in 1 2 3; do
			d=$(telemetry_get pxb-cg tftp_data_packets || true)
			[ -n "$d" ] && break
			sleep 2
		done
		engine_stop
		if [ -z "$d" ] || [ "$d" = 0 ] || ! grep -q 'failed=0' "$out"; then
			pxl_warn "callgrind blksize $b: no complete transfer (DATA count '${d:-}' from telemetry; see $out)"
			echo "callgrind-$eng,$eng,$b,64,,${d:-NA},,NA,$(load1)" >>"$CSV"
			continue
		fi
		cg_report "$cgo" "$d" >"$PXB_RUN/callgrind-b$b.funcs"
		ir=$(awk '$1 == "tftp_pump" { print $3 }' "$PXB_RUN/callgrind-b$b.funcs")
		echo "callgrind-$eng (tftp_pump incl.),$eng,$b,64,,$d,,$ir,$(load1)" >>"$CSV"
		pxl_say "callgrind ($eng) blksize $b, $d DATA packets; inclusive Ir: total, per DATA:"
		sed 's/^/    /' "$PXB_RUN/callgrind-b$b.funcs"
	done
}

if [ $do_testpmd -eq 1 ]; then
	[ -x "$TESTPMD" ] || pxl_die "no dpdk-testpmd at $TESTPMD (package dpdk)"
	for f in $PXB_FRAMES; do
		testpmd_null "$f"
	done
	for f in $PXB_FRAMES; do
		testpmd_memif "$f"
	done
fi
if [ $do_memif -eq 1 ]; then
	if tftpbench_has_dpdk; then
		pxeline_memif
	else
		pxl_warn "tftpbench has no DPDK engine: no pxeline-over-memif numbers"
	fi
fi
[ $do_cg -eq 1 ] && callgrind_run
echo "# load at end: $(pxb_load)" >>"$PXB_RUN/load.txt"

{
	echo "| what | PMD | frame / blksize | window | Mpps (frames) | DATA/s | ratio to testpmd | Ir per DATA | load1 |"
	echo "|---|---|---|---|---|---|---|---|---|"
	tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
	echo
	sed 's/^# /    /' "$PXB_RUN/load.txt"
} >"$PXB_RUN/baseline.md"
cat "$PXB_RUN/baseline.md"
if [ $report -eq 1 ]; then
	mkdir -p "$PXB_DIR/report"
	cp "$CSV" "$PXB_RUN/baseline.md" "$PXB_DIR/report/"
	grep -H . "$PXB_RUN"/callgrind-b*.funcs 2>/dev/null | sed 's|.*/callgrind-||; s|\.funcs:| |' \
		>"$PXB_DIR/report/callgrind-funcs.txt" || true
	pxl_say "copied to bench/report/"
fi
pxl_say "done: $PXB_RUN/baseline.md"
