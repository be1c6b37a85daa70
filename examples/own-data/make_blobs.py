#!/usr/bin/env python3
"""Writes a small data set the way people keep their own, one folder per node:

    DIR/node-0/train.csv   600 rows: 8 feature columns and a `label` column (0, 1 or 2)
    DIR/node-1/train.npz   1,000 rows: x float32 [1000, 8], y int64 [1000]  (np.savez)
    DIR/test.csv           500 rows, for a test set at the coordinator too (optional)

Three Gaussian classes in 8 dimensions (centres drawn once, unit variance): the nearest-centre
rule, the best any classifier can do here, gets 86.6 % of the test rows right.

    python3 examples/own-data/make_blobs.py mydata
"""
import os
import sys

import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "mydata"
rng = np.random.default_rng(7)
centres = rng.normal(0, 1, (3, 8))


def blobs(count):
    y = rng.integers(0, 3, count)
    return (centres[y] + rng.normal(0, 1, (count, 8))).astype(np.float32), y


def write_csv(path, x, y):
    with open(path, "w") as out:
        out.write(",".join([f"f{i}" for i in range(8)] + ["label"]) + "\n")
        for row, label in zip(x, y):
            out.write(",".join(f"{value:.5f}" for value in row) + f",{label}\n")


for node in ("node-0", "node-1"):
    os.makedirs(os.path.join(folder, node), exist_ok=True)
write_csv(os.path.join(folder, "node-0", "train.csv"), *blobs(600))
x, y = blobs(1000)
np.savez(os.path.join(folder, "node-1", "train.npz"), x=x, y=y)
test_x, test_y = blobs(500)
write_csv(os.path.join(folder, "test.csv"), test_x, test_y)
nearest = ((test_x[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
print(f"wrote {folder}/node-0/train.csv, {folder}/node-1/train.npz, {folder}/test.csv; "
      f"the nearest-centre rule gets {100 * (nearest == test_y).mean():.1f} % of the test rows right")
