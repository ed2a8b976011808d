#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A 300 MiB image, the size of a WinPE boot.wim: atftp windowed and
# lock-step, curl at blksize 8192 (IP-fragmented on a 1500 MTU) and 65464.
# Rates are printed for the reader, never asserted (speed lives in bench/).
PXL_T_NAME=large
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl atftp

pxl_t_file boot.wim $((300 * 1048576))
pxl_t_server_start

PXL_T_RATE=1
PXL_T_CLIENT_TIMEOUT=300
pxl_t_get "atftp 300MiB blksize 1468 window 16" boot.wim atftp 1468 16
pxl_t_get "atftp 300MiB blksize 1468 window 1" boot.wim atftp 1468 1
pxl_t_get "curl 300MiB blksize 8192 (fragmented)" boot.wim curl 8192
pxl_t_get "curl 300MiB blksize 65464 (fragmented)" boot.wim curl 65464

pxl_t_finish
