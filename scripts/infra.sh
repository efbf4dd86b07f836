#!/usr/bin/env bash
# Local infrastructure without Docker: Redis, PostgreSQL and Apache Kafka (KRaft, one node) on loopback.
#   scripts/infra.sh up       install what is missing, start what is not running, wait until each really works
#   scripts/infra.sh down     stop what this script started (never a server it found already running)
#   scripts/infra.sh status   one line per dependency
#   scripts/infra.sh wrk      print the path of wrk (the load generator), installing Debian's package if needed
#   scripts/infra.sh browser  print the path of Chromium, installing Debian's package if needed
#   scripts/infra.sh toxiproxy  print the path of toxiproxy-server, building it once into .local/tools
#   scripts/infra.sh promtool print the path of Prometheus' promtool, unpacking Debian's package if needed
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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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
# for Kafka (scripts/bench/network.ts: the listener on Kafka's port + 1386, the proxy on + 1385; + 2 is the
# chaos suite's proxy); the PLAINTEXT listener stays direct.
KAFKA_PROXIED_PORT=$((KAFKA_PORT + 1386)) KAFKA_PROXIED_ADVERTISED_PORT=$((KAFKA_PORT + 1385))
KAFKA_HOME="$LOCAL/kafka"
# Downloads are shared by every profile.
KAFKA_LIBS="$ROOT/.local/kafka/libs"
KAFKA_JAR="$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar"

# Messages go to stderr: `browser`, `wrk`, `toxiproxy` and `promtool` return a path on stdout, which callers capture.
say() { printf 'infra: %s\n' "$*" >&2; }
die() { printf 'infra: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }
is_root() { [ "$(id -u)" = 0 ]; }

# wait_until <what> <seconds> <command...>: poll every 0.25 s.
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not become ready within ${seconds}s (logs under $LOCAL)"
    sleep 0.25
  done
}

apt_install() {
  command -v apt-get >/dev/null || die "missing: $* (no apt-get here; install it by hand)"
  is_root || die "missing: $* (run: sudo apt-get install -y $*)"
  say "installing $* (apt)"
  if [ ! -f "$LOCAL/.apt-updated" ]; then
    apt-get update -qq >/dev/null && touch "$LOCAL/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node_modules() {
  [ -d "$ROOT/node_modules/kafkajs" ] || (cd "$ROOT" && npm ci --no-audit --no-fund >/dev/null)
}

# ---------------------------------------------------------------- Redis
redis_ping() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

