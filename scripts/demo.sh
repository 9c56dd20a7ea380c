#!/usr/bin/env bash
# Quick start: install what is missing, build a release binary, and turn the sample
# photos in examples/ into studio shots in out/. Prints the files it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product lightbox 2>&1 | grep -E "error|warning: unre|Compiling lightbox|Build complete" || true
echo "processing examples/ into out/:"
.build/release/lightbox process examples --out out --format jpeg,webp,avif "$@"
