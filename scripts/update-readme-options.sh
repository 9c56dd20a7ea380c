#!/usr/bin/env bash
# Replaces the README's option tables with what `lightbox options` prints (the declarations).
set -euo pipefail
cd "$(dirname "$0")/.."
options=$(swift run -q lightbox options)
generator=$(swift run -q lightbox options --generator)
service=$(swift run -q lightbox options --service)
engine=$(swift run -q lightbox options --engine)
fallback=$(swift run -q lightbox options --fallback-remover)
python3 - "$options" "$generator" "$service" "$engine" "$fallback" <<'PY'
import sys
readme = open("README.md").read()
for table in sys.argv[1:]:
    header = table[:table.index(" | accepts |")]
    start = readme.index(header + " | accepts |")
    end = readme.index("\n\n", start)
    readme = readme[:start] + table + readme[end:]
open("README.md", "w").write(readme)
PY
