# SPDX-License-Identifier: BSD-3-Clause
# Network-namespace lab helpers shared by lab.sh and tests/integration.
# Sourced, never run. Addresses stay inside 192.0.2.0/24 (TEST-NET-1).
#
# A lab is two namespaces joined by one veth pair created inside them (so
# its names never collide with the host's or another lab's):
#   SRV ns: veth "pxl-srv", no IPv4 on the kernel side (the engine owns
#           192.0.2.2 through net_af_packet), IPv6 off.
#   CLI ns: veth "pxl-cli", 192.0.2.10/24, IPv6 off.

PXL_SRV_IF=${PXL_SRV_IF:-pxl-srv}
PXL_CLI_IF=${PXL_CLI_IF:-pxl-cli}
PXL_SRV_ADDR=${PXL_SRV_ADDR:-192.0.2.2}
PXL_CLI_ADDR=${PXL_CLI_ADDR:-192.0.2.10}
PXL_PREFIX=${PXL_PREFIX:-24}

# Kills every process left in namespace $1 (TERM, then KILL after 3 s).
pxl_ns_kill_all()
{
	local ns=$1 pids i
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$ns" || return 0
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null || true
	for i in $(seq 1 30); do
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null || true
}

# Removes namespaces and everything running in them; tolerates absence.
pxl_ns_destroy()
{
	local ns
	for ns in "$@"; do
		pxl_ns_kill_all "$ns"
		ip netns del "$ns" 2>/dev/null || true
	done
}

# pxl_ns_create SRV CLI [MTU]: a fresh lab (leftovers of a killed run removed).
pxl_ns_create()
{
	local srv=$1 cli=$2 mtu=${3:-} ns
	pxl_ns_destroy "$srv" "$cli"
	ip netns add "$srv"
	ip netns add "$cli"
	for ns in "$srv" "$cli"; do
		ip -n "$ns" link set lo up
		# Keep the wire quiet: no router solicitations, no MLD, no DAD.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$srv" link add name "$PXL_SRV_IF" type veth peer name "$PXL_CLI_IF" netns "$cli"
	if [ -n "$mtu" ] && [ "$mtu" != 1500 ]; then
		ip -n "$srv" link set "$PXL_SRV_IF" mtu "$mtu"
		ip -n "$cli" link set "$PXL_CLI_IF" mtu "$mtu"
	fi
	# The kernel's default offloads stay on: veth hands its peer partial
	# UDP checksums, which the engine's af_packet port accepts (frame.c,
	# counter rx_csum_partial), as it must on a real lab's veth or tap.
	ip -n "$cli" addr add "$PXL_CLI_ADDR/$PXL_PREFIX" dev "$PXL_CLI_IF"
	ip -n "$srv" link set "$PXL_SRV_IF" up
	ip -n "$cli" link set "$PXL_CLI_IF" up
}

# Gives the server side a kernel address: only for stand-in servers
# (tftpd-hpa, atftpd), never for the engine, which answers ARP itself.
pxl_ns_srv_kernel_addr()
{
	local srv=$1
	ip -n "$srv" addr add "$PXL_SRV_ADDR/$PXL_PREFIX" dev "$PXL_SRV_IF" 2>/dev/null || true
}

# pxl_loss_set CLI PCT: drops PCT % of frames at random in both directions,
# at the client's veth (ingress = server->client, egress = client->server).
# The kernel here has no sch_netem; nftables' netdev hooks do the job.
pxl_loss_set()
{
	local cli=$1 pct=$2
	pxl_loss_clear "$cli"
	ip netns exec "$cli" nft -f - <<EOF
table netdev pxl_loss {
	chain in {
		type filter hook ingress device "$PXL_CLI_IF" priority 0;
		numgen random mod 100 < $pct counter drop
	}
	chain out {
		type filter hook egress device "$PXL_CLI_IF" priority 0;
		numgen random mod 100 < $pct counter drop
	}
}
EOF
}

pxl_loss_clear()
{
	ip netns exec "$1" nft delete table netdev pxl_loss 2>/dev/null || true
}

# Prints "IN OUT": frames dropped so far by pxl_loss_set's rules.
pxl_loss_counts()
{
	ip netns exec "$1" nft list table netdev pxl_loss 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i <= NF; i++) if ($i == "packets") v[n++] = $(i + 1) }
		     END { printf "%d %d\n", v[0], v[1] }'
}

# pxl_ns_stats NS PREFIX KEY...: an engine's counters (/pxeline/stats over
# DPDK telemetry, file prefix PREFIX, read inside namespace NS),
# space-separated in the order asked, -1 for a missing one. PXL_STATS_CMD
# reads another telemetry dictionary instead (/pxeline/cache).
pxl_ns_stats()
{
	local ns=$1 prefix=$2 cmd=${PXL_STATS_CMD:-/pxeline/stats}
	shift 2
	echo "$cmd" | timeout 10 ip netns exec "$ns" dpdk-telemetry.py \
		-f "$prefix" 2>/dev/null |
		python3 -c 'import json,sys
d = json.load(sys.stdin)[sys.argv[1]]
print(" ".join(str(d.get(k, -1)) for k in sys.argv[2:]))' "$cmd" "$@"
}
