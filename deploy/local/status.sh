#!/usr/bin/env bash
# status.sh [--run-dir DIR]
# Shows a local run: each recorded process and whether it is alive (by its recorded PID and
# start time; "stopped" for a SIGSTOPped one), the latest round and its test accuracy from
# the coordinator's event lines, whether the run has finished, and the production model
# version from `fedz models list`. Exits 0 even if processes are down (it only reports).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"

while [ $# -gt 0 ]; do
  case $1 in
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    *) die "usage: status.sh [--run-dir DIR]" ;;
  esac
  shift
done
load_run

echo "run: $FEDZ_RUN_DIR"
echo "coordinator: tcp://$CONNECT_HOST:$PUBLISH_PORT (PUB) tcp://$CONNECT_HOST:$PULL_PORT (PULL); node count $NODE_COUNT"
for name in $(recorded_names); do
  pid=$(head -n1 "$FEDZ_RUN_DIR/pids/$name.pid")
  if [ -n "$(live_pid "$name")" ]; then
    state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ "$state" = T ] && state=stopped || state=alive
  else
    state=dead
  fi
  printf 'process: %-12s pid %-8s %s\n' "$name" "$pid" "$state"
done

events=$FEDZ_RUN_DIR/logs/coordinator.out
last_round=$(grep '"event":"round"' "$events" 2>/dev/null | tail -n1 || true)
if [ -n "$last_round" ]; then
  round=$(sed -n 's/.*"round":\([0-9][0-9]*\).*/\1/p' <<<"$last_round")
  accuracy=$(sed -n 's/.*"test_accuracy":\([-0-9.eE+]*\).*/\1/p' <<<"$last_round")
  echo "round: $round"
  echo "accuracy: ${accuracy:-unknown}"
else
  echo "round: none yet"
fi
grep -q '"event":"finished"' "$events" 2>/dev/null && echo "finished: yes" || echo "finished: no"

# The version carrying the `production` alias (first column of its row).
production=$("$FEDZ_BIN/fedz" models list --state-dir "$FEDZ_RUN_DIR/state" 2>/dev/null |
  awk '/production/ {print $1; exit}' || true)
echo "production version: ${production:-none}"
