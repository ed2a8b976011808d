#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two engines on one segment share a PostgreSQL inventory (a cluster this
# test starts, scripts/lib/pg.sh): A (192.0.2.2, eng-a) and B (192.0.2.3,
# eng-b) in namespaces of their own, bridged to the client's. Scapy
# (fleet_discover.py) sends PXE DISCOVERs for 40 MACs:
#  1. each MAC gets exactly one OFFER, both engines answer some, and the
#     two engines' dhcp_held counters add up to 40 (each held by the
#     non-owner);
#  2. MACs A owns but ignores (dhcp.ignore on A only: A alive, silent to
#     them) are answered by B after the client's retransmission (same xid,
#     secs 4): dhcp_standby_answers and "standby answer: owner eng-a";
#  3. A killed -9: every MAC A owned is answered by B within a retry.
PXL_T_NAME=fleet_owner
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PXL_REPO/scripts/lib/pg.sh"

pxl_t_strict || pxl_t_skip "a fleet is pxeline's own"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || pxl_t_skip "python3-scapy not installed"
pxl_pg_available || pxl_t_skip "PostgreSQL server binaries or user postgres missing"
pxl_t_init curl
PXECTL=$(dirname "$PXL_T_ENGINE")/pxectl
[ -x "$PXECTL" ] || pxl_t_skip "pxectl not built"
SRV2="pxl-t-$PXL_T_NAME-$PXL_T_ID-srv2"
LOG_B=$PXL_T_WORK/server-b.log
PID_B=

fo_cleanup()
{
	local rc=$?
	set +e
	[ -n "$PID_B" ] && kill "$PID_B" 2>/dev/null && wait "$PID_B" 2>/dev/null
	pxl_ns_destroy "$SRV2"
	pxl_pg_cleanup
	(exit $rc)
	pxl_t_cleanup
}
trap fo_cleanup EXIT
pxl_pg_start pxeline >/dev/null || pxl_t_fatal "PostgreSQL did not start"

# B's namespace, its veth bridged with A's on the client side.
pxl_ns_destroy "$SRV2"
ip netns add "$SRV2"
ip -n "$SRV2" link set lo up
ip netns exec "$SRV2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n "$SRV2" link add name "$PXL_SRV_IF" type veth peer name pxl-cli2 netns "$PXL_T_CLI"
ip -n "$PXL_T_CLI" link add br0 type bridge
ip -n "$PXL_T_CLI" addr del "$PXL_CLI_ADDR/$PXL_PREFIX" dev "$PXL_CLI_IF"
ip -n "$PXL_T_CLI" link set "$PXL_CLI_IF" master br0
ip -n "$PXL_T_CLI" link set pxl-cli2 master br0
ip -n "$PXL_T_CLI" addr add "$PXL_CLI_ADDR/$PXL_PREFIX" dev br0
ip -n "$PXL_T_CLI" link set br0 up
ip -n "$PXL_T_CLI" link set pxl-cli2 up
ip -n "$SRV2" link set "$PXL_SRV_IF" up

