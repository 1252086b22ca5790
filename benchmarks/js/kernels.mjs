// Where one inference's time goes: the shipped graph model (site/model) run as the page runs
// it, on TF.js's wasm backend (SIMD, one thread, as on a device with fewer than 4 cores), under
// Node with export/web's TF.js packages. Prints the median of a whole call (tensor in,
// probabilities out) over RUNS calls, and the median time of each kernel from tf.profile.
//
//   node benchmarks/js/kernels.mjs [RUNS]

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNIST_SIZE } from '../../site/js/facts.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODEL_DIR = join(ROOT, 'site', 'model');
const require = createRequire(join(ROOT, 'export', 'web', 'package.json'));
const tf = require('@tensorflow/tfjs-core');
const { setThreadsCount } = require('@tensorflow/tfjs-backend-wasm');
const { loadGraphModel } = require('@tensorflow/tfjs-converter');

const RUNS = Number(process.argv[2] ?? 200);
const WARM_UP_RUNS = 20;
const PROFILED_RUNS = 30;
const SHAPE = [1, MNIST_SIZE, MNIST_SIZE, 1];

async function loadModel() {
  const modelJson = JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8'));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const parts = [];
    for (const group of manifest) {
      for (const path of group.paths) parts.push(await readFile(join(MODEL_DIR, path)));
    }
    const data = Buffer.concat(parts);
    const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return [manifest.flatMap((group) => group.weights), buffer];
  });
  return loadGraphModel(tf.io.fromMemory(artifacts));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

setThreadsCount(1);
await tf.setBackend('wasm');
await tf.ready();
const model = await loadModel();
const manifest = JSON.parse(await readFile(join(MODEL_DIR, 'manifest.json'), 'utf8'));
const outputs = [manifest.outputs.probabilities, manifest.outputs.features];
const input = new Float32Array(MNIST_SIZE * MNIST_SIZE).map(() => Math.random());
const call = () =>
  tf.tidy(() => {
    const [probabilities, features] = model.execute(tf.tensor(input, SHAPE), outputs);
    features.dataSync();
    return probabilities.dataSync();
  });

for (let run = 0; run < WARM_UP_RUNS; run++) call();
const calls = [];
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  call();
  calls.push(performance.now() - start);
}
console.log(`TF.js ${tf.version_core}, ${tf.getBackend()} backend, one thread`);
console.log(`whole call (both outputs): median ${median(calls).toFixed(3)} ms over ${RUNS}`);

const kernels = new Map();
for (let run = 0; run < PROFILED_RUNS; run++) {
  const profile = await tf.profile(call);
  profile.kernels.forEach((kernel, index) => {
    const key = `${String(index).padStart(2)} ${kernel.name} ${JSON.stringify(kernel.outputShapes)}`;
    if (!kernels.has(key)) kernels.set(key, []);
    kernels.get(key).push(kernel.kernelTimeMs);
  });
}
let total = 0;
for (const [key, times] of kernels) {
  if (key.includes('__op')) continue; // the op wrapper around the kernel above it
  total += median(times);
  console.log(`  ${key.padEnd(44)} ${median(times).toFixed(3)} ms`);
}
console.log(
  `  sum of kernel medians ${total.toFixed(3)} ms (profiled, over ${PROFILED_RUNS} calls)`,
);
