// Shared by the recognizer's workers (the product's and the TF.js-only baseline's): the
// answers to the page's messages (protocol.js), status messages with loading progress,
// downloads that fail in words, and the TF.js graph model, verified against its manifest,
// behind a plain function.

import { LABELS } from './facts.js';
import { MESSAGE, resultMessage, statusMessage, stepStartingMessage } from './protocol.js';
import { sha256Hex } from './sha256.js';
import { StartError } from './start-errors.js';

const TFJS_URL = new URL('../vendor/tfjs/tf.mjs', import.meta.url).href;
const TFJS_WASM_URL = new URL('../vendor/tfjs/', import.meta.url).href;
const MODEL_URL = new URL('../model/', import.meta.url).href;
const MANIFEST_NAME = 'manifest.json';
const PREFERRED_BACKENDS = ['wasm', 'cpu'];
// TF.js's wasm backend runs a model on half the logical cores, 1 to 4 threads. Below 4 cores
// that is one thread, and its threaded build then only costs: it starts 8 idle pthread
// workers before it is ready (0.4-0.5 s against 0.04-0.1 s for the single-threaded build on
// a 2-core machine, measured in Chromium) for no faster a model. There the single-threaded
// SIMD build is used; with 4 cores or more (most phones), the threaded one, as TF.js chooses.
const MIN_CORES_FOR_THREADS = 4;

let failed = false;

/**
 * Tell the page how loading goes. After an error, nothing more: the steps still running in
 * parallel (TF.js and the model load while Pyodide fails) would otherwise report progress
 * over the error, and the page would show "Loading…" forever with no retry button.
 */
export function status(stage, message, extra = {}) {
  if (failed) return;
  if (stage === 'error') failed = true;
  postMessage(statusMessage(stage, message, extra));
}

const CANNOT_LEARN = 'This recognizer does not learn handwriting.';

/**
 * Answer the page's recognize and personal messages: each waits until the worker has started
 * (`starting`), then `recognize(request, started)` or `personalize(request, started)` runs
 * with what `starting` resolved to. Personal requests run one after another, in the order
 * sent (a correction made while the stored examples load lands after them). A failure, the
 * start's included, is answered as an error, never left unanswered; a worker that cannot
 * learn (no `personalize`) says so.
 */
export function serveRecognitions(starting, recognize, personalize = null) {
  let personalQueue = Promise.resolve();
  const answer = async (id, work) => {
    try {
      postMessage(resultMessage(id, { result: await work() }));
    } catch (error) {
      postMessage(resultMessage(id, { error: error.message }));
    }
  };
  self.addEventListener('message', ({ data }) => {
    if (data.type === MESSAGE.RECOGNIZE) {
      answer(data.id, async () => recognize(data, await starting));
    } else if (data.type === MESSAGE.PERSONAL) {
      const work = async () => {
        if (!personalize) throw new Error(CANNOT_LEARN);
        return personalize(data, await starting);
      };
      personalQueue = personalQueue.then(() => answer(data.id, work));
    }
  });
}

function fileName(url) {
  return decodeURIComponent(new URL(url, self.location.href).pathname.split('/').pop());
}

/** fetch(), where a file that does not arrive is a StartError naming it (`what`, in words). */
export async function fetchOk(url, what = fileName(url)) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new StartError(`${what} could not be downloaded (${error.message})`, 'connection');
  }
  if (!response.ok) {
    const reason = `the server answered ${response.status}`;
    throw new StartError(`${what} could not be downloaded: ${reason}`, 'connection');
  }
  return response;
}

/** import(), where a module that does not arrive, or does not run, is a StartError naming it. */
export async function importModule(url, what) {
  try {
    return await import(url);
  } catch (error) {
    if (error instanceof TypeError && /imported module/.test(error.message)) {
      throw new StartError(`${what} could not be downloaded`, 'connection');
    }
    throw new StartError(`${what} could not run (${error.message})`, 'fault');
  }
}

