# SPDX-License-Identifier: BSD-3-Clause
# Shared shell helpers for pxeline's scripts: logging, root checks, paths.
# Sourced, never run. Callers use bash with `set -euo pipefail`.

# Repository root: scripts/lib/ is two levels below it.
PXL_REPO=${PXL_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Build directory (relative to the repo unless absolute); CI and the README use "build".
PXL_BUILD_DIR=${PXL_BUILD_DIR:-build}
case $PXL_BUILD_DIR in
/*) PXL_BUILD=$PXL_BUILD_DIR ;;
*) PXL_BUILD=$PXL_REPO/$PXL_BUILD_DIR ;;
esac

pxl_say()
{
	printf '%s: %s\n' "${PXL_TAG:-pxeline}" "$*"
}

pxl_warn()
{
	printf '%s: warning: %s\n' "${PXL_TAG:-pxeline}" "$*" >&2
}

pxl_die()
{
	printf '%s: error: %s\n' "${PXL_TAG:-pxeline}" "$*" >&2
	exit 1
}

# pxl_stop_pid PID [SIG] [TENTHS]: sends SIG (TERM), gives the process
# TENTHS tenths of a second (100) to go, then SIGKILL. Returns 0 when it
# left by itself, 1 when it had to be killed. The caller reaps it (wait).
pxl_stop_pid()
{
	local pid=$1 sig=${2:-TERM} tenths=${3:-100} i
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 1 "$tenths"); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	return 1
}

pxl_need_root()
{
	[ "$(id -u)" -eq 0 ] || pxl_die "must run as root (network namespaces, hugepages, packages)"
}

# Where the engine binary is: PXL_ENGINE wins, then the usual build outputs.
pxl_engine_path()
{
	local c
	if [ -n "${PXL_ENGINE:-}" ]; then
		printf '%s\n' "$PXL_ENGINE"
		return 0
	fi
	for c in "$PXL_BUILD/pxeline" "$PXL_BUILD/dataplane/pxeline" "$PXL_BUILD/control/pxeline"; do
		if [ -x "$c" ] && [ -f "$c" ]; then
			printf '%s\n' "$c"
			return 0
		fi
	done
	return 1
}

# Number of 2 MiB hugepages reserved (0 when the kernel has none).
pxl_hugepages()
{
	cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0
}

pxl_hugetlbfs_mounted()
{
	awk '$3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts
}

# Peer TFTP servers, unpacked by setup.sh (as packages they conflict).
PXL_PEERS=${PXL_PEERS:-/opt/pxeline-peers}
PXL_TFTPD_HPA=${PXL_TFTPD_HPA:-$PXL_PEERS/tftpd-hpa/usr/sbin/in.tftpd}
PXL_ATFTPD=${PXL_ATFTPD:-$PXL_PEERS/atftpd/usr/sbin/atftpd}
