#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# infra/native/stack.sh — run Tally's backing services natively (no Docker).
#
#   Kafka 4.x (KRaft, single combined broker+controller), Redis and Postgres,
#   all bound to 127.0.0.1, all data under $TALLY_HOME (default <repo>/.tally,
#   git-ignored). This is the path used where no Docker engine exists: CI runs it
#   on a fresh Debian 12 machine as root with only Java/Maven/Node preinstalled.
#
#   Usage: infra/native/stack.sh up|down|status|env [--redis-cluster]
#     up      install what is missing, start what is not running, wait until
#             every service really answers (idempotent; never re-formats data)
#     down    stop all three (idempotent), and the Redis Cluster if it runs
#     status  print each service up/down; exit 0 if all up, 3 otherwise
#     env     print `export ...` lines, for `eval "$(infra/native/stack.sh env)"`
#
#   With --redis-cluster, each subcommand acts on a 3-master Redis Cluster only
#   (ports REDIS_CLUSTER_PORT, +1, +2; cluster bus on each port + 10000), for
#   the cluster test pass and for trying Tally on a sharded Redis; the other
#   services are left as they are. Like the standalone Redis it keeps nothing
#   on disk (no RDB, no AOF): a cluster that is not running is re-created empty.
#
#   Where things come from:
#     redis-server, postgresql   Debian packages (apt-get, as root)
#     Kafka                      Maven Central jars (infra/native/kafka/pom.xml),
#                                cached in ${TALLY_CACHE:-~/.cache/tally}/kafka-<ver>/libs
#
#   Knobs (environment): TALLY_HOME, TALLY_CACHE, KAFKA_VERSION, KAFKA_PORT,
#   KAFKA_CONTROLLER_PORT, KAFKA_HEAP_OPTS, REDIS_PORT, REDIS_CLUSTER_PORT, PGPORT,
#   STACK_TIMEOUT.
# -----------------------------------------------------------------------------
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

TALLY_HOME="${TALLY_HOME:-$REPO_ROOT/.tally}"
TALLY_CACHE="${TALLY_CACHE:-${HOME:-/root}/.cache/tally}"
DATA_DIR="$TALLY_HOME/data"
LOG_DIR="$TALLY_HOME/logs"
RUN_DIR="$TALLY_HOME/run"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_CLUSTER_PORT="${REDIS_CLUSTER_PORT:-17000}" # first of the cluster's three masters
PGPORT="${PGPORT:-5432}"
STACK_TIMEOUT="${STACK_TIMEOUT:-120}" # seconds to wait for each service

KAFKA_LIBS="$TALLY_CACHE/kafka-$KAFKA_VERSION/libs"
KAFKA_DIR="$TALLY_HOME/kafka"                 # generated configs
KAFKA_DATA="$DATA_DIR/kafka"                  # log.dirs (KRaft metadata + topics)
KAFKA_PID="$RUN_DIR/kafka.pid"
REDIS_PID="$RUN_DIR/redis.pid"

KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
REDIS_CLUSTER_PORTS=("$REDIS_CLUSTER_PORT" "$((REDIS_CLUSTER_PORT + 1))" "$((REDIS_CLUSTER_PORT + 2))")
REDIS_CLUSTER_NODES="$(printf '127.0.0.1:%s,' "${REDIS_CLUSTER_PORTS[@]}")"
REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES%,}"
DATABASE_URL="postgres://postgres:postgres@127.0.0.1:$PGPORT/tally"

