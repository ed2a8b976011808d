#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The one-machine lab: builds pxeline, puts it on one end of a veth pair
# (namespace pxl-srv, through DPDK's net_af_packet) and real clients on the
# other (namespace pxl-cli, 192.0.2.10), shows a few fetches, then serves
# until Ctrl-C and cleans up.
#
#   sudo scripts/lab.sh            demo, then serve until Ctrl-C
#   sudo scripts/lab.sh --once     demo and exit (also when CI=true)
#   PXL_SERVER=tftpd-hpa scripts/lab.sh   same lab around a stand-in server
set -euo pipefail

PXL_TAG=lab
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"

once=0
[ "${CI:-}" = true ] && once=1
skip_setup=0
for a in "$@"; do
	case $a in
	--once) once=1 ;;
	--no-setup) skip_setup=1 ;;
	-h | --help)
		sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) pxl_die "unknown argument '$a' (try --help)" ;;
	esac
done

PXL_SERVER=${PXL_SERVER:-pxeline}
SRV_NS=pxl-srv
CLI_NS=pxl-cli
CFG=$PXL_REPO/config/lab.cfg
LAB=$PXL_REPO/lab
ROOT=$LAB/root
LOG=$LAB/$PXL_SERVER.log
server_pid=

pxl_need_root

cleanup()
{
	local rc=$?
	trap - EXIT INT TERM
	set +e
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		pxl_stop_pid "$server_pid" TERM 50
	fi
	pxl_ns_destroy "$SRV_NS" "$CLI_NS"
	pxl_say "lab removed (namespaces $SRV_NS, $CLI_NS)"
	exit "$rc"
}

if [ $skip_setup -eq 0 ]; then
	"$PXL_REPO/scripts/setup.sh"
fi

case $PXL_SERVER in
pxeline)
	engine=$(pxl_engine_path) || pxl_die "no pxeline binary in $PXL_BUILD (did the build succeed?)"
	[ -f "$CFG" ] || pxl_die "missing $CFG"
	;;
tftpd-hpa) [ -x "$PXL_TFTPD_HPA" ] || pxl_die "tftpd-hpa is not unpacked at $PXL_TFTPD_HPA (run scripts/setup.sh)" ;;
atftpd) [ -x "$PXL_ATFTPD" ] || pxl_die "atftpd is not unpacked at $PXL_ATFTPD (run scripts/setup.sh)" ;;
*) pxl_die "PXL_SERVER must be pxeline, tftpd-hpa or atftpd" ;;
esac

# The veth MTU follows the config's interface mtu, when it names one.
mtu=
if [ -f "$CFG" ]; then
	mtu=$(sed -nE 's/^[[:space:]]*mtu[[:space:]]*[=:][[:space:]]*([0-9]+).*/\1/p' "$CFG" | head -n 1)
fi

# Leftovers of a killed run go first: namespaces (and what runs in them).
trap cleanup EXIT
trap 'exit 130' INT TERM
pxl_ns_create "$SRV_NS" "$CLI_NS" "$mtu"
pxl_say "namespaces $SRV_NS ($PXL_SRV_IF, engine $PXL_SRV_ADDR) and $CLI_NS ($PXL_CLI_IF, $PXL_CLI_ADDR/$PXL_PREFIX)${mtu:+, MTU $mtu}"

# Demo root: a greeting, 1 MiB of random bytes, and a mixed-case Boot/BCD
# that clients ask for as "boot/bcd" or "\Boot\BCD".
mkdir -p "$ROOT/Boot"
chmod 755 "$LAB" "$ROOT" "$ROOT/Boot"
printf 'Hello from pxeline: this file came over TFTP.\n' >"$ROOT/hello.txt"
[ -s "$ROOT/random-1m.bin" ] || head -c 1048576 /dev/urandom >"$ROOT/random-1m.bin"
printf 'BCD stand-in: a Windows boot configuration store would be here.\n' >"$ROOT/Boot/BCD"
chmod 644 "$ROOT/hello.txt" "$ROOT/random-1m.bin" "$ROOT/Boot/BCD"

: >"$LOG"
case $PXL_SERVER in
pxeline)
	(cd "$PXL_REPO" && exec ip netns exec "$SRV_NS" "$engine" -c "$CFG") >>"$LOG" 2>&1 &
	;;
