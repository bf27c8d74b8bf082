#!/bin/bash
# Run once by the postgres image when it creates the primary's data directory
# (/docker-entrypoint-initdb.d): a role the replica streams the WAL with, and the
# pg_hba.conf line that lets it in.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
