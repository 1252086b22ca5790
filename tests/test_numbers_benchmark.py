"""The numbers benchmark (benchmarks/numbers.py, benchmarks/numbers_data.py): its numbers are
made of the digits the model never trained on, reproducibly, spaced as they say (apart really
apart, touching really touching), its strokes lie on its ink; its counting follows the rules
it prints; the documented command runs end to end through the page with a few numbers; and
its browser-free replica (benchmarks/numbers_replica.py) reads those numbers as the page did."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from benchmarks import numbers, numbers_data, numbers_replica, web
from training import handwriting

ROOT = Path(__file__).resolve().parent.parent
# One page start on a busy 2-core machine (Pyodide cold), 4 numbers of each source and
# their digits alone.
SMOKE_TIMEOUT_S = 300
SMOKE = ["--numbers", "4"]


def ink(rgba: bytes, item: numbers_data.Item) -> np.ndarray:
    """Where an image of the item holds ink (black on transparency or on white)."""
    pixels = np.frombuffer(rgba, np.uint8).reshape(item.height, item.width, 4).astype(int)
    darkness = (255 - pixels[..., 0]) * pixels[..., 3] // 255
    return darkness > numbers_data.INK_LEVEL


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.nonzero(mask)
    return columns.min(), rows.min(), columns.max() + 1, rows.max() + 1


@pytest.fixture(scope="module", params=numbers_data.SOURCES)
def made(request: pytest.FixtureRequest) -> list[numbers_data.Item]:
    return numbers_data.items(15, request.param)


def test_numbers_are_reproducible_and_a_shorter_run_is_a_prefix(
    made: list[numbers_data.Item],
) -> None:
    source = made[0].source
    again = numbers_data.items(6, source)
    assert [(i.label, i.rows, i.rgba, i.strokes) for i in again] == [
        (i.label, i.rows, i.rgba, i.strokes) for i in made[:6]
    ]
    other = numbers_data.items(6, source, seed=numbers_data.DEFAULT_SEED + 1)
    assert [i.rows for i in other] != [i.rows for i in made[:6]]


def test_digits_are_real_never_trained_on_and_labelled_as_the_file_says(
    made: list[numbers_data.Item],
) -> None:
    source = made[0].source
    loaded = handwriting.load_pen() if source == "pen" else handwriting.load_scans()
    train = handwriting.split(len(loaded))["train"]
    for item in made:
        assert 2 <= len(item.label) <= 8 and len(item.rows) == len(item.label)
        assert all(row - 1 not in train for row in item.rows)
        assert item.label == "".join(str(loaded[row - 1].label) for row in item.rows)
    every = [row for item in made for row in item.rows]
    assert len(set(every)) == len(every)  # the pool is far from used up: no digit twice


def test_spacing_is_what_the_number_says(made: list[numbers_data.Item]) -> None:
    assert {item.spacing for item in made} == set(numbers_data.SPACINGS)
    for item in made:
        masks = [ink(single, item) for single in item.singles]
        assert len(masks) == len(item.label)
        for left, (first, second) in enumerate(pairwise(masks)):
            shared = int((first & second).sum())
            if item.spacing != "apart" and left == item.touching_pair:
                assert shared > 0, (item.index, item.spacing)  # the pair's ink meets
                if item.spacing == "overlapping":
                    wide = min(box(first)[2] - box(first)[0], box(second)[2] - box(second)[0])
                    assert box(first)[2] - box(second)[0] > 0.1 * wide
            else:
                assert box(first)[2] < box(second)[0], (item.index, left)  # clearly apart
        # Nothing else on it (where two pens' anti-aliased edges meet, a few pixels more).
        whole, union = ink(item.rgba, item), np.logical_or.reduce(masks)
        assert not (union & ~whole).any()
        assert (whole & ~union).sum() <= 0.01 * whole.sum()


def test_pen_strokes_are_in_canvas_pixels_on_the_ink() -> None:
    for item in numbers_data.items(6, "pen"):
        assert (item.width, item.height) == (numbers_data.PAD_WIDTH, numbers_data.PAD_HEIGHT)
        assert item.strokes is not None and len(item.strokes) == len(item.label)
        whole = ink(item.rgba, item)
        for stroke in item.strokes:
            points = numbers_data.flat_points(stroke)
            assert len(points) > handwriting.PEN_POINTS  # pointer events between the 8
            steps = [np.hypot(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in pairwise(points)]
            assert max(steps) <= numbers_data.POINTER_STEP_PX + 0.01
            for x, y in points:
                assert whole[int(y), int(x)]
        # Left to right, as written.
        lefts = [min(stroke[0::2]) for stroke in item.strokes]
        centres = [(min(s[0::2]) + max(s[0::2])) / 2 for s in item.strokes]
        assert centres == sorted(centres) or item.spacing == "overlapping", lefts


def record(label: str, answer: str, singles: str, spacing: str = "apart") -> dict:
    return {"label": label, "answer": answer, "singles": singles, "spacing": spacing, "ms": 10.0}


def test_scores_count_a_wrong_count_as_all_its_digits_wrong() -> None:
    records = [
        record("12", "12", "12"),  # right
        record("345", "385", "345"),  # one digit wrong, count right
        record("67", "667", "67"),  # too many: both digits wrong
        record("8901", "891", "8901"),  # too few: all four wrong
        record("23", numbers.NO_NUMBER, "23") | {"why": "scribble"},  # refused
    ]
    found = numbers.score(records)
    assert found["numbers"] == 5 and found["digits"] == 13
    assert found["number_accuracy"] == pytest.approx(1 / 5)
    assert found["digit_accuracy"] == pytest.approx(4 / 13)  # 2 + 2 of the count-right ones
    assert found["single_accuracy"] == pytest.approx(1.0)
    assert (found["too_many"], found["too_few"], found["refused"]) == (1, 1, 1)
    assert found["wrong_count"] == pytest.approx(3 / 5)
    assert found["refused_why"] == {"scribble": 1}


def test_targets_are_met_only_within_their_limits() -> None:
    base = record("12", "12", "12")
    scores = {
        "pen": numbers.breakdown(
            [base, base | {"spacing": "touching"}, record("34", "3", "34", "overlapping")]
        )
    }
    found = numbers.targets(scores)
    assert found["pen: wrong count, apart (%)"]["met"] is True
    assert found["pen: wrong count, touching (%)"]["met"] is True
    assert found["pen: wrong count, overlapping (%)"]["met"] is False
    gap = found["pen: digit accuracy vs single (points below)"]
    assert gap["value"] == pytest.approx(100 * 2 / 6) and gap["met"] is False


@pytest.mark.browser
def test_documented_command_runs_through_the_page(tmp_path: Path) -> None:
    report_path = tmp_path / "numbers.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.numbers", *SMOKE, "--json", str(report_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert list(report["scores"]) == list(numbers_data.SOURCES)
    for source in numbers_data.SOURCES:
        items = report["items"][source]
        assert [item["label"] for item in items] == [
            item.label for item in numbers_data.items(4, source)
        ]
        for item in items:  # every number got an answer, and every digit one alone
            assert item["status"] in ("ok", "rejected", "empty", "error")
            assert item["answer"] == numbers.NO_NUMBER or item["answer"].isdigit()
            assert len(item["singles"]) == len(item["label"])
        scored = report["scores"][source]["all"]
        assert scored["numbers"] == 4
        # The page reads real digits alone: most of these few are right.
        assert scored["single_accuracy"] >= 0.6
        assert f"\n{source}: 4 numbers" in done.stdout
    assert sum(name.endswith("(%)") for name in report["targets"]) == 6
    assert "target pen: digit accuracy vs single" in done.stdout

    # The replica reads the same numbers, and their digits alone, as the page did.
    replica_path = tmp_path / "replica.json"
    assert numbers_replica.main([*SMOKE, "--json", str(replica_path)]) == 0
    replicated = json.loads(replica_path.read_text())
    for source in numbers_data.SOURCES:
        fields = ("label", "answer", "singles", "status")
        assert [[item[f] for f in fields] for item in replicated["items"][source]] == [
            [item[f] for f in fields] for item in report["items"][source]
        ]


def test_the_replica_composes_numbers_to_tune_on_from_the_trained_digits() -> None:
    trained = numbers_data.pool("scans", numbers_replica.TRAIN_PARTS)
    never = numbers_data.pool("scans")
    assert trained and never
    assert not {row for row, _ in trained} & {row for row, _ in never}
    made = next(numbers_data.generate(1, "scans", parts=numbers_replica.TRAIN_PARTS))
    assert set(made.rows) <= {row for row, _ in trained}


def test_web_benchmark_prints_the_six_digit_figure_and_its_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    figures = {key: [1.0, 2.0, 3.0] for _, key, _ in web.NUMBER_ROWS}
    figures["number_stroke_to_result_ms"] = [20.0, 29.0, 31.0]
    web.print_number_rows(figures)
    printed = capsys.readouterr().out
    assert "number (6 digits): pen lift to result" in printed
    assert "median 29.0 ms (limit 30 ms): met" in printed
    figures["number_stroke_to_result_ms"] = [20.0, 31.0, 45.0]
    web.print_number_rows(figures)
    assert "median 31.0 ms (limit 30 ms): MISSED" in capsys.readouterr().out
