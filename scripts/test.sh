#!/usr/bin/env bash
# Set up everything the tests need (training extras, a browser), then run them all:
#   ./scripts/test.sh [pytest arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="train,test" source "$ROOT/scripts/setup.sh"
cd "$ROOT"

# A browser: Playwright's own Chromium where it can be downloaded, else the system's.
if [ -z "${CHROMIUM_PATH:-}" ] && ! "$VENV/bin/python" - <<'PY'
import pathlib, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if pathlib.Path(p.chromium.executable_path).is_file() else 1)
PY
then
  say "Installing a browser for the tests"
  if ! "$VENV/bin/python" -m playwright install chromium >/dev/null 2>&1; then
    if ! command -v chromium >/dev/null 2>&1; then
      echo "Playwright's browser download failed; installing Debian's chromium instead."
      sudo_cmd=""
      [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
    fi
  fi
fi

# axe-core for tests/test_accessibility.py and Biome for tests/test_lint.py, as pinned in
# tests/web/package-lock.json; installed again whenever the lock file changes.
web_stamp="$ROOT/tests/web/node_modules/.installed-$(sha256sum "$ROOT/tests/web/package-lock.json" | cut -c1-16)"
if [ ! -f "$web_stamp" ]; then
  say "Installing the tests' npm packages (tests/web)"
  (cd "$ROOT/tests/web" && npm ci --no-audit --no-fund)
  touch "$web_stamp"
fi

say "Running the tests"
exec "$VENV/bin/python" -m pytest "$@"
