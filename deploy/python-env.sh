#!/usr/bin/env bash
# The Python packages the test suite checks fedz against, in a virtual environment under .build/
# (kept out of git): onnxruntime runs fedz's ONNX exports (ONNXExportIntegrationTests); torch,
# onnx and onnxscript export a PyTorch CNN for fedz to import, and torch with safetensors loads
# fedz's trained weights back (ONNXImportIntegrationTests, examples/pytorch/mnist_cnn.py).
# Idempotent; needs python3-venv (deploy/install-deps.sh) and PyPI: the first run downloads about
# 5 GB (torch's wheels) in a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
env=.build/python-env
if ! "$env/bin/python" -c "import onnxruntime, numpy, torch, onnx, onnxscript, safetensors" 2>/dev/null; then
    python3 -m venv "$env"
    "$env/bin/pip" install -q onnxruntime==1.32.0 numpy==2.4.6 torch==2.15.0 onnx==1.23.2 onnxscript==0.7.2 safetensors==0.8.0
fi
