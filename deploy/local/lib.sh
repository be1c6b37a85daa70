# shellcheck shell=bash
# Helpers shared by deploy/local/*.sh (sourced, never run). A run lives in one directory,
# $FEDZ_RUN_DIR (default ./fedz-run):
#   run.env          the run's settings (sourced by every script; scale.sh updates NODE_COUNT)
#   keys/ state/     CurveZMQ keys (unless given) and the coordinator's registry/checkpoint
#   logs/NAME.log    each process's standard error; logs/coordinator.out and monitor.out
#                    hold their JSON event lines (standard output)
#   pids/NAME.pid    line 1: the PID; line 2: its start time (field 22 of /proc/PID/stat),
#                    so that a PID reused by another program is never signalled

FEDZ_RUN_DIR=${FEDZ_RUN_DIR:-$PWD/fedz-run}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The start time of PID (clock ticks since boot), or nothing if it is gone.
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # Field 2 (comm) may hold spaces; everything after its closing ')' is space-separated.
  stat=${stat##*) }
  # shellcheck disable=SC2086  # split the fields on purpose
  set -- $stat
  echo "${20}"
}

# The recorded PID of NAME if that very process is still there (not a zombie), else nothing.
live_pid() {
  local file="$FEDZ_RUN_DIR/pids/$1.pid" pid start state
  [ -f "$file" ] || return 0
  { read -r pid; read -r start; } <"$file" || true
  [ -n "${pid:-}" ] && [ "$(start_time "$pid")" = "${start:-}" ] || return 0
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ "$state" = Z ] || echo "$pid"
}

# Every recorded process name (coordinator, monitor, node-0, …).
recorded_names() {
  local file
  for file in "$FEDZ_RUN_DIR"/pids/*.pid; do
    [ -e "$file" ] && basename "$file" .pid
  done
  return 0
}

# launch NAME STDOUT PROGRAM ARGS…: starts PROGRAM in the background with standard error
# in logs/NAME.log and standard output in STDOUT, and records its PID.
launch() {
  local name=$1 out=$2 pid
  shift 2
  # The subshell closes every inherited descriptor above 2 (a caller's pipe, for one, which
  # would otherwise stay open as long as the process lives) and execs, keeping its PID.
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec "$@"
  ) >>"$out" 2>>"$FEDZ_RUN_DIR/logs/$name.log" </dev/null &
  pid=$!
  printf '%s\n%s\n' "$pid" "$(start_time "$pid")" >"$FEDZ_RUN_DIR/pids/$name.pid"
  echo "started $name (pid $pid)"
}

# Node I of the current NODE_COUNT, with the run's settings from run.env.
start_node() {
  local index=$1 security=(--plaintext)
  [ "$INDEX_LIMIT" -eq 0 ] || [ "$index" -lt "$INDEX_LIMIT" ] ||
    die "no key pair for node-$index: the keys cover node-0 … node-$((INDEX_LIMIT - 1)) (up.sh --max-nodes)"
  [ "$PLAINTEXT" = 1 ] || security=(--keys "$KEYS")
  launch "node-$index" "$FEDZ_RUN_DIR/logs/node-$index.log" \
    "$FEDZ_BIN/fedz-node" --id "node-$index" \
    --coordinator-publish "tcp://$CONNECT_HOST:$PUBLISH_PORT" --coordinator-pull "tcp://$CONNECT_HOST:$PULL_PORT" \
    --clients "$CLIENTS" --node-index "$index" --node-count "$NODE_COUNT" \
    --model "$MODEL" --partition "$PARTITION" --seed "$SEED" --heartbeat-interval "$HEARTBEAT" "${security[@]}" \
    --metrics-port 0  # many nodes on one host: each its own free port, logged as "serving metrics"
}

# stop NAME [GRACE]: SIGTERM to the recorded PID, SIGKILL after GRACE seconds (default
# $FEDZ_GRACE or 10), then forget the PID file. Only ever signals the recorded process.
stop() {
  local name=$1 grace=${2:-${FEDZ_GRACE:-10}} pid waited=0
  pid=$(live_pid "$name")
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true # a SIGSTOPped process must run to handle TERM
    while [ -n "$(live_pid "$name")" ] && [ "$waited" -lt $((grace * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if [ -n "$(live_pid "$name")" ]; then
      echo "$name (pid $pid) ignored SIGTERM for ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$FEDZ_RUN_DIR/pids/$name.pid"
}

# Loads run.env, the settings up.sh recorded.
load_run() {
  [ -f "$FEDZ_RUN_DIR/run.env" ] || die "no run in $FEDZ_RUN_DIR (start one with up.sh, or set FEDZ_RUN_DIR)"
  # shellcheck source=/dev/null
  . "$FEDZ_RUN_DIR/run.env"
}

# Rewrites one KEY=value line of run.env.
set_run_value() {
  local key=$1 value=$2 file="$FEDZ_RUN_DIR/run.env"
  grep -v "^$key=" "$file" >"$file.new" || true
  printf '%s=%q\n' "$key" "$value" >>"$file.new"
  mv "$file.new" "$file"
}