# ---------------------------------------------------------------- helpers ----
log()  { printf '[stack] %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Print the last lines of a log file to stderr (used on every failure path).
show_log() {
  local file="$1"
  if [ -s "$file" ]; then
    printf '[stack] ---- last 40 lines of %s ----\n' "$file" >&2
    tail -n 40 "$file" >&2 || true
    printf '[stack] ---- end of %s ----\n' "$file" >&2
  else
    printf '[stack] (log %s is empty or missing)\n' "$file" >&2
  fi
}

# True if something accepts TCP connections on 127.0.0.1:$1 (bash /dev/tcp).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
read_pid()  { [ -s "$1" ] && head -n 1 "$1" | tr -dc '0-9' || true; }
# PID from a pidfile, but only if that process is still the expected program
# (guards against stale pidfiles whose pid was reused after a reboot/crash).
live_pid() {
  local pid; pid="$(read_pid "$1")"
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" && echo "$pid" || true
}

# Send SIGNAL to PID, wait up to SECS for it to exit. Returns 1 if still alive.
stop_pid() {
  local name="$1" pid="$2" sig="$3" secs="$4" i
  pid_alive "$pid" || return 0
  log "stopping $name (pid $pid, SIG$sig)"
  kill -s "$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 2; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.5
  done
  log "$name (pid $pid) did not exit within ${secs}s; giving up (kill it by hand: kill -9 $pid)"
  return 1
}

ensure_dirs() { mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"; }

# Add `.tally/` to the repo's .gitignore unless it is already listed.
ensure_gitignore() {
  # Only meaningful when TALLY_HOME is the default in-repo folder.
  [ "$TALLY_HOME" = "$REPO_ROOT/.tally" ] || return 0
  local gi="$REPO_ROOT/.gitignore"
  if [ -f "$gi" ] && grep -qxE '/?\.tally/?' "$gi"; then return 0; fi
  # Make sure we append on a fresh line.
  if [ -s "$gi" ] && [ -n "$(tail -c 1 "$gi")" ]; then echo >>"$gi"; fi
  echo '.tally/' >>"$gi"
  log "added .tally/ to $gi"
}

# --------------------------------------------------------- package install ----
# Postgres binaries live in /usr/lib/postgresql/<major>/bin on Debian; pick the newest.
pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  d="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
  [ -x "$d/initdb" ] && echo "$d"
}

ensure_packages() {
  local missing=()
  command -v java >/dev/null || die "java not found (Java 17+ is needed for Kafka 4.x)"
  command -v mvn >/dev/null || [ -f "$KAFKA_LIBS/.complete" ] || die "mvn not found (needed once to fetch Kafka jars)"
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server redis-tools)
  { [ -n "$(pg_bindir)" ] && command -v psql >/dev/null; } || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return 0

  if ! is_root; then
    die "missing packages: ${missing[*]}. Install them (sudo apt-get install -y ${missing[*]}) or re-run as root."
  fi
  log "installing Debian packages: ${missing[*]}"
  # Keep apt from starting the distro's own redis/postgres on 6379/5432 (they
  # would take our ports) and from creating the default 'main' cluster.
  local policy_created=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  mkdir -p /etc/postgresql-common/createcluster.d
  [ -e /etc/postgresql-common/createcluster.d/tally.conf ] ||
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/tally.conf
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  } >"$LOG_DIR/apt.log" 2>&1 || rc=$?
  [ "$policy_created" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "$rc" -ne 0 ]; then show_log "$LOG_DIR/apt.log"; die "apt-get install ${missing[*]} failed"; fi
  [ -n "$(pg_bindir)" ] || die "postgresql installed but no initdb found under /usr/lib/postgresql/*/bin"
}

# ------------------------------------------------------------------ redis ----
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_up; then log "redis already running on 127.0.0.1:$REDIS_PORT"; return 0; fi
  mkdir -p "$DATA_DIR/redis"
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  # No persistence: this is a cache / scratch store for dev and CI.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save '' --appendonly no --dir "$DATA_DIR/redis" \
    --pidfile "$REDIS_PID" --logfile "$LOG_DIR/redis.log" \
    || { show_log "$LOG_DIR/redis.log"; die "redis-server failed to start"; }
  local deadline=$((SECONDS + STACK_TIMEOUT))
  until redis_up; do
    [ $SECONDS -lt $deadline ] || { show_log "$LOG_DIR/redis.log"; die "redis did not answer PING within ${STACK_TIMEOUT}s"; }
    sleep 0.2
  done
  log "redis ready"
}

stop_redis() {
  local pid; pid="$(live_pid "$REDIS_PID" redis-server)"
  if pid_alive "$pid"; then
    stop_pid redis "$pid" TERM 30 || return 1
  elif redis_up; then
    log "redis on :$REDIS_PORT was not started by this script (no pidfile); leaving it alone"
  fi
  rm -f "$REDIS_PID"
}

