#!/usr/bin/env bash
# Makes sure the PostgreSQL the store tests use (127.0.0.1:5432, user postgres, database test) is up:
# on a fresh CI machine the server may be installed but not started. Prints one line of what it did.
# Fails when no server can be had, unless ABI_BLAME_SKIP_POSTGRES=1 (the tests then skip Postgres).
set -uo pipefail
host=${ABI_BLAME_PG_HOST:-127.0.0.1}
port=${ABI_BLAME_PG_PORT:-5432}
cluster=${ABI_BLAME_PG_CLUSTER:-main}

up() {
  if command -v pg_isready >/dev/null; then pg_isready -q -h "$host" -p "$port"
  else (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; fi
}

# The tests connect to database "test"; create it if the server lacks it (psql present only).
ensure_test_db() {
  command -v psql >/dev/null || return 0
  psql -h "$host" -p "$port" -U postgres -d postgres -Atqc "select 1 from pg_database where datname = 'test'" 2>/dev/null | grep -q 1 \
    || { psql -h "$host" -p "$port" -U postgres -d postgres -qc 'create database test' >/dev/null 2>&1 && echo ' (created database test)'; }
}

give_up() {
  if [ "${ABI_BLAME_SKIP_POSTGRES:-}" = 1 ]; then echo "ensure-postgres: $1; ABI_BLAME_SKIP_POSTGRES=1, Postgres tests will skip"; exit 0; fi
  echo "ensure-postgres: $1 (set ABI_BLAME_SKIP_POSTGRES=1 to run without it)" >&2
  exit 1
}

if up; then echo "ensure-postgres: already running on $host:$port$(ensure_test_db)"; exit 0; fi

command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] || give_up "nothing on $host:$port and no pg_ctlcluster to start one"
version=$(ls /etc/postgresql | sort -V | tail -n 1)
[ -n "$version" ] || give_up "nothing on $host:$port and no cluster under /etc/postgresql"
# This is how the CI image starts it (no systemd in containers).
out=$(pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>&1) \
  || give_up "nothing on $host:$port and starting cluster $version/$cluster failed: $(echo "$out" | tr '\n' ' ')"
for _ in $(seq 1 30); do
  if up; then echo "ensure-postgres: started cluster $version/$cluster on $host:$port$(ensure_test_db)"; exit 0; fi
  sleep 1
done
give_up "started cluster $version/$cluster but $host:$port did not answer within 30 s"
