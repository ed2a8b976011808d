# SPDX-License-Identifier: BSD-3-Clause
# Shared by the fuzzing scripts (tests/fuzz/run-fuzz.sh, fuzz-bounded.sh,
# bench/fuzz.sh): which targets exist, building them with clang, running
# libFuzzer with the house flags, reading its final stats, and saying how to
# replay a reproducer. Sourced, never run. Callers use bash with
# `set -euo pipefail`.

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"

PXF_SRC=$PXL_REPO/tests/fuzz
# Longest input libFuzzer generates; a DHCP or TFTP datagram fits, and longer
# inputs only slow the run down.
PXF_MAX_LEN=${PXF_MAX_LEN:-2048}
# When set, the seconds after which timeout(1) ends a libFuzzer run: a
# backstop in case libFuzzer itself hangs (its -timeout only covers one input).
PXF_DEADLINE=${PXF_DEADLINE:-}

# pxf_targets: every target's name (fuzz_tftp, ...), one a line. Read from the
# sources so that a new fuzz_X.c needs no list edited here.
pxf_targets()
{
	local src
	for src in "$PXF_SRC"/fuzz_*.c; do
		[ -e "$src" ] || continue
		basename "$src" .c
	done
}

# pxf_corpus NAME: the committed seed corpus of target NAME.
pxf_corpus()
{
	printf '%s\n' "$PXF_SRC/corpus/${1#fuzz_}"
}

# pxf_exe BUILDDIR NAME: where the build puts target NAME.
pxf_exe()
{
	printf '%s\n' "$1/tests/fuzz/$2"
}

# pxf_build BUILDDIR: configures a clang build with -Dfuzz=true there unless
# one exists, then (re)compiles every target; ninja does nothing when they
# are up to date, so this is cheap to call every time.
pxf_build()
{
	local build=$1
	command -v clang >/dev/null 2>&1 || pxl_die "clang not installed (scripts/setup.sh installs it)"
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" "$PXL_REPO" -Dfuzz=true >/dev/null ||
			pxl_die "meson setup $build failed"
	fi
	# shellcheck disable=SC2046 # one argument per target name
	meson compile -C "$build" $(pxf_targets) >/dev/null ||
		pxl_die "cannot build the fuzz targets in $build (is it a CC=clang -Dfuzz=true build?)"
}

# pxf_libfuzzer NAME EXE LOG ARTIFACTS ARGS...: one run of libFuzzer binary
# EXE for target NAME with the house flags (its dictionary when there is
# one), output to LOG, reproducers into directory ARTIFACTS. ARGS are further
# flags and the corpus directories. Returns libFuzzer's status.
pxf_libfuzzer()
{
	local name=$1 exe=$2 log=$3 art=$4 dict
	local flags=(-timeout=10 -rss_limit_mb=1024 -max_len="$PXF_MAX_LEN"
		-print_final_stats=1 -artifact_prefix="$art/")
	local wrap=()
	shift 4
	dict=$PXF_SRC/${name#fuzz_}.dict
	[ -f "$dict" ] && flags+=(-dict="$dict")
	[ -n "$PXF_DEADLINE" ] && wrap=(timeout --kill-after=10 "$PXF_DEADLINE")
	mkdir -p "$art"
	"${wrap[@]}" "$exe" "${flags[@]}" "$@" >"$log" 2>&1
}

# pxf_fuzz NAME EXE OUT LOG ARTIFACTS ARGS...: fuzzes target NAME from its
# committed seeds; what it finds goes to directory OUT. ARGS bound the run
# (-runs=N or -max_total_time=S).
pxf_fuzz()
{
	local name=$1 exe=$2 out=$3 log=$4 art=$5 seeds
	local dirs=("$out")
	shift 5
	seeds=$(pxf_corpus "$name")
	# libFuzzer writes new inputs into the first corpus directory only, so
	# the committed seeds after it are read and never written.
	[ -d "$seeds" ] && dirs+=("$seeds")
	mkdir -p "$out"
	pxf_libfuzzer "$name" "$exe" "$log" "$art" "$@" "${dirs[@]}"
}

# pxf_stat LOG KEY: the value of the final "stat::KEY:" line of a run
# (-print_final_stats=1); empty when there is none.
pxf_stat()
{
	awk -v k="stat::$2:" '$1 == k { v = $2 } END { print v }' "$1"
}

# pxf_cov LOG FIELD [STAGE]: FIELD ("cov" or "ft") of the last status line
# ("#N DONE cov: X ft: Y corp: ..."), the coverage the run ended with; with
# STAGE INITED, of the line after the corpus was loaded (the seeds' coverage).
pxf_cov()
{
	awk -v k="$2:" -v s="${3:-}" '/^#[0-9]/ && (s == "" || $2 == s) {
			for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
		END { print v }' "$1"
}

# pxf_artifacts DIR: the reproducers libFuzzer left in DIR, one a line.
pxf_artifacts()
{
	find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | sort
}

# pxf_replay_hint EXE ARTIFACTS: each reproducer in ARTIFACTS and the one
# command that replays it (a libFuzzer binary given a file runs just that
# input), on stderr.
pxf_replay_hint()
{
	local exe=$1 art=$2 f
	pxf_artifacts "$art" | while read -r f; do
		pxl_warn "reproducer: $f"
		pxl_warn "replay:     $(realpath "$exe") $(realpath "$f")"
	done
}

# pxf_report_failure NAME EXE LOG ARTIFACTS: says on stderr that target NAME
# failed, shows the end of its log and how to replay what made it fail.
pxf_report_failure()
{
	local name=$1 exe=$2 log=$3 art=$4
	pxl_warn "$name failed; log $log"
	tail -n 40 "$log" >&2
	pxf_replay_hint "$exe" "$art"
}
