#!/usr/bin/env bash
# Local infrastructure without Docker: Redis, PostgreSQL and Apache Kafka (KRaft, one node) on loopback.
#   scripts/infra.sh up       install what is missing, start what is not running, wait until each really works
#   scripts/infra.sh down     stop what this script started (never a server it found already running)
#   scripts/infra.sh status   one line per dependency
#   scripts/infra.sh wrk      print the path of wrk (the load generator), installing Debian's package if needed
#   scripts/infra.sh browser  print the path of Chromium, installing Debian's package if needed
#   scripts/infra.sh toxiproxy  print the path of toxiproxy-server, building it once into .local/tools
#   scripts/infra.sh promtool print the path of Prometheus' promtool, unpacking Debian's package if needed
#   scripts/infra.sh faketime print the path of libfaketime (a process with a skewed clock), installing it if needed
#   scripts/infra.sh node     print the folder of a Node 24.9 or later (Jest's), from the npm registry if needed
#   scripts/infra.sh stop|start redis|postgres|kafka   one dependency (the fault tests use these)
#   scripts/infra.sh pids redis|postgres|kafka   its server processes, one pid a line (the chaos tests
#                             kill -9 or SIGSTOP them; postgres: the postmaster first, then its backends)
# Data, logs and downloads live under .local/ (git-ignored). Ports match .env.example.
# INFRA_PROFILE=faults runs a second, separate set (data in .local/faults, ports 16379, 15432, 19092/19093)
# that the fault suite may stop and break without touching the one everything else uses. Any other
# INFRA_PROFILE name with INFRA_PORT_OFFSET=N runs one more set on the default ports + N (data in .local/<name>).
# INFRA_PROFILE=cluster: a Redis Cluster, three Kafka brokers and PostgreSQL (scripts/infra/cluster.sh).
# KAFKA_ADVERTISED_PORT (default: the broker's own port) is the port the broker tells clients to use: set it
# to a proxy's port (toxiproxy) when every connection, reconnections included, must go through the proxy.
set -euo pipefail
LOG_NAME=infra
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${INFRA_PROFILE:-}" in
  "") LOCAL="$ROOT/.local" REDIS_PORT=6379 PG_PORT=5432 KAFKA_PORT=9092 CONTROLLER_PORT=9093 ;;
  faults) LOCAL="$ROOT/.local/faults" REDIS_PORT=16379 PG_PORT=15432 KAFKA_PORT=19092 CONTROLLER_PORT=19093 ;;
  # Several Redis and Kafka nodes (scripts/infra/cluster.sh); these are the first of each.
  cluster) LOCAL="$ROOT/.local/cluster" REDIS_PORT=27001 PG_PORT=25532 KAFKA_PORT=29192 CONTROLLER_PORT=29292 ;;
  *)
    # Any other name: a set of its own, each port the default one plus INFRA_PORT_OFFSET.
    offset=${INFRA_PORT_OFFSET:?"INFRA_PROFILE=$INFRA_PROFILE needs INFRA_PORT_OFFSET (ports = defaults + offset)"}
    LOCAL="$ROOT/.local/$INFRA_PROFILE" REDIS_PORT=$((6379 + offset)) PG_PORT=$((5432 + offset))
    KAFKA_PORT=$((9092 + offset)) CONTROLLER_PORT=$((9093 + offset))
    ;;
esac
RUN="$LOCAL/run"
PG_USER=seckill PG_PASSWORD=seckill PG_DB=seckill
KAFKA_VERSION=3.9.1
TOXIPROXY_VERSION=v2.12.0
# Clients reconnect to the address the broker advertises: behind a proxy, it must advertise the proxy's port.
KAFKA_ADVERTISED_PORT=${KAFKA_ADVERTISED_PORT:-$KAFKA_PORT}
# A second listener for the benchmark's networked profile, advertised as the port its toxiproxy listens on
# for Kafka (loadtest/bench/network.ts: the listener on Kafka's port + 1386, the proxy on + 1385; + 2 is the
# chaos suite's proxy); the PLAINTEXT listener stays direct.
KAFKA_PROXIED_PORT=$((KAFKA_PORT + 1386)) KAFKA_PROXIED_ADVERTISED_PORT=$((KAFKA_PORT + 1385))
KAFKA_HOME="$LOCAL/kafka"
# Downloads are shared by every profile.
KAFKA_LIBS="$ROOT/.local/kafka/libs"
KAFKA_JAR="$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar"

for part in redis postgres kafka tools status; do source "$ROOT/scripts/infra/$part.sh"; done
# The cluster profile runs several Redis and Kafka nodes: its own up/down/status of those two.
[ "${INFRA_PROFILE:-}" = cluster ] && source "$ROOT/scripts/infra/cluster.sh"

mkdir -p "$RUN"
case "${1:-}" in
  up) redis_up && pg_up && kafka_up && say "ready: redis :$REDIS_PORT, postgres :$PG_PORT, kafka :$KAFKA_PORT" ;;
  down) kafka_down && redis_down && pg_down ;;
  status) status ;;
  wrk) wrk_path ;;
  browser) browser_path ;;
  toxiproxy) toxiproxy_path ;;
  promtool) promtool_path ;;
  faketime) faketime_path ;;
  node) node_dir ;;
  pids) pids_of "${2:-}" ;;
  stop | start)
    action=$([ "$1" = stop ] && echo down || echo up)
    case "${2:-}" in
      redis | kafka) "${2}_$action" ;;
      postgres) "pg_$action" ;;
      *) die "usage: scripts/infra.sh $1 redis|postgres|kafka" ;;
    esac
    ;;
  *) die "usage: scripts/infra.sh up|down|status|wrk|browser|toxiproxy|promtool|faketime|node|pids|stop|start" ;;
esac
