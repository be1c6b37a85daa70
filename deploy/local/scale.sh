#!/usr/bin/env bash
# scale.sh N [--run-dir DIR] [--grace SECONDS] [--join-timeout SECONDS]
# Changes the number of nodes of a running local cluster to N.
#
# How the clients move: the run has a fixed number of clients K (up.sh --clients); client c
# lives on node (c mod NODE_COUNT), and its data depends only on K, the partition and the
# seed, never on the node count. So scaling to N:
#   1. records NODE_COUNT=N in run.env;
#   2. scaling up: starts node-M … node-(N-1) with --node-count N;
#      scaling down: stops node-N … node-(M-1) (SIGTERM, then SIGKILL after the grace period);
#   3. restarts node-0 … node-(min(M,N)-1) one at a time with --node-count N (rolling: the
#      next one only after the previous one has joined again, or --join-timeout, 60 s).
# Afterwards every client is hosted by exactly one node, as if the run had started with N
# nodes. While it runs, a client may be hosted twice (an old node and a new one, both with
# its same data; the coordinator assigns it to one) or not at all (its node restarting):
# the coordinator writes off the clients of a node that went away in the open round and
# samples from the live nodes in the next one, as with any node failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"

target="" join_timeout=60
while [ $# -gt 0 ]; do
  case $1 in
    [0-9]*) target=$1 ;;
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    --grace) FEDZ_GRACE=$2; shift ;;
    --join-timeout) join_timeout=$2; shift ;;
    *) die "usage: scale.sh N [--run-dir DIR] [--grace SECONDS] [--join-timeout SECONDS]" ;;
  esac
  shift
done
if [ -z "$target" ] || [ "$target" -lt 1 ]; then die "usage: scale.sh N (N ≥ 1)"; fi
load_run
[ -n "$(live_pid coordinator)" ] || die "the coordinator is not running"
[ "$INDEX_LIMIT" -eq 0 ] || [ "$target" -le "$INDEX_LIMIT" ] ||
  die "the keys cover $INDEX_LIMIT nodes; start the run with up.sh --max-nodes $target (or more)"

previous=$NODE_COUNT
set_run_value NODE_COUNT "$target"
NODE_COUNT=$target
for ((index = previous; index < target; index++)); do start_node "$index"; done
for ((index = target; index < previous; index++)); do stop "node-$index"; done
# joined NAME: how often NAME's log says it joined the federation.
joined() { grep -c 'joined the federation' "$FEDZ_RUN_DIR/logs/$1.log" 2>/dev/null || true; }
# Rolling: the next node goes down only once the previous one is back in the federation
# (or --join-timeout seconds passed), so that at most one node is away at a time.
for ((index = 0; index < (previous < target ? previous : target); index++)); do
  before=$(joined "node-$index")
  stop "node-$index"
  start_node "$index"
  deadline=$((SECONDS + join_timeout))
  while [ "$(joined "node-$index")" -le "$before" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  [ "$(joined "node-$index")" -gt "$before" ] || echo "node-$index has not joined within ${join_timeout}s; going on" >&2
done
echo "scaled from $previous to $target nodes"
