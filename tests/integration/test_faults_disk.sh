#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Faults (issue 14 item 3), a failing disk: the engine's tftp.root is a FUSE
# mount (failfs, tests/integration/failfs.c) whose reads of one file fail
# with EIO past 3 MiB while the rule stands. That transfer ends with ERROR 0
# "read error: Input/output error" (the client and the log say so, counters
# tftp_read_errors and cache read_errors count it) and what the client got
# is the file's prefix; a concurrent transfer of a healthy file through the
# same mount (curl, sha256) and another file after it are served whole.
# Once the rule is gone, the same file is served whole: the failed chunk was
# never cached.
PXL_T_NAME=faults_disk
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FAILFS=$PXL_BUILD/tests/integration/failfs
BAD_SIZE=$((3 * 1048576))
FAIL_AT=$((1 * 1048576))
GOOD_SIZE=$((8 * 1048576))
pxl_t_init atftp curl cmp umount mountpoint
pxl_t_strict || pxl_t_skip "checks pxeline's read-error ending"
[ -x "$FAILFS" ] || pxl_t_skip "failfs not built (libfuse3-dev missing at meson setup)"
[ -c /dev/fuse ] || pxl_t_skip "no /dev/fuse"
PXL_T_PREFIX=pxl-t-faults-disk

MNT=$PXL_T_WORK/mnt
RULES=$PXL_T_ROOT/.failfs
# The engine must be gone before the mount (lib.sh's cleanup stops it); a
# lazy unmount lets the engine's open root go on until then.
faults_disk_cleanup()
{
	local rc=$?
	umount -l "$MNT" 2>/dev/null || true
	(exit $rc)
	pxl_t_cleanup
}
trap faults_disk_cleanup EXIT

pxl_t_file bad.bin "$BAD_SIZE"
pxl_t_file good.bin "$GOOD_SIZE"
pxl_t_file other.bin 300000
: >"$RULES"
mkdir -p "$MNT"
umount -l "$MNT" 2>/dev/null || true
# In the foreground (-f) so that its stderr, the injected errors, is kept;
# it exits by itself once the mount is gone.
"$FAILFS" "$PXL_T_ROOT" "$MNT" -f -o allow_other,ro 2>"$PXL_T_WORK/failfs.log" &
for k in $(seq 1 50); do
	mountpoint -q "$MNT" && break
	sleep 0.1
done
cmp -s "$MNT/other.bin" "$PXL_T_ROOT/other.bin" || pxl_t_fatal "failfs does not pass other.bin through"

# The engine serves the mount, not the directory under it.
cfg=$(pxl_t_engine_cfg)
sed -Ei "s|^([[:space:]]*root[[:space:]]*[=:][[:space:]]*)\"[^\"]*\"|\1\"$MNT\"|" "$cfg"
PXL_T_CFG=$cfg pxl_t_server_start

echo "bad.bin $FAIL_AT" >"$RULES"

# The bystander: a large healthy file through the same mount, meanwhile.
(pxl_t_curl good.bin "$PXL_T_OUT/good.bin" 1468 >"$PXL_T_OUT/good.log" 2>&1
	echo $? >"$PXL_T_OUT/good.rc") &
good_pid=$!
t0=$(date +%s%N)

pxl_t_atftp bad.bin "$PXL_T_OUT/bad.got" 1468 1 >"$PXL_T_OUT/bad.log" 2>&1 || true
got=$(stat -c %s "$PXL_T_OUT/bad.got" 2>/dev/null || echo 0)
pxl_t_log "failing file: $got bytes, client said: $(tail -n 1 "$PXL_T_OUT/bad.log")"
pxl_t_expect "failing file: the client stopped short ($got < $BAD_SIZE)" test "$got" -lt "$BAD_SIZE"
pxl_t_expect "failing file: what arrived is the file's prefix" \
	cmp -s -n "$got" "$PXL_T_OUT/bad.got" "$PXL_T_ROOT/bad.bin"
pxl_t_expect "failing file: the client heard ERROR 0 naming the cause" \
	grep -q "read error: Input/output error" "$PXL_T_OUT/bad.log"
pxl_t_expect "failing file: the log line says io-error and why" \
	pxl_t_wait_log 'file="bad.bin".* end=io-error detail=read error: Input/output error' 5
pxl_t_expect "failfs injected the errors" grep -q "EIO bad.bin" "$PXL_T_WORK/failfs.log"
pxl_t_get "during the fault: another file is served" other.bin curl 1468

wait "$good_pid" || true
t1=$(date +%s%N)
pxl_t_check_copy "during the fault: the concurrent transfer of a healthy file" good.bin \
	"$PXL_T_OUT/good" || true
pxl_t_log "measure: bystander goodput during the fault: $(awk -v b="$GOOD_SIZE" -v ns=$((t1 - t0)) \
	'BEGIN { printf "%.1f MiB/s (%.2f s)", b / 1048576 / (ns / 1e9), ns / 1e9 }')"

read -r rerr failed <<<"$(pxl_t_stat tftp_read_errors tftp_failed)"
cerr=$(PXL_STATS_CMD=/pxeline/cache pxl_t_stat read_errors)
pxl_t_log "counters: tftp_read_errors=$rerr cache read_errors=$cerr tftp_failed=$failed"
pxl_t_expect "counter tftp_read_errors counts the ending ($rerr)" test "$rerr" -ge 1
pxl_t_expect "counter cache read_errors counts the failed read ($cerr)" test "$cerr" -ge 1

# The fault clears: the same file whole, through the same engine and cache.
: >"$RULES"
pxl_t_get "after the fault: the same file is served whole" bad.bin curl 1468
pxl_t_get "after the fault: again, by atftp" bad.bin atftp 1468 4

pxl_t_expect "server still running" pxl_t_server_alive
pxl_t_finish
