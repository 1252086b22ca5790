"""The learning benchmark (benchmarks/personal.py): its style is chosen by shape and split so
that no held-out digit is ever a correction, its counting is right, and the documented command
runs end to end with tiny limits, its k = 0 answers those of a recognizer never personalized;
and its simulation (benchmarks/personal_sim.py) plays the same person with the same answers."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from digits import personal as digits_personal
from playwright.sync_api import Browser, Page

from benchmarks import personal, personal_sim, realworld
from harness.recognizer import (
    recognize_images,
    recognize_pngs,
    start_recognizer,
    stop_recognizer,
)
from training import handwriting
from training.data import DEFAULT_MNIST_DIR

ROOT = Path(__file__).resolve().parent.parent
# One page start on a busy 2-core machine (Pyodide cold), 150 pen digits, two corrections,
# 24 MNIST digits, the cost timed on 3 drawings.
SMOKE_TIMEOUT_S = 480
SMOKE = [
    "--limit", "15", "--mnist-limit", "12", "--corrections", "1",
    "--stored", "20", "--timing-drawings", "3",
]  # fmt: skip


# The same person in benchmarks/personal_sim.py: the benchmark's seed, limits and k.
SIMULATED = [
    "--seeds", str(personal.DEFAULT_SEED), "--limit", "15", "--mnist-limit", "12",
    "--corrections", "1",
]  # fmt: skip


def trajectory(points: list[tuple[int, int]], label: int = 1) -> handwriting.Trajectory:
    return handwriting.Trajectory(tuple(points), label)


def test_shape_ignores_size_and_place_but_not_the_order_of_writing() -> None:
    points = [(10, 10), (20, 40), (30, 10), (40, 40), (50, 10), (60, 40), (70, 10), (80, 40)]
    moved = [(x // 2 + 5, y // 2 + 30) for x, y in points]
    first, second = (
        personal.shape_vector(trajectory(points)),
        personal.shape_vector(trajectory(moved)),
    )
    assert np.allclose(first, second, atol=0.02)
    assert not np.allclose(first, personal.shape_vector(trajectory(points[::-1])), atol=0.02)


def test_kmeans_separates_clear_groups_the_same_way_every_time() -> None:
    rng = np.random.default_rng(0)
    vectors = np.concatenate([rng.normal(0, 0.05, (20, 16)), rng.normal(3, 0.05, (20, 16))])
    groups = personal.kmeans(vectors, 2, seed=5)
    assert len(set(groups[:20])) == 1 and len(set(groups[20:])) == 1 and groups[0] != groups[-1]
    assert np.array_equal(groups, personal.kmeans(vectors, 2, seed=5))


def test_the_style_is_the_worst_group_split_into_pool_and_held_out() -> None:
    # Two shapes of 1 (forward and backward strokes), 30 each: the page gets the second wrong.
    up = [(50, 0), (50, 15), (50, 30), (50, 45), (50, 60), (50, 75), (50, 90), (50, 100)]
    flag = [(20, 70), (35, 85), (50, 100), (50, 80), (50, 60), (50, 40), (50, 20), (50, 0)]
    candidates = [
        {"label": "1", "line": n, "trajectory": trajectory(up if n < 30 else flag)}
        for n in range(60)
    ]
    answers = [{"answer": "1" if n < 30 or n % 3 == 0 else "7"} for n in range(60)]
    groups, style = personal.choose_style(candidates, answers, seed=1)
    assert [chosen["digit"] for chosen in style] == ["1"]
    chosen = style[0]
    assert sorted(chosen["indices"]) == list(range(30, 60))
    assert chosen["wrong"] == 20 and chosen["answered"] == {"7": 20}
    assert not set(chosen["pool"]) & set(chosen["held_out"])
    assert sorted(chosen["pool"] + chosen["held_out"]) == list(range(30, 60))
    assert len(chosen["pool"]) == 15
    assert sum(group["size"] for group in groups["1"]) == 60


def test_flips_count_what_changed_and_which_way() -> None:
    before = [
        {"index": 0, "label": "1", "answer": "7"},
        {"index": 1, "label": "1", "answer": "1"},
        {"index": 2, "label": "2", "answer": "2"},
    ]
    after = [
        {"index": 0, "label": "1", "answer": "1"},
        {"index": 1, "label": "1", "answer": "1"},
        {"index": 2, "label": "2", "answer": "7"},
    ]
    found = personal.flips(before, after)
    assert found["changed"] == 2 and found["fixed"] == 1 and found["broken"] == 1
    assert found["changed_to"] == {"1": 1, "7": 1}
    assert found["broken_items"] == [{"index": 2, "label": "2", "answer": "7", "was": "2"}]


@pytest.mark.browser
def test_documented_command_runs_and_k0_is_plain_recognition(
    tmp_path: Path, page: Page, browser: Browser, live_server: str
) -> None:
    report_path = tmp_path / "personal.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.personal", *SMOKE, "--json", str(report_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert [run["k"] for run in report["runs"]] == [0, 1]
    assert set(report["targets"]) == {
        "correction_to_answer_ms",
        "stored_added_ms",
    }  # k = 5 was not run: its two targets are not claimed
    rows = [line.split() for line in done.stdout.splitlines() if line.split()[:1] != []]
    rows = [row for row in rows if row[0].isdigit()]
    assert [row[0] for row in rows] == ["0", "1"]
    style = report["style"]["digits"]
    assert style and all(set(chosen["pool"]).isdisjoint(chosen["held_out"]) for chosen in style)
    held_out = [line for chosen in style for line in chosen["held_out"]]
    k1 = report["runs"][1]
    assert [item["line"] for item in k1["style"]["items"]] == held_out
    for chosen in style:
        given = k1["given"][chosen["digit"]]
        assert given["wrong_corrected"] + given["filled"] == 1
        corrected = {item["line"] for item in given["items"]}
        assert corrected <= set(chosen["pool"])
    assert report["correction_latency"]["n"] == sum(
        entry["wrong_corrected"] for entry in k1["given"].values()
    )
    cost = report["recognition_cost"]
    assert cost["stored"] == 20 and cost["page_ms"]["stored"] > 0 and cost["page_ms"]["none"] > 0
    assert report["runs"][1]["mnist"]["n"] == 12

    # k = 0 is what a recognizer that was never sent a personal message answers.
    base = report["runs"][0]
    pen = handwriting.load_pen()
    page.goto("/")
    start_recognizer(page)
    drawings = [personal.drawing({"trajectory": pen[line - 1]}) for line in held_out]
    raw = recognize_images(page, drawings)
    plain = [personal.answer_of(reply)["answer"] for reply in raw]
    # The benchmark sends drawings as PNGs: the worker gets exactly the same pixels.
    pngs = recognize_pngs(
        page, [personal.drawing_png({"trajectory": pen[line - 1]}) for line in held_out[:3]]
    )
    assert [reply["result"]["input"] for reply in pngs] == [
        reply["result"]["input"] for reply in raw[:3]
    ]
    stop_recognizer(page)
    assert [item["answer"] for item in base["style"]["items"]] == plain
    assert base["style"]["correct"] == sum(
        answer == str(pen[line - 1].label) for answer, line in zip(plain, held_out, strict=True)
    )
    mnist = realworld.run_mnist(browser, live_server + "/", 12, DEFAULT_MNIST_DIR)
    assert [item["answer"] for item in base["mnist"]["items"]] == [r["answer"] for r in mnist]
    assert base["mnist"]["correct"] == sum(r["answer"] == r["label"] for r in mnist)

    # The simulation that chose digits.personal's constants (benchmarks/personal_sim.py) plays
    # the same person: the same corrections, the same style answers before and after.
    simulated_path = tmp_path / "simulated.json"
    simulated = subprocess.run(
        [sys.executable, "-m", "benchmarks.personal_sim", *SIMULATED, "--json", simulated_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert simulated.returncode == 0, simulated.stderr[-3000:]
    [row] = json.loads(simulated_path.read_text())["rows"]
    assert row["wrong_before"] == base["style"]["n"] - base["style"]["correct"]
    assert row["wrong"] == k1["style"]["n"] - k1["style"]["correct"]
    assert row["given"] == {
        digit: {
            "corrected": [item["line"] for item in given["items"]],
            "filled": given["filled"],
        }
        for digit, given in k1["given"].items()
    }


@pytest.mark.parametrize(
    ("text", "seeds"), [("1-10", list(range(1, 11))), ("14", [14]), ("3,1-2,14", [1, 2, 3, 14])]
)
def test_simulation_seeds_are_ranges_or_lists(text: str, seeds: list[int]) -> None:
    assert personal_sim.parse_seeds(text) == seeds


@pytest.mark.parametrize(
    "text", ["SHAPE_WIDTH", "SHAPE_WIDTH=wide", "MAX_COMPARED_PER_DIGIT=8", "shape_width=0.3"]
)
def test_the_simulation_refuses_a_setting_it_cannot_try(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        personal_sim.parse_setting(text)


def test_the_simulation_s_settings_reach_the_derived_constants() -> None:
    """--set SHAPE_WIDTH also moves the cutoff made from it; the next run is unaffected."""
    script = (
        "from benchmarks import personal_sim; from digits import personal; "
        "personal_sim.configure([('SHAPE_WIDTH', 0.5), ('SHAPE_BLOCK', 2.0)]); "
        "print(personal.SHAPE_CUTOFF / personal.SHAPE_WIDTH, len(personal._SHAPE_MATRIX))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    ratio, side = done.stdout.split()
    assert float(ratio) == pytest.approx(math.sqrt(-math.log(digits_personal.NEGLIGIBLE_WEIGHT)))
    assert int(side) == 14
    assert digits_personal.SHAPE_WIDTH == 0.25 and len(digits_personal._SHAPE_MATRIX) == 7
