#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The HTTP endpoint (control/http.c, api.c, metrics.c) of a real engine in
# the namespace lab, with curl on the server namespace's loopback: /metrics
# passes `promtool check metrics` and agrees with dpdk-telemetry.py's
# /pxeline/stats after a real TFTP transfer; the API refuses a missing or
# wrong token (401), malformed JSON and unknown fields (400), a huge body
# (413); a host POSTed shows in GET and in `pxectl host list`, then is
# DELETEd; a real DHCPDISCOVER from the client namespace is counted by the
# DHCP answer-time histogram and the boot decisions.
PXL_T_NAME=http
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
PORT=9400
pxl_t_init curl promtool dpdk-telemetry.py "$PY"
pxl_t_strict || pxl_t_skip "the HTTP endpoint is pxeline's (the stand-ins have none)"
PXCTL=$(dirname "$PXL_T_ENGINE")/pxectl
[ -x "$PXCTL" ] || pxl_t_skip "pxectl not built beside $PXL_T_ENGINE"

TOKEN_FILE=$PXL_T_WORK/http.token
TOKEN=$(head -c 32 /dev/urandom | sha256sum | cut -c1-48)
printf '%s\n' "$TOKEN" >"$TOKEN_FILE"
chmod 600 "$TOKEN_FILE"

# lab.cfg plus an http group and a telemetry prefix of our own.
eval "$(declare -f pxl_t_engine_cfg | sed '1s/pxl_t_engine_cfg/pxl_t_engine_cfg_base/')"
PXL_T_PREFIX="pxl-t-http-$PXL_T_ID"
pxl_t_engine_cfg()
{
	local cfg
	cfg=$(pxl_t_engine_cfg_base)
	sed -Ei "s|\"--in-memory\"|\"--in-memory\", \"--file-prefix=$PXL_T_PREFIX\"|" "$cfg"
	cat >>"$cfg" <<EOF_CFG

http = {
	listen = "127.0.0.1:$PORT";
	token_file = "$TOKEN_FILE";
};
EOF_CFG
	printf '%s\n' "$cfg"
}

# hreq TOKEN METHOD PATH [curl args]: prints the status; the body lands in
# $PXL_T_OUT/body, the headers in $PXL_T_OUT/headers. TOKEN "" sends none.
hreq()
{
	local tok=$1 method=$2 path=$3
	shift 3
	timeout -k 2 20 ip netns exec "$PXL_T_SRV" curl -s -m 15 -o "$PXL_T_OUT/body" \
		-D "$PXL_T_OUT/headers" -w '%{http_code}' -X "$method" \
		${tok:+-H "Authorization: Bearer $tok"} "$@" "http://127.0.0.1:$PORT$path" ||
		true
}

# jget EXPR: evaluates EXPR on the last JSON body (as j) and prints it.
jget()
{
	"$PY" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$PXL_T_OUT/body" "$1" 2>/dev/null || echo "(no JSON)"
}

# check LABEL GOT WANT
check()
{
	if [ "$2" = "$3" ]; then
		pxl_t_result 1 "$1" "$2"
	else
		pxl_t_result 0 "$1" "got '$2', want '$3'"
	fi
}

# metric NAME: the value of one sample line of the last /metrics body ("" if none).
metric()
{
	awk -v n="$1" '$1 == n { print $2; exit }' "$PXL_T_OUT/metrics.txt"
}

get_metrics()
{
	hreq "$TOKEN" GET /metrics >"$PXL_T_OUT/code"
	cp "$PXL_T_OUT/body" "$PXL_T_OUT/metrics.txt"
}

pxl_t_file f.bin 300000
pxl_t_server_start

# ---- auth ----
check "no token: 401" "$(hreq "" GET /api/v1/hosts)" 401
check "no token: JSON error" "$(jget 'j["error"]')" "missing or wrong bearer token"
check "no token on /metrics: 401" "$(hreq "" GET /metrics)" 401
check "bad token: 401" "$(hreq "${TOKEN%?}x" GET /api/v1/hosts)" 401
check "token as Basic: 401" "$(hreq "" GET /api/v1/hosts -H "Authorization: Basic $TOKEN")" 401
check "401 says how to authenticate" \
	"$(grep -ci '^WWW-Authenticate: Bearer' "$PXL_T_OUT/headers")" 1

# ---- a real transfer, then /metrics against telemetry ----
pxl_t_get "curl f.bin blksize 1428" f.bin curl 1428
pxl_t_expect "transfer logged (the control thread drained its event)" \
	pxl_t_wait_log 'tftp .* file="f.bin".* end=done' 10
get_metrics
check "GET /metrics: 200" "$(cat "$PXL_T_OUT/code")" 200
check "Content-Type is the text format 0.0.4" \
	"$(grep -i '^Content-Type:' "$PXL_T_OUT/headers" | tr -d '\r' | cut -d' ' -f2-)" \
	"text/plain; version=0.0.4; charset=utf-8"
