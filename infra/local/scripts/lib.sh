# Shared helpers for the local environment's scripts (sourced, not run).

log() { printf '[%s] %s\n' "${HOST_NAME:-${0##*/}}" "$*"; }
fail() { printf '[%s] ERROR: %s\n' "${HOST_NAME:-${0##*/}}" "$*" >&2; exit 1; }

# is_running PIDFILE NAME: the pid in PIDFILE is a live (not zombie) process whose command is NAME.
is_running() {
  local pid state
  [ -s "$1" ] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Z]).*/\1/' "/proc/$pid/stat")
  [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# stop_pidfile PIDFILE NAME: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pidfile() {
  local pid i
  is_running "$1" "$2" || return 0
  pid=$(tr -dc '0-9' <"$1")
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
