#!/usr/bin/env bash
# Stops HAProxy on the lb host (the host's folder itself goes with host-down.sh).
set -euo pipefail
HOST_NAME=lb
. "$(dirname "$0")/lib.sh"
: "${LB_DIR:?}"

stop_pidfile "$LB_DIR/haproxy/haproxy.pid" haproxy
rm -rf "$LB_DIR/haproxy"
log "haproxy stopped"
