#!/usr/bin/env bash
# Installs the Debian packages fedz needs to build, run and test, if any is missing:
# libzmq (ZeroMQ), OpenBLAS (matrix kernels, loaded at run time), zlib, SQLite, and pyzmq
# + numpy for the protocol examples, python3-venv for the test suite's onnxruntime (deploy/python-env.sh), iproute2/nftables for the network-namespace test, chromium for the
# dashboard's browser check and prometheus for promtool (the metrics check). Idempotent; needs root (or sudo).
set -euo pipefail

# iproute2, nftables and iputils-ping: the network-namespace test (deploy/netns/run.sh).
packages=(libzmq3-dev libopenblas0-pthread zlib1g-dev libsqlite3-dev python3-zmq python3-numpy python3-venv
  iproute2 nftables iputils-ping chromium prometheus)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
