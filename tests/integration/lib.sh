# SPDX-License-Identifier: BSD-3-Clause
# Shared library of the namespace integration tests. Sourced by each test:
#
#   PXL_T_NAME=clients
#   . "$(dirname "$0")/lib.sh"
#   pxl_t_init curl tftp            # skips (77) unless root, hugepages, clients
#   pxl_t_file small.bin 513        # random file in the served root
#   pxl_t_server_start
#   pxl_t_check "curl 513" small.bin "$(pxl_t_curl small.bin 512)"
#   pxl_t_finish
#
# PXL_SERVER selects what serves: pxeline (default, the engine on
# net_af_packet), tftpd-hpa or atftpd (stand-ins on a kernel address, used to
# prove the harness; their results are informative, never a failure).

set -euo pipefail

PXL_T_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# meson passes both roots; run by hand, they follow from this file's place.
PXL_REPO=${PXL_SOURCE_ROOT:-$(cd "$PXL_T_DIR/../.." && pwd)}
if [ -n "${PXL_BUILD_ROOT:-}" ]; then
	PXL_BUILD_DIR=$PXL_BUILD_ROOT
fi
. "$PXL_REPO/scripts/lib/common.sh"
. "$PXL_REPO/scripts/lib/netns.sh"

PXL_SERVER=${PXL_SERVER:-pxeline}
PXL_T_NAME=${PXL_T_NAME:-$(basename "$0" .sh)}
PXL_TAG="test-$PXL_T_NAME"
# Unique per test and per build directory, so two trees can test at once.
PXL_T_ID=$(printf '%s' "$PXL_BUILD" | sha256sum | cut -c1-4)
PXL_T_SRV="pxl-t-$PXL_T_NAME-$PXL_T_ID-srv"
PXL_T_CLI="pxl-t-$PXL_T_NAME-$PXL_T_ID-cli"
PXL_T_WORK="$PXL_BUILD/tests-integration/$PXL_T_NAME"
PXL_T_ROOT="$PXL_T_WORK/root"
PXL_T_OUT="$PXL_T_WORK/out"
PXL_T_CACHE="$PXL_BUILD/testdata"
PXL_T_LOG="$PXL_T_WORK/server.log"
PXL_T_SERVER_PID=
# One line per result, so clients run in background subshells count too.
PXL_T_RESULTS="$PXL_T_WORK/results"
PXL_T_START=$(date +%s)

pxl_t_skip()
{
	printf '%s: SKIP: %s\n' "$PXL_TAG" "$*"
	exit 77
}

pxl_t_log()
{
	printf '%s: [%4ds] %s\n' "$PXL_TAG" "$(($(date +%s) - PXL_T_START))" "$*"
}

pxl_t_strict()
{
	[ "$PXL_SERVER" = pxeline ]
}

# Records one result. Against a stand-in server a failure is only reported.
pxl_t_result()
{
	local ok=$1 label=$2 detail=${3:-}
	if [ "$ok" = 1 ]; then
		echo pass >>"$PXL_T_RESULTS"
		pxl_t_log "ok   $label${detail:+ ($detail)}"
	elif pxl_t_strict; then
		echo fail >>"$PXL_T_RESULTS"
		pxl_t_log "FAIL $label${detail:+ ($detail)}"
	else
		echo info >>"$PXL_T_RESULTS"
		pxl_t_log "diff $label${detail:+ ($detail)} [stand-in $PXL_SERVER, informative]"
	fi
}

pxl_t_sha()
{
	sha256sum "$1" | cut -d' ' -f1
}

# pxl_t_check LABEL NAME OUT [RC]: OUT must hold exactly root/NAME.
pxl_t_check()
{
	local label=$1 name=$2 out=$3 rc=${4:-0} want got
	want=$(pxl_t_sha "$PXL_T_ROOT/$name")
	if [ ! -f "$out" ]; then
		pxl_t_result 0 "$label" "no output file, client exit $rc"
		return 0
	fi
	got=$(pxl_t_sha "$out")
	if [ "$want" = "$got" ]; then
		pxl_t_result 1 "$label" "$(stat -c %s "$out") bytes"
	else
		pxl_t_result 0 "$label" "sha256 mismatch: $(stat -c %s "$out") of $(stat -c %s "$PXL_T_ROOT/$name") bytes, client exit $rc"
	fi
}

