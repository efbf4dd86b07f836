# INFRA_PROFILE=cluster, sourced by scripts/infra.sh: replaces its Redis and Kafka functions with
#   Redis Cluster: 3 masters + 3 replicas on 127.0.0.1:27001–27006 (cluster mode, AOF)
#   Kafka: 3 combined broker+controller nodes (KRaft quorum of 3) on :29192–29194, controllers :29292–29294
# Each node's cluster bus is its port + 10 (27011–27016): the default + 10000 falls in the ephemeral range.
# PostgreSQL is the usual one on :25532. Data and pids under .local/cluster. `up` starts only the nodes that
# are not running (so it also brings back a node a test killed); `down` stops only the nodes it started.
REDIS_NODES=(27001 27002 27003 27004 27005 27006)
KAFKA_NODES=(1 2 3)
KAFKA_BOOTSTRAP=127.0.0.1:29192,127.0.0.1:29193,127.0.0.1:29194
kafka_node_port() { echo $((29191 + $1)); }

node_ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
cluster_ok() {
  local port
  for port in "${REDIS_NODES[@]}"; do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
  done
}

redis_node_up() {
  local port=$1 dir="$LOCAL/redis-$1"
  if port_open "$port"; then
    node_ping "$port" || die "port $port is in use by something that is not Redis"
    pid_alive "$RUN/redis-$port.pid" || say "redis: reusing the node already on :$port"
    return
  fi
  mkdir -p "$dir"
  # A node unreachable for 3 s is failed over (the default 15 s would make every failover test slow).
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
    --pidfile "$RUN/redis-$port.pid" --logfile "$dir/redis.log" \
    --cluster-enabled yes --cluster-port $((port + 10)) --cluster-config-file nodes.conf --cluster-node-timeout 3000 \
    --appendonly yes --appendfsync everysec --auto-aof-rewrite-min-size 512mb --save "" >/dev/null
  wait_until "redis :$port" 20 node_ping "$port"
}

redis_up() {
  command -v redis-server >/dev/null || apt_install redis-server
  local port
  for port in "${REDIS_NODES[@]}"; do redis_node_up "$port"; done
  # A fresh set of nodes (each knows only itself) is joined once; nodes.conf remembers it afterwards.
  if [ "$(redis-cli -p 27001 cluster info | grep -o 'cluster_known_nodes:[0-9]*' | cut -d: -f2)" = 1 ]; then
    redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_NODES[@]}") \
      --cluster-replicas 1 --cluster-yes >"$LOCAL/redis-create.log" 2>&1 ||
      die "redis cluster create failed: $LOCAL/redis-create.log"
  fi
  wait_until "redis cluster" 60 cluster_ok
  say "redis: cluster ok on 127.0.0.1:27001-27006 (3 masters, 3 replicas)"
}

redis_down() {
  local port pid
  for port in "${REDIS_NODES[@]}"; do
    if pid_alive "$RUN/redis-$port.pid"; then
      pid=$(head -n 1 "$RUN/redis-$port.pid")
      redis-cli -p "$port" shutdown >/dev/null 2>&1 || kill "$pid"
      wait_until "redis :$port shutdown" 20 bash -c "! kill -0 $pid 2>/dev/null"
    fi
    rm -f "$RUN/redis-$port.pid"
  done
  say "redis: cluster nodes stopped"
}

kafka_node_up() {
  local id=$1 port home="$KAFKA_HOME/node-$1"
  port=$(kafka_node_port "$id")
  if port_open "$port"; then
    pid_alive "$RUN/kafka-$id.pid" || say "kafka: reusing the broker already on :$port"
    return
  fi
  port_open $((port + 100)) && die "port $((port + 100)) (Kafka controller) is in use by another process"
  mkdir -p "$home/logs"
  local props="$home/server.properties" cp="$KAFKA_LIBS/*"
  sed -e "s|@DATA_DIR@|$home/data|" -e "s|@NODE_ID@|$id|" -e "s|@KAFKA_PORT@|$port|g" \
    -e "s|@CONTROLLER_PORT@|$((port + 100))|g" "$ROOT/scripts/infra/kafka/cluster.properties" >"$props"
  if [ ! -f "$home/data/meta.properties" ]; then
    java -cp "$cp" kafka.tools.StorageTool format -t "$(cat "$KAFKA_HOME/cluster.id")" -c "$props" \
      >"$home/logs/format.log" 2>&1 || die "kafka storage format failed: $home/logs/format.log"
  fi
  nohup java -Xms128m -Xmx384m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$ROOT/scripts/infra/kafka/log4j.properties" -Dkafka.logs.dir="$home/logs" \
    -cp "$cp" kafka.Kafka "$props" >"$home/logs/stdout.log" 2>&1 &
  echo $! >"$RUN/kafka-$id.pid"
}

kafka_up() {
  mkdir -p "$KAFKA_HOME"
  kafka_install
  [ -f "$KAFKA_HOME/cluster.id" ] ||
    node "$ROOT/scripts/infra/kafka/cluster-id.js" >"$KAFKA_HOME/cluster.id"
  local id
  # All three at once: none can finish starting before a quorum of controllers is up.
  for id in "${KAFKA_NODES[@]}"; do kafka_node_up "$id"; done
  for id in "${KAFKA_NODES[@]}"; do wait_until "kafka node $id" 120 port_open "$(kafka_node_port "$id")"; done
  ensure_node_modules
  node "$ROOT/scripts/infra/kafka-ready.js" "$KAFKA_BOOTSTRAP" 3 ||
    die "kafka started but is not usable (see $KAFKA_HOME/node-*/logs)"
  say "kafka: 3 brokers on $KAFKA_BOOTSTRAP (KRaft quorum :29292-29294)"
}

kafka_down() {
  local id pid deadline
  for id in "${KAFKA_NODES[@]}"; do pid_alive "$RUN/kafka-$id.pid" && kill "$(cat "$RUN/kafka-$id.pid")"; done
  for id in "${KAFKA_NODES[@]}"; do
    if pid_alive "$RUN/kafka-$id.pid"; then
      pid=$(cat "$RUN/kafka-$id.pid") deadline=$((SECONDS + 60))
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/kafka-$id.pid"
  done
  say "kafka: brokers stopped"
}

status() {
  local ok=0 pg_pid="" port id
  [ -f "$RUN/postgres.home" ] && pg_pid="$(cat "$RUN/postgres.home")/data/postmaster.pid"
  for port in "${REDIS_NODES[@]}"; do status_line "redis" "$port" "$RUN/redis-$port.pid" || ok=1; done
  status_line postgres "$PG_PORT" "$pg_pid" || ok=1
  for id in "${KAFKA_NODES[@]}"; do status_line "kafka-$id" "$(kafka_node_port "$id")" "$RUN/kafka-$id.pid" || ok=1; done
  return $ok
}
