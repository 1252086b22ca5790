// The exported model loaded under Node as the page's worker loads it: the same TF.js packages
// (export/web's lock) on the same wasm backend. Shared by classify.mjs and features.mjs.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'export', 'web', 'package.json'));
export const tf = require('@tensorflow/tfjs-core');
const { setWasmPaths } = require('@tensorflow/tfjs-backend-wasm');
const { loadGraphModel } = require('@tensorflow/tfjs-converter');

/** Start TF.js's wasm backend from the site's own copy of its binaries. */
export async function startWasm() {
  setWasmPaths(`${join(ROOT, 'site', 'vendor', 'tfjs')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend did not start');
}

/** The graph model in `modelDir` (model.json and its weight files), and its manifest.json. */
export async function loadModel(modelDir) {
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
  const model = await loadGraphModel(tf.io.fromMemory(artifacts));
  const manifest = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8'));
  return { model, manifest };
}

/**
 * The model's probabilities for `tensor`: a model exported with its features (export/tfjs.py)
 * has two outputs, and the probabilities are fetched by name, as the page's worker does.
 */
export function probabilitiesOf(model, manifest, tensor) {
  const { outputs } = manifest;
  return outputs ? model.execute(tensor, outputs.probabilities) : model.predict(tensor);
}
