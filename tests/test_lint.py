"""The code stays clean: the Python as pyproject.toml configures ruff, the JavaScript as
biome.json configures Biome (lint and format, pinned in tests/web/package-lock.json), and the
JavaScript's pure logic passes its Node unit tests (tests/js/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIOME = ROOT / "tests" / "web" / "node_modules" / ".bin" / "biome"
JS_TESTS = ROOT / "tests" / "js"


def run(command: list[str | Path]) -> subprocess.CompletedProcess[str]:
    """Run `command` in the repository root, its output kept for the failure message."""
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff(command: list[str]) -> None:
    result = run([sys.executable, "-m", "ruff", *command])
    assert result.returncode == 0, result.stdout + result.stderr


def test_biome() -> None:
    """Lint and format check in one; a warning fails too, as it would in review."""
    assert BIOME.is_file(), (
        f"{BIOME} is missing: run `npm ci` in tests/web (scripts/test.sh does it)"
    )
    result = run([BIOME, "ci", "--colors=off", "--error-on-warnings", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_js_unit_tests() -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/setup.sh says so too)"
    files = sorted(JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    result = run([node, "--test", *files])
    assert result.returncode == 0, result.stdout + result.stderr
