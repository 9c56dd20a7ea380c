"""A client that calls the way PixelAPI's SDK does: JSON bodies with image_url, a JSON content
type on every request (GETs too), the id read from `id` or `generation_id`, and a status that
must be one of pending, processing, completed or failed (anything else raises).

usage: pixelapi_client.py BASE_URL KEY IMAGE_URL
Prints one JSON line per endpoint: its final status and output URL."""
import json
import sys
import time

import requests

STATUSES = {"pending", "processing", "completed", "failed"}
base, key, image_url = sys.argv[1:4]
session = requests.Session()
session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})


def parse(reply):
    body = reply.json()
    if body.get("status") not in STATUSES:
        raise ValueError(f"unknown status {body.get('status')!r} in {body}")
    return body


def run(endpoint, payload):
    accepted = session.post(f"{base}/v1/image/{endpoint}", data=json.dumps(payload))
    accepted.raise_for_status()
    generation = parse(accepted)
    ident = generation.get("id") or generation["generation_id"]
    deadline = time.time() + 120
    while generation["status"] in ("pending", "processing") and time.time() < deadline:
        time.sleep(0.2)
        generation = parse(session.get(f"{base}/v1/image/{ident}"))
    return {"endpoint": endpoint, "status": generation["status"], "output_url": generation.get("output_url")}


for endpoint, payload in [
    ("remove-background", {"image_url": image_url}),
    ("replace-background", {"image_url": image_url, "prompt": "on a marble kitchen counter", "size": "400x400"}),
    ("product-photo", {"image_url": image_url, "preset": "white-studio", "size": "400x400"}),
]:
    print(json.dumps(run(endpoint, payload)))