/** Bytes this worker has received so far (from the network or a cache). */
function bytesLoaded() {
  return performance
    .getEntriesByType('resource')
    .reduce((total, entry) => total + (entry.encodedBodySize || 0), 0);
}

/**
 * Loading progress by named steps; the page shows it while the runtime arrives, and each
 * message names the steps still awaited (`waitingFor`), which the page's deadline reports if
 * loading stalls. The returned function marks a step done; its `times` holds when each
 * finished (ms since worker start); `starting(name)` says a step has all its files and now
 * only runs code.
 */
export function progressReporter(steps) {
  const done = [];
  const waitingFor = () => steps.filter((step) => !done.includes(step));
  status('loading', 'Loading the recognizer…', { progress: 0, waitingFor: waitingFor() });
  const stepDone = (name) => {
    done.push(name);
    stepDone.times[name] = Math.round(performance.now());
    const megabytes = (bytesLoaded() / 1e6).toFixed(1);
    status(
      'loading',
      `Loading… ${done.length} of ${steps.length} ready (${done.join(', ')}), ${megabytes} MB so far`,
      { progress: done.length / steps.length, waitingFor: waitingFor() },
    );
  };
  stepDone.times = {};
  stepDone.starting = (name) => {
    if (!failed) postMessage(stepStartingMessage(name));
  };
  return stepDone;
}

/**
 * Fetch a model file and check it against the manifest's SHA-256: a damaged, mixed-up or
 * unlisted file is refused with a clear message instead of giving wrong answers. Fails
 * closed: a file the manifest has no checksum for is refused too.
 */
async function verifiedFetch(url, expectedHashes) {
  const name = fileName(url);
  const expected = expectedHashes[name];
  if (!expected) {
    const problem = 'has no checksum in the manifest, so it cannot be verified';
    throw new StartError(`the model file ${name} ${problem}`, 'fault');
  }
  const response = await fetchOk(url, `the model file ${name}`);
  const bytes = await response.arrayBuffer();
  if ((await sha256Hex(bytes)) !== expected) {
    throw new StartError(
      `the model file ${name} is damaged (its checksum does not match the manifest)`,
    );
  }
  return new Response(bytes, { status: response.status, headers: response.headers });
}

/** What the model's manifest lacks for loading, in words; null when it has it all. */
function manifestProblem(manifest) {
  if (typeof manifest?.model !== 'string' || !manifest.model) return 'names no model file';
  if (typeof manifest.files?.[manifest.model] !== 'string') {
    return 'has no checksums for the model files, so the model cannot be verified';
  }
  if (!Array.isArray(manifest.input?.shape)) return "does not give the model's input shape";
  if (
    manifest.outputs &&
    !(Number.isInteger(manifest.features?.size) && manifest.features.size > 0)
  ) {
    return 'names a features output but not its size';
  }
  // The page names output i LABELS[i]: a model whose outputs mean something else is refused.
  if (!Array.isArray(manifest.labels) || manifest.labels.join() !== LABELS.join()) {
    return `does not have the labels ${LABELS.join(', ')} (its outputs would be misnamed)`;
  }
  return null;
}

