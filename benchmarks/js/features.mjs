// The exported model's probabilities and features for model inputs, under Node: the same
// TF.js packages (export/web's lock) on the same wasm backend as the page's worker, the two
// outputs fetched by name as site/js/worker-common.js fetches them. Used by
// benchmarks/personal_sim.py.
//
//   node benchmarks/js/features.mjs MODEL_DIR INPUTS_FILE OUTPUT_FILE
//
// INPUTS_FILE holds 784 float32 per input (row-major 28x28, 0-1), little-endian, one after
// another. OUTPUT_FILE gets, per input, the 10 probabilities and then the features (float32).

import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABELS, MNIST_SIZE } from '../../site/js/facts.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'export', 'web', 'package.json'));
const tf = require('@tensorflow/tfjs-core');
const { setWasmPaths } = require('@tensorflow/tfjs-backend-wasm');
const { loadGraphModel } = require('@tensorflow/tfjs-converter');

const INPUT_SIZE = MNIST_SIZE * MNIST_SIZE;
const BATCH = 500;

async function loadModel(modelDir) {
  const modelJson = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8'));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const parts = [];
    for (const group of manifest) {
      for (const path of group.paths) parts.push(await readFile(join(modelDir, path)));
    }
    const data = Buffer.concat(parts);
    return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
  });
  return loadGraphModel(tf.io.fromMemory(artifacts));
}

async function main([modelDir, inputsPath, outputPath]) {
  if (!outputPath) throw new Error('usage: features.mjs MODEL_DIR INPUTS_FILE OUTPUT_FILE');
  setWasmPaths(`${join(ROOT, 'site', 'vendor', 'tfjs')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend did not start');
  const model = await loadModel(modelDir);
  const manifest = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8'));
  if (!manifest.outputs?.features) throw new Error('this model exports no features');
  const names = [manifest.outputs.probabilities, manifest.outputs.features];
  const featureSize = manifest.features.size;
  const row = LABELS.length + featureSize;
  // A copy: a Buffer's bytes are a view into a shared pool, not aligned for float32.
  const inputs = new Float32Array(new Uint8Array(await readFile(inputsPath)).buffer);
  const count = inputs.length / INPUT_SIZE;
  const output = new Float32Array(count * row);
  for (let first = 0; first < count; first += BATCH) {
    const size = Math.min(BATCH, count - first);
    const [probabilities, features] = tf.tidy(() => {
      const batch = inputs.subarray(first * INPUT_SIZE, (first + size) * INPUT_SIZE);
      const tensor = tf.tensor(batch, [size, MNIST_SIZE, MNIST_SIZE, 1]);
      return model.execute(tensor, names).map((result) => result.dataSync());
    });
    for (let index = 0; index < size; index += 1) {
      const at = (first + index) * row;
      output.set(probabilities.subarray(index * LABELS.length, (index + 1) * LABELS.length), at);
      const featuresAt = at + LABELS.length;
      output.set(features.subarray(index * featureSize, (index + 1) * featureSize), featuresAt);
    }
  }
  await writeFile(outputPath, Buffer.from(output.buffer));
}

await main(process.argv.slice(2));
