#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepares a Debian 12 machine for pxeline and builds it: packages, the peer
# TFTP servers used as stand-ins, hugepages, then meson setup + compile.
# Idempotent and non-interactive: a second run does no network work.
#
#   scripts/setup.sh            (as root)
#   PXL_BUILD_DIR=build-foo scripts/setup.sh
#   PXL_SETUP_NO_BUILD=1 scripts/setup.sh     packages and hugepages only
set -euo pipefail

PXL_TAG=setup
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Needed to build, test and run the lab; setup fails if one is missing.
REQUIRED=(build-essential meson ninja-build pkg-config libdpdk-dev dpdk dpdk-dev
	liburing-dev libconfig-dev libcunit1-dev libsqlite3-dev sqlite3
	libmicrohttpd-dev libjansson-dev prometheus
	clang libclang-rt-14-dev llvm python3 python3-pyelftools iproute2
	nftables ethtool tcpdump curl tftp-hpa atftp busybox dnsmasq-base gnuplot-nox
	libsystemd-dev python3-scapy iputils-ping libpq-dev postgresql)
# prometheus is there for promtool (test_http checks /metrics with it);
# Debian 12 has no package with promtool alone. Its daemon is not wanted.
# For the firmware and relay tests; a missing one is reported, not fatal.
OPTIONAL=(qemu-system-x86 ipxe-qemu ipxe ovmf isc-dhcp-relay kea-admin valgrind)
HUGEPAGES_MIN=${PXL_HUGEPAGES:-1024}

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt_updated=0
did=()

