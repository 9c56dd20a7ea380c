#!/usr/bin/env bash
# Builds the libFuzzer binary (every harness, chosen by LIGHTBOX_FUZZ_TARGET) with coverage,
# AddressSanitizer and LeakSanitizer, into .build-fuzz/. Prints the binary's path.
# One combined -sanitize flag: swiftc keeps only the last of several.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(--scratch-path .build-fuzz --product lightbox-fuzz
       -Xswiftc -sanitize=fuzzer,address
       -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address)
LIGHTBOX_FUZZ=1 swift build "${flags[@]}" >&2
echo "$(LIGHTBOX_FUZZ=1 swift build "${flags[@]}" --show-bin-path)/lightbox-fuzz"