# pxl_t_check_copy LABEL NAME OUT: checks a background client's copy of NAME
# (OUT.bin, its exit status in OUT.rc, its output in OUT.log); true when
# the copy matches. A failed one shows the client's last lines.
pxl_t_check_copy()
{
	local label=$1 name=$2 out=$3
	pxl_t_check "$label" "$name" "$out.bin" "$(cat "$out.rc" 2>/dev/null || echo 255)"
	if [ -f "$out.bin" ] && cmp -s "$out.bin" "$PXL_T_ROOT/$name"; then
		return 0
	fi
	if [ -s "$out.log" ]; then
		tail -n 3 "$out.log" | sed 's/^/    client: /'
	fi
	return 1
}

# pxl_t_expect LABEL COND...: records whether the command COND succeeds.
pxl_t_expect()
{
	local label=$1
	shift
	if "$@"; then
		pxl_t_result 1 "$label"
	else
		pxl_t_result 0 "$label"
	fi
}

pxl_t_cleanup()
{
	local rc=$?
	set +e
	pxl_t_server_stop quiet
	pxl_ns_destroy "$PXL_T_SRV" "$PXL_T_CLI"
	if [ "${PXL_T_KEEP:-0}" != 1 ]; then
		rm -rf "$PXL_T_OUT"
	fi
	exit $rc
}

# pxl_t_init CLIENT...: skips unless everything the test needs is here,
# then builds a fresh lab and served root.
pxl_t_init()
{
	local c engine
	[ "$(id -u)" -eq 0 ] || pxl_t_skip "needs root"
	for c in ip nft timeout sha256sum "$@"; do
		command -v "$c" >/dev/null 2>&1 || pxl_t_skip "client or tool '$c' not installed"
	done
	case $PXL_SERVER in
	pxeline)
		engine=$(pxl_engine_path) || pxl_t_skip "engine not built (no pxeline in $PXL_BUILD)"
		PXL_T_ENGINE=$engine
		[ -f "$PXL_REPO/config/lab.cfg" ] || pxl_t_skip "config/lab.cfg missing"
		[ "$(pxl_hugepages)" -gt 0 ] || pxl_t_skip "no hugepages reserved (run scripts/setup.sh)"
		pxl_hugetlbfs_mounted || pxl_t_skip "hugetlbfs not mounted (run scripts/setup.sh)"
		;;
	tftpd-hpa)
		[ -x "$PXL_TFTPD_HPA" ] || pxl_t_skip "tftpd-hpa not unpacked at $PXL_TFTPD_HPA (run scripts/setup.sh)"
		;;
	atftpd)
		[ -x "$PXL_ATFTPD" ] || pxl_t_skip "atftpd not unpacked at $PXL_ATFTPD (run scripts/setup.sh)"
		;;
	*)
		pxl_die "PXL_SERVER must be pxeline, tftpd-hpa or atftpd, not '$PXL_SERVER'"
		;;
	esac
	trap pxl_t_cleanup EXIT
	trap 'exit 130' INT TERM
	rm -rf "$PXL_T_ROOT" "$PXL_T_OUT"
	mkdir -p "$PXL_T_ROOT" "$PXL_T_OUT" "$PXL_T_CACHE"
	: >"$PXL_T_RESULTS"
	chmod 755 "$PXL_T_WORK" "$PXL_T_ROOT"
	printf 'pxeline ready\n' >"$PXL_T_ROOT/ready.txt"
	chmod 644 "$PXL_T_ROOT/ready.txt"
	pxl_ns_create "$PXL_T_SRV" "$PXL_T_CLI" "${PXL_T_MTU:-}"
	pxl_t_log "server $PXL_SERVER, namespaces $PXL_T_SRV / $PXL_T_CLI, root $PXL_T_ROOT"
}

# pxl_t_file NAME SIZE: a random file of SIZE bytes at root/NAME. Files of a
# MiB or more are generated once into build/testdata and hard-linked.
pxl_t_file()
{
	local name=$1 size=$2 dst=$PXL_T_ROOT/$1 src
	mkdir -p "$(dirname "$dst")"
	if [ "$size" -ge 1048576 ]; then
		src=$PXL_T_CACHE/rand-$size.bin
		if [ ! -f "$src" ] || [ "$(stat -c %s "$src")" -ne "$size" ]; then
			head -c "$size" /dev/urandom >"$src.tmp"
			mv "$src.tmp" "$src"
			chmod 644 "$src"
		fi
		ln -f "$src" "$dst" 2>/dev/null || cp "$src" "$dst"
	else
		head -c "$size" /dev/urandom >"$dst"
	fi
	chmod 644 "$dst"
}

