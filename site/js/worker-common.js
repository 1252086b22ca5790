// Shared by the recognizer's workers (the product's and the TF.js-only baseline's): status
// messages with loading progress, and the TF.js graph model behind a plain function.

const TFJS_URL = new URL('../vendor/tfjs/tf.mjs', import.meta.url).href;
const TFJS_WASM_URL = new URL('../vendor/tfjs/', import.meta.url).href;
const MODEL_URL = new URL('../model/', import.meta.url).href;
const PREFERRED_BACKENDS = ['wasm', 'cpu'];

export function status(stage, message, extra = {}) {
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
  const manifest = await (await fetchOk(`${MODEL_URL}manifest.json`)).json();
  const model = await tf.loadGraphModel(`${MODEL_URL}${manifest.model}`);
  const size = manifest.input.shape.reduce((product, side) => product * side, 1);

  const run = (input) => {
    if (input.length !== size) throw new Error(`model input must have ${size} values`);
    return tf.tidy(() => model.predict(tf.tensor(input, manifest.input.shape, 'float32')).dataSync());
  };
  run(new Float32Array(size)); // warm-up: the first call compiles and allocates
  onModelReady();
  return { run, manifest, backend, tfVersion: tf.version_core };
}
