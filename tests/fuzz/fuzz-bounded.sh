#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The bounded fuzzing run of every test suite: builds the libFuzzer targets
# with clang in a build directory of their own (under the main build) and
# runs each for PXL_FUZZ_SECONDS (default 30). Exits 77 (skipped) without
# clang, non-zero on a crash.
#
#   tests/fuzz/fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT
set -u

src=${1:?usage: fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT}
build=${2:?usage: fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT}/fuzz-clang
secs=${PXL_FUZZ_SECONDS:-30}

if ! command -v clang >/dev/null 2>&1; then
	echo "clang not installed: libFuzzer targets not built" >&2
	exit 77
fi
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true -Dtests=true >/dev/null || exit 1
fi
meson compile -C "$build" fuzz_tftp fuzz_frame fuzz_dhcp >/dev/null || exit 1
exec "$src/tests/fuzz/run-fuzz.sh" "$build" "$secs"
