#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs test_hostdb_store (argument 1) against a real PostgreSQL: a cluster
# of its own in a temp dir (scripts/lib/pg.sh), its URL in PXL_PG_URL.
# Skips (77) without PostgreSQL's server binaries.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PXL_PG_LIB="$here/../../scripts/lib/pg.sh"
. "$PXL_PG_LIB"
pxl_pg_available || { echo "SKIP: no PostgreSQL server binaries (apt-get install postgresql)"; exit 77; }
trap pxl_pg_cleanup EXIT
pxl_pg_start pxeline_unit >/dev/null
echo "PostgreSQL at $PXL_PG_URL"
"$1"
