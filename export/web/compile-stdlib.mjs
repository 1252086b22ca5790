// Compile the standard library modules the page imports as it starts into bytecode, in the
// page's own Python: Pyodide under Node (its runtime from PYODIDE_DIR), started as the page's
// worker starts it, from the page's files in PAGE_DIR (the trimmed python_stdlib.zip, the
// lock file and the page's wheel), the page's package loaded and digits.recognizer imported.
// The library is written to OUTPUT with every module then imported from it as `.pyc` in
// place of its `.py`; the rest stay source. Used by `python -m export.runtime`.
//
//   node export/web/compile-stdlib.mjs PYODIDE_DIR PAGE_DIR OUTPUT
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
const PAGE_MODULE = 'digits.recognizer';
const STDLIB_NAME = 'python_stdlib.zip';
const LOCK_NAME = 'pyodide-lock.json';

const COMPILE = `
import importlib.util, io, marshal, sys, zipfile, zipimport

def compiled_stdlib():
    library = next(entry for entry in sys.path if entry.endswith(".zip"))
    prefix = library + "/"
    # Imported from the zip: not the modules frozen into the interpreter (os, site, codecs...),
    # whose __file__ names the zip too, but which never read it.
    imported = {
        module.__file__[len(prefix):]
        for module in list(sys.modules.values())
        if isinstance(getattr(module.__spec__, "loader", None), zipimport.zipimporter)
        and module.__file__.startswith(prefix)
        and module.__file__.endswith(".py")
    }
    written = io.BytesIO()
    with zipfile.ZipFile(library) as source, zipfile.ZipFile(written, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in imported:
                code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
                data = importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code)
                compiled = zipfile.ZipInfo(info.filename + "c", info.date_time)
                compiled.external_attr = info.external_attr
                info = compiled
            target.writestr(info, data)
    return written.getvalue(), len(imported)

compiled_stdlib()
`;

async function main([pyodideDir, pageDir, output]) {
  if (!output) throw new Error('usage: compile-stdlib.mjs PYODIDE_DIR PAGE_DIR OUTPUT');
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
  pyodide.pyimport(PAGE_MODULE);
  const [bytes, count] = pyodide.runPython(COMPILE).toJs();
  await writeFile(output, bytes);
  console.log(`compiled ${count} modules of ${STDLIB_NAME}: ${bytes.length} bytes`);
}

await main(process.argv.slice(2));
