#!/usr/bin/python3
"""Writes torchvision's outputs for jvision's augmentation parity tests.

Usage: make_fixtures.py OUTDIR

For every deterministic functional op of torchvision.transforms.functional (0.14, Debian's
python3-torchvision) at several magnitudes, on crops of real photographs (scikit-image's test
images) and on synthetic images of odd sizes, writes the input and torchvision's output as .npy
float32 [C, H, W] arrays in [0, 1], and OUTDIR/manifest.json listing every case:
{"id", "input", "output", "op", "args", "tol", "border"}. Inputs are 8-bit images scaled to [0, 1];
posterize and equalize run on the uint8 tensors, as torchvision defines them only there.
"""
import json
import os
import sys

import numpy as np
import skimage.data
import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from torchvision.transforms import autoaugment as AA

TOL = 1 / 255
INTERP = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR,
          "bicubic": InterpolationMode.BICUBIC}


def images():
    rng = np.random.default_rng(20261129)
    yield "astronaut", skimage.data.astronaut()[90:154, 180:241]     # 64 x 61, a face
    yield "chelsea", skimage.data.chelsea()[60:105, 120:190]         # 45 x 70, a cat
    yield "coffee", skimage.data.coffee()[150:187, 200:253]          # 37 x 53, a cup
    yield "noise", rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)  # odd size, all values
    yield "gray", skimage.data.camera()[200:219, 240:253]            # 19 x 13, one channel


