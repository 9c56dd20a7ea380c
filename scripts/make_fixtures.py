#!/usr/bin/env python3
"""Regenerates the test fixtures in Tests/Fixtures (dev tooling; the outputs are committed).

Product photos with exact ground-truth alpha come from ../shared/bench/make_dataset.py
(--count 40 --seed 3 --max-side 800). The Display-P3 patch, the small-product frame and the flat wall
are drawn here; expected sRGB values come from LittleCMS through Pillow's ImageCms.

    python3 scripts/make_fixtures.py [--bench ../shared/bench]
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageCms

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "Fixtures")

# id in the seed-3 set -> fixture name
PICKS = {
    "pp_007": "mug-wood",            # upright, a handle with a hole
    "pp_030": "lipstick-exif6",      # EXIF orientation 6
    "pp_015": "bottle-exif8",        # EXIF orientation 8
    "pp_006": "lipstick-wall",       # a small product
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=os.path.join(HERE, "..", "..", "shared", "bench"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, os.path.join(args.bench, "make_dataset.py"), "--out", scratch,
                        "--count", "40", "--seed", "3", "--max-side", "800"], check=True, stdout=subprocess.DEVNULL)
        manifest = {e["id"]: e for e in json.load(open(os.path.join(scratch, "manifest.json")))["images"]}
        for ident, name in PICKS.items():
            entry = manifest[ident]
            ext = os.path.splitext(entry["image"])[1]
            shutil.copy(os.path.join(scratch, entry["image"]), os.path.join(OUT, name + ext))
            shutil.copy(os.path.join(scratch, entry["alpha"]), os.path.join(OUT, name + "-alpha.png"))
        tiny_product(os.path.join(OUT, "lipstick-wall.jpg"), os.path.join(OUT, "lipstick-wall-alpha.png"))
        sys.path.insert(0, args.bench)
        from make_dataset import display_p3_icc  # noqa: E402
        p3_patch(display_p3_icc())
    flat_wall()
    print("fixtures written to", os.path.normpath(OUT))


def tiny_product(photo_path, alpha_path):
    """The lipstick, composited with its exact alpha onto a wall four times the area,
    so it covers about 1.5% of the frame."""
    photo = np.asarray(Image.open(photo_path).convert("RGB"), np.float32)
    alpha = np.asarray(Image.open(alpha_path).convert("L"), np.float32) / 255
    h, w = alpha.shape
    frame = painted_wall(2 * w, 2 * h, seed=5)
    top, left = h // 2, w // 2
    region = frame[top:top + h, left:left + w]
    frame[top:top + h, left:left + w] = alpha[..., None] * photo + (1 - alpha[..., None]) * region
    wide_alpha = np.zeros((2 * h, 2 * w), np.uint8)
    wide_alpha[top:top + h, left:left + w] = np.round(alpha * 255)
    Image.fromarray(np.clip(frame, 0, 255).astype(np.uint8)).save(os.path.join(OUT, "lipstick-small.jpg"), quality=92)
    Image.fromarray(wide_alpha).save(os.path.join(OUT, "lipstick-small-alpha.png"))


def painted_wall(width, height, seed):
    """A painted wall with a gentle gradient and sensor noise."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 18, width)[None, :, None]
    return np.array([196, 188, 172], np.float32) + ramp + rng.normal(0, 2.5, (height, width, 3))


def p3_patch(icc):
    """A Display-P3 PNG: a saturated patch (centre) on a neutral ground, and its sRGB values."""
    p3_colour, ground = (190, 110, 70), (230, 226, 220)
    pixels = np.zeros((240, 320, 3), np.uint8)
    pixels[:] = ground
    pixels[60:180, 100:220] = p3_colour
    image = Image.fromarray(pixels)
    image.save(os.path.join(OUT, "patch-display-p3.png"), icc_profile=icc)
    srgb = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                     ImageCms.createProfile("sRGB"), outputMode="RGB")
    expected = {"patch_center": [160, 120], "p3": list(p3_colour),
                "srgb_littlecms": list(srgb.getpixel((160, 120)))}
    with open(os.path.join(OUT, "patch-display-p3.json"), "w") as f:
        json.dump(expected, f, indent=1)


def flat_wall():
    """The wall with nothing in front of it."""
    wall = painted_wall(800, 600, seed=11)
    Image.fromarray(np.clip(wall, 0, 255).astype(np.uint8)).save(os.path.join(OUT, "flat-wall.jpg"), quality=90)


if __name__ == "__main__":
    main()
