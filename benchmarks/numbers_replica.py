"""benchmarks.numbers without a browser: the same numbers through the page's own Python and
the same model in TF.js, in seconds instead of minutes, to try a change to the segmentation
(or another model) before the browser run.

    .venv/bin/python -m benchmarks.numbers_replica [--numbers N] [--sources pen,scans]
        [--seed S] [--train-part] [--model DIR] [--json PATH]

Each number is the benchmark's own (benchmarks/numbers_data.py: the same pixels, and for pen
the same strokes in canvas pixels), read by ``digits.recognizer.recognize_number`` as the
page's worker calls it, and each of its digits alone by ``digits.recognizer.recognize``; the
model runs in TF.js 4.22 on the wasm backend under Node (benchmarks/js/serve_model.mjs, one
batched call per number, as in the page). Scored and printed as benchmarks.numbers scores
them, without times (the worker's clock is the page's). On the shipped model it gives the
browser run's figures exactly (see README.md, "Benchmark: numbers").

``--train-part`` composes the numbers from the digits the model trained on (the UCI files'
train parts) instead of the benchmark's never-trained ones: the set to tune segmentation on,
so that the benchmark's own numbers stay a test.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import time
from array import array
from pathlib import Path
from typing import Any

from digits import recognizer
from digits.facts import LABELS

from benchmarks import numbers, numbers_data
from benchmarks.realworld import git_state, positive

ROOT = Path(__file__).resolve().parent.parent
SERVE_SCRIPT = ROOT / "benchmarks" / "js" / "serve_model.mjs"
DEFAULT_MODEL = ROOT / "site" / "model"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "numbers_replica.json"
TRAIN_PARTS = ("train",)

Record = dict[str, Any]


class NodeModel:
    """The exported model in a Node process, called as the page's Python calls the worker's
    model: ``batch(values, count)`` for a number's digits in one call."""

    def __init__(self, model_dir: Path) -> None:
        self.process = subprocess.Popen(
            ["node", str(SERVE_SCRIPT), str(model_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        if self.process.stdout.readline() != b"ready\n":
            raise RuntimeError(f"{SERVE_SCRIPT.name} did not start on {model_dir}")

    def batch(self, values: array, count: int) -> array:
        self.process.stdin.write(struct.pack("<I", count) + values.tobytes())
        self.process.stdin.flush()
        size = count * len(LABELS) * 4
        data = self.process.stdout.read(size)
        if len(data) != size:
            raise RuntimeError(f"{SERVE_SCRIPT.name} stopped answering")
        return array("f", data)

    def __call__(self, values: array) -> array:
        return self.batch(values, 1)

    def close(self) -> None:
        """End the process and close both its pipes."""
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()


def recognize_item(model: NodeModel, item: numbers_data.Item) -> Record:
    """What the page shows for the number, and for each of its digits alone (read as
    benchmarks.numbers reads the worker's replies; no times: the worker's clock is the page's)."""
    result = recognizer.recognize_number(item.rgba, item.width, item.height, item.strokes, model)
    found = {**numbers.read_number({"ok": True, "result": result}), "ms": None}
    size = (item.width, item.height)
    alone = [recognizer.recognize(single, *size, model) for single in item.singles]
    singles = [numbers.read_digit({"ok": True, "result": result}) for result in alone]
    return {**item.meta(), **found, "singles": "".join(singles)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=positive, default=numbers.NUMBERS)
    parser.add_argument(
        "--sources",
        type=numbers.parse_sources,
        default=list(numbers_data.SOURCES),
        help=",".join(numbers_data.SOURCES),
    )
    parser.add_argument("--seed", type=int, default=numbers_data.DEFAULT_SEED)
    parser.add_argument(
        "--train-part",
        action="store_true",
        help="compose the numbers from the trained-on digits (to tune on), not the benchmark's",
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="exported model")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="the report's path")
    args = parser.parse_args(argv)
    parts = TRAIN_PARTS if args.train_part else numbers_data.PARTS

    started = time.perf_counter()
    records: dict[str, list[Record]] = {}
    data: dict[str, Record] = {}
    model = NodeModel(args.model)
    try:
        for source in args.sources:
            items = numbers_data.generate(args.numbers, source, args.seed, parts)
            records[source] = [recognize_item(model, item) for item in items]
            rows = {row for record in records[source] for row in record["rows"]}
            data[source] = {
                "numbers": len(records[source]),
                "digits": sum(len(r["label"]) for r in records[source]),
                "distinct_digits": len(rows),
                "pool": len(numbers_data.pool(source, parts)),
                "parts": list(parts),
            }
    except numbers_data.DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        model.close()
    scores = {source: numbers.breakdown(found) for source, found in records.items()}
    report = {
        "command": " ".join(["python -m benchmarks.numbers_replica", *(argv or sys.argv[1:])]),
        "git": git_state(),
        "seconds": time.perf_counter() - started,
        "seed": args.seed,
        "model": str(args.model),
        "data": data,
        "scores": scores,
        "targets": numbers.targets(scores),
        "items": records,
    }
    print(
        f"replica: the page's Python under CPython {sys.version.split()[0]}, the model in TF.js "
        f"(wasm) under Node; {args.model}; parts {', '.join(parts)}; seed {args.seed}; "
        f"{report['seconds']:.0f} s"
    )
    numbers.print_scores(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1) + "\n")
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
