# Shared helpers for the local environment's scripts (sourced, not run).

log() { printf '[%s] %s\n' "${HOST_NAME:-${0##*/}}" "$*"; }
fail() { printf '[%s] ERROR: %s\n' "${HOST_NAME:-${0##*/}}" "$*" >&2; exit 1; }

# is_running PIDFILE NAME: the pid in PIDFILE is a live (not zombie) process whose command is NAME.
is_running() {
  local pid state
  [ -s "$1" ] || return 1
  pid=$(tr -dc '0-9' 2>/dev/null <"$1") # a process that exits removes its pid file meanwhile (2> first: bash redirects in order)
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Z]).*/\1/' "/proc/$pid/stat")
  [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# stop_pidfile PIDFILE NAME: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pidfile() {
  local pid i
  is_running "$1" "$2" || return 0
  pid=$(tr -dc '0-9' <"$1" 2>/dev/null)
  [ -n "$pid" ] || return 0 # it exited (and removed its pid file) just now
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    is_running "$1" "$2" || return 0
    sleep 0.1
  done
  log "$2 (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# wait_port ADDRESS PORT SECONDS: until something accepts TCP connections there.
wait_port() {
  local i
  for i in $(seq 1 $(($3 * 10))); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# kill_under DIR: stop every process started from inside DIR (deployed releases of a host).
kill_under() {
  local pids
  pids=$(pgrep -f -- "$1/" || true)
  [ -z "$pids" ] && return 0
  kill -TERM $pids 2>/dev/null || true
  sleep 1
  pids=$(pgrep -f -- "$1/" || true)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
  return 0
}

# require_free ADDRESS PORT WHAT: fails when something already listens there. HAProxy (SO_REUSEPORT)
# would share the port with it, and an sshd that cannot bind exits while the port still answers:
# either way the start would look fine and another environment's process would be serving.
require_free() {
  if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
    fail "$1:$2, where $3 should listen, is already in use by another process (another environment on the same addresses? give this one its own with --var=address_prefix=127.0.N.). Nothing was started there."
  fi
}

# start_sshd HOST_DIR ADDRESS PORT: starts a host's sshd with the configuration host-up.sh wrote there.
start_sshd() {
  require_free "$2" "$3" "sshd"
  # sshd insists on its privilege separation folder.
  [ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || fail "/run/sshd is missing and cannot be created: run 'sudo mkdir -p /run/sshd'."
  [ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd not found: install it with 'sudo apt-get install -y openssh-server'."
  /usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log"
  wait_port "$2" "$3" 10 || fail "sshd did not listen on $2:$3 within 10 s; see $1/sshd.log"
}

# start_haproxy DIR FRONTEND_ADDRESS:PORT RUNTIME_ADDRESS:PORT: a new HAProxy from DIR/haproxy.cfg with
# every server in maintenance (no saved states: RollNode readies the slots that serve).
start_haproxy() {
  require_free "${2%:*}" "${2##*:}" "haproxy's frontend"
  require_free "${3%:*}" "${3##*:}" "haproxy's runtime API"
  printf '1\n' >"$1/haproxy.state" # the format's version line, no servers: no warning that the file has none
  # In DIR: the configuration names its handover socket relative to it (see haproxy-up.sh).
  (cd "$1" && haproxy -D -f "$PWD/haproxy.cfg" -p "$PWD/haproxy.pid")
  wait_port "${2%:*}" "${2##*:}" 10 || fail "haproxy did not listen on $2"
  wait_port "${3%:*}" "${3##*:}" 10 || fail "haproxy runtime API did not listen on $3"
}

# pg_owner COMMAND...: runs a PostgreSQL tool as the cluster's owner (the postgres user when root: initdb refuses root).
pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_data DB_DIR: the cluster's data folder (postgres-up.sh keeps it outside DB_DIR, behind a link, when root's postgres user cannot reach DB_DIR).
pg_data() {
  if [ -L "$1/pgdata" ]; then echo "$(readlink "$1/pgdata")/pgdata"; else echo "$1/pgdata"; fi
}

# pg_start DATA: starts the cluster, waiting until it accepts connections.
pg_start() {
  pg_owner pg_ctl -D "$1" -l "$1/postgres.log" -w -t 30 start >/dev/null || fail "postgres did not start; see $1/postgres.log"
}

# first_insecure_ancestor PATH: prints the first folder above PATH that others may write to.
first_insecure_ancestor() {
  local dir
  dir=$(dirname "$1")
  while [ "$dir" != "/" ]; do
    if [ -n "$(find "$dir" -maxdepth 0 -perm /022 2>/dev/null)" ]; then
      echo "$dir"
      return 0
    fi
    dir=$(dirname "$dir")
  done
  return 1
}
