// The recognizer, in a module Web Worker: Pyodide runs the page's Python (py/digits/), which
// turns canvas pixels into the model's 28x28 input and calls the TF.js graph model through
// Pyodide's JS bridge. Both runtimes load from this site, in parallel, never from a CDN.

import { watchDownloads } from './download-watch.js';
import { SNAPSHOTS_POSSIBLE, dropSnapshots, readSnapshot, snapshotKey, writeSnapshot } from './snapshot.js';
import { StartError, startFailureMessage } from './start-errors.js';
import { fetchOk, importModule, loadModel, modelDetails, progressReporter, status } from './worker-common.js';

const PYODIDE_URL = new URL('../vendor/pyodide/', import.meta.url).href;
const PY_URL = new URL('../py/', import.meta.url).href;
const PY_MODULES = [
  'digits/__init__.py',
  'digits/photo.py',
  'digits/preprocess.py',
  'digits/recognizer.py',
];
const PY_HOME = '/home/pyodide/';
const STEPS = ['TF.js', 'the model', 'the Python runtime', "the page's Python"];
// Pyodide's own downloads, in words.
const PYODIDE_FILES = {
  'pyodide.asm.wasm': 'the Python runtime',
  'pyodide.asm.mjs': 'the Python runtime',
  'pyodide-lock.json': "the Python runtime's package list",
  'python_stdlib.zip': "Python's standard library",
};

let recognizer = null; // the Python module digits.recognizer
let runModel = null; // JS function Python calls with the 28x28 input

function describePyodideFile(url) {
  const name = url.slice(PYODIDE_URL.length).split(/[?#]/)[0];
  return `${PYODIDE_FILES[name] ?? 'a file of the Python runtime'} (${name})`;
}

async function fetchSources() {
  return Promise.all(
    PY_MODULES.map(async (path) => {
      const response = await fetchOk(PY_URL + path, `the page's Python (py/${path})`);
      return [path, await response.text()];
    }),
  );
}

/** loadPyodide(), or the first of Pyodide's downloads that failed, named. */
async function loadPyodideWatched(loadPyodide, downloadFailed, options) {
  try {
    return await Promise.race([loadPyodide({ indexURL: PYODIDE_URL, ...options }), downloadFailed]);
  } catch (error) {
    if (error instanceof StartError) throw error;
    if (error instanceof TypeError && /imported module/.test(error.message)) {
      const what = describePyodideFile(`${PYODIDE_URL}pyodide.asm.mjs`);
      throw new StartError(`${what} could not be downloaded`, 'connection');
    }
    // e.g. "Program terminated with exit(1)": Python itself stopped while starting.
    throw new StartError(`the Python runtime stopped while starting (${error.message})`);
  }
}

/** A Python exception in one line: its last line, and where in the page's code it was raised. */
function pythonErrorSummary(error) {
  const traceback = String(error.message).trim();
  const last = traceback.split('\n').at(-1).trim();
  const where = [...traceback.matchAll(/File "([^"]+)", line (\d+)/g)]
    .filter(([, file]) => file.startsWith(PY_HOME))
    .at(-1);
  return where ? `${last} (${where[1].slice(PY_HOME.length)}, line ${where[2]})` : last;
}

/**
 * Python with the page's modules imported: restored from this browser's snapshot when there
 * is a current one (about 0.2 s), else started from scratch (1.6-2.6 s) and a snapshot made
 * for next time. A snapshot that fails to restore is deleted and Python starts afresh.
 */
async function startPython(stepDone) {
  const downloadFailed = watchDownloads(PYODIDE_URL, describePyodideFile);
  const [{ loadPyodide, version }, sources] = await Promise.all([
    importModule(`${PYODIDE_URL}pyodide.mjs`, describePyodideFile(`${PYODIDE_URL}pyodide.mjs`)),
    fetchSources(),
  ]);
  const key = SNAPSHOTS_POSSIBLE ? await snapshotKey(version, sources) : null;
  const stored = key && (await readSnapshot(key));
  let pyodide = null;
  if (stored) {
    try {
      pyodide = await loadPyodideWatched(loadPyodide, downloadFailed, { _loadSnapshot: stored });
    } catch (error) {
      if (error.advice === 'connection') throw error; // a download failed: not the snapshot's fault
      console.warn('The Python snapshot did not restore; starting Python from scratch.', error);
      await dropSnapshots();
    }
  }
  const restored = pyodide !== null;
  pyodide ??= await loadPyodideWatched(loadPyodide, downloadFailed, { _makeSnapshot: key !== null });
  stepDone(STEPS[2]);
  for (const [path, source] of sources) {
    const target = PY_HOME + path;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
    pyodide.FS.writeFile(target, source);
  }
  stepDone.starting(STEPS[3]); // all downloaded: what follows only runs code
  let module;
  try {
    module = pyodide.pyimport('digits.recognizer');
  } catch (error) {
    if (error?.name !== 'PythonError') throw error;
    throw new StartError(`the page's Python failed to import: ${pythonErrorSummary(error)}`, 'fault');
  }
  stepDone(STEPS[3]);
  return { pyodide, module, restored, snapshotKey: restored ? null : key };
}

async function start() {
  const started = performance.now();
  const stepDone = progressReporter(STEPS);
  const [python, model] = await Promise.all([
    startPython(stepDone),
    loadModel({ onTfReady: () => stepDone(STEPS[0]), onModelReady: () => stepDone(STEPS[1]) }),
  ]);
  recognizer = python.module;
  runModel = model.run;
  status('ready', 'Ready: draw a digit.', {
    ...modelDetails(model),
    seconds: (performance.now() - started) / 1000,
    runtime: `Pyodide ${python.pyodide.version}${python.restored ? ', restored from a snapshot' : ''}`,
    stepTimes: stepDone.times,
  });
  // In this same task, so before any recognition runs, yet after the page heard "ready":
  // taking it (~20 ms) does not delay ready, and packing and storing it runs in the background.
  if (python.snapshotKey) saveSnapshot(python.pyodide, python.snapshotKey);
}

function saveSnapshot(pyodide, key) {
  const afresh = 'the next visit starts Python afresh.';
  try {
    writeSnapshot(key, pyodide.makeMemorySnapshot()).catch((error) =>
      console.warn(`The Python snapshot could not be stored; ${afresh}`, error),
    );
  } catch (error) {
    console.warn(`No Python snapshot could be made; ${afresh}`, error);
  }
}

function recognize({ width, height, pixels }) {
  const started = performance.now();
  const proxy = recognizer.recognize(new Uint8Array(pixels), width, height, runModel);
  try {
    const result = proxy.toJs({ dict_converter: Object.fromEntries });
    result.timings.total_ms = performance.now() - started;
    return result;
  } finally {
    proxy.destroy();
  }
}

const starting = start().catch((error) => {
  console.error(error);
  status('error', startFailureMessage(error));
  throw error;
});

self.addEventListener('message', async ({ data }) => {
  if (data.type !== 'recognize') return;
  try {
    await starting;
    postMessage({ type: 'result', id: data.id, ok: true, result: recognize(data) });
  } catch (error) {
    postMessage({ type: 'result', id: data.id, ok: false, error: error.message });
  }
});
