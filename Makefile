# The README's two commands: `make run` and `make test`.
ARGS ?=

.PHONY: setup build release run test bench bench-fashion

setup:
	./deploy/install-deps.sh

build: setup
	swift build

release: setup
	swift build -c release

## The main job: a whole local cluster on MNIST (pass flags with ARGS="--rounds 5").
run: release
	.build/release/fedz run $(ARGS)

## The whole test suite: unit, clustered (real libzmq) and integration (real processes),
## one test at a time so that multi-process tests do not compete for the two cores.
test: setup
	deploy/python-env.sh
	swift build --build-tests
	swift test --no-parallel

## Training throughput side by side with PyTorch on CPU (see bench/run.sh for THREADS, SAMPLES, PYTHON).
bench: setup
	bench/run.sh

## Test accuracy per round of fedz on the nodes' own files (Fashion-MNIST, models/mlp.toml, one file per
## node) beside a PyTorch FedAvg reference on the same split (pass flags with ARGS="--rounds 20").
## Needs fedz-node too, hence the whole release build; PYTHON as in bench/run.sh.
bench-fashion: release
	@PYTHON=$${PYTHON:-python3}; \
	if ! "$$PYTHON" -c "import torch" 2>/dev/null; then \
	    venv=$${TMPDIR:-/tmp}/fedz-bench-venv; \
	    [ -x "$$venv/bin/python" ] || { python3 -m venv "$$venv" && "$$venv/bin/pip" install -q torch numpy; }; \
	    PYTHON=$$venv/bin/python; \
	fi; \
	"$$PYTHON" bench/own_data_fashion.py --fedz .build/release/fedz $(ARGS)
