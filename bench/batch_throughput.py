#!/usr/bin/env python3
"""Throughput of `lightbox batch` on a 200-image catalogue, at --concurrency 1 and 2.

Makes 200 distinct photos from the bench set (each of its images cut by a different few
pixels, so no two files share bytes and none is deduplicated), then for each concurrency
runs a release `lightbox batch` into a fresh folder and prints one JSON line: images,
wall seconds of the whole command (reports included), images/hour, and peak RSS.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

from PIL import Image, ImageOps


def make_catalogue(source, target, count):
    names = sorted(n for n in os.listdir(source) if n.lower().endswith((".jpg", ".png")))
    os.makedirs(target, exist_ok=True)
    for index in range(count):
        name = names[index % len(names)]
        cut = 2 + index // len(names)
        with Image.open(os.path.join(source, name)) as opened:
            photo = ImageOps.exif_transpose(opened).convert("RGB")
        photo = photo.crop((cut, cut, photo.width - cut, photo.height - cut))
        photo.save(os.path.join(target, f"SKU-{index + 1:04d}.jpg"), quality=92)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("images", help="the bench set's images folder")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--lightbox", default=".build/release/lightbox")
    parser.add_argument("--concurrency", default="1,2")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="lightbox-batch-bench-")
    try:
        catalogue = os.path.join(scratch, "catalogue")
        make_catalogue(args.images, catalogue, args.count)
        for concurrency in args.concurrency.split(","):
            out = os.path.join(scratch, f"out-{concurrency}")
            started = time.perf_counter()
            run = subprocess.run([args.lightbox, "batch", catalogue, "--out", out, "--concurrency", concurrency],
                                 capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if run.returncode != 0:
                raise SystemExit(f"lightbox batch failed: {run.stderr[-2000:]}")
            summary = json.loads(run.stdout.strip().splitlines()[-1])["summary"]
            print(json.dumps({"images": summary["processed"], "concurrency": int(concurrency),
                              "seconds": round(seconds, 1), "images_per_hour": round(summary["processed"] / seconds * 3600),
                              "batch_images_per_hour": round(summary["images_per_hour"]),
                              "peak_rss_mb": summary["peak_rss_mb"]}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
