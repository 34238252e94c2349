#!/usr/bin/env bash
# Run a command with LAOWU_TEST_DATABASE_URL pointing at PostgreSQL.
# Uses LAOWU_TEST_POSTGRES_URL when given; otherwise starts a throwaway cluster from the Debian binaries
# and removes it afterwards. If no cluster can be had it says so loudly; under CI=true that fails.
set -euo pipefail

fail_or_warn() {
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! PostgreSQL tests NOT run: $1" >&2
  echo "!! Install the Debian package 'postgresql' or set LAOWU_TEST_POSTGRES_URL." >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
}

if [ -n "${LAOWU_TEST_POSTGRES_URL:-}" ]; then
  LAOWU_TEST_DATABASE_URL="$LAOWU_TEST_POSTGRES_URL" exec "$@"
fi

bindir=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bindir="$candidate"; fi
done
[ -n "$bindir" ] || fail_or_warn "no initdb/pg_ctl found"

workdir=$(mktemp -d /tmp/laowu-pg.XXXXXX)
chmod 755 "$workdir"
port=${LAOWU_TEST_PG_PORT:-$((20000 + RANDOM % 20000))}
as_pg=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || fail_or_warn "running as root but there is no 'postgres' user"
  chown postgres "$workdir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 \
  || "${as_pg[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$workdir/initdb.log" 2>&1 \
  || { cat "$workdir/initdb.log" >&2; fail_or_warn "initdb failed"; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/pg.log" -w -t 60 \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
  || { cat "$workdir/pg.log" >&2; fail_or_warn "pg_ctl start failed"; }

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port for the tests" >&2
set +e
LAOWU_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres" "$@"
status=$?
exit $status
