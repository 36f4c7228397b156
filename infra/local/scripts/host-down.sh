#!/usr/bin/env bash
# Removes one local host: stops what was deployed on it, stops its sshd, deletes its folder.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
: "${HOST_NAME:?}" "${HOST_DIR:?}"

kill_under "$HOST_DIR/base"
stop_pidfile "$HOST_DIR/sshd.pid" sshd
rm -rf "$HOST_DIR"
rmdir "$(dirname "$HOST_DIR")" 2>/dev/null || true
log "removed"
