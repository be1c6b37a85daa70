#!/usr/bin/env bash
# run.sh [options] [-- coordinator flags…]
# A multi-host fedz run on one machine: the coordinator and the monitor in one network
# namespace (the "hub", 10.77.0.1), the nodes in --hosts other namespaces (10.77.0.11, .12,
# …), joined by veth pairs to a bridge in the hub, on the private subnet 10.77.0.0/24 that
# exists only inside these namespaces. Runs a federation of --rounds rounds to its end,
# prints each round and a JSON summary line, and removes every process and namespace it made
# (trap), whatever happens. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) for `ip netns`.
#   --loss PCT      drop PCT % of packets at random in each direction at every node host
#                   (nftables `numgen random` rules inside the node namespaces)
#   --delay-ms MS   add MS ms one way (2 × MS to each round trip) between the nodes and the
#                   coordinator, through deploy/netns/delay_proxy.py in the hub (no netem here)
# Exit status: 0 when the run finished, 1 otherwise, 2 when namespaces cannot be made here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=deploy/local/lib.sh
. "$here/../local/lib.sh"

hosts=2 nodes_per_host=1 clients=20 rounds=2 loss=0 delay_ms=0 timeout=300 extra=()
FEDZ_RUN_DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --hosts) hosts=$2; shift ;;
    --nodes-per-host) nodes_per_host=$2; shift ;;
    --clients) clients=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --loss) loss=$2; shift ;;
    --delay-ms) delay_ms=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --run-dir) FEDZ_RUN_DIR=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "usage: run.sh [--hosts 2] [--nodes-per-host 1] [--clients 20] [--rounds 2] [--loss PCT] [--delay-ms MS] [--timeout 300] [--run-dir DIR] [-- coordinator flags]" ;;
  esac
  shift
done
FEDZ_BIN=${FEDZ_BIN:-$(cd "$here/../.." && pwd)/.build/release}
for program in fedz fedz-node; do
  [ -x "$FEDZ_BIN/$program" ] || die "$FEDZ_BIN/$program missing: run \`make release\` (or set FEDZ_BIN)"
