#!/usr/bin/env bash
# Stops the db host's PostgreSQL cluster and removes its data (including data kept outside the host folder).
set -euo pipefail
HOST_NAME=db
. "$(dirname "$0")/lib.sh"
: "${DB_DIR:?}"

data="$DB_DIR/pgdata"
external=""
if [ -L "$data" ]; then
  external=$(readlink "$data")
  data="$external/pgdata"
fi
if [ -f "$data/postmaster.pid" ]; then
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- pg_ctl -D "$data" -m fast -w -t 30 stop >/dev/null || true
  else
    pg_ctl -D "$data" -m fast -w -t 30 stop >/dev/null || true
  fi
  # Whatever survived the fast shutdown goes now.
  pid=$(head -1 "$data/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
fi
rm -rf "$DB_DIR/pgdata" ${external:+"$external"}
log "postgres stopped"
