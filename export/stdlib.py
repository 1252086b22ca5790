"""The page's Python standard library: Pyodide's `python_stdlib.zip` trimmed to what can run.

Pyodide ships about 600 modules of Python's standard library; the page's Python and Pyodide's
own start-up reach a fraction of them. `trimmed_stdlib` writes a zip that holds only the
modules reachable, by static imports, from

- the page's Python (`py/digits`: every import in it, in functions too),
- Pyodide's own Python (every module of its `_pyodide` and `pyodide` packages, which its
  JavaScript imports by name while starting, loading a package, snapshotting, in `pyimport`),
- what the interpreter imports by itself as it starts (`site`, `encodings`, the UTF-8 codec),
  and what C code imports (IMPORTED_BY_C),

following every `import` and `from ... import` in each module reached: at module level, in
functions, in try/except, and `importlib.import_module`/`__import__` with a literal name; a
codec a module reached names as a literal (`b.decode(name or "cp437")`, `encoding="latin-1"`, a
parameter `encoding="ascii"` by default) is reached too: using it imports its module
(`encodings.cp437`). Only code that cannot run in the page is left out:
`if __name__ == "__main__":` blocks (a module run as a script; never in the page) and
branches for another platform (`sys.platform == "win32"`, `os.name == "nt"`, and module-level
names set from such a test), judged as Pyodide's Python sees them (emscripten, posix).

Python 3.14 (Pyodide's) has syntax this Python (3.11) does not parse; a module that does not
parse is read by `scanned_imports`, a line scan that finds every import statement wherever it
is (so a superset of what an AST walk finds: tests/test_stdlib.py checks that on each module
that does parse).

Each module kept is the original program without its documentation: `without_docs` blanks
docstrings (to `""`, as `python -OO` would set them to None) and comments, keeping every line
where it was, so a traceback names the same line numbers and the code is unchanged; it checks
that itself (`same_program`: the syntax trees are equal but for the docstrings, line for line)
and keeps the original bytes of any module where that cannot be shown (one this Python cannot
parse, one not in UTF-8). The page never reads a docstring (no `help()`, no `pydoc`), and
documentation is about a third of the library's bytes. Entries are stored, not deflated, so
the zip as a whole compresses well (gzip and Brotli see across modules, which per-entry deflate
cannot): the served `.br` is about a third smaller than the deflated zip's. The zip is written
deterministically: sorted entries, a fixed date.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import zipfile
from collections.abc import Iterable
from pathlib import Path

# How Pyodide's Python sees its platform: what platform tests are judged by.
PLATFORM = {("sys", "platform"): "emscripten", ("os", "name"): "posix"}
# Imported by the interpreter itself while it starts, not by any import statement: the
# site module, and the codec of Pyodide's file system and standard streams (UTF-8).
INTERPRETER_ROOTS = ("site", "encodings", "encodings.utf_8")
# Pyodide's own Python packages: its JavaScript imports their modules by name.
PYODIDE_PACKAGES = ("_pyodide", "pyodide")
# sysconfig imports its data module by a name it builds at run time (platform, ABI).
SYSCONFIG_DATA = "_sysconfigdata_"
# Modules that C code imports, which no import statement shows: when the module on the left
# is reached, so are those on the right. _ctypes imports ctypes._layout as a Structure or
# Union is defined; time.strptime and datetime's C module import _strptime.
IMPORTED_BY_C = {
    "ctypes": ("ctypes._layout",),
    "time": ("_strptime",),
    "datetime": ("_strptime",),
    "_datetime": ("_strptime",),
}
# Calls whose first argument is a codec name: bytes.decode, str.encode, codecs.lookup, ...
CODEC_CALLS = {
    "decode",
    "encode",
    "lookup",
    "getencoder",
    "getdecoder",
    "getincrementalencoder",
    "getincrementaldecoder",
    "getreader",
    "getwriter",
    "iterencode",
    "iterdecode",
}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# What has a docstring, and the lines whose comments stay (`#!`, `# -*- coding: ... -*-`).
DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
KEPT_HEADER_LINES = 2
# An import statement, anywhere in a line-oriented source: `import a.b, c as d` or
# `from .a import (b, c)` (a parenthesised list, or lines ending in a backslash, may span
# lines).
IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|(?:\\\n|[^#\n])*)|import[ \t]+(?P<imports>(?:\\\n|[^#\n])*))",
    re.MULTILINE,
)


def module_entries(archive: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Module name -> (its entry in `archive`, whether it is a package). An entry is source
    (`.py`) or, in the library the site serves, bytecode (`.pyc`: export/web/compile-stdlib.mjs)."""
    modules = {}
    for name in archive.namelist():
        if name.endswith((".py", ".pyc")) and not name.startswith("site-packages/"):
            parts = name[: name.rindex(".")].split("/")
            package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if package else parts)] = (name, package)
    return modules


