#!/usr/bin/env python3
"""A CNN written in PyTorch, federated by fedz, and its trained weights back in PyTorch.

    python mnist_cnn.py export cnn.onnx                 # torch.onnx.export of the untrained CNN
    fedz run --model cnn.onnx --rounds 3                # fedz imports it and federates it on MNIST
    fedz models export 4 --format safetensors --out trained.safetensors
    python mnist_cnn.py evaluate trained.safetensors    # PyTorch's test accuracy with fedz's weights

`export --logits FILE --samples N` also writes the untrained network's logits for the first N
MNIST test images (float32), and `--legacy` uses the TorchScript exporter instead of
torch.export. Images are normalised as fedz's MNIST loader does: (pixel / 255 − 0.1307) / 0.3081.
Needs torch, onnx and onnxscript (and safetensors for `evaluate`).
"""
import argparse
import gzip
import os

import numpy as np
import torch
from torch import nn

MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "mnist")


def cnn():
    """Two convolutions (the second padded), max and average pooling, tanh and dropout in the head."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 6 * 6, 64), nn.Tanh(), nn.Dropout(0.25), nn.Linear(64, 10))


def mnist_test(folder):
    """The 10,000 test images as [n, 1, 28, 28] float32, normalised as fedz does, and their labels."""
    with gzip.open(os.path.join(folder, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    table = ((np.arange(256, dtype=np.float32) / 255 - np.float32(0.1307)) / np.float32(0.3081)).astype(np.float32)
    return torch.from_numpy(table[images]), torch.from_numpy(labels.astype(np.int64))


def export(args):
    model = cnn().eval()
    torch.onnx.export(model, (torch.zeros(2, 1, 28, 28),), args.out, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, dynamo=not args.legacy)
    if args.logits:
        images, _ = mnist_test(args.mnist)
        with torch.no_grad():
            model(images[:args.samples]).numpy().astype("<f4").tofile(args.logits)


def evaluate(args):
    from safetensors.numpy import load_file
    weights = load_file(args.weights)
    model = cnn().eval()
    # fedz names its layers by kind and order: conv0, conv1, dense0, dense1.
    names = iter(["conv0", "conv1"]), iter(["dense0", "dense1"])
    state = {}
    for index, module in enumerate(model):
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            name = next(names[0] if isinstance(module, nn.Conv2d) else names[1])
            state[f"{index}.weight"] = torch.from_numpy(weights[f"{name}.weight"])
            state[f"{index}.bias"] = torch.from_numpy(weights[f"{name}.bias"])
    model.load_state_dict(state)
    images, labels = mnist_test(args.mnist)
    with torch.no_grad():
        accuracy = (model(images).argmax(1) == labels).double().mean().item()
    print(f"{accuracy:.6f}")


parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
commands = parser.add_subparsers(dest="command", required=True)
exporting = commands.add_parser("export")
exporting.add_argument("out")
exporting.add_argument("--legacy", action="store_true")
exporting.add_argument("--logits")
exporting.add_argument("--samples", type=int, default=200)
exporting.add_argument("--mnist", default=MNIST)
evaluating = commands.add_parser("evaluate")
evaluating.add_argument("weights")
evaluating.add_argument("--mnist", default=MNIST)
arguments = parser.parse_args()
export(arguments) if arguments.command == "export" else evaluate(arguments)
