#!/usr/bin/env bash
# Shared set-up, sourced by run.sh and test.sh: a virtual environment with the project and
# the extras asked for ($EXTRAS), and the web runtime in site/vendor/. Safe to re-run: each
# step is skipped when what it would make is already there and current.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
EXTRAS="${EXTRAS:-}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is required ($2)" >&2; exit 1; }
}

need "$PYTHON" "Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "error: Python 3.11 or newer is required" >&2; exit 1; }
need node "Node.js, to fetch the pinned Pyodide and TF.js from the npm registry"
need npm "npm, which comes with Node.js"

if [ ! -x "$VENV/bin/python" ]; then
  say "Creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the dependency declarations change.
spec=".${EXTRAS:+[$EXTRAS]}"
stamp="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)-${EXTRAS:-base}"
if [ ! -f "$stamp" ]; then
  say "Installing Python packages ($spec)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  # constraints.txt pins every transitive version known to install together, so pip does
  # not backtrack through TensorFlow wheels.
  (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e "$spec")
  touch "$stamp"
fi

say "Preparing the web runtime (Pyodide, TF.js) in site/vendor/"
(cd "$ROOT" && "$VENV/bin/python" -c 'import sys; from export import runtime; sys.exit(0 if runtime.is_prepared() else 1)') \
  || (cd "$ROOT" && "$VENV/bin/python" -m export.runtime)
