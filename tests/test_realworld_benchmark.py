"""The real-world benchmark: its generated data is reproducible and committed as generated, its
scoring counts right, and the documented command runs end to end on a few items."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from benchmarks import realworld, realworld_data
from training import handwriting

ROOT = Path(__file__).resolve().parent.parent
MIN_PER_CLASS = 50
MAX_DATA_BYTES = 6_000_000
# Uploads regenerated in full here (all of them take half a minute): the first two rounds of
# classes and a spread through the rest.
SAMPLED_UPLOADS = [*range(20), *range(20, 550, 53)]
# Eight page starts (four sets, each on the page and the baseline) on a busy 2-core machine,
# Pyodide cold every time, plus 16 items.
SMOKE_TIMEOUT_S = 480


def test_drawn_items_are_reproducible_and_seed_dependent() -> None:
    assert realworld_data.drawn_item(7) == realworld_data.drawn_item(7)
    assert realworld_data.drawn_item(7) != realworld_data.drawn_item(7, seed=1)
    assert realworld_data.drawn_item(7)["label"] == "7"


def test_committed_drawn_set_is_the_generators_output() -> None:
    expected = realworld_data.drawn_json(realworld_data.drawn_set())
    assert realworld_data.DRAWN_FILE.read_text() == expected


def test_drawn_set_is_varied_and_in_the_pad() -> None:
    items = json.loads(realworld_data.DRAWN_FILE.read_text())["items"]
    labels = Counter(item["label"] for item in items)
    assert set(labels) == set(realworld_data.CLASSES)
    assert min(labels.values()) >= MIN_PER_CLASS
    for label in realworld_data.CLASSES:
        styles = {item["style"] for item in items if item["label"] == label}
        assert len(styles) >= 3, f"{label}: only {styles}"
    assert any(len(item["strokes"]) >= 2 for item in items if item["label"] == "4")
    points = [point for item in items for stroke in item["strokes"] for point in stroke]
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in points)
    extents = []
    for item in items:
        xs, ys = zip(*(point for stroke in item["strokes"] for point in stroke), strict=True)
        extents.append(max(max(xs) - min(xs), max(ys) - min(ys)))
    assert min(extents) < 0.3 and max(extents) > 0.85  # small to pad-filling


def test_upload_items_are_reproducible() -> None:
    first, again = realworld_data.upload_item(3), realworld_data.upload_item(3)
    assert first == again
    assert realworld_data.upload_item(3, seed=1)[1] != first[1]


def test_committed_uploads_are_the_generators_output() -> None:
    labels = json.loads(realworld_data.LABELS_FILE.read_text())
    entries = labels["items"]
    assert labels["seed"] == realworld_data.UPLOADS_SEED
    for index in SAMPLED_UPLOADS:
        meta, content = realworld_data.upload_item(index)
        assert entries[index] == meta
        assert (realworld_data.UPLOADS_DIR / meta["file"]).read_bytes() == content, meta["file"]


def test_uploads_are_balanced_readable_and_small() -> None:
    entries = json.loads(realworld_data.LABELS_FILE.read_text())["items"]
    counts = Counter(entry["label"] for entry in entries)
    assert set(counts) == set(realworld_data.CLASSES)
    assert min(counts.values()) >= MIN_PER_CLASS
    files = {path.name for path in realworld_data.UPLOADS_DIR.glob("upload-*")}
    assert files == {entry["file"] for entry in entries}
    kinds = Counter(entry["kind"].split()[0] for entry in entries)
    assert {"photo", "scan", "transparent"} <= set(kinds)
    for entry in entries[:: len(entries) // 25]:
        content = (realworld_data.UPLOADS_DIR / entry["file"]).read_bytes()
        with Image.open(BytesIO(content)) as image:
            assert image.size == (entry["width"], entry["height"])
    total = sum(
        path.stat().st_size for path in realworld_data.DATA_DIR.rglob("*") if path.is_file()
    )
    assert total <= MAX_DATA_BYTES


def test_summary_counts_answers_per_true_digit() -> None:
    records = [
        {"label": "1", "answer": "1", "uncertain": False},
        {"label": "1", "answer": "7", "uncertain": False},
        {"label": "7", "answer": realworld.NO_ANSWER, "uncertain": False},
        {"label": "7", "answer": "7", "uncertain": True},
    ]
    summary = realworld.summarize(records)
    assert summary["accuracy"] == 0.5 and summary["no_answer"] == 1
    # Of four answers one said "not sure"; one was wrong and said as sure (no digit is neither).
    assert summary["not_sure"] == 0.25 and summary["wrong_while_sure"] == 0.25
    assert summary["per_class"]["1"] == {"n": 2, "correct": 1, "accuracy": 0.5, "no_answer": 0}
    assert summary["per_class"]["0"]["accuracy"] is None
    assert summary["confusion"][1][7] == 1 and summary["confusion"][7][-1] == 1


def test_unknown_set_is_refused() -> None:
    with pytest.raises(SystemExit):
        realworld.main(["--sets", "mnist,photos"])


def test_real_sets_are_the_held_out_digits_only() -> None:
    scans = realworld.scan_items(None, "scans")
    pen = realworld.pen_items(None)
    held_scans = handwriting.part(handwriting.load_scans(), "held_out")
    held_pen = handwriting.part(handwriting.load_pen(), "held_out")
    assert [item["label"] for item in scans] == [str(scan.label) for scan in held_scans]
    assert [item["label"] for item in pen] == [str(t.label) for t in held_pen]
    # Every variant is used, and each upload is a real PNG.
    kinds = {item["kind"] for item in scans}
    assert len(kinds) == len(realworld.SCAN_VARIANTS)
    assert scans[0]["payload"]["buffer"].startswith(b"\x89PNG")


@pytest.mark.browser
def test_documented_command_runs_a_few_items(tmp_path: Path) -> None:
    sets = ("scans", "scans-photo", "scans-tight", "pen", "mnist")
    command = ["-m", "benchmarks.realworld", "--sets", ",".join(sets), "--limit", "2"]
    done = subprocess.run(
        [sys.executable, *command, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [f"{name}/{page}" for name in sets for page in realworld.PAGES]
    table = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line.strip()}
    assert all(table[row][1] == "2" for row in rows)
    report = json.loads((tmp_path / "realworld.json").read_text())
    assert {name: len(found["items"]) for name, found in report["sets"].items()} == dict.fromkeys(
        rows, 2
    )
    for row in rows:
        png = f"realworld-{row.replace('/', '-')}-confusion.png"
        assert (tmp_path / png).stat().st_size > 0
        assert png in done.stdout
        answers = [item["answer"] for item in report["sets"][row]["items"]]
        assert all(answer in (*realworld.CLASSES, realworld.NO_ANSWER) for answer in answers)
