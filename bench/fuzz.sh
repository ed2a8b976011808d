#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A fuzz campaign: every libFuzzer target (tests/fuzz/fuzz_*.c, built with
# ASan and UBSan) for a budget of executions each, then per target the
# executions, exec/s, coverage (libFuzzer's cov: and ft: at the end), the
# seed corpus before and after (files, and the seeds' own cov/ft), and
# crashes. With --keep the new inputs that add coverage are minimized with
# libFuzzer's -merge=1 into the committed seed corpus
# tests/fuzz/corpus/<name>/, so the fuzz-replay suite runs them from then on.
#
#   nice -n 15 bench/fuzz.sh [--runs N] [--jobs N] [--target NAME]...
#                            [--keep | --no-keep]
#
#   --runs N       executions per target (libFuzzer -runs) [10000000]
#   --jobs N       targets fuzzed at the same time [1]
#   --target NAME  only this target (tftp or fuzz_tftp); repeatable [all]
#   --keep         merge coverage-adding inputs into the seed corpus [on]
#   --no-keep      leave the seed corpus as it is
#
# Environment (defaults in brackets):
#   PXF_BUILD_DIR [build-fuzz]  clang -Dfuzz=true build, set up when missing
#   PXF_MAX_NEW [200]  most seeds one run adds to a target (smallest first)
#   PXF_MAX_NEW_BYTES [131072]  and most bytes of them
#   PXF_MAX_LEN [2048] longest input generated, so longest seed kept
# Output: bench/results/fuzz-DATE/<target>/{log,new/,artifacts/,merge.log},
# fuzz.csv and fuzz.md there and in bench/report/.
# Exits 1 when a target crashed, leaked or timed out, after printing each
# reproducer and the command that replays it.
set -euo pipefail

PXL_TAG=fuzz
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$PXL_REPO/tests/fuzz/lib.sh"

