#!/bin/sh
# verify.sh - check systemd/pxeline.service.in with `systemd-analyze verify`.
#
#   systemd/verify.sh            (from anywhere; no build, no root needed)
#
# The engine need not be installed: the placeholders are replaced by paths
# that exist (@BINDIR@ -> a temp dir holding links to /bin/true, so
# ExecStart= and ExecReload= name executables; @SYSCONFDIR@ -> /etc). Any line
# systemd-analyze prints counts as a failure: exit 0 only when it prints
# nothing. (The engine speaks sd_notify, so there is no drop-in to check.)
# Exit 77 (the skip code of meson test) when systemd-analyze is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
command -v systemd-analyze >/dev/null 2>&1 || {
	echo "verify.sh: systemd-analyze not found (package systemd)" >&2
	exit 77
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pxeline-verify.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/bin" "$tmp/alone"
ln -s /bin/true "$tmp/bin/pxeline"
ln -s /bin/true "$tmp/bin/pxectl"

sed -e "s|@BINDIR@|$tmp/bin|g" -e "s|@SYSCONFDIR@|/etc|g" \
	"$here/pxeline.service.in" >"$tmp/alone/pxeline.service" || exit 1
if grep -n '@[A-Z_]*@' "$tmp/alone/pxeline.service"; then
	echo "verify.sh: placeholder left unreplaced (above)" >&2
	exit 1
fi

fail=0
for case in alone; do
	out=$(cd "$tmp/$case" && systemd-analyze verify "$tmp/$case/pxeline.service" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		echo "verify.sh: $case: systemd-analyze verify exit $rc:"
		printf '%s\n' "$out"
		fail=1
	else
		echo "verify.sh: $case: pxeline.service OK"
	fi
done
exit "$fail"
