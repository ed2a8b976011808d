#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# proxyDHCP under load: ISC perfdhcp (Debian kea-admin) sends PXE
# DISCOVERs (options 60, 93, 97; distinct MACs) from the client namespace
# at each rate, against pxeline (on the bench veth through
# net_af_packet, its trace written to its log as usual) and dnsmasq as a
# proxy (--dhcp-range=192.0.2.0,proxy --pxe-service, --quiet-dhcp: no
# per-packet log) in one run. Per server and rate: DISCOVERs sent, OFFERs
# received per second, average and maximum delay, lost. Measured, never
# asserted; a table for bench/README.md.
#
#   sudo bench/dhcp.sh
#   sudo PXB_DHCP_RATES="10000 40000" PXB_DHCP_SECS=20 bench/dhcp.sh
#
# Environment (defaults in brackets):
#   PXL_BUILD_DIR [build]            build with pxeline and tftpbench
#   PXB_DHCP_RATES ["10000 20000 40000"]  DISCOVERs per second (perfdhcp -r)
#   PXB_DHCP_SECS [10]               seconds per cell (perfdhcp -p)
#   PXB_DHCP_GEN_CPU []              pin perfdhcp to this CPU (taskset): 0
#                                    keeps it off pxeline's worker (CPU 1),
#                                    which the scheduler otherwise preempts
#   PXB_DHCP_SERVERS ["pxeline dnsmasq"]   add pxeline-base to compare a
#                                    second engine binary:
#   PXB_DHCP_BASE_ENGINE             its path (an older build, say)
set -euo pipefail

export PXB_SRV_NS=${PXB_SRV_NS:-pxb-dh-srv} PXB_CLI_NS=${PXB_CLI_NS:-pxb-dh-cli}
export PXB_SRV_IF=${PXB_SRV_IF:-pxb-dhs} PXB_CLI_IF=${PXB_CLI_IF:-pxb-dhc}
export PXB_FILE_PREFIX=${PXB_FILE_PREFIX:-pxb-dh}

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PXB_DHCP_RATES=${PXB_DHCP_RATES:-10000 20000 40000}
PXB_DHCP_SECS=${PXB_DHCP_SECS:-10}
PXB_DHCP_SERVERS=${PXB_DHCP_SERVERS:-pxeline dnsmasq}
# PXEClient:Arch:00000:UNDI:002001, arch 0 (BIOS), a client UUID.
OPT60=505845436c69656e743a417263683a30303030303a554e44493a303032303031
OPT93=0000
OPT97=00$(printf '4c4c4544%024x' 42)

case ${1:-} in
-h | --help)
	pxb_usage
	exit 0
	;;
esac

pxl_need_root
pxb_need_tools
command -v perfdhcp >/dev/null || pxl_die "perfdhcp not found (apt-get install kea-admin)"

# The bench engine config with proxyDHCP on (lib.sh turns it off).
eval "$(declare -f pxb_engine_cfg | sed '1s/pxb_engine_cfg/pxb_engine_cfg_base/')"
pxb_engine_cfg()
{
	pxb_engine_cfg_base "$@"
	sed -i '/^dhcp = {$/,/^};$/d' "$2"
	printf 'dhcp = {\n\tenabled = true;\n};\n' >>"$2"
}

# dnsmasq as a PXE proxy beside a site DHCP server; TFTP on so that
# pxb_wait_ready can see it answer.
dh_dnsmasq_start()
{
	local root=$1 log=$2
	pxb_server_stop
	PXB_SERVER=dnsmasq
	: >"$log"
	pxb_srv_addr kernel
	ip netns exec "$PXB_SRV_NS" "$PXB_DNSMASQ" --no-daemon --port=0 --conf-file=/dev/null \
		--dhcp-range=192.0.2.0,proxy --pxe-service=x86PC,"PXE",undionly \
		--quiet-dhcp --enable-tftp --tftp-root="$root" --interface="$PXL_SRV_IF" \
		--bind-interfaces --pid-file= --user=root --group=root \
		--dhcp-leasefile="$PXB_RUN/dnsmasq.leases" --log-facility="$log.dnsmasq" \
		>>"$log" 2>&1 &
	PXB_SERVER_PID=$!
	pxb_wait_ready "$root"
}

# perfdhcp at rate $1 for PXB_DHCP_SECS seconds, its report to $2; prints
# "sent received avg_ms max_ms".
dh_perfdhcp()
{
	local rate=$1 out=$2
	ip netns exec "$PXB_CLI_NS" timeout $((PXB_DHCP_SECS + 30)) \
		${PXB_DHCP_GEN_CPU:+taskset -c "$PXB_DHCP_GEN_CPU"} perfdhcp -4 -l "$PXL_CLI_IF" \
		-i -r "$rate" -R 100000 -p "$PXB_DHCP_SECS" -W 2000000 \
		-o "60,$OPT60" -o "93,$OPT93" -o "97,$OPT97" >"$out" 2>&1 || true
	awk '/^sent packets:/ && !s { s = $3 } /^received packets:/ && !r { r = $3 }
	     /^avg delay:/ && !a { a = $3 } /^max delay:/ && !m { m = $3 }
	     END { printf "%s %s %s %s\n", s ? s : "NA", r ? r : "NA", a ? a : "NA", m ? m : "NA" }' "$out"
}

trap 'pxb_lab_down' EXIT
pxb_run_dir dhcp
ROOT=$PXB_RUN/root
mkdir -p "$ROOT"
pxb_lab_up
pxl_say "load: $(pxb_load)"
printf '%-12s %8s %9s %9s %10s %9s %9s %9s\n' server rate sent offers offers/s avg_ms max_ms lost
for server in $PXB_DHCP_SERVERS; do
	case $server in
	pxeline) pxb_server_start pxeline "$ROOT" "$PXB_RUN/pxeline.log" ||
		pxl_die "pxeline did not start (see $PXB_RUN/pxeline.log)" ;;
	pxeline-base)
		[ -x "${PXB_DHCP_BASE_ENGINE:-}" ] || pxl_die "pxeline-base needs PXB_DHCP_BASE_ENGINE"
		PXL_ENGINE=$PXB_DHCP_BASE_ENGINE pxb_server_start pxeline "$ROOT" \
			"$PXB_RUN/pxeline-base.log" ||
			pxl_die "pxeline-base did not start (see $PXB_RUN/pxeline-base.log)" ;;
	dnsmasq) dh_dnsmasq_start "$ROOT" "$PXB_RUN/dnsmasq.log" ||
		pxl_die "dnsmasq did not start (see $PXB_RUN/dnsmasq.log)" ;;
	*) pxl_die "unknown server $server" ;;
	esac
	for rate in $PXB_DHCP_RATES; do
		read -r sent got avg max < <(dh_perfdhcp "$rate" "$PXB_RUN/perfdhcp-$server-$rate.txt")
		awk -v s="$server" -v r="$rate" -v n="$sent" -v g="$got" -v a="$avg" -v m="$max" \
			-v t="$PXB_DHCP_SECS" 'BEGIN {
			if (n == "NA" || g == "NA") { printf "%-12s %8s %9s %9s %10s %9s %9s %9s\n", s, r, n, g, "NA", a, m, "NA"; exit }
			printf "%-12s %8d %9d %9d %10.0f %9s %9s %8.1f%%\n", s, r, n, g, g / t, a, m,
				n ? 100 * (n - g) / n : 0 }'
	done
	pxb_server_stop
done
pxl_say "load: $(pxb_load)"
