#!/usr/bin/env bash
# Stops the db host's PostgreSQL cluster and removes its data (including data kept outside the host folder).
set -euo pipefail
HOST_NAME=db
. "$(dirname "$0")/lib.sh"
: "${DB_DIR:?}"

data=$(pg_data "$DB_DIR")
external=""
[ -L "$DB_DIR/pgdata" ] && external=$(readlink "$DB_DIR/pgdata")
if [ -f "$data/postmaster.pid" ]; then
  pg_owner pg_ctl -D "$data" -m fast -w -t 30 stop >/dev/null || true
  # Whatever survived the fast shutdown goes now.
  pid=$(head -1 "$data/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
fi
rm -rf "$DB_DIR/pgdata" ${external:+"$external"}
log "postgres stopped"
