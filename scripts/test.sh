#!/usr/bin/env bash
# Runs the whole test suite on real images with the real model, a real PostgreSQL and a
# real S3-compatible server, installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 -c "import moto.server" 2>/dev/null || python3 -m pip install --quiet "moto[server]"
# The OpenAPI fuzzer and the HTTP library the compatibility clients are written with.
python3 -c "import schemathesis, requests" 2>/dev/null || python3 -m pip install --quiet schemathesis requests
source scripts/test-servers.sh
swift test "$@"
