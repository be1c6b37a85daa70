#!/usr/bin/env bash
# down.sh [--run-dir DIR] [--grace SECONDS]
# Stops every process of a local run by its recorded PID: nodes first, then the monitor,
# then the coordinator; each gets SIGTERM, then SIGKILL after the grace period (default
# $FEDZ_GRACE or 10 s). PID files are removed; logs, keys and state stay in the run directory.
# A PID whose process has gone (or been reused by another program) is never signalled.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"

while [ $# -gt 0 ]; do
  case $1 in
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    --grace) FEDZ_GRACE=$2; shift ;;
    *) die "usage: down.sh [--run-dir DIR] [--grace SECONDS]" ;;
  esac
  shift
done
[ -d "$FEDZ_RUN_DIR/pids" ] || die "no run in $FEDZ_RUN_DIR"

# Nodes in parallel (each stop waits up to the grace period), then monitor and coordinator.
pids=()
for name in $(recorded_names); do
  case $name in node-*) stop "$name" & pids+=($!) ;; esac
done
for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid"; done
for name in $(recorded_names); do
  [ "$name" = coordinator ] || stop "$name"
done
stop coordinator
left=$(recorded_names)
[ -z "$left" ] || die "PID files left over: $left"
echo "fedz cluster in $FEDZ_RUN_DIR is down"
