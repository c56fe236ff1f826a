#!/usr/bin/python3
"""Writes torchvision models' weights and logits for jvision's weight-parity tests.

Usage: make_weight_fixtures.py OUTDIR

For each model family, builds torchvision's model (0.14, Debian's python3-torchvision) with its
own random initialisation and gives every BatchNorm non-trivial parameters: random affine
weights, running statistics measured on a calibration batch (as training would leave them, so
that activations stay of order 1 through deep networks) and then perturbed. The last linear layer
is scaled so that the largest logit magnitude is 5 (a 1e-4 tolerance is then 2e-5 relative).
Then, in inference mode, it writes:
  OUTDIR/NAME.pth          the state_dict, saved by torch.save (the format torchvision ships)
  OUTDIR/NAME.input.npy    a float32 [2, 3, S, S] input, uniform in [-2, 2] (a normalised image)
  OUTDIR/NAME.logits.npy   torchvision's float32 [2, 1000] logits for it
and OUTDIR/manifest.json listing {"model", "size", "max_abs_logit"} per model, and for resnet18
OUTDIR/astronaut.png (scikit-image's photo) with OUTDIR/predict.json, torchvision's top-5 classes
and probabilities for it through the ImageClassification preprocessing. It also writes small
files for the reader's edge cases: edge.pth (a non-contiguous tensor, views into one storage at an
offset, an int64 scalar, float16, a Parameter), checkpoint.pth (a training checkpoint holding a
state_dict and an epoch) and two files the reader must refuse: namespace.pth (an
argparse.Namespace, as in training checkpoints) and system.pth (a pickle that calls os.system). Auxiliary heads
and GoogLeNet/Inception's transform_input are off: they belong to the weights' preprocessing, not
to the network.
"""
import argparse
import json
import os
import sys

import numpy as np
import PIL.Image
import skimage.data
import torch
import torchvision.models as tvm
import torchvision.transforms.functional as F

MODELS = [
    ("alexnet", 224, lambda: tvm.alexnet()),
    ("vgg16_bn", 224, lambda: tvm.vgg16_bn()),
    ("googlenet", 224, lambda: tvm.googlenet(aux_logits=False, transform_input=False, init_weights=True)),
    ("inception_v3", 299, lambda: tvm.inception_v3(aux_logits=False, transform_input=False, init_weights=True)),
    ("resnet18", 224, lambda: tvm.resnet18()),
    ("resnet50", 224, lambda: tvm.resnet50()),
    ("efficientnet_b0", 224, lambda: tvm.efficientnet_b0()),
    ("efficientnet_b3", 300, lambda: tvm.efficientnet_b3()),
]


def batchnorms(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]


def calibrate(model, size, g):
    """BN weight ~ U(0.5, 1.5), bias ~ U(-0.2, 0.2); running statistics from one training-mode
    batch, then mean + U(-0.1, 0.1) std and var * U(0.8, 1.25); last linear scaled to max |logit| 5."""
    for m in batchnorms(model):
        c = m.num_features
        m.weight.data.copy_(torch.rand(c, generator=g) + 0.5)
        m.bias.data.copy_(torch.rand(c, generator=g) * 0.4 - 0.2)
        m.momentum = 1.0
    model.train()
    model(torch.rand(8, 3, size, size, generator=g) * 4 - 2)
    for m in batchnorms(model):
        c = m.num_features
        m.momentum = 0.1
        m.running_mean.add_((torch.rand(c, generator=g) * 0.2 - 0.1) * m.running_var.sqrt())
        m.running_var.mul_(torch.exp((torch.rand(c, generator=g) * 2 - 1) * np.log(1.25)))
    model.eval()
    last = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
    scale = 5 / model(torch.rand(2, 3, size, size, generator=g) * 4 - 2).abs().max()
    last.weight.mul_(scale)
    last.bias.mul_(scale)


class CallsSystem:
    """Unpickling this calls os.system: a stand-in for a malicious checkpoint."""
    def __reduce__(self):
        return os.system, ("echo unpickled code ran",)


def edge_cases(out):
    base = torch.arange(10.0)
    torch.save({"transposed": torch.arange(6.0).reshape(2, 3).t(), "slice": base[3:7], "base": base,
                "count": torch.tensor(7), "half": torch.tensor([1.0, -2.0, 0.5], dtype=torch.float16),
                "param": torch.nn.Parameter(torch.full((2,), 1.5))}, os.path.join(out, "edge.pth"))
    torch.save({"epoch": 3, "state_dict": {"fc.bias": torch.tensor([0.25, -1.0])}},
               os.path.join(out, "checkpoint.pth"))
    torch.save({"fc.bias": torch.zeros(2), "args": argparse.Namespace(lr=0.1)}, os.path.join(out, "namespace.pth"))
    torch.save({"fc.bias": torch.zeros(2), "x": CallsSystem()}, os.path.join(out, "system.pth"))


def predict_case(out, model):
    """astronaut.png and torchvision's top-5 for it through the ImageClassification steps on tensors:
    resize the shorter side to 256 (bilinear, antialias), centre crop 224, ImageNet normalisation."""
    image = skimage.data.astronaut()
    PIL.Image.fromarray(image).save(os.path.join(out, "astronaut.png"))
    x = torch.from_numpy(image).permute(2, 0, 1).float() / 255
    x = F.resize(x, 256, antialias=True)
    x = F.center_crop(x, 224)
    x = F.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    with torch.no_grad():
        probs = torch.softmax(model(x[None]), 1)[0]
    top = torch.topk(probs, 5)
    with open(os.path.join(out, "predict.json"), "w") as f:
        json.dump({"model": "resnet18", "image": "astronaut.png", "top5": top.indices.tolist(),
                   "probs": top.values.tolist()}, f)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    edge_cases(out)
    manifest = []
    for i, (name, size, make) in enumerate(MODELS):
        torch.manual_seed(1000 + i)
        g = torch.Generator().manual_seed(2000 + i)
        model = make()
        with torch.no_grad():
            calibrate(model, size, g)
            x = torch.rand(2, 3, size, size, generator=g) * 4 - 2
            logits = model(x)
        torch.save(model.state_dict(), os.path.join(out, name + ".pth"))
        np.save(os.path.join(out, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out, name + ".logits.npy"), logits.numpy().astype(np.float32))
        manifest.append({"model": name, "size": size, "max_abs_logit": float(logits.abs().max())})
        if name == "resnet18":
            predict_case(out, model)
        print(f"{name}: logits max |.| {manifest[-1]['max_abs_logit']:.3f}", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