installed()
{
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

apt_update_once()
{
	[ $apt_updated -eq 1 ] && return 0
	pxl_say "apt-get update"
	apt-get update -q >/dev/null || pxl_die "apt-get update failed"
	apt_updated=1
}

# Keeps maintainer scripts from starting daemons (tftpd-hpa would bind :69
# on the host) while packages are installed.
policy_rc_on()
{
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_rc_ours=1
	fi
}

policy_rc_off()
{
	if [ "${policy_rc_ours:-0}" -eq 1 ]; then
		rm -f /usr/sbin/policy-rc.d
		policy_rc_ours=0
	fi
}

# Installs one package; returns non-zero instead of exiting.
install_one()
{
	local p=$1
	installed "$p" && return 0
	# A missing candidate usually means stale or absent package lists.
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		apt_update_once
	fi
	pxl_say "installing $p"
	if ! apt-get install "${APT_OPTS[@]}" --no-install-recommends "$p" >/tmp/pxl-setup-apt.log 2>&1; then
		apt_update_once
		apt-get install "${APT_OPTS[@]}" --no-install-recommends "$p" >/tmp/pxl-setup-apt.log 2>&1 || {
			tail -n 20 /tmp/pxl-setup-apt.log >&2
			return 1
		}
	fi
	did+=("installed $p")
}

install_packages()
{
	local p missing=() failed_opt=()
	for p in "${REQUIRED[@]}" "${OPTIONAL[@]}"; do
		installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		pxl_say "all ${#REQUIRED[@]} required and ${#OPTIONAL[@]} optional packages present"
		return 0
	fi
	pxl_say "missing: ${missing[*]}"
	trap policy_rc_off EXIT
	policy_rc_on
	for p in "${REQUIRED[@]}"; do
		install_one "$p" || pxl_die "could not install required package $p (see /tmp/pxl-setup-apt.log)"
	done
	for p in "${OPTIONAL[@]}"; do
		install_one "$p" || failed_opt+=("$p")
	done
	policy_rc_off
	trap - EXIT
	[ ${#failed_opt[@]} -eq 0 ] || pxl_warn "optional packages unavailable: ${failed_opt[*]} (firmware/relay tests will skip)"
}

# tftpd-hpa is only a stand-in server run inside test namespaces: never a
# host service listening on port 69.
disable_tftpd_service()
{
	local pid
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		if systemctl is-enabled --quiet tftpd-hpa 2>/dev/null || systemctl is-active --quiet tftpd-hpa 2>/dev/null; then
			systemctl disable --now tftpd-hpa >/dev/null 2>&1 || true
			did+=("disabled tftpd-hpa service")
		fi
	elif [ -x /etc/init.d/tftpd-hpa ]; then
		if ls /etc/rc2.d/S*tftpd-hpa >/dev/null 2>&1; then
			update-rc.d tftpd-hpa disable >/dev/null 2>&1 || true
			did+=("disabled tftpd-hpa init script")
		fi
	fi
	# A daemon started by an earlier install: only the service's own pid.
	if [ -f /run/tftpd-hpa.pid ]; then
		pid=$(cat /run/tftpd-hpa.pid 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			did+=("stopped tftpd-hpa daemon $pid")
		fi
		rm -f /run/tftpd-hpa.pid
	fi
}

# tftpd-hpa and atftpd conflict as packages (both ship /usr/sbin/in.tftpd),
# and a machine may have either installed: the tests run each from its own
# unpacked copy, $PXL_PEERS/<package>/usr/sbin/..., whatever dpkg holds.
unpack_peer()
{
	local pkg=$1 bin=$2 tmp deb
	if [ -x "$PXL_PEERS/$pkg/usr/sbin/$bin" ] && ! ldd "$PXL_PEERS/$pkg/usr/sbin/$bin" | grep -q 'not found'; then
		return 0
	fi
	pxl_say "unpacking $pkg into $PXL_PEERS/$pkg"
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		apt_update_once
		(cd "$tmp" && apt-get download -q "$pkg" >/dev/null) || {
			rm -rf "$tmp"
			pxl_die "apt-get download $pkg failed"
		}
	fi
	deb=$(ls "$tmp"/"$pkg"_*.deb)
	rm -rf "${PXL_PEERS:?}/$pkg"
	mkdir -p "$PXL_PEERS/$pkg"
	dpkg -x "$deb" "$PXL_PEERS/$pkg"
	rm -rf "$tmp"
	[ -x "$PXL_PEERS/$pkg/usr/sbin/$bin" ] || pxl_die "$bin missing after unpacking $pkg"
	if ldd "$PXL_PEERS/$pkg/usr/sbin/$bin" | grep -q 'not found'; then
		pxl_die "$bin needs libraries that are not installed: $(ldd "$PXL_PEERS/$pkg/usr/sbin/$bin" | grep 'not found' | tr -s ' \t\n' ' ')"
	fi
	did+=("unpacked $pkg into $PXL_PEERS/$pkg")
}

install_peers()
{
	# The package brings tftpd-hpa's libraries (libwrap0); installed only
	# when atftpd is not, so as not to remove it under someone's feet.
	if ! installed tftpd-hpa && ! installed atftpd; then
		policy_rc_on
		install_one tftpd-hpa || pxl_warn "could not install tftpd-hpa"
		policy_rc_off
	fi
	install_one libwrap0 || pxl_die "could not install libwrap0 (needed by the peer servers)"
	disable_tftpd_service
	unpack_peer tftpd-hpa in.tftpd
	unpack_peer atftpd atftpd
}

setup_hugepages()
{
	local have
	have=$(pxl_hugepages)
	if [ "$have" -lt "$HUGEPAGES_MIN" ]; then
		echo "$HUGEPAGES_MIN" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
		have=$(pxl_hugepages)
		if [ "$have" -lt "$HUGEPAGES_MIN" ]; then
			pxl_warn "only $have of $HUGEPAGES_MIN hugepages could be reserved (memory fragmented?)"
		else
			did+=("reserved $have x 2 MiB hugepages")
		fi
	fi
	if ! pxl_hugetlbfs_mounted; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs nodev /dev/hugepages || pxl_die "could not mount hugetlbfs on /dev/hugepages"
		did+=("mounted hugetlbfs on /dev/hugepages")
	fi
	[ "$(pxl_hugepages)" -gt 0 ] || pxl_die "no hugepages reserved; DPDK cannot start"
}

build()
{
	cd "$PXL_REPO"
	if [ -f "$PXL_BUILD/build.ninja" ]; then
		# Reconfigure only when meson itself asks for it; ninja does the rest.
		:
	else
		pxl_say "meson setup $PXL_BUILD_DIR"
		meson setup "$PXL_BUILD" >/tmp/pxl-setup-meson.log 2>&1 || {
			tail -n 30 /tmp/pxl-setup-meson.log >&2
			if [ -d "$PXL_BUILD" ] && [ ! -f "$PXL_BUILD/build.ninja" ]; then
				pxl_say "retrying with --wipe"
				meson setup --wipe "$PXL_BUILD" >/tmp/pxl-setup-meson.log 2>&1 || {
					tail -n 30 /tmp/pxl-setup-meson.log >&2
					pxl_die "meson setup failed"
				}
			else
				pxl_die "meson setup failed"
			fi
		}
		did+=("configured $PXL_BUILD_DIR")
	fi
	pxl_say "meson compile -C $PXL_BUILD_DIR"
	meson compile -C "$PXL_BUILD" || pxl_die "build failed"
}

pxl_need_root
install_packages
install_peers
setup_hugepages
if [ "${PXL_SETUP_NO_BUILD:-0}" != 1 ]; then
	build
fi

if [ ${#did[@]} -eq 0 ]; then
	pxl_say "nothing to change; $(pxl_hugepages) hugepages, build in $PXL_BUILD_DIR"
else
	for d in "${did[@]}"; do
		pxl_say "did: $d"
	done
fi
pxl_say "ok"