done
FEDZ_RUN_DIR=${FEDZ_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/fedz-netns.XXXXXX")}
mkdir -p "$FEDZ_RUN_DIR/pids" "$FEDZ_RUN_DIR/logs" "$FEDZ_RUN_DIR/state"
nodes=$((hosts * nodes_per_host))

# Namespace names are unique to this run, so that runs never collide.
prefix=fedz$$
hub=$prefix-hub
namespaces=()
cleanup() {
  local status=$? name namespace
  for name in $(recorded_names); do stop "$name" 3 >/dev/null; done
  for namespace in ${namespaces[@]+"${namespaces[@]}"}; do ip netns delete "$namespace" 2>/dev/null || true; done
  echo "netns run cleaned up (logs in $FEDZ_RUN_DIR/logs)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! error=$(ip netns add "$hub" 2>&1); then
  echo "run.sh: cannot create a network namespace ($error): needs root with CAP_NET_ADMIN and CAP_SYS_ADMIN" >&2
  exit 2
fi
namespaces+=("$hub")
in_hub() { ip netns exec "$hub" "$@"; }
in_hub ip link set lo up
in_hub ip link add br0 type bridge
in_hub ip addr add 10.77.0.1/24 dev br0
in_hub ip link set br0 up
for ((h = 1; h <= hosts; h++)); do
  host=$prefix-h$h
  ip netns add "$host"
  namespaces+=("$host")
  # One veth pair: "v$h" in the hub (on the bridge), "eth0" in the node host.
  ip -n "$hub" link add "v$h" type veth peer name eth0 netns "$host"
  in_hub ip link set "v$h" master br0 up
  ip -n "$host" link set lo up
  ip -n "$host" addr add "10.77.0.$((10 + h))/24" dev eth0
  ip -n "$host" link set eth0 up
  if [ "$loss" != 0 ]; then
    # numgen random mod 100 < loss: drop that share of the packets in and out of the host.
    ip netns exec "$host" nft -f - <<EOF
table inet fedzloss {
  chain input { type filter hook input priority 0; numgen random mod 100 < $loss drop; }
  chain output { type filter hook output priority 0; numgen random mod 100 < $loss drop; }
}
EOF
  fi
done
# Bounded check that the "hosts" see each other before anything starts.
for ((h = 1; h <= hosts; h++)); do
  ip netns exec "$prefix-h$h" ping -q -c3 -i0.2 -W2 10.77.0.1 >/dev/null || die "host $h cannot reach the hub at 10.77.0.1"
done

"$FEDZ_BIN/fedz" keys generate --out "$FEDZ_RUN_DIR/keys" --nodes "$nodes" >/dev/null
security=(--keys "$FEDZ_RUN_DIR/keys")
launch coordinator "$FEDZ_RUN_DIR/logs/coordinator.out" ip netns exec "$hub" "$FEDZ_BIN/fedz" coordinator \
  --publish tcp://10.77.0.1:7001 --pull tcp://10.77.0.1:7002 --state-dir "$FEDZ_RUN_DIR/state" \
  --expect-clients "$clients" --rounds "$rounds" "${security[@]}" ${extra[@]+"${extra[@]}"}
# With --delay-ms the nodes reach the coordinator through the delaying proxy on 8001/8002.
publish=tcp://10.77.0.1:7001 pull=tcp://10.77.0.1:7002
if [ "$delay_ms" != 0 ]; then
  launch delay-proxy "$FEDZ_RUN_DIR/logs/delay-proxy.log" ip netns exec "$hub" python3 "$here/delay_proxy.py" \
    10.77.0.1:8001 10.77.0.1:7001 "$delay_ms" 10.77.0.1:8002 10.77.0.1:7002
  publish=tcp://10.77.0.1:8001 pull=tcp://10.77.0.1:8002
fi
launch monitor "$FEDZ_RUN_DIR/logs/monitor.out" ip netns exec "$hub" "$FEDZ_BIN/fedz" monitor \
  --coordinator-publish tcp://10.77.0.1:7001 --coordinator-pull tcp://10.77.0.1:7002 \
  --alerts tcp://10.77.0.1:7003 --state-dir "$FEDZ_RUN_DIR/state" "${security[@]}"
for ((index = 0; index < nodes; index++)); do
  host=$prefix-h$((index / nodes_per_host + 1))
  launch "node-$index" "$FEDZ_RUN_DIR/logs/node-$index.log" ip netns exec "$host" "$FEDZ_BIN/fedz-node" \
    --id "node-$index" --coordinator-publish "$publish" --coordinator-pull "$pull" \
    --clients "$clients" --node-index "$index" --node-count "$nodes" "${security[@]}"
done

# Wait (bounded) for the coordinator's finished line, echoing rounds as they come.
events=$FEDZ_RUN_DIR/logs/coordinator.out
deadline=$((SECONDS + timeout)) shown=0
while ! grep -q '"event":"finished"' "$events"; do
  [ "$SECONDS" -lt "$deadline" ] || die "no finished run within ${timeout}s; see $FEDZ_RUN_DIR/logs"
  [ -n "$(live_pid coordinator)" ] || die "the coordinator exited early: $(tail -5 "$FEDZ_RUN_DIR/logs/coordinator.log")"
  count=$(grep -c '"event":"round"' "$events" || true)
  if [ "$count" -gt "$shown" ]; then
    grep '"event":"round"' "$events" | sed -n "$((shown + 1)),${count}p"
    shown=$count
  fi
  sleep 0.2
done
grep '"event":"round"' "$events" | sed -n "$((shown + 1)),\$p"

# Summary: mean round seconds, from the coordinator's round events.
seconds=$(sed -n 's/.*"event":"round".*"seconds":\([0-9.eE+-]*\).*/\1/p' "$events")
mean=$(awk '{ s += $1; n++ } END { if (n) printf "%.3f", s / n; else print "null" }' <<<"$seconds")
printf '{"event":"netns_summary","hosts":%d,"nodes":%d,"rounds":%d,"loss_percent":%s,"delay_ms_one_way":%s,"mean_round_seconds":%s,"round_seconds":[%s]}\n' \
  "$hosts" "$nodes" "$rounds" "$loss" "$delay_ms" "$mean" "$(paste -sd, <<<"$seconds")"
