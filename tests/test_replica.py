"""The browser-free replica of the real rows (benchmarks.replica) counts what the page would.

Clean black-on-white scans take the page's plain path, which is the baseline page's
normalization exactly: the replica, running the page's Python for one and the baseline's
JavaScript for the other, must give both the same answers. On photographed scans the page's
photo path must do at least as well as plain normalization, as the browser benchmark says."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import replica

SCANS = 30
MIN_SCAN_ACCURACY = 0.9


def test_clean_scans_agree_with_the_baseline_and_photos_do_better(tmp_path: Path, capsys) -> None:
    out = tmp_path / "replica.json"
    status = replica.main(
        ["--sets", "scans,scans-photo", "--limit", str(SCANS), "--json", str(out)]
    )
    assert status == 0
    sets = json.loads(out.read_text())["sets"]
    assert {name: found["n"] for name, found in sets.items()} == dict.fromkeys(
        ("scans/ours", "scans/baseline", "scans-photo/ours", "scans-photo/baseline"), SCANS
    )
    assert sets["scans/ours"]["confusion"] == sets["scans/baseline"]["confusion"]
    assert sets["scans/ours"]["accuracy"] >= MIN_SCAN_ACCURACY
    assert sets["scans-photo/ours"]["accuracy"] >= sets["scans-photo/baseline"]["accuracy"]
    printed = capsys.readouterr().out
    assert "scans-photo/baseline" in printed and "not sure below" in printed