def cases(c, h, w):
    """(op, args, tolerance, border) for an image of c channels, h x w."""
    yield "hflip", {}, TOL, 0
    yield "vflip", {}, TOL, 0
    for mode in ("constant", "edge", "reflect", "symmetric"):
        yield "pad", {"padding": [1, 2, 3, 4], "mode": mode, "fill": 0.5}, TOL, 0
    yield "crop", {"top": 3, "left": 5, "height": h // 2, "width": w // 2}, TOL, 0
    yield "crop", {"top": -2, "left": w - 4, "height": 7, "width": 9}, TOL, 0
    yield "center_crop", {"height": h - 5, "width": w - 8}, TOL, 0
    yield "center_crop", {"height": h + 3, "width": w + 4}, TOL, 0
    for size in ([h // 3, w // 2], [2 * h + 1, w + 7], [h - 1, w - 1]):
        yield "resize", {"size": size, "interpolation": "nearest", "antialias": False}, TOL, 0
        for mode, border in (("bilinear", 1), ("bicubic", 2)):
            for aa in (True, False):
                yield "resize", {"size": size, "interpolation": mode, "antialias": aa}, 2 / 255, border
    yield "resized_crop", {"top": 4, "left": 2, "height": h // 2, "width": w // 2, "size": [20, 24],
                           "interpolation": "bilinear", "antialias": True}, 2 / 255, 1
    for angle in (30.0, -45.0, 90.0, 7.5):
        for mode in ("nearest", "bilinear"):
            yield "rotate", {"angle": angle, "interpolation": mode, "fill": None}, TOL, 0
            yield "rotate", {"angle": angle, "interpolation": mode, "fill": [0.2] * c}, TOL, 0
    for mode in ("nearest", "bilinear"):
        yield "affine", {"angle": 15.0, "translate": [3, -2], "scale": 1.2, "shear": [10.0, -5.0],
                         "interpolation": mode, "fill": None, "center": None}, TOL, 0
        yield "affine", {"angle": 0.0, "translate": [0, 0], "scale": 1.0, "shear": [16.7, 0.0],
                         "interpolation": mode, "fill": [0.5] * c, "center": [0, 0]}, TOL, 0
        yield "affine", {"angle": -20.0, "translate": [-4, 5], "scale": 0.8, "shear": [0.0, 8.0],
                         "interpolation": mode, "fill": [0.0] * c, "center": [w - 1, 2]}, TOL, 0
    for f in (0.0, 0.5, 1.5):
        yield "brightness", {"factor": f}, TOL, 0
        yield "contrast", {"factor": f}, TOL, 0
        yield "saturation", {"factor": f}, TOL, 0
        yield "sharpness", {"factor": f}, TOL, 0
    yield "saturation", {"factor": 2.7}, TOL, 0
    yield "sharpness", {"factor": 3.0}, TOL, 0
    for f in (-0.5, -0.3, 0.1, 0.45):
        yield "hue", {"factor": f}, TOL, 0
    yield "grayscale", {"channels": 1}, TOL, 0
    yield "grayscale", {"channels": 3}, TOL, 0
    yield "invert", {}, TOL, 0
    for bits in (0, 1, 4, 7, 8):
        yield "posterize", {"bits": bits}, TOL, 0
    for t in (0.0, 0.3, 0.7, 1.0):
        yield "solarize", {"threshold": t}, TOL, 0
    yield "autocontrast", {}, TOL, 0
    yield "equalize", {}, TOL, 0
    yield "normalize", {"mean": [0.485, 0.456, 0.406][:c], "std": [0.229, 0.224, 0.225][:c]}, 1e-5, 0


POLICY_OPS = ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color",
              "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize", "Invert"]


def policy_cases(h, w):
    """torchvision's _apply_op on the uint8 image, at RandAugment's magnitudes of bins 3, 17 and 30, both signs."""
    space = AA.RandAugment()._augmentation_space(31, (h, w))
    for name in POLICY_OPS:
        mags, signed = space.get(name, (torch.tensor(0.0), False))
        values = [float(mags[b]) for b in (3, 17, 30)] if mags.ndim > 0 else [0.0]
        if signed:
            values += [-v for v in values]
        for m in values:
            # the uint8 path truncates enhancements twice (grayscale, then the blend): 2/255
            tol = 2 / 255 if name in ("Brightness", "Color", "Contrast", "Sharpness") else TOL
            yield "policy_op", {"name": name, "magnitude": m}, tol, 0


def magnitude_tables(h, w):
    """The magnitude of every op at every bin, in each of torchvision's spaces, for an h x w image."""
    spaces = {"standard31": AA.RandAugment()._augmentation_space(31, (h, w)),
              "wide31": AA.TrivialAugmentWide()._augmentation_space(31),
              "standard10": AA.AutoAugment()._augmentation_space(10, (h, w))}
    return {"height": h, "width": w,
            "spaces": {k: {op: {"signed": bool(signed), "values": [float(v) for v in mags.flatten()]}
                           for op, (mags, signed) in space.items()} for k, space in spaces.items()}}


def run(op, x, u8, a):
    if op == "hflip":
        return F.hflip(x)
    if op == "vflip":
        return F.vflip(x)
    if op == "pad":
        return F.pad(x, a["padding"], fill=a["fill"], padding_mode=a["mode"])
    if op == "crop":
        return F.crop(x, a["top"], a["left"], a["height"], a["width"])
    if op == "center_crop":
        return F.center_crop(x, [a["height"], a["width"]])
    if op == "resize":
        return F.resize(x, a["size"], INTERP[a["interpolation"]], antialias=a["antialias"])
    if op == "resized_crop":
        return F.resized_crop(x, a["top"], a["left"], a["height"], a["width"], a["size"],
                              INTERP[a["interpolation"]], antialias=a["antialias"])
    if op == "rotate":
        return F.rotate(x, a["angle"], INTERP[a["interpolation"]], fill=a["fill"])
    if op == "affine":
        return F.affine(x, a["angle"], a["translate"], a["scale"], a["shear"], INTERP[a["interpolation"]],
                        fill=a["fill"], center=a["center"])
    if op == "brightness":
        return F.adjust_brightness(x, a["factor"])
    if op == "contrast":
        return F.adjust_contrast(x, a["factor"])
    if op == "saturation":
        return F.adjust_saturation(x, a["factor"])
    if op == "sharpness":
        return F.adjust_sharpness(x, a["factor"])
    if op == "hue":
        return F.adjust_hue(x, a["factor"])
    if op == "grayscale":
        return F.rgb_to_grayscale(x, a["channels"])
    if op == "invert":
        return F.invert(x)
    if op == "posterize":
        return F.posterize(u8, a["bits"]).float() / 255
    if op == "solarize":
        return F.solarize(x, a["threshold"])
    if op == "autocontrast":
        return F.autocontrast(x)
    if op == "equalize":
        return F.equalize(u8).float() / 255
    if op == "normalize":
        return F.normalize(x, a["mean"], a["std"])
    if op == "policy_op":
        return AA._apply_op(u8, a["name"], a["magnitude"], InterpolationMode.NEAREST, None).float() / 255
    raise ValueError(op)


def main(out):
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, pixels in images():
        u8 = torch.from_numpy(np.ascontiguousarray(pixels))
        u8 = u8.permute(2, 0, 1).contiguous() if u8.ndim == 3 else u8.unsqueeze(0)
        x = u8.float() / 255
        c, h, w = x.shape
        np.save(os.path.join(out, f"{name}.npy"), x.numpy())
        for i, (op, args, tol, border) in enumerate(list(cases(c, h, w)) + list(policy_cases(h, w))):
            if c == 1 and op == "grayscale" and args["channels"] == 3:
                continue  # torchvision returns one channel here; jvision returns the three asked for
            y = run(op, x, u8, args)
            case = f"{name}-{i:03d}-{op}"
            np.save(os.path.join(out, case + ".npy"), y.contiguous().numpy().astype(np.float32))
            manifest.append({"id": case, "input": name + ".npy", "output": case + ".npy", "op": op,
                             "args": args, "tol": tol, "border": border})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(os.path.join(out, "magnitudes.json"), "w") as f:
        json.dump(magnitude_tables(37, 53), f, indent=1)
    print(f"wrote {len(manifest)} torchvision {__import__('torchvision').__version__} cases to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
