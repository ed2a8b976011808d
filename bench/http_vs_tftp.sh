#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# HTTP Boot vs TFTP from the same engine, the same file, side by side in one
# run: N concurrent clients (default "1 8 32") fetch a SIZE_MB (300) MiB file
# over HTTP (curl, through the TAP exception path) and over TFTP (curl,
# blksize 1468, lock-step: what OVMF and iPXE do). Prints
# one line per (protocol, clients): wall time and aggregate MiB/s. A
# measurement, not a test: nothing is asserted.
#
#   sudo PXL_BUILD_ROOT=$PWD/build bench/http_vs_tftp.sh [SIZE_MB] [CLIENTS...]
PXL_T_NAME=http-bench
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"

SIZE_MB=${1:-300}
shift || true
COUNTS=${*:-1 8 32}

pxl_t_init curl xargs
eval "pxl_t_lab_cfg() $(declare -f pxl_t_engine_cfg | tail -n +2)"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_lab_cfg)
	printf '\nhttp_boot = {\n\tport = 80;\n};\n' >>"$cfg"
	printf '%s\n' "$cfg"
}
pxl_t_file big.bin $((SIZE_MB * 1048576))
pxl_t_server_start
for k in $(seq 1 50); do
	pxl_t_in 3 curl -s -o /dev/null "http://$PXL_SRV_ADDR/ready.txt" && break
	sleep 0.2
done

run()
{
	local proto=$1 n=$2 t0 t1 ms cmd
	if [ "$proto" = http ]; then
		cmd="curl -s -o /dev/null --max-time 1200 http://$PXL_SRV_ADDR/big.bin"
	else
		cmd="curl -s -o /dev/null --max-time 1200 --tftp-blksize 1468 tftp://$PXL_SRV_ADDR/big.bin"
	fi
	t0=$(date +%s%N)
	seq 1 "$n" | xargs -P "$n" -I{} timeout -k 5 1300 ip netns exec "$PXL_T_CLI" sh -c "$cmd" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	printf '%-5s clients=%-3s size=%sMiB time=%d.%03ds aggregate=%s MiB/s\n' "$proto" "$n" "$SIZE_MB" \
		$((ms / 1000)) $((ms % 1000)) \
		"$(awk -v n="$n" -v mb="$SIZE_MB" -v ms="$ms" 'BEGIN { printf "%.1f", n * mb / (ms / 1000) }')"
}

for n in $COUNTS; do
	run http "$n"
	run tftp "$n"
done
pxl_t_result 1 "bench ran"
pxl_t_finish
