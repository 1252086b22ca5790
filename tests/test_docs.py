"""What the documentation points at exists, and its pictures show the model that ships.

A reader follows the README's links and the paths that docstrings and comments name; each one
that leads nowhere costs them time. Paths of things the commands generate (the vendored
runtime, training artifacts, benchmark results) are git-ignored and count as present.
The screenshots carry, in a PNG text chunk written by `scripts/screenshots.py`, the version
of the model they were taken with: when the exported model changes, this test says which
screenshots to retake.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from harness.pictures import model_version_of

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MANIFEST = ROOT / "site" / "model" / "manifest.json"
TOP_FOLDERS = ("app.py", "benchmarks", "docs", "export", "harness", "py", "scripts", "site")
TOP_FOLDERS += ("tests", "training")
# A repository path as prose names it: a top folder, then path characters, ending in a name.
PATH_PATTERN = re.compile(
    r"(?<![\w./-])((?:" + "|".join(re.escape(top) for top in TOP_FOLDERS) + r")(?:/[\w.*-]+)*/?)"
)
MARKDOWN_LINK = re.compile(r"\]\((?!https?:|#|mailto:)([^)#\s]+)")
QUOTED = re.compile(r"\"[^\"]*\"")
SOURCE_SUFFIXES = {".py", ".js", ".sh", ".toml", ".md", ".html", ".css"}


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def is_ignored(relative: str) -> bool:
    """Generated output (git-ignored), which a fresh checkout lacks until a command makes it."""
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", relative], cwd=ROOT)
    return result.returncode == 0


def exists(relative: str) -> bool:
    relative = relative.rstrip(".")  # the end of a sentence
    if (ROOT / relative).exists():
        return True
    if relative.endswith("/"):  # a folder: git ignores it by what would be inside
        relative = relative + "x"
    if "*" in relative:
        return any(ROOT.glob(relative)) or is_ignored(relative.replace("**/", "").replace("*", "x"))
    return is_ignored(relative)


def test_every_link_in_the_readme_leads_to_a_file() -> None:
    links = MARKDOWN_LINK.findall(README.read_text(encoding="utf-8"))
    assert links, "the README links to its screenshots at least"
    missing = sorted({link for link in links if not (ROOT / link).exists()})
    assert not missing, f"README.md links to files that are not in the repository: {missing}"


def test_paths_named_in_docs_and_code_exist() -> None:
    missing = []
    for path in tracked_files():
        if path.suffix not in SOURCE_SUFFIXES or "vendor" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for line_number, line in enumerate(text.splitlines(), start=1):
            if "://" in line:  # URLs name paths on other sites
                continue
            if path.parts[len(ROOT.parts)] == "tests" and path.suffix == ".py":
                line = QUOTED.sub('""', line)  # a test's own data, such as a bad --out
            for named in PATH_PATTERN.findall(line):
                is_path = "/" in named.rstrip("/") or named == "app.py"
                if is_path and not exists(named):
                    where = f"{path.relative_to(ROOT)}:{line_number}"
                    missing.append(f"{where} names {named}")
            for document in re.findall(r"\b([A-Z][A-Z_]+\.md)\b", line):
                if not (ROOT / document).exists() and not (path.parent / document).exists():
                    missing.append(f"{path.relative_to(ROOT)}:{line_number} names {document}")
    assert not missing, "paths that lead nowhere:\n" + "\n".join(missing)


def screenshots() -> list[Path]:
    names = MARKDOWN_LINK.findall(README.read_text(encoding="utf-8"))
    return [ROOT / name for name in names if name.endswith(".png")]


@pytest.mark.parametrize("screenshot", screenshots(), ids=lambda path: path.name)
def test_screenshots_show_the_shipped_model(screenshot: Path) -> None:
    shipped = json.loads(MANIFEST.read_text())["version"]
    taken_with = model_version_of(screenshot)
    assert taken_with == shipped, (
        f"{screenshot.name} shows model {taken_with}, the site ships {shipped}: "
        "retake the screenshots with `.venv/bin/python scripts/screenshots.py`"
    )
