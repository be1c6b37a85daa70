# The README's two commands: `make run` and `make test`.
ARGS ?=

.PHONY: setup build release run test bench

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
	swift build --build-tests
	swift test --no-parallel

## Training throughput side by side with PyTorch on CPU (see bench/run.sh for THREADS, SAMPLES, PYTHON).
bench: setup
	bench/run.sh
