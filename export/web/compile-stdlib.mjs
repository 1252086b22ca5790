// Compile the standard library modules the page imports as it starts into bytecode, in the
// page's own Python: Pyodide under Node (its runtime from PYODIDE_DIR), started as the page's
// worker starts it, from the page's files in PAGE_DIR (the trimmed python_stdlib.zip, the
// lock file and the page's wheel), the page's package loaded and its modules imported as the
// worker imports them. The library is written in two zips: OUTPUT, with every module then
// imported from it as `.pyc` in place of its `.py` (and the modules frozen into the
// interpreter as source), and the list of the rest; REST_OUTPUT, the rest, as source: the
// modules the page can reach but a start does not import, which the page downloads only if
// one is imported (py/digits/library.py). Used by `python -m export.runtime`.
//
//   node export/web/compile-stdlib.mjs PYODIDE_DIR PAGE_DIR OUTPUT REST_OUTPUT
//
// Why: Python ships its library as source, and compiling the ~130 modules a start imports is
// most of a cold start's time in the browser (see the README's "Speed"). Bytecode is
// CPython-version specific, which is why Pyodide's own build of Python compiles it, here.
// PYTHONHASHSEED is fixed so the same sources give the same bytes (a frozenset constant's
// order follows string hashes); PYTHONNODEBUGRANGES leaves out the column ranges (tracebacks
// keep file and line, and lose only the ^^^ marks under stdlib lines), a quarter of the size.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PAGE_PACKAGE = 'digits';
// What the page's worker imports as it starts (site/js/worker.js), in its order.
const PAGE_MODULES = ['digits.library', 'digits.recognizer'];
const STDLIB_NAME = 'python_stdlib.zip';
const LOCK_NAME = 'pyodide-lock.json';

const COMPILE = `
import importlib.util, io, marshal, sys, zipfile, zipimport
from digits import library

def module_name(entry):
    parts = entry.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

def split_stdlib():
    first = library.library_zip()
    prefix = first + "/"
    started = {
        module.__file__[len(prefix):]: module
        for module in list(sys.modules.values())
        if (getattr(module, "__file__", None) or "").startswith(prefix)
        and module.__file__.endswith(".py")
    }
    # Imported from the zip: not the modules frozen into the interpreter (os, site, codecs...),
    # whose __file__ names the zip too, but which never read it. Those stay source, in the first.
    imported = {
        entry for entry, module in started.items()
        if isinstance(getattr(module.__spec__, "loader", None), zipimport.zipimporter)
    }
    written, rest = io.BytesIO(), io.BytesIO()
    later = []
    with (
        zipfile.ZipFile(first) as source,
        zipfile.ZipFile(written, "w") as target,
        zipfile.ZipFile(rest, "w") as rest_target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".py") and info.filename not in started:
                later.append(module_name(info.filename))
                rest_target.writestr(info, data)
                continue
            if info.filename in imported:
                code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
                data = importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code)
                compiled = zipfile.ZipInfo(info.filename + "c", info.date_time)
                compiled.external_attr = info.external_attr
                info = compiled
            target.writestr(info, data)
        listed = zipfile.ZipInfo(library.REST_LIST, source.infolist()[0].date_time)
        target.writestr(listed, "".join(f"{name}\\n" for name in sorted(later)))
    return written.getvalue(), rest.getvalue(), len(imported), len(later)

split_stdlib()
`;

async function main([pyodideDir, pageDir, output, restOutput]) {
  if (!restOutput) {
    throw new Error('usage: compile-stdlib.mjs PYODIDE_DIR PAGE_DIR OUTPUT REST_OUTPUT');
  }
  const indexURL = `${path.resolve(pyodideDir)}/`;
  const page = `${path.resolve(pageDir)}/`;
  const { loadPyodide } = await import(pathToFileURL(`${indexURL}pyodide.mjs`).href);
  const pyodide = await loadPyodide({
    indexURL,
    stdLibURL: `${page}${STDLIB_NAME}`,
    lockFileContents: JSON.parse(await readFile(`${page}${LOCK_NAME}`, 'utf8')),
    packageBaseUrl: page,
    env: { PYTHONHASHSEED: '0', PYTHONNODEBUGRANGES: '1' },
  });
  await pyodide.loadPackage(PAGE_PACKAGE, { messageCallback: () => {} });
  for (const name of PAGE_MODULES) pyodide.pyimport(name);
  const [bytes, restBytes, compiled, later] = pyodide.runPython(COMPILE).toJs();
  await writeFile(output, bytes);
  await writeFile(restOutput, restBytes);
  console.log(
    `compiled ${compiled} modules of ${STDLIB_NAME}: ${bytes.length} bytes; ` +
      `${later} modules a start does not import apart: ${restBytes.length} bytes`,
  );
}

await main(process.argv.slice(2));
