"""Prepare the web runtime: Pyodide and TF.js from the npm registry into `site/vendor/`.

    python -m export.runtime

Versions are pinned in `export/web/package.json` and locked in `export/web/package-lock.json`;
`npm ci` installs exactly those. Then:

- Pyodide's core runtime files are copied to `site/vendor/pyodide/`;
- the TF.js parts the page uses (`export/web/tf-entry.mjs`: core, converter, wasm and cpu
  backends) are bundled by esbuild into one ES module, `site/vendor/tfjs/tf.mjs`, beside the
  wasm backend's `.wasm` files.

`site/vendor/` is generated and not committed. Nothing here runs at page load: the site
serves these files itself, never from a CDN.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "export" / "web"
NODE_MODULES = WEB_DIR / "node_modules"
DEFAULT_VENDOR_DIR = ROOT / "site" / "vendor"
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
TFJS_WASM_FILES = (
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
)


def run(command: list[str]) -> None:
    print("+", " ".join(command))
    try:
        subprocess.run(command, cwd=WEB_DIR, check=True)
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


def prepare(vendor_dir: Path, *, force: bool = False) -> None:
    """Install the locked npm packages (when the lock changed) and rebuild `vendor_dir`."""
    stamp = NODE_MODULES / ".lock-fingerprint"
    if force or not stamp.is_file() or stamp.read_text() != lock_fingerprint():
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])
        stamp.write_text(lock_fingerprint())

    staging = vendor_dir.with_name(vendor_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "pyodide").mkdir(parents=True)
    (staging / "tfjs").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(NODE_MODULES / "pyodide" / name, staging / "pyodide" / name)
    wasm_dist = NODE_MODULES / "@tensorflow" / "tfjs-backend-wasm" / "dist"
    for name in TFJS_WASM_FILES:
        shutil.copy2(wasm_dist / name, staging / "tfjs" / name)
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
        "lock": lock_fingerprint()[:16],
    }
    (staging / "versions.json").write_text(json.dumps(versions, indent=2) + "\n")
    # Swap in whole, so a failed run never leaves a half-written vendor directory.
    shutil.rmtree(vendor_dir, ignore_errors=True)
    staging.rename(vendor_dir)
    total = sum(path.stat().st_size for path in vendor_dir.rglob("*") if path.is_file())
    print(
        f"wrote {vendor_dir}: Pyodide {versions['pyodide']}, "
        f"TF.js {versions['tfjs']}, {total} bytes"
    )


def is_prepared(vendor_dir: Path = DEFAULT_VENDOR_DIR) -> bool:
    """Whether `vendor_dir` holds a runtime built from the current lock file."""
    versions = vendor_dir / "versions.json"
    return (
        versions.is_file()
        and json.loads(versions.read_text()).get("lock") == (lock_fingerprint()[:16])
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
