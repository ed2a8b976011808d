# SPDX-License-Identifier: BSD-3-Clause
# Shared library of the fleet tests: three engines share one PostgreSQL
# inventory on one lab bridge (issue 10). Sourced by each test:
#
#   PXL_FL_NAME=oneshot
#   . "$(dirname "$0")/lib.sh"
#   pxl_fl_init scapy                # skips (77) unless everything is here
#   pxl_f_profile default bios=unknown.ipxe efi_x64=unknown.ipxe
#   pxl_fl_start                     # PostgreSQL, site DHCP, three engines
#   pxl_fl_pxectl 1 host add --mac ... # engine 1's own control socket
#   pxl_fl_finish
#
# It reuses the firmware lab's pieces (tests/firmware/lib.sh: namespaces,
# veths, bridge, site dnsmasq, profiles, engine config, QEMU boots, results)
# with its own lab in place of the firmware one, and the integration lib's
# log wait (tests/integration/lib.sh); PostgreSQL is scripts/lib/pg.sh.
#
#   E1..E3 ns  pxl-srv, engine I owns 192.0.2.(1+I) (net_af_packet) --+
#   DHCP ns    d0 192.0.2.1 (site dnsmasq: the firmware MACs only) ---+-- br0
#   CLI ns     c0 192.0.2.10 (perfdhcp, scapy) ------------------------+  (LAN ns)
#   LAN ns     tap0 (QEMU runs here) ---------------------------------+
#
# One cluster serves the three engines over its unix socket, which every
# namespace reaches (a file, not a port). Engine I is "eI" in the fleet.
#
# PXL_FL_BACKEND=sqlite runs the same lab with three lone engines (a SQLite
# file each, no PostgreSQL): only to prove the harness; every check is then
# informative, never a failure.

PXL_FL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PXL_FL_NAME=${PXL_FL_NAME:-$(basename "$0" .sh)}
PXL_T_NAME=fleet-$PXL_FL_NAME
PXL_F_NAME=fleet-$PXL_FL_NAME
. "$PXL_FL_DIR/../integration/lib.sh"
. "$PXL_FL_DIR/../firmware/lib.sh"
. "$PXL_REPO/scripts/lib/pg.sh"

PXL_TAG="fleet-$PXL_FL_NAME"
PXL_FL_NS="pxl-fl-$PXL_FL_NAME-$PXL_F_ID"
PXL_FL_WORK="$PXL_BUILD/tests-fleet/$PXL_FL_NAME"
PXL_F_WORK=$PXL_FL_WORK
PXL_F_ROOT="$PXL_F_WORK/root"
PXL_F_RESULTS="$PXL_F_WORK/results"
PXL_T_RESULTS=$PXL_F_RESULTS
PXL_F_NS=$PXL_FL_NS
PXL_F_LAN="$PXL_FL_NS-lan"
PXL_F_DHCP="$PXL_FL_NS-dhcp"
PXL_F_CLI_NS=$PXL_F_LAN
PXL_FL_CLI="$PXL_FL_NS-cli"
PXL_FL_CLI_IF=c0
PXL_FL_N=3
# Engine I's address: 192.0.2.(1+I).
PXL_FL_PID=()
# Hugepages: 1024 x 2 MiB are shared with whatever else runs. Each engine
# gets a fixed -m (no growth) and a small cache: 3 x 160 MiB.
PXL_FL_ENGINE_MB=${PXL_FL_ENGINE_MB:-160}
PXL_FL_CACHE_MB=${PXL_FL_CACHE_MB:-32}
PXL_FL_STANDBY_MS=${PXL_FL_STANDBY_MS:-1500}
PXL_FL_LOG_LEVEL=${PXL_FL_LOG_LEVEL:-info}
PXL_FL_BACKEND=${PXL_FL_BACKEND:-postgresql}
[ "$PXL_FL_BACKEND" = postgresql ] || PXL_F_INFORMATIVE="lone SQLite engines, no fleet"
PXL_FL_PY=/usr/bin/python3
PXL_FL_DHCP_PY=$PXL_FL_DIR/fleet_dhcp.py

pxl_fl_ns()
{
	printf '%s-e%d\n' "$PXL_FL_NS" "$1"
}

pxl_fl_addr()
{
	printf '192.0.2.%d\n' $((1 + $1))
}

pxl_fl_addr6()
{
	printf '2001:db8::%d\n' $((1 + $1))
}

