#!/usr/bin/env python3
"""How reliably `--text-overlay refuse` finds a watermark or text laid over a photo.

For every photo of the bench set (and the bundled samples) it writes two versions: the
photo as it is, and the photo with one overlay of the kinds stock sites and resellers add
("© StockPhotos 2024", a shop URL, "SAMPLE", a price, an @handle), 3-7% of the photo's
height, 50-100% opaque, white, black or red, in a corner or along the top. Then it runs a
release `lightbox process --text-overlay refuse` on each folder and prints one JSON line:
detected (overlaid photos refused), false_alarms (clean photos refused), and the counts.
"""
import argparse
import json
import os
import random
import subprocess
import tempfile

from PIL import Image, ImageDraw, ImageFont, ImageOps

TEXTS = ["© StockPhotos 2024", "www.bestdeals-shop.com", "SAMPLE", "Only $19.99!", "shutterpix",
         "@mystore_official", "PROOF - not for sale"]
FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"]


def overlaid(photo, rng):
    width, height = photo.size
    layer = Image.new("RGBA", photo.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    text = rng.choice(TEXTS)
    size = int(height * rng.uniform(0.03, 0.07))
    font = ImageFont.truetype(rng.choice([f for f in FONTS if os.path.exists(f)]), size)
    colour = rng.choice([(255, 255, 255), (0, 0, 0), (200, 30, 30)]) + (int(255 * rng.uniform(0.5, 1.0)),)
    place = rng.choice(["bottom-left", "bottom-right", "top-left", "top"])
    text_width = draw.textlength(text, font=font)
    x = {"bottom-left": width * 0.03, "bottom-right": width * 0.97 - text_width, "top-left": width * 0.03,
         "top": (width - text_width) / 2}[place]
    y = height * 0.04 if place.startswith("top") else height * 0.92 - size
    draw.text((x, y), text, font=font, fill=colour)
    return Image.alpha_composite(photo.convert("RGBA"), layer).convert("RGB")


def refused(lightbox, folder, out):
    run = subprocess.run([lightbox, "process", folder, "--out", out, "--text-overlay", "refuse", "--format", "jpeg"],
                         capture_output=True, text=True)
    return sum(1 for line in (run.stdout + run.stderr).splitlines() if "text_overlay:" in line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", nargs="+", default=["../bench-data/public/images", "examples"])
    parser.add_argument("--lightbox", default=".build/release/lightbox")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as work:
        clean, marked = os.path.join(work, "clean"), os.path.join(work, "marked")
        os.makedirs(clean)
        os.makedirs(marked)
        count = 0
        for folder in args.photos:
            for name in sorted(os.listdir(folder)):
                if not name.lower().endswith((".jpg", ".jpeg", ".png")):
                    continue
                with Image.open(os.path.join(folder, name)) as opened:
                    photo = ImageOps.exif_transpose(opened).convert("RGB")
                stem = f"{count:03d}-" + os.path.splitext(name)[0]
                photo.save(os.path.join(clean, stem + ".jpg"), quality=92)
                overlaid(photo, rng).save(os.path.join(marked, stem + ".jpg"), quality=92)
                count += 1
        false_alarms = refused(args.lightbox, clean, os.path.join(work, "out-clean"))
        detected = refused(args.lightbox, marked, os.path.join(work, "out-marked"))
    print(json.dumps({"photos": count, "detected": round(detected / count, 3), "false_alarms": round(false_alarms / count, 3),
                      "overlaid_refused": detected, "clean_refused": false_alarms}))


if __name__ == "__main__":
    main()
