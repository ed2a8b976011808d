#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The smallest config pxeline.cfg's header promises is enough: interfaces
# and tftp.root, nothing else. It loads, the start-up line says proxyDHCP is
# off, real clients (curl, tftp-hpa, atftp, busybox) get their files, and a
# PXE DISCOVER is left unanswered.
#
# Every other key keeps its default, so control.socket is /run/pxeline.sock
# and state.db /var/lib/pxeline/state.db: the engine runs in a private
# mount namespace with a tmpfs over /run and /var/lib, so it can neither
# collide with an engine on the host nor leave files there. EAL options come
# from the command line (they replace dpdk.eal, which the config leaves out).
PXL_T_NAME=tftponly
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pxl_t_init curl tftp atftp busybox unshare mount
pxl_t_strict || pxl_t_skip "the minimal config is pxeline's own"

PXL_T_CFG=$PXL_T_WORK/minimal.cfg
cat >"$PXL_T_CFG" <<EOF
interfaces = ( { device = "net_af_packet0,iface=$PXL_SRV_IF"; address = "$PXL_SRV_ADDR/24"; } );
tftp = { root = "$PXL_T_ROOT"; };
EOF
export PXL_T_CFG

# The engine behind a wrapper that gives it its own /run and /var/lib.
real_engine=$PXL_T_ENGINE
PXL_T_ENGINE=$PXL_T_WORK/engine-private.sh
cat >"$PXL_T_ENGINE" <<EOF
#!/bin/sh
exec unshare --mount --propagation private sh -c \
	'mount -t tmpfs -o size=16m pxl-run /run && mount -t tmpfs -o size=16m pxl-lib /var/lib && exec "\$0" "\$@"' \
	"$real_engine" "\$@"
EOF
chmod 755 "$PXL_T_ENGINE"
PXL_ENGINE_EAL="-l 0-1 --main-lcore 0 --no-pci --in-memory"

"$real_engine" -c "$PXL_T_CFG" --check >"$PXL_T_OUT/check.txt" 2>&1 || true
pxl_t_expect "pxeline --check accepts interfaces + tftp.root alone" \
	grep -q "configuration OK" "$PXL_T_OUT/check.txt"

pxl_t_file f1.bin 1
pxl_t_file f513.bin 513
pxl_t_file f1m.bin 1048576
pxl_t_server_start

pxl_t_expect "start-up line: proxyDHCP off: no profiles defined" \
	grep -q "proxyDHCP off: no profiles defined" "$PXL_T_LOG"

for s in 1 513; do
	pxl_t_get "curl f$s blksize 1428" "f$s.bin" curl 1428
	pxl_t_get "tftp-hpa f$s" "f$s.bin" tftphpa
	pxl_t_get "atftp f$s blksize 512 window 4" "f$s.bin" atftp 512 4
	pxl_t_get "busybox f$s blksize 512" "f$s.bin" busybox 512
done
pxl_t_get "curl 1MiB blksize 1428" f1m.bin curl 1428
pxl_t_get "tftp-hpa 1MiB" f1m.bin tftphpa
pxl_t_get "atftp 1MiB blksize 1428 window 16" f1m.bin atftp 1428 16
pxl_t_get "busybox 1MiB blksize 1468" f1m.bin busybox 1468

# proxyDHCP is off: a PXE DISCOVER gets nothing back.
# Debian's python3 (the script's #!), where python3-scapy lives.
if /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	got=$(pxl_t_in 20 "$PXL_T_DIR/pxe_discover.py" "$PXL_CLI_IF" 52:54:00:0a:00:01 3 || echo "error")
	pxl_t_result "$([ "$got" = silence ] && echo 1 || echo 0)" \
		"PXE DISCOVER unanswered (proxyDHCP off)" "$got"
else
	pxl_t_log "scapy missing (python3-scapy): DISCOVER check not run"
fi

pxl_t_finish
