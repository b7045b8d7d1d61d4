# shellcheck shell=bash
# Helpers for components that run the binary of a Debian package themselves (prometheus,
# alertmanager) instead of the package's own service. Source it after common.sh.
#
# Why: on a machine whose init system lets packages start services, installing the package starts
# its service with the package's config on the very port the stack wants. The stack runs the binary
# with its own config and data under $SAWMILL_HOME, so the package's service is stopped and disabled.

# The pid of the process listening on TCP port $1, empty when there is none.
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true; }

# Keeps the package's service from starting at boot. Usage: disable_package_service <service>
disable_package_service() {
  local service="$1"
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  elif [[ -x "/etc/init.d/$service" ]]; then
    update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
}

# Frees TCP port $2 when the package's service holds it: a listener running as the package's system
# user (not our own process) is stopped through the init system, and killed if it does not go. Any
# other process on the port is an error, never killed.
# Usage: release_port_from_package_service <service> <port> <spawned-name> <system-user>
release_port_from_package_service() {
  local service="$1" port="$2" ours="$3" sysuser="$4" pid ourpid owner
  pid="$(listener_pid "$port")"
  [[ -n "$pid" ]] || return 0
  if ourpid="$(running_pid "$ours")" && [[ "$pid" == "$ourpid" ]]; then return 0; fi
  # By uid: `ps -o user` may cut long names such as "prometheus" short.
  owner="$(ps -o uid= -p "$pid" 2>/dev/null | tr -d ' ')"
  if [[ -z "$owner" || "$owner" != "$(id -u "$sysuser" 2>/dev/null)" ]]; then
    die "port $port is taken by pid $pid ($(ps -o args= -p "$pid" 2>/dev/null | cut -c1-80)), not by the $service package's service; stop it first"
  fi
  say "the Debian $service service (pid $pid) holds port $port: stopping and disabling it"
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  else
    service "$service" stop >/dev/null 2>&1 || true
    disable_package_service "$service"
  fi
  if ! wait_until 15 "the $service service to release port $port" bash -c "! kill -0 $pid 2>/dev/null"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_until 15 "pid $pid to exit" bash -c "! kill -0 $pid 2>/dev/null" || die "could not stop pid $pid on port $port"
  fi
}
