"""A bounded load test: the server's memory stays flat as clients that do not read grow.

Loopback only, at most CLIENT_STEPS[-1] connections, a few seconds; the server is a child
process (its memory measured alone) that is stopped at the end whatever happens.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILE_BYTES = 8 * 2**20  # about pyodide.asm.wasm's size
CLIENT_STEPS = (5, 20, 40)
# Per client beyond the first few: a thread and a chunk of the file, not the file.
MAX_GROWTH_BYTES = 40 * 2**20
SERVER = """
import sys
from werkzeug.serving import make_server
from app import RequestHandler, create_app

server = make_server(
    "127.0.0.1", 0, create_app({"SITE_DIR": sys.argv[1]}), threaded=True,
    request_handler=RequestHandler,
)
print(server.server_port, flush=True)
server.serve_forever()
"""

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="Linux /proc")


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def stalled_client(port: int) -> socket.socket:
    """Asks for the big file, reads the first bytes of the answer, then reads no more."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.settimeout(10)
    client.connect(("127.0.0.1", port))
    client.sendall(b"GET /vendor/big.wasm HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert client.recv(16).startswith(b"HTTP/1.1 200")
    return client


def settled_resident_bytes(pid: int) -> int:
    """Memory once the server has stopped moving (every thread blocked on its client)."""
    previous = resident_bytes(pid)
    for _ in range(20):
        time.sleep(0.1)
        current = resident_bytes(pid)
        if abs(current - previous) < 2**20:
            return current
        previous = current
    return current


def test_memory_stays_flat_as_stalled_clients_grow(tmp_path: Path) -> None:
    (tmp_path / "site" / "vendor").mkdir(parents=True)
    (tmp_path / "site" / "vendor" / "big.wasm").write_bytes(os.urandom(FILE_BYTES))
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tmp_path / "site")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    clients: list[socket.socket] = []
    try:
        port = int(server.stdout.readline())
        memory = {}
        for count in CLIENT_STEPS:
            while len(clients) < count:
                clients.append(stalled_client(port))
            memory[count] = settled_resident_bytes(server.pid)
        print({count: f"{size / 2**20:.0f} MiB" for count, size in memory.items()})
        growth = memory[CLIENT_STEPS[-1]] - memory[CLIENT_STEPS[0]]
        assert growth < MAX_GROWTH_BYTES, memory
    finally:
        for client in clients:
            client.close()
        server.kill()
        server.wait(timeout=10)
        server.stdout.close()
