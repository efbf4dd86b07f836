# What runs: one line per dependency, and the pids the chaos tests break.
# Sourced by scripts/infra.sh, which sets the profile's ports and folders (LOCAL, RUN, *_PORT).
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
