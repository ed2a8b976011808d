#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile requests from the client namespace (hostile.py, stdlib sockets):
# traversal in every spelling, control characters, a symlink out of the
# root, WRQ, bad modes and options, truncated packets and garbage. Each gets
# the protocol's answer or silence, never a byte of data; afterwards the
# engine still serves.
PXL_T_NAME=hostile
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
pxl_t_init curl "$PY"

# secret.txt sits beside the root: every escape aims at it.
printf 'secret: outside the root\n' >"$PXL_T_WORK/secret.txt"
chmod 644 "$PXL_T_WORK/secret.txt"
mkdir -p "$PXL_T_ROOT/sub" "$PXL_T_ROOT/a"
pxl_t_file sub/inner.bin 1000
ln -sfn "$PXL_T_WORK/secret.txt" "$PXL_T_ROOT/escape.txt"
pxl_t_server_start

# case -> allowed answers (| separated; "error N" any message).
declare -A want=(
	[trav_dotdot]="error 2|error 1"
	[trav_dotdot_etc]="error 2|error 1"
	[trav_backslash]="error 2|error 1"
	[trav_backslash2]="error 2|error 1"
	[trav_rooted]="error 2|error 1"
	[trav_inner]="error 2|error 1"
	[trav_trailing]="error 2|error 1"
	[trav_mixed]="error 2|error 1"
	[trav_dots4]="error 2|error 1"
	[name_nul]="error 0|error 1|error 2|error 4"
	[name_ctrl]="error 2|error 1"
	[name_del]="error 2|error 1"
	[name_newline]="error 2|error 1"
	[name_drive]="error 2|error 1"
	[symlink_out]="error 2"
	[wrq]="error 2"
	[wrq_existing]="error 2"
	[mode_foo]="error 4|error 0"
	[blksize_7]="error 8"
	[windowsize_0]="error 8"
	[missing]="error 1"
	[trunc_empty]="silence|error 4"
	[trunc_1]="silence|error 4"
	[trunc_op]="silence|error 4"
	[trunc_no_nul]="silence|error 4"
	[trunc_no_mode]="silence|error 4"
	[trunc_mode_no_nul]="silence|error 4"
	[garbage_opcode]="silence|error 4"
	[garbage_ack]="silence|error 4|error 5"
	[garbage_data]="silence|error 4|error 5"
	[garbage_error]="silence"
	[normal]="data 1"
)

cases=$(ip netns exec "$PXL_T_CLI" "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --list)
# shellcheck disable=SC2086
pxl_t_in 180 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" $cases >"$PXL_T_OUT/hostile.txt" ||
	pxl_t_fatal "hostile.py failed"
while IFS=$'\t' read -r name got; do
	allowed=${want[$name]:-}
	if [ -z "$allowed" ]; then
		pxl_t_result 0 "$name" "no expectation for this case (got: $got)"
		continue
	fi
	ok=0
	IFS='|' read -ra alts <<<"$allowed"
	for a in "${alts[@]}"; do
		case "$got " in
		"$a "*) ok=1 ;;
		esac
	done
	pxl_t_result $ok "$name -> $got" "$([ $ok = 1 ] || echo "want $allowed")"
done <"$PXL_T_OUT/hostile.txt"
n=$(wc -l <"$PXL_T_OUT/hostile.txt")
pxl_t_expect "every hostile case answered or timed out ($n of ${#want[@]})" test "$n" -eq "${#want[@]}"

# Firmware closes a tsize probe with ERROR 0 right after the OACK: a probe,
# not a failure. The same ERROR after the server's timer repeated the OACK
# is a client that gave up (atftp after losing its ACK 0): an abort.
for mode in "" --resent; do
	out=$(pxl_t_in 30 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --probe ready.txt $mode) || out="probe failed"
	pxl_t_log "$out"
	port=$(sed -n 's/.* from port \([0-9]*\),.*/\1/p' <<<"$out")
	want=tsize-probe
	[ -n "$mode" ] && want=client-abort
	# "TFTP Aborted" is the probe's message (the cases above say "test done").
	line=$(pxl_t_wait_log "file=\"ready.txt\".* end=$want detail=TFTP Aborted" 5 || true)
	pxl_t_expect "ERROR 0 after ${mode:+a repeated }OACK ends as $want" test -n "$port" -a -n "$line"
done

# A burst of random datagrams on port 69.
flood=$(pxl_t_in 120 "$PY" "$PXL_T_DIR/hostile.py" "$PXL_SRV_ADDR" --flood 500 7) || flood="flood failed"
pxl_t_log "$flood"

pxl_t_expect "server still running after hostile input" pxl_t_server_alive
pxl_t_get "curl ready.txt after hostile input" ready.txt curl 1428
pxl_t_get "curl sub/inner.bin after hostile input" sub/inner.bin curl 512

pxl_t_finish
