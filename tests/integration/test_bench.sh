#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tftpbench against two real servers, pxeline and atftpd, in the lab: a
# verified multi-client run must pass, and a run whose reference differs
# from the served file by one byte must fail (exit non-zero, failed=N).
PXL_T_NAME=bench
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init
TB=$PXL_BUILD/tftpbench
[ -x "$TB" ] || pxl_t_skip "tftpbench not built at $TB"
[ -x "$PXL_ATFTPD" ] || pxl_t_skip "atftpd not unpacked at $PXL_ATFTPD (run scripts/setup.sh)"

pxl_t_file b4m.bin 4194304
ref=$PXL_T_WORK/b4m.ref
bad=$PXL_T_WORK/b4m.bad
cp "$PXL_T_ROOT/b4m.bin" "$ref"
cp "$ref" "$bad"
# One byte changed in the middle: only verification can notice.
printf '\xff' | dd of="$bad" bs=1 seek=2000000 conv=notrunc status=none
if cmp -s "$ref" "$bad"; then
	printf '\x00' | dd of="$bad" bs=1 seek=2000000 conv=notrunc status=none
fi

# bench_run LABEL EXPECT(ok|fail) ARGS...: runs tftpbench in the client
# namespace and checks its exit status and its closing line.
bench_run()
{
	local label=$1 expect=$2 out rc=0 last
	shift 2
	out=$PXL_T_WORK/$(echo "$label" | tr -c 'a-z0-9' '_').txt
	pxl_t_in 120 "$TB" --server "$PXL_SRV_ADDR" --quiet --duration-limit 100 "$@" \
		>"$out" 2>&1 || rc=$?
	last=$(tail -n 1 "$out")
	pxl_t_log "$label: $last"
	case $expect in
	ok)
		pxl_t_expect "$label: exit 0" test "$rc" -eq 0
		pxl_t_expect "$label: failed=0" grep -q 'failed=0$' <<<"$last"
		pxl_t_expect "$label: goodput reported" grep -Eq 'goodput_mbps=[0-9.]+ ' <<<"$last"
		;;
	fail)
		pxl_t_expect "$label: exit non-zero" test "$rc" -ne 0
		pxl_t_expect "$label: failed>0" grep -Eq 'failed=[1-9][0-9]*$' <<<"$last"
		;;
	esac
}

for server in pxeline atftpd; do
	PXL_SERVER=$server
	pxl_t_server_start
	bench_run "$server 8 clients window 16" ok --file b4m.bin --clients 8 \
		--transfers 16 --blksize 1456 --windowsize 16 --tsize --verify "$ref"
	bench_run "$server lock-step" ok --file b4m.bin --clients 2 --verify "$ref"
	bench_run "$server wrong reference" fail --file b4m.bin --clients 2 \
		--blksize 1456 --verify "$bad"
	bench_run "$server missing file" fail --file no-such-file.bin --clients 1
	pxl_t_server_stop quiet
done
PXL_SERVER=pxeline

pxl_t_finish
