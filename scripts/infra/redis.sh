# Redis: one server with AOF (fsync every second), started, checked and stopped.
# Sourced by scripts/infra.sh, which sets the profile's ports and folders (LOCAL, RUN, *_PORT).
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
  # AOF (fsync every second) so that a Redis restart keeps the stock and the reservations; rewritten from
  # 512 MB on, not 64 MB: a rewrite forks Redis and takes a core for most of a second, every ~10 s of a sale
  # at the default (docs/architecture.md, "Redis persistence this requires").
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$LOCAL/redis" \
    --pidfile "$RUN/redis.pid" --logfile "$LOCAL/redis/redis.log" \
    --appendonly yes --appendfsync everysec --auto-aof-rewrite-min-size 512mb --save "" >/dev/null
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
