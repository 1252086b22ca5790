"""digits.facts is the one source of what the page's Python, the training, the export and the
page's JavaScript share: site/js/facts.js is what `python -m export.facts` writes from it now,
JavaScript reads the same values from it, the shipped manifest's labels are the same, and the
photo path's luma weights (derived in 1/256ths) stay within one level of the per mille ones."""

from __future__ import annotations

import json
import shutil
import subprocess
from itertools import product
from pathlib import Path

from digits import facts, photo

from export import facts as export_facts

ROOT = Path(__file__).resolve().parent.parent


def test_facts_js_is_what_the_generator_writes_now() -> None:
    assert export_facts.FACTS_JS.read_text() == export_facts.facts_js(), (
        "site/js/facts.js is not current: run `python -m export.facts` and commit it"
    )


def test_javascript_reads_the_python_values() -> None:
    node = shutil.which("node")
    assert node, "Node.js is required (scripts/setup.sh says so too)"
    script = (
        f"import({json.dumps(export_facts.FACTS_JS.as_uri())})"
        ".then((m) => console.log(JSON.stringify(m)));"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    expected = {name: getattr(facts, name) for name in export_facts.EXPORTED}
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_the_shipped_manifest_labels_are_the_facts() -> None:
    manifest = json.loads((ROOT / "site" / "model" / "manifest.json").read_text())
    assert manifest["labels"] == list(facts.LABELS)


def test_photo_luminance_is_the_per_mille_luma_to_within_one_level() -> None:
    """The photo path's shift-based luma (facts.LUMA_256THS, rounded from the per mille
    weights) is the canvas's Rec. 601 luma, to within one level, for every colour."""
    assert sum(facts.LUMA_256THS) == 256  # its 16-bit lanes rely on it
    levels = [*range(0, 256, 15), 255]
    colours = list(product(levels, repeat=3))
    rgba = b"".join(bytes((red, green, blue, 255)) for red, green, blue in colours)
    red_weight, green_weight, blue_weight = facts.LUMA_PER_MILLE
    for (red, green, blue), luma in zip(colours, photo.luminance(rgba, len(colours)), strict=True):
        exact = (red_weight * red + green_weight * green + blue_weight * blue) / facts.LUMA_SCALE
        assert abs(luma - exact) <= 1, (red, green, blue)
