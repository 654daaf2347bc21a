#!/usr/bin/env bash
# A local PostgreSQL for running the grid in persistent mode, with this machine's PostgreSQL binaries.
#
#   scripts/postgres.sh start    initialise (first time) and start; create database "monitorgrid"
#   scripts/postgres.sh stop     stop the server
#   scripts/postgres.sh status   is it running, and where
#   scripts/postgres.sh url      the connection string for ConnectionStrings__MonitorGrid
#
# Data lives in .data/postgres under the repository (git-ignored). The port is PGPORT, or 5432. The server
# listens on 127.0.0.1 only and trusts local connections (no password): a development database, not a
# production one. As root, the server runs as the "postgres" user through runuser.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_root="$repo/.data"
pgdata="$data_root/postgres"
log="$data_root/postgres.log"
database="monitorgrid"
superuser="postgres"

# PATH first, then Debian's versioned directory (its postgresql package does not put the server on PATH).
pg_ctl_path="$(command -v pg_ctl || ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$pg_ctl_path" ]]; then
    echo "pg_ctl was not found: install the PostgreSQL server (Debian: apt-get install postgresql)." >&2
    exit 1
fi
bindir="$(dirname "$(readlink -f "$pg_ctl_path")")"

as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$superuser" -- "$@"
    else
        "$@"
    fi
}

running_port() {
    # The fourth line of postmaster.pid is the port of a running server.
    if as_postgres "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
        sed -n 4p "$pgdata/postmaster.pid"
    fi
}

connection_string() {
    local port="${1:-${PGPORT:-5432}}"
    echo "Host=127.0.0.1;Port=$port;Database=$database;Username=$superuser"
}

init() {
    mkdir -p "$data_root"
    if [[ -f "$pgdata/PG_VERSION" ]]; then
        return
    fi
    mkdir -p "$pgdata"
    if [[ "$(id -u)" == 0 ]]; then
        chown "$superuser:$superuser" "$pgdata"
        touch "$log" && chown "$superuser:$superuser" "$log"
        if ! runuser -u "$superuser" -- test -w "$pgdata"; then
            echo "The $superuser user cannot reach $pgdata (a parent directory is closed to it)." >&2
            exit 1
        fi
    fi
    as_postgres "$bindir/initdb" -D "$pgdata" -U "$superuser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$pgdata/postgresql.conf" <<CONF

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
timezone = 'UTC'
max_connections = 200
CONF
}

start() {
    init
    local port="${PGPORT:-5432}"
    local current
    current="$(running_port)"
    if [[ -n "$current" ]]; then
        echo "PostgreSQL is already running on port $current." >&2
        port="$current"
    else
        as_postgres "$bindir/pg_ctl" start -w -t 60 -D "$pgdata" -l "$log" -o "-p $port" >/dev/null
    fi
    local exists
    exists="$("$bindir/psql" -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'")"
    if [[ "$exists" != "1" ]]; then
        "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$superuser" "$database"
    fi
    echo "PostgreSQL is running on 127.0.0.1:$port (data in .data/postgres). Run the grid with:"
    echo "  export ConnectionStrings__MonitorGrid='$(connection_string "$port")'"
}

stop() {
    if [[ -z "$(running_port)" ]]; then
        echo "PostgreSQL is not running."
        return
    fi
    as_postgres "$bindir/pg_ctl" stop -w -t 60 -m fast -D "$pgdata" >/dev/null
    echo "PostgreSQL stopped."
}

status() {
    local port
    port="$(running_port)"
    if [[ -n "$port" ]]; then
        echo "PostgreSQL is running on 127.0.0.1:$port (data in .data/postgres)."
    else
        echo "PostgreSQL is not running."
        return 3
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) connection_string "$(running_port)" ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