# The engine's config: config/lab.cfg with this test's root, and per-test
# paths for anything that would collide with the lab or another engine.
# PXL_T_SERVER_TIMEOUT_MS replaces tftp timeout_ms (the retransmit timer
# when the client asks none), so lossy tests pay less per lost packet.
# PXL_T_PREFIX gives the engine a file prefix of its own, for pxl_t_stat.
pxl_t_engine_cfg()
{
	local cfg=$PXL_T_WORK/engine.cfg
	sed -E \
		-e "s|^([[:space:]]*root[[:space:]]*[=:][[:space:]]*)\"[^\"]*\"|\1\"$PXL_T_ROOT\"|" \
		-e "s|^([[:space:]]*(control_)?socket[[:space:]]*[=:][[:space:]]*)\"[^\"]*\"|\1\"$PXL_T_WORK/ctl.sock\"|" \
		-e "s|^([[:space:]]*(state_)?db[[:space:]]*[=:][[:space:]]*)\"[^\"]*\"|\1\"$PXL_T_WORK/state.db\"|" \
		-e "s|--file-prefix[= ][A-Za-z0-9_.-]+|--file-prefix=pxl-t-$PXL_T_NAME|" \
		-e "s|iface=[A-Za-z0-9_.-]+|iface=$PXL_SRV_IF|" \
		"$PXL_REPO/config/lab.cfg" >"$cfg"
	# PXL_T_WORKERS=N: N workers, all on CPU 1 beside the control thread's 0.
	if [ -n "${PXL_T_WORKERS:-}" ]; then
		sed -Ei -e "s|^([[:space:]]*workers[[:space:]]*[=:][[:space:]]*)[0-9]+|\1$PXL_T_WORKERS|" \
			-e "s|\"-l\", \"0-1\"|\"--lcores\", \"0@0,(1-$PXL_T_WORKERS)@1\"|" "$cfg"
	fi
	# PXL_T_PMD=af_xdp: the same lab through net_af_xdp instead of net_af_packet.
	if [ "${PXL_T_PMD:-af_packet}" = af_xdp ]; then
		sed -Ei "s|\"net_af_packet0,iface=([^\"]*)\"|\"net_af_xdp0,iface=\1\"|" "$cfg"
	fi
	if [ -n "${PXL_T_PREFIX:-}" ]; then
		sed -Ei "s|\"--in-memory\"|\"--in-memory\", \"--file-prefix=$PXL_T_PREFIX\"|" "$cfg"
	fi
	# PXL_T_ADDRESS6=ADDR/LEN: interfaces[].address6 beside the IPv4 address.
	if [ -n "${PXL_T_ADDRESS6:-}" ]; then
		sed -Ei "s|^([[:space:]]*)(address[[:space:]]*=[[:space:]]*\"[^\"]*\";)|\1\2\n\1address6 = \"$PXL_T_ADDRESS6\";|" \
			"$cfg"
	fi
	if [ -n "${PXL_T_MTU:-}" ]; then
		sed -Ei "s|^([[:space:]]*mtu[[:space:]]*[=:][[:space:]]*)[0-9]+|\1$PXL_T_MTU|" "$cfg"
	fi
	if [ -n "${PXL_T_SERVER_TIMEOUT_MS:-}" ]; then
		if grep -Eq '^[[:space:]]*timeout_ms[[:space:]]*[=:]' "$cfg"; then
			sed -Ei "s|^([[:space:]]*timeout_ms[[:space:]]*[=:][[:space:]]*)[0-9]+|\1$PXL_T_SERVER_TIMEOUT_MS|" "$cfg"
		else
			# Beside root, inside the tftp group.
			sed -Ei "s|^([[:space:]]*)(root[[:space:]]*[=:][[:space:]]*\"[^\"]*\";?)|\1\2\n\1timeout_ms = $PXL_T_SERVER_TIMEOUT_MS;|" "$cfg"
		fi
	fi
	printf '%s\n' "$cfg"
}

