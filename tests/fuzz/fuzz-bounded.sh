#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The bounded fuzzing run of every test suite: builds the libFuzzer targets
# with clang in a build directory of their own (under the main build) and
# runs each for PXL_FUZZ_SECONDS (default 30). Exits 77 (skipped) without
# clang, non-zero on a crash.
#
#   tests/fuzz/fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail

PXL_REPO=${1:?usage: fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT}
build=${2:?usage: fuzz-bounded.sh SOURCE_ROOT BUILD_ROOT}/fuzz-clang
PXL_TAG=fuzz
. "$PXL_REPO/tests/fuzz/lib.sh"

if ! command -v clang >/dev/null 2>&1; then
	echo "clang not installed: libFuzzer targets not built" >&2
	exit 77
fi
pxf_build "$build"
exec "$PXF_SRC/run-fuzz.sh" "$build" "${PXL_FUZZ_SECONDS:-30}"
