#!/usr/bin/env bash
# The whole stack in the background: infrastructure, migrations, then the services.
#   scripts/stack.sh up     build, bring infra up, migrate, start gateway / order-service / cancel-service /
#                           payment-provider, and wait until each /health answers 200
#   scripts/stack.sh down   stop the services, then the infrastructure this project started
#   … up|down --cluster     the same on INFRA_PROFILE=cluster (a Redis Cluster, three Kafka brokers) with two
#                           instances of each service: gateways :3100/:3101, order-services :3110/:3111,
#                           cancel-services :3120/:3121, one payment-provider :3130 (logs and pids under
#                           .local/cluster)
# Logs: .local/logs/<service>.log (JSON lines). A second stack beside the first: INFRA_PROFILE=<name> with
# INFRA_PORT_OFFSET=N (scripts/infra.sh), REDIS_URL, DATABASE_URL and KAFKA_BROKERS on that profile's ports
# (checked) and GATEWAY_PORT, ORDER_SERVICE_PORT, CANCEL_SERVICE_PORT of its own; its pids and logs are under
# .local/<name>/, as its infrastructure's data is, so it never takes the first one's services for its own.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOCAL="$ROOT/.local${INFRA_PROFILE:+/$INFRA_PROFILE}"
RUN="$LOCAL/run"
LOGS="$LOCAL/logs"
# Ports as the services read them (GATEWAY_PORT…), so a second stack can run beside the first.
SERVICES=("gateway:${GATEWAY_PORT:-3000}" "order-service:${ORDER_SERVICE_PORT:-3001}" "cancel-service:${CANCEL_SERVICE_PORT:-3002}" "payment-provider:${PAYMENT_PROVIDER_PORT:-3003}")
CLUSTER=false
if [ "${2:-}" = --cluster ]; then
  CLUSTER=true RUN="$ROOT/.local/cluster/run" LOGS="$ROOT/.local/cluster/logs"
  SERVICES=("gateway:3100" "gateway:3101" "order-service:3110" "order-service:3111" "cancel-service:3120" "cancel-service:3121" "payment-provider:3130")
  source "$ROOT/scripts/infra/cluster-env.sh"
  # One provider; its callbacks go to the first order-service (a load balancer's job in a real deployment).
  export PAYMENT_PROVIDER_URL=http://127.0.0.1:3130 PAYMENT_CALLBACK_URL=http://127.0.0.1:3110/api/payments/callbacks
else
  # The provider and the callbacks follow the ports chosen above, so a second stack needs no more variables.
  export PAYMENT_PROVIDER_URL=${PAYMENT_PROVIDER_URL:-http://127.0.0.1:${PAYMENT_PROVIDER_PORT:-3003}}
  export PAYMENT_CALLBACK_URL=${PAYMENT_CALLBACK_URL:-http://127.0.0.1:${ORDER_SERVICE_PORT:-3001}/api/payments/callbacks}
fi
cd "$ROOT"

# A profile with INFRA_PORT_OFFSET runs its Redis, PostgreSQL and Kafka on the default ports + the offset
# (scripts/infra.sh): services told the default addresses would share the first stack's data and topics.
check_profile_addresses() {
  [ -n "${INFRA_PROFILE:-}" ] && [ -n "${INFRA_PORT_OFFSET:-}" ] || return 0
  local name port
  for name in REDIS_URL:6379 DATABASE_URL:5432 KAFKA_BROKERS:9092; do
    port=$((${name#*:} + INFRA_PORT_OFFSET)) name=${name%%:*}
    [[ "${!name:-}" =~ :$port(/|,|$) ]] ||
      die "INFRA_PROFILE=$INFRA_PROFILE serves on :$port, but $name is ${!name:-unset (the default one)}: export one on :$port"
  done
}

healthy() { curl -fsS -m 2 "http://127.0.0.1:$1/health" >/dev/null 2>&1; }
# Pid and log file name of one instance: two of a kind (the cluster) are told apart by their port.
instance() { if $CLUSTER; then echo "$1-$2"; else echo "$1"; fi; }
port_variable() {
  case $1 in
    gateway) echo GATEWAY_PORT ;;
    order-service) echo ORDER_SERVICE_PORT ;;
    payment-provider) echo PAYMENT_PROVIDER_PORT ;;
    *) echo CANCEL_SERVICE_PORT ;;
  esac
}

start_service() {
  local name=$1 port=$2 id
  id=$(instance "$1" "$2")
  local pidfile="$RUN/$id.pid"
  if pid_alive "$pidfile"; then
    say "$id: already running (pid $(cat "$pidfile"))"
    return
  fi
  port_open "$port" && die "port $port is in use by another process: $id cannot start"
  local flags=()
  # The gateway's young generation (apps/gateway/src/node-flags.ts).
  [ "$name" = gateway ] && flags=(--max-semi-space-size=64 --min-semi-space-size=16)
  env "$(port_variable "$name")=$port" nohup node "${flags[@]}" "dist/apps/$name/src/main.js" >>"$LOGS/$id.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

wait_healthy() {
  local name=$1 port=$2 deadline=$((SECONDS + 60)) id
  id=$(instance "$1" "$2")
  until healthy "$port"; do
    pid_alive "$RUN/$id.pid" || die "$id exited during startup: tail $LOGS/$id.log"
    [ "$SECONDS" -lt "$deadline" ] || die "$name is not healthy after 60 s: curl http://127.0.0.1:$port/health"
    sleep 0.25
  done
  say "$name: healthy on http://127.0.0.1:$port"
}

stop_service() {
  local name
  name=$(instance "$1" "$2")
  local pidfile="$RUN/$name.pid"
  if pid_alive "$pidfile"; then
    stop_pid "$(cat "$pidfile")" 30 # graceful: in-flight batches are drained before exit
    say "$name: stopped"
  fi
  rm -f "$pidfile"
}

up() {
  $CLUSTER || check_profile_addresses
  mkdir -p "$RUN" "$LOGS"
  ensure_node_modules
  build_and_migrate
  for entry in "${SERVICES[@]}"; do start_service "${entry%%:*}" "${entry##*:}"; done
  for entry in "${SERVICES[@]}"; do wait_healthy "${entry%%:*}" "${entry##*:}"; done
  if $CLUSTER; then
    say "up: gateways http://127.0.0.1:3100 and :3101, order-services :3110/:3111, cancel-services :3120/:3121, payment-provider :3130 (logs in .local/cluster/logs)"
  else
    say "up: gateway http://127.0.0.1:${SERVICES[0]##*:}, order-service :${SERVICES[1]##*:}, cancel-service :${SERVICES[2]##*:}, payment-provider :${SERVICES[3]##*:} (logs in ${LOGS#"$ROOT"/})"
  fi
}

down() {
  for entry in "${SERVICES[@]}"; do stop_service "${entry%%:*}" "${entry##*:}"; done
  bash "$ROOT/scripts/infra.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: scripts/stack.sh up|down [--cluster]" ;;
esac
