#!/usr/bin/env bash
# Alertmanager: the Debian package's /usr/bin/prometheus-alertmanager, run by this script (not the
# package's service) on 127.0.0.1:9093 with infra/alertmanager/alertmanager.yml (email via maildev on
# 127.0.0.1:1025); silences and notification state in $DATA_DIR/alertmanager. Clustering is off
# (empty --cluster.listen-address) so it does not take 9094, which a 3-broker Kafka uses.
# Usage: alertmanager.sh install|start|stop|status|check
#   check  amtool check-config on the local and compose configs.
COMPONENT=alertmanager
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
# shellcheck source=../debian-service.sh
source "$REPO_ROOT/infra/local/debian-service.sh"

AM_PORT=9093
AM_URL="http://127.0.0.1:$AM_PORT"
AM_DIR="$REPO_ROOT/infra/alertmanager"
BINARY=/usr/bin/prometheus-alertmanager

ready() { curl -fsS --max-time 2 "$AM_URL/-/ready" >/dev/null 2>&1; }

install() {
  if ! [[ -x "$BINARY" ]]; then
    # apt_install skips recommended packages, so prometheus-node-exporter is not pulled in.
    apt_install prometheus-alertmanager
    disable_package_service prometheus-alertmanager
  fi
}

start() {
  [[ -x "$BINARY" ]] || die "prometheus-alertmanager is not installed: run $0 install"
  release_port_from_package_service prometheus-alertmanager "$AM_PORT" alertmanager prometheus
  ready && return 0
  say "starting alertmanager on 127.0.0.1:$AM_PORT"
  mkdir -p "$DATA_DIR/alertmanager"
  spawn alertmanager "$BINARY" \
    --config.file="$AM_DIR/alertmanager.yml" \
    --storage.path="$DATA_DIR/alertmanager" \
    --web.listen-address="127.0.0.1:$AM_PORT" \
    --web.external-url="$AM_URL" \
    --cluster.listen-address=
  wait_until 60 "alertmanager on $AM_PORT" ready || die "alertmanager did not become ready; see $LOG_DIR/alertmanager.log"
}

stop() { stop_pid alertmanager 30; }

status() {
  if ready; then
    status_line alertmanager healthy "$AM_URL"
  else
    status_line alertmanager unhealthy "$AM_URL/-/ready does not answer"
    return 1
  fi
}

check() {
  command -v amtool >/dev/null || die "amtool not found: run $0 install"
  amtool check-config "$AM_DIR/alertmanager.yml" "$AM_DIR/compose/alertmanager.yml"
}

run_subcommand "$@"
