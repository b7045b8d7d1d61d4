# shellcheck shell=bash
# Shared helpers for the local-stack component scripts. Source it; do not run it.
#
# Convention: every component is one executable script infra/local/components/<name>.sh
# taking one subcommand: install | start | stop | status. Each subcommand is idempotent:
# `install` does nothing when already installed, `start` does nothing when already healthy,
# `stop` does nothing when not running, `status` prints one line and exits 0 only if healthy.
#
# Everything the stack installs, stores or logs lives under $SAWMILL_HOME (default
# <repo>/.local, ignored by git): jars in $SAWMILL_HOME/opt, data in $SAWMILL_HOME/data,
# logs in $SAWMILL_HOME/logs, pid files in $SAWMILL_HOME/run.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SAWMILL_HOME="${SAWMILL_HOME:-$REPO_ROOT/.local}"
OPT_DIR="$SAWMILL_HOME/opt"
DATA_DIR="$SAWMILL_HOME/data"
LOG_DIR="$SAWMILL_HOME/logs"
RUN_DIR="$SAWMILL_HOME/run"
mkdir -p "$OPT_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"

# Prints a message on stderr prefixed by the component name.
say() { echo "[${COMPONENT:-stack}] $*" >&2; }

# Exits with a message.
die() { say "error: $*"; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until a command succeeds, or fails after $1 seconds. Usage: wait_until 60 "what" cmd args...
wait_until() {
  local timeout="$1" what="$2"
  local deadline=$((SECONDS + timeout))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      say "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 1
  done
}

# The pid recorded for a process name, if that process is still alive.
running_pid() {
  local file="$RUN_DIR/$1.pid"
  [[ -f "$file" ]] || return 1
  local pid
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Starts a command in the background in its own session (so its whole process group can be
# stopped), logging to $LOG_DIR/<name>.log and recording its pid. Usage: spawn name cmd args...
spawn() {
  local name="$1"
  shift
  if running_pid "$name" >/dev/null; then return 0; fi
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# Stops a process started by spawn: SIGTERM to its process group, then SIGKILL after $2 seconds.
stop_pid() {
  local name="$1" grace="${2:-30}" pid
  if ! pid="$(running_pid "$name")"; then
    rm -f "$RUN_DIR/$name.pid"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop within ${grace}s, killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# Installs Debian packages that are missing (apt-get update only when needed).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Prints the one status line every component prints: "<name> <healthy|unhealthy> <detail>".
status_line() { printf '%-14s %-10s %s\n' "$1" "$2" "${3:-}"; }

# Runs the subcommand named by $1 if this script defines it (install, start, stop, status,
# or an extra one such as check); anything else is a usage error, never an arbitrary command.
run_subcommand() {
  local sub="${1:-}"
  case "$sub" in
    install | start | stop | status | check | logs)
      if declare -F "$sub" >/dev/null; then
        "$sub"
        return
      fi
      ;;
  esac
  echo "usage: $0 install|start|stop|status" >&2
  return 2
}

# Installs the npm dependencies when node_modules is missing or older than package-lock.json.
ensure_node_deps() {
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$REPO_ROOT/package-lock.json" -nt "$stamp" ]]; then
    say "installing npm dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Compiles the TypeScript sources to dist/ (the local stack runs the compiled CLI, like the image).
ensure_built() {
  ensure_node_deps
  say "compiling TypeScript (npm run build)"
  (cd "$REPO_ROOT" && npm run --silent build)
}

# Runs the compiled Sawmill CLI.
sawmill_cli() { node "$REPO_ROOT/dist/bin/sawmill.js" "$@"; }

# Installs a Java 17+ runtime and Maven from Debian when missing (Kafka and OpenSearch jars come
# from Maven Central through mvn, and run on java).
ensure_java_and_maven() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
}
