#!/usr/bin/env python3
"""Load test for `lightbox serve`: N concurrent clients on loopback each post a photo and poll
its generation until it ends.

Starts its own server (release build) with one API key on a fresh data folder, or on the queue
and blob store given by --database and --blobs (give a fresh, empty database), so nothing else
is touched. Each client posts a distinct request (its own seed), so no two are deduplicated.
Two warm-up jobs per worker are queued first; once every worker is busy, the clients post, each on
a connection it opened beforehand, spread evenly over --ramp seconds (default 1 s, 200 posts a
second; --ramp 0 posts all at once). --reference posts the same load to bench/reference_sink.c, a
server that does no work, which gives the floor this generator and loopback set. Prints enqueue
latency p50/p99, jobs/hour (completed jobs over the time from the first post to
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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from serving import start_serve

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Connection:
    """One keep-alive HTTP/1.1 connection on a raw socket: the request is encoded before the clock
    starts, so the figure is the server's answer time, not this client's (Python's) overhead."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def send(self, encoded):
        self.sock.sendall(encoded)
        return self.answer()

    def answer(self):
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
        while len(self.buffer) < length:
            self.fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, json.loads(body or b"{}")

    def fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk


def encode(method, path, key, body=b"", content_type=None):
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {key}",
            f"Content-Length: {len(body)}"] + ([f"Content-Type: {content_type}"] if content_type else [])
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


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


def client(port, key, post, offset, start, record, poll):
    """Connects, waits for the start, posts `offset` seconds later, then polls every 0.5 s."""
    try:
        connection = Connection(port)
        start.wait()
        time.sleep(offset)
        started = time.monotonic()
        status, reply = connection.send(post)
        record["enqueue_ms"] = (time.monotonic() - started) * 1000
        if status != 202:
            record["final"] = f"http {status}: {reply}"
            return
        if not poll:
            record["final"] = "accepted"
            return
        request = encode("GET", f"/v1/image/{reply['generation_id']}", key)
        while True:
            time.sleep(0.5)
            status, reply = connection.send(request)
            if status == 200 and reply.get("status") in ("completed", "failed"):
                record["final"] = reply["status"]
                record["ended"] = time.monotonic()
                return
            if status not in (200, 429):
                record["final"] = f"http {status}"
                return
    except (OSError, ValueError) as error:
        record["final"] = f"{type(error).__name__}: {error}"


def run_clients(port, key, image, args, poll=True):
    """Every client opens its connection and encodes its request first (its own seed, so none is
    deduplicated); after the start, client i posts at i * ramp / clients seconds."""
    records = [{"enqueue_ms": None, "final": None, "ended": None} for _ in range(args.clients)]
    start = threading.Barrier(args.clients + 1)
    threads = []
    for index in range(args.clients):
        body, content_type = multipart({"seed": str(index + 1), "size": args.size}, image)
        post = encode("POST", "/v1/image/product-photo", key, body, content_type)
        offset = args.ramp * index / args.clients
        threads.append(threading.Thread(target=client, args=(port, key, post, offset, start, records[index], poll)))
    for thread in threads:
        thread.start()
    start.wait()
    first_post = time.monotonic()
    for thread in threads:
        thread.join()
    enqueue = sorted(r["enqueue_ms"] for r in records if r["enqueue_ms"] is not None) or [0.0]
    p99 = enqueue[min(len(enqueue) - 1, int(round(0.99 * (len(enqueue) - 1))))]
    return records, first_post, round(statistics.median(enqueue), 1), round(p99, 1)


def busy_workers(port, key, image, size, workers):
    """Two jobs per worker, and waits until every worker holds one: the clients then post while
    the workers saturate the cores, as in production."""
    connection = Connection(port)
    polls = []
    for index in range(2 * workers):
        body, content_type = multipart({"seed": str(1_000_000 + index), "size": size}, image)
        status, reply = connection.send(encode("POST", "/v1/image/product-photo", key, body, content_type))
        if status != 202:
            sys.exit(f"the warm-up post failed: http {status}: {reply}")
        polls.append(encode("GET", f"/v1/image/{reply['generation_id']}", key))
    deadline = time.monotonic() + 60
    while workers and sum(connection.send(poll)[1].get("status") == "processing" for poll in polls) < workers:
        if time.monotonic() > deadline:
            sys.exit("the workers did not start the warm-up jobs")
        time.sleep(0.05)


def reference(image, args):
    """The same posts against bench/reference_sink.c, a server that does no work: the floor
    that this load generator and loopback set on this machine."""
    folder = tempfile.mkdtemp(prefix="lightbox-sink-")
    try:
        binary = os.path.join(folder, "reference_sink")
        subprocess.run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "bench", "reference_sink.c")], check=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sink = subprocess.Popen([binary, str(port)])
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.02)
            _, _, p50, p99 = run_clients(port, "reference", image, args, poll=False)
            return p50, p99
        finally:
            sink.kill()
            sink.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=1.0,
                        help="seconds over which the clients' posts are spread evenly (0: all at once)")
    parser.add_argument("--image", default=os.path.join(ROOT, "examples", "kitchen-mug.jpg"))
    parser.add_argument("--size", default="1500x1500")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "lightbox"))
    parser.add_argument("--database", help="the queue: a SQLite path or postgres:// URL (default: in a fresh folder)")
    parser.add_argument("--blobs", help="inputs and outputs: a folder or s3:// URL (default: the fresh folder)")
    parser.add_argument("--reference", action="store_true",
                        help="also post the same load to a server that does no work, for the floor and ratios")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="lightbox-load-")
    queue = ["--data", data] + (["--database", args.database] if args.database else [])
    places = queue + (["--blobs", args.blobs] if args.blobs else [])
    image = open(args.image, "rb").read()
    try:
        key = subprocess.run([args.binary, "keys", "create", *queue, "--credits", str(args.clients + 2 * args.workers)],
                             check=True, capture_output=True, text=True).stdout.strip()
        server, port = start_serve(args.binary, [*places, "--workers", str(args.workers),
                                                 "--rate-per-minute", "1000000", "--rate-burst", "100000"])
        busy_workers(port, key, image, args.size, args.workers)
        records, first_post, p50, p99 = run_clients(port, key, image, args)
        server.terminate()
        server.wait(timeout=60)

        completed = [r for r in records if r["final"] == "completed"]
        failed = [r for r in records if r["final"] == "failed"]
        lost = [r for r in records if r["final"] not in ("completed", "failed")]
        span = max((r["ended"] for r in completed), default=first_post) - first_post
        figures = {
            "database": "postgresql" if (args.database or "").startswith("postgres") else "sqlite",
            "blobs": "s3" if (args.blobs or "").startswith("s3://") else "folder",
            "clients": args.clients, "ramp_s": args.ramp, "workers": args.workers, "size": args.size,
            "enqueue_p50_ms": p50, "enqueue_p99_ms": p99,
            "completed": len(completed), "failed": len(failed), "lost": len(lost),
            "seconds": round(span, 1), "jobs_per_hour": round(len(completed) / span * 3600) if span > 0 else 0,
            "problems": sorted({str(r["final"]) for r in lost})[:5],
        }
        if args.reference:
            floor50, floor99 = reference(image, args)
            figures.update({"reference_p50_ms": floor50, "reference_p99_ms": floor99,
                            "p99_over_reference": round(p99 / floor99, 1) if floor99 else None})
        print(json.dumps(figures))
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
