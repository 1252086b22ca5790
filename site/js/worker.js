// The recognizer, in a module Web Worker: Pyodide runs the page's Python (py/digits/), which
// turns canvas pixels into the model's 28x28 input and calls the TF.js graph model through
// Pyodide's JS bridge. Both runtimes load from this site, in parallel, never from a CDN.

const PYODIDE_URL = new URL('../vendor/pyodide/', import.meta.url).href;
const TFJS_URL = new URL('../vendor/tfjs/tf.mjs', import.meta.url).href;
const TFJS_WASM_URL = new URL('../vendor/tfjs/', import.meta.url).href;
const MODEL_URL = new URL('../model/', import.meta.url).href;
const PY_URL = new URL('../py/', import.meta.url).href;
const PY_MODULES = ['digits/__init__.py', 'digits/preprocess.py', 'digits/recognizer.py'];
const PY_HOME = '/home/pyodide/';
const PREFERRED_BACKENDS = ['wasm', 'cpu'];

let recognizer = null; // the Python module digits.recognizer
let runModel = null; // JS function Python calls with the 28x28 input

function status(stage, message, extra = {}) {
  postMessage({ type: 'status', stage, message, ...extra });
}

const LOADING_STEPS = ['TF.js', 'the model', 'the Python runtime', "the page's Python"];
const stepsDone = [];

/** Bytes this worker has received so far (from the network or a cache). */
function bytesLoaded() {
  return performance
    .getEntriesByType('resource')
    .reduce((total, entry) => total + (entry.encodedBodySize || 0), 0);
}

/** Report one finished loading step; the page shows it while the ~15 MB runtime arrives. */
function stepDone(name) {
  stepsDone.push(name);
  const megabytes = (bytesLoaded() / 1e6).toFixed(1);
  status(
    'loading',
    `Loading… ${stepsDone.length} of ${LOADING_STEPS.length} ready (${stepsDone.join(', ')}), ${megabytes} MB so far`,
    { progress: stepsDone.length / LOADING_STEPS.length },
  );
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}

async function startModel() {
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
  stepDone(LOADING_STEPS[0]);
  const manifest = await (await fetchOk(`${MODEL_URL}manifest.json`)).json();
  const model = await tf.loadGraphModel(`${MODEL_URL}${manifest.model}`);
  const [batch, height, width, channels] = manifest.input.shape;
  const size = batch * height * width * channels;

  /** Called from Python with the input as a Float32Array; returns the ten probabilities. */
  const run = (input) => {
    if (input.length !== size) throw new Error(`model input must have ${size} values`);
    return tf.tidy(() => {
      const output = model.predict(tf.tensor(input, manifest.input.shape, 'float32'));
      return output.dataSync();
    });
  };
  run(new Float32Array(size)); // warm-up: the first call compiles and allocates
  stepDone(LOADING_STEPS[1]);
  return { run, manifest, backend, tfVersion: tf.version_core };
}

async function startPython() {
  const { loadPyodide } = await import(`${PYODIDE_URL}pyodide.mjs`);
  const [pyodide, sources] = await Promise.all([
    loadPyodide({ indexURL: PYODIDE_URL }).then((runtime) => {
      stepDone(LOADING_STEPS[2]);
      return runtime;
    }),
    Promise.all(PY_MODULES.map(async (path) => [path, await (await fetchOk(PY_URL + path)).text()])),
  ]);
  for (const [path, source] of sources) {
    const target = PY_HOME + path;
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
    pyodide.FS.writeFile(target, source);
  }
  const module = pyodide.pyimport('digits.recognizer');
  stepDone(LOADING_STEPS[3]);
  return { pyodide, module };
}

async function start() {
  const started = performance.now();
  status('loading', 'Loading the Python runtime and the model…', { progress: 0 });
  const [python, model] = await Promise.all([startPython(), startModel()]);
  recognizer = python.module;
  runModel = model.run;
  status('ready', 'Ready: draw a digit.', {
    seconds: (performance.now() - started) / 1000,
    backend: model.backend,
    modelVersion: model.manifest.version,
    testAccuracy: model.manifest.test_accuracy,
    pyodideVersion: python.pyodide.version,
    tfjsVersion: model.tfVersion,
  });
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
  status('error', `The recognizer could not start: ${error.message}`);
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
