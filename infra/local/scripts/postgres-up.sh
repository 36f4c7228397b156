#!/usr/bin/env bash
# Creates the PostgreSQL 15 cluster of the db host (once) and starts it on DB_ADDRESS:DB_PORT.
# The superuser password is generated once, kept in DB_PASSWORD_FILE (mode 0600).
# initdb refuses to run as root: when root, the cluster belongs to the postgres system user.
set -euo pipefail
HOST_NAME=db
. "$(dirname "$0")/lib.sh"
: "${DB_DIR:?}" "${DB_ADDRESS:?}" "${DB_PORT:?}" "${DB_PASSWORD_FILE:?}"
umask 022

for tool in initdb pg_ctl postgres; do
  command -v "$tool" >/dev/null || fail "$tool not found: install PostgreSQL 15 server binaries ('sudo apt-get install -y postgresql-15') and put them on PATH."
done

if [ ! -s "$DB_PASSWORD_FILE" ]; then
  mkdir -p "$(dirname "$DB_PASSWORD_FILE")"
  (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$DB_PASSWORD_FILE")
fi

mkdir -p "$DB_DIR"
data="$DB_DIR/pgdata"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || fail "running as root needs the 'postgres' system user (installed with the postgresql package)."
  # The postgres user must reach the data folder. If a folder above it is closed to others
  # (e.g. a clone under /root), keep the data in postgres's own home and link it here.
  if ! runuser -u postgres -- test -x "$DB_DIR"; then
    external="/var/lib/postgresql/platform/$(printf '%s' "$DB_DIR" | sha256sum | cut -c1-16)"
    mkdir -p "$external"
    chown postgres: "$(dirname "$external")" "$external"
    ln -sfn "$external" "$data"
    data="$external/pgdata"
    log "data folder kept in $data (postgres cannot reach $DB_DIR)"
  fi
fi

if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  chmod 700 "$data"
  [ "$(id -u)" = 0 ] && chown postgres: "$data"
  pwfile=$(mktemp)
  cp "$DB_PASSWORD_FILE" "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
  pg_owner initdb -D "$data" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --locale=C.UTF-8 >"$DB_DIR/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; fail "initdb failed; see $DB_DIR/initdb.log"; }
  rm -f "$pwfile"
  cat >>"$data/postgresql.conf" <<CONF

# Set by infra/local/scripts/postgres-up.sh
listen_addresses = '$DB_ADDRESS'
port = $DB_PORT
unix_socket_directories = ''
max_connections = 200
logging_collector = off
CONF
  printf 'host all all 127.0.0.0/8 scram-sha-256\n' >"$data/pg_hba.conf"
  [ "$(id -u)" = 0 ] && chown postgres: "$data/pg_hba.conf"
  log "cluster created in $data"
fi

if pg_owner pg_ctl -D "$data" status >/dev/null 2>&1; then
  log "postgres already running on $DB_ADDRESS:$DB_PORT"
  exit 0
fi
require_free "$DB_ADDRESS" "$DB_PORT" "postgres"
pg_start "$data"
log "postgres listening on $DB_ADDRESS:$DB_PORT"
