#!/usr/bin/env python3
"""How fast the review page previews a fix: a release `lightbox serve --review` on loopback,
the kitchen-mug sample submitted and left waiting for review, then POST
/v1/reviews/{id}/preview with one remove point, 20 times. Prints one JSON line: the server's
render time (Lightbox-Render-Ms) and the round trip, median and worst, and whether the mask
came from the cache. The issue asks for under a second.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lightbox", default=".build/release/lightbox")
    parser.add_argument("--photo", default="examples/kitchen-mug.jpg")
    parser.add_argument("--size", default="1500x1500")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        key = subprocess.run([args.lightbox, "keys", "create", "--data", data, "--credits", "10"],
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        server = subprocess.Popen([args.lightbox, "serve", "--data", data, "--port", "18931", "--workers", "1",
                                   "--review", "--review-below", "0.99"], stderr=subprocess.PIPE, text=True)
        try:
            base = "http://127.0.0.1:18931"
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {key}"
            for _ in range(300):
                try:
                    if session.get(base + "/healthz").ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            with open(args.photo, "rb") as photo:
                job = session.post(base + "/v1/image/product-photo", files={"image": photo}, data={"size": args.size}).json()
            ident = job["generation_id"]
            while session.get(f"{base}/v1/image/{ident}").json()["status"] in ("pending", "processing"):
                time.sleep(0.1)
            server_ms, round_trip_ms, masks = [], [], set()
            for run in range(args.runs):
                started = time.perf_counter()
                answer = session.post(f"{base}/v1/reviews/{ident}/preview", json={"hints": f"remove:0.723,{0.6 + run * 0.001:.3f}"})
                round_trip_ms.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
                server_ms.append(float(answer.headers["Lightbox-Render-Ms"]))
                masks.add(answer.headers["Lightbox-Mask"])
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(json.dumps({"size": args.size, "runs": args.runs, "masks": sorted(masks),
                      "render_ms_median": statistics.median(server_ms), "render_ms_max": max(server_ms),
                      "round_trip_ms_median": round(statistics.median(round_trip_ms), 1),
                      "round_trip_ms_max": round(max(round_trip_ms), 1)}))


if __name__ == "__main__":
    main()
