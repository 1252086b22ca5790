"""The real rows of benchmarks.realworld in minutes, without a browser: same items, same
Python, same model, same TF.js.

    .venv/bin/python -m benchmarks.replica [--sets scans,scans-photo,scans-tight,pen,drawn,uploaded]
        [--model site/model] [--limit N] [--json PATH] [--compare BROWSER_JSON]

Why: the browser benchmark replays every digit through the page's UI (about an hour for the
three real sets and both pages on a 2-core machine); comparing two models, or checking a model
before it is exported into `site/`, needs the whole held-out sets quickly. This replica builds
exactly the benchmark's items (benchmarks.realworld's `scan_items` and `pen_items`), turns
each into the pixels the page's code receives (an uploaded PNG decoded to RGBA; a pen
trajectory drawn as the pad draws it, training/handwriting.py `draw_on_pad`), preprocesses
them with the page's own Python (`py/digits`, the same code the page's Pyodide runs, checked
equal by tests/test_pyodide_parity.py) and with the baseline page's own JavaScript
(site/baseline/preprocess.js), and classifies both with the exported model in TF.js 4.22 on
the wasm backend under Node (benchmarks/js/classify.mjs). "Not sure" is the page's rule: the
top probability below the manifest's `uncertain_below`.

The generated rows are here too (`drawn`: the committed trajectories, drawn as the pad draws
them; `uploaded`: the committed photos and scans, decoded, turned upright by their EXIF
orientation and brought within images.js's 640 px as the page does), so a model can be compared
on every row of the benchmark but MNIST (whose test accuracy `export.tfjs` measures on the
exported model).

What differs from the page: the image decoder (Pillow, not Chromium's: the same pixels for PNG,
a level or two apart for JPEG), the resampling of images over 640 px, and the pad's
anti-aliasing (Pillow's supersampled strokes, not Chromium's canvas), so a few answers near a
decision boundary may differ; the figures that the issue's
targets are judged on come from the browser benchmark, and this replica says how far it agrees
with a browser run when given its JSON (`--compare benchmarks/results/realworld.json`).
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

from PIL import Image, ImageOps

from benchmarks import realworld_data
from benchmarks.realworld import (
    CLASSES,
    NO_ANSWER,
    REAL_SETS,
    SCAN_SETS,
    Record,
    parse_names,
    pen_items,
    print_table,
    scan_items,
    summarize,
)
from harness.server import ensure_web_runtime
from training import handwriting

ROOT = Path(__file__).resolve().parent.parent
CLASSIFY_SCRIPT = ROOT / "benchmarks" / "js" / "classify.mjs"
DEFAULT_MODEL_DIR = ROOT / "site" / "model"
GENERATED_SETS = ("drawn", "uploaded")
RECOGNITION_MAX_SIDE = 640  # site/js/images.js: a larger image is scaled down to this
# Records per Node run: a pen record is the pad's 280x280 RGBA (313 KB), so a batch is ~80 MB.
BATCH = 250
FLOAT32 = 4


def item_pixels(item: Record) -> Image.Image:
    """The RGBA image the page's code would receive for this benchmark item."""
    if "strokes" in item:
        return handwriting.draw_on_pad(item["strokes"])
    if "payload" in item:
        image = Image.open(io.BytesIO(item["payload"]["buffer"]))
    else:
        image = Image.open(realworld_data.UPLOADS_DIR / item["file"])
    image = ImageOps.exif_transpose(image).convert("RGBA")
    scale = min(1.0, RECOGNITION_MAX_SIDE / max(image.size))
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BILINEAR)
    return image


def set_items(name: str, limit: int | None) -> list[Record]:
    """The benchmark's items of one set, as benchmarks.realworld builds them."""
    if name == "pen":
        return pen_items(limit)
    if name in SCAN_SETS:
        return scan_items(limit, name)
    source = realworld_data.DRAWN_FILE if name == "drawn" else realworld_data.LABELS_FILE
    return json.loads(source.read_text())["items"][:limit]


