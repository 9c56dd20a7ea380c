#!/usr/bin/env bash
# The scale-out figures for the README, in one invocation on a release build:
#   1. bench/load_service.py (200 clients, posts over 1 s and all at once) on SQLite + a folder,
#      on PostgreSQL + a folder, and on PostgreSQL + S3 (moto);
#   2. bench/queue_overhead.py: 1, 2, 4 and 8 worker processes on PostgreSQL.
# PostgreSQL and the S3 server are throwaway ones on loopback (scripts/test-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
swift build -c release --product lightbox 2>&1 | grep -E "error|Compiling|Build" | tail -n 3
source scripts/test-servers.sh
# PostgreSQL shares these 2 cores with the API, the workers and the load generator: at the same
# nice value as the load generator, a backend waits behind it and p99 swings from 7 to 90 ms.
# A database on a busy box gets the CPU first (on a machine of its own it needs nothing).
renice -n -5 -p "$(head -n 1 "$PG_DATA/postmaster.pid")" >/dev/null \
    || echo "could not renice PostgreSQL (needs root or CAP_SYS_NICE); its enqueue tail will be longer" >&2
export AWS_ACCESS_KEY_ID=lightbox-bench AWS_SECRET_ACCESS_KEY=lightbox-bench-secret
CLIENTS=${CLIENTS:-200}

# Posts spread over 1 s (200 a second), then all at once; the first two also against a server
# that does no work (the floor of this load generator on this machine).
echo "== enqueue under load, SQLite + folder"
python3 bench/load_service.py --clients "$CLIENTS" --reference
python3 bench/load_service.py --clients "$CLIENTS" --ramp 0 --reference
echo "== enqueue under load, PostgreSQL + a folder"
psql "$LIGHTBOX_TEST_POSTGRES" -qc "CREATE DATABASE load_bench_folder"
python3 bench/load_service.py --clients "$CLIENTS" --database "${LIGHTBOX_TEST_POSTGRES%/*}/load_bench_folder" \
    --blobs "$LIGHTBOX_TEST_SCRATCH/load-bench-blobs"
echo "== enqueue under load, PostgreSQL + S3"
for ramp in 1 0; do
    psql "$LIGHTBOX_TEST_POSTGRES" -qc "CREATE DATABASE load_bench_$ramp"
    python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('$LIGHTBOX_TEST_S3/load-bench-$ramp', method='PUT'))"
    python3 bench/load_service.py --clients "$CLIENTS" --ramp "$ramp" --database "${LIGHTBOX_TEST_POSTGRES%/*}/load_bench_$ramp" \
        --blobs "s3://load-bench-$ramp/lightbox?endpoint=$LIGHTBOX_TEST_S3"
done
echo "== queue overhead by worker processes, PostgreSQL"
python3 bench/queue_overhead.py --server "$LIGHTBOX_TEST_POSTGRES" "$@"
