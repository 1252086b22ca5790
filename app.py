"""Serve the static site locally: `python app.py [--host 127.0.0.1] [--port 5000]`.

A deliberately tiny Flask app. It serves `site/` and the page's Python modules from `py/`
(the worker fetches them and imports them into Pyodide). It never runs inference: the digit
is recognized in the browser, and nothing the user draws is sent here.
"""

from __future__ import annotations

import argparse
import io
import mimetypes
import os
from pathlib import Path

from flask import Flask, Response, abort, request, send_file
from werkzeug.security import safe_join

ROOT = Path(__file__).resolve().parent
DEFAULT_CONFIG = {
    "SITE_DIR": ROOT / "site",
    "PY_DIR": ROOT / "py",
    "HOST": "127.0.0.1",
    "PORT": 5000,
}
# Browsers refuse to compile wasm streamingly or import modules served with the wrong type,
# and hosts' mime databases disagree (some lack .mjs or .wasm), so these are fixed here.
CONTENT_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".py": "text/x-python",
    ".zip": "application/zip",
    ".bin": "application/octet-stream",
    ".html": "text/html",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}
# Same origin only. 'wasm-unsafe-eval' lets Pyodide and TF.js compile WebAssembly; nothing
# else is evaluated from strings, nothing inline runs, and nothing loads from elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' blob: 'wasm-unsafe-eval'",
        # blob: for the pthread workers of TF.js's multi-threaded wasm backend.
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Cross-origin isolation: lets TF.js run its wasm backend on several threads
    # (SharedArrayBuffer). Everything is same-origin, so nothing is blocked by it.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Precompressed siblings (written by `python -m export.site`), best first.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))


def _send(directory: Path, path: str) -> Response:
    """Send a file from `directory`: never a dotfile, never anything outside it."""
    if "\\" in path or any(part.startswith(".") for part in Path(path).parts):
        abort(404)
    full_path = safe_join(str(directory), path)
    if full_path is None or not os.path.isfile(full_path):
        abort(404)
    response = _send_precompressed(full_path) or _file_response(full_path)
    suffix = Path(path).suffix.lower()
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0]
    if content_type:
        response.mimetype = content_type
    # Revalidate every time (cheap with ETags): the service worker holds the offline copy,
    # and its own script, an updated model or module is never served stale.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers.update(SECURITY_HEADERS)
    return response


def _send_precompressed(original: str) -> Response | None:
    """The `.br` or `.gz` sibling of a file, if the client takes it and it is current."""
    accepted = request.accept_encodings
    for encoding, suffix in PRECOMPRESSED:
        compressed = original + suffix
        if (
            accepted[encoding]
            and os.path.isfile(compressed)
            and os.path.getmtime(compressed) >= os.path.getmtime(original)
        ):
            response = _file_response(compressed)
            response.headers["Content-Encoding"] = encoding
            return response
    return None


def _file_response(full_path: str) -> Response:
    """A file (checked to be inside the site by the caller), with ETag, Last-Modified, Range.

    The body is the file's bytes read whole, not a stream from an open file: Werkzeug's
    development server skips closing a response when the client resets the connection
    while the server drains it (a page closed mid-download), and a streamed file would
    then stay open until garbage collection. The site's largest file is about 10 MB.
    """
    with open(full_path, "rb") as file:
        status = os.fstat(file.fileno())
        data = file.read()
    return send_file(
        io.BytesIO(data),
        mimetype="application/octet-stream",  # _send sets the real type
        etag=f"{status.st_mtime_ns:x}-{status.st_size:x}",
        last_modified=status.st_mtime,
        conditional=True,
    )


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides DEFAULT_CONFIG (tests point SITE_DIR elsewhere)."""
    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULT_CONFIG)
    app.config.update(config or {})

    @app.get("/")
    def index() -> Response:
        return _send(Path(app.config["SITE_DIR"]), "index.html")

    @app.get("/py/<path:path>")
    def python_module(path: str) -> Response:
        if not path.endswith(".py"):  # the page's modules, not caches or anything else
            abort(404)
        return _send(Path(app.config["PY_DIR"]), path)

    @app.errorhandler(404)
    def not_found(error) -> tuple[str, int, dict[str, str]]:
        return "Not found", 404, {"Content-Type": "text/plain", **SECURITY_HEADERS}

    @app.get("/<path:path>")
    def site_file(path: str) -> Response:
        return _send(Path(app.config["SITE_DIR"]), path)

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the digit recognizer's static site.")
    parser.add_argument("--host", default=DEFAULT_CONFIG["HOST"], help="default: 127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_CONFIG["PORT"], help="default: 5000")
    args = parser.parse_args(argv)
    vendor = Path(DEFAULT_CONFIG["SITE_DIR"]) / "vendor" / "versions.json"
    if not vendor.is_file():
        raise SystemExit(
            "site/vendor/ is missing: run `python -m export.runtime` once (or the README's "
            "run command, which does all set-up)."
        )
    from export.site import write_precache_manifest, write_precompressed

    write_precache_manifest()  # the offline list always matches the files served
    write_precompressed()
    print(f"Serving on http://{args.host}:{args.port}/")
    create_app().run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