pxl_fl_edir()
{
	printf '%s/e%d\n' "$PXL_FL_WORK" "$1"
}

pxl_fl_log_of()
{
	printf '%s/e%d/server.log\n' "$PXL_FL_WORK" "$1"
}

# The fleet lab in place of the firmware one (pxl_f_init calls these).
pxl_f_lab_destroy()
{
	local i ns=()
	for i in $(seq 1 "$PXL_FL_N"); do
		ns+=("$(pxl_fl_ns "$i")")
	done
	pxl_ns_destroy "$PXL_FL_CLI" "${ns[@]}" "$PXL_F_LAN" "$PXL_F_DHCP"
}

pxl_f_lab_create()
{
	local i ns ports=()
	pxl_f_lab_destroy
	pxl_f_ns_new "$PXL_F_LAN"
	pxl_f_ns_new "$PXL_F_DHCP"
	pxl_f_ns_new "$PXL_FL_CLI"
	for i in $(seq 1 "$PXL_FL_N"); do
		ns=$(pxl_fl_ns "$i")
		pxl_f_ns_new "$ns"
		pxl_f_veth "$ns" "$PXL_SRV_IF" "$PXL_F_LAN" "l-e$i"
		ports+=("l-e$i")
	done
	pxl_f_veth "$PXL_F_DHCP" d0 "$PXL_F_LAN" l-dhcp
	ip -n "$PXL_F_DHCP" addr add 192.0.2.1/24 dev d0
	pxl_f_veth "$PXL_FL_CLI" "$PXL_FL_CLI_IF" "$PXL_F_LAN" l-cli
	ip -n "$PXL_FL_CLI" addr add 192.0.2.10/24 dev "$PXL_FL_CLI_IF"
	ip -n "$PXL_F_LAN" tuntap add dev tap0 mode tap
	ip -n "$PXL_F_LAN" link set tap0 up
	pxl_f_bridge "$PXL_F_LAN" br0 "${ports[@]}" l-dhcp l-cli tap0
}

pxl_fl_skip_unless_fleet_engine()
{
	local cfg out
	[ "$PXL_FL_BACKEND" = postgresql ] || return 0
	cfg=$(PXL_F_WORK=$PXL_F_WORK/check pxl_fl_engine_cfg_text 1 "postgresql://postgres@%2Ftmp:5432/x")
	if ! out=$("$PXL_F_ENGINE" -c "$cfg" --check 2>&1); then
		pxl_f_skip "engine has no PostgreSQL fleet yet (state.backend/engine, dhcp.standby_delay_ms): $(printf '%s' "$out" | head -n 2 | tr '\n' ' ')"
	fi
}

# pxl_fl_init [scapy] [perfdhcp] [bios] [ovmf]: skips unless root, the
# firmware lab's tools, PostgreSQL, pxectl and a fleet engine are here,
# then builds the lab.
pxl_fl_init()
{
	local a fw=()
	for a in "$@"; do
		case $a in
		scapy) "$PXL_FL_PY" -c 'import scapy.all' 2>/dev/null || pxl_f_skip "scapy missing (python3-scapy)" ;;
		perfdhcp) command -v perfdhcp >/dev/null 2>&1 || pxl_f_skip "perfdhcp missing (kea-admin)" ;;
		bios | ovmf) fw+=("$a") ;;
		*) pxl_die "pxl_fl_init: unknown need '$a'" ;;
		esac
	done
	pxl_pg_available || pxl_f_skip "no PostgreSQL server (apt-get install postgresql)"
	[ "$PXL_SERVER" = pxeline ] || pxl_f_skip "the fleet tests have no stand-in (PXL_SERVER=$PXL_SERVER)"
	[ "$(pxl_hugepages)" -ge $((3 * PXL_FL_ENGINE_MB / 2)) ] ||
		pxl_f_skip "fewer than $((3 * PXL_FL_ENGINE_MB / 2)) hugepages for three engines"
	pxl_f_init "${fw[@]}" pxectl
	trap pxl_fl_cleanup EXIT
	pxl_fl_skip_unless_fleet_engine
	for a in $(seq 1 "$PXL_FL_N"); do
		mkdir -p "$(pxl_fl_edir "$a")"
	done
	printf 'pxeline ready\n' >"$PXL_F_ROOT/ready.txt"
	chmod 644 "$PXL_F_ROOT/ready.txt"
}

