# PostgreSQL: a cluster of its own (initdb once), its role and database, started and stopped.
# Sourced by scripts/infra.sh, which sets the profile's ports and folders (LOCAL, RUN, *_PORT).
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
  # Tests that need a database configured differently (its own defaults) create one, as in Docker, where
  # the role is the superuser.
  as_postgres $sql "alter role $PG_USER createdb"
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
