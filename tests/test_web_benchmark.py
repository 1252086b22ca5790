"""The speed benchmark's documented command runs end to end and prints every figure for both
pages, on loopback and over an emulated link (it is a benchmark: nothing here judges how fast,
only that the figures hang together: ready before the first result, a throttled load no
quicker than its bytes allow, bytes per file that add up to the total shown)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import web

ROOT = Path(__file__).resolve().parent.parent
# The model's weights as app.py sends them to Chromium (Brotli; export.site writes the copy).
WEIGHTS_SENT = ROOT / "site" / "model" / "group1-shard1of1.bin.br"
SMOKE_TIMEOUT_S = 300  # two pages, a cold and a warm load each, on a busy 2-core machine
NUMBER = r"\d+\.\d\d"
FAST_LINK = "100/5"  # 100 Mbit/s, 5 ms: throttled, but quick


def run_benchmark(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.web", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def section(lines: list[str], first: str) -> list[str]:
    """The lines from the one starting with `first` to the next blank line."""
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def files_total(lines: list[str], page: str) -> int:
    """The total of a page's bytes-per-file table (to ready)."""
    [total] = [line for line in section(lines, f"{page}: bytes per file") if "total" in line]
    return int(total.split()[1].replace(",", ""))


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
    done = run_benchmark(
        "--runs", "1", "--digits", "1", "--photos", "2", "--links", "loopback"
    )  # fmt: skip
    assert "1 runs x 1 digits and 2 photos per page" in done.stdout
    lines = done.stdout.splitlines()
    loopback = section(lines, "headless Chromium")
    figures = {}
    for label, key, unit in web.ROWS:
        [line] = [line for line in loopback if line.startswith(label)]
        figures[key] = parse_row(line, label, unit)
    ours, baseline = 0, 1
    for page in (ours, baseline):
        assert 0 < figures["cold_ready_ms"][page] < figures["cold_first_result_ms"][page]
        assert figures["photo_to_result_ms"][page] > figures["photo_preprocess_ms"][page] > 0
        # Each page downloads at least the model's weights (as the server sends them).
        assert figures["cold_mb"][page] > WEIGHTS_SENT.stat().st_size / 1e6
    assert figures["cold_mb"][ours] > figures["cold_mb"][baseline]  # and ours Python
    assert figures["cold_pyodide_ms"][ours] > 0 and figures["cold_pyodide_ms"][baseline] == 0
    for page, name in ((ours, "ours"), (baseline, "baseline")):  # the table adds up to the row
        assert files_total(lines, name) / 1e6 == pytest.approx(figures["cold_mb"][page], abs=0.006)
    # Number mode (ours only): a 6-digit number's pen lift to its result, the worker's time,
    # and its segmentation and inference within that.
    number = section(lines, "number mode (ours only)")
    medians = {}
    for label, key, unit in web.NUMBER_ROWS:
        [line] = [line for line in number if line.startswith(label)]
        match = re.fullmatch(
            rf"\s+({NUMBER})\s+{NUMBER}(?: {re.escape(unit)})?", line[len(label) :]
        )
        assert match, f"{label}: {line!r}"
        medians[key] = float(match[1])
    # Not pen lift > worker: a fresh-clone CI measured 18.0 ms from lift to result and 18.48 ms
    # in the worker, probably because the answer shown after the last lift can come from a
    # recognition sent at the pen move just before it, whose worker time began before the lift.
    assert medians["number_stroke_to_result_ms"] > 0 and medians["number_worker_ms"] > 0
    assert medians["number_worker_ms"] > medians["number_segment_ms"] > 0
    assert medians["number_worker_ms"] > medians["number_inference_ms"] > 0
    assert medians["number_read_right"] == 1.0


@pytest.mark.browser
def test_a_throttled_link_prints_load_figures_no_quicker_than_its_bytes(tmp_path: Path) -> None:
    samples_file = tmp_path / "web.json"
    done = run_benchmark("--links", FAST_LINK, "--json", str(samples_file))
    lines = done.stdout.splitlines()
    link = section(lines, "100 Mbit/s, 5 ms")
    assert "1 runs per page" in link[0]
    printed = {key: parse_row(line, label, unit)
               for label, key, unit in web.LINK_ROWS
               for line in link if line.startswith(label)}  # fmt: skip
    assert set(printed) == {key for _, key, _ in web.LINK_ROWS}
    saved = json.loads(samples_file.read_text())
    for page, name in enumerate(web.PAGES):
        figures = {key: values[0] for key, values in saved["samples"][FAST_LINK][name].items()}
        assert printed["cold_ready_ms"][page] == pytest.approx(figures["cold_ready_ms"], abs=0.01)
        assert figures["cold_least_ms"] == pytest.approx(figures["cold_mb"] * 1e6 * 8 / 100e3)
        assert 0 < figures["cold_least_ms"] <= figures["cold_ready_ms"]
        assert figures["cold_ready_ms"] < figures["cold_first_result_ms"]
        assert 0 < figures["warm_ready_ms"] < figures["warm_first_result_ms"]
        # every byte to ready is in the page's table, as printed and as saved
        sent = saved["files"][name]
        assert sum(f["bytes"] for f in sent) == round(figures["cold_mb"] * 1e6)
        assert files_total(lines, name) == round(figures["cold_mb"] * 1e6)
        assert [f["bytes"] for f in sent] == sorted((f["bytes"] for f in sent), reverse=True)


@pytest.mark.parametrize("flag", ["--runs", "--digits", "--photos", "--throttled-runs"])
def test_counts_below_one_are_refused(flag: str) -> None:
    with pytest.raises(SystemExit):
        web.main([flag, "0"])


@pytest.mark.parametrize("links", ["dialup", "0/5", "10", "20mbit,nope"])
def test_unknown_links_are_refused(links: str) -> None:
    with pytest.raises(SystemExit):
        web.main(["--links", links])


def test_links_by_name_or_rate_and_latency() -> None:
    chosen = web.links("slow,loopback,8/60")
    assert list(chosen) == ["slow", "loopback", "8/60"]
    assert chosen["slow"] is web.LINKS["slow"] and chosen["loopback"] is None
    assert chosen["8/60"].down_bytes_s == 1e6 and chosen["8/60"].latency_ms == 60
