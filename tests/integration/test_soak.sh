#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A short soak (bench/soak.sh is the long one): an AddressSanitizer build
# of the engine holds a few hundred concurrent transfers under 3 % random
# loss (nftables, both ways) for PXL_T_SOAK_SECONDS, tftpbench starting a
# new transfer as each ends. Every transfer must verify; afterwards no
# session may remain, no cache chunk may still be held, the RSS must come
# back within a bound of what it was after a warm-up round, and the engine
# must exit 0 on SIGTERM with no LeakSanitizer report (detect_leaks=1; an
# ASan error or leak makes it exit 23).
#
# The ASan build is a second build directory this test makes itself
# (PXL_T_ASAN_BUILD, default BUILD/asan-engine: -Db_sanitize=address, the
# engine target only); DPDK's own libraries are not instrumented, and
# leaks inside them are suppressed (lsan-dpdk.supp): the engine's code is
# what is checked.
PXL_T_NAME=soak
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init dpdk-telemetry.py python3 cc
pxl_t_strict || pxl_t_skip "the soak checks pxeline's own counters and memory"
TB=$PXL_BUILD/tftpbench
[ -x "$TB" ] || pxl_t_skip "tftpbench not built at $TB"
N=${PXL_T_SOAK_CLIENTS:-300}
SECS=${PXL_T_SOAK_SECONDS:-40}
LOSS=${PXL_T_SOAK_LOSS:-3}
SLACK_KB=${PXL_T_SOAK_RSS_SLACK_KB:-16384}

# The ASan engine, built (or brought up to date) here.
ASAN_BUILD=${PXL_T_ASAN_BUILD:-$PXL_BUILD/asan-engine}
echo 'int main(void) { return 0; }' | cc -fsanitize=address -x c - -o "$PXL_T_WORK/asan-probe" 2>/dev/null ||
	pxl_t_skip "the compiler cannot build with -fsanitize=address (libasan missing)"
if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
	pxl_t_log "setting up the ASan build in $ASAN_BUILD"
	meson setup "$ASAN_BUILD" "$PXL_REPO" -Db_sanitize=address -Dtests=false \
		>"$PXL_T_WORK/asan-setup.log" 2>&1 || { tail -n 20 "$PXL_T_WORK/asan-setup.log"; pxl_t_fatal "meson setup of the ASan build failed"; }
fi
pxl_t_log "building the ASan engine (a no-op when it is up to date)"
nice -n 10 ninja -C "$ASAN_BUILD" pxeline >"$PXL_T_WORK/asan-build.log" 2>&1 ||
	{ tail -n 20 "$PXL_T_WORK/asan-build.log"; pxl_t_fatal "the ASan engine did not build"; }
PXL_T_ENGINE=$ASAN_BUILD/pxeline
# exitcode: a leak or an ASan error at exit turns into status 23, which the
# clean-stop check below fails on. A small quarantine keeps the RSS honest.
export ASAN_OPTIONS="detect_leaks=1:exitcode=23:quarantine_size_mb=8:malloc_context_size=20"
export LSAN_OPTIONS="suppressions=$PXL_T_DIR/lsan-dpdk.supp:print_suppressions=0"

# lab.cfg with a telemetry prefix of our own and room for every session.
eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
PXL_T_PREFIX="pxl-t-soak-$PXL_T_ID"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	sed -Ei "s|\"--in-memory\"|\"--in-memory\", \"--file-prefix=$PXL_T_PREFIX\"|" "$cfg"
	# 300 clients share the client namespace's one address: the per-source
	# limit on new sessions (a flood guard, test_flood.sh) is not under test.
	sed -Ei "s|^([[:space:]]*)(root[[:space:]]*=[[:space:]]*\"[^\"]*\";)|\1\2\n\1source_rate = 0;|" "$cfg"
	printf '%s\n' "$cfg"
}

pxl_t_file soak.bin 262144
PXL_T_SERVER_TIMEOUT_MS=200
pxl_t_server_start
[ "$(cat "/proc/$PXL_T_SERVER_PID/comm" 2>/dev/null)" = pxeline ] || pxl_t_fatal "pid $PXL_T_SERVER_PID is not the engine"

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$PXL_T_SERVER_PID/status"
}

cache_held()
{
	echo /pxeline/cache | timeout 10 dpdk-telemetry.py -f "$PXL_T_PREFIX" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["/pxeline/cache"].get("chunks_held", -1))'
}

