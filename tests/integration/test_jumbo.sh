#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A 9000-byte MTU on the lab's veth and in the engine's config: blocks up to
# the MTU go out whole, larger ones as IP fragments of jumbo size. Every
# client must receive exactly its file.
PXL_T_NAME=jumbo
PXL_T_MTU=9000
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl atftp

pxl_t_file j8m.bin 8388608
pxl_t_server_start
pxl_t_expect "engine configured for MTU 9000" grep -q "mtu 9000" "$PXL_T_LOG"
for b in 1456 8192 8960 65464; do
	pxl_t_get "curl 8MiB blksize $b, MTU 9000" j8m.bin curl "$b"
done
pxl_t_get "atftp 8MiB blksize 8960 window 16, MTU 9000" j8m.bin atftp 8960 16
pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_finish
