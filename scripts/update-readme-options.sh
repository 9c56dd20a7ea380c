#!/usr/bin/env bash
# Replaces the README's option table with what `lightbox options` prints (the declarations).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(swift run -q lightbox options)
python3 - "$table" <<'PY'
import re, sys
readme = open("README.md").read()
start = readme.index("| option | accepts |")
end = readme.index("\n\n", start)
open("README.md", "w").write(readme[:start] + sys.argv[1] + readme[end:])
PY
