// The exported model's probabilities and features for model inputs, under Node (model.mjs:
// as the page's worker runs it), the two outputs fetched by name as site/js/worker-common.js
// fetches them. Used by benchmarks/personal_sim.py.
//
//   node benchmarks/js/features.mjs MODEL_DIR INPUTS_FILE OUTPUT_FILE
//
// INPUTS_FILE holds 784 float32 per input (row-major 28x28, 0-1), little-endian, one after
// another. OUTPUT_FILE gets, per input, the 10 probabilities and then the features (float32).

import { readFile, writeFile } from 'node:fs/promises';
import { LABELS, MNIST_SIZE } from '../../site/js/facts.js';
import { loadModel, startWasm, tf } from './model.mjs';

const INPUT_SIZE = MNIST_SIZE * MNIST_SIZE;
const BATCH = 500;

async function main([modelDir, inputsPath, outputPath]) {
  if (!outputPath) throw new Error('usage: features.mjs MODEL_DIR INPUTS_FILE OUTPUT_FILE');
  await startWasm();
  const { model, manifest } = await loadModel(modelDir);
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
