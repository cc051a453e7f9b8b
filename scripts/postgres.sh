#!/usr/bin/env bash
# Installs (if needed) and starts Debian's PostgreSQL for the store tests, and prints the URL
# of a throw-away database. Used by scripts/test.sh; safe to run again.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
command -v pg_lsclusters >/dev/null || bash "$(dirname "$0")/apt-install.sh" postgresql >&2
version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $2}')
pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online || as_root pg_ctlcluster "$version" "$cluster" start >&2
psql_pg() { as_root su postgres -c "psql -qtAX -c \"$1\""; }
[ "$(psql_pg "SELECT 1 FROM pg_roles WHERE rolname='yukuai_test'")" = 1 ] \
  || psql_pg "CREATE ROLE yukuai_test LOGIN PASSWORD 'yukuai_test'" >&2
[ "$(psql_pg "SELECT 1 FROM pg_database WHERE datname='yukuai_test'")" = 1 ] \
  || psql_pg "CREATE DATABASE yukuai_test OWNER yukuai_test" >&2
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
echo "postgresql+psycopg://yukuai_test:yukuai_test@127.0.0.1:${port}/yukuai_test"
