#!/usr/bin/env bash
# Prometheus: the Debian package's /usr/bin/prometheus, run by this script (not the package's
# service) on 127.0.0.1:9090 with infra/prometheus/prometheus.yml; data in $DATA_DIR/prometheus,
# kept 2 days. Usage: prometheus.sh install|start|stop|status|check
#   check  promtool check config (local and compose configs) and promtool test rules.
COMPONENT=prometheus
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
# shellcheck source=../debian-service.sh
source "$REPO_ROOT/infra/local/debian-service.sh"

PROM_PORT=9090
PROM_URL="http://127.0.0.1:$PROM_PORT"
PROM_DIR="$REPO_ROOT/infra/prometheus"
CONFIG="$PROM_DIR/prometheus.yml"

ready() { curl -fsS --max-time 2 "$PROM_URL/-/ready" >/dev/null 2>&1; }

install() {
  if ! [[ -x /usr/bin/prometheus && -x /usr/bin/promtool ]]; then
    apt_install prometheus
    # The package's service (if the init system started it) would hold 9090 with its own config.
    disable_package_service prometheus
  fi
}

start() {
  [[ -x /usr/bin/prometheus ]] || die "prometheus is not installed: run $0 install"
  release_port_from_package_service prometheus "$PROM_PORT" prometheus prometheus
  ready && return 0
  say "starting prometheus on 127.0.0.1:$PROM_PORT"
  mkdir -p "$DATA_DIR/prometheus"
  # --web.enable-lifecycle lets `curl -X POST $PROM_URL/-/reload` pick up config edits.
  spawn prometheus /usr/bin/prometheus \
    --config.file="$CONFIG" \
    --storage.tsdb.path="$DATA_DIR/prometheus" \
    --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$PROM_PORT" \
    --web.external-url="$PROM_URL" \
    --web.enable-lifecycle
  wait_until 60 "prometheus on $PROM_PORT" ready || die "prometheus did not become ready; see $LOG_DIR/prometheus.log"
}

stop() { stop_pid prometheus 30; }

status() {
  if ready; then
    status_line prometheus healthy "$PROM_URL"
  else
    status_line prometheus unhealthy "$PROM_URL/-/ready does not answer"
    return 1
  fi
}

check() {
  command -v promtool >/dev/null || die "promtool not found: run $0 install"
  promtool check config "$CONFIG"
  promtool check config "$PROM_DIR/compose/prometheus.yml"
  (cd "$PROM_DIR/rules" && promtool test rules ./*.rules.test.yml)
}

run_subcommand "$@"
