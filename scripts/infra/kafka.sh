# Apache Kafka: one KRaft node from the Maven jars, started and stopped.
# Sourced by scripts/infra.sh, which sets the profile's ports and folders (LOCAL, RUN, *_PORT).
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
    cluster_id=$(node "$ROOT/scripts/infra/kafka/cluster-id.js")
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
    # A controlled shutdown takes a few seconds; past 60 s it is forced.
    stop_pid "$(cat "$RUN/kafka.pid")" 60
    say "kafka: stopped"
  fi
  rm -f "$RUN/kafka.pid"
}