/** The model's manifest, refused when it lacks what loading needs. */
async function readManifest() {
  const what = `the model's manifest (model/${MANIFEST_NAME})`;
  let manifest;
  try {
    manifest = await (await fetchOk(`${MODEL_URL}${MANIFEST_NAME}`, what)).json();
  } catch (error) {
    if (error instanceof StartError) throw error;
    throw new StartError(`${what} could not be read (${error.message})`, 'fault');
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new StartError(`${what} ${problem}`, 'fault');
  return manifest;
}

/**
 * Load TF.js (wasm backend: SIMD, and threads when the page is cross-origin isolated and the
 * device has the cores for more than one; cpu as the fallback) and the graph model. Returns
 * `run(Float32Array) -> Float32Array`, whose `run.input` is the model's own input buffer:
 * `run()` runs the model on what it holds.
 */
export async function loadModel({ onTfReady = () => {}, onModelReady = () => {} } = {}) {
  const tf = await importModule(TFJS_URL, 'TF.js (tf.mjs)');
  tf.setWasmPaths(TFJS_WASM_URL);
  if ((navigator.hardwareConcurrency ?? 1) < MIN_CORES_FOR_THREADS) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  let backend = null;
  for (const name of PREFERRED_BACKENDS) {
    try {
      if (await tf.setBackend(name)) {
        backend = name;
        break;
      }
    } catch (error) {
      console.warn(`TF.js backend ${name} failed`, error);
    }
  }
  if (!backend) throw new StartError('no TF.js backend could start');
  if (backend === 'wasm') {
    const threads = tf.getThreadsCount();
    backend = `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
  }
  onTfReady();
  const manifest = await readManifest();
  let model;
  try {
    model = await tf.loadGraphModel(`${MODEL_URL}${manifest.model}`, {
      fetchFunc: (url) => verifiedFetch(url, manifest.files),
    });
  } catch (error) {
    if (error instanceof StartError) throw error;
    throw new StartError(`the model could not be loaded (${error.message})`);
  }
  const size = manifest.input.shape.reduce((product, side) => product * side, 1);
  // The penultimate features (export/tfjs.py), fetched in the same run as the probabilities:
  // the page's Python compares them with the person's corrected examples (digits.personal).
  // A model exported without them still recognizes; it just cannot learn a handwriting.
  const outputs = manifest.outputs
    ? [manifest.outputs.probabilities, manifest.outputs.features]
    : null;
  const featureSize = outputs ? manifest.features.size : 0;

  // The model's input, kept for the life of the worker: the page's Python copies its floats
  // straight into it (one memcpy) and calls run() with no argument, so no new array is made
  // and converted at the Python-JS boundary on each recognition (digits.recognizer). The
  // features of the last run are left in `run.features` alike.
  const input = new Float32Array(size);
  const features = outputs ? new Float32Array(featureSize) : null;
  const run = (values = input) => {
    if (values.length !== size) throw new Error(`model input must have ${size} values`);
    return tf.tidy(() => {
      const tensor = tf.tensor(values, manifest.input.shape, 'float32');
      if (!outputs) return model.predict(tensor).dataSync();
      const [probabilities, lastFeatures] = model.execute(tensor, outputs);
      features.set(lastFeatures.dataSync());
      return probabilities.dataSync();
    });
  };
  run.input = input;
  run.features = features;
  /**
   * The probabilities of `count` inputs laid end to end in `inputs`, in ONE model call (a
   * number's digits); their features are left in `run.batchFeatures` alike.
   */
  run.batch = (inputs, count) =>
    tf.tidy(() => {
      const tensor = tf.tensor(inputs, [count, ...manifest.input.shape.slice(1)], 'float32');
      if (!outputs) return model.predict(tensor).dataSync();
      const [probabilities, batchFeatures] = model.execute(tensor, outputs);
      run.batchFeatures = batchFeatures.dataSync();
      return probabilities.dataSync();
    });
  run.batchFeatures = null;
  /** The features of `count` inputs laid end to end in `inputs` (one batched call). */
  run.featuresOf = outputs
    ? (inputs, count) =>
        tf.tidy(() => {
          const shape = [count, ...manifest.input.shape.slice(1)];
          return model.execute(tf.tensor(inputs, shape, 'float32'), outputs[1]).dataSync();
        })
    : null;
  run(); // warm-up: the first call compiles and allocates
  run.featuresOf?.(input, 1); // and the first for the features alone plans its own execution
  run.batch(new Float32Array(2 * size), 2); // and a batch of several, as a number's digits
  onModelReady();
  return { run, manifest, backend, tfVersion: tf.version_core };
}

/** What the page needs to know about the loaded model (shown, and the uncertainty rule). */
export function modelDetails(model) {
  return {
    backend: model.backend,
    modelVersion: model.manifest.version,
    testAccuracy: model.manifest.test_accuracy,
    // Below this top probability the page says it is not sure (calibrated in training/).
    uncertainBelow: model.manifest.uncertain_below ?? null,
    tfjsVersion: model.tfVersion,
  };
}