# pxl_fl_engine_cfg_text I URL: engine I's config (the firmware lib's, made
# a fleet member); prints its path.
pxl_fl_engine_cfg_text()
{
	local i=$1 url=$2 cfg
	mkdir -p "$PXL_F_WORK"
	local extra=${PXL_FL_DHCP_EXTRA:-}
	[ "$PXL_FL_BACKEND" = postgresql ] && extra="standby_delay_ms = $PXL_FL_STANDBY_MS; $extra"
	# PXL_FL_V6=1: each engine also owns 2001:db8::(1+I) and answers DHCPv6.
	[ "${PXL_FL_V6:-0}" = 1 ] && extra="v6 = true; $extra"
	cfg=$(PXL_F_DHCP_EXTRA=$extra pxl_f_write_engine_cfg)
	[ "${PXL_FL_V6:-0}" = 1 ] &&
		sed -Ei "s|address = \"192\\.0\\.2\\.2/24\";|& address6 = \"$(pxl_fl_addr6 "$i")/64\";|" "$cfg"
	sed -Ei \
		-e "s|address = \"192\\.0\\.2\\.2/24\"|address = \"$(pxl_fl_addr "$i")/24\"|" \
		-e "s|^state = .*|$(pxl_fl_state_line "$i" "$url")|" \
		-e "s|^cache = .*|cache = { size_mb = $PXL_FL_CACHE_MB; };|" \
		-e "s|^log = .*|log = { level = \"$PXL_FL_LOG_LEVEL\"; };|" \
		-e "s|\"--file-prefix\", \"[^\"]*\"|\"--file-prefix\", \"$(pxl_fl_prefix "$i")\", \"-m\", \"$PXL_FL_ENGINE_MB\"|" \
		"$cfg"
	printf '%s\n' "$cfg"
}

pxl_fl_state_line()
{
	if [ "$PXL_FL_BACKEND" = postgresql ]; then
		printf 'state = { backend = "postgresql"; url = "%s"; engine = "e%d"; };\n' "$2" "$1"
	else
		printf 'state = { db = "%s/state.db"; };\n' "$(pxl_fl_edir "$1")"
	fi
}

pxl_fl_prefix()
{
	printf 'pxl-fl-%s-%s-e%d\n' "$PXL_FL_NAME" "$PXL_F_ID" "$1"
}

# pxl_fl_engine_start I: starts engine I in its namespace, waits until it
# answers TFTP (20 s at most).
pxl_fl_engine_start()
{
	local i=$1 cfg log ns
	log=$(pxl_fl_log_of "$i")
	ns=$(pxl_fl_ns "$i")
	cfg=$(PXL_F_WORK=$(pxl_fl_edir "$i") pxl_fl_engine_cfg_text "$i" "$PXL_PG_URL")
	(cd "$PXL_REPO" && exec ip netns exec "$ns" "$PXL_F_ENGINE" -c "$cfg") >>"$log" 2>&1 &
	PXL_FL_PID[$i]=$!
	pxl_fl_engine_wait "$i"
}

pxl_fl_engine_alive()
{
	[ -n "${PXL_FL_PID[$1]:-}" ] && kill -0 "${PXL_FL_PID[$1]}" 2>/dev/null
}

pxl_fl_engine_wait()
{
	local i=$1 deadline=$(($(date +%s) + ${PXL_FL_START_SECS:-90})) probe=$PXL_F_WORK/.probe$1
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! pxl_fl_engine_alive "$i"; then
			tail -n 30 "$(pxl_fl_log_of "$i")" | sed 's/^/    /'
			PXL_FL_PID[$i]=
			pxl_f_fatal "engine e$i exited during start-up"
		fi
		rm -f "$probe"
		if ip netns exec "$PXL_FL_CLI" timeout 8 curl -s -m 6 -o "$probe" \
			"tftp://$(pxl_fl_addr "$i")/ready.txt" 2>/dev/null && cmp -s "$probe" "$PXL_F_ROOT/ready.txt"; then
			pxl_f_log "engine e$i answers at $(pxl_fl_addr "$i") (pid ${PXL_FL_PID[$i]})"
			return 0
		fi
		sleep 0.3
	done
	tail -n 30 "$(pxl_fl_log_of "$i")" | sed 's/^/    /'
	pxl_f_fatal "engine e$i did not answer TFTP within ${PXL_FL_START_SECS:-90} s"
}

