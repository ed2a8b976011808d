#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real clients (curl, tftp-hpa, atftp, busybox) fetch files at the edges of
# the block arithmetic: 0, 1, 511, 512, 513 bytes, 1 MiB and 40 MiB (at
# blksize 512 that is 81920 blocks: the block number rolls over 65535 -> 0).
PXL_T_NAME=clients
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl tftp atftp busybox
PXL_T_PREFIX="pxl-t-cl-$PXL_T_ID"	# pxl_t_stat reads its counters

for s in 0 1 511 512 513; do
	pxl_t_file "f$s.bin" "$s"
done
pxl_t_file f1m.bin 1048576
pxl_t_file f40m.bin 41943040
pxl_t_server_start

# curl stops with exit 71 on an empty file (it never sees a DATA it likes):
# a known client limitation, so size 0 is covered by the other clients.
for s in 1 511 512 513; do
	for b in 512 1428; do
		pxl_t_get "curl f$s blksize $b" "f$s.bin" curl "$b"
	done
	pxl_t_get "tftp-hpa f$s" "f$s.bin" tftphpa
	pxl_t_get "atftp f$s blksize 512 window 4" "f$s.bin" atftp 512 4
	pxl_t_get "busybox f$s blksize 512" "f$s.bin" busybox 512
done
pxl_t_get "tftp-hpa f0" f0.bin tftphpa
pxl_t_get "atftp f0 blksize 1428 window 1" f0.bin atftp 1428 1
pxl_t_get "busybox f0" f0.bin busybox 512

for b in 512 1428 1456 1468 8192 65464; do
	pxl_t_get "curl 1MiB blksize $b" f1m.bin curl "$b"
done
for w in 1 4 16 64; do
	pxl_t_get "atftp 1MiB blksize 1428 window $w" f1m.bin atftp 1428 "$w"
done
pxl_t_get "atftp 1MiB blksize 8192 window 16" f1m.bin atftp 8192 16
pxl_t_get "tftp-hpa 1MiB" f1m.bin tftphpa
for b in 512 1468 8192; do
	pxl_t_get "busybox 1MiB blksize $b" f1m.bin busybox "$b"
done

# Block-number rollover: 81920 blocks of 512 bytes.
pxl_t_get "atftp 40MiB blksize 512 window 16 (rollover)" f40m.bin atftp 512 16
pxl_t_get "curl 40MiB blksize 512 (rollover)" f40m.bin curl 512
pxl_t_get "tftp-hpa 40MiB (rollover)" f40m.bin tftphpa
pxl_t_get "busybox 40MiB blksize 1468" f40m.bin busybox 1468

# The veth keeps the kernel's default offloads: every request and ACK the
# clients' kernel sent left its UDP checksum partial, and was served.
if pxl_t_strict && command -v dpdk-telemetry.py >/dev/null 2>&1; then
	read -r partial <<<"$(pxl_t_stat rx_csum_partial)" || true
	pxl_t_expect "kernel partial UDP checksums accepted (${partial:-none})" \
		test "${partial:--1}" -gt 0
fi

pxl_t_finish
