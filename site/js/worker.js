// The recognizer, in a module Web Worker: Pyodide runs the page's Python (py/digits/, shipped
// as a wheel), which turns canvas pixels into the model's 28x28 input and calls the TF.js graph
// model through Pyodide's JS bridge. Both runtimes load from this site, in parallel, never
// from a CDN.

import { watchDownloads } from './download-watch.js';
import { EXAMPLE_INPUT_SCALE, RECOGNIZE_MODES } from './protocol.js';
import { sha256Hex } from './sha256.js';
import {
  dropSnapshots,
  findSnapshot,
  SNAPSHOTS_POSSIBLE,
  snapshotKey,
  writeSnapshot,
} from './snapshot.js';
import { StartError, startFailureMessage } from './start-errors.js';
import {
  fetchOk,
  importModule,
  loadModel,
  modelDetails,
  progressReporter,
  serveRecognitions,
  status,
} from './worker-common.js';

const PYODIDE_URL = new URL('../vendor/pyodide/', import.meta.url).href;
// The lock file `python -m export.runtime` writes: Pyodide's own, with the page's wheel added.
const LOCK_URL = `${PYODIDE_URL}pyodide-lock.json`;
// The page's Python: the package Pyodide loads by name from the lock file (which holds the
// wheel's SHA-256, checked as it downloads), and its one entry point.
const PAGE_PACKAGE = 'digits';
const PAGE_MODULE = 'digits.recognizer';
// Imported first: it fetches the modules of Python's library that a start does not import
// (python_stdlib_rest.zip, beside Pyodide's files) if one is ever imported.
const LIBRARY_MODULE = 'digits.library';
// Where the installed package's files are, in a Python traceback.
const PAGE_CODE = new RegExp(`/site-packages/(${PAGE_PACKAGE}/[^"]+)$`);
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
// Stored examples get their features this many to a model call: a start with many examples
// stored then lets the page's recognitions run between calls.
const FEATURE_BATCH = 64;
const CANNOT_LEARN_MODEL =
  'This model cannot learn your handwriting: it was exported without its features.';

