#!/usr/bin/env bash
# chaos.sh kill|stop|cont|restart NAME [--run-dir DIR]
# Fault injection on one process of a local run, by its recorded PID only (never by name):
#   kill     SIGKILL (the PID file stays, so status.sh shows it dead and restart can revive it)
#   stop     SIGSTOP (frozen: it stops heart-beating and the coordinator declares it dead)
#   cont     SIGCONT (a frozen process resumes)
#   restart  SIGKILL if alive, then start it again with the run's settings: a node with the
#            current node count; the coordinator with --resume on its recorded ports; the monitor
# NAME is node-I (or just I), monitor or coordinator.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/lib.sh"

usage="usage: chaos.sh kill|stop|cont|restart NAME [--run-dir DIR]"
action=${1:-}
name=${2:-}
if [ $# -lt 2 ]; then die "$usage"; fi
shift 2
while [ $# -gt 0 ]; do
  case $1 in
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    *) die "$usage" ;;
  esac
  shift
done
case $name in [0-9]*) name=node-$name ;; esac
load_run
[ -f "$FEDZ_RUN_DIR/pids/$name.pid" ] || die "no recorded process '$name' in $FEDZ_RUN_DIR/pids"
pid=$(live_pid "$name")

security=(--plaintext)
[ "$PLAINTEXT" = 1 ] || security=(--keys "$KEYS")
case $action in
  kill | stop | cont)
    [ -n "$pid" ] || die "$name is not running"
    signal=$(tr '[:lower:]' '[:upper:]' <<<"$action")
    kill -"$signal" "$pid"
    echo "sent SIG$signal to $name (pid $pid)"
    ;;
  restart)
    if [ -n "$pid" ]; then kill -KILL "$pid"; fi
    while [ -n "$(live_pid "$name")" ]; do sleep 0.1; done # SIGKILL cannot be ignored
    case $name in
      node-*) start_node "${name#node-}" ;;
      monitor)
        launch monitor "$FEDZ_RUN_DIR/logs/monitor.out" "$FEDZ_BIN/fedz" monitor \
          --coordinator-publish "tcp://$CONNECT_HOST:$PUBLISH_PORT" --coordinator-pull "tcp://$CONNECT_HOST:$PULL_PORT" \
          --alerts "tcp://$BIND_HOST:$ALERTS_PORT" --state-dir "$FEDZ_RUN_DIR/state" \
          --heartbeat-interval "$HEARTBEAT" "${security[@]}"
        ;;
      coordinator)
        launch coordinator "$FEDZ_RUN_DIR/logs/coordinator.out" "$FEDZ_BIN/fedz" coordinator \
          --publish "tcp://$BIND_HOST:$PUBLISH_PORT" --pull "tcp://$BIND_HOST:$PULL_PORT" --resume \
          "${security[@]}" "${COORDINATOR_ARGS[@]}"
        ;;
      *) die "cannot restart '$name'" ;;
    esac
    ;;
  *) die "$usage" ;;
esac