PXF_BUILD_DIR=${PXF_BUILD_DIR:-build-fuzz}
PXF_MAX_NEW=${PXF_MAX_NEW:-200}
PXF_MAX_NEW_BYTES=${PXF_MAX_NEW_BYTES:-131072}
case $PXF_BUILD_DIR in
/*) build=$PXF_BUILD_DIR ;;
*) build=$PXL_REPO/$PXF_BUILD_DIR ;;
esac

# need_count OPTION VALUE: VALUE is a positive whole number.
need_count()
{
	case $2 in
	'' | *[!0-9]* | 0) pxl_die "$1 takes a positive number, not '$2'" ;;
	esac
}

# parse_args ARGS...: sets runs, jobs, keep and targets (all when none named).
parse_args()
{
	local t
	runs=10000000
	jobs=1
	keep=1
	targets=()
	while [ $# -gt 0 ]; do
		case $1 in
		--runs | --jobs | --target)
			[ $# -ge 2 ] || pxl_die "$1 needs a value"
			case $1 in
			--runs) need_count "$1" "$2" && runs=$2 ;;
			--jobs) need_count "$1" "$2" && jobs=$2 ;;
			--target) targets+=("fuzz_${2#fuzz_}") ;;
			esac
			shift
			;;
		--keep) keep=1 ;;
		--no-keep) keep=0 ;;
		-h | --help)
			pxb_usage
			exit 0
			;;
		*) pxl_die "unknown argument '$1' (try --help)" ;;
		esac
		shift
	done
	if [ ${#targets[@]} -eq 0 ]; then
		mapfile -t targets < <(pxf_targets)
	fi
	# A target named twice would run twice into the same directory.
	mapfile -t targets < <(printf '%s\n' "${targets[@]}" | awk '!seen[$0]++')
	for t in "${targets[@]}"; do
		[ -f "$PXF_SRC/$t.c" ] || pxl_die "no fuzz target $t (have: $(pxf_targets | tr '\n' ' '))"
	done
}

# count_files DIR: regular files in DIR (0 when it does not exist).
count_files()
{
	find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l
}

# keep_new NAME EXE DIR: merges what the run found (DIR/new) into the seed
# corpus of NAME and prints how many seeds it added. Merging into a copy of
# the corpus first tells which inputs add coverage the corpus lacks; of those
# the smallest are kept, at most PXF_MAX_NEW files and PXF_MAX_NEW_BYTES, so
# the corpus stays small.
keep_new()
{
	local name=$1 exe=$2 dir=$3 seeds bytes=0
	seeds=$(pxf_corpus "$name")
	mkdir -p "$seeds"
	rm -rf "$dir/merged"
	mkdir -p "$dir/merged"
	cp -R "$seeds/." "$dir/merged/"
	if [ "$(count_files "$dir/new")" -eq 0 ]; then
		echo 0
		return 0
	fi
	pxf_libfuzzer "$name" "$exe" "$dir/merge.log" "$dir/artifacts" \
		-merge=1 "$dir/merged" "$dir/new" ||
		pxl_die "$name: merge failed, see $dir/merge.log"
	# New names only (libFuzzer names its inputs by their SHA-1), smallest
	# first, then capped.
	comm -13 <(find "$seeds" -maxdepth 1 -type f -printf '%f\n' | sort) \
		<(find "$dir/merged" -maxdepth 1 -type f -printf '%f\n' | sort) |
		while read -r f; do
			printf '%s %s\n' "$(stat -c %s "$dir/merged/$f")" "$f"
		done | sort -n | head -n "$PXF_MAX_NEW" | while read -r size f; do
		bytes=$((bytes + size))
		[ "$bytes" -le "$PXF_MAX_NEW_BYTES" ] || break
		cp "$dir/merged/$f" "$seeds/$f"
		echo "$f"
	done >"$dir/added.txt"
	wc -l <"$dir/added.txt"
}

# seed_cov NAME EXE DIR: "cov,ft" of target NAME's committed seeds alone,
# what the fuzz-replay suite covers, from a run that only loads them.
seed_cov()
{
	local name=$1 exe=$2 dir=$3
	pxf_fuzz "$name" "$exe" "$dir/empty" "$dir/seeds.log" "$dir/artifacts" -runs=0 ||
		pxl_die "$name: the seed corpus no longer loads, see $dir/seeds.log"
	printf '%s,%s\n' "$(pxf_cov "$dir/seeds.log" cov INITED)" "$(pxf_cov "$dir/seeds.log" ft INITED)"
}

# fuzz_target NAME: one target's campaign; writes its CSV row to
# $PXB_RUN/<short>/row.csv and, on failure, says how to replay it.
fuzz_target()
{
	local name=$1 short=${1#fuzz_} dir exe seeds before after rc=0
	local t0 t1 secs execs eps cov ft crashes added=0 seeds_before seeds_after
	dir=$PXB_RUN/$short
	exe=$(pxf_exe "$build" "$name")
	seeds=$(pxf_corpus "$name")
	before=$(count_files "$seeds")
	pxl_say "$name: $runs runs, $before seeds"
	t0=$(date +%s.%N)
	pxf_fuzz "$name" "$exe" "$dir/new" "$dir/log" "$dir/artifacts" -runs="$runs" || rc=$?
	t1=$(date +%s.%N)
	execs=$(pxf_stat "$dir/log" number_of_executed_units)
	# Over the wall clock: libFuzzer's own average_exec_per_sec divides by
	# whole seconds, too coarse for a run of a few seconds.
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	eps=$(awk -v n="${execs:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
	cov=$(pxf_cov "$dir/log" cov)
	ft=$(pxf_cov "$dir/log" ft)
	# The scratch directory starts empty, so what the run had loaded when
	# it began fuzzing is the coverage of the committed seeds.
	seeds_before="$(pxf_cov "$dir/log" cov INITED),$(pxf_cov "$dir/log" ft INITED)"
	seeds_after=$seeds_before
	crashes=$(pxf_artifacts "$dir/artifacts" | wc -l)
	if [ "$rc" -ne 0 ]; then
		# A failure without a reproducer (a deadly signal) still counts.
		[ "$crashes" -gt 0 ] || crashes=1
		pxf_report_failure "$name" "$exe" "$dir/log" "$dir/artifacts"
	elif [ "$keep" = 1 ]; then
		added=$(keep_new "$name" "$exe" "$dir")
		[ "$added" -eq 0 ] || seeds_after=$(seed_cov "$name" "$exe" "$dir")
	fi
	after=$(count_files "$seeds")
	pxl_say "$name: ${execs:-?} execs, $eps exec/s, cov ${cov:-?} ft ${ft:-?}," \
		"seeds $before -> $after (cov,ft $seeds_before -> $seeds_after), crashes $crashes"
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$short" "$runs" "${execs:-}" \
		"$eps" "${cov:-}" "${ft:-}" "$seeds_before" "$seeds_after" "$before" "$after" \
		"$added" "$crashes" "$secs" >"$dir/row.csv"
}

# run_all: every selected target, at most $jobs at a time.
run_all()
{
	local name running=0
	for name in "${targets[@]}"; do
		mkdir -p "$PXB_RUN/${name#fuzz_}"
		fuzz_target "$name" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	done
	wait || true
}

# write_report CMD: fuzz.csv and fuzz.md from the rows, in the run directory
# and in bench/report/. Returns 1 when a target crashed or left no row.
write_report()
{
	local cmd=$1 name row bad=0 csv=$PXB_RUN/fuzz.csv md=$PXB_RUN/fuzz.md
	echo 'target,runs,executions,exec_per_s,cov,ft,seed_cov_before,seed_ft_before,seed_cov_after,seed_ft_after,corpus_before,corpus_after,seeds_added,crashes,seconds' >"$csv"
	for name in "${targets[@]}"; do
		row=$PXB_RUN/${name#fuzz_}/row.csv
		if [ -f "$row" ]; then
			cat "$row" >>"$csv"
		else
			pxl_warn "$name: no result (see $PXB_RUN/${name#fuzz_})"
			bad=1
		fi
	done
	{
		# shellcheck disable=SC2016 # the backquotes are markdown
		printf '`%s` (%s, nproc %s, load %s)\n\n' "$cmd" "$(date '+%Y-%m-%d %H:%M')" \
			"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
		echo '| target | executions | exec/s | cov | ft | seeds cov/ft before | seeds cov/ft after | corpus before | corpus after | seeds added | crashes |'
		echo '|---|---|---|---|---|---|---|---|---|---|---|'
		awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s/%s | %s/%s | %s | %s | %s | %s |\n",
			$1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' "$csv"
	} >"$md"
	awk -F, 'NR > 1 && $14 > 0 { bad = 1 } END { exit bad }' "$csv" || bad=1
	mkdir -p "$PXB_DIR/report"
	cp "$csv" "$md" "$PXB_DIR/report/"
	cat "$md"
	return "$bad"
}

main()
{
	local cmd="bench/fuzz.sh $*" name
	parse_args "$@"
	pxf_build "$build"
	pxb_run_dir fuzz
	run_all
	if ! write_report "$cmd"; then
		# Again after the table, so the last lines say what to run.
		for name in "${targets[@]}"; do
			pxf_replay_hint "$(pxf_exe "$build" "$name")" "$PXB_RUN/${name#fuzz_}/artifacts"
		done
		pxl_warn "a target failed; logs in $PXB_RUN"
		exit 1
	fi
	[ "$keep" = 1 ] && pxl_say "seeds added are in tests/fuzz/corpus/ (git status); commit them"
	return 0
}

main "$@"
