#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Faults (issue 14 item 3), files that change under a transfer: a file
# replaced by rename mid-transfer is finished with the old bytes (the
# version the transfer holds); one rewritten in place ends with ERROR 0
# "file changed on the server during the transfer", and what the client got
# before it is the old file's prefix: never a mix (dataplane/cache/version.c).
# Each case runs a slow lock-step client (tftp-hpa, 512-byte blocks) and
# acts once 1 MiB has arrived; afterwards the engine still serves.
PXL_T_NAME=faults
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE=$((16 * 1048576))
pxl_t_init tftp curl cmp
pxl_t_strict || pxl_t_skip "checks pxeline's version rules"

pxl_t_file ren.bin "$SIZE"
pxl_t_file inplace.bin "$SIZE"
# Private copies (pxl_t_file hard-links large files to a shared cache).
for f in ren.bin inplace.bin; do
	cp "$PXL_T_ROOT/$f" "$PXL_T_OUT/$f.old"
	rm -f "$PXL_T_ROOT/$f"
	cp "$PXL_T_OUT/$f.old" "$PXL_T_ROOT/$f"
	chmod 644 "$PXL_T_ROOT/$f"
done
head -c "$SIZE" /dev/urandom >"$PXL_T_OUT/new.bin"
pxl_t_server_start

# slow_get NAME: tftp-hpa in the background; waits (bounded: 20 s) for 1 MiB.
slow_get()
{
	local k
	(pxl_t_tftphpa "$1" "$PXL_T_OUT/$1.got" >"$PXL_T_OUT/$1.log" 2>&1; echo $? >"$PXL_T_OUT/$1.rc") &
	SLOW_PID=$!
	for k in $(seq 1 200); do
		[ "$(stat -c %s "$PXL_T_OUT/$1.got" 2>/dev/null || echo 0)" -ge 1048576 ] && return 0
		sleep 0.1
	done
	pxl_t_log "$1: 1 MiB did not arrive within 20 s"
}

# Replaced by rename: the transfer keeps its version.
slow_get ren.bin
cp "$PXL_T_OUT/new.bin" "$PXL_T_ROOT/.ren.tmp"
chmod 644 "$PXL_T_ROOT/.ren.tmp"
mv -f "$PXL_T_ROOT/.ren.tmp" "$PXL_T_ROOT/ren.bin"
wait "$SLOW_PID" || true
pxl_t_expect "renamed mid-transfer: the copy is the old file" \
	cmp -s "$PXL_T_OUT/ren.bin.got" "$PXL_T_OUT/ren.bin.old"
pxl_t_expect "renamed mid-transfer: the log says done" \
	pxl_t_wait_log 'file="ren.bin".* end=done' 5
pxl_t_get "after the rename: a new transfer gets the new file" ren.bin curl

# Rewritten in place: the version goes stale, the transfer ends with ERROR.
slow_get inplace.bin
dd if="$PXL_T_OUT/new.bin" of="$PXL_T_ROOT/inplace.bin" bs=1M conv=notrunc status=none
wait "$SLOW_PID" || true
got=$(stat -c %s "$PXL_T_OUT/inplace.bin.got" 2>/dev/null || echo 0)
pxl_t_log "in place: client exit $(cat "$PXL_T_OUT/inplace.bin.rc"), $got bytes, client said: $(tail -n 1 "$PXL_T_OUT/inplace.bin.log")"
# tftp-hpa exits 0 after an ERROR: its message says what it heard.
pxl_t_expect "rewritten in place: the client stopped short of the end ($got < $SIZE)" \
	test "$got" -lt "$SIZE"
pxl_t_expect "rewritten in place: the client heard ERROR 0 naming the cause" \
	grep -q "Error code 0: file changed on the server during the transfer" "$PXL_T_OUT/inplace.bin.log"
pxl_t_expect "rewritten in place: what arrived is the old file's prefix, never a mix" \
	cmp -s -n "$got" "$PXL_T_OUT/inplace.bin.got" "$PXL_T_OUT/inplace.bin.old"
pxl_t_expect "rewritten in place: ERROR 'file changed on the server during the transfer'" \
	pxl_t_wait_log 'file="inplace.bin".* end=file-changed detail=file changed' 5
pxl_t_get "after the rewrite: a new transfer gets the new bytes" inplace.bin curl

pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_finish
