#!/usr/bin/env bash
# Kills a fraction of a running `fedz run`'s nodes in every round, by their recorded PIDs
# (never by name): the fault-tolerance experiment "30 % of the nodes SIGKILLed during each
# round". `fedz run` restarts the nodes it loses; they re-join with a new incarnation.
#
# usage: deploy/chaos-rounds.sh STATE_DIR [FRACTION=0.3] [DELAY_SECONDS=0.3] [SEED=1]
# Runs until the run's PID directory disappears (the run ended); prints one line per kill.
set -euo pipefail

state=${1:?usage: chaos-rounds.sh STATE_DIR [FRACTION] [DELAY_SECONDS] [SEED]}
fraction=${2:-0.3}
delay=${3:-0.3}
RANDOM=${4:-1}
log="$state/logs/coordinator.log"
pids="$state/pids"

until [ -f "$log" ] && [ -d "$pids" ]; do sleep 0.2; done
seen=0
while [ -d "$pids" ]; do
  started=$(grep -c "round started" "$log" || true)
  if [ "$started" -gt "$seen" ]; then
    seen=$started
    sleep "$delay"
    mapfile -t nodes < <(find "$pids" -name 'node-*.pid' | sort)
    count=$(awk -v n="${#nodes[@]}" -v f="$fraction" 'BEGIN { k = int(n * f + 0.5); print (k < 1 && n > 0) ? 1 : k }')
    for _ in $(seq 1 "$count"); do
      [ "${#nodes[@]}" -gt 0 ] || break
      pick=$((RANDOM % ${#nodes[@]}))
      file=${nodes[$pick]}
      nodes=("${nodes[@]:0:$pick}" "${nodes[@]:$((pick + 1))}")
      pid=$(cat "$file" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; then
        echo "round event $seen: killed $(basename "$file" .pid) (pid $pid)"
      fi
    done
  fi
  sleep 0.1
done
