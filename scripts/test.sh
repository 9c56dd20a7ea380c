#!/usr/bin/env bash
# Runs the whole test suite on real images with the real model, installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"
