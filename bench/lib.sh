# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers for the benchmark scripts (compare.sh, sweep.sh,
# baseline.sh): the bench lab, the four servers, tftpbench runs, medians.
# Sourced, never run. Callers use bash with `set -euo pipefail`.
#
# The bench lab has its own namespace and veth names (pxb-*) so it can run
# next to scripts/lab.sh and the integration tests:
#   pxb-srv ns: veth "pxb-srv"; pxeline owns 192.0.2.2 through
#               net_af_packet (no kernel IPv4), the stand-ins get 192.0.2.2
#               as a kernel address instead.
#   pxb-cli ns: veth "pxb-cli", 192.0.2.10/24, tftpbench.

PXB_SRV_NS=${PXB_SRV_NS:-pxb-srv}
PXB_CLI_NS=${PXB_CLI_NS:-pxb-cli}
PXL_SRV_IF=${PXB_SRV_IF:-pxb-srv}
PXL_CLI_IF=${PXB_CLI_IF:-pxb-cli}
PXL_TAG=${PXL_TAG:-bench}

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/netns.sh"

PXB_DIR=$PXL_REPO/bench

# pxb_usage: prints the calling script's header comment (its usage).
pxb_usage()
{
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"
}

# pxb_report_args ARGS...: a script's arguments when it takes only --report
# (sets report=1: copy the tables to bench/report/) and --help.
pxb_report_args()
{
	local a
	report=0
	for a in "$@"; do
		case $a in
		--report) report=1 ;;
		-h | --help)
			pxb_usage
			exit 0
			;;
		*) pxl_die "unknown argument '$a' (try --help)" ;;
		esac
	done
}
PXB_TFTPBENCH=${PXB_TFTPBENCH:-$PXL_BUILD/tftpbench}
PXB_FILE_PREFIX=${PXB_FILE_PREFIX:-pxb}
# Each run writes into its own directory under bench/results (gitignored).
PXB_RUN=${PXB_RUN:-}
PXB_SERVER_PID=
PXB_SERVER=
PXB_DNSMASQ=${PXB_DNSMASQ:-$(command -v dnsmasq 2>/dev/null || echo /usr/sbin/dnsmasq)}
# Retransmit timer of each server, in ms, where it can be set: the same
# short value for all, so lossy cells measure recovery, not a default.
PXB_SERVER_RTO_MS=${PXB_SERVER_RTO_MS:-200}
# pxeline's PMD on the bench veth: af_packet, or af_xdp (XDP in generic
# mode on a veth; the server name "pxeline-xdp" always means af_xdp).
PXB_PMD=${PXB_PMD:-af_packet}
# Pinning (compare.sh's per-core cells): PXB_PIN_CPU is the one CPU a
# server may use (pxeline's worker lcore is CPU 1 in lab.cfg, so 1), the
# client then runs on PXB_PIN_CLIENT_CPU, beside pxeline's control thread.
# Empty: nothing pinned.
PXB_PIN_CPU=${PXB_PIN_CPU:-}
PXB_PIN_CLIENT_CPU=${PXB_PIN_CLIENT_CPU:-0}

# pxb_pinned: the taskset prefix of a server (nothing when not pinning).
pxb_pinned()
{
	[ -n "$PXB_PIN_CPU" ] && printf 'taskset -c %s\n' "$PXB_PIN_CPU"
	return 0
}

# The client's prefix: pinned off the server's CPU when pinning.
pxb_client_pinned()
{
	[ -n "$PXB_PIN_CPU" ] && printf 'taskset -c %s\n' "$PXB_PIN_CLIENT_CPU"
	return 0
}

# pxb_run_dir NAME: creates bench/results/NAME-DATE and sets PXB_RUN.
pxb_run_dir()
{
	if [ -z "$PXB_RUN" ]; then
		PXB_RUN=$PXB_DIR/results/$1-$(date +%Y%m%d-%H%M%S)
	fi
	mkdir -p "$PXB_RUN"
	pxl_say "results in $PXB_RUN"
}

# One line: time, load averages, cores, and who else holds the CPU.
pxb_load()
{
	printf '%s; nproc %s; %s\n' "$(uptime | sed 's/^ *//')" "$(nproc)" \
		"$(top -bn1 2>/dev/null | awk 'NR > 7 && $9 + 0 > 5 { printf "%s %s%% ", $12, $9 }' | head -c 200)"
}

pxb_need_tools()
{
	[ -x "$PXB_TFTPBENCH" ] || pxl_die "no tftpbench at $PXB_TFTPBENCH (meson compile -C $PXL_BUILD_DIR)"
}

