#!/usr/bin/env bash
# up.sh [N] [options] [-- coordinator flags…]
# Starts a local fedz cluster as background processes: a coordinator, a monitor and N nodes
# (default 3), all under one run directory (--run-dir, default $FEDZ_RUN_DIR or ./fedz-run).
# Waits for the coordinator's ready line (--ready-timeout seconds), records every PID in
# RUN_DIR/pids/, and returns; status.sh, scale.sh, chaos.sh and down.sh take over from there.
# If anything fails before the cluster is up, everything started so far is stopped.
# Flags after `--` go to `fedz coordinator` only (e.g. --local-epochs 1 --batch-size 10).
# See deploy/README.md for every option and its default.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"

usage() {
  cat <<'EOF'
usage: up.sh [N] [--nodes N] [--clients K] [--rounds R] [--fraction C] [--min-clients M]
             [--model mlp] [--partition iid] [--seed S] [--heartbeat-interval SECONDS]
             [--bind-host 127.0.0.1] [--connect-host 127.0.0.1]
             [--publish-port 7001] [--pull-port 7002] [--alerts-port 7003]   (0: any free port)
             [--run-dir DIR] [--keys DIR | --plaintext] [--max-nodes M] [--ready-timeout 60]
             [-- extra `fedz coordinator` flags]
environment: FEDZ_BIN (directory of fedz and fedz-node; default .build/release of this clone),
             FEDZ_RUN_DIR (default ./fedz-run), FEDZ_GRACE (down.sh's SIGTERM grace, 10 s)
EOF
}

nodes=3 clients=100 rounds=20 fraction=0.1 min_clients=2 model=mlp partition=iid seed=1 heartbeat=1
bind_host=127.0.0.1 connect_host=127.0.0.1 publish_port=7001 pull_port=7002 alerts_port=7003
keys="" plaintext=0 max_nodes="" ready_timeout=60 extra=()
while [ $# -gt 0 ]; do
  case $1 in
    [0-9]*) nodes=$1 ;;
    --nodes) nodes=$2; shift ;;
    --clients) clients=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --fraction) fraction=$2; shift ;;
    --min-clients) min_clients=$2; shift ;;
    --model) model=$2; shift ;;
    --partition) partition=$2; shift ;;
    --seed) seed=$2; shift ;;
    --heartbeat-interval) heartbeat=$2; shift ;;
    --bind-host) bind_host=$2; shift ;;
    --connect-host) connect_host=$2; shift ;;
    --publish-port) publish_port=$2; shift ;;
    --pull-port) pull_port=$2; shift ;;
    --alerts-port) alerts_port=$2; shift ;;
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    --keys) keys=$2; shift ;;
    --plaintext) plaintext=1 ;;
    --max-nodes) max_nodes=$2; shift ;;
    --ready-timeout) ready_timeout=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[ "$nodes" -ge 1 ] || die "need at least one node"
max_nodes=${max_nodes:-$((nodes > 32 ? nodes : 32))}
[ "$max_nodes" -ge "$nodes" ] || die "--max-nodes ($max_nodes) is below the node count ($nodes)"
FEDZ_BIN=${FEDZ_BIN:-$(cd "$here/../.." && pwd)/.build/release}
for program in fedz fedz-node; do
  [ -x "$FEDZ_BIN/$program" ] || die "$FEDZ_BIN/$program missing: run \`make release\` (or set FEDZ_BIN)"
done

mkdir -p "$FEDZ_RUN_DIR"
FEDZ_RUN_DIR=$(cd "$FEDZ_RUN_DIR" && pwd)
if [ -d "$FEDZ_RUN_DIR/pids" ]; then
  for name in $(recorded_names); do
    [ -z "$(live_pid "$name")" ] || die "$name is still running in $FEDZ_RUN_DIR: down.sh first, or another --run-dir"
  done
fi
rm -rf "$FEDZ_RUN_DIR/pids" "$FEDZ_RUN_DIR/logs"
mkdir -p "$FEDZ_RUN_DIR/pids" "$FEDZ_RUN_DIR/logs" "$FEDZ_RUN_DIR/state"

# Anything that fails from here on stops what was started (by recorded PID).
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "up.sh failed; stopping what it started (logs kept in $FEDZ_RUN_DIR/logs)" >&2
    for name in $(recorded_names); do stop "$name" 3; done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Keys: the given directory, or fresh ones for node-0 … node-(max_nodes-1) in the run dir.
