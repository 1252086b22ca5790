// Add bytecode to the page's wheel, compiled by the page's own Python: Pyodide under Node (its
// runtime from PYODIDE_DIR, the trimmed library from STDLIB). Each module `digits/x.py` gets
// `digits/__pycache__/x.cpython-314.pyc` beside it, listed in the wheel's RECORD, and every
// entry is stored rather than deflated: the site sends the wheel Brotli-compressed, which
// packs stored entries across files (0.10 MB with the bytecode; 0.07 MB deflated without).
// Used by `python -m export.runtime`.
//
//   node export/web/compile-wheel.mjs PYODIDE_DIR STDLIB WHEEL OUTPUT
//
// Why: importing the page's modules compiled them from source on every cold start (about
// 0.2 s of Pyodide under Node, more in a browser). The bytecode is "checked-hash" (PEP 552):
// Python uses it only while the module's source has the hash it was compiled from, so a
// wheel whose source is changed afterwards (as the tests' releases are) still runs the
// changed source. As for the standard library (compile-stdlib.mjs), the column ranges are
// left out (PYTHONNODEBUGRANGES: tracebacks keep file, line and its text) and the hash seed
// is fixed, and entries keep the built wheel's dates: the same sources give the same bytes.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const COMPILE = `
import base64, hashlib, importlib.util, io, marshal, sys, zipfile

# PEP 552: bytecode whose header holds its source's hash, to be checked on import.
CHECKED_HASH = 0b11

def record_row(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

def compiled_wheel(built):
    built = built.to_bytes()  # the wheel's bytes, from JavaScript
    site_packages = next(entry for entry in sys.path if entry.endswith("site-packages"))
    written = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(built)) as wheel, zipfile.ZipFile(written, "w") as target:
        (record,) = [i for i in wheel.infolist() if i.filename.endswith(".dist-info/RECORD")]
        rows = wheel.read(record).decode().splitlines()
        added = []
        for info in wheel.infolist():
            if info is record:
                continue
            source = wheel.read(info)
            stored = zipfile.ZipInfo(info.filename, info.date_time)
            stored.external_attr = info.external_attr
            target.writestr(stored, source)
            if info.filename.endswith(".py") and ".dist-info/" not in info.filename:
                folder, name = info.filename.rsplit("/", 1)
                compiled_name = (
                    f"{folder}/__pycache__/{name[:-3]}.{sys.implementation.cache_tag}.pyc"
                )
                code = compile(
                    source, f"{site_packages}/{info.filename}", "exec", dont_inherit=True
                )
                compiled = (
                    importlib.util.MAGIC_NUMBER
                    + CHECKED_HASH.to_bytes(4, "little")
                    + importlib.util.source_hash(source)
                    + marshal.dumps(code)
                )
                entry = zipfile.ZipInfo(compiled_name, info.date_time)
                entry.external_attr = info.external_attr
                target.writestr(entry, compiled)
                added.append(record_row(compiled_name, compiled))
        last = rows.pop()  # the RECORD's own row, which stays last
        listed = zipfile.ZipInfo(record.filename, record.date_time)
        listed.external_attr = record.external_attr
        target.writestr(listed, "\\n".join([*rows, *added, last]) + "\\n")
    return written.getvalue(), len(added)
`;

async function main([pyodideDir, stdlib, wheel, output]) {
  if (!output) throw new Error('usage: compile-wheel.mjs PYODIDE_DIR STDLIB WHEEL OUTPUT');
  const indexURL = `${path.resolve(pyodideDir)}/`;
  const { loadPyodide } = await import(pathToFileURL(`${indexURL}pyodide.mjs`).href);
  const pyodide = await loadPyodide({
    indexURL,
    stdLibURL: path.resolve(stdlib),
    env: { PYTHONHASHSEED: '0', PYTHONNODEBUGRANGES: '1' },
  });
  pyodide.runPython(COMPILE);
  const built = new Uint8Array(await readFile(wheel));
  const [bytes, count] = pyodide.globals.get('compiled_wheel')(built).toJs();
  await writeFile(output, bytes);
  console.log(`compiled ${count} modules into ${path.basename(wheel)}: ${bytes.length} bytes`);
}

await main(process.argv.slice(2));
