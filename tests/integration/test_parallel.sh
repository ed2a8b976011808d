#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 32 clients at once, curl and atftp mixed, on files of a few sizes: every
# one must receive exactly its file.
PXL_T_NAME=parallel
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl atftp

pxl_t_file p1m.bin 1048576
pxl_t_file p4m.bin 4194304
pxl_t_file p100k.bin 102400
pxl_t_server_start

files=(p1m.bin p4m.bin p100k.bin)
blks=(512 1428 1468 8192)
wins=(1 4 16 64)
pids=()
PXL_T_CLIENT_TIMEOUT=180
t0=$(date +%s)
for i in $(seq 0 31); do
	f=${files[$((i % 3))]}
	b=${blks[$((i % 4))]}
	if [ $((i % 2)) -eq 0 ]; then
		pxl_t_get "client $i: curl $f blksize $b" "$f" curl "$b" &
	else
		w=${wins[$(((i / 2) % 4))]}
		pxl_t_get "client $i: atftp $f blksize $b window $w" "$f" atftp "$b" "$w" &
	fi
	pids+=($!)
done
wait "${pids[@]}" || true
n=$(wc -l <"$PXL_T_RESULTS")
pxl_t_expect "all 32 clients reported ($n)" test "$n" -eq 32
pxl_t_log "32 clients done in $(($(date +%s) - t0)) s"
pxl_t_expect "server still running after 32 clients" pxl_t_server_alive

pxl_t_finish