redis_up() {
  if port_open "$REDIS_PORT"; then
    command -v redis-cli >/dev/null || apt_install redis-server
    redis_ping || die "port $REDIS_PORT is in use by something that is not Redis"
    pid_alive "$RUN/redis.pid" || say "redis: reusing the server already on :$REDIS_PORT"
    return
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$LOCAL/redis"
  # AOF (fsync every second) so that a Redis restart keeps the stock and the reservations.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$LOCAL/redis" \
    --pidfile "$RUN/redis.pid" --logfile "$LOCAL/redis/redis.log" \
    --appendonly yes --appendfsync everysec --save "" >/dev/null
  wait_until redis 20 redis_ping
  say "redis: started on 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  if pid_alive "$RUN/redis.pid"; then
    local pid
    pid=$(head -n 1 "$RUN/redis.pid") # Redis deletes its pidfile as it exits
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$pid"
    wait_until "redis shutdown" 20 bash -c "! kill -0 $pid 2>/dev/null"
    say "redis: stopped"
  fi
  rm -f "$RUN/redis.pid"
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() { find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_login() { PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'select 1' >/dev/null 2>&1; }

# The server refuses to run as root, so as root it runs as the `postgres` OS user, which must own its folder.
pg_home() {
  if ! is_root; then echo "$LOCAL/postgres"; return; fi
  mkdir -p "$LOCAL/postgres" && chown postgres:postgres "$LOCAL/postgres"
  if runuser -u postgres -- test -w "$LOCAL/postgres"; then echo "$LOCAL/postgres"; return; fi
  # The checkout is not reachable by `postgres` (e.g. under /root): keep the data in its home instead.
  local alt="/var/lib/postgresql/seckill-$(printf '%s' "$LOCAL" | md5sum | cut -c1-8)"
  mkdir -p "$alt" && chown postgres:postgres "$alt" && echo "$alt"
}

pg_up() {
  if port_open "$PG_PORT"; then
    command -v psql >/dev/null || apt_install postgresql-client
    pg_login || die "port $PG_PORT is in use by a server that does not accept $PG_USER/$PG_DB (stop it, or create that role and database)"
    [ -f "$RUN/postgres.home" ] && pid_alive "$(cat "$RUN/postgres.home")/data/postmaster.pid" ||
      say "postgres: reusing the server already on :$PG_PORT"
    return
  fi
  [ -n "$(pg_bin)" ] || apt_install postgresql
  local bin home
  bin=$(pg_bin)
  home=$(pg_home)
  if [ ! -f "$home/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$home/data" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$home/initdb.log" 2>&1 || die "initdb failed: $home/initdb.log"
  fi
  as_postgres "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 60 -o \
    "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$home -c max_connections=200" \
    start >/dev/null || die "postgres did not start: $home/postgres.log"
  echo "$home" >"$RUN/postgres.home"
  local sql="$bin/psql -h $home -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc"
  if [ -z "$(as_postgres $sql "select 1 from pg_roles where rolname = '$PG_USER'")" ]; then
    as_postgres $sql "create role $PG_USER login password '$PG_PASSWORD'"
  fi
  if [ -z "$(as_postgres $sql "select 1 from pg_database where datname = '$PG_DB'")" ]; then
    as_postgres $sql "create database $PG_DB owner $PG_USER"
  fi
  wait_until postgres 30 pg_login
  say "postgres: started on 127.0.0.1:$PG_PORT (data in $home/data)"
}

pg_down() {
  [ -f "$RUN/postgres.home" ] || return 0
  local home
  home=$(cat "$RUN/postgres.home")
  if pid_alive "$home/data/postmaster.pid"; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null
    say "postgres: stopped"
  fi
  rm -f "$RUN/postgres.home"
}

# ---------------------------------------------------------------- Kafka
kafka_ready() { ensure_node_modules && node "$ROOT/scripts/infra/kafka-ready.js" "127.0.0.1:$KAFKA_PORT"; }

kafka_install() {
  [ -f "$KAFKA_JAR" ] && return
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  say "kafka: fetching Apache Kafka $KAFKA_VERSION jars (Maven)"
  mvn -q -B -f "$ROOT/scripts/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >"$KAFKA_HOME/mvn.log" 2>&1 ||
    die "could not fetch the Kafka jars: $KAFKA_HOME/mvn.log"
}

kafka_up() {
  if port_open "$KAFKA_PORT"; then
    kafka_ready || die "port $KAFKA_PORT is in use, but no working Kafka answers there"
    pid_alive "$RUN/kafka.pid" || say "kafka: reusing the broker already on :$KAFKA_PORT"
    return
  fi
  port_open "$CONTROLLER_PORT" && die "port $CONTROLLER_PORT (Kafka controller) is in use by another process"
  mkdir -p "$KAFKA_HOME/logs" "$KAFKA_HOME/config"
  kafka_install
  local props="$KAFKA_HOME/config/server.properties"
  sed -e "s|@DATA_DIR@|$KAFKA_HOME/data|" -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
    -e "s|@KAFKA_ADVERTISED_PORT@|$KAFKA_ADVERTISED_PORT|g" -e "s|@KAFKA_PROXIED_PORT@|$KAFKA_PROXIED_PORT|g" \
    -e "s|@KAFKA_PROXIED_ADVERTISED_PORT@|$KAFKA_PROXIED_ADVERTISED_PORT|g" \
    "$ROOT/scripts/infra/kafka/server.properties" >"$props"
  local cp="$KAFKA_LIBS/*"
  if [ ! -f "$KAFKA_HOME/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(node -e "process.stdout.write(require('crypto').randomBytes(16).toString('base64url'))")
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" >"$KAFKA_HOME/logs/format.log" 2>&1 ||
      die "kafka storage format failed: $KAFKA_HOME/logs/format.log"
  fi
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$ROOT/scripts/infra/kafka/log4j.properties" -Dkafka.logs.dir="$KAFKA_HOME/logs" \
    -cp "$cp" kafka.Kafka "$props" >"$KAFKA_HOME/logs/stdout.log" 2>&1 &
  echo $! >"$RUN/kafka.pid"
  wait_until "kafka port" 90 port_open "$KAFKA_PORT"
  kafka_ready || die "kafka started but is not usable (see $KAFKA_HOME/logs)"
  say "kafka: started on 127.0.0.1:$KAFKA_PORT (KRaft, controller :$CONTROLLER_PORT)"
}

kafka_down() {
  if pid_alive "$RUN/kafka.pid"; then
    local pid
    pid=$(cat "$RUN/kafka.pid")
    kill "$pid"
    # A controlled shutdown takes a few seconds; past 60 s it is forced.
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    say "kafka: stopped"
  fi
  rm -f "$RUN/kafka.pid"
}

# ---------------------------------------------------------------- wrk (load tests and the benchmark)
wrk_path() {
  command -v wrk >/dev/null || apt_install wrk >&2
  command -v wrk
}

# ---------------------------------------------------------------- toxiproxy (chaos tests, benchmark)
# Shared by every profile: one build per checkout. Messages on stderr, the path alone on stdout.
toxiproxy_path() {
  local tools="$ROOT/.local/tools" server="$ROOT/.local/tools/toxiproxy-server"
  if [ ! -x "$server" ]; then
    command -v go >/dev/null || die "toxiproxy is missing and Go is not installed (needed to build it)"
    say "toxiproxy: building $TOXIPROXY_VERSION once into .local/tools" >&2
    local gobin
    gobin=$(mktemp -d)
    # `go install` names binaries after their package folder (server, cli): renamed to say what they are.
    GOBIN="$gobin" CGO_ENABLED=0 go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" \
      "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION" >&2 || die "toxiproxy build failed"
    mkdir -p "$tools"
    mv "$gobin/cli" "$tools/toxiproxy-cli"
    mv "$gobin/server" "$server"
    rmdir "$gobin"
  fi
  echo "$server"
}

# ---------------------------------------------------------------- Node for Jest (scripts/jest.sh)
# Jest can require() the ES-module packages (NestJS 12, @fastify/static 10) inside its sandbox only on
# Node 24.9 or later. An older machine gets Node 24 from the npm registry, whose node-linux-<arch> package
# ships the binary: unpacked once into .local/tools, shared by every profile. The services still run on 20.19+.
node_dir() {
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 24 || (a === 24 && b >= 9) ? 0 : 1)'; then
    dirname "$(command -v node)"
    return
  fi
  local arch dir="$ROOT/.local/tools/node-24"
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "node $(node -v) cannot run Jest here and npm has no Node 24 for $(uname -m): install Node 24.9 or later" ;;
  esac
  if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
    say "node $(node -v) cannot run Jest: installing Node 24 (npm package node-linux-$arch) into .local/tools/node-24"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-$arch@24" >&2 ||
      die "Node 24 could not be installed from the npm registry: install Node 24.9 or later"
  fi
  echo "$dir/node_modules/node-linux-$arch/bin"
}

# ---------------------------------------------------------------- Chromium (the dashboard's browser test)
browser_path() {
  command -v chromium >/dev/null || apt_install chromium
  command -v chromium
}

# ---------------------------------------------------------------- promtool (checks deploy/prometheus)
# Debian's prometheus package is unpacked, not installed: only its promtool is needed, and no server starts.
promtool_path() {
  local promtool="$LOCAL/tools/prometheus/usr/bin/promtool"
  if command -v promtool >/dev/null; then
    command -v promtool
    return
  fi
  if [ ! -x "$promtool" ]; then
    command -v apt-get >/dev/null || die "promtool is missing (no apt-get here: install Prometheus' promtool)"
    say "promtool: unpacking Debian's prometheus package into ${LOCAL#"$ROOT"/}/tools" >&2
    if is_root && [ ! -f "$LOCAL/.apt-updated" ]; then
      apt-get update -qq >/dev/null && touch "$LOCAL/.apt-updated"
    fi
    mkdir -p "$LOCAL/tools/prometheus"
    (cd "$LOCAL/tools/prometheus" && apt-get download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb . &&
      rm -f prometheus_*.deb) >&2 || die "promtool: could not fetch Debian's prometheus package"
  fi
  echo "$promtool"
}

# ---------------------------------------------------------------- pids (chaos tests)
pids_of() {
  local pidfile
  case "$1" in
    redis) pidfile="$RUN/redis.pid" ;;
    kafka) pidfile="$RUN/kafka.pid" ;;
    postgres) pidfile="$([ -f "$RUN/postgres.home" ] && cat "$RUN/postgres.home")/data/postmaster.pid" ;;
    *) die "usage: scripts/infra.sh pids redis|postgres|kafka" ;;
  esac
  pid_alive "$pidfile" || die "$1 is not running (started by this script)"
  local pid
  pid=$(head -n 1 "$pidfile")
  echo "$pid"
  # A frozen or crashed database server is all of its processes, not only the postmaster.
  [ "$1" != postgres ] || pgrep -P "$pid" || true
}

# ---------------------------------------------------------------- status
status_line() {
  local name=$1 port=$2 pidfile=$3
  if port_open "$port"; then
    if [ -n "$pidfile" ] && pid_alive "$pidfile"; then
      printf '%-9s up    127.0.0.1:%-5s started by this project (pid %s)\n' "$name" "$port" "$(head -n1 "$pidfile")"
    else
      printf '%-9s up    127.0.0.1:%-5s already running, reused\n' "$name" "$port"
    fi
  else
    printf '%-9s down  127.0.0.1:%s\n' "$name" "$port"
    return 1
  fi
}

status() {
  local ok=0 pg_pid=""
  [ -f "$RUN/postgres.home" ] && pg_pid="$(cat "$RUN/postgres.home")/data/postmaster.pid"
  status_line redis "$REDIS_PORT" "$RUN/redis.pid" || ok=1
  status_line postgres "$PG_PORT" "$pg_pid" || ok=1
  status_line kafka "$KAFKA_PORT" "$RUN/kafka.pid" || ok=1
  return $ok
}

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
  *) die "usage: scripts/infra.sh up|down|status|wrk|browser|toxiproxy|promtool|node|pids|stop|start" ;;
esac