# ---------------------------------------------------------- redis cluster ----
# Three masters, no replicas: enough to spread the hash slots over shards, so
# every multi-key command and script is checked for single-slot use.
cluster_dir() { echo "$DATA_DIR/redis-cluster/$1"; }
cluster_pidfile() { echo "$RUN_DIR/redis-cluster-$1.pid"; }
cluster_node_up() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
cluster_ok() { redis-cli -h 127.0.0.1 -p "$REDIS_CLUSTER_PORT" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

start_redis_cluster() {
  local port
  if cluster_ok; then log "redis cluster already running on $REDIS_CLUSTER_NODES"; return 0; fi
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    if cluster_node_up "$port"; then
      die "127.0.0.1:$port answers but the cluster is not whole; stop it (stack.sh down --redis-cluster) or set REDIS_CLUSTER_PORT"
    fi
    if port_open "$port" || port_open "$((port + 10000))"; then
      die "127.0.0.1:$port or its cluster bus port $((port + 10000)) is taken; free it or set REDIS_CLUSTER_PORT"
    fi
  done
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    # Nothing is persisted, so a stale nodes.conf would only name slots whose data is gone.
    rm -rf "$(cluster_dir "$port")"
    mkdir -p "$(cluster_dir "$port")"
    log "starting redis cluster node on 127.0.0.1:$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --save '' --appendonly no --dir "$(cluster_dir "$port")" \
      --pidfile "$(cluster_pidfile "$port")" --logfile "$LOG_DIR/redis-cluster-$port.log" \
      || { show_log "$LOG_DIR/redis-cluster-$port.log"; die "redis-server (cluster node :$port) failed to start"; }
  done
  local deadline=$((SECONDS + STACK_TIMEOUT))
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    until cluster_node_up "$port"; do
      [ $SECONDS -lt $deadline ] || { show_log "$LOG_DIR/redis-cluster-$port.log"; die "cluster node :$port did not answer PING within ${STACK_TIMEOUT}s"; }
      sleep 0.2
    done
  done
  log "creating redis cluster (3 masters, no replicas) on $REDIS_CLUSTER_NODES"
  # shellcheck disable=SC2046 # one argument per node
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${REDIS_CLUSTER_PORTS[@]}") \
    --cluster-replicas 0 --cluster-yes >"$LOG_DIR/redis-cluster-create.log" 2>&1 \
    || { show_log "$LOG_DIR/redis-cluster-create.log"; die "redis-cli --cluster create failed"; }
  until cluster_ok; do
    [ $SECONDS -lt $deadline ] || { show_log "$LOG_DIR/redis-cluster-create.log"; die "redis cluster not cluster_state:ok within ${STACK_TIMEOUT}s"; }
    sleep 0.2
  done
  log "redis cluster ready"
}

stop_redis_cluster() {
  local port pid rc=0
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    pid="$(live_pid "$(cluster_pidfile "$port")" redis-server)"
    if pid_alive "$pid"; then
      stop_pid "redis cluster node :$port" "$pid" TERM 30 || rc=1
    elif command -v redis-cli >/dev/null && cluster_node_up "$port"; then
      log "redis on :$port was not started by this script (no pidfile); leaving it alone"
    fi
    rm -f "$(cluster_pidfile "$port")"
  done
  return $rc
}

# --------------------------------------------------------------- postgres ----
# Postgres refuses to run as root, so as root it runs as the `postgres` OS user.
# That user must be able to reach its data directory: if $TALLY_HOME sits in a
# folder only root can traverse (e.g. /root/...), the cluster goes to a
# per-checkout folder under /var/tmp instead (recorded in $RUN_DIR/pgdata.path).
PG_USER=""
pg_setup_user() {
  if is_root; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' not found (it comes with the postgresql package)"
    PG_USER=postgres
  else
    PG_USER="$(id -un)"
  fi
}

# Run a command as the user that owns the cluster (exec, so $! is the real pid).
as_pg() {
  if is_root; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else "$@"; fi
}

pg_datadir() {
  if [ -s "$RUN_DIR/pgdata.path" ]; then cat "$RUN_DIR/pgdata.path"; return; fi
  local d="$DATA_DIR/postgres"
  if is_root && ! as_pg test -x "$DATA_DIR" 2>/dev/null; then
    d="/var/tmp/tally-pg-$(printf '%s' "$TALLY_HOME" | md5sum | cut -c1-12)/postgres"
  fi
  echo "$d" >"$RUN_DIR/pgdata.path"
  echo "$d"
}

pg_up() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -t 2 >/dev/null 2>&1; }
pg_sql() { PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }

