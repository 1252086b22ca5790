"""The speed benchmark's documented command runs end to end and prints every figure for both
pages (it is a benchmark: nothing here judges how fast)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import web

ROOT = Path(__file__).resolve().parent.parent
SMOKE_TIMEOUT_S = 300  # two pages, a cold and a warm load each, on a busy 2-core machine
NUMBER = r"\d+\.\d\d"


def parse_row(line: str, label: str, unit: str) -> tuple[float, float]:
    """(ours median, baseline median) from a row: ours, unit, p95, baseline, p95, ratio."""
    rest = line[len(label) :].rstrip()
    unit_part = rf" {re.escape(unit)}" if unit else ""
    pattern = rf"\s+({NUMBER}){unit_part}\s+{NUMBER}\s+({NUMBER})\s+{NUMBER}\s+(?:{NUMBER}|-)"
    match = re.fullmatch(pattern, rest)
    assert match, f"{label}: {line!r}"
    return float(match[1]), float(match[2])


@pytest.mark.browser
def test_documented_command_prints_every_figure_for_both_pages() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.web", "--runs", "1", "--digits", "1", "--photos", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "1 runs x 1 digits and 2 photos per page" in done.stdout
    lines = done.stdout.splitlines()
    figures = {}
    for label, key, unit in web.ROWS:
        [line] = [line for line in lines if line.startswith(label)]
        figures[key] = parse_row(line, label, unit)
    ours, baseline = 0, 1
    for page in (ours, baseline):
        assert 0 < figures["cold_ready_ms"][page] < figures["cold_first_result_ms"][page]
        assert figures["photo_to_result_ms"][page] > figures["photo_preprocess_ms"][page] > 0
        assert figures["cold_mb"][page] > 1
    assert figures["cold_pyodide_ms"][ours] > 0 and figures["cold_pyodide_ms"][baseline] == 0


@pytest.mark.parametrize("flag", ["--runs", "--digits", "--photos"])
def test_counts_below_one_are_refused(flag: str) -> None:
    with pytest.raises(SystemExit):
        web.main([flag, "0"])
