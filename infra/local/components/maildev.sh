#!/usr/bin/env bash
# maildev: catches every email the stack sends (Alertmanager, the notifier) on SMTP 127.0.0.1:1025
# and shows it at http://127.0.0.1:1080. Runs from node_modules (a devDependency); mails are kept in
# $DATA_DIR/maildev across restarts. Usage: maildev.sh install|start|stop|status
COMPONENT=maildev
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

SMTP_PORT="${MAILDEV_SMTP_PORT:-1025}"
WEB_PORT="${MAILDEV_WEB_PORT:-1080}"
WEB_URL="http://127.0.0.1:$WEB_PORT"
BIN="$REPO_ROOT/node_modules/.bin/maildev"

ready() { curl -fsS --max-time 2 "$WEB_URL/healthz" >/dev/null 2>&1 && port_open "$SMTP_PORT"; }

install() {
  ensure_node_deps
  [[ -x "$BIN" ]] || die "$BIN is missing after npm ci: is maildev still in package.json?"
}

start() {
  ready && return 0
  [[ -x "$BIN" ]] || die "maildev is not installed: run $0 install"
  say "starting maildev: SMTP 127.0.0.1:$SMTP_PORT, web $WEB_URL"
  mkdir -p "$DATA_DIR/maildev"
  spawn maildev "$BIN" --smtp "$SMTP_PORT" --web "$WEB_PORT" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --mail-directory "$DATA_DIR/maildev" --silent
  wait_until 30 "maildev on $SMTP_PORT/$WEB_PORT" ready || die "maildev did not start; see $LOG_DIR/maildev.log"
}

stop() { stop_pid maildev 10; }

status() {
  if ready; then
    status_line maildev healthy "smtp 127.0.0.1:$SMTP_PORT, web $WEB_URL"
  else
    status_line maildev unhealthy "smtp 127.0.0.1:$SMTP_PORT or $WEB_URL/healthz does not answer"
    return 1
  fi
}

run_subcommand "$@"
