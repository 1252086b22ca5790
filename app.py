"""Serve the static site locally: `python app.py [--host 127.0.0.1] [--port 5000]`.

A deliberately tiny Flask app. It serves `site/`: exactly the files `export.site.site_file`
names (the offline list holds those of them the page runs), each as its Brotli or gzip copy
where the browser takes one, the page's Python among them as the wheel that
`python -m export.runtime` builds from `py/` (rebuilt here on start when `py/` changed). It
never runs inference: the digit is recognized in the browser, and nothing the user draws is
sent here.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import NamedTuple

from flask import Flask, Response, abort, request
from werkzeug.http import parse_range_header
from werkzeug.serving import WSGIRequestHandler

from export import runtime
from export.site import (
    PRECOMPRESSED_SUFFIXES,
    decompress,
    site_file,
    write_precache_manifest,
    write_precompressed,
)

ROOT = Path(__file__).resolve().parent
DEFAULT_CONFIG = {
    "SITE_DIR": ROOT / "site",
    "HOST": "127.0.0.1",
    "PORT": 5000,
    # One shared copy of each file version, for all its clients (FileCache): the whole site,
    # its precompressed copies included, is about 21 MB.
    "FILE_CACHE_BYTES": 64 * 2**20,
}
# What one client holds of a file while it is sent: a slow one never a copy of the whole.
CHUNK_BYTES = 64 * 1024
# A connection that sends nothing, or takes nothing of its answer, for this long is closed.
IDLE_TIMEOUT_S = 30
# Browsers refuse to compile wasm streamingly or import modules served with the wrong type,
# and hosts' mime databases disagree (some lack .mjs or .wasm), so these are fixed here.
CONTENT_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",  # a wheel is a zip file (PEP 427)
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


class CachedFile(NamedTuple):
    version: tuple[int, ...]
    data: bytes
    sha256: str  # of `data`: the ETag
    content_sha256: str | None  # of the content (a .gz or .br decompressed); None: unreadable


class FileCache:
    """One shared, read-only copy of each file version, the least recently used dropped past
    `limit` bytes.

    Every client of a file shares its copy (a slow or stalled client holds one chunk of its
    own, not the file); no file stays open while an answer is sent (Werkzeug's development
    server does not always close a response whose client went away); and the hashes that
    ETags and the precompressed-copy check need are made once per version. A version is the
    file's inode, size, mtime and ctime: writing or replacing a file changes its ctime, which
    no copy tool sets back, so a deploy is seen at once, without a restart.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.files: OrderedDict[Path, CachedFile] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, path: Path) -> CachedFile | None:
        """The file's current version; None if it cannot be read (gone since it was found)."""
        try:
            with open(path, "rb") as file:
                stat = os.fstat(file.fileno())
                version = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
                with self.lock:
                    cached = self.files.get(path)
                    if cached is not None and cached.version == version:
                        self.files.move_to_end(path)
                        return cached
                data = file.read()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if path.suffix in PRECOMPRESSED_SUFFIXES:
            content = decompress(path.suffix, data)
            content_digest = None if content is None else hashlib.sha256(content).hexdigest()
        else:
            content_digest = digest
        cached = CachedFile(version, data, digest, content_digest)
        with self.lock:
            self.files[path] = cached
            self.files.move_to_end(path)
            total = sum(len(entry.data) for entry in self.files.values())
            while total > self.limit and len(self.files) > 1:
                total -= len(self.files.popitem(last=False)[1].data)
        return cached


def _send(files: FileCache, path: Path) -> Response:
    """Send a site file, or its best precompressed copy that the client takes and that holds
    the same content (judged by content, never by time: a file deployed with an older
    timestamp than its old `.gz` is sent new)."""
    original = files.get(path)
    if original is None:
        abort(404)
    sent, encoding = original, None
    for name, suffix in PRECOMPRESSED:
        if request.accept_encodings[name]:
            compressed = files.get(path.with_name(path.name + suffix))
            if compressed is not None and compressed.content_sha256 == original.sha256:
                sent, encoding = compressed, name
                break
    response = Response(_chunks(sent.data), mimetype=_content_type(path))
    response.content_length = len(sent.data)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    # Revalidate every time (cheap with ETags): the service worker holds the offline copy,
    # and its own script, an updated model or module is never served stale. The ETag is the
    # content's hash, and there is no Last-Modified: an older timestamp never means "same".
    response.set_etag(sent.sha256)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Encoding"
    return response.make_conditional(
        _without_foreign_range(request.environ), accept_ranges=True, complete_length=len(sent.data)
    )


