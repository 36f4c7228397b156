#!/usr/bin/env bash
# Platform's bootstrap: restore the Cake tool, build src/ in Release, run build/build.cake with
# every argument passed through. The exit code is Cake's.
#   ./build.sh --target=Deploy        provision and deploy the local environment
#   ./build.sh --target=Test          run every test project
set -euo pipefail
# Bash cannot trap a signal that was ignored when it started, as a script's background job (`./build.sh … &`)
# starts with SIGINT and SIGQUIT ignored: this script starts again with them at their defaults (where env
# can), so that a SIGINT sent to it alone still reaches Cake's cleanup.
if [ -z "${PLATFORM_SIGNALS_RESET:-}" ] && [ -r "/proc/$$/status" ] \
  && (( 0x$(awk '/^SigIgn:/ {print $2}' "/proc/$$/status") & 2 )) && env --default-signal=INT true 2>/dev/null; then
  export PLATFORM_SIGNALS_RESET=1
  exec env --default-signal=INT,QUIT bash "$0" "$@"
fi
# Not passed on: a build.sh that Cake or a test starts must make its own check.
unset PLATFORM_SIGNALS_RESET
# Paths given as arguments (--plan=, --key=, --state-dir= …) are relative to where this was run from.
export PLATFORM_CALLER_DIR="$PWD"
cd "$(dirname "$0")"