function describePyodideFile(url) {
  const name = url.slice(PYODIDE_URL.length).split(/[?#]/)[0];
  // The only wheel the page loads is its own: Pyodide's packages are not shipped.
  const what = name.endsWith('.whl') ? "the page's Python" : PYODIDE_FILES[name];
  return `${what ?? 'a file of the Python runtime'} (${name})`;
}

/** The lock file, and the SHA-256 of the page's wheel in it (it keys the Python snapshot). */
async function readLock() {
  const what = describePyodideFile(LOCK_URL);
  const response = await fetchOk(LOCK_URL, what);
  let lock;
  try {
    lock = await response.json();
  } catch (error) {
    throw new StartError(`${what} could not be read (${error.message})`, 'fault');
  }
  const wheelSha256 = lock?.packages?.[PAGE_PACKAGE]?.sha256;
  if (typeof wheelSha256 !== 'string' || !wheelSha256) {
    throw new StartError(`${what} does not list the page's Python`, 'fault');
  }
  return { lock, wheelSha256 };
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

/**
 * Install the page's Python package: Pyodide downloads its wheel, checks it against the lock
 * file's SHA-256 and unpacks it. If it fails, say why, in words.
 */
async function loadPagePython(pyodide, lock) {
  const errors = [];
  await pyodide.loadPackage(PAGE_PACKAGE, {
    messageCallback: () => {},
    errorCallback: (message) => errors.push(message),
  });
  if (PAGE_PACKAGE in pyodide.loadedPackages) return;
  // Pyodide only says it failed, and a download that failed (a 404 too) and one that does not
  // match its SHA-256 fail alike (fetch's integrity check): ask again, unchecked, to tell.
  const { file_name: fileName, sha256 } = lock.packages[PAGE_PACKAGE];
  const url = new URL(fileName, PYODIDE_URL).href;
  const what = describePyodideFile(url);
  const response = await fetchOk(url, what);
  if ((await sha256Hex(await response.arrayBuffer())) !== sha256) {
    const reason = "it does not match the lock file's SHA-256";
    throw new StartError(`${what} arrived damaged (${reason})`, 'connection');
  }
  const reason = errors.at(-1) ?? 'no reason given';
  throw new StartError(`${what} could not be installed (${reason})`, 'fault');
}

/** A Python exception in one line: its last line, and where in the page's code it was raised. */
function pythonErrorSummary(error) {
  const traceback = String(error.message).trim();
  const last = traceback.split('\n').at(-1).trim();
  const where = [...traceback.matchAll(/File "([^"]+)", line (\d+)/g)]
    .map(([, file, line]) => [file.match(PAGE_CODE)?.[1], line])
    .filter(([file]) => file)
    .at(-1);
  return where ? `${last} (${where[0]}, line ${where[1]})` : last;
}

/**
 * Python with the page's modules imported: restored from this browser's snapshot when there
 * is a current one (about 0.2 s), else started from scratch (1.6-2.6 s), the page's package
 * loaded, and a snapshot made for next time. A snapshot that fails to restore is deleted and
 * Python starts afresh.
 *
 * A restored snapshot holds the page's modules imported, so its wheel is not loaded again
 * (its files are then not on Pyodide's file system: the page's Python imports all its
 * modules when digits.recognizer is imported, which tests/test_export_site.py checks).
 */
async function startPython(stepDone) {
  const downloadFailed = watchDownloads(PYODIDE_URL, describePyodideFile);
  const [{ loadPyodide, version }, { lock, wheelSha256 }] = await Promise.race([
    Promise.all([
      importModule(`${PYODIDE_URL}pyodide.mjs`, describePyodideFile(`${PYODIDE_URL}pyodide.mjs`)),
      readLock(),
    ]),
    downloadFailed,
  ]);
  const key = SNAPSHOTS_POSSIBLE ? await snapshotKey(version, wheelSha256) : null;
  const stored = key && (await findSnapshot(key));
  // The lock file read once, here: Pyodide takes it as it is, and finds the wheel beside it.
  const options = { lockFileContents: lock, packageBaseUrl: PYODIDE_URL };
  let pyodide = null;
  if (stored) {
    try {
      pyodide = await loadPyodideWatched(loadPyodide, downloadFailed, {
        ...options,
        _loadSnapshot: stored.bytes, // still unpacking: Pyodide awaits it
      });
    } catch (error) {
      if (error.advice === 'connection') throw error; // a download failed: not the snapshot's fault
      console.warn('The Python snapshot did not restore; starting Python from scratch.', error);
      await dropSnapshots();
    }
  }
  const restored = pyodide !== null;
  pyodide ??= await loadPyodideWatched(loadPyodide, downloadFailed, {
    ...options,
    _makeSnapshot: key !== null,
  });
  stepDone(STEPS[2]);
  if (!restored) await loadPagePython(pyodide, lock);
  stepDone.starting(STEPS[3]); // all downloaded: what follows only runs code
  let module;
  try {
    const library = pyodide.pyimport(LIBRARY_MODULE);
    library.install(PYODIDE_URL);
    library.destroy();
    module = pyodide.pyimport(PAGE_MODULE);
  } catch (error) {
    if (error?.name !== 'PythonError') throw error;
    throw new StartError(
      `the page's Python failed to import: ${pythonErrorSummary(error)}`,
      'fault',
    );
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
  runModel = pythonFacing(model.run);
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

/**
 * Store a snapshot of Python's memory as it is now. Pyodide 314 snapshots only a runtime
 * that has loaded no package (its list of loaded packages must be empty), so the list is
 * emptied while the memory is copied and restored at once: a restored runtime holds the
 * page's modules imported, and never needs the package loaded (startPython).
 */
function saveSnapshot(pyodide, key) {
  const afresh = 'the next visit starts Python afresh.';
  const loaded = { ...pyodide.loadedPackages };
  let bytes;
  try {
    for (const name of Object.keys(loaded)) delete pyodide.loadedPackages[name];
    bytes = pyodide.makeMemorySnapshot();
  } catch (error) {
    console.warn(`No Python snapshot could be made; ${afresh}`, error);
    return;
  } finally {
    Object.assign(pyodide.loadedPackages, loaded);
  }
  writeSnapshot(key, bytes).catch((error) =>
    console.warn(`The Python snapshot could not be stored; ${afresh}`, error),
  );
}

/**
 * The model's run() as the page's Python calls it: `batch` takes the inputs as Python's
 * array('f') (a PyProxy) and reads its buffer in place, without a copy.
 */
function pythonFacing(run) {
  const batch = run.batch;
  run.batch = (values, count) => {
    if (!values.getBuffer) return batch(values, count);
    const buffer = values.getBuffer('f32');
    try {
      return batch(buffer.data, count);
    } finally {
      buffer.release();
    }
  };
  return run;
}

function recognize({ width, height, pixels, mode, strokes }) {
  const started = performance.now();
  const image = new Uint8Array(pixels);
  const proxy =
    mode === RECOGNIZE_MODES.NUMBER
      ? // undefined, not null, for no strokes: Pyodide gives Python None for undefined only.
        recognizer.recognize_number(image, width, height, strokes ?? undefined, runModel)
      : recognizer.recognize(image, width, height, runModel);
  try {
    const result = proxy.toJs({ dict_converter: Object.fromEntries });
    result.timings.total_ms = performance.now() - started;
    return result;
  } finally {
    proxy.destroy();
  }
}

/**
 * The examples' model inputs (0-1, laid end to end: the page's Python compares shapes with
 * them) and their features, one batched model call per FEATURE_BATCH of them.
 */
async function inputsAndFeaturesOf(examples) {
  const size = runModel.input.length;
  const featureSize = runModel.features.length;
  const inputs = new Float32Array(examples.length * size);
  const features = new Float32Array(examples.length * featureSize);
  examples.forEach(({ input }, index) => {
    if (input?.length !== size) throw new Error(`An example is not a ${size}-pixel image.`);
    for (let pixel = 0; pixel < size; pixel += 1) {
      inputs[index * size + pixel] = input[pixel] / EXAMPLE_INPUT_SCALE;
    }
  });
  for (let first = 0; first < examples.length; first += FEATURE_BATCH) {
    const count = Math.min(FEATURE_BATCH, examples.length - first);
    const batch = inputs.slice(first * size, (first + count) * size);
    features.set(runModel.featuresOf(batch, count), first * featureSize);
    // Let a recognition the page asked for meanwhile run before the next batch.
    if (first + FEATURE_BATCH < examples.length)
      await new Promise((resolve) => setTimeout(resolve));
  }
  return { inputs, features };
}

/** Change the person's examples the page's Python holds (protocol.js: PERSONAL). */
async function personalize({ op, examples = [], ids = [] }) {
  if (!runModel.featuresOf) throw new Error(CANNOT_LEARN_MODEL);
  let proxy;
  try {
    if (op === 'remove') {
      proxy = recognizer.personalize(op, ids);
    } else {
      const { inputs, features } = await inputsAndFeaturesOf(examples);
      const exampleIds = examples.map(({ id }) => String(id));
      const labels = examples.map(({ label }) => String(label));
      const size = runModel.features.length;
      // Python's keyword arguments go last, as a plain object (Pyodide's callKwargs).
      proxy = recognizer.personalize.callKwargs(op, exampleIds, labels, features, size, {
        inputs,
      });
    }
  } catch (error) {
    if (error?.name !== 'PythonError') throw error;
    throw new Error(`The examples could not be used: ${pythonErrorSummary(error)}`);
  }
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries });
  } finally {
    proxy.destroy();
  }
}

const starting = start().catch((error) => {
  console.error(error);
  status('error', startFailureMessage(error));
  throw error;
});

serveRecognitions(starting, recognize, personalize);
