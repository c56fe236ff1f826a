#!/usr/bin/env python3
"""Writes some Fashion-MNIST classes as a torchvision ImageFolder tree of PNG files.

    fashion_mnist_folder.py OUT --classes 5,7,9 --per-class 100 [--idx DIR]

OUT/train/<class>/<index>.png gets the first --per-class training images of each class;
OUT/val/<class>/<index>.png gets every test image of those classes. Needs numpy and PIL
(Debian: python3-numpy, python3-pil). Used by docs/results.md's fine-tuning demonstration.
"""
import argparse
import gzip
import pathlib

import numpy as np
from PIL import Image

NAMES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def write(images, labels, classes, per_class, out):
    for c in classes:
        folder = out / NAMES[c]
        folder.mkdir(parents=True, exist_ok=True)
        chosen = np.flatnonzero(labels == c)[:per_class]
        for i in chosen:
            Image.fromarray(images[i], mode="L").save(folder / f"{i:05d}.png")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out", type=pathlib.Path)
    p.add_argument("--classes", required=True, help="class indices, comma-separated")
    p.add_argument("--per-class", type=int, required=True, help="training images per class")
    p.add_argument("--idx", type=pathlib.Path, default=pathlib.Path("/usr/share/datasets/fashion-mnist"))
    a = p.parse_args()
    classes = [int(c) for c in a.classes.split(",")]
    write(idx(a.idx / "train-images-idx3-ubyte.gz"), idx(a.idx / "train-labels-idx1-ubyte.gz"), classes,
          a.per_class, a.out / "train")
    write(idx(a.idx / "t10k-images-idx3-ubyte.gz"), idx(a.idx / "t10k-labels-idx1-ubyte.gz"), classes,
          None, a.out / "val")


if __name__ == "__main__":
    main()
