#!/usr/bin/env bash
# Runs the whole test suite on real images with the real model, a real PostgreSQL and a
# real S3-compatible server, installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The studio page is tested in Debian's Chromium, driven by chromedriver.
scripts/setup.sh chromium chromium-driver
python3 -c "import moto.server" 2>/dev/null || python3 -m pip install --quiet "moto[server]"
# The OpenAPI fuzzer, the HTTP library the compatibility clients are written with, and the
# browser driver and image reader of the page tests.
python3 -c "import schemathesis, requests, selenium, PIL" 2>/dev/null \
    || python3 -m pip install --quiet schemathesis requests selenium pillow
source scripts/test-servers.sh
swift test "$@"
