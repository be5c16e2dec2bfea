#!/usr/bin/env bash
# The whole of docs/hq-deploy.md, tried on this machine from nothing, printing each command and what it
# answered: a PostgreSQL 15 primary and a hot standby (streaming replication, synchronous) on two
# local ports, PgBouncer in front, `scorer hq serve --workers 2` behind nginx with TLS (a self-signed
# certificate), a venue enrolled and pushing through https, a schema upgrade replicated to the
# standby, a rolling restart of the workers (SIGHUP), the primary killed, the standby promoted and
# PgBouncer repointed (the app answers 503 in the gap, then goes on with the same processes),
# pg_dump/pg_restore, and point-in-time recovery from a base backup and the WAL archive.
#
# PostgreSQL, PgBouncer, nginx and headquarters run as an unprivileged user: the `postgres` user when
# this runs as root (apt-get installs pgbouncer and nginx if missing), else the user running it.
# Everything lives in $BASE (default /tmp/scorer-deploy, removed at the end unless KEEP=1).
#
#   scripts/try_deploy.sh 2>&1 | tee /tmp/try_deploy.log
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BASE=${BASE:-/tmp/scorer-deploy}
P1=${P1:-55432} P2=${P2:-55433} P3=${P3:-55434} PB=${PB:-56432} APP=${APP:-18750} TLS=${TLS:-18443}
export PATH="$PGBIN:$PATH" LC_ALL=C.UTF-8 PYTHONPATH=$ROOT

