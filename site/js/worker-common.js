// Shared by the recognizer's workers (the product's and the TF.js-only baseline's): status
// messages with loading progress, and the TF.js graph model behind a plain function.

const TFJS_URL = new URL('../vendor/tfjs/tf.mjs', import.meta.url).href;
const TFJS_WASM_URL = new URL('../vendor/tfjs/', import.meta.url).href;
const MODEL_URL = new URL('../model/', import.meta.url).href;
const PREFERRED_BACKENDS = ['wasm', 'cpu'];

let failed = false;

/**
 * Tell the page how loading goes. After an error, nothing more: the steps still running in
 * parallel (TF.js and the model load while Pyodide fails) would otherwise report progress
 * over the error, and the page would show "Loading…" forever with no retry button.
 */
export function status(stage, message, extra = {}) {
  if (failed) return;
  if (stage === 'error') failed = true;
  postMessage({ type: 'status', stage, message, ...extra });
}

export async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}

/** Bytes this worker has received so far (from the network or a cache). */
function bytesLoaded() {
  return performance
    .getEntriesByType('resource')
    .reduce((total, entry) => total + (entry.encodedBodySize || 0), 0);
}

/**
 * Loading progress by named steps; the page shows it while the runtime arrives. The returned
 * function marks a step done; its `times` holds when each finished (ms since worker start).
 */
export function progressReporter(steps) {
  const done = [];
  status('loading', 'Loading the recognizer…', { progress: 0 });
  const stepDone = (name) => {
    done.push(name);
    stepDone.times[name] = Math.round(performance.now());
    const megabytes = (bytesLoaded() / 1e6).toFixed(1);
    status(
      'loading',
      `Loading… ${done.length} of ${steps.length} ready (${done.join(', ')}), ${megabytes} MB so far`,
      { progress: done.length / steps.length },
    );
  };
  stepDone.times = {};
  return stepDone;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetch a model file and check it against the manifest's SHA-256: a damaged or mixed-up
 * file is refused with a clear message instead of giving wrong answers. (crypto.subtle only
 * exists in secure contexts; served over plain HTTP to another host, the check is skipped.)
 */
async function verifiedFetch(url, expectedHashes) {
  const response = await fetchOk(url);
  const name = decodeURIComponent(new URL(url, self.location.href).pathname.split('/').pop());
  const expected = expectedHashes[name];
  if (!expected || !self.crypto?.subtle) return response;
  const bytes = await response.arrayBuffer();
  if ((await sha256Hex(bytes)) !== expected) {
    throw new Error(`the model file ${name} is damaged (its checksum does not match the manifest)`);
  }
  return new Response(bytes, { status: response.status, headers: response.headers });
}

/**
 * Load TF.js (wasm backend: SIMD, and threads when the page is cross-origin isolated; cpu as
 * the fallback) and the graph model. Returns `run(Float32Array) -> Float32Array`.
 */
export async function loadModel({ onTfReady = () => {}, onModelReady = () => {} } = {}) {
  const tf = await import(TFJS_URL);
  tf.setWasmPaths(TFJS_WASM_URL);
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
  if (!backend) throw new Error('no TF.js backend could start');
  if (backend === 'wasm') {
    const threads = tf.getThreadsCount();
    backend = `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
  }
  onTfReady();
  let manifest;
  try {
    manifest = await (await fetchOk(`${MODEL_URL}manifest.json`)).json();
  } catch (error) {
    throw new Error(`the model's manifest could not be read (${error.message})`);
  }
  const model = await tf.loadGraphModel(`${MODEL_URL}${manifest.model}`, {
    fetchFunc: (url) => verifiedFetch(url, manifest.files ?? {}),
  });
  const size = manifest.input.shape.reduce((product, side) => product * side, 1);

  const run = (input) => {
    if (input.length !== size) throw new Error(`model input must have ${size} values`);
    return tf.tidy(() => model.predict(tf.tensor(input, manifest.input.shape, 'float32')).dataSync());
  };
  run(new Float32Array(size)); // warm-up: the first call compiles and allocates
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