promtool check metrics <"$PXL_T_OUT/metrics.txt" >"$PXL_T_OUT/promtool.txt" 2>&1 && rc=0 || rc=$?
check "promtool check metrics passes" "$rc $(wc -l <"$PXL_T_OUT/promtool.txt")" "0 0"
[ "$rc" = 0 ] || head -n 5 "$PXL_T_OUT/promtool.txt" | sed 's/^/    promtool: /'

# Every telemetry counter has its metric with the same value. The engine is
# idle, but a stray frame may land between the two reads: metrics, telemetry,
# metrics again, until both metrics reads agree (bounded: 5 tries).
agree=""
for try in 1 2 3 4 5; do
	get_metrics
	cp "$PXL_T_OUT/metrics.txt" "$PXL_T_OUT/metrics1.txt"
	echo /pxeline/stats | timeout 10 ip netns exec "$PXL_T_SRV" dpdk-telemetry.py \
		-f "$PXL_T_PREFIX" >"$PXL_T_OUT/telemetry.json" 2>/dev/null || true
	get_metrics
	cmp -s "$PXL_T_OUT/metrics1.txt" "$PXL_T_OUT/metrics.txt" || continue
	agree=$("$PY" - "$PXL_T_OUT/telemetry.json" "$PXL_T_OUT/metrics.txt" <<'EOF_PY'
import json, sys
tel = json.load(open(sys.argv[1]))["/pxeline/stats"]
met = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or "{" in line:
        continue
    name, value = line.split()
    met[name] = value
bad = []
for k, v in tel.items():
    if k == "tftp_sessions_active" or k.endswith("_total"):
        name = "pxeline_" + k
    else:
        name = "pxeline_" + k + "_total"
    if met.get(name) != str(v):
        bad.append("%s=%s (telemetry %s)" % (name, met.get(name), v))
print("%d keys, %d differ%s" % (len(tel), len(bad), (": " + ", ".join(bad[:5])) if bad else ""))
EOF_PY
)
	break
done
n_keys=$(sed -n 's/^\([0-9]*\) keys.*/\1/p' <<<"$agree")
check "every /pxeline/stats counter agrees with /metrics" "${agree#* keys, }" "0 differ"
pxl_t_expect "telemetry gave its counters ($n_keys keys)" test "${n_keys:-0}" -gt 70
completed=$(metric pxeline_tftp_completed_total)
pxl_t_expect "transfers completed: ready.txt and f.bin at least ($completed)" \
	test "${completed:-0}" -ge 2
check "transfer-time histogram counts every completed transfer" \
	"$(metric pxeline_tftp_transfer_duration_seconds_count)" "$completed"
check "its +Inf bucket too" \
	"$(metric 'pxeline_tftp_transfer_duration_seconds_bucket{le="+Inf"}')" "$completed"
check "transfers by end reason (no DHCP yet: profile and arch none)" \
	"$(metric 'pxeline_tftp_transfers_total{profile="none",arch="none",reason="done"}')" \
	"$completed"
check "tftp_sessions_active is a gauge at 0" \
	"$(grep -c '^# TYPE pxeline_tftp_sessions_active gauge$' "$PXL_T_OUT/metrics.txt") $(metric pxeline_tftp_sessions_active)" "1 0"

# ---- the JSON API ----
MAC=52:54:00:7e:57:01
check "POST a host: 201" "$(hreq "$TOKEN" POST /api/v1/hosts -H 'Content-Type: application/json' \
	--data-binary "{\"mac\": \"$MAC\", \"action\": \"once\", \"profile\": \"default\", \"name\": \"http-test\"}")" 201
ID=$(jget 'j["id"]')
check "POSTed host comes back armed" "$(jget 'j["mac"], j["action"], j["once_armed"]')" \
	"('$MAC', 'once', True)"
check "GET /api/v1/hosts lists it" "$(hreq "$TOKEN" GET /api/v1/hosts) $(jget "[h['id'] for h in j['hosts'] if h['mac'] == '$MAC']")" "200 [$ID]"
check "GET /api/v1/hosts/$ID" "$(hreq "$TOKEN" GET "/api/v1/hosts/$ID") $(jget 'j["name"]')" "200 http-test"
"$PXCTL" -s "$PXL_T_WORK/ctl.sock" host list >"$PXL_T_OUT/pxectl.txt" 2>&1 || true
check "pxectl host list shows it" \
	"$(awk -v m="$MAC" '$2 == m { print $1, $4, $6 }' "$PXL_T_OUT/pxectl.txt")" "$ID once(armed) http-test"
check "malformed JSON: 400" "$(hreq "$TOKEN" POST /api/v1/hosts --data-binary '{"mac": ')" 400
check "malformed JSON: says so" "$(jget 'j["error"].split(":")[0]')" "malformed JSON"
check "unknown field: 400" "$(hreq "$TOKEN" POST /api/v1/hosts \
	--data-binary '{"mac": "52:54:00:7e:57:02", "action": "boot", "profile": "default", "colour": "red"}')" 400
