#!/usr/bin/env bash
# Kills a fraction of a running `fedz run`'s nodes in every round, by their recorded PIDs
# (never by name): the fault-tolerance experiment "30 % of the nodes SIGKILLed during each
# round". `fedz run` restarts the nodes it loses; they re-join with a new incarnation.
#
# usage: deploy/chaos-rounds.sh STATE_DIR [FRACTION=0.3] [DELAY_SECONDS=0.3] [SEED=1]
# Runs until the run's PID directory disappears (the run ended); prints one line per kill.
#
# A PID is only signalled while it still is the recorded node, so that a PID the kernel has
# handed to another program since is never touched. `fedz run` writes pids/node-I.pid (the
# PID alone) right after starting the node, so the process must: be alive and not a zombie;
# have started no later than the PID file was written (its start time, field 22 of
# /proc/PID/stat, against the file's modification time; a second line in the file, the start
# time as deploy/local/lib.sh records it, is compared exactly instead); and be node-I, with
# `--id node-I` on its command line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/local/lib.sh" # start_time

state=${1:?usage: chaos-rounds.sh STATE_DIR [FRACTION] [DELAY_SECONDS] [SEED]}
fraction=${2:-0.3}
delay=${3:-0.3}
RANDOM=${4:-1}
log="$state/logs/coordinator.log"
pids="$state/pids"
ticks=$(getconf CLK_TCK)
boot=$(awk '/^btime/ {print $2}' /proc/stat) # seconds since the epoch at boot

# recorded_node FILE: the PID in FILE (pids/NAME.pid) if that very process is still node NAME.
recorded_node() {
  local file=$1 name pid="" recorded="" start written state
  name=$(basename "$file" .pid)
  { read -r pid; read -r recorded; } 2>/dev/null <"$file" || true
  case $pid in '' | *[!0-9]*) return 0 ;; esac
  start=$(start_time "$pid")
  [ -n "$start" ] || return 0
  if [ -n "$recorded" ]; then
    [ "$start" = "$recorded" ] || return 0
  else
    written=$(stat -c %Y "$file" 2>/dev/null) || return 0
    # Whole seconds since the epoch; one second allowed for btime's and %Y's rounding down.
    [ $((boot + start / ticks)) -le $((written + 1)) ] || return 0
  fi
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -A1 -x -e --id | tail -n 1 | grep -qx -e "$name" || return 0
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -z "$state" ] || [ "$state" = Z ] || echo "$pid"
}

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
      pid=$(recorded_node "$file")
      if [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; then
        echo "round event $seen: killed $(basename "$file" .pid) (pid $pid)"
      fi
    done
  fi
  sleep 0.1
done
