"""Photo preprocessing in CPython: how long ``to_model_input`` takes on the uploaded photos,
in all and per step of ``digits.photo``.

    .venv/bin/python -m benchmarks.photo_python [--photos 10] [--runs 15] [--cpu] [--profile]

The photos are the real-world benchmark's uploads (``benchmarks/data/uploads``), the first
``--photos`` of them (0: all), as ``benchmarks.web`` uploads them to the page. The page
(site/js/images.js) decodes an upload with its longer side at most 640 px, never upscaled,
and hands Python the canvas's RGBA; here Pillow decodes the file and, for a larger image,
resizes it the same way (Lanczos: close to Chrome's "high" quality, not byte-equal). Every
upload in the set is at most 640 px, so in practice the only difference from the page is the
JPEG decoder's rounding (libjpeg-turbo in both). Pyodide's wasm runs this Python about 1.5-3x
slower than CPython; ``benchmarks.web`` measures it in the page.

Printed: the median over ``--runs`` of each photo's time, then the median and mean of those
over the photos; per step, the mean per photo of each step's own time (its callees' time
excluded), from a separate pass with timing wrappers (so the totals there are a little
higher); with ``--profile``, cProfile's top functions over one pass. Another version of
``digits`` put first on the path (``PYTHONPATH=DIR``) is timed the same way (the steps it
does not have are left out). Times are wall-clock,
or with ``--cpu`` the process's CPU time: on a machine shared with other work, wall-clock
times include the time other processes hold the CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import json
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from digits import photo, preprocess
from PIL import Image

UPLOADS_DIR = Path(__file__).resolve().parent / "data" / "uploads"
# images.js: the recognizer gets the image with its longer side at most this.
RECOGNITION_MAX_SIDE = 640

Photo = tuple[str, bytes, int, int]
# The clock every time is read by (--cpu: time.process_time).
clock = time.perf_counter

# The steps timed, by the module attribute the photo path calls them through: the package's
# own names (``ink`` and ``ink_map`` call them as globals of ``digits.photo``) and
# ``preprocess``'s helpers.
PHOTO_STEPS = (
    "luminance",
    "luminance_planes",
    "filled_luminance",
    "analysis_plane",
    "clean_ink",
    "ink_map",
    "cell_percentiles",
    "ink_kinds",
    "without_ink_cells",
    "per_block",
    "map_blocks",
    "paper_edges",
    "tight_crop",
    "without_table",
    "without_surroundings",
    "strokes",
    "flattened",
    "clear",
    "strong_sizes",
    "digit_pieces",
    "looks_like_writing",
    "with_fringes",
    "bounding_box",
    "crop",
)
PREPROCESS_STEPS = ("_find_ink", "_inner_box", "_fit", "_placement")


def page_rgba(image: Image.Image) -> tuple[bytes, int, int]:
    """The RGBA the page hands Python for this decoded image (see the module's docstring)."""
    scale = min(1.0, RECOGNITION_MAX_SIDE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    rgba = image.convert("RGBA")
    if size != rgba.size:
        rgba = rgba.resize(size, Image.Resampling.LANCZOS)
    return rgba.tobytes(), rgba.width, rgba.height


def load_photos(count: int) -> list[Photo]:
    """The first `count` uploads (all for 0), as (file name, RGBA, width, height)."""
    items = json.loads((UPLOADS_DIR / "labels.json").read_text())["items"]
    photos = []
    for item in items[:count] if count else items:
        data = (UPLOADS_DIR / item["file"]).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            photos.append((item["file"], *page_rgba(image)))
    return photos


def run_once(rgba: bytes, width: int, height: int) -> None:
    """One preprocessing of a photo, as the page's worker calls it."""
    with contextlib.suppress(preprocess.NothingToRecognize):
        preprocess.to_model_input(rgba, width, height)


def totals(photos: list[Photo], runs: int) -> list[float]:
    """Per photo, the median over `runs` of its preprocessing time (ms)."""
    medians = []
    for _, rgba, width, height in photos:
        times = []
        for _ in range(runs):
            start = clock()
            run_once(rgba, width, height)
            times.append((clock() - start) * 1000)
        medians.append(statistics.median(times))
    return medians


class StepTimer:
    """Wraps the photo path's steps to add up each one's own time (callees excluded)."""

    def __init__(self) -> None:
        self.own: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._children = [0.0]  # time spent in wrapped callees, per open call
        self._originals: list[tuple[Any, str, Callable]] = []

    def _wrap(self, name: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._children.append(0.0)
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = clock() - start
                children = self._children.pop()
                self.own[name] += elapsed - children
                self.calls[name] += 1
                self._children[-1] += elapsed

        return timed

    def __enter__(self) -> StepTimer:
        for module, names in ((photo, PHOTO_STEPS), (preprocess, PREPROCESS_STEPS)):
            for name in names:
                original = getattr(module, name, None)
                if original is None:  # another version of the code, without this step
                    continue
                self._originals.append((module, name, original))
                setattr(module, name, self._wrap(name, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for module, name, original in reversed(self._originals):
            setattr(module, name, original)


def steps(photos: list[Photo], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Per step, the median over `runs` of its own time summed over the photos, divided by
    their number (ms per photo); and its calls per photo."""
    per_run: dict[str, list[float]] = defaultdict(list)
    calls: dict[str, float] = {}
    for _ in range(runs):
        with StepTimer() as timer:
            start = clock()
            for _, rgba, width, height in photos:
                run_once(rgba, width, height)
            total = clock() - start
        timer.own["(rest of to_model_input)"] = total - sum(timer.own.values())
        for name, seconds in timer.own.items():
            per_run[name].append(seconds * 1000 / len(photos))
        calls = {name: count / len(photos) for name, count in timer.calls.items()}
    return {name: statistics.median(values) for name, values in per_run.items()}, calls


def profile(photos: list[Photo], top: int) -> None:
    """cProfile over one pass of all photos: the functions with most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _, rgba, width, height in photos:
        run_once(rgba, width, height)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=10, help="first N uploads (0: all)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per photo")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's top")
    parser.add_argument("--top", type=int, default=25, help="functions cProfile shows")
    parser.add_argument("--cpu", action="store_true", help="CPU time, not wall-clock")
    parser.add_argument("--each", action="store_true", help="print every photo's median")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.cpu else time.perf_counter

    photos = load_photos(args.photos)
    run_once(*photos[0][1:])  # warm the caches (lookup tables) as the page's first photo did
    medians = totals(photos, args.runs)
    if args.each:
        for (name, _, width, height), ms in zip(photos, medians, strict=True):
            print(f"{name:20} {width:4}x{height:<4} {ms:7.2f} ms")
    print(
        f"{len(photos)} photos x {args.runs} runs, CPython {sys.version.split()[0]}, "
        f"{'CPU' if args.cpu else 'wall-clock'} time: "
        f"median {statistics.median(medians):.2f} ms, mean {statistics.mean(medians):.2f} ms, "
        f"max {max(medians):.2f} ms per photo"
    )
    own, calls = steps(photos, max(3, args.runs // 3))
    print("\nper step, own time (ms per photo, mean over the photos) and calls per photo:")
    for name, ms in sorted(own.items(), key=lambda item: -item[1]):
        print(f"  {name:26} {ms:7.2f}  {calls.get(name, 0):5.1f}")
    print(f"  {'(sum, with wrappers)':26} {sum(own.values()):7.2f}")
    if args.profile:
        profile(photos, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
