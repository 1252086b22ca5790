// The recognizer, in a module Web Worker: Pyodide runs the page's Python (py/digits/), which
// turns canvas pixels into the model's 28x28 input and calls the TF.js graph model through
// Pyodide's JS bridge. Both runtimes load from this site, in parallel, never from a CDN.

import { fetchOk, loadModel, modelDetails, progressReporter, status } from './worker-common.js';
import { SNAPSHOTS_POSSIBLE, dropSnapshots, readSnapshot, snapshotKey, writeSnapshot } from './snapshot.js';

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

let recognizer = null; // the Python module digits.recognizer
let runModel = null; // JS function Python calls with the 28x28 input

async function fetchSources() {
  return Promise.all(PY_MODULES.map(async (path) => [path, await (await fetchOk(PY_URL + path)).text()]));
}

/**
 * Python with the page's modules imported: restored from this browser's snapshot when there
 * is a current one (about 0.2 s), else started from scratch (1.6-2.6 s) and a snapshot made
 * for next time. A snapshot that fails to restore is deleted and Python starts afresh.
 */
async function startPython(stepDone) {
  const [{ loadPyodide, version }, sources] = await Promise.all([
    import(`${PYODIDE_URL}pyodide.mjs`),
    fetchSources(),
  ]);
  const key = SNAPSHOTS_POSSIBLE ? await snapshotKey(version, sources) : null;
  const stored = key && (await readSnapshot(key));
  let pyodide = null;
  if (stored) {
    try {
      pyodide = await loadPyodide({ indexURL: PYODIDE_URL, _loadSnapshot: stored });
    } catch (error) {
      console.warn('The Python snapshot did not restore; starting Python from scratch.', error);
      await dropSnapshots();
    }
  }
  const restored = pyodide !== null;
  pyodide ??= await loadPyodide({ indexURL: PYODIDE_URL, _makeSnapshot: key !== null });
  stepDone(STEPS[2]);
  for (const [path, source] of sources) {
    const target = PY_HOME + path;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
    pyodide.FS.writeFile(target, source);
  }
  const module = pyodide.pyimport('digits.recognizer');
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

/** Say what went wrong in the user's terms: most often, files that did not arrive. */
function startFailure(error) {
  const message = String(error?.message ?? error);
  if (/fetch|import|network|answered \d{3}|Failed to load/i.test(message)) {
    return (
      'The recognizer could not start: some of its files could not be downloaded. ' +
      `Check your connection, then press Retry. (${message})`
    );
  }
  return `The recognizer could not start: ${message}`;
}

const starting = start().catch((error) => {
  console.error(error);
  status('error', startFailure(error));
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
