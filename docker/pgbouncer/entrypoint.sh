#!/bin/sh
# Writes pgbouncer.ini and its user list from the environment, then runs pgbouncer.
# Two databases: gendan (the primary) and gendan_replica (the streaming replica).
set -eu
cat >/etc/pgbouncer/userlist.txt <<USERS
"${DB_USER}" "${DB_PASSWORD}"
USERS
cat >/etc/pgbouncer/pgbouncer.ini <<INI
[databases]
gendan = host=${PRIMARY_HOST} port=5432 dbname=${DB_NAME}
gendan_replica = host=${REPLICA_HOST} port=5432 dbname=${DB_NAME}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
; Transaction pooling: a server connection per transaction. Gendan keeps no session
; state and opens no server-side cursor (DATABASE_PGBOUNCER=true).
pool_mode = transaction
default_pool_size = ${POOL_SIZE:-20}
max_client_conn = ${MAX_CLIENT_CONN:-500}
ignore_startup_parameters = extra_float_digits,options
INI
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
