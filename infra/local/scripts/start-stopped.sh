#!/usr/bin/env bash
# Starts again what stopped on the local hosts that exist: each host's sshd, HAProxy on lb and
# PostgreSQL on db. A local host is a set of processes, so a reboot or a crash stops it, where a
# cloud host restarts its services itself; Terraform cannot see that (its resources ran their
# scripts once), so Apply runs this before Terraform applies (platform.json "startStopped"), so that the lb host can hold the deploy lock. Everything is
# started from what the up scripts wrote; HAProxy comes back with every slot in maintenance and
# RollNode (a Deploy of the running version) puts the serving ones back. CHECK=1: only say what.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
: "${STATE_DIR:?}"

hosts="$STATE_DIR/hosts"
[ -d "$hosts" ] || exit 0

# start WHAT COMMAND...: says what it starts (or would, in check mode) and starts it.
start() {
  local what=$1
  shift
  if [ -n "${CHECK:-}" ]; then
    log "would start $what (stopped)"
  else
    "$@"
    log "started $what (it had stopped)"
  fi
}

for dir in "$hosts"/*/; do
  dir=${dir%/}
  HOST_NAME=${dir##*/}
  [ -f "$dir/sshd_config" ] || continue
  is_running "$dir/sshd.pid" sshd && continue
  listen=$(sed -n 's/^ListenAddress //p' "$dir/sshd_config" | head -1)
  start "sshd on $listen" start_sshd "$dir" "${listen%:*}" "${listen##*:}"
done

HOST_NAME=lb
lb="$hosts/lb/haproxy"
if [ -f "$lb/haproxy.cfg" ] && ! is_running "$lb/haproxy.pid" haproxy; then
  frontend=$(sed -n 's/^ *bind //p' "$lb/haproxy.cfg" | head -1)
  runtime=$(sed -n 's/^ *stats socket ipv4@\([^ ]*\).*/\1/p' "$lb/haproxy.cfg" | head -1)
  start "haproxy on $frontend, every slot in maintenance until a roll readies those that serve" start_haproxy "$lb" "$frontend" "$runtime"
fi

HOST_NAME=db
if [ -d "$hosts/db" ]; then
  data=$(pg_data "$hosts/db")
  if [ -f "$data/PG_VERSION" ] && ! pg_owner pg_ctl -D "$data" status >/dev/null 2>&1; then
    address=$(sed -n "s/^listen_addresses = '\(.*\)'/\1/p" "$data/postgresql.conf" | tail -1)
    port=$(sed -n 's/^port = \([0-9]*\).*/\1/p' "$data/postgresql.conf" | tail -1)
    [ -z "$address" ] || [ -n "${CHECK:-}" ] || require_free "$address" "${port:-5432}" "postgres"
    start "postgres on $address:${port:-5432}" pg_start "$data"
  fi
fi
