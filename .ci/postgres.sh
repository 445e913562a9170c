#!/usr/bin/env bash
# Install (if missing) and start PostgreSQL on loopback; create the test database.
# Prints the SQLAlchemy URL on the last line. Idempotent: reuses a running server.
set -euo pipefail
# The client (psql) may be installed without the server: ask dpkg for the server package.
if ! dpkg -s postgresql >/dev/null 2>&1 || ! command -v pg_createcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls -d /usr/lib/postgresql/*/bin/postgres | sed 's|/usr/lib/postgresql/\([^/]*\)/.*|\1|' | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main"{print $4}' | grep -q online; then
  pg_ctlcluster "$ver" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"ALTER USER postgres PASSWORD 'agentdata'\"" >/dev/null
if ! su postgres -c "psql -qtAc \"select 1 from pg_database where datname='agentdata_test'\"" | grep -q 1; then
  su postgres -c "createdb agentdata_test"
fi
echo "postgresql+psycopg://postgres:agentdata@127.0.0.1:5432/agentdata_test"
