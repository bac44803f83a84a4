#!/usr/bin/env bash
# Pactwatch dev Kafka: a single KRaft node (broker + controller) run straight
# from the Maven Central jars, because this environment has no Docker and no
# way to download the Kafka tarball. See README.md next to this file.
#
#   kafka.sh fetch
#   kafka.sh start  [--port P] [--controller-port C] [--data-dir D]
#   kafka.sh create-topics [--port P] [--data-dir D]
#   kafka.sh stop   [--data-dir D]
#   kafka.sh status [--data-dir D]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
LIB="$HERE/lib"

# A fixed cluster id: one node, dev only, and restarts must find the same id
# that the data dir was formatted with.
CLUSTER_ID="${KAFKA_CLUSTER_ID:-7pFreOOVRoS0fU5I8LavDA}"
DEFAULT_TOPICS="pactwatch.articles:6,pactwatch.events:6,pactwatch.deadletter:3,pactwatch.notifier.retry:6,pactwatch.crawler.sources:12,pactwatch.crawler.seen:12"
PYTHON="${KAFKA_PYTHON:-$REPO/.venv/bin/python}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-60}"
# Modest heap: the broker shares 2 cores and the RAM with the services.
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Kafka's own G1 settings from kafka-run-class.sh.
JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"

die() { echo "kafka.sh: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

usage() {
  sed -n '2,10s/^# \{0,1\}//p' "$0"
  exit "${1:-0}"
}

# --- options ---------------------------------------------------------------
# Precedence: flag > env var > port stored in the data dir's rendered
# server.properties (so a restart without flags gets the same ports, which the
# KRaft quorum remembers) > 9092/9093.
parse_opts() {
  PORT="${KAFKA_PORT:-}"
  CTRL_PORT="${KAFKA_CONTROLLER_PORT:-}"
  DATA_DIR="${KAFKA_DATA_DIR:-$REPO/.data/kafka}"
  while (($#)); do
    case "$1" in
      --port) PORT="${2:?--port needs a value}"; shift 2 ;;
      --port=*) PORT="${1#*=}"; shift ;;
      --controller-port) CTRL_PORT="${2:?--controller-port needs a value}"; shift 2 ;;
      --controller-port=*) CTRL_PORT="${1#*=}"; shift ;;
      --data-dir) DATA_DIR="${2:?--data-dir needs a value}"; shift 2 ;;
      --data-dir=*) DATA_DIR="${1#*=}"; shift ;;
      -h|--help) usage 0 ;;
      *) die "unknown option: $1" ;;
    esac
  done
  DATA_DIR="$(realpath -m "$DATA_DIR")"
  PROPS="$DATA_DIR/server.properties"
  PID_FILE="$DATA_DIR/kafka.pid"
  OUT_FILE="$DATA_DIR/kafka.out"
  LOG_DIR="$DATA_DIR/kraft"
  if [[ -z "$PORT" ]]; then PORT="$(stored_port PLAINTEXT)"; fi
  if [[ -z "$CTRL_PORT" ]]; then CTRL_PORT="$(stored_port CONTROLLER)"; fi
  PORT="${PORT:-9092}"
  CTRL_PORT="${CTRL_PORT:-9093}"
  [[ "$PORT" =~ ^[0-9]+$ && "$CTRL_PORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
  [[ "$PORT" != "$CTRL_PORT" ]] || die "client and controller port must differ"
  BOOTSTRAP="127.0.0.1:$PORT"
}

# Port of listener NAME in an earlier rendered server.properties, if any.
stored_port() {
  [[ -f "$PROPS" ]] || return 0
  sed -n "s|^listeners=.*$1://[^:,]*:\([0-9]*\).*|\1|p" "$PROPS"
}

# --- process helpers -------------------------------------------------------
# Alive and not a zombie (kill -0 succeeds on zombies when nobody reaps).
alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# Prints the pid of this data dir's broker and succeeds if it is running.
# Checks the command line too, so a recycled pid is not mistaken for Kafka.
broker_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

port_in_use() {
  # bash's /dev/tcp: connecting succeeds only if something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Runs a Kafka class from lib/ as a one-shot tool (its log goes to
# tools.log). C1-only JIT: these JVMs live for a second or two. An optional
# leading "timeout N" bounds the run (timeout(1) cannot run a shell function).
run_tool() {
  local limit=()
  if [[ "${1:-}" == timeout ]]; then limit=(timeout "$2"); shift 2; fi
  "${limit[@]}" java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$LIB/*" \
    -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -Dkafka.logs.dir="$DATA_DIR" -Dkafka.log.file=tools.log "$@"
}

have_aiokafka() {
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import aiokafka' 2>/dev/null
}

# --- commands --------------------------------------------------------------
lib_fresh() {
  [[ -d "$LIB" && "$LIB" -nt "$HERE/pom.xml" ]] && compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null
}

cmd_fetch() {
  lib_fresh && return 0  # fast path: jars already resolved for this pom
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
  # Locked: brokers started in parallel (test workers) must not both swap lib/.
  # A subshell, so the lock's fd is not inherited by the broker's JVM.
  (
    flock 9
    lib_fresh && exit 0
    echo "fetching Kafka jars from Maven Central into $LIB ..."
    # Into a fresh folder, then swap: copying over an old lib/ would leave jars
    # of the previous version on the classpath. outputDirectory must be
    # absolute: a relative one resolves against the pom's folder, not the cwd.
    tmp="$HERE/lib.tmp.$$"
    rm -rf "$tmp"
    # Output to a file: even with -q, Maven 3.8 prints colour codes.
    if ! mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$tmp.log" 2>&1; then
      cat "$tmp.log" >&2
      rm -rf "$tmp" "$tmp.log"
      die "maven could not resolve the Kafka jars"
    fi
    rm -rf "$LIB" "$tmp.log"
    mv "$tmp" "$LIB"
    touch "$LIB"
  ) 9>"$HERE/.fetch.lock"
}

cmd_start() {
  parse_opts "$@"
  local pid
  if pid="$(broker_pid)"; then
    echo "Kafka already running for $DATA_DIR (pid $pid)"
    echo "bootstrap: $(stored_bootstrap)"
    return 0
  fi
  command -v java >/dev/null || die "java not found (Kafka 4 needs Java 17+)"
  cmd_fetch
  mkdir -p "$DATA_DIR"

  local p
  for p in "$PORT" "$CTRL_PORT"; do
    port_in_use "$p" && die "port $p on 127.0.0.1 is already in use"
  done

  sed -e "s|@KAFKA_PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CTRL_PORT|g" \
      -e "s|@LOG_DIR@|$LOG_DIR|g" "$HERE/server.properties.template" >"$PROPS"

  # Format once; meta.properties marks a formatted log dir. --standalone makes
  # this node the single voter of a dynamic (KIP-853) controller quorum.
  if [[ ! -f "$LOG_DIR/meta.properties" ]]; then
    run_tool kafka.tools.StorageTool format --standalone \
      -t "$CLUSTER_ID" -c "$PROPS" >"$DATA_DIR/format.out" 2>&1 \
      || { cat "$DATA_DIR/format.out" >&2; die "formatting $LOG_DIR failed"; }
  fi

  local t0
  t0="$(now_ms)"
  # shellcheck disable=SC2086  # HEAP_OPTS/JVM_OPTS are deliberately word-split
  java $HEAP_OPTS $JVM_OPTS -cp "$LIB/*" \
    -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -Dkafka.logs.dir="$DATA_DIR" \
    kafka.Kafka "$PROPS" </dev/null >>"$OUT_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  if ! wait_ready "$pid"; then
    echo "--- tail of $DATA_DIR/server.log ---" >&2
    tail -n 40 "$DATA_DIR/server.log" >&2 2>/dev/null || true
    echo "--- tail of $OUT_FILE ---" >&2
    tail -n 20 "$OUT_FILE" >&2 || true
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$PID_FILE"
    die "broker did not start (logs: $DATA_DIR/server.log, $OUT_FILE)"
  fi
  local ready_ms=$(($(now_ms) - t0))
  create_topics
  printf 'Kafka %s ready in %d.%03ds (pid %s, data %s)\n' \
    "$(kafka_version)" $((ready_ms / 1000)) $((ready_ms % 1000)) "$pid" "$DATA_DIR"
  echo "bootstrap: $BOOTSTRAP"
}

# The bootstrap address a running broker was started with (ports may differ
# from the ones asked for in this call).
stored_bootstrap() {
  echo "127.0.0.1:$(stored_port PLAINTEXT)"
}

kafka_version() {
  local jar
  jar="$(compgen -G "$LIB/kafka_2.13-*.jar" | head -n1)"
  jar="${jar##*/kafka_2.13-}"
  echo "${jar%.jar}"
}

# Ready = a client gets cluster metadata listing the broker, not just an open
# port (the socket accepts before the broker has registered).
wait_ready() {
  local pid="$1"
  if have_aiokafka; then
    "$PYTHON" "$HERE/kafka_admin.py" wait-ready --bootstrap "$BOOTSTRAP" \
      --timeout "$READY_TIMEOUT" --pid "$pid"
    return
  fi
  # Fallback without the venv: Kafka's own topic tool (a JVM per try, slower).
  local deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || { echo "broker process $pid exited during startup" >&2; return 1; }
    if port_in_use "$PORT" && run_tool timeout 20 \
        org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

create_topics() {
  local spec="${PACTWATCH_TOPICS:-$DEFAULT_TOPICS}"
  if have_aiokafka; then
    "$PYTHON" "$HERE/kafka_admin.py" create-topics --bootstrap "$BOOTSTRAP" --topics "$spec"
    return
  fi
  local item name parts
  IFS=',' read -ra items <<<"$spec"
  for item in "${items[@]}"; do
    name="${item%%:*}"
    parts="${item#*:}"
    [[ -n "$name" && "$parts" =~ ^[0-9]+$ ]] || die "bad PACTWATCH_TOPICS entry: $item"
    # (The tool warns about '.' in topic names on every call; dropped.)
    run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --create --if-not-exists --topic "$name" --partitions "$parts" --replication-factor 1 2>&1 \
      | { grep -v "^WARNING: Due to limitations in metric names" || true; }
  done
}

cmd_create_topics() {
  parse_opts "$@"
  broker_pid >/dev/null || echo "note: no broker of $DATA_DIR is running; trying $BOOTSTRAP anyway" >&2
  create_topics
}

cmd_stop() {
  parse_opts "$@"
  local pid
  if ! pid="$(broker_pid)"; then
    echo "Kafka not running for $DATA_DIR"
    rm -f "$PID_FILE"
    return 0
  fi
  # SIGTERM = controlled shutdown: logs are flushed and marked clean, so the
  # next start skips log recovery.
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "$pid"; then
    echo "Kafka (pid $pid) did not stop within 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  echo "Kafka stopped (pid $pid)"
}

# Exit 0 if running, 3 if not (as LSB init scripts do).
cmd_status() {
  parse_opts "$@"
  local pid
  if pid="$(broker_pid)"; then
    echo "Kafka running for $DATA_DIR (pid $pid), bootstrap: $(stored_bootstrap)"
    return 0
  fi
  echo "Kafka not running for $DATA_DIR"
  return 3
}

case "${1:-}" in
  fetch) shift; cmd_fetch "$@" ;;
  start) shift; cmd_start "$@" ;;
  create-topics) shift; cmd_create_topics "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  -h|--help|help) usage 0 ;;
  *) usage 2 >&2 ;;
esac
