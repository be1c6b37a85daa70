"""fedz on the nodes' own data vs a PyTorch FedAvg reference: Fashion-MNIST, models/mlp.toml.

Splits the Fashion-MNIST training set at random (seeded) into one file per node,
WORK/data/node-i/train.npz (x uint8 [n,28,28], y int64), writes the test set to WORK/test.npz,
then trains on them twice with the same settings:

  fedz     `fedz run --model models/mlp.toml --data WORK/data --test-data WORK/test.npz
           --partition iid --holdout 0 ...`: node i reads only WORK/data/node-i and splits it
           i.i.d. among its clients i, i+N, i+2N, ... < K.
  PyTorch  FedAvg written out here: the same 784-200-200-10 ReLU network (He-uniform weights for
           the two hidden layers, Glorot-uniform for the output layer, as models/mlp.toml says;
           biases zero), the same node files, each node's rows split i.i.d. into the same number
           of clients (its own seeded split: statistically the same as fedz's, not the same rows),
           each round max(round(C*K), 2) clients drawn uniformly without replacement (fedz's
           sampling with its default --min-clients 2), E epochs of plain SGD with mini-batches of
           B (reshuffled every epoch, the last batch smaller), the updates averaged weighted by
           client sample count, the global model evaluated on the test set after every round.

Pixels are scaled by 1/255 on both sides and nothing else. It prints a table of test accuracy
per round (fedz, PyTorch, difference), each side's wall-clock seconds, and one JSON line with
everything.

    /tmp/fedz-bench-venv/bin/python bench/own_data_fashion.py --fedz .build/release/fedz
    make bench-fashion ARGS="--rounds 20"

Needs numpy and torch. Flags: see --help.
"""
import argparse, gzip, hashlib, json, os, subprocess, sys, tempfile, time

import numpy as np
import torch
from torch import nn

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MODEL = os.path.join(ROOT, "models", "mlp.toml")
# Where fedz looks for Fashion-MNIST too (it does not ship it): $FEDZ_DATA_DIR/fashion-mnist, else data/fashion-mnist.
FASHION = os.path.join(os.environ["FEDZ_DATA_DIR"], "fashion-mnist") if "FEDZ_DATA_DIR" in os.environ \
    else os.path.join(ROOT, "data", "fashion-mnist")
# SHA-256 of the four files, from the README.md beside them.
SHA256 = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fedz", default=os.path.join(ROOT, ".build", "release", "fedz"),
                   help="the fedz binary (fedz-node beside it); default .build/release/fedz")
    p.add_argument("--fashion-dir", default=FASHION, help="folder of the four Fashion-MNIST .gz IDX files")
    p.add_argument("--work", help="folder for the node files, fedz's state and summary (default: a new temp folder)")
    p.add_argument("--nodes", type=int, default=4, help="N: node processes, one data file each")
    p.add_argument("--clients", type=int, default=100, help="K: clients in the federation")
    p.add_argument("--fraction", type=float, default=0.1, help="C: fraction of clients per round")
    p.add_argument("--local-epochs", type=int, default=1, help="E")
    p.add_argument("--batch-size", type=int, default=10, help="B")
    p.add_argument("--lr", type=float, default=0.05, help="local SGD learning rate")
    p.add_argument("--rounds", type=int, default=10, help="R")
    p.add_argument("--seed", type=int, default=1, help="seed of the node split, fedz and the reference")
    p.add_argument("--node-shares", help="unequal node files: relative sizes, e.g. 4,3,2,1 (default: equal)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads for the reference")
    return p.parse_args()


# --- data -------------------------------------------------------------------------------------