# Starts the selected server in the server namespace and waits until a
# client gets ready.txt from it (20 s at most).
pxl_t_server_start()
{
	local cfg
	: >"$PXL_T_LOG"
	case $PXL_SERVER in
	pxeline)
		# PXL_T_CFG: a test's own config instead of lab.cfg's copy.
		cfg=${PXL_T_CFG:-$(pxl_t_engine_cfg)}
		# shellcheck disable=SC2086
		(cd "$PXL_REPO" && exec ip netns exec "$PXL_T_SRV" "$PXL_T_ENGINE" \
			${PXL_ENGINE_EAL:+$PXL_ENGINE_EAL --} -c "$cfg") >>"$PXL_T_LOG" 2>&1 &
		;;
	tftpd-hpa)
		pxl_ns_srv_kernel_addr "$PXL_T_SRV"
		# shellcheck disable=SC2086
		ip netns exec "$PXL_T_SRV" "$PXL_TFTPD_HPA" -L -s "$PXL_T_ROOT" \
			${PXL_T_SERVER_TIMEOUT_MS:+-T $((PXL_T_SERVER_TIMEOUT_MS * 1000))} \
			-a "$PXL_SRV_ADDR:69" >>"$PXL_T_LOG" 2>&1 &
		;;
	atftpd)
		pxl_ns_srv_kernel_addr "$PXL_T_SRV"
		ip netns exec "$PXL_T_SRV" "$PXL_ATFTPD" --daemon --no-fork \
			--logfile - --user root --group root --maxthread 200 \
			${PXL_T_SERVER_TIMEOUT_MS:+--retry-timeout $(((PXL_T_SERVER_TIMEOUT_MS + 999) / 1000))} \
			--bind-address "$PXL_SRV_ADDR" --port 69 "$PXL_T_ROOT" >>"$PXL_T_LOG" 2>&1 &
		;;
	esac
	PXL_T_SERVER_PID=$!
	pxl_t_wait_ready
}

pxl_t_server_alive()
{
	[ -n "$PXL_T_SERVER_PID" ] && kill -0 "$PXL_T_SERVER_PID" 2>/dev/null
}

pxl_t_wait_ready()
{
	local deadline=$(($(date +%s) + 20)) out=$PXL_T_OUT/.ready
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! pxl_t_server_alive; then
			pxl_t_log "server exited during start-up; its log:"
			tail -n 30 "$PXL_T_LOG" | sed 's/^/    /'
			PXL_T_SERVER_PID=
			pxl_t_fatal "server did not start"
		fi
		rm -f "$out"
		if ip netns exec "$PXL_T_CLI" curl -s -m 2 -o "$out" "tftp://$PXL_SRV_ADDR/ready.txt" 2>/dev/null &&
			cmp -s "$out" "$PXL_T_ROOT/ready.txt"; then
			pxl_t_log "server answers (pid $PXL_T_SERVER_PID)"
			return 0
		fi
		sleep 0.3
	done
	pxl_t_log "server log:"
	tail -n 30 "$PXL_T_LOG" | sed 's/^/    /'
	pxl_t_fatal "server did not answer within 20 s"
}

# Ends the test now, counted as a failure (a stand-in is not to blame the
# test for, but a harness that cannot start it is broken either way).
pxl_t_fatal()
{
	pxl_t_log "FATAL: $*"
	exit 1
}

# pxl_t_server_stop [quiet]: SIGTERM, then SIGKILL after 10 s. The engine
# must stop cleanly (exit 0) on SIGTERM; that is checked unless quiet.
pxl_t_server_stop()
{
	local pid=$PXL_T_SERVER_PID rc=0
	[ -n "$pid" ] || return 0
	PXL_T_SERVER_PID=
	# PXL_T_STOP_TENTHS: an ASan engine's exit (its leak check) takes longer.
	if ! pxl_stop_pid "$pid" TERM "${PXL_T_STOP_TENTHS:-100}"; then
		wait "$pid" 2>/dev/null || true
		[ "${1:-}" = quiet ] || pxl_t_result 0 "server stops on SIGTERM" \
			"killed after $(( ${PXL_T_STOP_TENTHS:-100} / 10 )) s"
		return 0
	fi
	wait "$pid" 2>/dev/null || rc=$?
	if [ "${1:-}" != quiet ] && [ "$PXL_SERVER" = pxeline ]; then
		if [ $rc -eq 0 ]; then
			pxl_t_result 1 "engine stops cleanly on SIGTERM"
		else
			pxl_t_result 0 "engine stops cleanly on SIGTERM" "exit status $rc"
		fi
	fi
}

