#!/usr/bin/python3
"""Writes torchvision's training-step gradients for jvision's compiled-training tests.

Usage: make_gradient_fixtures.py OUTDIR

For each model, builds torchvision's model (0.14, Debian's python3-torchvision) with 10 classes and
its own random initialisation, gives every BatchNorm random affine parameters (weight ~ U(0.5,
1.5), bias ~ U(-0.2, 0.2)), turns dropout and stochastic depth off (p = 0, so that the step is a
deterministic function), and runs one training-mode step on a float32 [4, 3, S, S] input uniform in
[-2, 2] with labels 0, 3, 6, 9: softmax cross-entropy, then backward, in float64 (the reference)
and in float32 (to measure how far PyTorch's own float32 step lies from it). It writes
  OUTDIR/NAME.pth          the state_dict before the step (torch.save)
  OUTDIR/NAME.input.npy    the input
  OUTDIR/NAME.labels.npy   the labels one-hot, float32 [4, 10]
  OUTDIR/NAME.grads.pth    every parameter's float64 gradient (stored as float32) under its
                           state_dict key, multiplied by the batch size (DL4J's convention: the sum
                           over the batch, not the mean)
and OUTDIR/manifest.json with {"model", "size", "loss", "float32_error"} per model: the batch-mean
loss and the largest error of PyTorch's float32 gradients, max |g32 - g64| / max(max |g64|,
1e-3 max over all tensors), over the tensors. A deep network at initialisation can be ill-conditioned
(ResNet-50's last blocks here: about 0.1), which bounds how closely any float32 step can agree.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision.models as tvm

MODELS = [
    ("resnet18", 64, lambda: tvm.resnet18(num_classes=10)),
    ("resnet50", 64, lambda: tvm.resnet50(num_classes=10)),
    ("efficientnet_b0", 64, lambda: tvm.efficientnet_b0(num_classes=10)),
    ("googlenet", 64, lambda: tvm.googlenet(num_classes=10, aux_logits=False, transform_input=False, init_weights=True)),
]
BATCH = 4


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    manifest = []
    for name, size, make in MODELS:
        model = make()
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.data.copy_(torch.rand(m.num_features, generator=g) * 0.4 - 0.2)
            if hasattr(m, "p") and isinstance(m.p, float):  # Dropout, StochasticDepth
                m.p = 0.0
        torch.save(model.state_dict(), os.path.join(out, name + ".pth"))
        x = torch.rand(BATCH, 3, size, size, generator=g) * 4 - 2
        labels = torch.arange(BATCH) * 3 % 10
        grads = {}
        for dtype in (torch.float32, torch.float64):
            model.zero_grad()
            model.to(dtype).train()
            loss = torch.nn.functional.cross_entropy(model(x.to(dtype)), labels)
            loss.backward()
            grads[dtype] = {k: p.grad.detach().clone() * BATCH for k, p in model.named_parameters()}
        exact = grads[torch.float64]
        scale = max(float(t.abs().max()) for t in exact.values())
        error = max(float((grads[torch.float32][k].double() - t).abs().max()) / max(float(t.abs().max()), 1e-3 * scale)
                    for k, t in exact.items())
        torch.save({k: t.float() for k, t in exact.items()}, os.path.join(out, name + ".grads.pth"))
        np.save(os.path.join(out, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out, name + ".labels.npy"),
                torch.nn.functional.one_hot(labels, 10).numpy().astype(np.float32))
        manifest.append({"model": name, "size": size, "loss": float(loss), "float32_error": error})
        print(f"{name}: loss {float(loss):.5f}, {len(exact)} gradients, PyTorch float32 error {error:.3g}", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
