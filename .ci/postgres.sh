# shellcheck shell=bash
# Install (if needed) and start a throwaway PostgreSQL server on 127.0.0.1 for the test suite.
# Sourced by .ci/run; exports CI_POSTGRES_URL.

PG_PORT="${CI_POSTGRES_PORT:-54329}"
PG_DATA=""

_pg_bin() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] && dirname "$initdb"
}

_as_pg_user() {
  # PostgreSQL refuses to run as root; on CI we are root, on a laptop we are not.
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin
  bin=$(_pg_bin)
  if [ -z "$bin" ]; then
    echo "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    bin=$(_pg_bin)
  fi
  PG_DATA=$(mktemp -d /tmp/socialops-pg.XXXXXX)
  if [ "$(id -u)" = "0" ]; then chown postgres: "$PG_DATA"; fi
  _as_pg_user "$bin/initdb" -D "$PG_DATA/data" -U postgres -A trust --no-sync >/dev/null
  # fsync off: a throwaway test cluster trades durability for speed.
  _as_pg_user "$bin/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres socialops_test
  export CI_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/socialops_test"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  local bin
  bin=$(_pg_bin)
  if [ -n "$PG_DATA" ] && [ -n "$bin" ]; then
    _as_pg_user "$bin/pg_ctl" -D "$PG_DATA/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
  fi
}
