"""The rest of Python's standard library: fetched the first time one of its modules is imported.

The page ships Python's library trimmed to the modules its Python and Pyodide's can reach
(export/stdlib.py), in two zips (export/web/compile-stdlib.mjs). The first, which Pyodide
mounts as it starts, holds what a start imports (as bytecode) and the list of the rest; the
rest (`REST_NAME`) holds the modules that some path reaches but no visit takes in practice:
`help()` reaching pydoc and, through it, email and http; asyncio's subprocesses reaching
multiprocessing. Shipping those with the start would be four tenths of the library's bytes
downloaded before the first answer, for code that does not run.

So they are fetched on demand: `install` puts a finder last on `sys.meta_path` that, asked
for a module of the list (after the library's own zip has not found it), downloads the rest
once, writes it beside the first zip and imports from it. The service worker still precaches
the rest with everything else, after the page is ready, so a visit offline finds it too.

A synchronous download is what an import needs (an import statement cannot wait for a
promise); the page's Python runs in a Web Worker, where a synchronous XMLHttpRequest is
allowed and blocks nothing the user sees.
"""

from __future__ import annotations

import os
import sys
import zipimport
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not imported in the page: a start needs no more of the library than this
    from importlib.machinery import ModuleSpec

# The second zip, beside the first on the site and on Pyodide's file system, and the entry of
# the first zip that lists its modules, one name a line (both written by the export step).
REST_NAME = "python_stdlib_rest.zip"
REST_LIST = "python_stdlib_rest.txt"


def download(url: str) -> bytes:
    """`url`'s body, synchronously (in Pyodide, in a Web Worker); OSError when it fails."""
    from js import XMLHttpRequest  # Pyodide's module for the JavaScript global scope

    request = XMLHttpRequest.new()
    try:
        request.open("GET", url, False)
        request.responseType = "arraybuffer"
        request.send()
    except Exception as error:  # a JavaScript error: the network is down, the request refused
        raise OSError(f"no answer ({error})") from error
    if request.status != 200:
        raise OSError(f"it answered {request.status}")
    return request.response.to_bytes()


class RestOfLibrary:
    """Finds the modules of the rest of the library, downloading it the first time (a meta
    path finder: `find_spec` is all the import system asks of one)."""

    def __init__(
        self, url: str, path: str, names: frozenset[str], fetch: Callable[[str], bytes]
    ) -> None:
        self.url = url
        self.path = path
        self.names = names
        self.fetch = fetch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: object = None
    ) -> ModuleSpec | None:
        if fullname not in self.names:
            return None
        if not os.path.isfile(self.path):
            self._download()
        package = fullname.rpartition(".")[0]
        where = os.path.join(self.path, *package.split(".")) if package else self.path
        return zipimport.zipimporter(where).find_spec(fullname)

    def _download(self) -> None:
        try:
            data = self.fetch(self.url)
        except OSError as error:
            raise ImportError(
                f"Python's standard library ({REST_NAME}) could not be downloaded: {error}"
            ) from error
        partial = f"{self.path}.partial"
        with open(partial, "wb") as file:
            file.write(data)
        os.replace(partial, self.path)
        # What zipimport remembers of an earlier copy (a Python restored from a snapshot made
        # after it was fetched: Pyodide's file system is not part of the snapshot).
        zipimport._zip_directory_cache.pop(self.path, None)
        for key in [key for key in sys.path_importer_cache if key.startswith(self.path)]:
            del sys.path_importer_cache[key]


def library_zip() -> str:
    """Where Pyodide mounted the library's first zip (the only zip on `sys.path`)."""
    zips = [entry for entry in sys.path if entry.endswith(".zip")]
    if len(zips) != 1:
        raise RuntimeError(f"expected one standard library zip on sys.path, found {zips}")
    return zips[0]


def install(base_url: str, fetch: Callable[[str], bytes] = download) -> int:
    """Import the rest of the library from `base_url` + REST_NAME, on demand: replaces an
    earlier finder (one restored from a snapshot). Returns how many modules the rest holds."""
    first = library_zip()
    listed = zipimport.zipimporter(first).get_data(REST_LIST).decode()
    finder = RestOfLibrary(
        url=base_url + REST_NAME,
        path=os.path.join(os.path.dirname(first), REST_NAME),
        names=frozenset(listed.split()),
        fetch=fetch,
    )
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, RestOfLibrary)]
    sys.meta_path.append(finder)
    return len(finder.names)