if [ "$(id -u)" = 0 ]; then
    RUN_AS=postgres
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    missing=""
    command -v pgbouncer >/dev/null || missing="$missing pgbouncer"
    command -v nginx >/dev/null || missing="$missing nginx-light"
    if [ -n "$missing" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null; fi
else
    RUN_AS=$(id -un)
fi
SU=$RUN_AS # PostgreSQL's superuser is named as the operating-system user (peer log-in on the socket)

step() { printf '\n===== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
# a command as the unprivileged user, with the tour's environment; printed first
u() {
    show "$*"
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$RUN_AS" -- env HOME="$BASE/home" PATH="$PATH" LC_ALL=C.UTF-8 PYTHONPATH="$ROOT" \
            PGPASSFILE="$BASE/home/.pgpass" SCORER_DATA_DIR="$BASE/station" SSL_CERT_FILE="$BASE/tls/hq.crt" "$@"
    else
        env HOME="$BASE/home" PGPASSFILE="$BASE/home/.pgpass" SCORER_DATA_DIR="$BASE/station" \
            SSL_CERT_FILE="$BASE/tls/hq.crt" "$@"
    fi
}
sql() { # sql PORT DB "SQL" — psql over the socket as the superuser
    u psql -X -q -h "$BASE/run" -p "$1" -U "$SU" -d "$2" -P pager=off -c "$3"
}
# headquarters and the venue's CLI: as the user running this tour (here Python itself lives under
# /root, which other users cannot enter; in production the unit runs it as its own user, deploy/)
app() {
    show "$*"
    env HOME="$BASE/home" PGPASSFILE="$BASE/home/.pgpass" SCORER_DATA_DIR="$BASE/station" \
        SSL_CERT_FILE="$BASE/tls/hq.crt" "$@"
}
scorer() { app "$PY" -m scorer.cli "$@"; }

cleanup() {
    set +e
    [ -f "$BASE/hq/serve.pid" ] && kill "$(cat "$BASE/hq/serve.pid")" 2>/dev/null && sleep 2
    [ -f "$BASE/nginx/nginx.pid" ] && kill -QUIT "$(cat "$BASE/nginx/nginx.pid")" 2>/dev/null
    [ -f "$BASE/pgbouncer/pgbouncer.pid" ] && kill "$(cat "$BASE/pgbouncer/pgbouncer.pid")" 2>/dev/null
    for d in primary standby pitr; do
        [ -f "$BASE/$d/postmaster.pid" ] && u pg_ctl -D "$BASE/$d" -m fast -w stop >/dev/null 2>&1
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "kept: $BASE"; else rm -rf "$BASE"; fi
}

for port in $P1 $P2 $P3 $PB $APP $TLS; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use: set P1/P2/P3/PB/APP/TLS" >&2; exit 1; fi
done
[ -e "$BASE" ] && { echo "$BASE exists: remove it or set BASE" >&2; exit 1; }
trap cleanup EXIT
mkdir -p "$BASE"/{home,run,archive,hq,station,tls,pgbouncer,nginx/tmp}
[ "$(id -u)" = 0 ] && chown -R "$RUN_AS" "$BASE"
chmod 700 "$BASE/home"

step "versions"
u postgres --version
show "pgbouncer --version" && pgbouncer --version 2>&1 | sed -n 1p
show "nginx -v" && nginx -v 2>&1
app "$PY" -c "import psycopg, psycopg_pool, uvicorn; print('psycopg', psycopg.__version__, 'psycopg_pool', psycopg_pool.__version__, 'uvicorn', uvicorn.__version__)"

# ---------------------------------------------------------------- the primary
step "1. the primary: initdb, replication and WAL archiving on, roles and the database"
SCORER_PW=$(openssl rand -hex 16)
REPL_PW=$(openssl rand -hex 16)
u initdb -D "$BASE/primary" -U "$SU" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$BASE/primary/postgresql.conf" <<EOF

# ---- Scorer headquarters (docs/hq-deploy.md)
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '$BASE/run'
cluster_name = 'node1'
password_encryption = 'scram-sha-256'
max_connections = 200
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
archive_mode = on
archive_command = 'test ! -f $BASE/archive/%f && cp %p $BASE/archive/%f'
archive_timeout = 60
EOF
show "tail -15 $BASE/primary/postgresql.conf" && tail -15 "$BASE/primary/postgresql.conf"
u pg_ctl -D "$BASE/primary" -l "$BASE/primary.log" -w start
sql "$P1" postgres "CREATE ROLE scorer LOGIN PASSWORD '$SCORER_PW'" 2>&1 | sed "s/$SCORER_PW/***/"
sql "$P1" postgres "CREATE ROLE replicator REPLICATION LOGIN PASSWORD '$REPL_PW'" | sed "s/$REPL_PW/***/"
sql "$P1" postgres "CREATE DATABASE hq OWNER scorer"
cat >"$BASE/home/.pgpass" <<EOF
127.0.0.1:*:*:scorer:$SCORER_PW
127.0.0.1:*:replication:replicator:$REPL_PW
EOF
chmod 600 "$BASE/home/.pgpass"
[ "$(id -u)" = 0 ] && chown "$RUN_AS" "$BASE/home/.pgpass"
show "grep -v '^#' $BASE/primary/pg_hba.conf | grep ." && grep -v '^#' "$BASE/primary/pg_hba.conf" | grep .

# ---------------------------------------------------------------- the standby
step "2. the hot standby: pg_basebackup -R (standby.signal, primary_conninfo) with a replication slot"
u pg_basebackup -h 127.0.0.1 -p "$P1" -U replicator -D "$BASE/standby" -R -X stream -C -S node2 --checkpoint=fast
cat >>"$BASE/standby/postgresql.auto.conf" <<EOF
port = $P2
cluster_name = 'node2'
EOF
show "cat $BASE/standby/postgresql.auto.conf" && sed -E 's/password=[^ ]+/password=***/' "$BASE/standby/postgresql.auto.conf"
show "ls $BASE/standby/standby.signal" && ls "$BASE/standby/standby.signal"
u pg_ctl -D "$BASE/standby" -l "$BASE/standby.log" -w start
# synchronous: a commit (a receipt headquarters signs) returns once node2 has it. Set after the base
# backup so node2's own copy of the settings does not wait for a standby of its own after promotion.
sql "$P1" postgres "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (node2)'"
sql "$P1" postgres "SELECT pg_reload_conf()" >/dev/null
sleep 1

step "3. replication works: pg_stat_replication on the primary; a row written there is read on the standby"
sql "$P1" postgres "SELECT application_name, client_addr, state, sync_state, sent_lsn, replay_lsn FROM pg_stat_replication"
sql "$P1" postgres "SELECT slot_name, active FROM pg_replication_slots"
sql "$P1" postgres "CREATE TABLE tour (id int PRIMARY KEY, said text); INSERT INTO tour VALUES (1, 'written on node1 at ' || now())"
sql "$P2" postgres "SELECT pg_is_in_recovery() AS standby, * FROM tour"
sql "$P2" postgres "INSERT INTO tour VALUES (2, 'on the standby?')" 2>&1 || true

# ---------------------------------------------------------------- PgBouncer
step "4. PgBouncer (session pooling) in front of the primary, as $RUN_AS"
SECRET=$(u psql -X -A -t -h "$BASE/run" -p "$P1" -U "$SU" -d postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'scorer'" | tail -1)
printf '"scorer" "%s"\n' "$SECRET" >"$BASE/pgbouncer/userlist.txt"
cat >"$BASE/pgbouncer/pgbouncer.ini" <<EOF
[databases]
hq = host=127.0.0.1 port=$P1 dbname=hq

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PB
unix_socket_dir = $BASE/run
auth_type = scram-sha-256
auth_file = $BASE/pgbouncer/userlist.txt
pool_mode = session
max_client_conn = 500
default_pool_size = 40
max_db_connections = 80
server_connect_timeout = 3
server_login_retry = 1
query_wait_timeout = 5
logfile = $BASE/pgbouncer/pgbouncer.log
pidfile = $BASE/pgbouncer/pgbouncer.pid
EOF
[ "$(id -u)" = 0 ] && chown -R "$RUN_AS" "$BASE/pgbouncer"
show "cat $BASE/pgbouncer/pgbouncer.ini" && cat "$BASE/pgbouncer/pgbouncer.ini"
u pgbouncer -d "$BASE/pgbouncer/pgbouncer.ini"
sleep 0.5
u psql -X -h 127.0.0.1 -p "$PB" -U scorer -d hq -c "SELECT current_user, inet_server_port() AS server_port, pg_is_in_recovery()"
URL="postgresql://scorer@127.0.0.1:$PB/hq" # the password from PGPASSFILE, not on the command line

# ---------------------------------------------------------------- headquarters
step "5. upgrade path: the database as the previous release left it (schema 3), then serve migrates it"
app "$PY" -c "from scorer.hq.db import open_database, migrate, schema_version
d = open_database('$URL'); print('applied', migrate(d, upto=3), 'schema now', schema_version(d)); d.close()"
SERVE=(hq serve --db "$URL" --data "$BASE/hq" --host 127.0.0.1 --port "$APP" --workers 2 --trust-proxy 127.0.0.1)
show "scorer ${SERVE[*]} &"
env HOME="$BASE/home" PGPASSFILE="$BASE/home/.pgpass" "$PY" -m scorer.cli "${SERVE[@]}" >"$BASE/hq/serve.log" 2>&1 &
echo $! >"$BASE/hq/serve.pid"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP/api/v1/hq" >/dev/null && break; sleep 0.2; done
show "cat $BASE/hq/serve.log" && cat "$BASE/hq/serve.log"
sql "$P2" hq "SELECT version, name FROM schema_migrations ORDER BY version" | cut -c1-110
show "ps --ppid \$(cat serve.pid) -o pid,cmd" && ps --ppid "$(cat "$BASE/hq/serve.pid")" -o pid=,cmd= | cut -c1-100

step "6. nginx with TLS (self-signed certificate) in front of the workers, as $RUN_AS"
u openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=hq.localtest" \
    -addext "subjectAltName=DNS:hq.localtest,IP:127.0.0.1" -keyout "$BASE/tls/hq.key" -out "$BASE/tls/hq.crt" 2>/dev/null
sed -e "s|listen 443 ssl|listen 127.0.0.1:$TLS ssl|" -e "s|127.0.0.1:8750|127.0.0.1:$APP|" \
    -e "s|/etc/ssl/scorer/|$BASE/tls/|g" "$ROOT/deploy/nginx-scorer-hq.conf" >"$BASE/nginx/site.conf"
cat >"$BASE/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $BASE/nginx/nginx.pid;
error_log $BASE/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $BASE/nginx/access.log;
    client_body_temp_path $BASE/nginx/tmp/body;
    proxy_temp_path $BASE/nginx/tmp/proxy;
    fastcgi_temp_path $BASE/nginx/tmp/fastcgi;
    uwsgi_temp_path $BASE/nginx/tmp/uwsgi;
    scgi_temp_path $BASE/nginx/tmp/scgi;
    include $BASE/nginx/site.conf;
}
EOF
[ "$(id -u)" = 0 ] && chown -R "$RUN_AS" "$BASE/nginx" "$BASE/tls"
show "cat $BASE/nginx/site.conf" && cat "$BASE/nginx/site.conf"
u nginx -t -e "$BASE/nginx/error.log" -p "$BASE/nginx" -c "$BASE/nginx/nginx.conf"
u nginx -e "$BASE/nginx/error.log" -p "$BASE/nginx" -c "$BASE/nginx/nginx.conf"
sleep 0.5
u curl -sS --cacert "$BASE/tls/hq.crt" --resolve "hq.localtest:$TLS:127.0.0.1" "https://hq.localtest:$TLS/api/v1/hq"
echo
u curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' --cacert "$BASE/tls/hq.crt" "https://127.0.0.1:$TLS/"
show "curl http://127.0.0.1:$TLS/  (plain http to the TLS port)"
curl -sS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$TLS/" || true

step "7. a venue: enrolled and pushing its log through https (the station checks the certificate)"
scorer demo "$BASE/station/demo.scorer" --json
scorer hq venue add "浦东新区赛场" --db "$URL" --data "$BASE/hq" --png "$BASE/hq/qr.png" --json | tee "$BASE/venue.json"
CODE=$(sed 1d "$BASE/venue.json" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['code'])")
scorer sync enrol "https://127.0.0.1:$TLS" "$CODE" --file "$BASE/station/demo.scorer" --name "一号机" --json
scorer sync push --file "$BASE/station/demo.scorer"
scorer sync status --file "$BASE/station/demo.scorer" --json >"$BASE/status.json"
FEED=$(sed 1d "$BASE/status.json" | "$PY" -c "import json,sys; [f] = [f for f in json.load(sys.stdin)['feeds'] if f['this_laptop']]; print(f['db'] + '/' + f['station'], f['state'], f['held_count'], f['fingerprint'])")
echo "feed, state, held, fingerprint: $FEED"
FEED=${FEED%% *}
sql "$P2" hq "SELECT station, count(*) AS entries_on_the_standby FROM entries GROUP BY station"

step "8. rolling restart of the workers (how a new release is taken up): SIGHUP to serve"
show "ps before" && ps --ppid "$(cat "$BASE/hq/serve.pid")" -o pid= | tr '\n' ' ' && echo
show "kill -HUP \$(cat serve.pid)" && kill -HUP "$(cat "$BASE/hq/serve.pid")"
ok=0 bad=0
for _ in $(seq 40); do
    if curl -sf --cacert "$BASE/tls/hq.crt" "https://127.0.0.1:$TLS/api/v1/feeds/$FEED" >/dev/null; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
    sleep 0.1
done
echo "requests during the restart: $ok answered, $bad failed"
show "ps after" && ps --ppid "$(cat "$BASE/hq/serve.pid")" -o pid= | tr '\n' ' ' && echo

# ---------------------------------------------------------------- fail-over
step "9. fail-over: the primary dies; the app answers 503; node2 promoted, PgBouncer repointed; the app goes on"
WORKERS=$(ps --ppid "$(cat "$BASE/hq/serve.pid")" -o pid= | tr '\n' ' ')
u pg_ctl -D "$BASE/primary" -m immediate stop
for _ in 1 2 3; do
    u curl -sS -m 30 -w ' → HTTP %{http_code} in %{time_total}s\n' --cacert "$BASE/tls/hq.crt" "https://127.0.0.1:$TLS/api/v1/feeds/$FEED"
done
u pg_ctl -D "$BASE/standby" -w promote
sql "$P2" postgres "CHECKPOINT"
sql "$P2" postgres "SELECT pg_is_in_recovery(), timeline_id FROM pg_control_checkpoint()"
show "sed -i 's/port=$P1/port=$P2/' pgbouncer.ini && kill -HUP \$(cat pgbouncer.pid)   # PgBouncer's RELOAD"
sed -i "s/port=$P1 /port=$P2 /" "$BASE/pgbouncer/pgbouncer.ini"
kill -HUP "$(cat "$BASE/pgbouncer/pgbouncer.pid")"
sleep 1
u curl -sS -m 30 -w ' → HTTP %{http_code} in %{time_total}s\n' --cacert "$BASE/tls/hq.crt" "https://127.0.0.1:$TLS/api/v1/feeds/$FEED"
scorer status "$BASE/station/demo.scorer" CNC-774 dnf --reason "未完成（演练）" --actor CNC-K
scorer sync push --file "$BASE/station/demo.scorer"
sql "$P2" hq "SELECT station, count(*) AS entries, max(seq) FROM entries GROUP BY station"
echo "workers before: $WORKERS  after: $(ps --ppid "$(cat "$BASE/hq/serve.pid")" -o pid= | tr '\n' ' ')"
show "grep -c 'not available' serve.log" && grep -c "not available" "$BASE/hq/serve.log" || true
show "tail -2 serve.log" && tail -2 "$BASE/hq/serve.log" | cut -c1-250

# ---------------------------------------------------------------- backups
step "10. pg_dump, and pg_restore into a fresh database"
u pg_dump -h 127.0.0.1 -p "$P2" -U scorer -Fc -f "$BASE/hq.dump" hq
show "ls -l hq.dump" && ls -l "$BASE/hq.dump" | awk '{print $5, $9}'
sql "$P2" postgres "CREATE DATABASE hq_restored OWNER scorer"
u pg_restore -h 127.0.0.1 -p "$P2" -U scorer -d hq_restored --no-owner "$BASE/hq.dump"
sql "$P2" hq "SELECT (SELECT count(*) FROM entries) AS entries, (SELECT count(*) FROM receipts) AS receipts, (SELECT max(version) FROM schema_migrations) AS schema"
sql "$P2" hq_restored "SELECT (SELECT count(*) FROM entries) AS entries, (SELECT count(*) FROM receipts) AS receipts, (SELECT max(version) FROM schema_migrations) AS schema"

step "11. point-in-time recovery: a base backup of node2, a mistake, and a restore to just before it"
u pg_basebackup -h 127.0.0.1 -p "$P2" -U replicator -D "$BASE/base" -X stream --checkpoint=fast
sleep 1.5
TARGET=$(u psql -X -A -t -h "$BASE/run" -p "$P2" -U "$SU" -d hq -c "SELECT now()" | tail -1)
echo "target time: $TARGET"
sleep 1.5
sql "$P2" hq "DELETE FROM entries" # the mistake
sql "$P2" hq "SELECT count(*) AS entries_after_the_mistake FROM entries"
# the WAL segment holding the mistake is closed and archived now (else within archive_timeout)
SEGMENT=$(u psql -X -A -t -h "$BASE/run" -p "$P2" -U "$SU" -d postgres -c "SELECT pg_walfile_name(pg_switch_wal())" | tail -1)
for _ in $(seq 100); do [ -f "$BASE/archive/$SEGMENT" ] && break; sleep 0.2; done
sql "$P2" postgres "SELECT archived_count, last_archived_wal, failed_count FROM pg_stat_archiver"
show "ls archive/" && ls "$BASE/archive" | tr '\n' ' ' && echo
u cp -a "$BASE/base" "$BASE/pitr"
cat >>"$BASE/pitr/postgresql.auto.conf" <<EOF
port = $P3
cluster_name = 'pitr'
archive_mode = off
restore_command = 'cp $BASE/archive/%f %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
EOF
u touch "$BASE/pitr/recovery.signal"
show "tail -6 pitr/postgresql.auto.conf" && tail -6 "$BASE/pitr/postgresql.auto.conf"
u pg_ctl -D "$BASE/pitr" -l "$BASE/pitr.log" -w start || { tail -20 "$BASE/pitr.log"; exit 1; }
for _ in $(seq 60); do
    [ "$(u psql -X -A -t -h "$BASE/run" -p "$P3" -U "$SU" -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null | tail -1)" = f ] && break
    sleep 0.5
done
show "grep -E 'recovery stopping|starting point-in-time|archive recovery complete' pitr.log"
grep -E "recovery stopping|starting point-in-time|archive recovery complete|restored log file" "$BASE/pitr.log" | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' | tail -6
sql "$P3" hq "SELECT count(*) AS entries_restored FROM entries"

step "done: every step above ran on this machine"
