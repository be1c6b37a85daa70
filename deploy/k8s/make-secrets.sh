#!/usr/bin/env bash
# make-secrets.sh N [--keys DIR]
# Prints the CurveZMQ key Secrets of a fedz deployment as YAML, for
# `deploy/k8s/make-secrets.sh 3 | kubectl apply -f -`. Keys come from DIR (as written by
# `fedz keys generate --nodes N`), or are generated into a temporary directory that is
# removed afterwards. Each Secret holds only what its one pod opens, and each pod mounts only
# its own Secret (deploy/README.md, "Keys: who holds what"):
#   fedz-coordinator-keys  coordinator.key/.pub and the allow-list (the coordinator's pod)
#   fedz-monitor-keys      monitor.key/.pub and coordinator.pub (the monitor's pod)
#   fedz-node-I-key        node-I.key/.pub and coordinator.pub (the pod of StatefulSet
#                          fedz-node-I, from make-nodes.sh), for I = 0 … N-1
# N may exceed the number of nodes that run: the allow-list admits N nodes, so nodes up to N
# can be added later (make-nodes.sh) without new keys or a coordinator restart.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nodes="" keys=""
usage() { echo "usage: make-secrets.sh N [--keys DIR]" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --keys) [ $# -ge 2 ] || usage; keys=$2; shift ;;
    [0-9]*) nodes=$1 ;;
    *) usage ;;
  esac
  shift
done
case $nodes in '' | *[!0-9]*) usage ;; esac
if [ -z "$keys" ]; then
  fedz=${FEDZ_BIN:-$here/../../.build/release}/fedz
  [ -x "$fedz" ] || fedz=fedz
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  keys=$scratch/keys
  "$fedz" keys generate --out "$keys" --nodes "$nodes" >/dev/null
fi

# Every file first, so that nothing is printed (and applied) if one is missing.
needed=(coordinator.key coordinator.pub allow-list monitor.key monitor.pub)
for ((i = 0; i < nodes; i++)); do needed+=("node-$i.key" "node-$i.pub"); done
for file in "${needed[@]}"; do
  [ -f "$keys/$file" ] || { echo "make-secrets.sh: $keys/$file missing" >&2; exit 1; }
done

# secret NAME FILE…: one Secret with each file as a base64 data entry.
secret() {
  local name=$1 file
  shift
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: fedz\n' "$name"
  printf '  labels: {app.kubernetes.io/name: fedz}\ntype: Opaque\ndata:\n'
  for file in "$@"; do printf '  %s: %s\n' "$file" "$(base64 -w0 <"$keys/$file")"; done
}
# The coordinator loads coordinator.pub too (to check it against its secret key).
secret fedz-coordinator-keys coordinator.key coordinator.pub allow-list
secret fedz-monitor-keys monitor.key monitor.pub coordinator.pub
for ((i = 0; i < nodes; i++)); do
  secret "fedz-node-$i-key" "node-$i.key" "node-$i.pub" coordinator.pub
done
