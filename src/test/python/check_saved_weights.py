#!/usr/bin/python3
"""Loads a safetensors file written by jvision into torchvision's model and compares logits.

Usage: check_saved_weights.py WEIGHTS.safetensors MODEL INPUT.npy LOGITS.npy

Reads the file with a minimal reader written from the format's specification (8-byte little-endian
header length, JSON header, raw little-endian tensors), loads it into torchvision.models.MODEL()
with load_state_dict(strict=True), runs INPUT.npy in inference mode, and prints the largest
absolute difference from jvision's LOGITS.npy. Exits 1 if it is 1e-4 or more.
"""
import json
import struct
import sys

import numpy as np
import torch
import torchvision.models as tvm

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n:]
    out = {}
    for key, t in header.items():
        begin, end = t["data_offsets"]
        a = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[t["dtype"]]).newbyteorder("<"))
        out[key] = torch.from_numpy(a.reshape(t["shape"]).copy())
    return out


def main(weights, model_name, input_path, logits_path):
    model = getattr(tvm, model_name)()
    model.load_state_dict(read_safetensors(weights), strict=True)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(np.load(input_path))).numpy()
    diff = float(np.abs(logits - np.load(logits_path)).max())
    print(f"{model_name}: max |torchvision - jvision| = {diff:.3g}")
    sys.exit(0 if diff < 1e-4 else 1)


if __name__ == "__main__":
    main(*sys.argv[1:5])
