#!/usr/bin/env python3
"""Load test for `lightbox serve`: N concurrent clients on loopback each post a photo and poll
its generation until it ends.

Starts its own server (release build) with one API key on a fresh data folder, or on the queue
and blob store given by --database and --blobs (give a fresh, empty database), so nothing else
is touched. Each client posts a distinct request (its own seed), so no two are deduplicated.
Prints enqueue latency p50/p99, jobs/hour (completed jobs over the time from the first post to
the last completion), and how many jobs were lost (not completed) or failed.

    python3 bench/load_service.py --clients 200 --image examples/kitchen-mug.jpg
    python3 bench/load_service.py --database postgres://postgres@127.0.0.1:5432/load --blobs /tmp/blobs

`bench/scale_out.sh` runs it on SQLite and on a throwaway PostgreSQL + S3 (moto) in one go.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(method, url, key, body=None, content_type=None):
    headers = {"Authorization": f"Bearer {key}"}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def multipart(fields, image):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode() + image + b"\r\n"
    ]
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def client(index, base, key, image, size, results):
    body, content_type = multipart({"seed": str(index + 1), "size": size}, image)
    started = time.monotonic()
    status, reply = request("POST", f"{base}/v1/image/product-photo", key, body, content_type)
    enqueued = time.monotonic()
    record = {"enqueue_ms": (enqueued - started) * 1000, "status": status, "final": None, "ended": None}
    results[index] = record
    if status != 202:
        record["final"] = f"http {status}: {reply}"
        return
    generation = reply["generation_id"]
    while True:
        time.sleep(0.5)
        status, reply = request("GET", f"{base}/v1/image/{generation}", key)
        if status == 200 and reply.get("status") in ("completed", "failed"):
            record["final"] = reply["status"]
            record["ended"] = time.monotonic()
            return
        if status not in (200, 429):
            record["final"] = f"http {status}"
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--image", default=os.path.join(ROOT, "examples", "kitchen-mug.jpg"))
    parser.add_argument("--size", default="1500x1500")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "lightbox"))
    parser.add_argument("--database", help="the queue: a SQLite path or postgres:// URL (default: in a fresh folder)")
    parser.add_argument("--blobs", help="inputs and outputs: a folder or s3:// URL (default: the fresh folder)")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="lightbox-load-")
    queue = ["--data", data] + (["--database", args.database] if args.database else [])
    places = queue + (["--blobs", args.blobs] if args.blobs else [])
    try:
        key = subprocess.run([args.binary, "keys", "create", *queue, "--credits", str(args.clients)],
                             check=True, capture_output=True, text=True).stdout.strip()
        server = subprocess.Popen(
            [args.binary, "serve", *places, "--port", "0", "--workers", str(args.workers),
             "--rate-per-minute", "1000000", "--rate-burst", "100000"],
            stderr=subprocess.PIPE, text=True)
        port = None
        for line in server.stderr:
            match = re.search(r"serving on http://[^:]+:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            sys.exit("the server did not start")
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        image = open(args.image, "rb").read()
        results = [None] * args.clients
        threads = [threading.Thread(target=client, args=(i, base, key, image, args.size, results))
                   for i in range(args.clients)]
        first_post = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait(timeout=60)

        enqueue = sorted(r["enqueue_ms"] for r in results)
        completed = [r for r in results if r["final"] == "completed"]
        failed = [r for r in results if r["final"] == "failed"]
        lost = [r for r in results if r["final"] not in ("completed", "failed")]
        span = max((r["ended"] for r in completed), default=first_post) - first_post
        p99 = enqueue[min(len(enqueue) - 1, int(round(0.99 * (len(enqueue) - 1))))]
        print(json.dumps({
            "database": "postgresql" if (args.database or "").startswith("postgres") else "sqlite",
            "blobs": "s3" if (args.blobs or "").startswith("s3://") else "folder",
            "clients": args.clients, "workers": args.workers, "size": args.size,
            "enqueue_p50_ms": round(statistics.median(enqueue), 1), "enqueue_p99_ms": round(p99, 1),
            "completed": len(completed), "failed": len(failed), "lost": len(lost),
            "seconds": round(span, 1), "jobs_per_hour": round(len(completed) / span * 3600) if span > 0 else 0,
            "problems": sorted({str(r["final"]) for r in lost})[:5],
        }))
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
