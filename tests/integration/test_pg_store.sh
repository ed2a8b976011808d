#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# One engine on the PostgreSQL backend (a cluster of the test's own,
# scripts/lib/pg.sh). A host added with pxectl is answered (scapy,
# pxe_discover.py) and fetches its file (tftp-hpa); a host inserted with
# plain psql SQL is answered within a bounded wait (LISTEN/NOTIFY);
# `pxectl host history` shows the answer and the TFTP file. PostgreSQL
# stopped: known and unknown hosts still answered from the snapshot, an
# armed one-shot held (no answer, the log says so). Started again: the
# engine reconnects by itself, and the one-shot is consumed exactly once
# (the row, the history, the log). Last, the engine is restarted while
# PostgreSQL is down: it starts, serves TFTP, answers no DHCP (without
# the store's hosts an answer could boot a machine its record says to
# ignore), and answers once the store is back.
PXL_T_NAME=pg_store
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PXL_REPO/scripts/lib/pg.sh"

pxl_t_init tftp
pxl_t_strict || pxl_t_skip "the PostgreSQL backend is pxeline's own"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || pxl_t_skip "python3-scapy not installed"
PXECTL=$(dirname "$PXL_T_ENGINE")/pxectl
[ -x "$PXECTL" ] || pxl_t_skip "pxectl not built"
pxl_pg_available || pxl_t_skip "no PostgreSQL server binaries (apt-get install postgresql)"
# The cluster goes first, then the lab (pxl_t_cleanup keeps the exit status).
trap 'rc=$?; pxl_pg_cleanup; (exit $rc); pxl_t_cleanup' EXIT
pxl_pg_start pxeline >/dev/null
pxl_t_log "PostgreSQL at $PXL_PG_URL"

pxl_t_file known.kpxe 70000
pxl_t_file reimage.kpxe 3000
pxl_t_file abortpxe.com 100
pxl_t_file undionly.kpxe 2000
CFG=$(pxl_t_engine_cfg)
ENGINE_NAME=pxe-test/192.0.2.2
sed -Ei -e "s|^([[:space:]]*)db = \"[^\"]*\";|\1backend = \"postgresql\";\n\1url = \"$PXL_PG_URL\";\n\1engine = \"$ENGINE_NAME\";|" \
	-e 's|^profiles = \(|profiles = (\n\t{ name = "known"; bios = "known.kpxe"; },\n\t{ name = "reimage"; bios = "reimage.kpxe"; abort = "abortpxe.com"; },|' \
	"$CFG"
grep -q 'backend = "postgresql"' "$CFG" && grep -q 'name = "reimage"' "$CFG" ||
	pxl_t_fatal "could not write the PostgreSQL config"
PXL_T_CFG=$CFG
SOCK=$PXL_T_WORK/ctl.sock
pxl_t_server_start

ctl()
{
	timeout 30 "$PXECTL" -s "$SOCK" "$@"
}

discover()
{
	pxl_t_in 20 "$PXL_T_DIR/pxe_discover.py" "$PXL_CLI_IF" "$1" "${2:-3}" || echo error
}

sql()
{
	pxl_pg_psql -tA -c "$1"
}

check()
{
	local label=$1 want=$2 got=$3
	pxl_t_result "$([ "$got" = "$want" ] && echo 1 || echo 0)" "$label" "$got"
}

pxl_t_expect "the engine says it uses PostgreSQL" \
	grep -q "state store: postgresql .*, engine $ENGINE_NAME" "$PXL_T_LOG"
check "the schema was created (schema_version)" 2 "$(sql 'SELECT max(version) FROM schema_version')"
# The heartbeat: the engine's row in engines, fresh (the fleet's live list).
got=0
for _ in $(seq 1 20); do
	got=$(sql "SELECT count(*) FROM engines WHERE name = '$ENGINE_NAME' AND last_seen > now() - interval '5 seconds'")
	[ "$got" = 1 ] && break
	sleep 0.25
