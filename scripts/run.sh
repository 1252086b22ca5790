#!/usr/bin/env bash
# Set up everything the app needs, then serve it: ./scripts/run.sh [--host H] [--port P]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="" source "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$VENV/bin/python" app.py "$@"