tftpd-hpa)
	pxl_ns_srv_kernel_addr "$SRV_NS"
	ip netns exec "$SRV_NS" "$PXL_TFTPD_HPA" -L -s "$ROOT" -a "$PXL_SRV_ADDR:69" >>"$LOG" 2>&1 &
	;;
atftpd)
	pxl_ns_srv_kernel_addr "$SRV_NS"
	ip netns exec "$SRV_NS" "$PXL_ATFTPD" --daemon --no-fork --logfile - \
		--user root --group root --bind-address "$PXL_SRV_ADDR" --port 69 "$ROOT" >>"$LOG" 2>&1 &
	;;
esac
server_pid=$!
pxl_say "started $PXL_SERVER (pid $server_pid) in $SRV_NS; log: ${LOG#"$PXL_REPO"/}"

ready=0
for _ in $(seq 1 60); do
	kill -0 "$server_pid" 2>/dev/null || break
	if ip netns exec "$CLI_NS" curl -s -m 2 -o /dev/null "tftp://$PXL_SRV_ADDR/hello.txt" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.3
done
if [ $ready -ne 1 ]; then
	tail -n 30 "$LOG" | sed 's/^/    /' >&2
	pxl_die "$PXL_SERVER did not answer on $PXL_SRV_ADDR within 20 s"
fi

failed=0
demo()
{
	printf '\n$ %s\n' "$*"
	"$@"
}

demo ip netns exec "$CLI_NS" curl -s "tftp://$PXL_SRV_ADDR/hello.txt" || failed=1

out=$(mktemp -d)
demo ip netns exec "$CLI_NS" tftp -m binary "$PXL_SRV_ADDR" -c get random-1m.bin "$out/random-1m.bin" || failed=1
want=$(sha256sum <"$ROOT/random-1m.bin" | cut -d' ' -f1)
got=$(sha256sum <"$out/random-1m.bin" 2>/dev/null | cut -d' ' -f1 || true)
printf 'sha256 served   %s\nsha256 received %s  %s\n' "$want" "$got" "$([ "$want" = "$got" ] && echo OK || echo MISMATCH)"
[ "$want" = "$got" ] || failed=1

demo ip netns exec "$CLI_NS" curl -s --tftp-blksize 1428 -o "$out/bcd" "tftp://$PXL_SRV_ADDR/boot/bcd" || true
if cmp -s "$out/bcd" "$ROOT/Boot/BCD"; then
	echo "boot/bcd matched Boot/BCD: case-insensitive lookup"
else
	echo "boot/bcd not served (case-sensitive server?)"
	[ "$PXL_SERVER" != pxeline ] || failed=1
fi
rm -rf "$out"

cat <<EOF

The lab is up. Try, from another terminal:
  ip netns exec $CLI_NS curl -s -o /tmp/r.bin --tftp-blksize 8192 tftp://$PXL_SRV_ADDR/random-1m.bin
  ip netns exec $CLI_NS atftp --option "blksize 1468" --option "windowsize 16" -g -r random-1m.bin -l /tmp/r.bin $PXL_SRV_ADDR
  ip netns exec $CLI_NS busybox tftp -g -b 1468 -r hello.txt -l /tmp/h.txt $PXL_SRV_ADDR
  ip netns exec $CLI_NS tftp -m binary $PXL_SRV_ADDR -c get Boot/BCD /tmp/bcd
Put files in ${ROOT#"$PXL_REPO"/}/; the server log is ${LOG#"$PXL_REPO"/}.
EOF

if [ $failed -ne 0 ]; then
	pxl_say "demo FAILED; last lines of the log:"
	tail -n 20 "$LOG" | sed 's/^/    /'
	exit 1
fi
if [ $once -eq 1 ]; then
	pxl_say "demo ok (--once): stopping"
	exit 0
fi
pxl_say "serving until Ctrl-C"
# Ctrl-C is the normal way out now: clean up and report success.
trap 'exit 0' INT TERM
rc=0
wait "$server_pid" || rc=$?
server_pid=
pxl_say "$PXL_SERVER exited (status $rc)"
exit "$rc"
