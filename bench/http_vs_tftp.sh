#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# HTTP Boot vs TFTP from the same engine, the same file, side by side in one
# run: N concurrent clients (default "1 10 100") fetch a SIZE_MB (300) MiB
# file over HTTP (curl, through the TAP exception path) and over TFTP (curl,
# lock-step, blksize PXL_B_BLKSIZE = 1456). Each download streams into
# sha256sum (no copy on disk); a row counts the digests that match. Prints
# one line per (protocol, clients): wall time, aggregate MiB/s, verified
# downloads, and the load average at the start. A measurement, not a test:
# nothing is asserted but that it ran.
#
#   sudo PXL_BUILD_ROOT=$PWD/build bench/http_vs_tftp.sh [SIZE_MB] [CLIENTS...]
PXL_T_NAME=http-bench
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"

SIZE_MB=${1:-300}
shift || true
COUNTS=${*:-1 10 100}
BLKSIZE=${PXL_B_BLKSIZE:-1456}
# Every client's bound: 100 x 300 MiB at 30 MiB/s in all is 1000 s.
MAX_S=${PXL_B_MAX_S:-1800}

pxl_t_init curl xargs sha256sum
eval "pxl_t_lab_cfg() $(declare -f pxl_t_engine_cfg | tail -n +2)"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_lab_cfg)
	printf '\nhttp_boot = {\n\tport = 80;\n};\n' >>"$cfg"
	printf '%s\n' "$cfg"
}
pxl_t_file big.bin $((SIZE_MB * 1048576))
want=$(pxl_t_sha "$PXL_T_ROOT/big.bin")
pxl_t_server_start
for k in $(seq 1 50); do
	pxl_t_in 3 curl -s -o /dev/null "http://$PXL_SRV_ADDR/ready.txt" && break
	sleep 0.2
done

run()
{
	local proto=$1 n=$2 t0 t1 ms url opts ok load sums=$PXL_T_OUT/sums-$1-$2
	if [ "$proto" = http ]; then
		url=http://$PXL_SRV_ADDR/big.bin
		opts=
	else
		url=tftp://$PXL_SRV_ADDR/big.bin
		opts="--tftp-blksize $BLKSIZE"
	fi
	: >"$sums"
	load=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(date +%s%N)
	seq 1 "$n" | xargs -P "$n" -I{} timeout -k 5 $((MAX_S + 10)) ip netns exec "$PXL_T_CLI" \
		sh -c "curl -s --max-time $MAX_S $opts '$url' | sha256sum | cut -d' ' -f1 >>'$sums'" || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	ok=$(grep -cx "$want" "$sums" || true)
	printf '%-5s clients=%-3s size=%sMiB time=%d.%03ds aggregate=%s MiB/s sha256_ok=%s/%s load=%s\n' \
		"$proto" "$n" "$SIZE_MB" $((ms / 1000)) $((ms % 1000)) \
		"$(awk -v n="$ok" -v mb="$SIZE_MB" -v ms="$ms" 'BEGIN { printf "%.1f", n * mb / (ms / 1000) }')" \
		"$ok" "$n" "$load"
}

pxl_t_log "TFTP blksize $BLKSIZE, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $COUNTS; do
	run http "$n"
	run tftp "$n"
done
pxl_t_result 1 "bench ran"
pxl_t_finish