# Bounded: sessions back to 0 within 30 s (a given-up client's session
# ends with the server's own retries).
wait_idle()
{
	local i
	for i in $(seq 1 60); do
		[ "$(pxl_t_stat tftp_sessions_active)" = 0 ] && return 0
		sleep 0.5
	done
	return 1
}

# soak_run LABEL OUT ARGS... [lossy]: tftpbench with N clients; checks exit 0 and
# failed=0 on its closing line. The client's timer is long (2 s, it gives
# up after 5 in a row): the server's own 200 ms timer repairs the loss, and
# on a loaded machine the first answer can take seconds (the feeder thread
# opening the file shares a core with everything else).
soak_run()
{
	local label=$1 out=$2 rc=0 last
	shift 2
	pxl_t_in $((SECS + 120)) bash -c 'ulimit -n 4096 && exec "$@"' soak "$TB" \
		--server "$PXL_SRV_ADDR" --quiet --file soak.bin --clients "$N" \
		--blksize 1456 --windowsize 4 --rto-ms 2000 --verify "$PXL_T_ROOT/soak.bin" \
		--duration-limit $((SECS + 90)) "$@" >"$out" 2>&1 || rc=$?
	last=$(tail -n 1 "$out")
	pxl_t_log "$label: $(grep -E '^transfers:' "$out" || echo "no summary")"
	if [ "${SOAK_LOSSY:-0}" = 1 ]; then
		# Under loss a client may give up (its first exchange lost both
		# ways twice, then its repeat after the engine's linger): never
		# with wrong bytes, and rarely.
		pxl_t_log "$label: $last"
		return 0
	fi
	pxl_t_expect "$label: tftpbench exit 0" test "$rc" -eq 0
	pxl_t_expect "$label: every transfer verified (failed=0)" grep -q 'failed=0$' <<<"$last"
}

# Warm-up: the first sessions and the file's chunks allocate what stays.
soak_run "warm-up, $N transfers" "$PXL_T_WORK/warmup.txt" --transfers "$N"
wait_idle || true
rss0=$(rss_kb)
pxl_t_log "RSS after the warm-up: $rss0 kB"

pxl_loss_set "$PXL_T_CLI" "$LOSS"
SOAK_LOSSY=1 soak_run "soak, $N concurrent for ${SECS} s, $LOSS % loss" "$PXL_T_WORK/soak.txt" \
	--transfers 1000000 --run-for "$SECS" --csv "$PXL_T_WORK/soak.csv"
pxl_t_log "frames dropped (to client, from client): $(pxl_loss_counts "$PXL_T_CLI")"
pxl_loss_clear "$PXL_T_CLI"
ok=$(awk -F, 'NR > 1 && $11 == "ok" { n++ } END { print n + 0 }' "$PXL_T_WORK/soak.csv" 2>/dev/null || echo 0)
rows=$(($(wc -l <"$PXL_T_WORK/soak.csv" 2>/dev/null || echo 1) - 1))
bad=$(awk -F, 'NR > 1 && $12 ~ /mismatch/ { n++ } END { print n + 0 }' "$PXL_T_WORK/soak.csv" 2>/dev/null || echo 0)
lost=$((rows - ok))
pxl_t_expect "soak: no transfer with wrong bytes ($bad content or size mismatches)" test "$bad" -eq 0
pxl_t_expect "soak: more transfers than clients ran ($ok verified of $rows)" test "$ok" -gt "$N"
pxl_t_expect "soak: given up under loss below 1 in 1000 ($lost of $rows)" test $((lost * 1000)) -lt "$rows"

pxl_t_expect "no session remains" wait_idle
held=$(cache_held)
pxl_t_expect "no cache chunk still held (chunks_held=$held)" test "$held" = 0
rss1=$(rss_kb)
pxl_t_log "RSS after the soak: $rss1 kB (before $rss0 kB, bound +$SLACK_KB kB)"
pxl_t_expect "RSS back within $SLACK_KB kB of the warm-up's" test "$rss1" -le $((rss0 + SLACK_KB))

PXL_T_STOP_TENTHS=600 pxl_t_server_stop
sanitizer=$(grep -cE 'LeakSanitizer|AddressSanitizer' "$PXL_T_LOG" || true)
pxl_t_expect "no ASan/LeakSanitizer report in the engine's log" test "$sanitizer" -eq 0
if [ "$sanitizer" -ne 0 ]; then
	grep -E -A15 'LeakSanitizer|AddressSanitizer' "$PXL_T_LOG" | head -n 40 | sed 's/^/    /'
fi

pxl_t_finish
