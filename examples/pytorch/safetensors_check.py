"""Cross-checks fedz's safetensors files with real PyTorch, both ways; the test suite runs it
(LearningTests.SafetensorsTorchCheck, with the Python of deploy/python-env.sh):

    python examples/pytorch/safetensors_check.py DIR

The test first writes, for every built-in network, NAME.safetensors, one input sample
(NAME.input.f32, fedz's layout) and fedz's output for it (NAME.expected.f32). This script builds
the equivalent torch.nn module from the definition in the file's metadata (one submodule per fedz
layer, named as `fedz models describe` names it), loads the file with load_state_dict(strict=True),
runs the sample (channels moved first) and prints the largest |difference| from fedz's output.
Then it saves the state dict of a freshly initialised module (PyTorch's own initialisation, so
the LSTMs' bias_hh is not zero) as NAME.torch.safetensors with its output NAME.torch-output.f32,
which the test then reads into fedz (--init's path) and compares.
"""
import json, os, sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from safetensors import safe_open
from safetensors.torch import load_file, save_file

KINDS = {"dense": "dense", "conv2d": "conv", "maxPool2d": "maxpool", "avgPool2d": "avgpool", "flatten": "flatten",
         "dropout": "dropout", "embedding": "embedding", "rnn": "rnn", "lstm": "lstm", "relu": "relu", "tanh": "tanh",
         "sigmoid": "sigmoid"}


class LSTM(nn.LSTM):
    """nn.LSTM giving every step's hidden state only, as fedz's layer does."""
    def forward(self, x):
        return super().forward(x)[0]


class RNN(nn.RNN):
    def forward(self, x):
        return super().forward(x)[0]


class Pad(nn.Module):
    """fedz's 'same' padding at a stride above 1: the odd extra row and column below and right."""
    def __init__(self, left, right, top, bottom):
        super().__init__()
        self.padding = (left, right, top, bottom)

    def forward(self, x):
        return nn.functional.pad(x, self.padding)


def module(definition):
    """The equivalent nn.Sequential; its input is a batch in PyTorch's layout (see `torch_input`)."""
    layers, counts, sequence = OrderedDict(), {}, False
    x = torch_input(definition, np.zeros(int(np.prod(definition["input"])), np.float32))
    for layer in definition["layers"]:
        (kind, fields), = layer.items()
        number = counts.get(KINDS[kind], 0)
        counts[KINDS[kind]] = number + 1
        name = f"{KINDS[kind]}{number}"
        added = OrderedDict()
        if kind == "conv2d":
            (kh, kw), stride = fields["kernel"], fields.get("stride", 1)
            (padding, pad), = fields.get("padding", {"valid": {}}).items()
            h, w = x.shape[2], x.shape[3]
            if padding == "same" and stride > 1:
                oh, ow = -(-h // stride), -(-w // stride)
                th, tw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - w, 0)
                added[f"{name}_pad"] = Pad(tw // 2, tw - tw // 2, th // 2, th - th // 2)
                padding = 0
            elif padding == "explicit":
                padding = (pad["rows"], pad["columns"])
            elif padding == "valid":
                padding = 0
            added[name] = nn.Conv2d(x.shape[1], fields["filters"], (kh, kw), stride=stride, padding=padding)
            sequence = False
        elif kind in ("maxPool2d", "avgPool2d"):
            size = fields["size"]
            pool = nn.MaxPool2d if kind == "maxPool2d" else nn.AvgPool2d
            added[name] = pool(tuple(size), stride=fields.get("stride", size[0]))
        elif kind == "flatten":
            added[name] = nn.Flatten()
            sequence = False
        elif kind == "dropout":
            added[name] = nn.Dropout(fields["rate"])
        elif kind in ("relu", "tanh", "sigmoid"):
            added[name] = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[kind]()
        elif kind == "dense":
            if not sequence and x.dim() > 2:
                added[f"{name}_flatten"] = nn.Flatten()  # fedz's dense flattens a non-sequence sample itself
                inputs = int(np.prod(x.shape[1:]))
            else:
                inputs = x.shape[-1]
            added[name] = nn.Linear(inputs, fields["outputs"])
        elif kind == "embedding":
            added[name] = nn.Embedding(fields["vocabulary"], fields["dimensions"])
            sequence = True
        elif kind in ("lstm", "rnn"):
            added[name] = (LSTM if kind == "lstm" else RNN)(x.shape[-1], fields["hidden"], batch_first=True)
            sequence = True
        for key, value in added.items():
            layers[key] = value
            x = value(x)
    return nn.Sequential(layers).eval()


def torch_input(definition, sample):
    """fedz's sample as a batch of one in PyTorch's layout: token ids as int64, images NCHW."""
    shape, first = definition["input"], next(iter(definition["layers"][0]))
    if first == "embedding":
        return torch.from_numpy(sample.astype(np.int64)).reshape(1, *shape)
    x = torch.from_numpy(sample.copy()).reshape(1, *shape)
    if len(shape) == 3:
        return x.permute(0, 3, 1, 2).contiguous()
    if len(shape) == 2 and first == "conv2d":
        return x.unsqueeze(1)
    return x


def main(directory):
    names = sorted(f[:-len(".safetensors")] for f in os.listdir(directory)
                   if f.endswith(".safetensors") and not f.endswith(".torch.safetensors"))
    worst = 0.0
    for name in names:
        path = os.path.join(directory, name + ".safetensors")
        with safe_open(path, "pt") as f:
            metadata = f.metadata()
        definition = json.loads(metadata["fedz.definition"])
        model = module(definition)
        model.load_state_dict(load_file(path), strict=True)
        sample = np.fromfile(os.path.join(directory, name + ".input.f32"), "<f4")
        expected = np.fromfile(os.path.join(directory, name + ".expected.f32"), "<f4")
        with torch.no_grad():
            output = model(torch_input(definition, sample)).numpy().reshape(-1)
        difference = float(np.abs(output - expected).max())
        classes = output.reshape(-1, output.size if definition["head"] == "classification" else output.size // definition["input"][0])
        agree = bool((classes.argmax(1) == expected.reshape(classes.shape).argmax(1)).all())
        print(f"fedz → torch {name}: {output.size} outputs, max |Δ| {difference:.3g}, same argmax {agree}")
        worst = max(worst, difference)

        torch.manual_seed(7)
        fresh = module(definition)
        with torch.no_grad():
            for key, value in fresh.state_dict().items():
                if key.rsplit(".", 1)[-1].startswith("bias"):
                    value.uniform_(-0.5, 0.5)
            save_file({k: v.contiguous() for k, v in fresh.state_dict().items()},
                      os.path.join(directory, name + ".torch.safetensors"), metadata={"format": "pt"})
            fresh(torch_input(definition, sample)).numpy().astype("<f4").tofile(
                os.path.join(directory, name + ".torch-output.f32"))
    print(f"largest |Δ| over {len(names)} networks: {worst:.3g}")
    return 0 if worst < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
