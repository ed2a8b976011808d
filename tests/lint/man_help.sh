#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# man_help.sh PXELINE MANPAGE: the options `pxeline --help` prints and the
# ones docs/pxeline.8 documents under OPTIONS are the same set. Prints both
# lists on a mismatch; "1 passed, 0 failed" or "0 passed, 1 failed".
set -u
engine=$1 page=$2

help=$("$engine" --help) || { echo "man_help: $engine --help failed"; echo "0 passed, 1 failed"; exit 1; }
# Option lines of the usage: two spaces, then "-x, --long ARG  text".
from_help=$(printf '%s\n' "$help" | sed -n 's/^  \(-[^ ,]*\(, --[^ ]*\)\?\).*/\1/p' |
	tr ',' '\n' | tr -d ' ' | sort -u)
# The .TP item lines of the OPTIONS section, roff escapes removed.
from_man=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | sed -n '/^\.TP/{n;p}' |
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* //' -e 's/"//g' |
	tr ', ' '\n\n' | grep '^-' | sort -u)
if [ -n "$from_help" ] && [ "$from_help" = "$from_man" ]; then
	echo "man_help: both list: $(echo $from_help)"
	echo "1 passed, 0 failed"
	exit 0
fi
echo "man_help: --help lists: $(echo $from_help)"
echo "man_help: pxeline.8 lists: $(echo $from_man)"
echo "0 passed, 1 failed"
exit 1
