# SPDX-License-Identifier: BSD-3-Clause
# Shared library of the firmware PXE boot tests: real firmware (SeaBIOS with
# the iPXE NIC ROM, OVMF) under QEMU/TCG boots through proxyDHCP + TFTP in a
# namespace lab, and the test reads a marker the booted program prints on
# the serial console. Sourced by each test:
#
#   PXL_F_NAME=bios_ipxe
#   . "$(dirname "$0")/lib.sh"
#   pxl_f_init bios                  # skips (77) unless everything is here
#   pxl_f_profile default bios=bios.ipxe efi_x64=ipxe.efi ipxe=boot.ipxe
#   pxl_f_script bios.ipxe MARKER
#   pxl_f_site_dhcp_start
#   pxl_f_server_start
#   pxl_f_boot "label" bios MARKER 180
#   pxl_f_finish
#
# The lab (every name inside namespaces this test creates):
#
#   DHCP ns  d0 192.0.2.1 (site dnsmasq: addresses only) --+
#   SRV ns   pxl-srv (engine owns 192.0.2.2, no kernel IPv4) --+-- br0 in LAN ns
#   LAN ns   tap0 (QEMU's NIC; QEMU runs here)  -----------+
#
# With PXL_F_RELAY=1 (pxl_f_init ... relay) the client sits behind a router:
#   RTR ns   r-lan 192.0.2.254 on br0, r-sub 198.51.100.1, ISC dhcrelay
#   SUB ns   br1 joining r-sub's peer and tap0; QEMU runs here
#
# With PXL_F_V6=1 (pxl_f_init ... v6) the LAN also speaks IPv6: the site
# dnsmasq (d0 2001:db8::1) is the router (RA with the managed flag) and the
# stateful DHCPv6 server (2001:db8::100-1ff, no boot options), the engine
# owns 2001:db8::2 (address6) and answers PXEv6 with its DHCPv6 proxy
# (dhcp.v6). The stand-in puts option 59 in the site server's replies
# (option6:bootfile-url) and serves TFTP on a kernel 2001:db8::2.
#
# PXL_SERVER picks what answers PXE: pxeline (default; exits 77 while the
# engine or its proxyDHCP is missing) or dnsmasq-proxy, a stand-in: dnsmasq
# in proxy mode with its TFTP server, on a kernel address 192.0.2.2, used to
# prove the harness. Against the stand-in a failed check is informative.

set -euo pipefail

PXL_F_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PXL_REPO=${PXL_SOURCE_ROOT:-$(cd "$PXL_F_DIR/../.." && pwd)}
if [ -n "${PXL_BUILD_ROOT:-}" ]; then
	PXL_BUILD_DIR=$PXL_BUILD_ROOT
fi
. "$PXL_REPO/scripts/lib/common.sh"
. "$PXL_REPO/scripts/lib/netns.sh"

PXL_SERVER=${PXL_SERVER:-pxeline}
PXL_F_NAME=${PXL_F_NAME:-$(basename "$0" .sh)}
PXL_TAG="fw-$PXL_F_NAME"
PXL_F_ID=$(printf '%s' "$PXL_BUILD" | sha256sum | cut -c1-4)
PXL_F_NS="pxl-f-$PXL_F_NAME-$PXL_F_ID"
PXL_F_LAN="$PXL_F_NS-lan"
PXL_F_SRV="$PXL_F_NS-srv"
PXL_F_DHCP="$PXL_F_NS-dhcp"
PXL_F_RTR="$PXL_F_NS-rtr"
PXL_F_SUB="$PXL_F_NS-sub"
PXL_F_WORK="$PXL_BUILD/tests-firmware/$PXL_F_NAME"
PXL_F_ROOT="$PXL_F_WORK/root"
PXL_F_RESULTS="$PXL_F_WORK/results"
PXL_F_START=$(date +%s)
PXL_F_RELAY=0
PXL_F_V6=0
PXL_F_SITE6=2001:db8::1
PXL_F_ADDR6=2001:db8::2
# Where QEMU runs (the namespace holding tap0).
PXL_F_CLI_NS=$PXL_F_LAN
PXL_F_SRV_PID=
PXL_F_SITE_PID=
PXL_F_RELAY_PID=
PXL_F_CAP_PID=
PXL_F_QEMU_PID=
# Profiles: names in order, and "key=value ..." per name.
PXL_F_PROFILES=()
declare -A PXL_F_PROFILE
PXL_F_UNKNOWN_ACTION=boot
PXL_F_UNKNOWN_PROFILE=default
PXL_F_PORT67=true

