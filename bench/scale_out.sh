#!/usr/bin/env bash
# The scale-out figures for the README, in one invocation on a release build:
#   1. bench/load_service.py (200 clients) on SQLite + a folder, then on PostgreSQL + S3 (moto);
#   2. bench/queue_overhead.py: 1, 2, 4 and 8 worker processes on PostgreSQL.
# PostgreSQL and the S3 server are throwaway ones on loopback (scripts/test-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
swift build -c release --product lightbox 2>&1 | tail -n 1
source scripts/test-servers.sh
export AWS_ACCESS_KEY_ID=lightbox-bench AWS_SECRET_ACCESS_KEY=lightbox-bench-secret
CLIENTS=${CLIENTS:-200}

echo "== enqueue under load, SQLite + folder"
python3 bench/load_service.py --clients "$CLIENTS"
echo "== enqueue under load, PostgreSQL + S3"
psql "$LIGHTBOX_TEST_POSTGRES" -qc "CREATE DATABASE load_bench"
python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('$LIGHTBOX_TEST_S3/load-bench', method='PUT'))"
python3 bench/load_service.py --clients "$CLIENTS" --database "${LIGHTBOX_TEST_POSTGRES%/*}/load_bench" \
    --blobs "s3://load-bench/lightbox?endpoint=$LIGHTBOX_TEST_S3"
echo "== queue overhead by worker processes, PostgreSQL"
python3 bench/queue_overhead.py --server "$LIGHTBOX_TEST_POSTGRES" "$@"
