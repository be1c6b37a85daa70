#!/usr/bin/env bash
# Strategy comparisons on MNIST MLP (100 clients, C = 0.1, E = 5, B = 10, lr 0.05), each a
# `fedz bench paper` run with a fixed round budget; prints one JSON object per run
# (the bench paper report plus "experiment" and "mean_last5") on standard output.
#
#   bench/paper-strategies.sh noniid     # FedAvg, FedProx, FedAvgM, FedAdam on Dirichlet(0.3), 50 rounds
#   bench/paper-strategies.sh byzantine  # 5 nodes, 1 Byzantine (20 %) with scale:-10, IID, 30 rounds,
#                                        # and each strategy without attackers
#   bench/paper-strategies.sh byzantine --sampling stratified|uniform
#                                        # one sampling for every strategy; by default the robust ones
#                                        # sample stratified (each node gives 2 of the 10 clients a round,
#                                        # so exactly 2 updates a round are Byzantine, which --trim-beta 0.2
#                                        # and --krum-f 2 cover) and FedAvg uniform (0 to 5 of 10)
#
# A run that gives up (a collapsed model: every client's loss non-finite, every
# round abandoned) is reported with "error" and the accuracies of the rounds it ran.
# Extra arguments go to every fedz run (e.g. --seed 2). Needs a release build and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
FEDZ=.build/release/fedz
experiment=${1:?usage: $0 noniid|byzantine [fedz run arguments]}
shift

run() { # name, rounds, nodes, fedz run arguments…
    local name=$1 rounds=$2 nodes=$3
    shift 3
    "$FEDZ" bench paper mnist-2nn-iid-e5-b10 --rounds "$rounds" --target 1.0 --nodes "$nodes" \
        --state-dir "state/bench-$experiment/$name" -- "$@" \
        | python3 -c '
import json, sys
report = json.load(sys.stdin)
run = report["runs"][0]
curve = run["accuracy_curve"]
print(json.dumps({"experiment": sys.argv[1], "name": sys.argv[2], "final_test_accuracy": run.get("final_test_accuracy"),
    "mean_last5": sum(curve[-5:]) / len(curve[-5:]) if curve else None, "best_test_accuracy": run.get("best_test_accuracy"),
    "seconds_per_round": run.get("seconds_per_round"), "error": run.get("error"),
    "extra_arguments": report["extra_arguments"], "accuracy_curve": curve}))
' "$experiment" "$name"
}

case $experiment in
noniid)
    for strategy in fedavg fedprox fedavgm fedadam; do
        run "$strategy" 50 4 --partition dirichlet:0.3 --strategy "$strategy" "$@"
    done
    ;;
byzantine)
    # Each strategy clean too: what it reaches without attackers is its own baseline.
    for strategy in fedavg trimmed-mean krum multi-krum median; do
        run "clean-$strategy" 30 5 --strategy "$strategy" "$@"
    done
    for strategy in fedavg trimmed-mean krum multi-krum median; do
        run "byzantine-$strategy" 30 5 --strategy "$strategy" --byzantine fraction=0.2,kind=scale:-10 \
            --round-timeout 10 "$@"
    done
    ;;
*)
    echo "unknown experiment $experiment; known: noniid, byzantine" >&2
    exit 64
    ;;
esac
