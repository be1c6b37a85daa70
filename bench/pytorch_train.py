"""PyTorch CPU twin of `fedz bench train`: same models, initialisation scheme, data, batch size,
threads and optimiser (plain SGD, lr 0.01, one epoch after a 2-batch warm-up); prints one JSON line."""
import argparse, gzip, json, math, os, time

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
VOCAB = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def mnist(n):
    with gzip.open(os.path.join(ROOT, "mnist", "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:n]
    with gzip.open(os.path.join(ROOT, "mnist", "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    x = (images.astype(np.float32) / 255 - 0.1307) / 0.3081
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def shakespeare(n, steps=80):
    """Role texts and windows as Shakespeare.load(.train): every tenth window of a role is test data."""
    text = open(os.path.join(ROOT, "shakespeare", "input.txt"), encoding="utf-8").read()
    roles, order, current = {}, [], None
    for block in [b for b in text.split("\n\n") if b]:
        lines = block.strip("\n").split("\n")
        if lines[0].endswith(":"):
            current = lines[0][:-1]
            if current not in roles:
                roles[current] = []
                order.append(current)
            lines = lines[1:]
        if current is not None:
            roles[current].extend(lines)
    ids = {c: i for i, c in enumerate(VOCAB)}
    xs, ys = [], []
    for role in order:
        t = "\n".join(roles[role])
        for w in range((len(t) - 1) // steps if len(t) > steps else 0):
            if w % 10 == 9:
                continue
            chunk = [ids[c] for c in t[w * steps:w * steps + steps + 1]]
            xs.append(chunk[:-1]); ys.append(chunk[1:])
    return torch.tensor(xs[:n]), torch.tensor(ys[:n])


def he(layer):
    nn.init.kaiming_uniform_(layer.weight, a=0, nonlinearity="relu"); nn.init.zeros_(layer.bias); return layer


def glorot(layer):
    nn.init.xavier_uniform_(layer.weight); nn.init.zeros_(layer.bias); return layer


def fan_in(layer):
    bound = 1 / math.sqrt(nn.init._calculate_fan_in_and_fan_out(layer.weight)[0])
    nn.init.uniform_(layer.weight, -bound, bound); nn.init.zeros_(layer.bias); return layer


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(len(VOCAB), 8)
        nn.init.uniform_(self.embedding.weight, -1, 1)
        self.lstm = nn.LSTM(8, 256, num_layers=2, batch_first=True)
        for name, p in self.lstm.named_parameters():
            if name.startswith("bias"):
                nn.init.zeros_(p)
                if name.startswith("bias_ih"):
                    p.data[256:512] = 1  # forget gate
        self.dense = glorot(nn.Linear(256, len(VOCAB)))

    def forward(self, x):
        return self.dense(self.lstm(self.embedding(x))[0]).reshape(-1, len(VOCAB))


def model(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), he(nn.Linear(784, 200)), nn.ReLU(), he(nn.Linear(200, 200)), nn.ReLU(),
                             glorot(nn.Linear(200, 10)))
    if name == "cnn":
        return nn.Sequential(fan_in(nn.Conv2d(1, 32, 5, padding="same")), nn.ReLU(), nn.MaxPool2d(2),
                             fan_in(nn.Conv2d(32, 64, 5, padding="same")), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             fan_in(nn.Linear(3136, 512)), nn.ReLU(), fan_in(nn.Linear(512, 10)))
    return CharLSTM()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="cnn")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x, y = shakespeare(args.samples) if args.model == "char-lstm" else mnist(args.samples)
    net = model(args.model)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(1))

    def epoch(indices):
        total = 0.0
        for start in range(0, len(indices), args.batch_size):
            batch = indices[start:start + args.batch_size]
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[batch]), y[batch].reshape(-1))
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        return total / len(indices)

    epoch(order[:2 * args.batch_size])
    start = time.perf_counter()
    mean_loss = epoch(order)
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "train", "framework": "pytorch " + torch.__version__, "model": args.model,
                      "batch_size": args.batch_size, "threads": args.threads, "samples": len(x), "seconds": seconds,
                      "samples_per_second": len(x) / seconds, "mean_loss": mean_loss}, sort_keys=True))


if __name__ == "__main__":
    main()
