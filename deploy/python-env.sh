#!/usr/bin/env bash
# The Python packages the test suite checks fedz against, in a virtual environment under .build/
# (kept out of git): onnxruntime runs fedz's ONNX exports (ONNXExportIntegrationTests). Idempotent;
# needs python3-venv (deploy/install-deps.sh) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
env=.build/python-env
if ! "$env/bin/python" -c "import onnxruntime, numpy" 2>/dev/null; then
    python3 -m venv "$env"
    "$env/bin/pip" install -q onnxruntime==1.32.0 numpy==2.4.6
fi