def _chunks(data: bytes) -> Iterator[bytes]:
    """The body in pieces: each write to a slow client must finish within IDLE_TIMEOUT_S."""
    for start in range(0, len(data), CHUNK_BYTES):
        yield data[start : start + CHUNK_BYTES]


def _content_type(path: Path) -> str:
    return (
        CONTENT_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


def _without_foreign_range(environ: dict) -> dict:
    """The request without a Range it cannot be answered by: one in a unit other than bytes
    is ignored (RFC 9110, 14.2), and so are malformed and multi-part ones (the RFC allows it;
    Werkzeug would refuse them with 416). The whole file is sent instead."""
    if "HTTP_RANGE" not in environ:
        return environ
    requested = parse_range_header(environ["HTTP_RANGE"])
    if requested is not None and requested.units == "bytes" and len(requested.ranges) == 1:
        return environ
    return {key: value for key, value in environ.items() if key != "HTTP_RANGE"}


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides DEFAULT_CONFIG (tests point SITE_DIR elsewhere)."""
    app = Flask(__name__, static_folder=None)
    app.config.update(DEFAULT_CONFIG)
    app.config.update(config or {})
    files = FileCache(app.config["FILE_CACHE_BYTES"])

    @app.get("/")
    def index() -> Response:
        return site("index.html")

    @app.get("/<path:url>")
    def site(url: str) -> Response:
        path = site_file(url, Path(app.config["SITE_DIR"]))
        if path is None:  # the one rule export.site lists the offline files by, too
            abort(404)
        return _send(files, path)

    @app.errorhandler(404)
    def not_found(error) -> tuple[str, int, dict[str, str]]:
        return "Not found", 404, {"Content-Type": "text/plain"}

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        """On every answer Flask gives: 200s, 304, 404, 405, 416, OPTIONS, errors."""
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, for `python app.py`, with two things added.

    An idle timeout: a client that sends nothing, or reads nothing of its answer, for
    IDLE_TIMEOUT_S is let go, instead of holding a thread (and memory) for ever.
    And the security headers on the answers http.server gives by itself, before the app sees
    a request (a malformed request line 400, a too long one 414, too many or too long headers
    431, an unsupported HTTP version 505).
    """

    timeout = IDLE_TIMEOUT_S

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if self.request_version == "HTTP/0.9":  # too malformed to have a version: http.server
            self.request_version = "HTTP/1.0"  # would answer a bare body, with no headers
        self.log_error("code %d, message %s", code, message)
        body = f"{code} {HTTPStatus(code).phrase}\n".encode()
        self.send_response(code, message)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the digit recognizer's static site.")
    parser.add_argument("--host", default=DEFAULT_CONFIG["HOST"], help="default: 127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_CONFIG["PORT"], help="default: 5000")
    args = parser.parse_args(argv)
    vendor = Path(DEFAULT_CONFIG["SITE_DIR"]) / "vendor"
    if not (vendor / "versions.json").is_file():
        raise SystemExit(
            "site/vendor/ is missing: run `python -m export.runtime` once (or the README's "
            "run command, which does all set-up)."
        )
    if not runtime.is_prepared(vendor):
        runtime.prepare(vendor)  # py/ changed since (only its wheel is rebuilt), or the npm lock
    write_precache_manifest()  # the offline list always matches the files served
    write_precompressed()
    print(f"Serving on http://{args.host}:{args.port}/")
    create_app().run(host=args.host, port=args.port, request_handler=RequestHandler)


if __name__ == "__main__":
    main()