def _absolute(package: str, level: int, module: str | None) -> str:
    """The absolute name of `from <level dots><module> import ...` in `package`."""
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, *([module] if module else [])])


def _from_names(base: str, names: Iterable[str]) -> set[str]:
    """`from base import names`: base, and each name as a possible submodule of it."""
    return {base} | {f"{base}.{name}" if base else name for name in names if name != "*"}


class _Imports(ast.NodeVisitor):
    """Every module an AST may import, but in code that cannot run in the page."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.found: set[str] = set()
        self.codecs: set[str] = set()  # codec names passed as literals
        self.known: dict[str, object] = {}  # module-level names set from a platform test

    def value(self, node: ast.expr) -> object:
        """What `node` is on Pyodide's platform, or NotImplemented where it cannot be told."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.known.get(node.id, NotImplemented)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return PLATFORM.get((node.value.id, node.attr), NotImplemented)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            operand = self.value(node.operand)
            return NotImplemented if operand is NotImplemented else not operand
        if isinstance(node, ast.BoolOp):
            values = [self.value(item) for item in node.values]
            if isinstance(node.op, ast.And):
                if any(v is not NotImplemented and not v for v in values):
                    return False
                return all(values) if NotImplemented not in values else NotImplemented
            if any(v is not NotImplemented and v for v in values):
                return True
            return any(values) if NotImplemented not in values else NotImplemented
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.value(node.left), self.value(node.comparators[0])
            if NotImplemented in (left, right) or not isinstance(left, str):
                return NotImplemented
            op = node.ops[0]
            if isinstance(op, (ast.Eq, ast.NotEq)):
                return (left == right) == isinstance(op, ast.Eq)
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (tuple, str)):
                return (left in right) == isinstance(op, ast.In)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and len(node.args) == 1
            and not node.keywords
        ):
            subject, prefix = self.value(node.func.value), self.value(node.args[0])
            if isinstance(subject, str) and isinstance(prefix, (str, tuple)):
                return subject.startswith(prefix)
        if isinstance(node, ast.Tuple):
            items = tuple(self.value(item) for item in node.elts)
            return NotImplemented if NotImplemented in items else items
        return NotImplemented

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                value = self.value(statement.value)
                if isinstance(value, bool):
                    self.known[statement.targets[0].id] = value
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
            and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__"
        ):
            body: list[ast.stmt] = node.orelse  # run as a script: never in the page
        else:
            value = self.value(test)
            if value is NotImplemented:
                self.generic_visit(node)
                return
            self.visit(test)
            body = node.body if value else node.orelse
        for statement in body:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(self.package, node.level, node.module)
        self.found |= _from_names(base, (alias.name for alias in node.names))

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        first = node.args[0] if node.args else None
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if name in {"import_module", "__import__"} and literal:
            self.found.add(first.value)
        if name in CODEC_CALLS:
            self.codec_argument(first)
        for keyword in node.keywords:
            if keyword.arg and "encoding" in keyword.arg:
                self.codec_argument(keyword.value)
        self.generic_visit(node)

    def codec_argument(self, node: ast.expr | None) -> None:
        """Each string in an argument that names a codec: `name or "cp437"` counts too."""
        for part in ast.walk(node) if node is not None else ():
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                self.codecs.add(part.value)

    def visit_arguments(self, node: ast.arguments) -> None:
        """A default for a parameter named like `encoding` is a codec name."""
        positional = [*node.posonlyargs, *node.args]
        pairs = [
            *zip(positional[len(positional) - len(node.defaults) :], node.defaults, strict=True)
        ]
        pairs += [*zip(node.kwonlyargs, node.kw_defaults, strict=True)]
        for arg, default in pairs:
            if "encoding" in arg.arg:
                self.codec_argument(default)
        self.generic_visit(node)


