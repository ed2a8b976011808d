#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs every libFuzzer target of a build for a while, from its committed seed
# corpus; what it finds goes to a scratch directory (the committed corpus is
# never written to: bench/fuzz.sh is the campaign that keeps new seeds).
#
#   CC=clang meson setup build-fuzz -Dfuzz=true
#   meson compile -C build-fuzz
#   tests/fuzz/run-fuzz.sh build-fuzz [seconds-per-target]
#
# Exits non-zero when a target crashes, leaks or times out, and prints the
# reproducer and the command that replays it; the scratch directory is kept
# then. To keep a reproducer as a regression seed, copy it into
# tests/fuzz/corpus/<name>/.
set -euo pipefail

PXL_TAG=fuzz
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

builddir=${1:?usage: run-fuzz.sh BUILDDIR [SECONDS]}
secs=${2:-60}
case $secs in
'' | *[!0-9]*) pxl_die "seconds must be a number: $secs" ;;
esac
# Short runs only: a hung libFuzzer is ended a minute after its time is up.
# shellcheck disable=SC2034 # read by pxf_libfuzzer
PXF_DEADLINE=$((secs + 60))
work=$(mktemp -d "${TMPDIR:-/tmp}/pxeline-fuzz.XXXXXX")
failed=0
ran=0

for name in $(pxf_targets); do
	exe=$(pxf_exe "$builddir" "$name")
	if [ ! -x "$exe" ]; then
		pxl_warn "skip $name: $exe not built (configure with CC=clang -Dfuzz=true)"
		continue
	fi
	dir=$work/${name#fuzz_}
	echo "== $name: ${secs}s, new inputs in $dir/corpus"
	rc=0
	pxf_fuzz "$name" "$exe" "$dir/corpus" "$dir/log" "$dir/artifacts" \
		-max_total_time="$secs" || rc=$?
	ran=$((ran + 1))
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+[[:space:]]+DONE)' \
		"$dir/log" | sed 's/^/   /' || true
	if [ "$rc" -ne 0 ]; then
		pxf_report_failure "$name" "$exe" "$dir/log" "$dir/artifacts"
		failed=1
	else
		echo "ok   $name"
	fi
done

[ "$ran" -gt 0 ] || pxl_die "no libFuzzer target found in $builddir/tests/fuzz"
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
fi
exit "$failed"