def read_idx(path, expected_sha256):
    raw = open(path, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        sys.exit(f"{path}: SHA-256 {digest}, expected {expected_sha256}")
    data = gzip.decompress(raw)
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion(folder):
    """(train x, train y, test x, test y): x uint8 [n,28,28], y int64."""
    def part(name):
        return read_idx(os.path.join(folder, name), SHA256[name])
    return (part("train-images-idx3-ubyte.gz"), part("train-labels-idx1-ubyte.gz").astype(np.int64),
            part("t10k-images-idx3-ubyte.gz"), part("t10k-labels-idx1-ubyte.gz").astype(np.int64))


def node_indices(count, nodes, shares, seed):
    """The training rows of each node: a seeded permutation cut into equal parts or by `shares`."""
    order = np.random.default_rng(seed).permutation(count)
    if shares is None:
        return np.array_split(order, nodes)
    weights = np.array(shares, dtype=float)
    cuts = np.round(np.cumsum(weights)[:-1] / weights.sum() * count).astype(int)
    return np.split(order, cuts)


def write_node_files(work, x, y, parts, test_x, test_y):
    """WORK/data/node-i/train.npz per node and WORK/test.npz; returns (data folder, test file)."""
    data = os.path.join(work, "data")
    for i, rows in enumerate(parts):
        os.makedirs(os.path.join(data, f"node-{i}"), exist_ok=True)
        np.savez(os.path.join(data, f"node-{i}", "train.npz"), x=x[rows], y=y[rows])
    test = os.path.join(work, "test.npz")
    np.savez(test, x=test_x, y=test_y)
    return data, test


# --- fedz -------------------------------------------------------------------------------------

def run_fedz(args, data, test, work):
    """Runs `fedz run` on the node files; returns (summary JSON, wall seconds). Exits on failure."""
    summary = os.path.join(work, "fedz-summary.json")
    log = os.path.join(work, "fedz-run.log")
    command = [args.fedz, "run", "--model", MODEL, "--data", data, "--test-data", test,
               "--nodes", str(args.nodes), "--clients", str(args.clients), "--fraction", str(args.fraction),
               "--rounds", str(args.rounds), "--local-epochs", str(args.local_epochs),
               "--batch-size", str(args.batch_size), "--lr", str(args.lr), "--partition", "iid",
               "--holdout", "0", "--seed", str(args.seed), "--state-dir", os.path.join(work, "fedz-state"),
               "--summary", summary, "--no-metrics", "--plaintext"]
    print("fedz:", " ".join(command), flush=True)
    start = time.perf_counter()
    with open(log, "w") as out:
        status = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT).returncode
    seconds = time.perf_counter() - start
    if status != 0 or not os.path.exists(summary):
        tail = open(log).read().splitlines()[-20:]
        sys.exit(f"fedz run failed (exit {status}); last lines of {log}:\n" + "\n".join(tail))
    return json.load(open(summary)), seconds


# --- PyTorch FedAvg reference -----------------------------------------------------------------

def mlp():
    """models/mlp.toml: 784-200-200-10, ReLU; He-uniform, He-uniform, Glorot-uniform; biases zero."""
    layers = [nn.Linear(784, 200), nn.Linear(200, 200), nn.Linear(200, 10)]
    for layer in layers[:2]:
        nn.init.kaiming_uniform_(layer.weight, a=0, nonlinearity="relu")  # U(±sqrt(6/fan_in))
    nn.init.xavier_uniform_(layers[2].weight)  # U(±sqrt(6/(fan_in+fan_out)))
    for layer in layers:
        nn.init.zeros_(layer.bias)
    return nn.Sequential(nn.Flatten(), layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2])


def client_data(parts, x, y, clients, seed):
    """Global client id -> (x float32 [n,784], y): node c % N's rows split i.i.d. among its clients."""
    rng = np.random.default_rng(seed + 1)
    nodes = len(parts)
    features = torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255)
    labels = torch.from_numpy(y)
    result = {}
    for i, rows in enumerate(parts):
        hosted = list(range(i, clients, nodes))
        for client, share in zip(hosted, np.array_split(rng.permutation(rows), len(hosted))):
            index = torch.from_numpy(np.sort(share))
            result[client] = (features[index], labels[index])
    return result


def sample_size(clients, fraction, minimum=2):
    """fedz's ClientSampler.sampleSize: max(round(C*K), --min-clients, 1), capped at K; rounds half up."""
    return min(clients, max(int(np.floor(fraction * clients + 0.5)), minimum, 1))


def local_train(net, x, y, epochs, batch, lr, generator):
    optimiser = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            optimiser.zero_grad(set_to_none=True)
            loss_fn(net(x[rows]), y[rows]).backward()
            optimiser.step()


def accuracy(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(1) == y).sum().item() / len(y)


def run_reference(args, parts, x, y, test_x, test_y):
    """FedAvg in PyTorch; returns (test accuracy per round, wall seconds)."""
    torch.set_num_threads(args.threads)
    torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=args.lr)  # loads torch's lazy optimiser imports (~2 s) off the clock
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed + 2)
    clients = client_data(parts, x, y, args.clients, args.seed)
    test_features = torch.from_numpy(test_x.reshape(len(test_x), -1).astype(np.float32) / 255)
    test_labels = torch.from_numpy(test_y)
    global_net, local_net = mlp(), mlp()
    per_round = sample_size(args.clients, args.fraction)
    accuracies = []
    for _ in range(args.rounds):
        total, weighted = 0, None
        for client in sorted(rng.choice(args.clients, per_round, replace=False)):
            cx, cy = clients[client]
            local_net.load_state_dict(global_net.state_dict())
            local_train(local_net, cx, cy, args.local_epochs, args.batch_size, args.lr, generator)
            state = local_net.state_dict()
            contribution = {k: v * len(cx) for k, v in state.items()}
            weighted = contribution if weighted is None else {k: weighted[k] + contribution[k] for k in weighted}
            total += len(cx)
        global_net.load_state_dict({k: v / total for k, v in weighted.items()})
        accuracies.append(accuracy(global_net, test_features, test_labels))
    return accuracies, time.perf_counter() - start