# pxl_t_client_ipv6 ADDR/LEN: the client namespace speaks IPv6 with ADDR
# (no DAD, no RA acted on); the engine's namespace keeps it off: the engine
# is no kernel address there.
pxl_t_client_ipv6()
{
	local k
	for k in all default "$PXL_CLI_IF"; do
		ip netns exec "$PXL_T_CLI" sysctl -qw "net.ipv6.conf.$k.disable_ipv6=0"
		ip netns exec "$PXL_T_CLI" sysctl -qw "net.ipv6.conf.$k.accept_ra=0"
	done
	ip -n "$PXL_T_CLI" addr add "$1" dev "$PXL_CLI_IF" nodad
}

# Runs a command in the client namespace, bounded in time: pxl_t_in SECS CMD...
pxl_t_in()
{
	local secs=$1
	shift
	timeout -k 2 "$secs" ip netns exec "$PXL_T_CLI" "$@"
}

# Client wrappers: pxl_t_<client> NAME OUT [args]; they return the client's
# exit status and leave what arrived in OUT. PXL_T_CLIENT_TIMEOUT bounds each.
# PXL_T_HOST is the server they ask (default the engine's IPv4 address; an
# IPv6 one for the IPv6 lab: curl gets it in brackets, tftp-hpa -6).
pxl_t_host()
{
	printf '%s' "${PXL_T_HOST:-$PXL_SRV_ADDR}"
}

pxl_t_curl()
{
	local name=$1 out=$2 blk=${3:-} host
	host=$(pxl_t_host)
	case $host in *:*) host="[$host]" ;; esac
	rm -f "$out"
	pxl_t_in "${PXL_T_CLIENT_TIMEOUT:-120}" curl -s -S ${blk:+--tftp-blksize "$blk"} \
		${PXL_T_CURL_OPTS:-} -o "$out" "tftp://$host/$name"
}

# tftp-hpa's client negotiates no options: 512-byte blocks, lock-step.
pxl_t_tftphpa()
{
	local name=$1 out=$2 host family=
	host=$(pxl_t_host)
	case $host in *:*) family=-6 ;; esac
	rm -f "$out"
	if [ -n "${PXL_T_TFTPHPA_REXMT:-}" ]; then
		# Interactive commands are the only way to set its timers.
		printf 'mode binary\nrexmt %s\ntimeout %s\nget %s %s\nquit\n' \
			"$PXL_T_TFTPHPA_REXMT" "${PXL_T_TFTPHPA_TIMEOUT:-60}" "$name" "$out" |
			pxl_t_in "${PXL_T_CLIENT_TIMEOUT:-120}" tftp $family "$host"
	else
		pxl_t_in "${PXL_T_CLIENT_TIMEOUT:-120}" tftp $family -m binary "$host" -c get "$name" "$out"
	fi
}

# pxl_t_atftp NAME OUT BLKSIZE WINDOWSIZE [extra atftp args]
pxl_t_atftp()
{
	local name=$1 out=$2 blk=$3 win=$4
	shift 4
	rm -f "$out"
	pxl_t_in "${PXL_T_CLIENT_TIMEOUT:-120}" atftp --option "blksize $blk" \
		--option "windowsize $win" --option "tsize 0" "$@" \
		-g -r "$name" -l "$out" "$(pxl_t_host)" >/dev/null
}

pxl_t_busybox()
{
	local name=$1 out=$2 blk=${3:-512}
	rm -f "$out"
	pxl_t_in "${PXL_T_CLIENT_TIMEOUT:-120}" busybox tftp -g -b "$blk" -r "$name" -l "$out" "$(pxl_t_host)"
}

# pxl_t_get LABEL NAME CLIENT ARGS...: fetch with one client wrapper and
# check what arrived; prints the rate when PXL_T_RATE=1.
pxl_t_get()
{
	local label=$1 name=$2 client=$3 out t0 t1 rc=0 ms
	shift 3
	out=$PXL_T_OUT/$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' '_')
	t0=$(date +%s%N)
	"pxl_t_$client" "$name" "$out" "$@" >"$out.log" 2>&1 || rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	if [ "${PXL_T_RATE:-0}" = 1 ] && [ -f "$out" ]; then
		pxl_t_log "rate $label: $(awk -v b="$(stat -c %s "$out")" -v ms="$ms" \
			'BEGIN { if (ms < 1) ms = 1; printf "%.1f MiB/s (%.2f s)", b / 1048576 / (ms / 1000), ms / 1000 }')"
	fi
	pxl_t_check "$label" "$name" "$out" "$rc"
	if [ $rc -ne 0 ] && [ -s "$out.log" ]; then
		head -c 400 "$out.log" | sed 's/^/    client: /'
	fi
	rm -f "$out"
}