start_postgres() {
  PGBIN="$(pg_bindir)"
  pg_setup_user
  local pgdata pglog="$LOG_DIR/postgres.log"
  pgdata="$(pg_datadir)"

  if pg_up; then
    log "postgres already running on 127.0.0.1:$PGPORT"
  else
    # --- one-time cluster creation -------------------------------------------
    if [ ! -s "$pgdata/PG_VERSION" ]; then
      log "initdb $pgdata (user postgres, trust auth on localhost)"
      mkdir -p "$pgdata"
      is_root && chown -R postgres:postgres "$(dirname "$pgdata")"
      chmod 700 "$pgdata"
      as_pg "$PGBIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$LOG_DIR/initdb.log" 2>&1 || { show_log "$LOG_DIR/initdb.log"; die "initdb failed"; }
      # Trust is fine: the server listens on loopback only. Any password
      # (e.g. postgres:postgres in DATABASE_URL) is accepted.
      cat >"$pgdata/pg_hba.conf" <<'EOF'
# Generated by infra/native/stack.sh — local dev/CI only, loopback only.
local   all  all                 trust
host    all  all  127.0.0.1/32   trust
host    all  all  ::1/128        trust
EOF
      # Settings that stack.sh owns; durability settings stay at defaults.
      cat >>"$pgdata/postgresql.conf" <<'EOF'

# ---- infra/native/stack.sh ----
listen_addresses = '127.0.0.1'
max_connections = 200
EOF
      is_root && chown postgres:postgres "$pgdata/pg_hba.conf" "$pgdata/postgresql.conf"
    fi

    # Unix socket: inside $RUN_DIR when the postgres user can write there,
    # otherwise in the (postgres-owned) parent of the data dir.
    local sockdir="$RUN_DIR/pg"
    mkdir -p "$sockdir"
    is_root && chown postgres:postgres "$sockdir"
    if ! as_pg test -w "$sockdir" 2>/dev/null || [ ${#sockdir} -gt 90 ]; then
      sockdir="$(dirname "$pgdata")"
    fi

    log "starting postgres on 127.0.0.1:$PGPORT (data $pgdata)"
    # The root shell opens the log file, so postgres need not reach $LOG_DIR.
    # Port and socket dir are given on the command line so PGPORT changes apply.
    (
      cd / # postgres may not be allowed to stat the caller's cwd
      if is_root; then
        exec setsid setpriv --reuid=postgres --regid=postgres --init-groups -- \
          "$PGBIN/postgres" -D "$pgdata" -p "$PGPORT" -k "$sockdir"
      else
        exec setsid "$PGBIN/postgres" -D "$pgdata" -p "$PGPORT" -k "$sockdir"
      fi
    ) </dev/null >>"$pglog" 2>&1 &
    local pid=$! deadline=$((SECONDS + STACK_TIMEOUT))
    until pg_up; do
      pid_alive "$pid" || { show_log "$pglog"; die "postgres exited during startup"; }
      [ $SECONDS -lt $deadline ] || { show_log "$pglog"; die "postgres not ready within ${STACK_TIMEOUT}s"; }
      sleep 0.3
    done
  fi

  # A real query, then the project's database (created once).
  pg_sql -d postgres -c 'select 1' >/dev/null || { show_log "$pglog"; die "postgres answers pg_isready but 'select 1' failed"; }
  if ! pg_sql -d postgres -tAc "select 1 from pg_database where datname = 'tally'" | grep -q 1; then
    log "creating database tally"
    pg_sql -d postgres -c 'create database tally' || die "could not create database tally"
  fi
  pg_sql -d tally -c 'select 1' >/dev/null || die "cannot connect to database tally"
  log "postgres ready"
}

stop_postgres() {
  PGBIN="$(pg_bindir || true)"
  local pgdata pid
  [ -s "$RUN_DIR/pgdata.path" ] && pgdata="$(cat "$RUN_DIR/pgdata.path")" || pgdata="$DATA_DIR/postgres"
  pid="$(live_pid "$pgdata/postmaster.pid" postgres)"
  if pid_alive "$pid"; then
    # SIGINT = "fast" shutdown: disconnects clients (SIGTERM would wait for them).
    stop_pid postgres "$pid" INT 60 || return 1
  elif [ -n "$PGBIN" ] && pg_up; then
    log "postgres on :$PGPORT was not started by this script; leaving it alone"
  fi
}

# ------------------------------------------------------------------ kafka ----
# Fetch the broker jars from Maven Central once per version (marker: .complete).
ensure_kafka_libs() {
  [ -f "$KAFKA_LIBS/.complete" ] && return 0
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  local tmp="$KAFKA_LIBS.tmp.$$" t0=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp" "$LOG_DIR"
  if ! mvn -q -B -f "$SCRIPT_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$tmp" >"$LOG_DIR/maven.log" 2>&1; then
    show_log "$LOG_DIR/maven.log"; rm -rf "$tmp"; die "maven could not resolve Kafka $KAFKA_VERSION"
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  touch "$KAFKA_LIBS/.complete"
  log "Kafka jars ready ($((SECONDS - t0))s)"
}

# Run a Kafka CLI class with a quiet logging config (warnings to stderr only).
kafka_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-tools.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR" "$KAFKA_DATA"
  # Regenerated on every start so port/path changes apply; the cluster id lives
  # in meta.properties (written once by the storage tool), not in this file.
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Generated by infra/native/stack.sh — single-node KRaft (broker + controller).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$KAFKA_DATA

# Single node: every internal topic has replication factor 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1

# Topics are created explicitly by the project (admin client), 6 partitions by default.
auto.create.topics.enable=false
num.partitions=6
group.initial.rebalance.delay.ms=0

# Small footprint for a 2-core dev/CI machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
log.segment.bytes=104857600
EOF

  # Broker logging: INFO to a size-capped file, the chattiest loggers at WARN.
  cat >"$KAFKA_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $LOG_DIR/kafka.log
appender.file.filePattern = $LOG_DIR/kafka.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 2
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.loglayer.name = org.apache.kafka.storage.internals.log
logger.loglayer.level = WARN
logger.kafkalog.name = kafka.log
logger.kafkalog.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
logger.utils.name = org.apache.kafka.common.utils.AppInfoParser
logger.utils.level = WARN
EOF

  cat >"$KAFKA_DIR/log4j2-tools.properties" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# A real Kafka metadata request: list topics through the PLAINTEXT listener.
kafka_answers() {
  timeout 30 java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-tools.properties" -cp "$KAFKA_LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BROKERS" --list \
    >/dev/null 2>>"$LOG_DIR/kafka-check.log"
}

start_kafka() {
  ensure_kafka_libs
  write_kafka_config
  local klog="$LOG_DIR/kafka.log" kout="$LOG_DIR/kafka.out"
  local pid; pid="$(live_pid "$KAFKA_PID" kafka.Kafka)"
  if pid_alive "$pid" || port_open "$KAFKA_PORT"; then
    if ! pid_alive "$pid"; then
      log "something (not started by this script) already listens on 127.0.0.1:$KAFKA_PORT; leaving it alone"
    else
      log "kafka already running (pid $pid) on $KAFKA_BROKERS"
    fi
  else
    if port_open "$KAFKA_CONTROLLER_PORT"; then
      die "127.0.0.1:$KAFKA_CONTROLLER_PORT (Kafka controller port) is taken by another process; free it or set KAFKA_CONTROLLER_PORT"
    fi
    # --- one-time storage format (KRaft needs a formatted log dir) -----------
    if [ ! -s "$KAFKA_DATA/meta.properties" ]; then
      local cid
      cid="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n 1)"
      [ -n "$cid" ] || { show_log "$LOG_DIR/kafka-format.log"; die "could not generate a Kafka cluster id"; }
      log "formatting Kafka storage in $KAFKA_DATA (cluster id $cid)"
      kafka_tool kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_DIR/server.properties" \
        >>"$LOG_DIR/kafka-format.log" 2>&1 || { show_log "$LOG_DIR/kafka-format.log"; die "kafka storage format failed"; }
    fi

    log "starting kafka $KAFKA_VERSION (KRaft) on $KAFKA_BROKERS"
    local t0=$SECONDS
    # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
    (
      cd "$TALLY_HOME"
      exec nohup setsid java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties"
    ) </dev/null >>"$kout" 2>&1 &
    pid=$!
    echo "$pid" >"$KAFKA_PID"

    local deadline=$((SECONDS + STACK_TIMEOUT))
    until port_open "$KAFKA_PORT"; do
      if ! pid_alive "$pid"; then show_log "$kout"; show_log "$klog"; rm -f "$KAFKA_PID"; die "kafka exited during startup"; fi
      [ $SECONDS -lt $deadline ] || { show_log "$klog"; die "kafka did not open $KAFKA_BROKERS within ${STACK_TIMEOUT}s"; }
      sleep 0.5
    done
    log "kafka listening after $((SECONDS - t0))s"
  fi

  # Metadata request through the real client path (retried: the broker may
  # accept connections a moment before it has caught up with the controller).
  local deadline=$((SECONDS + STACK_TIMEOUT))
  until kafka_answers; do
    [ $SECONDS -lt $deadline ] || { show_log "$LOG_DIR/kafka-check.log"; show_log "$klog"; die "kafka does not answer metadata requests on $KAFKA_BROKERS"; }
    sleep 1
  done
  log "kafka ready"
}

stop_kafka() {
  local pid; pid="$(live_pid "$KAFKA_PID" kafka.Kafka)"
  if pid_alive "$pid"; then
    # SIGTERM triggers Kafka's controlled shutdown; it flushes logs and exits.
    stop_pid kafka "$pid" TERM 60 || return 1
  elif port_open "$KAFKA_PORT"; then
    log "kafka on :$KAFKA_PORT was not started by this script (no live pidfile); leaving it alone"
  fi
  rm -f "$KAFKA_PID"
}

# ------------------------------------------------------------- subcommands ----
print_env() {
  echo "export KAFKA_BROKERS=$KAFKA_BROKERS"
  echo "export REDIS_URL=$REDIS_URL"
  echo "export DATABASE_URL=$DATABASE_URL"
}

cmd_up() {
  ensure_dirs
  ensure_gitignore
  ensure_packages
  local t0=$SECONDS
  start_redis
  start_postgres
  start_kafka
  log "all services up ($((SECONDS - t0))s); data in $TALLY_HOME"
  echo "KAFKA_BROKERS=$KAFKA_BROKERS REDIS_URL=$REDIS_URL DATABASE_URL=$DATABASE_URL"
}

cmd_down() {
  local rc=0
  [ -d "$RUN_DIR" ] || { log "nothing to stop ($RUN_DIR does not exist)"; return 0; }
  stop_kafka || rc=1
  stop_redis || rc=1
  stop_postgres || rc=1
  stop_redis_cluster || rc=1
  [ $rc -eq 0 ] && log "all services stopped"
  return $rc
}

cmd_status() {
  local all=0
  if command -v redis-cli >/dev/null && redis_up; then echo "redis     up    $REDIS_URL"
  else echo "redis     down  $REDIS_URL"; all=3; fi

  PGBIN="$(pg_bindir || true)"
  if [ -n "$PGBIN" ] && pg_up; then echo "postgres  up    $DATABASE_URL"
  else echo "postgres  down  $DATABASE_URL"; all=3; fi

  # Cheap check (no JVM): live broker process from our pidfile or an open port.
  if port_open "$KAFKA_PORT"; then echo "kafka     up    $KAFKA_BROKERS"
  else echo "kafka     down  $KAFKA_BROKERS"; all=3; fi
  # Optional: reported when it runs, never counted against the stack.
  if command -v redis-cli >/dev/null && cluster_ok; then echo "redis-cluster up $REDIS_CLUSTER_NODES"; fi
  return $all
}

# The --redis-cluster forms: the cluster alone.
cmd_cluster() {
  case "$1" in
    up)
      ensure_dirs
      ensure_gitignore
      command -v redis-server >/dev/null && command -v redis-cli >/dev/null || ensure_packages
      local t0=$SECONDS
      start_redis_cluster
      log "redis cluster up ($((SECONDS - t0))s)"
      echo "REDIS_CLUSTER_NODES=$REDIS_CLUSTER_NODES"
      ;;
    down)
      [ -d "$RUN_DIR" ] || { log "nothing to stop ($RUN_DIR does not exist)"; return 0; }
      stop_redis_cluster && log "redis cluster stopped"
      ;;
    status)
      if command -v redis-cli >/dev/null && cluster_ok; then echo "redis-cluster up    $REDIS_CLUSTER_NODES"
      else echo "redis-cluster down  $REDIS_CLUSTER_NODES"; return 3; fi
      ;;
    env) echo "export REDIS_CLUSTER_NODES=$REDIS_CLUSTER_NODES" ;;
  esac
}

usage() { echo "usage: $0 up|down|status|env [--redis-cluster]" >&2; exit 2; }

case "${2:-}" in
  "") ;;
  --redis-cluster)
    case "${1:-}" in up | down | status | env) cmd_cluster "$1"; exit ;; *) usage ;; esac
    ;;
  *) usage ;;
esac

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) print_env ;;
  *) usage ;;
esac
