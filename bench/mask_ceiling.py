#!/usr/bin/env python3
"""How far post-processing the model's mask can go: ceilings on the bench set.

For each photo of a `../shared/bench` set it runs u2netp with onnxruntime on the upright sRGB
photo, sampled to 320x320 as Lightbox samples it (bilinear at pixel centres, no prefilter), and
scores these masks against the true alpha, per group, at 640 pixels on the long side:

- model: the model's mask as it is;
- best parts: the mask cut into parts as the clutter cut cuts it (a watershed of its thickness
  from peaks --peak-spacing pixels apart, 12 as Lightbox does), each part kept if and only if
  most of it is product: what the best possible choice among the mask's own parts would score;
- product pixels: the mask with exactly its pixels that are not product removed: the most any
  cut of the model's mask could score;
- opaque outline: the true outline (alpha > 0.02) filled opaque: what a perfect silhouette scores
  where glass is partly transparent;
- with --flips, also flips averaged: the model's mask averaged with that of the photo mirrored
  left to right (test-time flips, at the cost of a second inference);
- with --cutouts DIR, also lightbox: a folder of `lightbox process --cutouts` outputs, scored the
  same way, so that what Lightbox reaches sits beside each ceiling, photo by photo.

Needs numpy, pillow, scipy, scikit-image and onnxruntime (scripts/bench-setup.sh).

    python3 bench/mask_ceiling.py --data ../bench-data/public
"""
import argparse
import io
import json
import os

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageCms, ImageOps
from scipy import ndimage
from skimage.feature import peak_local_max
from skimage.segmentation import watershed

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
SIDE = 320


def upright_srgb(path):
    image = Image.open(path)
    profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image).convert("RGB")
    if profile:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"))
    return np.asarray(image, np.float32)


def point_sampled(pixels, side):
    """Bilinear sampling at the output's pixel centres, without prefiltering."""
    height, width = pixels.shape[:2]
    ys = np.clip((np.arange(side) + 0.5) * height / side - 0.5, 0, height - 1)
    xs = np.clip((np.arange(side) + 0.5) * width / side - 0.5, 0, width - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, height - 1), np.minimum(x0 + 1, width - 1)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    top = pixels[y0][:, x0] * (1 - fx) + pixels[y0][:, x1] * fx
    bottom = pixels[y1][:, x0] * (1 - fx) + pixels[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def model_mask(session, pixels):
    small = point_sampled(pixels, SIDE)
    tensor = ((small / max(small.max(), 1) - MEAN) / STD).transpose(2, 0, 1)[None].astype(np.float32)
    raw = session.run(None, {session.get_inputs()[0].name: tensor})[0][0, 0]
    return (raw - raw.min()) / max(raw.max() - raw.min(), 1e-8)


def best_parts(mask, product, spacing):
    inside = mask > 0.5
    thickness = ndimage.distance_transform_edt(inside)
    blobs, _ = ndimage.label(inside)
    markers = np.zeros(inside.shape, int)
    for number, (y, x) in enumerate(peak_local_max(thickness, min_distance=spacing, labels=blobs, exclude_border=False)):
        markers[y, x] = number + 1
    parts = watershed(-thickness, markers, mask=inside)
    kept = [part for part in range(1, parts.max() + 1) if (parts == part).any() and product[parts == part].mean() >= 0.5]
    result = mask.copy()
    result[inside & ~np.isin(parts, kept)] = 0
    return result


def cutout_alpha(path):
    """An RGBA cutout's alpha, or a grey mask, as 0...1."""
    image = Image.open(path)
    band = image.getchannel("A") if "A" in image.getbands() else image.convert("L")
    return np.asarray(band, np.float32) / 255


def scores(prediction, truth):
    predicted = np.clip(np.asarray(Image.fromarray(prediction.astype(np.float32)).resize(truth.shape[::-1], Image.BILINEAR)), 0, 1)
    a, b = predicted > 0.5, truth > 0.5
    iou = (a & b).sum() / max((a | b).sum(), 1)
    edge_a, edge_b = a ^ ndimage.binary_erosion(a), b ^ ndimage.binary_erosion(b)
    if not edge_a.any() or not edge_b.any():
        return float(np.abs(predicted - truth).mean()), float(iou), 0.0
    precision = (ndimage.distance_transform_edt(~edge_b)[edge_a] <= 2).mean()
    recall = (ndimage.distance_transform_edt(~edge_a)[edge_b] <= 2).mean()
    boundary = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return float(np.abs(predicted - truth).mean()), float(iou), float(boundary)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="a bench set: images/, alpha/, manifest.json")
    parser.add_argument("--peak-spacing", type=int, default=12, help="pixels between the split's peaks")
    parser.add_argument("--flips", action="store_true", help="also score the mask averaged with the mirrored photo's")
    parser.add_argument("--cutouts", help="also score this folder of Lightbox cutouts (<id>.png)")
    parser.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "..", "models", "u2netp.onnx"))
    args = parser.parse_args()
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    entries = json.load(open(os.path.join(args.data, "manifest.json")))["images"]
    kinds = (("model", "best parts", "product pixels", "opaque outline") + (("flips averaged",) if args.flips else ())
             + (("lightbox",) if args.cutouts else ()))
    rows = []
    for entry in entries:
        truth = Image.open(os.path.join(args.data, entry["alpha"]))
        truth.thumbnail((640, 640), Image.BILINEAR)
        truth = np.asarray(truth, np.float32) / 255
        pixels = upright_srgb(os.path.join(args.data, entry["image"]))
        mask = model_mask(session, pixels)
        product = np.asarray(Image.fromarray(truth).resize(mask.shape[::-1], Image.BILINEAR)) > 0.5
        masks = (mask, best_parts(mask, product, args.peak_spacing), np.where(product, mask, 0),
                 (truth > 0.02).astype(np.float32))
        if args.flips:
            masks += ((mask + model_mask(session, pixels[:, ::-1])[:, ::-1]) / 2,)
        if args.cutouts:
            path = os.path.join(args.cutouts, entry["id"] + ".png")
            # A missing cutout scores as nothing found, as score.py scores it.
            masks += (cutout_alpha(path) if os.path.exists(path) else np.zeros_like(truth),)
        groups = {"all", "bg:" + entry["background"]} | {name for name in ("glass", "hole", "thin") if entry[name]}
        rows.append((groups, [scores(m, truth) for m in masks]))
        print(entry["id"], " ".join(f"{kind}: iou {s[1]:.3f}" for kind, s in zip(kinds, rows[-1][1])), flush=True)
    print(f"{'group':14s} {'n':>3s}  " + "  ".join(f"{kind + ' (mae iou bf)':>28s}" for kind in kinds))
    for group in sorted({g for groups, _ in rows for g in groups}, key=lambda g: (g != "all", g)):
        members = [s for groups, s in rows if group in groups]
        means = [np.mean([m[k] for m in members], axis=0) for k in range(len(kinds))]
        print(f"{group:14s} {len(members):3d}  " + "  ".join(f"{m[0]:10.4f} {m[1]:8.3f} {m[2]:8.3f}" for m in means))


if __name__ == "__main__":
    main()