# pxb_file ROOT NAME BYTES: a random file, made once per size under
# bench/results/data and hard-linked into ROOT.
pxb_file()
{
	local root=$1 name=$2 size=$3 src
	mkdir -p "$PXB_DIR/results/data" "$root"
	src=$PXB_DIR/results/data/rand-$size.bin
	if [ ! -f "$src" ] || [ "$(stat -c %s "$src")" -ne "$size" ]; then
		head -c "$size" /dev/urandom >"$src.tmp"
		mv "$src.tmp" "$src"
	fi
	chmod 644 "$src"
	ln -f "$src" "$root/$name" 2>/dev/null || cp "$src" "$root/$name"
	chmod 644 "$root/$name"
}

pxb_lab_up()
{
	pxl_ns_create "$PXB_SRV_NS" "$PXB_CLI_NS" "${1:-}"
}

pxb_lab_down()
{
	pxb_server_stop
	pxl_ns_destroy "$PXB_SRV_NS" "$PXB_CLI_NS"
}

# pxb_engine_cfg ROOT OUT [PMD]: config/lab.cfg on the bench veth, its own
# root, socket, state db and EAL file prefix; PMD (PXB_PMD) af_packet or
# af_xdp, as the integration lib's PXL_T_PMD does.
pxb_engine_cfg()
{
	local root=$1 out=$2 pmd=${3:-$PXB_PMD} work
	work=$(dirname "$out")
	sed -E \
		-e "s|^([[:space:]]*root[[:space:]]*=[[:space:]]*)\"[^\"]*\"|\1\"$root\"|" \
		-e "s|^([[:space:]]*socket[[:space:]]*=[[:space:]]*)\"[^\"]*\"|\1\"$work/pxb.sock\"|" \
		-e "s|^([[:space:]]*db[[:space:]]*=[[:space:]]*)\"[^\"]*\"|\1\"$work/pxb-state.db\"|" \
		-e "s|iface=[A-Za-z0-9_.-]+|iface=$PXL_SRV_IF|" \
		-e "s|\"--in-memory\"|\"--file-prefix\", \"$PXB_FILE_PREFIX\", \"--huge-unlink\"|" \
		"$PXL_REPO/config/lab.cfg" >"$out"
	# Same retransmit timer as the stand-ins get.
	# Every emulated client of a socket-engine run shares one source
	# address: the per-source limit on new sessions (a guard against
	# spoofed floods) is off in the benches.
	sed -Ei "s|^([[:space:]]*)(root[[:space:]]*=[[:space:]]*\"[^\"]*\";)|\1\2\n\1timeout_ms = $PXB_SERVER_RTO_MS;\n\1source_rate = 0;|" "$out"
	# PXB_TFTP_EXTRA: more keys of the tftp group (soak.sh: max_sessions).
	if [ -n "${PXB_TFTP_EXTRA:-}" ]; then
		sed -Ei "s|^([[:space:]]*)(timeout_ms = $PXB_SERVER_RTO_MS;)|\1\2\n\1$PXB_TFTP_EXTRA|" "$out"
	fi
	case $pmd in
	af_packet) ;;
	af_xdp) sed -Ei 's|"net_af_packet0,iface=([^"]*)"|"net_af_xdp0,iface=\1"|' "$out" ;;
	*) pxl_die "PXB_PMD must be af_packet or af_xdp, not '$pmd'" ;;
	esac
	# The worker lcore on the pinned CPU, the control thread elsewhere.
	if [ -n "$PXB_PIN_CPU" ]; then
		sed -Ei "s|\"-l\", \"0-1\", \"--main-lcore\", \"0\"|\"--lcores\", \"0@$PXB_PIN_CLIENT_CPU,1@$PXB_PIN_CPU\", \"--main-lcore\", \"0\"|" "$out"
	fi
	# DHCP is not measured here; TFTP only.
	printf 'dhcp = {\n\tenabled = false;\n};\n' >>"$out"
}

# Server side addressing: the engine answers ARP itself, a stand-in needs
# the kernel to own the address. Stale neighbour entries go either way.
pxb_srv_addr()
{
	ip -n "$PXB_SRV_NS" addr flush dev "$PXL_SRV_IF" 2>/dev/null || true
	[ "$1" = kernel ] && pxl_ns_srv_kernel_addr "$PXB_SRV_NS"
	ip -n "$PXB_CLI_NS" neigh flush dev "$PXL_CLI_IF" 2>/dev/null || true
}

