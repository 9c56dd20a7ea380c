#!/usr/bin/env python3
"""Queue overhead on PostgreSQL: 1, 2, 4 and 8 `lightbox worker` processes (one worker each)
drain the same number of tiny jobs from one database.

For each count: a fresh database and blob folder, one `serve --role api` and N workers
(started and idle first), then JOBS posts of a 64x64 photo with distinct seeds. Read from the
database when all are done:
  claims/s     jobs / (last completion - first post)
  pipeline ms  the job's own step timings (decode, segment, compose, encode), mean
  overhead ms  per job, worker time not spent in the pipeline: claim, reading the input from
               the blob store, writing the output, completing (N x span / jobs - pipeline)
  twice        jobs with more than one attempt, or not completed (must be 0)

    python3 bench/queue_overhead.py --server postgres://postgres@127.0.0.1:5432/postgres

`bench/scale_out.sh` runs it against a throwaway PostgreSQL.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_service import Connection, encode, multipart  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def psql(url, sql):
    return subprocess.run(["psql", url, "-Atq", "-c", sql], check=True, capture_output=True, text=True).stdout


def with_database(server, name):
    """The server URL with its database swapped for `name`."""
    return server.rsplit("/", 1)[0] + "/" + name


def wait_for_line(process, pattern):
    for line in process.stderr:
        match = re.search(pattern, line)
        if match:
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
            return match
    sys.exit(f"a lightbox process did not start (waiting for {pattern!r})")


def tiny_photo(binary, folder):
    """A 64x64 JPEG of a real product photo, made by lightbox itself."""
    source = os.path.join(ROOT, "Tests", "Fixtures", "mug-wood.jpg")
    subprocess.run([binary, "process", source, "--out", folder, "--size", "64x64", "--format", "jpeg"],
                   check=True, capture_output=True)
    made = next(os.path.join(path, name) for path, _, names in os.walk(folder) for name in names
                if name.endswith(".jpg"))
    return open(made, "rb").read()


def run(args, count, photo):
    name = f"queue_{count}_{uuid.uuid4().hex[:6]}"
    psql(args.server, f"CREATE DATABASE {name}")
    database = with_database(args.server, name)
    blobs = tempfile.mkdtemp(prefix="lightbox-queue-")
    processes = []
    try:
        places = ["--database", database, "--blobs", blobs]
        key = subprocess.run([args.binary, "keys", "create", "--database", database, "--credits", str(args.jobs)],
                             check=True, capture_output=True, text=True).stdout.strip()
        api = subprocess.Popen([args.binary, "serve", *places, "--role", "api", "--port", "0",
                                "--rate-per-minute", "1000000", "--rate-burst", "100000"],
                               stderr=subprocess.PIPE, text=True)
        processes.append(api)
        port = int(wait_for_line(api, r"serving on http://[^:]+:(\d+)").group(1))
        for _ in range(count):
            worker = subprocess.Popen([args.binary, "worker", *places, "--workers", "1"], stderr=subprocess.PIPE, text=True)
            processes.append(worker)
            wait_for_line(worker, r"worker\(s\)")

        seeds = iter(range(1, args.jobs + 1))
        lock = threading.Lock()

        def post():
            connection = Connection(port)
            while True:
                with lock:
                    seed = next(seeds, None)
                if seed is None:
                    return
                body, content_type = multipart({"seed": str(seed), "size": "64x64", "output_format": "jpeg"}, photo)
                status, reply = connection.send(encode("POST", "/v1/image/product-photo", key, body, content_type))
                if status != 202:
                    sys.exit(f"post failed: {status} {reply}")

        posters = [threading.Thread(target=post) for _ in range(8)]
        for thread in posters:
            thread.start()
        for thread in posters:
            thread.join()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            left = int(psql(database, "SELECT count(*) FROM jobs WHERE state NOT IN ('completed', 'failed', 'dead')"))
            if left == 0:
                break
            time.sleep(0.2)
        span = float(psql(database, "SELECT max(updated_at) - min(created_at) FROM jobs"))
        rows = psql(database, "SELECT state, attempts, convert_from(result, 'UTF8') FROM jobs").splitlines()
        pipeline = []
        twice = 0
        for row in rows:
            state, attempts, result = row.split("|", 2)
            if state != "completed" or int(attempts) != 1:
                twice += 1
                continue
            pipeline.append(sum(json.loads(result).get("timingsMs", {}).values()))
        mean_pipeline = sum(pipeline) / max(1, len(pipeline))
        charged = int(psql(database, "SELECT charged FROM accounts"))
        return {
            "workers": count, "jobs": len(rows), "charged": charged, "seconds": round(span, 2),
            "claims_per_s": round(len(rows) / span, 1),
            "pipeline_ms": round(mean_pipeline, 1),
            "overhead_ms": round(count * span * 1000 / len(rows) - mean_pipeline, 1),
            "twice_or_lost": twice,
        }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        shutil.rmtree(blobs, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="a PostgreSQL URL whose user may create databases")
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--counts", default="1,2,4,8")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "lightbox"))
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="lightbox-tiny-")
    try:
        photo = tiny_photo(args.binary, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for count in (int(part) for part in args.counts.split(",")):
        print(json.dumps(run(args, count, photo)), flush=True)


if __name__ == "__main__":
    main()