done
check "the engine heartbeats in engines" 1 "$got"

# The client's own MAC: its TFTP transfer ends in the same host's history.
MAC_A=$(ip netns exec "$PXL_T_CLI" cat "/sys/class/net/$PXL_CLI_IF/address")
MAC_B=52:54:00:0c:00:02
MAC_ONCE=52:54:00:0c:00:03
MAC_UNKNOWN=52:54:00:0c:00:04

ctl host add --mac "$MAC_A" --action boot --profile known --name client-a >"$PXL_T_OUT/add-a.txt"
pxl_t_expect "pxectl host add" grep -q '^added host ' "$PXL_T_OUT/add-a.txt"
check "a host added with pxectl is answered" "offer known.kpxe" "$(discover "$MAC_A")"
pxl_t_get "tftp-hpa known.kpxe (host A)" known.kpxe tftphpa

snapshots()
{
	ctl status | sed -n 's/.* snapshots=\([0-9]*\).*/\1/p'
}

# Plain SQL, as a provisioning system writes it: live within a bounded wait.
# Measured (logged, never asserted): INSERT committed -> new snapshot built.
before=$(snapshots)
t0=$(date +%s%N)
sql "INSERT INTO hosts (mac, action, profile, name) VALUES ('$MAC_B', 'boot', 'known', 'from-sql')" >/dev/null
for _ in $(seq 1 250); do
	[ "$(snapshots)" != "$before" ] && break
	sleep 0.02
done
pxl_t_log "measured: psql INSERT -> snapshot rebuilt in $((($(date +%s%N) - t0) / 1000000)) ms (snapshots $before -> $(snapshots))"
got=silence
for _ in $(seq 1 10); do
	got=$(discover "$MAC_B" 1)
	[ "$got" = "offer known.kpxe" ] && break
done
check "a host inserted with psql is answered" "offer known.kpxe" "$got"
ctl status >"$PXL_T_OUT/status1.txt" || true
pxl_t_expect "pxectl status: the engine heard it (notifies)" \
	grep -Eq '^store: backend=postgresql reachable=yes .*notifies=[1-9]' "$PXL_T_OUT/status1.txt"

# The history: the answer and the file served, newest first.
hist=$PXL_T_OUT/history-a.txt
for _ in $(seq 1 20); do
	ctl host history --mac "$MAC_A" >"$hist" || true
	grep -q ' file .*known.kpxe bytes=70000 outcome=done' "$hist" && break
	sleep 0.25
done
pxl_t_expect "history: the DHCP answer (DISCOVER, profile, file)" \
	grep -Eq "$ENGINE_NAME +dhcp +DISCOVER port=67 arch=bios .*boot profile=known .*known.kpxe" "$hist"
pxl_t_expect "history: the TFTP file with its bytes and outcome" \
	grep -q "$ENGINE_NAME *file *tftp .*known.kpxe bytes=70000 outcome=done" "$hist"
pxl_t_expect "history: newest first (the file after the answer)" sh -c \
	"[ \$(grep -n ' file ' '$hist' | head -1 | cut -d: -f1) -lt \$(grep -n ' dhcp ' '$hist' | head -1 | cut -d: -f1) ]"
check "history rows are in the store" 1 \
	"$(sql "SELECT count(*) FROM boot_events e JOIN hosts h ON h.id = e.host_id WHERE h.mac = '$MAC_A' AND e.kind = 'file' AND e.bytes = 70000")"

# A one-shot armed, then the store goes away.
ctl host add --mac "$MAC_ONCE" --action once --profile reimage --name once >"$PXL_T_OUT/add-once.txt"
pxl_t_expect "pxectl host add (once)" grep -q '^added host ' "$PXL_T_OUT/add-once.txt"
rows_a() { sql "SELECT count(*) FROM boot_events e JOIN hosts h ON h.id = e.host_id WHERE h.mac = '$MAC_A' AND e.kind = 'dhcp'"; }
before_outage=$(rows_a)
pxl_pg_stop
pxl_t_wait_log "state store \(postgresql\) unreachable" 10 >/dev/null
pxl_t_expect "the engine says the store is unreachable" \
	grep -q "state store (postgresql) unreachable" "$PXL_T_LOG"