check "unknown field: named" "$(jget 'j["error"]')" "unknown field 'colour'"
check "wrong type: 400" "$(hreq "$TOKEN" PATCH "/api/v1/hosts/$ID" --data-binary '{"action": 1}')" 400
check "wrong type: named" "$(jget 'j["error"]')" "field 'action' must be a string"
check "unknown profile (pxectl's check): 400" "$(hreq "$TOKEN" PATCH "/api/v1/hosts/$ID" \
	--data-binary '{"profile": "nope"}') $(jget 'j["error"].split(" (")[0]')" "400 unknown profile 'nope'"
head -c 100000 /dev/zero | tr '\0' ' ' >"$PXL_T_OUT/huge.json"
check "huge body: 413" "$(hreq "$TOKEN" POST /api/v1/hosts --data-binary "@$PXL_T_OUT/huge.json")" 413
check "huge chunked body: 413" "$(hreq "$TOKEN" POST /api/v1/hosts -H 'Transfer-Encoding: chunked' \
	--data-binary "@$PXL_T_OUT/huge.json")" 413
check "unknown path: 404" "$(hreq "$TOKEN" GET /api/v1/nope)" 404
check "wrong method: 405 with Allow" "$(hreq "$TOKEN" DELETE /api/v1/hosts) $(grep -i '^Allow:' "$PXL_T_OUT/headers" | tr -d '\r' | cut -d' ' -f2-)" "405 GET, POST"
check "reload, file unchanged: 200" "$(hreq "$TOKEN" POST /api/v1/reload) $(jget 'j["report"]')" \
	"200 reloaded: nothing changed"
ENGINE_CFG=$PXL_T_WORK/engine.cfg
cp "$ENGINE_CFG" "$PXL_T_OUT/engine.cfg.good"
sed -Ei 's|^([[:space:]]*)(root[[:space:]]*=[[:space:]]*"[^"]*";)|\1\2\n\1timeout_ms = 700;|' "$ENGINE_CFG"
check "reload, a live key changed: 200 naming it" \
	"$(hreq "$TOKEN" POST /api/v1/reload) $(jget '"tftp.timeout_ms" in j["report"]')" "200 True"
printf 'workers = "many";\n' >>"$ENGINE_CFG"
check "reload, a broken file: 422, FILE:LINE in the error" \
	"$(hreq "$TOKEN" POST /api/v1/reload) $(jget '"engine.cfg:" in j["error"]')" "422 True"
cp "$PXL_T_OUT/engine.cfg.good" "$ENGINE_CFG"
check "GET /api/v1/status" "$(hreq "$TOKEN" GET /api/v1/status) $(jget 'j["workers"], j["dataplane"]["tftp_completed"] >= 2')" "200 (1, True)"
check "GET /api/v1/sessions (none open)" "$(hreq "$TOKEN" GET /api/v1/sessions) $(jget 'j["sessions"]')" "200 []"
check "DELETE /api/v1/hosts/$ID" "$(hreq "$TOKEN" DELETE "/api/v1/hosts/$ID") $(jget 'j["deleted"]')" "200 $ID"
check "deleted host is gone" "$(hreq "$TOKEN" GET "/api/v1/hosts/$ID")" 404
"$PXCTL" -s "$PXL_T_WORK/ctl.sock" host list >"$PXL_T_OUT/pxectl.txt" 2>&1 || true
check "pxectl host list no longer shows it" "$(grep -c "$MAC" "$PXL_T_OUT/pxectl.txt")" 0

# ---- a real DISCOVER: the DHCP answer-time histogram counts it ----
get_metrics
before=$(metric pxeline_dhcp_answer_duration_seconds_count)
check "no DHCP answered yet" "$before" 0
CMAC=$(ip netns exec "$PXL_T_CLI" cat "/sys/class/net/$PXL_CLI_IF/address")
offer=$(pxl_t_in 10 "$PY" "$PXL_T_DIR/dhcp_discover.py" "$PXL_CLI_IF" "$CMAC" || true)
check "DISCOVER answered with a proxy OFFER" "$offer" "offer undionly.kpxe $PXL_SRV_ADDR"
# The reply is counted when handed to the worker, before it is sent: there by now.
get_metrics
check "answer-time histogram counts one" "$(metric pxeline_dhcp_answer_duration_seconds_count)" 1
check "its +Inf bucket too" "$(metric 'pxeline_dhcp_answer_duration_seconds_bucket{le="+Inf"}')" 1
check "boot decision counted by profile, arch, answer" \
	"$(metric 'pxeline_dhcp_decisions_total{profile="default",arch="bios",answer="boot"}')" 1
# Workers answer from the policy snapshot: the control half built none.
check "answered by a worker, not the control thread" \
	"$(metric pxeline_dhcp_answered_total) $(metric pxeline_dhcp_control_replies_total)" "1 0"

pxl_t_finish
