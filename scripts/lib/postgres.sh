# Throwaway PostgreSQL 15 cluster on a free loopback port, for tests and benchmarks.
# Source this file, then: pg_throwaway_start; ... ; the EXIT trap removes the cluster.
# Exports UPSTANDER_TEST_POSTGRES (an Npgsql connection string to the maintenance database).

pg_bin_dir() {
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v initdb)")"; return 0; }
  return 1
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A folder in memory (tmpfs) with room for the cluster, or /tmp. The cluster runs without fsync and is thrown away, so
# memory loses nothing; on disk, the tests' many CREATE DATABASE ... TEMPLATE and DROP DATABASE spent a sixth of the
# run's CPU in the file system allocating and freeing inodes.
pg_memory_parent() {
  local d=/dev/shm
  if [ -d "$d" ] && [ -w "$d" ] && [ "$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}')" -ge 4194304 ] 2>/dev/null; then
    echo "$d"
  else
    echo /tmp
  fi
}

# pg_throwaway_start [PARENT]: the cluster's folder is made under PARENT (default /tmp).
pg_throwaway_start() {
  local bin; bin=$(pg_bin_dir) || { echo "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15." >&2; return 1; }
  PG_DIR=$(mktemp -d "${1:-/tmp}/upstander-pg.XXXXXX")
  PG_PORT=$(pg_free_port)
  local run=()
  # PostgreSQL refuses to run as root; use the postgres system account when we are root.
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  export UPSTANDER_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40"
  export UPSTANDER_PG_BIN="$bin"
  PG_RUN=("${run[@]}")
  trap pg_throwaway_stop EXIT
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT (throwaway, $PG_DIR)"
}

pg_throwaway_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$UPSTANDER_PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}
