#!/usr/bin/env bash
# Runs the whole test suite on real images with the real model, a real PostgreSQL and a
# real S3-compatible server, installing what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The studio page is tested in Debian's Chromium, driven by chromedriver; the Magento module
# with Debian's PHP and PHPUnit.
scripts/setup.sh chromium chromium-driver php-cli php-curl php-xml phpunit
python3 -c "import moto.server" 2>/dev/null || python3 -m pip install --quiet "moto[server]"
# The OpenAPI fuzzer, the HTTP library the compatibility clients are written with, and the
# browser driver and image reader of the page tests.
python3 -c "import schemathesis, requests, selenium, PIL" 2>/dev/null \
    || python3 -m pip install --quiet schemathesis requests selenium pillow
source scripts/test-servers.sh
swift test "$@"
# The Magento module: every PHP file parses, and its plain classes pass their tests, against the
# lightbox binary the Swift tests just built.
while IFS= read -r -d '' file; do
    php -l "$file" >/dev/null || { php -l "$file"; exit 1; }
done < <(find integrations/magento2 -name '*.php' -print0)
LIGHTBOX_BINARY="$(swift build --show-bin-path)/lightbox" phpunit -c integrations/magento2/phpunit.xml.dist
