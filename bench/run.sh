#!/usr/bin/env bash
# Side-by-side training throughput: `fedz bench train` vs the same models in PyTorch on CPU
# (bench/pytorch_train.py), same threads, batch size, initialisation scheme and data. Prints one
# JSON line per run and one {"ratio": fedz/pytorch} line per configuration.
# Knobs: THREADS (default 2), SAMPLES (default 2000; char-lstm uses SAMPLES/4), PYTHON (a Python
# with torch; default: python3, else a venv under $TMPDIR where pip installs torch).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
SAMPLES=${SAMPLES:-2000}
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import torch" 2>/dev/null; then
    venv=${TMPDIR:-/tmp}/fedz-bench-venv
    [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q torch numpy; }
    PYTHON=$venv/bin/python
fi
swift build -c release --product fedz >&2
for config in "cnn 10" "cnn 50" "char-lstm 10" "mlp 10" "mlp 50"; do
    set -- $config
    samples=$SAMPLES
    [ "$1" = char-lstm ] && samples=$((SAMPLES / 4))
    ours=$(.build/release/fedz bench train --model "$1" --batch-size "$2" --threads "$THREADS" --samples "$samples")
    theirs=$("$PYTHON" bench/pytorch_train.py --model "$1" --batch-size "$2" --threads "$THREADS" --samples "$samples")
    echo "$ours"
    echo "$theirs"
    "$PYTHON" -c 'import json, sys; a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2]); print(json.dumps({"model": a["model"], "batch_size": a["batch_size"], "threads": a["threads"], "fedz_samples_per_second": round(a["samples_per_second"], 1), "pytorch_samples_per_second": round(b["samples_per_second"], 1), "ratio": round(a["samples_per_second"] / b["samples_per_second"], 2)}))' "$ours" "$theirs"
done
