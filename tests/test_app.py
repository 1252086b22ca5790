"""The Flask app serves the site with the right content types, and nothing else."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import SECURITY_HEADERS, create_app

ROOT = Path(__file__).resolve().parent.parent
WHEEL = "digits-0.1.0-py3-none-any.whl"  # as export.runtime names the page's Python


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    """A small stand-in site, so these tests don't depend on the generated vendor files."""
    (tmp_path / "site" / "vendor").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("<!doctype html><title>t</title>")
    for name in ("runtime.wasm", "module.mjs", "script.js", "data.json", "style.css", WHEEL):
        (tmp_path / "site" / "vendor" / name).write_bytes(b"x")
    (tmp_path / "site" / ".secret").write_text("dotfile")
    # The page's Python sources beside the site: it gets them only in the wheel above.
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
    return create_app({"SITE_DIR": site / "site", "TESTING": True})


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
        (f"/vendor/{WHEEL}", "application/zip"),
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
        "/py/digits/preprocess.py",  # the sources: the page gets them in the wheel
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


@pytest.mark.parametrize("path", ["/", "/vendor/module.mjs", f"/vendor/{WHEEL}", "/nope"])
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


def test_brotli_is_sent_to_clients_that_take_it_and_gzip_to_the_rest(client, site: Path) -> None:
    """The copies `export.site` writes (both, always): Brotli where the browser lists `br`
    (Chromium does over HTTPS and http://localhost), gzip where it lists only gzip."""
    import gzip

    import brotli

    from export.site import write_precompressed

    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm" + bytes(range(256)) * 40)
    write_precompressed(site / "site")
    for accept_encoding, encoding, unpack in (
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
    ):
        response = client.get("/vendor/big.wasm", headers={"Accept-Encoding": accept_encoding})
        assert response.headers["Content-Encoding"] == encoding, accept_encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.mimetype == "application/wasm"
        assert unpack(response.data) == original.read_bytes()
    brotli_bytes = (site / "site" / "vendor" / "big.wasm.br").stat().st_size
    gzip_bytes = (site / "site" / "vendor" / "big.wasm.gz").stat().st_size
    assert brotli_bytes < gzip_bytes < original.stat().st_size


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


# --- What an outside probe broke (issue 16) ---------------------------------------------


def deploy(path: Path, data: bytes, *, older_than: Path) -> None:
    """Write `path` as `cp -p`, `rsync -a` or `tar x` would: its timestamp from the past."""
    import os

    path.write_bytes(data)
    stamp = older_than.stat().st_mtime - 3600
    os.utime(path, (stamp, stamp))


