// The exported model as a process that classifies batches on request, under Node (model.mjs:
// the same TF.js packages on the same wasm backend as the page's worker). Used by
// benchmarks/numbers_replica.py, which calls it once per number, as the page's worker is.
//
//   node benchmarks/js/serve_model.mjs MODEL_DIR
//
// Requests on stdin, one after another: uint32 count (little-endian), then count x 784
// float32 model inputs. Each answer on stdout: count x 10 float32 probabilities.

import { LABELS, MNIST_SIZE } from '../../site/js/facts.js';
import { loadModel, probabilitiesOf, startWasm, tf } from './model.mjs';

const INPUT_SIZE = MNIST_SIZE * MNIST_SIZE;

async function main([modelDir]) {
  if (!modelDir) throw new Error('usage: serve_model.mjs MODEL_DIR');
  await startWasm();
  const { model, manifest } = await loadModel(modelDir);
  const classify = (inputs, count) =>
    tf.tidy(() => {
      const tensor = tf.tensor(inputs, [count, MNIST_SIZE, MNIST_SIZE, 1]);
      return probabilitiesOf(model, manifest, tensor).dataSync().slice();
    });
  let pending = Buffer.alloc(0);
  process.stdin.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const count = pending.readUInt32LE(0);
      const size = 4 + count * INPUT_SIZE * 4;
      if (pending.length < size) break;
      const inputs = new Float32Array(new Uint8Array(pending.subarray(4, size)).buffer);
      pending = pending.subarray(size);
      const probabilities = count ? classify(inputs, count) : new Float32Array(0);
      if (probabilities.length !== count * LABELS.length) throw new Error('unexpected output size');
      process.stdout.write(Buffer.from(probabilities.buffer));
    }
  });
  process.stdout.write(Buffer.from('ready\n'));
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