# pxb_server_start NAME ROOT LOG: starts pxeline, tftpd-hpa, atftpd or
# dnsmasq in the server namespace; returns 1 when it does not answer.
pxb_server_start()
{
	local name=$1 root=$2 log=$3 engine cfg
	pxb_server_stop
	PXB_SERVER=$name
	: >"$log"
	case $name in
	pxeline | pxeline-xdp)
		engine=$(pxl_engine_path) || pxl_die "no pxeline binary in $PXL_BUILD"
		cfg=$(dirname "$log")/$name.cfg
		pxb_engine_cfg "$root" "$cfg" "$([ "$name" = pxeline-xdp ] && echo af_xdp || echo "$PXB_PMD")"
		pxb_srv_addr none
		(cd "$PXL_REPO" && exec ip netns exec "$PXB_SRV_NS" "$engine" -c "$cfg") >>"$log" 2>&1 &
		;;
	tftpd-hpa)
		[ -x "$PXL_TFTPD_HPA" ] || { pxl_warn "tftpd-hpa not at $PXL_TFTPD_HPA"; return 1; }
		pxb_srv_addr kernel
		ip netns exec "$PXB_SRV_NS" $(pxb_pinned) "$PXL_TFTPD_HPA" -L -s "$root" \
			-T $((PXB_SERVER_RTO_MS * 1000)) -a "$PXL_SRV_ADDR:69" >>"$log" 2>&1 &
		;;
	atftpd)
		[ -x "$PXL_ATFTPD" ] || { pxl_warn "atftpd not at $PXL_ATFTPD"; return 1; }
		pxb_srv_addr kernel
		# Its timer is in whole seconds: 1 s is the shortest.
		ip netns exec "$PXB_SRV_NS" $(pxb_pinned) "$PXL_ATFTPD" --daemon --no-fork \
			--logfile /dev/null --user root --group root --maxthread 200 \
			--retry-timeout 1 --bind-address "$PXL_SRV_ADDR" --port 69 \
			"$root" >>"$log" 2>&1 &
		;;
	dnsmasq)
		[ -x "$PXB_DNSMASQ" ] || { pxl_warn "dnsmasq not at $PXB_DNSMASQ"; return 1; }
		pxb_srv_addr kernel
		ip netns exec "$PXB_SRV_NS" $(pxb_pinned) "$PXB_DNSMASQ" --no-daemon --port=0 \
			--conf-file=/dev/null --enable-tftp --tftp-root="$root" \
			--tftp-max=1000 --listen-address="$PXL_SRV_ADDR" \
			--bind-interfaces --pid-file= --user=root --group=root \
			--log-facility="$log.dnsmasq" >>"$log" 2>&1 &
		;;
	*) pxl_die "unknown server $name" ;;
	esac
	PXB_SERVER_PID=$!
	pxb_wait_ready "$root"
}

# Waits (20 s at most) until tftpbench gets root/ready.txt verified.
pxb_wait_ready()
{
	local root=$1 deadline=$(($(date +%s) + 20))
	printf 'pxeline bench ready\n' >"$root/ready.txt"
	chmod 644 "$root/ready.txt"
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! kill -0 "$PXB_SERVER_PID" 2>/dev/null; then
			pxl_warn "$PXB_SERVER exited during start-up"
			PXB_SERVER_PID=
			return 1
		fi
		if ip netns exec "$PXB_CLI_NS" "$PXB_TFTPBENCH" --server "$PXL_SRV_ADDR" \
			--file ready.txt --clients 1 --verify "$root/ready.txt" \
			--rto-ms 200 --duration-limit 2 --quiet >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.3
	done
	pxl_warn "$PXB_SERVER did not answer within 20 s"
	return 1
}

# SIGTERM, SIGKILL after 10 s; only the pid this library started.
pxb_server_stop()
{
	local pid=$PXB_SERVER_PID
	[ -n "$pid" ] || return 0
	PXB_SERVER_PID=
	pxl_stop_pid "$pid" || true
	wait "$pid" 2>/dev/null || true
}

# pxb_bench OUT ARGS...: tftpbench in the client namespace against the
# lab server; stdout+stderr to OUT. Prints "MIBPS FAILED" from the
# summary, or "NA NA" when there is none.
pxb_bench()
{
	local out=$1
	shift
	ip netns exec "$PXB_CLI_NS" $(pxb_client_pinned) "$PXB_TFTPBENCH" --server "$PXL_SRV_ADDR" \
		--quiet "$@" >"$out" 2>&1 || true
	awk '/goodput_mbps=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		found = 1 }
	     END { if (found) printf "%s %s\n", v["mibps"], v["failed"]; else print "NA NA" }' "$out"
}

# Median of the numbers on stdin (NA lines skipped); NA when none.
pxb_median()
{
	sort -g | awk '$1 != "NA" { v[n++] = $1 }
		END { if (!n) { print "NA"; exit }
		      if (n % 2) printf "%.2f\n", v[int(n / 2)];
		      else printf "%.2f\n", (v[n / 2 - 1] + v[n / 2]) / 2 }'
}

# DPDK telemetry of the running engine (its file prefix), one JSON line.
pxb_telemetry()
{
	local cmd=$1
	echo "$cmd" | ip netns exec "$PXB_SRV_NS" dpdk-telemetry.py -f "$PXB_FILE_PREFIX" 2>/dev/null |
		tr -d '\n' | sed 's/.*\({"\/pxeline.*\)/\1/'
	echo
}

