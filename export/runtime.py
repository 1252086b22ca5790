"""Prepare the web runtime: Pyodide, TF.js and the page's Python into `site/vendor/`.

    python -m export.runtime

Versions are pinned in `export/web/package.json` and locked in `export/web/package-lock.json`;
`npm ci` installs exactly those. Then:

- Pyodide's core runtime files are copied to `site/vendor/pyodide/`;
- the page's Python (`py/digits`, declared by `py/pyproject.toml`) is built into a pure-Python
  wheel beside them (with checked bytecode beside each module, compiled by Pyodide's own
  Python under Node: `export/web/compile-wheel.mjs`), and listed in a lock file of its own
  (`pyodide-lock.json`: Pyodide's `info` block and the wheel's entry, made by the
  `pyodide-lock` tool, a few hundred bytes instead of Pyodide's 119 KB list of packages the
  page never loads): the page's worker loads it by name, and Pyodide checks its SHA-256;
- Pyodide's standard library (`python_stdlib.zip`) is trimmed to the modules the page's
  Python and Pyodide's own start-up can import (`export.stdlib`), about half of it, and the
  modules a start imports are compiled to bytecode by Pyodide's own Python under Node
  (`export/web/compile-stdlib.mjs`): compiling them from source was most of a cold start.
  The modules a start does not import go apart, as source, into `python_stdlib_rest.zip`,
  which the page downloads only if one of them is ever imported (`py/digits/library.py`);
- the TF.js parts the page uses (`export/web/tf-entry.mjs`: core, converter, wasm and cpu
  backends) are bundled by esbuild into one ES module, `site/vendor/tfjs/tf.mjs`, beside the
  wasm backend's `.wasm` files.

The wheel is built by pip with the flit_core backend from this environment (no build
isolation, so nothing is downloaded), and with a fixed SOURCE_DATE_EPOCH, so its bytes depend
on its sources alone. `pyodide build` is not used: it needs a cross-build environment that
is downloaded from outside the package registries, even for a pure-Python wheel.

`site/vendor/` is generated and not committed. Nothing here runs at page load: the site
serves these files itself, never from a CDN. `is_prepared()` is false as soon as the npm lock
or any file under `py/` changes; `prepare()` then rebuilds what is stale (only the wheel and
the lock file, and the trimmed standard library, when only `py/` changed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from digits import library

from export import stdlib

ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "export" / "web"
NODE_MODULES = WEB_DIR / "node_modules"
DEFAULT_VENDOR_DIR = ROOT / "site" / "vendor"
PY_DIR = ROOT / "py"  # the page's Python: py/pyproject.toml and the package py/digits
# The page's Python package: its distribution name in py/pyproject.toml, which the page's
# worker (site/js/worker.js) loads by.
PAGE_PACKAGE = "digits"
LOCK_NAME = "pyodide-lock.json"
STDLIB_NAME = "python_stdlib.zip"
STDLIB_REST_NAME = library.REST_NAME
# Compile the page's modules and the library's modules a start imports to bytecode, in
# Pyodide's own Python (under Node).
COMPILE_WHEEL = WEB_DIR / "compile-wheel.mjs"
COMPILE_STDLIB = WEB_DIR / "compile-stdlib.mjs"
# 1980-01-01, the earliest time a zip file holds: every build of the same sources is the same
# wheel, byte for byte (and so has the same SHA-256, which keys the page's Python snapshot).
SOURCE_DATE_EPOCH = "315532800"
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
)
TFJS_WASM_FILES = (
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
)


def run(command: list[str], cwd: Path = WEB_DIR, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(command))
    try:
        subprocess.run(command, cwd=cwd, env=env, check=True)
    except FileNotFoundError as error:
        raise SystemExit(f"error: {command[0]} not found; install Node.js and npm") from error
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"error: {' '.join(command)} failed with {error.returncode}") from error


def lock_fingerprint() -> str:
    """Changes when the locked packages or the bundle's entry point do."""
    digest = hashlib.sha256((WEB_DIR / "package-lock.json").read_bytes())
    digest.update((WEB_DIR / "tf-entry.mjs").read_bytes())
    return digest.hexdigest()


def installed_version(package: str) -> str:
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def python_sources(py_dir: Path = PY_DIR) -> list[Path]:
    """The files the page's wheel is built from: everything under `py_dir` but caches and
    dotfiles (an editor's lock file)."""
    return sorted(
        path
        for path in py_dir.rglob("*")
        if path.is_file()
        and not any(
            part.startswith(".") or part == "__pycache__" for part in path.relative_to(py_dir).parts
        )
        and path.suffix != ".pyc"
    )