# 40 MACs; the configs differ in address, engine name, socket, EAL prefix.
macs=()
for i in $(seq 1 40); do macs+=("$(printf '52:54:00:f0:00:%02x' "$i")"); done
base=$(pxl_t_engine_cfg)
engine_cfg()	# NAME ADDRESS IGNORE...
{
	local name=$1 addr=$2 out=$PXL_T_WORK/$1.cfg dhcp=
	shift 2
	[ $# -gt 0 ] && dhcp=$(printf '"%s", ' "$@") && dhcp="dhcp = { ignore = [ ${dhcp%, } ]; };\n"
	sed -E -e "s|^([[:space:]]*db[[:space:]]*=[[:space:]]*)\"[^\"]*\";|\tbackend = \"postgresql\"; url = \"$PXL_PG_URL\"; engine = \"$name\";|" \
		-e "s|192\.0\.2\.2/24|$addr/24|" \
		-e "s|ctl\.sock|$name.sock|" \
		-e "s|\"--in-memory\"|\"--in-memory\", \"--file-prefix=pxl-fo-$name\"|" \
		-e "s|^unknown = \{|${dhcp}unknown = {|" "$base" >"$out"
	printf '%s\n' "$out"
}
ctl() { timeout 20 "$PXECTL" -s "$PXL_T_WORK/$1.sock" "${@:2}"; }
counter() { ctl "$1" status 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }'; }
ask() { pxl_t_in 60 "$PXL_T_DIR/fleet_discover.py" br0 "$@"; }

# First run: no ignore list; which engine owns which MAC?
export PXL_T_CFG
PXL_T_CFG=$(engine_cfg eng-a 192.0.2.2)
pxl_t_server_start
cfg_b=$(engine_cfg eng-b 192.0.2.3)
(cd "$PXL_REPO" && exec ip netns exec "$SRV2" "$PXL_T_ENGINE" -c "$cfg_b") >"$LOG_B" 2>&1 &
PID_B=$!
fleet_of_two()
{
	local k
	for k in $(seq 1 60); do
		ctl eng-a status 2>/dev/null | grep -q '^fleet: members=eng-a,eng-b self=eng-a ' &&
			ctl eng-b status 2>/dev/null | grep -q '^fleet: members=eng-a,eng-b self=eng-b ' &&
			return 0
		sleep 0.5
	done
	return 1
}
pxl_t_expect "both engines see the fleet eng-a,eng-b" fleet_of_two

ask 2 0 "${macs[@]}" >"$PXL_T_OUT/once.txt"
sed 's/^/    /' "$PXL_T_OUT/once.txt" | head -n 6
one=$(awk '$2 == 1' "$PXL_T_OUT/once.txt" | wc -l)
pxl_t_result "$([ "$one" -eq 40 ] && echo 1 || echo 0)" "each of 40 MACs got exactly one OFFER" "$one of 40"
na=$(awk '$3 == "192.0.2.2"' "$PXL_T_OUT/once.txt" | wc -l)
nb=$(awk '$3 == "192.0.2.3"' "$PXL_T_OUT/once.txt" | wc -l)
pxl_t_result "$([ "$na" -gt 0 ] && [ "$nb" -gt 0 ] && echo 1 || echo 0)" "both engines own some" "A $na, B $nb"
ha=$(counter eng-a dhcp_held); hb=$(counter eng-b dhcp_held)
pxl_t_result "$([ $((ha + hb)) -eq 40 ] && [ "$ha" -eq "$nb" ] && echo 1 || echo 0)" \
	"each MAC held by the engine that does not own it" "A held $ha, B held $hb"
mapfile -t owned_a < <(awk '$3 == "192.0.2.2" { print $1 }' "$PXL_T_OUT/once.txt")

# A silent to its MACs (ignored there), still in the fleet: B stands in
# after the retransmission.
pxl_t_server_stop quiet
PXL_T_CFG=$(engine_cfg eng-a 192.0.2.2 "${owned_a[@]}")
pxl_t_server_start
pxl_t_expect "A back in the fleet" fleet_of_two
sb=$(counter eng-b dhcp_standby_answers)
ask 2 1 "${owned_a[@]}" >"$PXL_T_OUT/standby.txt"
ok=$(awk '$2 == 1 && $3 == "192.0.2.3"' "$PXL_T_OUT/standby.txt" | wc -l)
pxl_t_result "$([ "$ok" -eq "${#owned_a[@]}" ] && echo 1 || echo 0)" \
	"A silent to its clients: B answers each retransmission, once" "$ok of ${#owned_a[@]}"
sb2=$(counter eng-b dhcp_standby_answers)
pxl_t_result "$([ $((sb2 - sb)) -eq "${#owned_a[@]}" ] && echo 1 || echo 0)" \
	"B counted them as standby answers" "dhcp_standby_answers $sb -> $sb2"
pxl_t_expect "B's trace: standby answer: owner eng-a silent 4.0 s" \
	grep -q "standby answer: owner eng-a silent 4\.[0-9] s" "$LOG_B"
pxl_t_expect "B's trace: held: owner eng-a" grep -q "held: owner eng-a" "$LOG_B"

# A dies: B answers its MACs (standby, then as their owner once A's
# heartbeat is stale).
kill -9 "$PXL_T_SERVER_PID"
wait "$PXL_T_SERVER_PID" 2>/dev/null || true
PXL_T_SERVER_PID=
ask 2 1 "${owned_a[@]}" >"$PXL_T_OUT/dead.txt"
ok=$(awk '$2 >= 1 && $3 ~ /192\.0\.2\.3/' "$PXL_T_OUT/dead.txt" | wc -l)
pxl_t_result "$([ "$ok" -eq "${#owned_a[@]}" ] && echo 1 || echo 0)" \
	"A killed -9: B answers every client of A within one retry" "$ok of ${#owned_a[@]}"
gone()
{
	ctl eng-b status 2>/dev/null | grep -q '^fleet: members=eng-b self=eng-b '
}
pxl_t_expect "B's fleet: eng-b alone after A's heartbeat went stale" gone
kill "$PID_B"
rc=0
wait "$PID_B" || rc=$?
PID_B=
pxl_t_result "$([ "$rc" -eq 0 ] && echo 1 || echo 0)" "engine B stops cleanly on SIGTERM" "exit status $rc"
pxl_t_finish