# pxb_memif_cfg ROOT SOCK OUT EAL: pxeline's config for a net_memif port
# (the server end of SOCK), one worker. EAL is the quoted, comma-separated
# argument list. PXB_MEMIF_ADDR [192.0.2.2/24], PXB_MEMIF_CACHE_MB [128]
# and PXB_MEMIF_TFTP (extra lines for the tftp group) change it, and
# PXB_MEMIF_DEVARGS is appended to the device on both ends (rsize=N); the
# control socket and state db go beside OUT.
pxb_memif_cfg()
{
	local root=$1 sock=$2 out=$3 eal=$4 work
	work=$(dirname "$out")
	cat >"$out" <<EOC
# generated by bench/lib.sh pxb_memif_cfg
interfaces = (
	{
		device = "net_memif0,role=server,socket=$sock,socket-abstract=no${PXB_MEMIF_DEVARGS:+,$PXB_MEMIF_DEVARGS}";
		address = "${PXB_MEMIF_ADDR:-192.0.2.2/24}";
		mtu = 1500;
	}
);
workers = 1;
tftp = {
	root = "$root";
	msftwindow = false;
${PXB_MEMIF_TFTP:-}
};
cache = {
	size_mb = ${PXB_MEMIF_CACHE_MB:-128};
};
dhcp = {
	enabled = false;
};
control = {
	socket = "$work/pxb-ctl.sock";
};
state = {
	db = "$work/pxb-state.db";
};
dpdk = {
	eal = [ $eal ];
};
EOC
}

# pxb_memif_bench SOCK SERVER NET FIRST EAL OUT ARGS...: tftpbench's DPDK
# engine as the client end of the memif socket (bounded by PXB_MEMIF_TIMEOUT
# seconds, 300), emulating --clients hosts from FIRST on NET.
pxb_memif_bench()
{
	local sock=$1 server=$2 net=$3 first=$4 eal=$5 out=$6
	shift 6
	timeout "${PXB_MEMIF_TIMEOUT:-300}" "$PXB_TFTPBENCH" --engine dpdk \
		--dpdk-dev "net_memif0,role=client,socket=$sock,socket-abstract=no${PXB_MEMIF_DEVARGS:+,$PXB_MEMIF_DEVARGS}" \
		--client-net "$net" --client-first "$first" --eal "$eal" \
		--server "$server" --quiet "$@" >"$out" 2>&1 || true
}

# pxb_tele_get PREFIX COMMAND KEY: one value from a telemetry dict of the
# engine with that EAL file prefix (run in the caller's namespace).
pxb_tele_get()
{
	echo "$2" | timeout 10 dpdk-telemetry.py -f "$1" 2>/dev/null |
		tr ',{}' '\n\n\n' | awk -F: -v k="\"$3\"" '$1 ~ k { gsub(/ /, "", $2); print $2; exit }'
}

# pxb_engine_start CFG LOG WAIT_S [WRAPPER...]: pxeline (optionally under a
# wrapper such as valgrind or ip netns exec) from PXB_RUN, waiting WAIT_S
# seconds for "pxeline serving"; sets PXB_ENGINE_PID, returns 1 when it
# did not come up.
PXB_ENGINE_PID=
pxb_engine_start()
{
	local cfg=$1 log=$2 wait_s=$3 i
	shift 3
	(cd "$PXB_RUN" && exec "$@" "$(pxl_engine_path)" -c "$cfg") >"$log" 2>&1 &
	PXB_ENGINE_PID=$!
	for i in $(seq 1 $((wait_s * 10))); do
		grep -q "pxeline serving" "$log" 2>/dev/null && return 0
		kill -0 "$PXB_ENGINE_PID" 2>/dev/null || break
		sleep 0.1
	done
	pxl_warn "pxeline did not start; see $log"
	return 1
}

# SIGTERM, SIGKILL after 60 s; the exit status in PXB_ENGINE_RC (not in a
# subshell: only this shell can wait for its child).
PXB_ENGINE_RC=
pxb_engine_stop()
{
	[ -n "$PXB_ENGINE_PID" ] || return 0
	PXB_ENGINE_RC=0
	pxl_stop_pid "$PXB_ENGINE_PID" TERM 600 || true
	wait "$PXB_ENGINE_PID" 2>/dev/null || PXB_ENGINE_RC=$?
	PXB_ENGINE_PID=
}

# Stops the engine when the script ends, however it ends (a bench's trap).
pxb_engine_stop_on_exit()
{
	trap 'trap - EXIT INT TERM; set +e; pxb_engine_stop' EXIT
	trap 'exit 130' INT TERM
}
