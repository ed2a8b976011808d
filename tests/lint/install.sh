#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# install.sh BUILD_DIR: `meson install --destdir` into a temp dir puts the
# binaries, the systemd unit (paths filled in), the man page and the example
# configs where docs/meson.build and systemd/meson.build say. One result line
# per file, then "N passed, N failed".
set -u
build=$1
meson=${MESON:-meson}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pxeline-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$meson" install -C "$build" --destdir "$tmp" --no-rebuild --quiet >"$tmp.log" 2>&1; then
	cat "$tmp.log"
	rm -f "$tmp.log"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f "$tmp.log"
prefix=$("$meson" introspect "$build" --buildoptions |
	python3 -c 'import json,sys; o={x["name"]:x["value"] for x in json.load(sys.stdin)}; print(o["prefix"], o["bindir"], o["datadir"], o["mandir"], o["sysconfdir"])')
set -- $prefix
p=$1 bindir=$2 datadir=$3 mandir=$4 sysconfdir=$5
case $sysconfdir in /*) ;; *) sysconfdir=$p/$sysconfdir ;; esac
pass=0 fail=0
check()
{
	if [ -f "$tmp$1" ]; then
		pass=$((pass + 1)); echo "ok   $1"
	else
		fail=$((fail + 1)); echo "FAIL $1 not installed"
	fi
}
check "$p/$bindir/pxeline"
check "$p/$bindir/pxectl"
check "$p/lib/systemd/system/pxeline.service"
check "$p/$mandir/man8/pxeline.8"
check "$p/$datadir/doc/pxeline/examples/pxeline.cfg"
check "$p/$datadir/doc/pxeline/examples/lab.cfg"
unit=$tmp$p/lib/systemd/system/pxeline.service
if [ -f "$unit" ] && grep -q "^ExecStart=$p/$bindir/pxeline -c $sysconfdir/pxeline/pxeline.cfg\$" "$unit" &&
	! grep -q '@[A-Z_]*@' "$unit"; then
	pass=$((pass + 1)); echo "ok   unit's ExecStart names the installed engine and config"
else
	fail=$((fail + 1)); echo "FAIL unit's ExecStart: $(grep '^ExecStart=' "$unit" 2>/dev/null)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