def test_a_stale_precompressed_copy_is_never_sent(client, site: Path) -> None:
    """Judged by content, not time: a new original deployed with an older timestamp than its
    `.gz` (made from the old one) is sent, to clients that take gzip too, without a restart."""
    import gzip

    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm old" + bytes(5000))
    sibling = site / "site" / "vendor" / "big.wasm.gz"
    sibling.write_bytes(gzip.compress(original.read_bytes()))
    first = client.get("/vendor/big.wasm", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(first.data) == original.read_bytes()

    new = b"\0asm new version" + bytes(6000)
    deploy(original, new, older_than=sibling)
    for accept_encoding in ("gzip", "br, gzip", ""):
        response = client.get("/vendor/big.wasm", headers={"Accept-Encoding": accept_encoding})
        body = response.data
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == new, accept_encoding


def test_a_precompressed_copy_older_than_its_original_but_the_same_is_sent(
    client, site: Path
) -> None:
    import gzip
    import os

    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm" + bytes(5000))
    sibling = site / "site" / "vendor" / "big.wasm.gz"
    sibling.write_bytes(gzip.compress(original.read_bytes()))
    stamp = original.stat().st_mtime - 3600
    os.utime(sibling, (stamp, stamp))
    response = client.get("/vendor/big.wasm", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == original.read_bytes()


def test_a_corrupt_precompressed_copy_is_never_sent(client, site: Path) -> None:
    original = site / "site" / "vendor" / "big.wasm"
    original.write_bytes(b"\0asm" + bytes(5000))
    (site / "site" / "vendor" / "big.wasm.gz").write_bytes(b"\x1f\x8b not gzip")
    response = client.get("/vendor/big.wasm", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.data == original.read_bytes()


def test_an_older_timestamp_never_revalidates_a_stale_copy(client, site: Path) -> None:
    """Revalidation is by content too: a browser's If-Modified-Since (or If-None-Match) from
    the old version never gets a 304 for a new file deployed with an older timestamp."""
    script = site / "site" / "vendor" / "script.js"
    script.write_text("let answer = 42;\n")
    first = client.get("/vendor/script.js")
    new = b"let answer = 43;\n"
    deploy(script, new, older_than=script)
    for headers in (
        {"If-Modified-Since": first.headers.get("Last-Modified") or first.headers["Date"]},
        {"If-None-Match": first.headers["ETag"]},
    ):
        again = client.get("/vendor/script.js", headers=headers)
        assert again.status_code == 200 and again.data == new, headers


def lock_symlink(directory: Path) -> Path:
    """What Emacs leaves beside a file being edited: a dangling symlink named `.#file`."""
    link = directory / ".#photo.py"
    link.symlink_to("user@host.1234:1700000000")
    return link


def test_the_served_files_are_exactly_the_listed_ones(client, site: Path) -> None:
    """One rule decides which files are the site: app.py serves a file if and only if the
    offline list and the static export (`export.site.site_files`) hold it."""
    from export.site import site_files

    lock_symlink(site / "site" / "vendor")
    (site / "site" / "vendor" / ".hidden.js").write_text("let x = 2;\n")
    (site / "site" / "vendor" / "broken.js").symlink_to("missing.js")
    (site / "site" / ".git").mkdir()
    (site / "site" / ".git" / "config").write_text("[core]")
    (site / "site" / "vendor.new").mkdir()
    (site / "site" / "vendor.new" / "half.js").write_text("half")
    (site / "site" / "vendor" / "script.js.gz").write_bytes(b"gz")
    (site / "site" / "sw.js").write_text("// sw")
    (site / "site" / "precache-manifest.js").write_text("// list")

    listed = site_files(site / "site")
    on_disk = [f"{path.relative_to(site / 'site').as_posix()}" for path in site.glob("site/**/*")]
    # The page's Python sources are not the site: neither served nor listed.
    on_disk += [path.relative_to(site).as_posix() for path in site.glob("py/**/*")]
    for url in on_disk:
        served = client.get(f"/{url}").status_code == 200
        assert served == (url in listed), url
    assert sorted(listed) == [
        "index.html",
        "precache-manifest.js",
        "sw.js",
        "vendor/data.json",
        f"vendor/{WHEEL}",
        "vendor/module.mjs",
        "vendor/runtime.wasm",
        "vendor/script.js",
        "vendor/style.css",
    ]


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/", {}, 200),
        ("GET", "/nope", {}, 404),
        ("POST", "/", {}, 405),
        ("DELETE", "/vendor/script.js", {}, 405),
        ("OPTIONS", "/", {}, 200),
        ("HEAD", "/", {}, 200),
        ("GET", "/vendor/script.js", {"Range": "bytes=100-200"}, 416),
        ("GET", "/vendor/script.js", {"Range": "bytes=0-0"}, 206),
        ("GET", "/index.html", {"If-None-Match": "*"}, 304),
    ],
)
def test_security_headers_on_every_status(
    app, method: str, path: str, headers: dict, status: int
) -> None:
    response = app.test_client().open(path, method=method, headers=headers)
    response.close()
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize(
    "range_header", ["lines=0-5", "bytes=0-1,3-4", "bytes=abc", "Bytes 0-1", "=0-1"]
)
def test_a_range_the_server_does_not_understand_is_ignored(client, range_header: str) -> None:
    """RFC 9110 14.2: a Range in an unknown unit is ignored (and an invalid or multi-part one
    may be): the whole file, 200, never 416."""
    response = client.get("/vendor/script.js", headers={"Range": range_header})
    assert response.status_code == 200
    assert response.data == b"x"


@pytest.fixture()
def http_server(app) -> Iterator[tuple[str, int]]:
    """The app behind the server `python app.py` runs (its request handler), with a short idle
    timeout, on a free loopback port."""
    with serve_with(app, idle_timeout_s=0.5) as address:
        yield address


@contextmanager
def serve_with(app, idle_timeout_s: float) -> Iterator[tuple[str, int]]:
    import threading

    from werkzeug.serving import make_server

    from app import RequestHandler

    handler = type("ShortTimeoutHandler", (RequestHandler,), {"timeout": idle_timeout_s})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ("127.0.0.1", server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def raw_exchange(address: tuple[str, int], request: bytes) -> bytes:
    """Send bytes as they are (no client-side checks), return everything the server answers."""
    import socket

    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n", 431),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
    ],
    ids=["garbage", "extra-word", "long-line", "long-header", "many-headers", "http2"],
)
def test_the_servers_own_error_answers_carry_the_security_headers(
    http_server, request_bytes: bytes, status: int
) -> None:
    """http.server answers malformed requests itself, before Flask sees them."""
    from email.parser import BytesHeaderParser

    answer = raw_exchange(http_server, request_bytes)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == str(status).encode()
    headers = BytesHeaderParser().parsebytes(rest)
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name


def test_idle_connections_are_closed(http_server) -> None:
    """A client that connects and says nothing (or half a request) is let go."""
    import socket
    import time

    for request in (b"", b"GET / HTTP/1.1\r\nHost: x\r\n"):
        with socket.create_connection(http_server, timeout=10) as connection:
            connection.sendall(request)
            start = time.monotonic()
            try:
                while connection.recv(65536):
                    pass
            except ConnectionResetError:
                pass
            assert time.monotonic() - start < 5


def test_a_slow_steady_download_outlasts_the_idle_timeout(app, site: Path) -> None:
    """The idle timeout is per step, not per file: a client reading slowly gets it all."""
    import socket
    import time

    data = os.urandom(8 * 2**20)
    (site / "site" / "vendor" / "big.wasm").write_bytes(data)
    with serve_with(app, idle_timeout_s=0.3) as address:
        connection = socket.socket()
        with connection:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
            connection.settimeout(10)
            connection.connect(address)
            connection.sendall(b"GET /vendor/big.wasm HTTP/1.1\r\nHost: x\r\n\r\n")
            start = time.monotonic()
            answer = b""
            while chunk := connection.recv(32 * 1024):
                answer += chunk
                time.sleep(0.004)
            took = time.monotonic() - start
    assert answer.endswith(data)
    assert took > 0.6
