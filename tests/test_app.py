"""The Flask app serves the site with the right content types, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A small stand-in site, so these tests don't depend on the generated vendor files."""
    (tmp_path / "site" / "vendor").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("<!doctype html><title>t</title>")
    for name in ("runtime.wasm", "module.mjs", "script.js", "data.json", "style.css"):
        (tmp_path / "site" / "vendor" / name).write_bytes(b"x")
    (tmp_path / "site" / ".secret").write_text("dotfile")
    (tmp_path / "py" / "digits").mkdir(parents=True)
    (tmp_path / "py" / "digits" / "preprocess.py").write_text("X = 1\n")
    (tmp_path / "outside.txt").write_text("not part of the site")
    return tmp_path


class Client:
    """The Flask test client, reading and closing each response as a browser would."""

    def __init__(self, app) -> None:
        self.test_client = app.test_client()

    def get(self, path: str, headers: dict | None = None):
        response = self.test_client.get(path, headers=headers or {})
        response.get_data()
        response.close()
        return response

    def post(self, path: str, data: bytes):
        response = self.test_client.post(path, data=data)
        response.close()
        return response


@pytest.fixture()
def app(site: Path):
    return create_app({"SITE_DIR": site / "site", "PY_DIR": site / "py", "TESTING": True})


@pytest.fixture()
def client(app) -> Client:
    return Client(app)


def test_index_is_served_at_root(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"<title>t</title>" in response.data


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/vendor/runtime.wasm", "application/wasm"),
        ("/vendor/module.mjs", "text/javascript"),
        ("/vendor/script.js", "text/javascript"),
        ("/vendor/data.json", "application/json"),
        ("/vendor/style.css", "text/css"),
        ("/py/digits/preprocess.py", "text/x-python"),
    ],
)
def test_content_types_do_not_depend_on_the_host(client, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/missing.html",
        "/vendor/missing.wasm",
        "/py/digits/missing.py",
        "/.secret",
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/py/../outside.txt",
        "/py/digits/../../outside.txt",
        "/py/digits/__pycache__/preprocess.cpython-311.pyc",
        "//etc/passwd",
        "/%2F%2Fetc/passwd",
        "/..%5coutside.txt",
        "/vendor\\..\\..\\outside.txt",
    ],
)
def test_missing_hidden_and_outside_files_are_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"not part of the site" not in response.data


@pytest.mark.parametrize("path", ["/", "/vendor/module.mjs", "/py/digits/preprocess.py", "/nope"])
def test_security_headers_on_every_response(client, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'wasm-unsafe-eval'" in policy
    assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    assert "'unsafe-inline'" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_service_worker_is_never_cached_stale(client, site: Path) -> None:
    (site / "site" / "sw.js").write_text("// sw")
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"


def test_raw_traversal_requests_over_http_never_escape_the_site(live_server: str) -> None:
    """The raw request line, as an attacker sends it (no client-side normalization)."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(live_server)
    secret = (ROOT / "app.py").read_bytes()[:200]
    for path in [
        "/../app.py",
        "/%2e%2e/app.py",
        "/%2e%2e%2fapp.py",
        "/..%2fapp.py",
        "/py/../app.py",
        "/py/%2e%2e/app.py",
        "/..\\app.py",
        "/%5c..%5capp.py",
        "//work/app.py",
        "/py//etc/passwd.py",
        "/vendor/../../app.py",
    ]:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 404, path
        assert secret not in body


def test_there_is_no_inference_endpoint(client) -> None:
    assert client.post("/", data=b"pixels").status_code == 405
    assert client.post("/predict", data=b"pixels").status_code == 405


def test_the_real_site_has_its_page_and_model() -> None:
    client = Client(create_app({"TESTING": True}))
    assert client.get("/").status_code == 200
    manifest = client.get("/model/manifest.json")
    assert manifest.status_code == 200
    assert manifest.json["labels"] == [str(digit) for digit in range(10)]
    assert client.get(f"/model/{manifest.json['model']}").status_code == 200


def test_precompressed_files_are_sent_to_clients_that_take_them(client, site: Path) -> None:
    import gzip
    import os

    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm" + bytes(5000))
    packed = gzip.compress(original.read_bytes())
    (site / "site" / "vendor" / "big.wasm.gz").write_bytes(packed)

    compressed = client.get("/vendor/big.wasm", headers={"Accept-Encoding": "gzip, deflate"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert compressed.mimetype == "application/wasm"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.data) == original.read_bytes()

    plain = client.get("/vendor/big.wasm")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original.read_bytes()

    # A .gz older than its original is stale: never sent.
    stamp = original.stat().st_mtime
    os.utime(site / "site" / "vendor" / "big.wasm.gz", (stamp - 10, stamp - 10))
    stale = client.get("/vendor/big.wasm", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in stale.headers


@pytest.mark.parametrize("accept_encoding", ["", "gzip"])
def test_a_download_the_server_never_closes_leaves_no_file_open(
    app, site: Path, accept_encoding: str
) -> None:
    """Werkzeug's development server skips closing a response when the browser resets the
    connection at the wrong moment (a page closed mid-download): the body must not hold a
    file open then. Here the body is dropped unclosed after one chunk; an open file would
    be reported (as an error, by filterwarnings) when it is collected."""
    import gc
    import gzip

    from werkzeug.test import EnvironBuilder

    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm" + bytes(200_000))
    (site / "site" / "vendor" / "big.wasm.gz").write_bytes(gzip.compress(original.read_bytes()))
    environ = EnvironBuilder(
        path="/vendor/big.wasm", headers={"Accept-Encoding": accept_encoding}
    ).get_environ()
    statuses = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert next(iter(body))
    assert statuses == ["200 OK"]
    del body
    gc.collect()


def test_files_revalidate_with_their_etag_and_serve_ranges(client, site: Path) -> None:
    """Cache-Control is no-cache, so revalidation must be cheap: 304 while unchanged."""
    import os

    script = site / "site" / "vendor" / "script.js"
    script.write_text("let answer = 42;\n")
    first = client.get("/vendor/script.js")
    assert first.status_code == 200 and first.data == b"let answer = 42;\n"
    etag = first.headers["ETag"]
    again = client.get("/vendor/script.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "no-cache"

    part = client.get("/vendor/script.js", headers={"Range": "bytes=4-9"})
    assert part.status_code == 206 and part.data == b"answer"

    script.write_text("let answer = 43;\n")
    stamp = script.stat().st_mtime + 5
    os.utime(script, (stamp, stamp))
    changed = client.get("/vendor/script.js", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.data == b"let answer = 43;\n"