def export_fingerprint() -> str:
    """Changes when the code that writes the page's Python (its wheel, lock file and trimmed
    standard library) does: a runtime written by other code is written again."""
    digest = hashlib.sha256()
    for module in (Path(__file__), Path(stdlib.__file__), COMPILE_WHEEL, COMPILE_STDLIB):
        digest.update(hashlib.sha256(module.read_bytes()).digest())
    return digest.hexdigest()


def python_fingerprint(py_dir: Path = PY_DIR) -> str:
    """Changes when any file the page's wheel is built from does (added, removed, edited)."""
    digest = hashlib.sha256()
    for path in python_sources(py_dir):
        digest.update(path.relative_to(py_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_wheel(out_dir: Path, py_dir: Path = PY_DIR) -> Path:
    """Build the page's Python into a wheel in `out_dir` (pip, with the flit_core backend
    installed here: nothing is downloaded) and return its path."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(out_dir),
            str(py_dir),
        ],
        cwd=py_dir,
        env=env,
    )
    wheels = list(out_dir.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"error: building {py_dir} gave {len(wheels)} wheels, not one")
    return wheels[0]


def lock_with_wheel(lock: dict, wheel: Path, pyodide_version: str) -> dict:
    """The page's lock file: `lock`'s (a pyodide-lock.json's content) `info` block, which
    Pyodide checks against its runtime, and `wheel`'s entry, made by the pyodide-lock tool.
    The page loads no other package, so the lock lists none.

    pyodide-lock 0.1.2, the last release for Python 3.11, predates this lock format: its
    schema needs `info.version` (which the lock no longer holds) and refuses the `tool` fields.
    So the tool reads the lock without those, adds the wheel (its checks: the wheel's tags
    suit this Python, its dependencies are in the lock; its entry: name, version, import
    names, SHA-256), and only that entry is kept. A wheel that depends on a package of
    Pyodide's is refused: the page's lock would not list it.
    """
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    readable = PyodideLockSpec(
        info={**lock["info"], "version": pyodide_version},
        packages={
            name: {key: value for key, value in package.items() if key != "tool"}
            for name, package in lock["packages"].items()
        },
    )
    added = add_wheels_to_spec(readable, [wheel], base_path=wheel.parent)
    added.check_wheel_filenames()
    entries = {
        name: package.model_dump()
        for name, package in added.packages.items()
        if name not in lock["packages"]
    }
    if list(entries) != [PAGE_PACKAGE]:
        added_names = sorted(entries)
        raise SystemExit(f"error: {wheel.name} added {added_names} to the lock, not {PAGE_PACKAGE}")
    if entries[PAGE_PACKAGE]["depends"]:
        depends = entries[PAGE_PACKAGE]["depends"]
        raise SystemExit(f"error: {wheel.name} depends on {depends}: the page loads no package")
    return {"info": lock["info"], "packages": entries}


def write_page_python(pyodide_dir: Path, py_dir: Path = PY_DIR) -> Path:
    """Build the page's wheel from `py_dir` into `pyodide_dir` (its modules compiled beside
    their sources), write the lock file that lists it and the standard library trimmed to
    what it and Pyodide import there, the modules a start imports compiled and the rest in a
    zip of their own (replacing any earlier wheel); return the wheel's path."""
    lock = json.loads((NODE_MODULES / "pyodide" / LOCK_NAME).read_text())
    runtime = str(NODE_MODULES / "pyodide")
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "page"  # what the page is served: wheel, lock, library
        page.mkdir()
        trimmed = page / STDLIB_NAME
        stdlib.trimmed_stdlib(
            NODE_MODULES / "pyodide" / STDLIB_NAME, trimmed, stdlib.page_imports(py_dir)
        )
        source_wheel = build_wheel(Path(scratch), py_dir)
        built = page / source_wheel.name
        run(["node", str(COMPILE_WHEEL), runtime, str(trimmed), str(source_wheel), str(built)])
        text = json.dumps(lock_with_wheel(lock, built, installed_version("pyodide")))
        (page / LOCK_NAME).write_text(text)
        compiled = Path(scratch) / STDLIB_NAME
        rest = Path(scratch) / STDLIB_REST_NAME
        run(["node", str(COMPILE_STDLIB), runtime, str(page), str(compiled), str(rest)])
        wheel = pyodide_dir / built.name
        # Each file swapped in whole (a dot-name is never served meanwhile), the wheel first:
        # the lock never names a wheel that is not there yet.
        for target, data in (
            (pyodide_dir / STDLIB_REST_NAME, rest.read_bytes()),
            (pyodide_dir / STDLIB_NAME, compiled.read_bytes()),
            (wheel, built.read_bytes()),
            (pyodide_dir / LOCK_NAME, text.encode()),
        ):
            partial = target.with_name(f".{target.name}.new")
            partial.write_bytes(data)
            os.replace(partial, target)
    for old in pyodide_dir.glob("*.whl"):
        if old != wheel:
            old.unlink()
    return wheel


def _versions(vendor_dir: Path) -> dict:
    path = vendor_dir / "versions.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_versions(vendor_dir: Path, versions: dict) -> None:
    (vendor_dir / "versions.json").write_text(json.dumps(versions, indent=2) + "\n")


def prepare(vendor_dir: Path, *, force: bool = False) -> None:
    """Rebuild `vendor_dir`: all of it (installing the locked npm packages first when the
    lock changed) when it was built from another npm lock, or `force`; else only the page's
    Python (its wheel and the lock file), in place: quick, and the rest is never missing."""
    stamp = NODE_MODULES / ".lock-fingerprint"
    fingerprint = lock_fingerprint()
    npm_current = stamp.is_file() and stamp.read_text() == fingerprint
    versions = _versions(vendor_dir)
    if not force and npm_current and versions.get("lock") == fingerprint[:16]:
        python = python_fingerprint()  # before the build: a change during it is seen next time
        wheel = write_page_python(vendor_dir / "pyodide")
        _write_versions(
            vendor_dir, {**versions, "python": python[:16], "export": export_fingerprint()[:16]}
        )
        print(
            f"wrote {wheel}: {wheel.stat().st_size} bytes, its {LOCK_NAME}, {STDLIB_NAME} "
            f"and {STDLIB_REST_NAME}"
        )
        return
    if force or not npm_current:
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])
        stamp.write_text(fingerprint)

    staging = vendor_dir.with_name(vendor_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "pyodide").mkdir(parents=True)
    (staging / "tfjs").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(NODE_MODULES / "pyodide" / name, staging / "pyodide" / name)
    wasm_dist = NODE_MODULES / "@tensorflow" / "tfjs-backend-wasm" / "dist"
    for name in TFJS_WASM_FILES:
        shutil.copy2(wasm_dist / name, staging / "tfjs" / name)
    python = python_fingerprint()  # before the build: a change during it is seen next time
    wheel = write_page_python(staging / "pyodide")
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    run(
        [
            str(esbuild),
            "tf-entry.mjs",
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--legal-comments=none",
            f"--outfile={staging / 'tfjs' / 'tf.mjs'}",
        ]
    )
    versions = {
        "pyodide": installed_version("pyodide"),
        "tfjs": installed_version("@tensorflow/tfjs-core"),
        "lock": fingerprint[:16],
        "python": python[:16],
        "export": export_fingerprint()[:16],
    }
    _write_versions(staging, versions)
    # Swap in whole, so a failed run never leaves a half-written vendor directory.
    shutil.rmtree(vendor_dir, ignore_errors=True)
    staging.rename(vendor_dir)
    total = sum(path.stat().st_size for path in vendor_dir.rglob("*") if path.is_file())
    print(
        f"wrote {vendor_dir}: Pyodide {versions['pyodide']}, "
        f"TF.js {versions['tfjs']}, the page's Python ({wheel.name}), {total} bytes"
    )


def is_prepared(vendor_dir: Path = DEFAULT_VENDOR_DIR, py_dir: Path = PY_DIR) -> bool:
    """Whether `vendor_dir` holds a runtime built from the current npm lock file, and a wheel
    built from the current files under `py_dir` by the current export code."""
    versions = _versions(vendor_dir)
    return (
        versions.get("lock") == lock_fingerprint()[:16]
        and versions.get("python") == python_fingerprint(py_dir)[:16]
        and versions.get("export") == export_fingerprint()[:16]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_VENDOR_DIR, help="vendor directory")
    parser.add_argument("--force", action="store_true", help="reinstall the npm packages")
    args = parser.parse_args(argv)
    prepare(args.out, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