def scanned_imports(source: str, package: str) -> set[str]:
    """Every module an import statement anywhere in `source` names (no AST: for syntax this
    Python does not parse). A superset: a statement in a docstring counts too."""
    found = set()
    for match in IMPORT_LINE.finditer(source):
        if match["imports"] is not None:
            for part in match["imports"].replace("\\", "").split(","):
                words = part.split()
                if words:
                    found.add(words[0].rstrip(";"))
        else:
            dotted = match["module"]
            level = len(dotted) - len(dotted.lstrip("."))
            base = _absolute(package, level, dotted.lstrip(".") or None)
            listed = re.sub(r"#[^\n]*", "", match["names"])  # comments in a (...) list
            names = listed.strip("()").replace("\\", "").split(",")
            found |= _from_names(base, (part.split()[0] for part in names if part.split()))
    return found


def module_imports(source: str, name: str, package: bool) -> tuple[set[str], set[str]]:
    """(the modules the module `name` may import, the codec names it passes as literals);
    `package`: the source is a package's `__init__`."""
    within = name if package else name.rpartition(".")[0]
    try:
        tree = ast.parse(source)
    except SyntaxError:  # newer syntax than this Python's: scanned, and every string kept
        literals = set(re.findall(r"""["']([\w.-]{1,39})["']""", source))  # any may be one
        return scanned_imports(source, within), literals
    visitor = _Imports(within)
    visitor.visit(tree)
    return visitor.found, visitor.codecs


def codec_modules(archive: zipfile.ZipFile, modules: dict[str, tuple[str, bool]]) -> dict:
    """Codec name (normalized as `encodings` does) -> its module, for every codec in `archive`:
    its module's own name and each alias of `encodings.aliases`."""
    tree = ast.parse(archive.read(modules["encodings.aliases"][0]))
    aliases: dict[str, str] = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and getattr(statement.targets[0], "id", "") == "aliases"
        ):
            aliases = ast.literal_eval(statement.value)
    codecs = {name.split(".", 1)[1]: name for name in modules if name.startswith("encodings.")}
    for alias, codec in aliases.items():
        if codec in codecs:
            codecs.setdefault(alias, codecs[codec])
    return codecs


def _normalized_codec(name: str) -> str:
    """As encodings.normalize_encoding, and lower case (as encodings.search_function)."""
    return "_".join(re.split(r"[^\w.]+", name.lower())).strip("_")


def reachable(archive: zipfile.ZipFile, roots: Iterable[str]) -> set[str]:
    """The modules of `archive` (a Python standard library zip) that `roots` can import."""
    modules = module_entries(archive)
    codecs = codec_modules(archive, modules)
    seen: set[str] = set()
    todo = list(roots) + [name for name in modules if name.split(".")[0] in PYODIDE_PACKAGES]
    todo += INTERPRETER_ROOTS
    while todo:
        parts = todo.pop().split(".")
        for end in range(1, len(parts) + 1):  # a.b.c imports a and a.b first
            name = ".".join(parts[:end])
            if name in seen:
                continue
            seen.add(name)
            todo += IMPORTED_BY_C.get(name, ())
            if name not in modules:  # a module built in (C), or none of the library's
                continue
            entry, package = modules[name]
            found, literals = module_imports(archive.read(entry).decode(), name, package)
            todo += found
            todo += [codecs[c] for c in map(_normalized_codec, literals) if c in codecs]
            if name == "sysconfig":
                todo += [other for other in modules if other.startswith(SYSCONFIG_DATA)]
    return seen & set(modules)


