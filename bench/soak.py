#!/usr/bin/env python3
"""Memory and resource soak: 2,000 jobs through `lightbox serve` and 2,000 images through
`lightbox batch` (release build), sampling the process's RSS and open file descriptors every
second.

The photos are made from our fixtures and examples, each one distinct (cropped, scaled and
re-encoded), in JPEG, PNG and WebP, with a few truncated and a few that are not images at all,
so the error paths run too. The service's jobs are posted by 16 clients at once;
every 10th asks for a webhook (a receiver in this script answers), every 25th is replayed with
its Idempotency-Key. Warm-up is the first 25% of each run; after it, RSS must grow by at most 10%
(median of the last 10% of samples over the median of the 25-35% window) and the descriptor
count must stay flat (the median of the last 10% at most 4 above that of the same window).
Prints the figures as JSON lines and the curves as a PNG (beside it, the samples as JSON).

    python3 bench/soak.py                         # both runs, plot in soak.png
    python3 bench/soak.py --jobs 200 --images 0   # a short service run only
"""
import argparse
import http.server
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from PIL import Image, ImageDraw

from serving import start_serve

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Sampler(threading.Thread):
    """RSS (MB) and open descriptors of one process, once a second, until it exits or stops."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.running = pid, [], True
        self.start_time = time.monotonic()

    def run(self):
        while self.running:
            try:
                status = open(f"/proc/{self.pid}/status").read()
                rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
                fds = len(os.listdir(f"/proc/{self.pid}/fd"))
            except (OSError, AttributeError):
                return
            self.samples.append((time.monotonic() - self.start_time, rss, fds))
            time.sleep(1)

    def stop(self):
        self.running = False
        self.join(timeout=5)


def verdict(samples, warmup=0.25):
    """Growth after warm-up: the median RSS of the last 10% of samples over that of the 25-35%
    window, the peak over the same baseline, and the descriptor range after warm-up."""
    count = len(samples)
    if count < 20:
        return {"samples": count, "ok": False, "why": "too few samples"}
    window = [s[1] for s in samples[int(count * warmup):int(count * (warmup + 0.10))]]
    tail = [s[1] for s in samples[int(count * 0.9):]]
    after = samples[int(count * warmup):]
    baseline, end = statistics.median(window), statistics.median(tail)
    fds_warm = [s[2] for s in samples[int(count * warmup):int(count * (warmup + 0.10))]]
    fds_after = [s[2] for s in after]
    growth = end / baseline - 1
    # Open connections come and go with the load; a leak shows as a level that keeps rising.
    fd_drift = statistics.median(s[2] for s in samples[int(count * 0.9):]) - statistics.median(fds_warm)
    return {"samples": count, "seconds": round(samples[-1][0]), "rss_start_mb": round(samples[0][1]),
            "rss_after_warmup_mb": round(baseline), "rss_end_mb": round(end),
            "rss_peak_after_warmup_mb": round(max(s[1] for s in after)),
            "growth_pct": round(growth * 100, 1), "peak_over_warmup_pct": round((max(s[1] for s in after) / baseline - 1) * 100, 1),
            "fds_after_warmup": [min(fds_after), max(fds_after)], "fd_drift": fd_drift,
            "ok": growth <= 0.10 and fd_drift <= 4}


def make_photos(folder, count, seed=7):
    """`count` distinct photos from the fixtures and examples; every 50th truncated, every 97th not an image."""
    sources = [os.path.join(ROOT, "examples", name) for name in sorted(os.listdir(os.path.join(ROOT, "examples")))
               if name.endswith(".jpg")]
    sources += [os.path.join(ROOT, "Tests", "Fixtures", name)
                for name in ("lipstick-wall.jpg", "mug-wood.jpg", "bottle-exif8.jpg", "lipstick-exif6.jpg")]
    bases = []
    for path in sources:
        image = Image.open(path)
        exif = image.getexif()
        image.thumbnail((900, 900))
        bases.append((image.convert("RGB"), exif))
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for index in range(count):
        image, exif = bases[index % len(bases)]
        width, height = image.size
        left, top = rng.randint(0, width // 30), rng.randint(0, height // 30)
        crop = image.crop((left, top, width - rng.randint(0, width // 30), height - rng.randint(0, height // 30)))
        scale = rng.uniform(0.7, 1.0)
        crop = crop.resize((max(64, int(crop.width * scale)), max(64, int(crop.height * scale))))
        out = io.BytesIO()
        kind = "png" if index % 20 == 3 else "webp" if index % 20 == 7 else "jpg"
        if kind == "jpg":
            crop.save(out, "JPEG", quality=rng.randint(80, 92), exif=exif)
        else:
            crop.save(out, "PNG" if kind == "png" else "WEBP")
        data = out.getvalue()
        if index % 50 == 49:
            data = data[:len(data) // 2]
        if index % 97 == 96:
            data = bytes(rng.getrandbits(8) for _ in range(4096))
        path = os.path.join(folder, f"sku-{index:05d}.{kind}")
        with open(path, "wb") as file:
            file.write(data)
        paths.append(path)
    return paths


class Receiver(http.server.BaseHTTPRequestHandler):
    calls = 0
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Receiver.lock:
            Receiver.calls += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def serve_soak(binary, photos, jobs, workers, size, data):
    key = subprocess.run([binary, "keys", "create", "--data", data, "--credits", str(jobs + 100)],
                         check=True, capture_output=True, text=True).stdout.strip()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server, port = start_serve(binary, ["--data", data, "--workers", str(workers), "--allow-private-urls", "true",
                                        "--rate-per-minute", "1000000", "--rate-burst", "100000"])
    sampler = Sampler(server.pid)
    sampler.start()
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {key}"}
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"

    def one(index):
        """Posts job `index` (replaying it when it has an Idempotency-Key) and polls it to its end."""
        session = requests.Session()
        path = photos[index % len(photos)]
        fields = {"seed": str(index), "size": size, "output_format": "jpeg,webp"}
        if index % 10 == 0:
            fields["webhook_url"] = hook
        headers = dict(auth, **({"Idempotency-Key": f"soak-{index}"} if index % 25 == 0 else {}))
        with open(path, "rb") as file:
            photo = file.read()

        def post():
            return session.post(f"{base}/v1/image/product-photo", headers=headers,
                                files={"image": (os.path.basename(path), photo)}, data=fields, timeout=120)
        reply = post()
        if reply.status_code != 202:
            return f"http_{reply.status_code}:{reply.json().get('error', {}).get('code')}"
        generation = reply.json()["generation_id"]
        if index % 25 == 0 and post().json().get("generation_id") != generation:
            return "replay_mismatch"
        while True:
            time.sleep(0.25)
            status = session.get(f"{base}/v1/image/{generation}", headers=auth, timeout=60).json()
            if status.get("status") == "completed":
                return "completed"
            if status.get("status") not in ("pending", "processing"):
                return f"{status.get('status')}:{(status.get('error') or {}).get('code')}"

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = dict(Counter(pool.map(one, range(jobs))))
    elapsed = time.monotonic() - started
    time.sleep(3)  # the last webhooks
    sampler.stop()
    server.terminate()
    server.wait(timeout=60)
    receiver.shutdown()
    figures = {"run": "serve", "jobs": jobs, "workers": workers, "size": size, "outcomes": outcomes,
               "webhooks_received": Receiver.calls, "jobs_per_hour": round(jobs / elapsed * 3600)}
    figures.update(verdict(sampler.samples))
    return figures, sampler.samples


def batch_soak(binary, folder, workers, size, out):
    batch = subprocess.Popen([binary, "batch", folder, "--out", out, "--size", size, "--concurrency", str(workers)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(batch.pid)
    sampler.start()
    errors = batch.stderr.read()
    status = batch.wait()
    sampler.stop()
    report = json.load(open(os.path.join(out, "report.json")))
    figures = {"run": "batch", "images": len(os.listdir(folder)), "exit": status,
               "report": {k: report.get(k) for k in ("processed", "failed", "kept_original", "images_per_hour")},
               "stderr_tail": errors.strip().splitlines()[-1:] if status not in (0, 1) else []}
    figures.update(verdict(sampler.samples))
    return figures, sampler.samples


def plot(runs, path):
    """One panel per run: RSS in blue (left scale), descriptors in orange (right), warm-up shaded."""
    width, height, pad = 520, 300, 48
    canvas = Image.new("RGB", (width * len(runs), height), "white")
    draw = ImageDraw.Draw(canvas)
    for column, (name, figures, samples) in enumerate(runs):
        x0 = column * width
        left, right, top, bottom = x0 + pad, x0 + width - pad, 30, height - 36
        seconds = max(s[0] for s in samples) or 1
        top_rss = max(s[1] for s in samples) * 1.15
        top_fds = max(s[2] for s in samples) * 1.5
        warm = samples[int(len(samples) * 0.25)][0]
        draw.rectangle([left, top, left + (right - left) * warm / seconds, bottom], fill=(238, 238, 238))
        draw.rectangle([left, top, right, bottom], outline="black")
        for fraction in (0, 0.5, 1):
            y = bottom - (bottom - top) * fraction
            draw.text((x0 + 4, y - 6), f"{top_rss * fraction:.0f}", fill=(30, 90, 200))
            draw.text((right + 4, y - 6), f"{top_fds * fraction:.0f}", fill=(220, 120, 0))
        for series, scale, colour in ((2, top_fds, (220, 120, 0)), (1, top_rss, (30, 90, 200))):
            points = [(left + (right - left) * s[0] / seconds, bottom - (bottom - top) * s[series] / scale) for s in samples]
            draw.line(points, fill=colour, width=2)
        draw.text((left, 8), f"{name}: RSS MB (blue), open fds (orange); growth after warm-up "
                             f"{figures.get('growth_pct', '?')}%", fill="black")
        draw.text((left, bottom + 8), f"0 s{' ' * 30}warm-up shaded{' ' * 30}{seconds:.0f} s", fill="black")
    canvas.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--size", default="800x800")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "lightbox"))
    parser.add_argument("--plot", default="soak.png")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="lightbox-soak-")
    runs = []
    try:
        photos = make_photos(os.path.join(scratch, "photos"), max(400, args.images))
        if args.jobs:
            figures, samples = serve_soak(args.binary, photos, args.jobs, args.workers, args.size,
                                          os.path.join(scratch, "serve"))
            print(json.dumps(figures), flush=True)
            runs.append(("serve", figures, samples))
        if args.images:
            folder = os.path.join(scratch, "batch-photos")
            os.makedirs(folder)
            for path in photos[:args.images]:
                os.link(path, os.path.join(folder, os.path.basename(path)))
            figures, samples = batch_soak(args.binary, folder, args.workers, args.size, os.path.join(scratch, "batch"))
            print(json.dumps(figures), flush=True)
            runs.append(("batch", figures, samples))
        if runs:
            plot(runs, args.plot)
            with open(os.path.splitext(args.plot)[0] + ".json", "w") as file:
                json.dump({name: {"figures": figures, "samples": samples} for name, figures, samples in runs}, file)
            print(json.dumps({"plot": os.path.abspath(args.plot),
                              "ok": all(figures["ok"] for _, figures, _ in runs)}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
