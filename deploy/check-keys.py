#!/usr/bin/env python3
"""check-keys.py DEPLOY_DIR: every container and pod of deploy/ is given only its own keys.

Compose (compose.yaml): the `keys` volume, which holds every key, is mounted by the `keys`
service alone; the coordinator mounts only keys-coordinator, the monitor only keys-monitor,
node-I only keys-node-I (read-only, at FEDZ_KEYS) with FEDZ_NODE_INDEX=I; the `keys` service
fills each of those volumes with exactly its role's files.
Kubernetes: make-secrets.sh (run on a scratch key directory) prints one Secret per role with
exactly that role's files; the coordinator's and monitor's pods name only their own Secret,
StatefulSet fedz-node-I (one replica, FEDZ_NODE_INDEX=I) only fedz-node-I-key.
Prints each violation and exits 1 if there is any (deploy/README.md, "Keys: who holds what").
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

DEPLOY = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
KEY_DIR = "/etc/fedz/keys"
problems = []


def role_files(role):
    """The files the process of ROLE opens in its key directory (KeyStore.swift)."""
    if role == "coordinator":
        return {"coordinator.key", "coordinator.pub", "allow-list"}
    return {f"{role}.key", f"{role}.pub", "coordinator.pub"}


def mounts(service):
    """(source, target, read_only) of each volume of a Compose service."""
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            parts = volume.split(":")
            yield parts[0], parts[1] if len(parts) > 1 else parts[0], len(parts) > 2 and "ro" in parts[2].split(",")
        else:
            yield volume.get("source"), volume.get("target"), bool(volume.get("read_only"))


def check_compose():
    compose = yaml.safe_load(open(os.path.join(DEPLOY, "compose.yaml")))
    services = compose["services"]
    roles = {"coordinator": "coordinator", "monitor": "monitor"}
    roles.update({name: name for name in services if re.fullmatch(r"node-\d+", name)})
    for name, service in services.items():
        keys = [(source, target, ro) for source, target, ro in mounts(service) if str(source).startswith("keys")]
        if name == "keys":
            continue
        role = roles.get(name)
        if role is None:
            if keys:
                problems.append(f"compose: {name} mounts key volumes {keys}")
            continue
        if keys != [(f"keys-{role}", KEY_DIR, True)]:
            problems.append(f"compose: {name} should mount only keys-{role} read-only at {KEY_DIR}, mounts {keys}")
        if role.startswith("node-"):
            index = str(service.get("environment", {}).get("FEDZ_NODE_INDEX"))
            if f"node-{index}" != role:
                problems.append(f"compose: {name} has FEDZ_NODE_INDEX={index}")
    filler = {source: target for source, target, _ in mounts(services["keys"])}
    if filler.get("keys") != KEY_DIR:
        problems.append("compose: the keys service does not hold the keys volume")
    for role in roles.values():
        if filler.get(f"keys-{role}") != f"/etc/fedz/roles/{role}":
            problems.append(f"compose: the keys service does not fill keys-{role} (/etc/fedz/roles/{role})")
    # The file list of each role in the keys service's script.
    script = " ".join(services["keys"].get("command", []))
    wanted = dict(re.findall(r"(\S+)\) want=\"([^\"]*)\"", script))
    expected = {"coordinator": role_files("coordinator"), "monitor": role_files("monitor"),
                "node-[0-9]*": {"$$role.key", "$$role.pub", "coordinator.pub"}}
    for pattern, files in expected.items():
        if set(wanted.get(pattern, "").split()) != files:
            problems.append(f"compose: the keys service gives {pattern} {wanted.get(pattern)!r}, not {sorted(files)}")


def secret_names(node):
    """Every Secret a Kubernetes object refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "secretName":
                yield value
            elif key in ("secret", "secretRef", "secretKeyRef") and isinstance(value, dict) and "name" in value:
                yield value["name"]
            yield from secret_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from secret_names(item)


def check_kubernetes():
    k8s = os.path.join(DEPLOY, "k8s")
    for file, want in (("coordinator.yaml", "fedz-coordinator-keys"), ("monitor.yaml", "fedz-monitor-keys")):
        for document in yaml.safe_load_all(open(os.path.join(k8s, file))):
            names = set(secret_names(document))
            if names - {want}:
                problems.append(f"k8s: {file} {document['kind']} refers to Secrets {sorted(names)}, not only {want}")
    nodes = [d for d in yaml.safe_load_all(open(os.path.join(k8s, "nodes.yaml"))) if d and d["kind"] != "Service"]
    for document in nodes:
        name = document["metadata"]["name"]
        match = re.fullmatch(r"fedz-node-(\d+)", name)
        if document["kind"] != "StatefulSet" or not match:
            problems.append(f"k8s: nodes.yaml has {document['kind']} {name}, not StatefulSet fedz-node-I")
            continue
        index = match.group(1)
        if document["spec"].get("replicas") != 1:
            problems.append(f"k8s: {name} has more than one replica, which would share its key")
        names = set(secret_names(document))
        if names != {f"fedz-node-{index}-key"}:
            problems.append(f"k8s: {name} refers to Secrets {sorted(names)}, not only fedz-node-{index}-key")
        env = {e["name"]: e.get("value") for c in document["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])}
        if env.get("FEDZ_NODE_INDEX") != index or env.get("FEDZ_NODE_COUNT") != str(len(nodes)):
            problems.append(f"k8s: {name} has FEDZ_NODE_INDEX={env.get('FEDZ_NODE_INDEX')} "
                            f"FEDZ_NODE_COUNT={env.get('FEDZ_NODE_COUNT')} of {len(nodes)} nodes")
    # make-secrets.sh on a scratch key directory with two nodes (the file contents do not matter).
    with tempfile.TemporaryDirectory() as scratch:
        for name in ["coordinator", "monitor", "node-0", "node-1"]:
            for suffix in (".key", ".pub"):
                open(os.path.join(scratch, name + suffix), "w").write(f"{name}{suffix}\n")
        open(os.path.join(scratch, "allow-list"), "w").write("allow-list\n")
        output = subprocess.run(["bash", os.path.join(k8s, "make-secrets.sh"), "2", "--keys", scratch],
                                check=True, capture_output=True, text=True).stdout
    secrets = {d["metadata"]["name"]: set(d["data"]) for d in yaml.safe_load_all(output) if d}
    expected = {"fedz-coordinator-keys": role_files("coordinator"), "fedz-monitor-keys": role_files("monitor"),
                "fedz-node-0-key": role_files("node-0"), "fedz-node-1-key": role_files("node-1")}
    if secrets != expected:
        problems.append(f"k8s: make-secrets.sh 2 prints {secrets}, not {expected}")


check_compose()
check_kubernetes()
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