# pxl_fl_engine_stop I [KILL]: TERM (or KILL: a crash) and reap.
pxl_fl_engine_stop()
{
	local pid=${PXL_FL_PID[$1]:-}
	[ -n "$pid" ] || return 0
	PXL_FL_PID[$1]=
	pxl_stop_pid "$pid" "${2:-TERM}" || true
	wait "$pid" 2>/dev/null || true
}

# pxl_fl_members I: engine I's fleet as its pxectl status says
# ("e1,e2,e3"; empty when it is in none).
pxl_fl_members()
{
	pxl_fl_pxectl "$1" status 2>/dev/null | sed -nE 's/^fleet: members=([^ ]*) .*/\1/p' |
		tr ',' '\n' | sort | paste -sd, -
}

# pxl_fl_wait_fleet MEMBERS [SECS]: waits (30 s) until every running
# engine's pxectl status shows the fleet MEMBERS ("e1,e2,e3"): each has
# seen the others' heartbeats in the store.
pxl_fl_wait_fleet()
{
	local want=$1 deadline=$(($(date +%s) + ${2:-30})) i ok got
	[ "$PXL_FL_BACKEND" = postgresql ] || return 0
	while :; do
		ok=1
		for i in $(seq 1 "$PXL_FL_N"); do
			pxl_fl_engine_alive "$i" || continue
			got=$(pxl_fl_members "$i")
			[ "$got" = "$want" ] || { ok=0; break; }
		done
		[ $ok = 1 ] && { pxl_f_log "fleet: every engine sees members $want"; return 0; }
		[ "$(date +%s)" -lt "$deadline" ] || {
			pxl_f_log "fleet: e$i sees members '${got}', not $want"
			return 1
		}
		sleep 0.3
	done
}

# pxl_fl_start: PostgreSQL, the site DHCP server (the firmware MACs only:
# perfdhcp's and scapy's clients get no address offer to count), the
# engines one after the other, then waits for their heartbeats.
pxl_fl_start()
{
	local i
	pxl_pg_start pxeline >/dev/null || pxl_f_fatal "PostgreSQL did not start"
	pxl_f_log "PostgreSQL at $PXL_PG_URL"
	pxl_f_site_dhcp_start --dhcp-host="$PXL_F_MAC_BIOS" --dhcp-host="$PXL_F_MAC_OVMF" \
		--dhcp-ignore='tag:!known'
	for i in $(seq 1 "$PXL_FL_N"); do
		pxl_fl_engine_start "$i"
	done
	pxl_fl_wait_fleet e1,e2,e3 || pxl_f_fatal "the engines did not all join the fleet"
}

# pxl_fl_pxectl I ARGS...: the control CLI on engine I's own socket.
pxl_fl_pxectl()
{
	local i=$1
	shift
	timeout 20 "$(pxl_f_pxectl_path)" -s "$(pxl_fl_edir "$i")/ctl.sock" "$@"
}

# pxl_fl_stat I KEY...: engine I's telemetry counters (-1: missing).
pxl_fl_stat()
{
	local i=$1
	shift
	pxl_ns_stats "$(pxl_fl_ns "$i")" "$(pxl_fl_prefix "$i")" "$@"
}

# pxl_fl_expect_eq LABEL GOT WANT: records whether GOT is WANT.
pxl_fl_expect_eq()
{
	if [ "$2" = "$3" ]; then
		pxl_f_result 1 "$1" "$2"
	else
		pxl_f_result 0 "$1" "got $2, want $3"
	fi
}

# pxl_fl_count I REGEX: lines of engine I's log matching REGEX.
pxl_fl_count()
{
	grep -cE -- "$2" "$(pxl_fl_log_of "$1")" 2>/dev/null || true
}

# pxl_fl_count_all REGEX: the same over the three logs, summed.
pxl_fl_count_all()
{
	local i n=0
	for i in $(seq 1 "$PXL_FL_N"); do
		n=$((n + $(pxl_fl_count "$i" "$1")))
	done
	printf '%d\n' "$n"
}

# pxl_fl_offers MAC: "c1 c2 c3", OFFERs each engine logged for MAC.
pxl_fl_offers()
{
	local i out=()
	for i in $(seq 1 "$PXL_FL_N"); do
		out+=("$(pxl_fl_count "$i" "dhcp $1 .*-> OFFER")")
	done
	printf '%s\n' "${out[*]}"
}

