#!/usr/bin/env bash
# The container entry point of a fedz node: runs fedz-node from FEDZ_* environment variables.
# The node index is FEDZ_NODE_INDEX, or else the trailing number of the host name (a
# Kubernetes StatefulSet pod fedz-node-3 is node 3); the id is node-INDEX, and so is its key
# pair in FEDZ_KEYS. Standard error is also appended to FEDZ_NODE_LOG for fedz-node-ready.
set -euo pipefail
index=${FEDZ_NODE_INDEX:-${HOSTNAME##*-}}
case $index in
  '' | *[!0-9]*) echo "cannot tell this node's index from '$index': set FEDZ_NODE_INDEX" >&2; exit 64 ;;
esac
log=${FEDZ_NODE_LOG:-/tmp/fedz-node.log}
: >"$log"
exec fedz-node --id "node-$index" --node-index "$index" --node-count "${FEDZ_NODE_COUNT:?}" \
  --coordinator-publish "${FEDZ_COORDINATOR_PUBLISH:?}" --coordinator-pull "${FEDZ_COORDINATOR_PULL:?}" \
  --clients "${FEDZ_CLIENTS:?}" --model "${FEDZ_MODEL:-mlp}" --seed "${FEDZ_SEED:-1}" \
  --heartbeat-interval "${FEDZ_HEARTBEAT_INTERVAL:-1}" --keys "${FEDZ_KEYS:-/etc/fedz/keys}" "$@" \
  2> >(tee -a "$log" >&2)