security=(--plaintext)
index_limit=0
if [ "$plaintext" = 0 ]; then
  if [ -z "$keys" ]; then
    keys=$FEDZ_RUN_DIR/keys
    if [ ! -f "$keys/allow-list" ]; then
      "$FEDZ_BIN/fedz" keys generate --out "$keys" --nodes "$max_nodes" >/dev/null
    fi
  fi
  keys=$(cd "$keys" && pwd)
  index_limit=$(find "$keys" -maxdepth 1 -name 'node-*.key' | wc -l)
  security=(--keys "$keys")
fi

# wait_for_line FILE PATTERN NAME: the first line of FILE matching PATTERN, within the deadline.
wait_for_line() {
  local file=$1 pattern=$2 name=$3 deadline=$((SECONDS + ready_timeout)) line
  while [ "$SECONDS" -lt "$deadline" ]; do
    line=$(grep -m1 -e "$pattern" "$file" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    [ -n "$(live_pid "$name")" ] || die "$name exited before it was ready: $(tail -5 "$FEDZ_RUN_DIR/logs/$name.log")"
    sleep 0.1
  done
  die "$name not ready within ${ready_timeout}s (see $FEDZ_RUN_DIR/logs/$name.log)"
}

# The port of a ZeroMQ endpoint named in a JSON ready line, e.g. "publish":"tcp://1.2.3.4:5".
port_of() { sed -n "s/.*\"$1\":\"tcp:[^\"]*:\([0-9]*\)\".*/\1/p" <<<"$2"; }
endpoint() { [ "$2" = 0 ] && echo "tcp://$1:*" || echo "tcp://$1:$2"; }

# Everything but the endpoints and keys, recorded so that chaos.sh can restart it (--resume).
coordinator_args=(--state-dir "$FEDZ_RUN_DIR/state" --expect-clients "$clients" --rounds "$rounds"
  --fraction "$fraction" --min-clients "$min_clients" --model "$model" --seed "$seed"
  --heartbeat-interval "$heartbeat" ${extra[@]+"${extra[@]}"})
launch coordinator "$FEDZ_RUN_DIR/logs/coordinator.out" "$FEDZ_BIN/fedz" coordinator \
  --publish "$(endpoint "$bind_host" "$publish_port")" --pull "$(endpoint "$bind_host" "$pull_port")" \
  "${security[@]}" "${coordinator_args[@]}"
ready=$(wait_for_line "$FEDZ_RUN_DIR/logs/coordinator.out" '"event":"ready"' coordinator)
publish_port=$(port_of publish "$ready")
pull_port=$(port_of pull "$ready")
if [ -z "$publish_port" ] || [ -z "$pull_port" ]; then die "cannot read the ports from the ready line: $ready"; fi

# Everything the other scripts need, including the coordinator's real ports.
{
  printf '%s=%q\n' FEDZ_BIN "$FEDZ_BIN" KEYS "$keys" PLAINTEXT "$plaintext" INDEX_LIMIT "$index_limit" \
    CLIENTS "$clients" NODE_COUNT "$nodes" MODEL "$model" PARTITION "$partition" SEED "$seed" \
    HEARTBEAT "$heartbeat" BIND_HOST "$bind_host" CONNECT_HOST "$connect_host" \
    PUBLISH_PORT "$publish_port" PULL_PORT "$pull_port" ALERTS_PORT "$alerts_port"
  printf 'COORDINATOR_ARGS=(%s)\n' "$(printf '%q ' "${coordinator_args[@]}")"
} >"$FEDZ_RUN_DIR/run.env"
load_run

launch monitor "$FEDZ_RUN_DIR/logs/monitor.out" \
  "$FEDZ_BIN/fedz" monitor --coordinator-publish "tcp://$connect_host:$publish_port" \
  --coordinator-pull "tcp://$connect_host:$pull_port" --alerts "$(endpoint "$bind_host" "$alerts_port")" \
  --state-dir "$FEDZ_RUN_DIR/state" --heartbeat-interval "$heartbeat" "${security[@]}"

for ((index = 0; index < nodes; index++)); do start_node "$index"; done
ready=$(wait_for_line "$FEDZ_RUN_DIR/logs/monitor.out" '"event":"ready"' monitor)
set_run_value ALERTS_PORT "$(port_of alerts "$ready")"

trap - EXIT
echo "fedz cluster up in $FEDZ_RUN_DIR: coordinator tcp://$connect_host:$publish_port (PUB), tcp://$connect_host:$pull_port (PULL); $nodes nodes"
