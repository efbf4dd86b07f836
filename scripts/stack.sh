#!/usr/bin/env bash
# The whole stack in the background: infrastructure, migrations, then the three services.
#   scripts/stack.sh up     build, bring infra up, migrate, start gateway / order-service / cancel-service,
#                           and wait until each /health answers 200
#   scripts/stack.sh down   stop the services, then the infrastructure this project started
# Logs: .local/logs/<service>.log (JSON lines).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/.local/run"
LOGS="$ROOT/.local/logs"
# Ports as the services read them (GATEWAY_PORT…), so a second stack can run beside the first.
SERVICES=("gateway:${GATEWAY_PORT:-3000}" "order-service:${ORDER_SERVICE_PORT:-3001}" "cancel-service:${CANCEL_SERVICE_PORT:-3002}")
cd "$ROOT"

say() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }
pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }
healthy() { curl -fsS -m 2 "http://127.0.0.1:$1/health" >/dev/null 2>&1; }

start_service() {
  local name=$1 port=$2 pidfile="$RUN/$1.pid"
  if pid_alive "$pidfile"; then
    say "$name: already running (pid $(cat "$pidfile"))"
    return
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use by another process: $name cannot start"
  fi
  nohup node "dist/apps/$name/src/main.js" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

wait_healthy() {
  local name=$1 port=$2 deadline=$((SECONDS + 60))
  until healthy "$port"; do
    pid_alive "$RUN/$name.pid" || die "$name exited during startup: tail $LOGS/$name.log"
    [ "$SECONDS" -lt "$deadline" ] || die "$name is not healthy after 60 s: curl http://127.0.0.1:$port/health"
    sleep 0.25
  done
  say "$name: healthy on http://127.0.0.1:$port"
}

stop_service() {
  local name=$1 pidfile="$RUN/$1.pid"
  if pid_alive "$pidfile"; then
    local pid deadline=$((SECONDS + 30))
    pid=$(cat "$pidfile")
    kill "$pid" # graceful: in-flight batches are drained before exit
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    say "$name: stopped"
  fi
  rm -f "$pidfile"
}

up() {
  mkdir -p "$RUN" "$LOGS"
  [ -d node_modules ] || npm ci --no-audit --no-fund
  npm run --silent build
  bash scripts/infra.sh up
  node dist/scripts/migrate.js
  for entry in "${SERVICES[@]}"; do start_service "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do wait_healthy "${entry%%:*}" "${entry##*:}"; done
  say "up: gateway http://127.0.0.1:${SERVICES[0]##*:}, order-service :${SERVICES[1]##*:}, cancel-service :${SERVICES[2]##*:} (logs in .local/logs)"
}

down() {
  for entry in "${SERVICES[@]}"; do stop_service "${entry%%:*}"; done
  bash "$ROOT/scripts/infra.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: scripts/stack.sh up|down" ;;
esac
