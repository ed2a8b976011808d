#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs every libFuzzer target of a build for a while, each on a scratch copy
# of its seed corpus (the committed corpus is never written to).
#
#   CC=clang meson setup build-fuzz -Dfuzz=true
#   meson compile -C build-fuzz
#   tests/fuzz/run-fuzz.sh build-fuzz [seconds-per-target]
#
# Exits non-zero when a target crashes, leaks or times out; the reproducer is
# left in the scratch directory, whose path is printed. To keep it as a
# regression seed, copy it into tests/fuzz/corpus/<name>/.
set -u

builddir=${1:?usage: run-fuzz.sh BUILDDIR [SECONDS]}
secs=${2:-60}
srcdir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/pxeline-fuzz.XXXXXX")
failed=0
ran=0

case $secs in
''|*[!0-9]*) echo "seconds must be a number: $secs" >&2; exit 2 ;;
esac

for src in "$srcdir"/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	exe=$builddir/tests/fuzz/$name
	if [ ! -x "$exe" ]; then
		echo "skip $name: $exe not built (configure with CC=clang -Dfuzz=true)" >&2
		continue
	fi
	mkdir -p "$work/$short/corpus" "$work/$short/artifacts"
	if [ -d "$srcdir/corpus/$short" ]; then
		cp -R "$srcdir/corpus/$short/." "$work/$short/corpus/"
	fi
	dict=
	[ -f "$srcdir/$short.dict" ] && dict=-dict=$srcdir/$short.dict
	echo "== $name: ${secs}s, corpus $work/$short/corpus"
	# timeout(1) is a backstop in case libFuzzer itself hangs.
	timeout --kill-after=10 $((secs + 60)) "$exe" \
		-max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-max_len=2048 -print_final_stats=1 $dict \
		-artifact_prefix="$work/$short/artifacts/" \
		"$work/$short/corpus" > "$work/$short/log" 2>&1
	rc=$?
	ran=$((ran + 1))
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
		"$work/$short/log" | sed 's/^/   /'
	if [ $rc -ne 0 ]; then
		echo "FAIL $name (exit $rc); log and artifacts in $work/$short" >&2
		tail -n 40 "$work/$short/log" >&2
		failed=1
	else
		echo "ok   $name"
	fi
done

if [ $ran -eq 0 ]; then
	echo "no libFuzzer target found in $builddir/tests/fuzz" >&2
	exit 1
fi
if [ $failed -eq 0 ]; then
	rm -rf "$work"
fi
exit $failed