check "store down: a known host is answered from the snapshot" "offer known.kpxe" "$(discover "$MAC_A")"
check "store down: the SQL-added host too" "offer known.kpxe" "$(discover "$MAC_B")"
check "store down: an unknown host too" "offer undionly.kpxe" "$(discover "$MAC_UNKNOWN")"
check "store down: the one-shot is held (no answer)" "silence" "$(discover "$MAC_ONCE")"
pxl_t_expect "the log says the one-shot is held" \
	grep -q "dhcp $MAC_ONCE state store unreachable: one-shot for $MAC_ONCE held" "$PXL_T_LOG"

# Back: reconnected by itself, the one-shot taken once, its copies in grace.
pxl_pg_start_again
pxl_t_expect "the engine reconnects by itself" \
	pxl_t_wait_log "state store \(postgresql\) reachable again" 15
for _ in $(seq 1 20); do
	[ "$(rows_a)" -gt "$before_outage" ] && break
	sleep 0.25
done
check "store back: the history of the outage's answer to host A was kept and written" yes \
	"$([ "$(rows_a)" -gt "$before_outage" ] && echo yes || echo "no ($(rows_a) rows, $before_outage before)")"
check "store back: the one-shot is answered" "offer reimage.kpxe" "$(discover "$MAC_ONCE")"
check "a second copy of the same boot: the same answer (grace)" "offer reimage.kpxe" \
	"$(discover "$MAC_ONCE")"
check "the row: disarmed, taken by this engine" "f|$ENGINE_NAME|t" \
	"$(sql "SELECT once_armed, consumed_by, consumed_at IS NOT NULL FROM hosts WHERE mac = '$MAC_ONCE'")"
check "consumed exactly once (history)" 1 \
	"$(sql "SELECT count(*) FROM boot_events e JOIN hosts h ON h.id = e.host_id WHERE h.mac = '$MAC_ONCE' AND e.kind = 'consumed'")"
check "consumed exactly once (log)" 1 \
	"$(grep -c "dhcp $MAC_ONCE one-shot consumed and committed" "$PXL_T_LOG")"
ctl status >"$PXL_T_OUT/status2.txt" || true
pxl_t_expect "pxectl status: one reconnect, one one-shot held" \
	grep -Eq '^store: backend=postgresql reachable=yes .*reconnects=1 .*once_held=1' \
	"$PXL_T_OUT/status2.txt"

# Restarted during an outage.
pxl_t_server_stop
pxl_pg_stop
pxl_t_server_start
pxl_t_expect "started with the store down: the log says so" \
	grep -q "state store postgresql://.* unreachable at start: .*TFTP serves, proxyDHCP waits" "$PXL_T_LOG"
pxl_t_get "store down since start: TFTP serves (tftp-hpa known.kpxe)" known.kpxe tftphpa
check "store down since start: a known host gets no answer" "silence" "$(discover "$MAC_A")"
pxl_t_expect "the log says why" \
	pxl_t_wait_log "request\(s\) not answered: no policy snapshot yet, the state store has been unreachable since start" 5
pxl_pg_start_again
pxl_t_expect "the engine reaches the store by itself" \
	pxl_t_wait_log "state store \(postgresql\) reachable again" 15
check "store reached: the known host is answered from its record" "offer known.kpxe" \
	"$(discover "$MAC_A")"
ctl status >"$PXL_T_OUT/status3.txt" || true
pxl_t_expect "pxectl status: reachable, requests counted as no_snapshot" \
	grep -Eq '^store: backend=postgresql reachable=yes .*no_snapshot=[1-9]' "$PXL_T_OUT/status3.txt"

pxl_t_finish