def page_imports(py_dir: Path) -> set[str]:
    """Every module the page's Python (the package under `py_dir`) may import, its own too."""
    found = set()
    for path in sorted(py_dir.rglob("*.py")):
        parts = path.relative_to(py_dir).with_suffix("").parts
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        found |= module_imports(path.read_text(), name, package)[0]
    return found


def trimmed_stdlib(original: Path, target: Path, roots: Iterable[str]) -> set[str]:
    """Write to `target` the standard library zip `original` with only the modules `roots`
    can reach (and the folders holding them); return their names."""
    with zipfile.ZipFile(original) as archive:
        kept = reachable(archive, roots)
        modules = module_entries(archive)
        files = sorted(modules[name][0] for name in kept)
        folders = sorted(
            {
                "/".join(file.split("/")[:end]) + "/"
                for file in files
                for end in range(1, file.count("/") + 1)
            }
        )
        with zipfile.ZipFile(target, "w") as out:
            for name in sorted([*folders, *files]):
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
                out.writestr(info, b"" if name.endswith("/") else shipped(archive.read(name)))
    return kept


def shipped(source: bytes) -> bytes:
    """A module as the page ships it: without its documentation where that is shown to leave
    the same program, else as it was."""
    stripped = without_docs(source)
    return stripped if stripped is not None and same_program(source, stripped) else source


def _docstrings(tree: ast.AST) -> list[ast.Constant]:
    """The docstring of each module, class and function in `tree`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, DOCUMENTED) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.append(first.value)
    return found


def without_docs(source: bytes) -> bytes | None:
    """`source` with each docstring made `""` and each comment removed, every line kept where
    it was (a docstring's lines stay, empty), or None for a module this Python cannot parse or
    that is not UTF-8. The first two lines' comments stay (an encoding declaration, `#!`)."""
    try:
        text = source.decode()
        tree = ast.parse(text)
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (UnicodeDecodeError, SyntaxError, tokenize.TokenError):
        return None
    lines = text.splitlines(keepends=True)

    def column(row: int, utf8_offset: int) -> int:  # ast counts bytes, tokenize characters
        return len(lines[row - 1].encode()[:utf8_offset].decode())

    cuts = [  # (start row, start column, end row, end column, replacement), in characters
        (
            doc.lineno,
            column(doc.lineno, doc.col_offset),
            doc.end_lineno or doc.lineno,
            column(doc.end_lineno or doc.lineno, doc.end_col_offset or 0),
            '""',
        )
        for doc in _docstrings(tree)
    ]
    cuts += [(*token.start, *token.end, "") for token in tokens if token.type == tokenize.COMMENT]
    for start_row, start_column, end_row, end_column, replacement in sorted(cuts, reverse=True):
        if start_row <= KEPT_HEADER_LINES and not replacement:
            continue
        head = lines[start_row - 1][:start_column]
        tail = lines[end_row - 1][end_column:]
        if not replacement:  # a comment: the code before it, without the spaces between
            head = head.rstrip(" \t")
        lines[start_row - 1 : end_row] = [
            head + replacement + ("\n" if end_row > start_row else tail),
            *["\n"] * (end_row - start_row - 1),
            *([tail] if end_row > start_row else []),
        ]
    return "".join(lines).encode()


def same_program(original: bytes, stripped: bytes) -> bool:
    """Whether `stripped` is `original` with only docstrings emptied: equal syntax trees once
    the original's docstrings are `""`, and every statement and expression on the same line."""
    try:
        before, after = ast.parse(original), ast.parse(stripped)
    except SyntaxError:
        return False
    for doc in _docstrings(before):
        doc.value = ""
    if ast.dump(before) != ast.dump(after):
        return False
    return all(
        getattr(one, "lineno", None) == getattr(other, "lineno", None)
        for one, other in zip(ast.walk(before), ast.walk(after), strict=True)
    )