# Firmware and boot programs (Debian's ipxe, ipxe-qemu, ovmf, seabios).
PXL_F_QEMU=${PXL_F_QEMU:-qemu-system-x86_64}
PXL_F_IPXE_DIR=${PXL_F_IPXE_DIR:-/usr/lib/ipxe}
PXL_F_BIOS_ROM=${PXL_F_BIOS_ROM:-/usr/lib/ipxe/qemu/pxe-e1000.rom}
PXL_F_OVMF_CODE=${PXL_F_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
PXL_F_OVMF_VARS=${PXL_F_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
# Console text of a firmware that has given up on the network.
PXL_F_GAVE_UP=${PXL_F_GAVE_UP:-'No bootable device|No more network devices|PXE-E[0-9A-F]{2}|BdsDxe: failed to|No bootable option'}
# MACs in the locally administered QEMU range, one per firmware.
PXL_F_MAC_BIOS=${PXL_F_MAC_BIOS:-52:54:00:f1:00:01}
PXL_F_MAC_OVMF=${PXL_F_MAC_OVMF:-52:54:00:f1:00:02}

pxl_f_skip()
{
	printf '%s: SKIP: %s\n' "$PXL_TAG" "$*"
	exit 77
}

pxl_f_log()
{
	printf '%s: [%4ds] %s\n' "$PXL_TAG" "$(($(date +%s) - PXL_F_START))" "$*"
}

pxl_f_fatal()
{
	pxl_f_log "FATAL: $*"
	exit 1
}

pxl_f_strict()
{
	[ "$PXL_SERVER" = pxeline ]
}

pxl_f_result()
{
	local ok=$1 label=$2 detail=${3:-}
	if [ "$ok" = 1 ]; then
		echo pass >>"$PXL_F_RESULTS"
		pxl_f_log "ok   $label${detail:+ ($detail)}"
	elif [ -n "${PXL_F_INFORMATIVE:-}" ]; then
		echo info >>"$PXL_F_RESULTS"
		pxl_f_log "diff $label${detail:+ ($detail)} [informative: $PXL_F_INFORMATIVE]"
	elif pxl_f_strict; then
		echo fail >>"$PXL_F_RESULTS"
		pxl_f_log "FAIL $label${detail:+ ($detail)}"
	else
		echo info >>"$PXL_F_RESULTS"
		pxl_f_log "diff $label${detail:+ ($detail)} [stand-in $PXL_SERVER, informative]"
	fi
}

# pxl_f_engine_has ENGINE SYMBOL: true when the engine binary has it.
pxl_f_engine_has()
{
	local e=$1 syms
	# Read it whole first: grep -q closing the pipe early would fail it
	# under pipefail.
	syms=$(nm "$e" 2>/dev/null || strings "$e" 2>/dev/null || true)
	grep -q -- "$2" <<<"$syms"
}

# True when the engine binary has the control thread's half of proxyDHCP.
pxl_f_engine_has_dhcp()
{
	pxl_f_engine_has "$1" dhcp_control_poll
}

pxl_f_pxectl_path()
{
	local c
	for c in "${PXL_PXECTL:-}" "$PXL_BUILD/pxectl" "$PXL_BUILD/control/pxectl"; do
		[ -n "$c" ] && [ -x "$c" ] && [ -f "$c" ] && { printf '%s\n' "$c"; return 0; }
	done
	return 1
}

# pxl_f_init FIRMWARE... [relay]: skips unless root, QEMU, the firmware
# (bios, ovmf), the Debian iPXE files and the server are here, then builds
# the lab and an empty served root.
pxl_f_init()
{
	local a t
	[ "$(id -u)" -eq 0 ] || pxl_f_skip "needs root"
	for t in ip nft timeout dnsmasq "$PXL_F_QEMU"; do
		command -v "$t" >/dev/null 2>&1 || pxl_f_skip "'$t' not installed"
	done
	[ -c /dev/net/tun ] || pxl_f_skip "no /dev/net/tun (QEMU's tap)"
	for t in undionly.kpxe ipxe.efi; do
		[ -f "$PXL_F_IPXE_DIR/$t" ] || pxl_f_skip "$PXL_F_IPXE_DIR/$t missing (apt-get install ipxe)"
	done
	for a in "$@"; do
		case $a in
		bios) [ -f "$PXL_F_BIOS_ROM" ] || pxl_f_skip "$PXL_F_BIOS_ROM missing (ipxe-qemu)" ;;
		ovmf)
			[ -f "$PXL_F_OVMF_CODE" ] && [ -f "$PXL_F_OVMF_VARS" ] ||
				pxl_f_skip "OVMF missing ($PXL_F_OVMF_CODE; apt-get install ovmf)"
			;;
		relay)
			PXL_F_RELAY=1
			PXL_F_CLI_NS=$PXL_F_SUB
			command -v dhcrelay >/dev/null 2>&1 || pxl_f_skip "dhcrelay not installed (isc-dhcp-relay)"
			;;
		v6)
			PXL_F_V6=1
			# The IPv6 tests' checks read the capture.
			command -v tcpdump >/dev/null 2>&1 || pxl_f_skip "tcpdump not installed"
			;;
		pxectl) pxl_f_strict && { pxl_f_pxectl_path >/dev/null || pxl_f_skip "pxectl not built"; } ;;
		*) pxl_die "pxl_f_init: unknown need '$a'" ;;
		esac
	done
	case $PXL_SERVER in
	pxeline)
		PXL_F_ENGINE=$(pxl_engine_path) || pxl_f_skip "engine not built (no pxeline in $PXL_BUILD)"
		pxl_f_engine_has_dhcp "$PXL_F_ENGINE" || pxl_f_skip "engine has no proxyDHCP yet ($PXL_F_ENGINE)"
		[ "$PXL_F_V6" = 0 ] || pxl_f_engine_has "$PXL_F_ENGINE" dhcp6_rx_request ||
			pxl_f_skip "engine has no DHCPv6 proxy yet ($PXL_F_ENGINE)"
		[ "$(pxl_hugepages)" -gt 0 ] || pxl_f_skip "no hugepages reserved (run scripts/setup.sh)"
		pxl_hugetlbfs_mounted || pxl_f_skip "hugetlbfs not mounted (run scripts/setup.sh)"
		;;
	dnsmasq-proxy) ;;
	*) pxl_die "PXL_SERVER must be pxeline or dnsmasq-proxy, not '$PXL_SERVER'" ;;
	esac
	trap pxl_f_cleanup EXIT
	trap 'exit 130' INT TERM
	rm -rf "$PXL_F_WORK"
	mkdir -p "$PXL_F_ROOT"
	chmod 755 "$PXL_F_WORK" "$PXL_F_ROOT"
	: >"$PXL_F_RESULTS"
	cp "$PXL_F_IPXE_DIR/undionly.kpxe" "$PXL_F_IPXE_DIR/ipxe.efi" "$PXL_F_ROOT/"
	chmod 644 "$PXL_F_ROOT"/*
	pxl_f_lab_create
	pxl_f_log "server $PXL_SERVER, lab $PXL_F_NS-*, root $PXL_F_ROOT"
}

pxl_f_ns_new()
{
	local ns=$1
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	# No router solicitations, MLD or DAD on the wire, no IPv6 at all.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

# pxl_f_ns_v6 NS: IPv6 back on in NS (a kernel address of the lab's),
# acting on no RA.
pxl_f_ns_v6()
{
	local k
	for k in all default; do
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$k.disable_ipv6=0"
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$k.accept_ra=0"
	done
}

# pxl_f_veth NS1 IF1 NS2 IF2: a veth pair, both ends up, the kernel's
# default offloads on (pxeline accepts the partial checksums they leave).
pxl_f_veth()
{
	ip -n "$1" link add name "$2" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

pxl_f_bridge()
{
	local ns=$1 br=$2
	shift 2
	# No STP and no forwarding delay: firmware gives up on DHCP in seconds.
	# No multicast snooping: firmware sends no IGMP joins, and a group's
	# stream must reach every port like on an unmanaged switch.
	ip -n "$ns" link add "$br" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	ip -n "$ns" link set "$br" up
	for p in "$@"; do
		ip -n "$ns" link set "$p" master "$br"
	done
}

pxl_f_lab_destroy()
{
	pxl_ns_destroy "$PXL_F_SUB" "$PXL_F_RTR" "$PXL_F_LAN" "$PXL_F_SRV" "$PXL_F_DHCP"
}

pxl_f_lab_create()
{
	pxl_f_lab_destroy
	pxl_f_ns_new "$PXL_F_LAN"
	pxl_f_ns_new "$PXL_F_SRV"
	pxl_f_ns_new "$PXL_F_DHCP"
	pxl_f_veth "$PXL_F_SRV" "$PXL_SRV_IF" "$PXL_F_LAN" l-srv
	pxl_f_veth "$PXL_F_DHCP" d0 "$PXL_F_LAN" l-dhcp
	ip -n "$PXL_F_DHCP" addr add 192.0.2.1/24 dev d0
	if [ "$PXL_F_V6" = 1 ]; then
		# The veth was made with IPv6 off: the sysctl applies to it too.
		pxl_f_ns_v6 "$PXL_F_DHCP"
		ip netns exec "$PXL_F_DHCP" sysctl -qw net.ipv6.conf.d0.disable_ipv6=0
		ip -n "$PXL_F_DHCP" addr add "$PXL_F_SITE6/64" dev d0 nodad
	fi
	pxl_f_bridge "$PXL_F_LAN" br0 l-srv l-dhcp
	if [ "$PXL_F_RELAY" = 1 ]; then
		pxl_f_ns_new "$PXL_F_RTR"
		pxl_f_ns_new "$PXL_F_SUB"
		pxl_f_veth "$PXL_F_RTR" r-lan "$PXL_F_LAN" l-rtr
		pxl_f_veth "$PXL_F_RTR" r-sub "$PXL_F_SUB" s-rtr
		ip -n "$PXL_F_LAN" link set l-rtr master br0
		ip -n "$PXL_F_RTR" addr add 192.0.2.254/24 dev r-lan
		ip -n "$PXL_F_RTR" addr add 198.51.100.1/24 dev r-sub
		ip netns exec "$PXL_F_RTR" sysctl -qw net.ipv4.ip_forward=1
		ip -n "$PXL_F_DHCP" route add 198.51.100.0/24 via 192.0.2.254
		ip -n "$PXL_F_SUB" tuntap add dev tap0 mode tap
		ip -n "$PXL_F_SUB" link set tap0 up
		pxl_f_bridge "$PXL_F_SUB" br1 s-rtr tap0
	else
		ip -n "$PXL_F_LAN" tuntap add dev tap0 mode tap
		ip -n "$PXL_F_LAN" link set tap0 up
		ip -n "$PXL_F_LAN" link set tap0 master br0
	fi
}

# pxl_f_profile NAME key=value...: keys as in pxeline.cfg's profiles
# (bios, efi_x64, ipxe, abort).
pxl_f_profile()
{
	local name=$1
	shift
	PXL_F_PROFILES+=("$name")
	PXL_F_PROFILE[$name]="$*"
}

# pxl_f_profile_get NAME KEY: prints the value, empty when not set.
pxl_f_profile_get()
{
	local kv
	for kv in ${PXL_F_PROFILE[$1]}; do
		[ "${kv%%=*}" = "$2" ] && { printf '%s\n' "${kv#*=}"; return 0; }
	done
	return 0
}

# pxl_f_script FILE MARKER [LINES]: an iPXE script in the root that prints
# the marker with what iPXE knows about how it got there, then LINES.
pxl_f_script()
{
	local f=$PXL_F_ROOT/$1 marker=$2
	{
		printf '#!ipxe\n'
		printf 'echo %s platform=${platform} filename=${filename} next-server=${next-server}\n' "$marker"
		printf '%s\n' "${3:-}"
		# Keep the console still until the test ends the VM.
		printf 'sleep 300\n'
	} >"$f"
	chmod 644 "$f"
}

pxl_f_write_engine_cfg()
{
	local cfg=$PXL_F_WORK/pxeline.cfg name kv first gw="" v6=""
	[ "$PXL_F_RELAY" = 1 ] && gw='gateway = "192.0.2.254";'
	[ "$PXL_F_V6" = 1 ] && { gw="$gw address6 = \"$PXL_F_ADDR6/64\";"; v6="v6 = true; "; }
	{
		printf 'interfaces = ( { device = "net_af_packet0,iface=%s"; address = "192.0.2.2/24"; %s } );\n' \
			"$PXL_SRV_IF" "$gw"
		printf 'workers = 1;\n'
		printf 'tftp = { root = "%s"; };\n' "$PXL_F_ROOT"
		printf 'cache = { size_mb = 64; };\n'
		# PXL_F_DHCP_EXTRA: more dhcp keys ("quench_ra = true;").
		printf 'dhcp = { enabled = true; port67 = %s; %s%s};\n' "$PXL_F_PORT67" "$v6" "${PXL_F_DHCP_EXTRA:-}"
		printf 'profiles = (\n'
		first=1
		for name in "${PXL_F_PROFILES[@]}"; do
			[ $first = 1 ] || printf ',\n'
			first=0
			printf '\t{ name = "%s";' "$name"
			for kv in ${PXL_F_PROFILE[$name]}; do
				printf ' %s = "%s";' "${kv%%=*}" "${kv#*=}"
			done
			printf ' }'
		done
		printf '\n);\n'
		printf 'unknown = { action = "%s"; profile = "%s"; };\n' "$PXL_F_UNKNOWN_ACTION" "$PXL_F_UNKNOWN_PROFILE"
		printf 'control = { socket = "%s"; };\n' "$PXL_F_WORK/ctl.sock"
		printf 'state = { db = "%s"; };\n' "$PXL_F_WORK/state.db"
		printf 'log = { level = "debug"; };\n'
		# A test's own sections (multicast = { ... }), as written.
		[ -z "${PXL_F_EXTRA_CFG:-}" ] || printf '%s\n' "$PXL_F_EXTRA_CFG"
		printf 'dpdk = { eal = [ "-l", "0-1", "--main-lcore", "0", "--no-pci", "--in-memory", "--file-prefix", "pxl-f-%s-%s" ]; };\n' \
			"$PXL_F_NAME" "$PXL_F_ID"
	} >"$cfg"
	printf '%s\n' "$cfg"
}

# dnsmasq's proxy mode answering the way pxeline's profile would: the arch
# file to firmware, the ipxe script to iPXE (user class "iPXE"). PXL_F_SD_FILE
# (abort) hands every client the profile's abort file instead.
pxl_f_dnsmasq_proxy_args()
{
	local p=$PXL_F_UNKNOWN_PROFILE bios efi ipx
	bios=$(pxl_f_profile_get "$p" bios)
	efi=$(pxl_f_profile_get "$p" efi_x64)
	ipx=$(pxl_f_profile_get "$p" ipxe)
	if [ "$PXL_F_UNKNOWN_ACTION" = abort ]; then
		bios=$(pxl_f_profile_get "$p" abort)
		efi=$bios
		ipx=$bios
	fi
	printf '%s\n' --dhcp-userclass=set:ipxe,iPXE
	if [ -n "$ipx" ]; then
		printf '%s\n' "--pxe-service=tag:ipxe,x86PC,pxeline,$ipx" \
			"--pxe-service=tag:ipxe,x86-64_EFI,pxeline,$ipx" \
			"--pxe-service=tag:ipxe,BC_EFI,pxeline,$ipx"
		printf '%s\n' "--pxe-service=tag:!ipxe,x86PC,pxeline,$bios" \
			"--pxe-service=tag:!ipxe,x86-64_EFI,pxeline,$efi" \
			"--pxe-service=tag:!ipxe,BC_EFI,pxeline,$efi"
	else
		printf '%s\n' "--pxe-service=x86PC,pxeline,$bios" \
			"--pxe-service=x86-64_EFI,pxeline,$efi" \
			"--pxe-service=BC_EFI,pxeline,$efi"
	fi
	printf '%s\n' --dhcp-range=192.0.2.0,proxy
	[ "$PXL_F_RELAY" = 1 ] && printf '%s\n' --dhcp-range=198.51.100.0,proxy
	return 0
}

# Starts the PXE server in the server namespace and waits until it answers
# TFTP from the LAN (20 s at most).
pxl_f_server_start()
{
	local log=$PXL_F_WORK/server.log cfg args
	case $PXL_SERVER in
	pxeline)
		cfg=$(pxl_f_write_engine_cfg)
		(cd "$PXL_REPO" && exec ip netns exec "$PXL_F_SRV" "$PXL_F_ENGINE" -c "$cfg") >>"$log" 2>&1 &
		;;
	dnsmasq-proxy)
		ip -n "$PXL_F_SRV" addr replace 192.0.2.2/24 dev "$PXL_SRV_IF"
		[ "$PXL_F_RELAY" = 1 ] &&
			ip -n "$PXL_F_SRV" route replace 198.51.100.0/24 via 192.0.2.254
		if [ "$PXL_F_PORT67" = false ]; then
			# Stand-in for dhcp.port67 = false: dnsmasq cannot, so the
			# server namespace drops what reaches its port 67.
			ip netns exec "$PXL_F_SRV" nft -f - <<-EOF
			table inet pxl_f67 {
				chain in { type filter hook input priority 0; udp dport 67 drop; }
			}
			EOF
		fi
		if [ "$PXL_F_V6" = 1 ]; then
			# TFTP only, on a kernel 2001:db8::2 (and 192.0.2.2 for
			# the start-up probe): the boot URL is the site's.
			pxl_f_ns_v6 "$PXL_F_SRV"
			ip netns exec "$PXL_F_SRV" sysctl -qw "net.ipv6.conf.$PXL_SRV_IF.disable_ipv6=0"
			ip -n "$PXL_F_SRV" addr replace "$PXL_F_ADDR6/64" dev "$PXL_SRV_IF" nodad
			args=()
		else
			mapfile -t args < <(pxl_f_dnsmasq_proxy_args)
		fi
		ip netns exec "$PXL_F_SRV" dnsmasq --keep-in-foreground --no-daemon --conf-file=/dev/null \
			--port=0 --interface="$PXL_SRV_IF" --bind-interfaces --log-dhcp --log-facility=- \
			--pid-file="$PXL_F_WORK/proxy.pid" --dhcp-leasefile="$PXL_F_WORK/proxy.leases" \
			--enable-tftp --tftp-root="$PXL_F_ROOT" --user=root --group=root \
			"${args[@]}" >>"$log" 2>&1 &
		;;
	esac
	PXL_F_SRV_PID=$!
	pxl_f_wait_tftp
	[ "$PXL_F_V6" = 1 ] && [ "$PXL_SERVER" = pxeline ] && pxl_f_wait_dad
	return 0
}

# The engine uses 2001:db8::2 only once duplicate address detection passed
# (its log says so); 10 s at most.
pxl_f_wait_dad()
{
	local k
	for k in $(seq 1 50); do
		grep -aqiE "$PXL_F_ADDR6.*(valid|ready|dad (ok|passed))" "$PXL_F_WORK/server.log" && return 0
		sleep 0.2
	done
	pxl_f_log "no DAD line for $PXL_F_ADDR6 in the engine's log after 10 s; going on"
}

pxl_f_wait_tftp()
{
	local deadline=$(($(date +%s) + 20)) probe=$PXL_F_WORK/.probe
	# A probe client on the LAN, removed once the server answers.
	ip -n "$PXL_F_LAN" addr replace 192.0.2.9/24 dev br0
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! kill -0 "$PXL_F_SRV_PID" 2>/dev/null; then
			tail -n 30 "$PXL_F_WORK/server.log" | sed 's/^/    /'
			PXL_F_SRV_PID=
			pxl_f_fatal "server exited during start-up"
		fi
		rm -f "$probe"
		if ip netns exec "$PXL_F_LAN" timeout 3 curl -s -m 2 -o "$probe" \
			"tftp://192.0.2.2/undionly.kpxe" 2>/dev/null && cmp -s "$probe" "$PXL_F_ROOT/undionly.kpxe"; then
			ip -n "$PXL_F_LAN" addr del 192.0.2.9/24 dev br0
			ip -n "$PXL_F_LAN" neigh flush dev br0 2>/dev/null || true
			pxl_f_log "server answers (pid $PXL_F_SRV_PID)"
			return 0
		fi
		sleep 0.3
	done
	tail -n 30 "$PXL_F_WORK/server.log" | sed 's/^/    /'
	pxl_f_fatal "server did not answer TFTP within 20 s"
}

# pxl_f_server_stop [kill]: TERM (or KILL: a crash) and wait.
pxl_f_server_stop()
{
	local pid=$PXL_F_SRV_PID sig=TERM
	[ -n "$pid" ] || return 0
	[ "${1:-}" = kill ] && sig=KILL
	PXL_F_SRV_PID=
	pxl_stop_pid "$pid" "$sig" || true
	wait "$pid" 2>/dev/null || true
	ip netns exec "$PXL_F_SRV" nft delete table inet pxl_f67 2>/dev/null || true
}

# pxl_f_site_dhcp_start [dnsmasq args...]: the site's DHCP server, addresses
# only (no option 60 unless the args add it).
pxl_f_site_dhcp_start()
{
	local log=$PXL_F_WORK/site-dhcp.log v6=()
	[ "$PXL_F_V6" = 1 ] && mapfile -t v6 < <(pxl_f_site_dhcp6_args)
	ip netns exec "$PXL_F_DHCP" dnsmasq --keep-in-foreground --no-daemon --conf-file=/dev/null \
		--port=0 --interface=d0 --bind-interfaces --log-dhcp --log-facility=- \
		--pid-file="$PXL_F_WORK/site.pid" --dhcp-leasefile="$PXL_F_WORK/site.leases" \
		--dhcp-range=set:lan,192.0.2.100,192.0.2.200,255.255.255.0,1h \
		--dhcp-range=set:sub,198.51.100.100,198.51.100.200,255.255.255.0,1h \
		--dhcp-option=tag:lan,option:router \
		--dhcp-option=tag:sub,option:router,198.51.100.1 \
		--no-ping --user=root --group=root \
		"${v6[@]}" "$@" >>"$log" 2>&1 &
	PXL_F_SITE_PID=$!
	sleep 0.3
	kill -0 "$PXL_F_SITE_PID" 2>/dev/null || { cat "$log"; pxl_f_fatal "site dnsmasq did not start"; }
}

# The site's IPv6 half: RA with the managed flag (dnsmasq sets M for a
# stateful range), addresses from 2001:db8::100-1ff, no boot options; the
# stand-in adds option 59 as the profile would have it (the ipxe script to
# user class iPXE, else efi_x64).
#
# PXL_F_SITE6=stateless: the RA says O=1 and no M (SLAAC addresses, other
# configuration by DHCPv6) and, with pxeline, the site answers no DHCPv6
# at all (its replies to 546 are dropped): iPXE then asks by
# Information-request and takes the first Reply, which must be the proxy's.
pxl_f_site_dhcp6_args()
{
	local p=$PXL_F_UNKNOWN_PROFILE efi ipx url=tftp://[$PXL_F_ADDR6]
	if [ "${PXL_F_SITE6:-stateful}" = stateless ]; then
		printf '%s\n' --enable-ra "--dhcp-range=set:lan6,2001:db8::,ra-stateless,64"
		pxl_f_strict && ip netns exec "$PXL_F_DHCP" nft -f - <<-EOF
		table inet pxl_f_site6 {
			chain out { type filter hook output priority 0; udp sport 547 drop; }
		}
		EOF
	else
		printf '%s\n' --enable-ra "--dhcp-range=set:lan6,2001:db8::100,2001:db8::1ff,64,1h"
	fi
	pxl_f_strict && return 0
	efi=$(pxl_f_profile_get "$p" efi_x64)
	ipx=$(pxl_f_profile_get "$p" ipxe)
	if [ -n "$ipx" ]; then
		printf '%s\n' --dhcp-userclass=set:ipxe,iPXE \
			"--dhcp-option=tag:ipxe,option6:bootfile-url,$url/$ipx" \
			"--dhcp-option=tag:!ipxe,option6:bootfile-url,$url/$efi"
	else
		printf '%s\n' "--dhcp-option=option6:bootfile-url,$url/$efi"
	fi
}

# ISC dhcrelay in the router: client requests from r-sub go to the site
# DHCP server and to pxeline.
pxl_f_relay_start()
{
	ip netns exec "$PXL_F_RTR" dhcrelay -4 -d -q -id r-sub -iu r-lan \
		-pf "$PXL_F_WORK/dhcrelay.pid" 192.0.2.1 192.0.2.2 >>"$PXL_F_WORK/relay.log" 2>&1 &
	PXL_F_RELAY_PID=$!
	sleep 0.3
	kill -0 "$PXL_F_RELAY_PID" 2>/dev/null || { cat "$PXL_F_WORK/relay.log"; pxl_f_fatal "dhcrelay did not start"; }
}

# Packet capture on the LAN bridge (and on the client subnet behind a
# relay), kept in the work dir: what each firmware sent (README's table).
pxl_f_capture_start()
{
	command -v tcpdump >/dev/null 2>&1 || { pxl_f_log "no tcpdump: no capture"; return 0; }
	# On the VM's own port (a bridge device sees only what is flooded or
	# addressed to it), and on the server's port behind a relay.
	local filter=udp
	# IPv6: DHCPv6 and TFTP, ND (RS/RA/NS/NA), fragments.
	[ "$PXL_F_V6" = 1 ] && filter='udp or icmp6 or (ip6 and ip6[6] == 44)'
	ip netns exec "$PXL_F_CLI_NS" tcpdump -i tap0 --immediate-mode -s 0 -U \
		-w "$PXL_F_WORK/boot.pcap" "$filter" >/dev/null 2>"$PXL_F_WORK/tcpdump.log" &
	PXL_F_CAP_PID=$!
	if [ "$PXL_F_RELAY" = 1 ]; then
		ip netns exec "$PXL_F_LAN" tcpdump -i l-srv --immediate-mode -s 0 -U \
			-w "$PXL_F_WORK/server-port.pcap" udp >/dev/null 2>"$PXL_F_WORK/tcpdump-srv.log" &
		PXL_F_CAP_PID="$PXL_F_CAP_PID $!"
	fi
	sleep 0.5
}

pxl_f_capture_stop()
{
	local pid
	[ -n "$PXL_F_CAP_PID" ] || return 0
	# Let the last frames reach the files.
	sleep 0.5
	for pid in $PXL_F_CAP_PID; do
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	PXL_F_CAP_PID=
}

# Prints the captures, one line per DHCP packet and TFTP request.
pxl_f_capture_summary()
{
	local f
	command -v python3 >/dev/null 2>&1 || return 0
	for f in boot server-port; do
		[ -f "$PXL_F_WORK/$f.pcap" ] || continue
		printf '  %s.pcap:\n' "$f"
		python3 "$PXL_F_DIR/pcap_summary.py" "$PXL_F_WORK/$f.pcap" | sed 's/^/    /'
	done
}

# pxl_f_capture_expect LABEL REGEX [none]: a result from the boot capture's
# summary (boot.summary, written at the first call once the capture is
# stopped): a line must match REGEX (with "none": no line may).
pxl_f_capture_expect()
{
	local label=$1 re=$2 sum=$PXL_F_WORK/boot.summary hit
	if [ ! -f "$sum" ]; then
		pxl_f_capture_stop
		python3 "$PXL_F_DIR/pcap_summary.py" "$PXL_F_WORK/boot.pcap" >"$sum"
	fi
	hit=$(grep -E -m 1 -- "$re" "$sum" || true)
	if [ "${3:-}" = none ]; then
		pxl_f_result "$([ -z "$hit" ] && echo 1 || echo 0)" "$label" "$hit"
	else
		pxl_f_result "$([ -n "$hit" ] && echo 1 || echo 0)" "$label" "$(sed 's/^ *[0-9.]* //' <<<"$hit")"
	fi
}

# pxl_f_engine_expect LABEL REGEX: with pxeline, a result from the engine's
# log (a line must match); the stand-in has no such log.
pxl_f_engine_expect()
{
	pxl_f_strict || return 0
	if grep -aqE -- "$2" "$PXL_F_WORK/server.log"; then
		pxl_f_result 1 "$1"
	else
		pxl_f_result 0 "$1" "no line matching '$2' in the engine's log"
	fi
}

# pxl_f_qemu_cmd FIRMWARE MAC SERIAL: the QEMU command line.
pxl_f_qemu_cmd()
{
	local fw=$1 mac=$2 serial=$3
	local common=(-m 256 -nodefaults -display none -no-reboot -monitor none
		-serial "file:$serial"
		-netdev tap,id=n0,ifname=tap0,script=no,downscript=no)
	case $fw in
	bios)
		# SeaBIOS mirrors the BIOS text console (int 10h, which iPXE's
		# BIOS console writes to) onto COM1 when there is no VGA card.
		printf '\xf8\x03' >"$PXL_F_WORK/sercon-port"
		printf '%s\n' "$PXL_F_QEMU" -machine pc,accel=tcg "${common[@]}" \
			-fw_cfg "name=etc/sercon-port,file=$PXL_F_WORK/sercon-port" \
			-device "e1000,netdev=n0,mac=$mac,romfile=$PXL_F_BIOS_ROM,bootindex=1"
		;;
	ovmf)
		cp "$PXL_F_OVMF_VARS" "$PXL_F_WORK/ovmf-vars.fd"
		# romfile= (empty): OVMF's own virtio-net driver and PXE, not the
		# iPXE EFI ROM QEMU would load otherwise.
		printf '%s\n' "$PXL_F_QEMU" -machine q35,accel=tcg "${common[@]}" \
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$PXL_F_OVMF_CODE" \
			-drive "if=pflash,format=raw,unit=1,file=$PXL_F_WORK/ovmf-vars.fd" \
			-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1" \
			${PXL_F_QEMU_EXTRA:-}
		;;
	*) pxl_die "pxl_f_qemu_cmd: firmware bios or ovmf, not '$fw'" ;;
	esac
}

pxl_f_qemu_stop()
{
	local pid=$PXL_F_QEMU_PID
	[ -n "$pid" ] || return 0
	PXL_F_QEMU_PID=
	pxl_stop_pid "$pid" TERM 50 || true
	wait "$pid" 2>/dev/null || true
}

# pxl_f_boot LABEL FIRMWARE MARKER SECS [MAC]: boots a VM and waits up to
# SECS for MARKER on its serial console. Records a result; returns 0 when
# the marker was seen. The serial log stays in the work dir.
pxl_f_boot()
{
	local label=$1 fw=$2 marker=$3 secs=$4 mac=${5:-} serial t0 now cmd found=0 gave_up=
	if [ -z "$mac" ]; then
		[ "$fw" = bios ] && mac=$PXL_F_MAC_BIOS || mac=$PXL_F_MAC_OVMF
	fi
	serial=$PXL_F_WORK/serial-$(printf '%s' "$label" | tr -c 'A-Za-z0-9_.-' '_').log
	: >"$serial"
	mapfile -t cmd < <(pxl_f_qemu_cmd "$fw" "$mac" "$serial")
	pxl_f_log "boot $label: $fw, MAC $mac, waiting up to $secs s for '$marker'"
	t0=$(date +%s%N)
	ip netns exec "$PXL_F_CLI_NS" timeout -k 5 $((secs + 10)) "${cmd[@]}" \
		>"$serial.qemu" 2>&1 &
	PXL_F_QEMU_PID=$!
	while :; do
		if grep -aq -- "$marker" "$serial"; then
			found=1
			break
		fi
		now=$(date +%s%N)
		[ $(((now - t0) / 1000000000)) -lt "$secs" ] || break
		# The firmware gave up: no need to wait the whole time (a few
		# seconds more, in case the marker is still on its way).
		if [ -z "$gave_up" ] && grep -aqE -- "$PXL_F_GAVE_UP" "$serial"; then
			gave_up=$(((now - t0) / 1000000000 + 5))
		fi
		[ -z "$gave_up" ] || [ $(((now - t0) / 1000000000)) -lt "$gave_up" ] || break
		kill -0 "$PXL_F_QEMU_PID" 2>/dev/null || break
		sleep 0.5
	done
	now=$(date +%s%N)
	PXL_F_BOOT_MS=$(((now - t0) / 1000000))
	pxl_f_qemu_stop
	if [ $found = 1 ]; then
		pxl_f_result 1 "$label" "marker after $((PXL_F_BOOT_MS / 1000)).$(((PXL_F_BOOT_MS % 1000) / 100)) s: $(grep -a -o -- "$marker[^[:cntrl:]]*" "$serial" | head -n 1)"
		return 0
	fi
	pxl_f_result 0 "$label" "no '$marker' on the serial console in $((PXL_F_BOOT_MS / 1000)) s"
	pxl_f_log "serial console (last 25 lines, escapes removed):"
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r/\n/g' "$serial" | grep -a -v '^[[:space:]]*$' |
		tail -n 25 | sed 's/^/    /'
	[ -s "$serial.qemu" ] && sed 's/^/    qemu: /' "$serial.qemu" | head -n 10
	return 1
}

# pxl_f_pxectl ARGS...: the control CLI on this test's socket.
pxl_f_pxectl()
{
	"$(pxl_f_pxectl_path)" -s "$PXL_F_WORK/ctl.sock" "$@"
}

pxl_f_cleanup()
{
	local rc=$?
	set +e
	pxl_f_qemu_stop
	pxl_f_capture_stop
	pxl_f_server_stop
	for pid in "$PXL_F_SITE_PID" "$PXL_F_RELAY_PID"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	done
	pxl_f_lab_destroy
	exit $rc
}

pxl_f_finish()
{
	local pass fail info
	pxl_f_capture_stop
	if [ -f "$PXL_F_WORK/boot.pcap" ]; then
		pxl_f_log "on the wire:"
		pxl_f_capture_summary | head -n 120
	fi
	pass=$(grep -c '^pass$' "$PXL_F_RESULTS" || true)
	fail=$(grep -c '^fail$' "$PXL_F_RESULTS" || true)
	info=$(grep -c '^info$' "$PXL_F_RESULTS" || true)
	pxl_f_log "$pass passed, $fail failed, $info informative differences against $PXL_SERVER"
	if [ "$fail" -gt 0 ]; then
		pxl_f_log "server log (last 40 lines):"
		tail -n 40 "$PXL_F_WORK/server.log" | sed 's/^/    /'
		exit 1
	fi
	[ $((pass + info)) -gt 0 ] || pxl_f_fatal "no check ran"
	exit 0
}
