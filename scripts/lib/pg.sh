# SPDX-License-Identifier: BSD-3-Clause
# A throw-away PostgreSQL cluster for one test. Sourced, never run.
#
#   . scripts/lib/pg.sh
#   pxl_pg_available || exit 77          # no postgres binaries / user
#   trap pxl_pg_cleanup EXIT             # (or call it from your own trap)
#   pxl_pg_start pxeline                 # prints and sets PXL_PG_URL
#   pxl_pg_psql -c 'SELECT 1'
#   pxl_pg_stop; pxl_pg_start_again      # a mid-run outage
#   pxl_pg_cleanup                       # stop and remove; safe to repeat
#
# PostgreSQL refuses to run as root, so initdb and pg_ctl run as user
# postgres in a mktemp directory. It listens on a unix socket only, in that
# directory: reachable from every network namespace (a TCP port would live
# in one), and the port only names the socket file, so two tests never
# collide. Authentication is trust: the socket sits in the test's own 0700
# directory. URL: postgresql://postgres@%2Fsocket%2Fdir:PORT/DB

PXL_PG_DIR=${PXL_PG_DIR:-}
PXL_PG_PORT=${PXL_PG_PORT:-}
PXL_PG_DB=${PXL_PG_DB:-}
PXL_PG_URL=${PXL_PG_URL:-}
PXL_PG_BIN=${PXL_PG_BIN:-}

# The newest installed server's bin directory, or nothing.
pxl_pg_bindir()
{
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || return 1
	printf '%s\n' "$d"
}

# 0 when a cluster can be started here (binaries and the postgres user).
pxl_pg_available()
{
	PXL_PG_BIN=${PXL_PG_BIN:-$(pxl_pg_bindir)} || return 1
	[ -n "$PXL_PG_BIN" ] || return 1
	[ "$(id -u)" -ne 0 ] || id postgres >/dev/null 2>&1 || return 1
	command -v runuser >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]
}

# Runs a command as the cluster's owner (postgres when we are root).
pxl_pg_as()
{
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# URL-encodes a socket directory for the host part of a libpq URL.
pxl_pg_encode()
{
	printf '%s' "$1" | sed -e 's/%/%25/g' -e 's|/|%2F|g'
}

# pxl_pg_start [DB]: initdb, start, createdb DB (default pxeline); sets
# PXL_PG_DIR, PXL_PG_PORT, PXL_PG_DB, PXL_PG_URL and prints the URL.
# Call it in the shell itself, not in $(...): the variables must stay set.
pxl_pg_start()
{
	local db=${1:-pxeline}
	pxl_pg_available || { echo "pg.sh: no PostgreSQL server binaries" >&2; return 1; }
	[ -z "$PXL_PG_DIR" ] || { echo "pg.sh: a cluster is already up in $PXL_PG_DIR" >&2; return 1; }
	PXL_PG_DIR=$(mktemp -d /tmp/pxl-pg.XXXXXX)
	chmod 0700 "$PXL_PG_DIR"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$PXL_PG_DIR"
	PXL_PG_PORT=$((20000 + RANDOM % 20000))
	PXL_PG_DB=$db
	pxl_pg_as "$PXL_PG_BIN/initdb" -D "$PXL_PG_DIR/data" -U postgres -A trust \
		--no-sync -E UTF8 >"$PXL_PG_DIR/initdb.log" 2>&1 || {
		cat "$PXL_PG_DIR/initdb.log" >&2
		return 1
	}
	cat >>"$PXL_PG_DIR/data/postgresql.conf" <<-EOF
	listen_addresses = ''
	port = $PXL_PG_PORT
	unix_socket_directories = '$PXL_PG_DIR'
	fsync = off
	max_connections = 50
	EOF
	pxl_pg_start_again || return 1
	pxl_pg_as "$PXL_PG_BIN/createdb" -h "$PXL_PG_DIR" -p "$PXL_PG_PORT" -U postgres "$db" || return 1
	PXL_PG_URL="postgresql://postgres@$(pxl_pg_encode "$PXL_PG_DIR"):$PXL_PG_PORT/$db"
	export PXL_PG_DIR PXL_PG_PORT PXL_PG_DB PXL_PG_URL PXL_PG_BIN
	printf '%s\n' "$PXL_PG_URL"
}

# Starts the (stopped) cluster again, waiting until it accepts connections.
pxl_pg_start_again()
{
	[ -n "$PXL_PG_DIR" ] || return 1
	pxl_pg_as "$PXL_PG_BIN/pg_ctl" -D "$PXL_PG_DIR/data" -l "$PXL_PG_DIR/server.log" \
		-w -t 30 start >/dev/null || {
		tail -n 20 "$PXL_PG_DIR/server.log" >&2
		return 1
	}
}

# Stops the cluster (fast: sessions are cut, as in an outage); data stays.
pxl_pg_stop()
{
	[ -n "$PXL_PG_DIR" ] && [ -d "$PXL_PG_DIR/data" ] || return 0
	pxl_pg_as "$PXL_PG_BIN/pg_ctl" -D "$PXL_PG_DIR/data" -m fast -w -t 30 stop \
		>/dev/null 2>&1 || true
}

# psql against the test database, as postgres, no .psqlrc, stop on error.
pxl_pg_psql()
{
	pxl_pg_as "$PXL_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PXL_PG_DIR" \
		-p "$PXL_PG_PORT" -U postgres -d "$PXL_PG_DB" "$@"
}

# Stops the cluster and removes its directory. Idempotent, for EXIT traps.
pxl_pg_cleanup()
{
	[ -n "$PXL_PG_DIR" ] || return 0
	if [ -f "$PXL_PG_DIR/data/postmaster.pid" ]; then
		pxl_pg_as "$PXL_PG_BIN/pg_ctl" -D "$PXL_PG_DIR/data" -m immediate -w -t 30 \
			stop >/dev/null 2>&1 || true
	fi
	case $PXL_PG_DIR in
	/tmp/pxl-pg.*) rm -rf "$PXL_PG_DIR" ;;
	esac
	PXL_PG_DIR=
	PXL_PG_URL=
}