# Multicast labs: atftp cannot share its multicast port with a second
# client on one host, so each client gets a namespace on a bridge that the
# client namespace becomes. TAG names them (pxl-t-TAG-ID-cI, veth TAGI).
pxl_t_client_ns()
{
	printf 'pxl-t-%s-%s-c%d' "$1" "$PXL_T_ID" "$2"
}

# pxl_t_bridge_clients TAG N: the bridge and N client namespaces on it,
# 192.0.2.(20+I) each.
pxl_t_bridge_clients()
{
	local tag=$1 n=$2 i ns
	ip -n "$PXL_T_CLI" link add br0 type bridge mcast_snooping 0
	ip -n "$PXL_T_CLI" addr del "$PXL_CLI_ADDR/$PXL_PREFIX" dev "$PXL_CLI_IF"
	ip -n "$PXL_T_CLI" link set "$PXL_CLI_IF" master br0
	ip -n "$PXL_T_CLI" addr add "$PXL_CLI_ADDR/$PXL_PREFIX" dev br0
	ip -n "$PXL_T_CLI" link set br0 up
	for i in $(seq 1 "$n"); do
		ns=$(pxl_t_client_ns "$tag" "$i")
		pxl_ns_destroy "$ns"
		ip netns add "$ns"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n "$ns" link set lo up
		ip -n "$PXL_T_CLI" link add "$tag$i" type veth peer name eth0 netns "$ns"
		ip -n "$PXL_T_CLI" link set "$tag$i" master br0
		ip -n "$PXL_T_CLI" link set "$tag$i" up
		ip -n "$ns" addr add "192.0.2.$((20 + i))/$PXL_PREFIX" dev eth0
		ip -n "$ns" link set eth0 up
		# IP_ADD_MEMBERSHIP on "any" interface needs a route to the group.
		ip -n "$ns" route add 224.0.0.0/4 dev eth0
	done
}

# pxl_t_destroy_clients TAG N
pxl_t_destroy_clients()
{
	local i
	for i in $(seq 1 "$2"); do
		pxl_ns_destroy "$(pxl_t_client_ns "$1" "$i")"
	done
}

# pxl_t_client_size TAG I: bytes of client I's copy so far (PXL_T_OUT/TAGI.bin).
pxl_t_client_size()
{
	stat -c %s "$PXL_T_OUT/$1$2.bin" 2>/dev/null || echo 0
}

# pxl_t_wait_client_size TAG I BYTES: waits (bounded: 60 s) until client I's
# copy reaches BYTES or the client ended (PXL_T_OUT/TAGI.rc exists).
pxl_t_wait_client_size()
{
	local k
	for k in $(seq 1 600); do
		[ "$(pxl_t_client_size "$1" "$2")" -ge "$3" ] && return 0
		[ -f "$PXL_T_OUT/$1$2.rc" ] && return 0
		sleep 0.1
	done
}

# pxl_t_stat KEY...: the engine's counters (telemetry prefix PXL_T_PREFIX),
# space-separated in the order asked, -1 for a missing one.
pxl_t_stat()
{
	pxl_ns_stats "$PXL_T_SRV" "$PXL_T_PREFIX" "$@"
}

# Prints the summary and exits 0 only when nothing failed.
# pxl_t_wait_log PATTERN [SECS]: prints the first server log line matching
# the extended regex within SECS (5) seconds; fails when none came. The
# control thread writes the log a moment after the data plane's event.
pxl_t_wait_log()
{
	local deadline=$(($(date +%s) + ${2:-5}))
	while :; do
		grep -m 1 -E -- "$1" "$PXL_T_LOG" 2>/dev/null && return 0
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

pxl_t_finish()
{
	if pxl_t_server_alive; then
		pxl_t_server_stop
	fi
	local pass fail info
	pass=$(grep -c '^pass$' "$PXL_T_RESULTS" || true)
	fail=$(grep -c '^fail$' "$PXL_T_RESULTS" || true)
	info=$(grep -c '^info$' "$PXL_T_RESULTS" || true)
	pxl_t_log "$pass passed, $fail failed, $info informative differences against $PXL_SERVER"
	if [ "$fail" -gt 0 ]; then
		pxl_t_log "server log (last 40 lines):"
		tail -n 40 "$PXL_T_LOG" | sed 's/^/    /'
		exit 1
	fi
	[ $((pass + info)) -gt 0 ] || pxl_t_fatal "no check ran"
	exit 0
}