# pxl_fl_scapy ARGS...: fleet_dhcp.py in the client namespace (60 s bound).
pxl_fl_scapy()
{
	timeout -k 2 "${PXL_FL_SCAPY_SECS:-60}" ip netns exec "$PXL_FL_CLI" \
		"$PXL_FL_PY" "$PXL_FL_DHCP_PY" "$@"
}

# pxl_fl_db_armed MAC: the store's once_armed of MAC's row, "t" or "f"
# ("-" when there is no such row).
pxl_fl_db_armed()
{
	local v
	v=$(pxl_pg_psql -At -c "SELECT CASE WHEN once_armed::text IN ('1', 't', 'true') THEN 't' ELSE 'f' END
		FROM hosts WHERE lower(mac) = lower('$1')" 2>/dev/null) || v=
	printf '%s\n' "${v:--}"
}

# pxl_fl_db_hosts: rows in the store's hosts table.
pxl_fl_db_hosts()
{
	pxl_pg_psql -At -c "SELECT count(*) FROM hosts" 2>/dev/null || echo -1
}

# pxl_fl_wait_host_everywhere MAC REGEX [SECS]: waits (10 s) until every
# running engine's `pxectl host show` of MAC matches REGEX.
pxl_fl_wait_host_everywhere()
{
	local mac=$1 re=$2 deadline=$(($(date +%s) + ${3:-10})) i ok
	while :; do
		ok=1
		for i in $(seq 1 "$PXL_FL_N"); do
			pxl_fl_engine_alive "$i" || continue
			pxl_fl_pxectl "$i" host show --mac "$mac" 2>&1 | grep -qE -- "$re" || { ok=0; break; }
		done
		[ $ok = 1 ] && return 0
		[ "$(date +%s)" -lt "$deadline" ] || {
			pxl_f_log "e$i's pxectl host show --mac $mac: $(pxl_fl_pxectl "$i" host show --mac "$mac" 2>&1 | tr '\n' ' ')"
			return 1
		}
		sleep 0.3
	done
}

# pxl_fl_wait_count REGEX N [SECS]: waits (10 s) until the logs hold N
# lines matching REGEX in all; true when they do.
pxl_fl_wait_count()
{
	local deadline=$(($(date +%s) + ${3:-10}))
	while :; do
		[ "$(pxl_fl_count_all "$1")" -ge "$2" ] && return 0
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# pxl_fl_perfdhcp OUT ARGS...: ISC perfdhcp in the client namespace as PXE
# clients (options 60/93/97 as bench/dhcp.sh sends them), DISCOVER->OFFER
# only (-i), bounded in time (PXL_FL_PERFDHCP_SECS, 60); its report in
# OUT. Prints "SENT RECEIVED".
pxl_fl_perfdhcp()
{
	local out=$1
	shift
	ip netns exec "$PXL_FL_CLI" timeout -k 2 "${PXL_FL_PERFDHCP_SECS:-60}" perfdhcp -4 \
		-l "$PXL_FL_CLI_IF" -i \
		-o 60,505845436c69656e743a417263683a30303030303a554e44493a303032303031 \
		-o 93,0000 -o "97,00$(printf '4c4c4544%024x' 42)" "$@" >"$out" 2>&1 || true
	awk '/^sent packets:/ && !s { s = $3 } /^received packets:/ && !r { r = $3 }
	     END { printf "%d %d\n", s, r }' "$out"
}

# pxl_fl_macs_offered I: the MACs engine I's log shows it offered to.
pxl_fl_macs_offered()
{
	sed -nE 's/.* dhcp ([0-9a-f:]{17}) .*-> OFFER.*/\1/p' "$(pxl_fl_log_of "$1")" | sort -u
}

pxl_fl_cleanup()
{
	local rc=$? i
	set +e
	for i in $(seq 1 "$PXL_FL_N"); do
		pxl_fl_engine_stop "$i"
	done
	pxl_pg_cleanup
	(exit $rc)
	pxl_f_cleanup
}

# Prints the summary; on a failure, the engines' last lines (the firmware
# lib's finish shows server.log: the three, tagged).
pxl_fl_finish()
{
	local i
	: >"$PXL_F_WORK/server.log"
	for i in $(seq 1 "$PXL_FL_N"); do
		tail -n 14 "$(pxl_fl_log_of "$i")" 2>/dev/null | sed "s/^/e$i: /" >>"$PXL_F_WORK/server.log"
	done
	pxl_f_finish
}
