#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Sets the machine up (scripts/setup.sh), builds, and runs every test suite
# (unit, fuzz-replay, integration) with meson, then prints one closing line:
# "N passed, N failed, N skipped". Exit status is non-zero if any failed.
#
#   sudo scripts/test.sh
#   sudo scripts/test.sh --suite integration     (any meson test arguments)
set -euo pipefail

PXL_TAG=test
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

if [ "${PXL_TEST_NO_SETUP:-0}" != 1 ]; then
	"$PXL_REPO/scripts/setup.sh"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
meson test -C "$PXL_BUILD" --print-errorlogs "$@" 2>&1 | tee "$log" || rc=$?

# meson's summary: "Ok:", "Expected Fail:", "Fail:", "Unexpected Pass:",
# "Skipped:", "Timeout:", each followed by a count.
count()
{
	awk -v k="$1" '{ sub(/\r$/, "") } index($0, k) == 1 { v = $NF } END { print v + 0 }' "$log"
}
ok=$(count 'Ok:')
xfail=$(count 'Expected Fail:')
fail=$(count 'Fail:')
xpass=$(count 'Unexpected Pass:')
skipped=$(count 'Skipped:')
timeout=$(count 'Timeout:')
passed=$((ok + xfail))
failed=$((fail + xpass + timeout))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	# meson itself failed (build error, no tests found): count it.
	failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