# --- report -----------------------------------------------------------------------------------

def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def print_table(fedz_acc, torch_acc, fedz_seconds, torch_seconds):
    print(f"\n{'round':>5} | {'fedz accuracy':>13} | {'PyTorch accuracy':>16} | {'difference':>10}")
    print(f"{'-' * 5}-+-{'-' * 13}-+-{'-' * 16}-+-{'-' * 10}")
    for r in range(max(len(fedz_acc), len(torch_acc))):
        a = fedz_acc[r] if r < len(fedz_acc) else None
        b = torch_acc[r] if r < len(torch_acc) else None
        cell = lambda v: f"{100 * v:.2f} %" if v is not None else "-"
        diff = f"{100 * (a - b):+.2f} pt" if a is not None and b is not None else "-"
        print(f"{r + 1:>5} | {cell(a):>13} | {cell(b):>16} | {diff:>10}")
    print(f"\nwall clock: fedz {fedz_seconds:.1f} s (whole `fedz run`: processes, data loading, rounds), "
          f"PyTorch {torch_seconds:.1f} s (in process, data prepared)")


def main():
    args = parse_args()
    shares = [float(s) for s in args.node_shares.split(",")] if args.node_shares else None
    if shares is not None and len(shares) != args.nodes:
        sys.exit(f"--node-shares has {len(shares)} values for {args.nodes} nodes")
    work = args.work or tempfile.mkdtemp(prefix="fedz-fashion-")
    os.makedirs(work, exist_ok=True)

    x, y, test_x, test_y = load_fashion(args.fashion_dir)
    parts = node_indices(len(x), args.nodes, shares, args.seed)
    data, test = write_node_files(work, x, y, parts, test_x, test_y)
    print(f"work folder {work}; node files of {[len(p) for p in parts]} rows; test set {len(test_x)} rows", flush=True)

    summary, fedz_seconds = run_fedz(args, data, test, work)
    rounds = summary["rounds"]
    fedz_acc = [r["test_accuracy"] for r in rounds]
    short = [r["round"] for r in rounds if r["participants"] < r["sampled"]]
    if summary.get("error"):
        print(f"fedz reported an error: {summary['error']}")
    if len(rounds) != args.rounds:
        print(f"note: fedz finished {len(rounds)} of {args.rounds} rounds")
    if short:
        print(f"note: fedz aggregated fewer updates than it sampled in rounds {short}")

    torch_acc, torch_seconds = run_reference(args, parts, x, y, test_x, test_y)
    print_table(fedz_acc, torch_acc, fedz_seconds, torch_seconds)
    print("Same node files, model, initialisation scheme and settings; the clients' rows within each node come "
          "from each side's own seeded i.i.d. split (statistically the same, not the same rows), and so do "
          "the initial weights, client draws and batch orders.")
    print(json.dumps({
        "bench": "own_data_fashion", "dataset": "fashion-mnist", "model": os.path.relpath(MODEL, ROOT),
        "fedz_commit": commit(), "torch": torch.__version__,
        "settings": {"nodes": args.nodes, "clients": args.clients, "fraction": args.fraction,
                     "clients_per_round": sample_size(args.clients, args.fraction),
                     "local_epochs": args.local_epochs, "batch_size": args.batch_size, "lr": args.lr,
                     "rounds": args.rounds, "seed": args.seed, "partition": "iid", "holdout": 0,
                     "node_rows": [len(p) for p in parts], "torch_threads": args.threads},
        "fedz_test_accuracy": fedz_acc, "pytorch_test_accuracy": torch_acc,
        "difference": [a - b for a, b in zip(fedz_acc, torch_acc)],
        "fedz_final_test_accuracy": summary.get("final_test_accuracy"),
        "fedz_participants": [r["participants"] for r in rounds], "fedz_sampled": [r["sampled"] for r in rounds],
        "fedz_seconds": round(fedz_seconds, 2), "fedz_summary_seconds": summary.get("seconds"),
        "pytorch_seconds": round(torch_seconds, 2), "work": work}))


if __name__ == "__main__":
    main()
