#!/usr/bin/env bash
# make-secrets.sh N [--keys DIR]
# Prints the three CurveZMQ key Secrets of a fedz deployment as YAML, for
# `deploy/k8s/make-secrets.sh 3 | kubectl apply -f -`. Keys come from DIR (as written by
# `fedz keys generate --nodes N`), or are generated into a temporary directory that is
# removed afterwards. Each pod gets only what it needs:
#   fedz-coordinator-keys  coordinator.key/.pub and the allow-list
#   fedz-monitor-keys      monitor.key/.pub and coordinator.pub
#   fedz-node-keys         node-0 … node-(N-1) .key/.pub and coordinator.pub
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nodes="" keys=""
while [ $# -gt 0 ]; do
  case $1 in
    --keys) keys=$2; shift ;;
    [0-9]*) nodes=$1 ;;
    *) echo "usage: make-secrets.sh N [--keys DIR]" >&2; exit 1 ;;
  esac
  shift
done
[ -n "$nodes" ] || { echo "usage: make-secrets.sh N [--keys DIR]" >&2; exit 1; }
if [ -z "$keys" ]; then
  fedz=${FEDZ_BIN:-$here/../../.build/release}/fedz
  [ -x "$fedz" ] || fedz=fedz
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  keys=$scratch/keys
  "$fedz" keys generate --out "$keys" --nodes "$nodes" >/dev/null
fi

# secret NAME FILE…: one Secret with each file as a base64 data entry.
secret() {
  local name=$1 file
  shift
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: fedz\ntype: Opaque\ndata:\n' "$name"
  for file in "$@"; do
    [ -f "$keys/$file" ] || { echo "make-secrets.sh: $keys/$file missing" >&2; exit 1; }
    printf '  %s: %s\n' "$file" "$(base64 -w0 <"$keys/$file")"
  done
}
node_files=()
for ((i = 0; i < nodes; i++)); do node_files+=("node-$i.key" "node-$i.pub"); done
secret fedz-coordinator-keys coordinator.key coordinator.pub allow-list
secret fedz-monitor-keys monitor.key monitor.pub coordinator.pub
secret fedz-node-keys coordinator.pub "${node_files[@]}"