def record_bytes(image: Image.Image) -> bytes:
    """One record of classify.mjs's input: size, the page's model input (if any), RGBA."""
    from digits import preprocess  # the page's own Python (py/digits)

    rgba = image.tobytes()
    try:
        page_input = preprocess.to_model_input(rgba, *image.size)
    except preprocess.NothingToRecognize:
        page_input = None
    header = struct.pack("<IIB", *image.size, page_input is not None)
    return header + (array("f", page_input).tobytes() if page_input else b"") + rgba


def classify(model_dir: Path, images: list[Image.Image]) -> list[tuple[list[float], list[float]]]:
    """(page probabilities, baseline probabilities) per image; NaNs where nothing was found."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        records_path, output_path = Path(folder) / "records", Path(folder) / "output"
        for first in range(0, len(images), BATCH):
            batch = images[first : first + BATCH]
            records_path.write_bytes(b"".join(record_bytes(image) for image in batch))
            command = ["node", str(CLASSIFY_SCRIPT), str(model_dir), str(records_path)]
            subprocess.run([*command, str(output_path)], check=True)
            values = array("f", output_path.read_bytes())
            width = len(CLASSES)
            for index in range(len(batch)):
                row = values[2 * width * index : 2 * width * (index + 1)].tolist()
                results.append((row[:width], row[width:]))
    return results


def as_record(item: Record, probabilities: list[float], uncertain_below: float) -> Record:
    """The benchmark's record for what the page would show."""
    record: Record = {"label": item["label"]}
    if any(value != value for value in probabilities):  # NaN: nothing to recognize
        return {**record, "answer": NO_ANSWER}
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    probability = probabilities[best]
    return {
        **record,
        "answer": CLASSES[best],
        "probability": probability,
        "uncertain": probability < uncertain_below,
    }


def agreement(records: dict[str, list[Record]], browser_json: Path) -> dict[str, str]:
    """How many answers equal a browser run's, per set and page, on the items both ran."""
    browser_sets = json.loads(browser_json.read_text())["sets"]
    found = {}
    for key, ours in records.items():
        theirs = browser_sets.get(key, {}).get("items", [])
        pairs = list(zip(ours, theirs, strict=False))
        same = sum(a["answer"] == b["answer"] for a, b in pairs)
        found[key] = f"{same}/{len(pairs)}"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sets = (*REAL_SETS, *GENERATED_SETS)
    parser.add_argument("--sets", type=parse_names(sets), default=list(sets), help=",".join(sets))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, help="exported model")
    parser.add_argument("--limit", type=int, help="first N items of each set")
    parser.add_argument("--compare", type=Path, help="a benchmarks.realworld JSON to agree with")
    parser.add_argument("--json", type=Path, help="write the summaries here")
    args = parser.parse_args(argv)

    ensure_web_runtime()  # TF.js's packages and wasm files, as the page has them
    manifest = json.loads((args.model / "manifest.json").read_text())
    uncertain_below = manifest["uncertain_below"]
    started = time.perf_counter()
    records: dict[str, list[Record]] = {}
    for name in args.sets:
        try:
            items = set_items(name, args.limit)
        except handwriting.HandwritingError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        answers = classify(args.model, [item_pixels(item) for item in items])
        records[f"{name}/ours"] = [
            as_record(item, page, uncertain_below)
            for item, (page, _) in zip(items, answers, strict=True)
        ]
        records[f"{name}/baseline"] = [
            as_record(item, base, uncertain_below)
            for item, (_, base) in zip(items, answers, strict=True)
        ]
        print(f"{name}: {len(items)} items", file=sys.stderr)
    summaries = {key: summarize(found) for key, found in records.items()}
    print(
        f"replica (py/digits + TF.js wasm under Node), model {manifest['version']} "
        f"({args.model}), not sure below {uncertain_below}; {time.perf_counter() - started:.0f} s"
    )
    print_table(summaries)
    if args.compare:
        print("same answer as the browser run:", agreement(records, args.compare))
    if args.json:
        args.json.write_text(json.dumps({"model": manifest["version"], "sets": summaries}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
