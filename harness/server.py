"""The real site, served: the app on a free loopback port, with its web runtime in place."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from export import runtime, site


@contextmanager
def serve(app) -> Iterator[str]:
    """Run a WSGI app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def ensure_web_runtime() -> Path:
    """site/vendor/ as `python -m export.runtime` writes it (built once if missing), and a
    current precache manifest for the service worker."""
    if not runtime.is_prepared():
        runtime.prepare(runtime.DEFAULT_VENDOR_DIR)
    site.write_precache_manifest()
    site.write_precompressed()
    return runtime.DEFAULT_VENDOR_DIR