# Cake owns the flag --version (it prints Cake's version), so Platform's --version=X.Y.Z travels
# to the script as --release-version=X.Y.Z; build.cake reads it back as "version".
# --version with its value after a space is taken the same way; --version alone stays Cake's (it prints Cake's
# version). Given with other arguments but no value (`--version "$VERSION"` with VERSION unset), it is refused:
# Cake would print its version and exit 0 without running the target, and a CI job would pass having done nothing.
args=()
set -- "$@" ""
while [ $# -gt 1 ]; do
  arg=$1
  shift
  case "$arg" in
    # Cake's own parser rejects an empty value with a bare "Error" (exit 255): say which and what to do.
    --*=) echo "Error: ${arg} has no value: give one (${arg}VALUE) or leave the argument out." >&2; exit 1 ;;
    --version=*) args+=("--release-version=${arg#--version=}") ;;
    --version)
      if [ $# -gt 1 ] && [ -n "$1" ] && [ "${1#-}" = "$1" ]; then
        args+=("--release-version=$1")
        shift
      elif [ ${#args[@]} -eq 0 ] && [ $# -eq 1 ]; then
        args+=("$arg")
      else
        echo "Error: --version has no value: give one (--version=X.Y.Z), or leave it out for the version from git. (./build.sh --version alone prints Cake's version.)" >&2
        exit 1
      fi
      ;;
    *) args+=("$arg") ;;
  esac
done

# On a fresh Debian/Ubuntu machine, as root: install what the local environment needs.
install_missing_packages() {
  local missing=()
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v zstd >/dev/null || missing+=(zstd) # releases are packed and unpacked with it
  # Package links the native service with clang (any clang-NN will do) or gcc.
  compgen -c | grep -E '^(clang(-[0-9]+)?|gcc)$' >/dev/null || missing+=(clang zlib1g-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    return 0 # Not ours to install: the Preconditions check names what is missing and how to get it.
  fi
  echo "Installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
}
install_missing_packages

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Output to a file or a CI log that is not GitHub's (which shows colours): plain text, without
# Cake's colour codes (it honours NO_COLOR).
[ -t 1 ] || [ -n "${GITHUB_ACTIONS:-}" ] || export NO_COLOR="${NO_COLOR:-1}"
# Quiet when it works; when it fails (no network, a broken NuGet feed) its output says why.
if ! log=$(dotnet tool restore 2>&1); then
  printf '%s\n' "$log" >&2
  echo "Error: dotnet tool restore failed (see above): the Cake tool (.config/dotnet-tools.json) could not be restored." >&2
  exit 1
fi
echo "Building src/ (Release, ReadyToRun)"
# Quiet when it works (a line every 15 s while it goes on: a first build takes about half a minute).
build_log=$(mktemp "${TMPDIR:-/tmp}/platform-build.XXXXXX")
# Stopped while building: the build stops too (a background job ignores SIGINT: it would go on alone) and its log goes.
build=""
stop_build() { [ -z "$build" ] || { kill "$build" 2>/dev/null; wait "$build" 2>/dev/null || true; }; rm -f "$build_log"; exit "$1"; }
trap 'stop_build 130' INT
trap 'stop_build 143' TERM HUP
dotnet publish src/Platform.Targets/Platform.Targets.csproj -c Release --nologo -v q >"$build_log" 2>&1 &
build=$!
# The ticker ends on its own within a second of the build (no sleep of its own is left holding the output).
( t=0; while kill -0 "$build" 2>/dev/null; do sleep 0.2; t=$((t + 1)); [ $((t % 75)) -ne 0 ] || echo "  still building src/ ($((t / 5)) s)"; done ) &
ticker=$!
built=0
wait "$build" || built=$?
wait "$ticker" || true
if [ "$built" -ne 0 ]; then
  cat "$build_log"
  rm -f "$build_log"
  exit 1
fi
rm -f "$build_log"
trap - TERM HUP

# The Test target's total, written by this run only (a run of another target beside it leaves that one's alone).
summary=$(mktemp "${TMPDIR:-/tmp}/platform-test-summary.XXXXXX")
export PLATFORM_TEST_SUMMARY="$summary"
# Cake runs as a child so that the summary below can follow it. A SIGTERM, SIGHUP or SIGINT sent to
# this script alone (a CI job cancelled, a closed session, `kill -INT`) is passed on, so Cake's cleanup
# runs (the deploy lock released, a roll reverted), and this script waits for it to end. Ctrl+C reaches
# both: Platform counts the same signal arriving twice within a second once.
# A background job would start with SIGINT and SIGQUIT ignored (and .NET keeps them so) and reading
# /dev/null: `trap -` and `<&0` undo both, and `env --default-signal` (where env has it) undoes an
# ignore this script itself inherited (a script that started build.sh in the background).
# SIGINT is caught before Cake starts: a Ctrl+C right after would otherwise end this script before Cake's cleanup.
trap ':' INT
default_signals=()
env --default-signal=INT true 2>/dev/null && default_signals=(env --default-signal=INT,QUIT)
( trap - INT QUIT; exec ${default_signals[@]+"${default_signals[@]}"} dotnet cake build/build.cake ${args[@]+"${args[@]}"} ) <&0 &
cake=$!
trap 'kill -TERM "$cake" 2>/dev/null || true' TERM HUP
# `dotnet cake` is the SDK's host, with Cake a child of it: the host passes SIGTERM on but not SIGINT (which
# a terminal sends the whole group), so a SIGINT goes to its children too.
interrupt_cake() {
  local children
  children=$(pgrep -P "$cake" 2>/dev/null) || children=""
  if [ -n "$children" ]; then
    kill -INT "$cake" $children 2>/dev/null || true
  else
    # No pgrep, or Cake not started yet: the host passes SIGTERM on (to a Cake started later, its handler is
    # not there yet, and the run ends as a Ctrl+C ends it).
    kill -TERM "$cake" 2>/dev/null || true
  fi
}
trap interrupt_cake INT
# `wait` returns early when a trapped signal arrives: wait again until Cake has ended, then take its
# exit status (the shell keeps it for a child already waited for).
while kill -0 "$cake" 2>/dev/null; do wait "$cake" || true; done
status=0
wait "$cake" || status=$?
trap - TERM HUP INT
# The Test target's one-line total, repeated as the very last line (after Cake's own report).
[ -s "$summary" ] && cat "$summary"
rm -f "$summary"
exit $status
