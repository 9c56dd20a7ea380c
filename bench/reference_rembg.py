#!/usr/bin/env python3
"""The popular rembg + Pillow recipe, as the end-to-end reference for `lightbox bench --compare`.

For every image: rembg remove() with the u2netp session (offline, model at ~/.u2net/u2netp.onnx),
then Pillow: EXIF transpose, fit on a 1500x1500 white canvas with a 12% margin, JPEG q88 and
WebP q80. Prints one JSON line: images, seconds, images_per_hour, peak_rss_mb.
"""
import argparse
import io
import json
import os
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))

from PIL import Image, ImageOps  # noqa: E402
from rembg import new_session, remove  # noqa: E402

EXTS = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")


def studio_shot(path, session, canvas=1500, margin=0.12):
    with Image.open(path) as opened:
        photo = ImageOps.exif_transpose(opened)
        photo.load()
    cutout = remove(photo, session=session)
    inner = int(canvas * (1 - 2 * margin))
    cutout.thumbnail((inner, inner), Image.LANCZOS)
    shot = Image.new("RGB", (canvas, canvas), "white")
    shot.paste(cutout, ((canvas - cutout.width) // 2, (canvas - cutout.height) // 2), cutout)
    jpeg, webp = io.BytesIO(), io.BytesIO()
    shot.save(jpeg, "JPEG", quality=88)
    shot.save(webp, "WEBP", quality=80)
    return len(jpeg.getvalue()) + len(webp.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder")
    args = parser.parse_args()
    paths = sorted(os.path.join(args.folder, name) for name in os.listdir(args.folder)
                   if name.lower().endswith(EXTS))
    if not paths:
        sys.exit(f"no images in {args.folder}")
    session = new_session("u2netp")
    studio_shot(paths[0], session)  # warm-up, as lightbox bench does
    started = time.perf_counter()
    for path in paths:
        studio_shot(path, session)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"images": len(paths), "seconds": round(seconds, 3),
                      "images_per_hour": round(len(paths) / seconds * 3600, 1), "peak_rss_mb": round(peak, 1)}))


if __name__ == "__main__":
    main()
