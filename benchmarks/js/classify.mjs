// Classify digits with the exported model as the page runs it, under Node (model.mjs: the
// same TF.js packages on the same wasm backend), and the baseline page's own
// JavaScript preprocessing (site/baseline/preprocess.js). Used by benchmarks/replica.py.
//
//   node benchmarks/js/classify.mjs MODEL_DIR RECORDS_FILE OUTPUT_FILE
//
// RECORDS_FILE holds records one after another, little-endian: uint32 width, uint32 height,
// uint8 1 if 784 float32 model inputs from the page's Python follow (0: it found nothing),
// then the RGBA pixels (width * height * 4 bytes). OUTPUT_FILE gets, per record, 20 float32:
// the page's probabilities, then the baseline's (NaN where that side found nothing to recognize).

import { readFile, writeFile } from 'node:fs/promises';
import { toModelInput as baselineInput } from '../../site/baseline/preprocess.js';
import { LABELS, MNIST_SIZE } from '../../site/js/facts.js';
import { loadModel, probabilitiesOf, startWasm, tf } from './model.mjs';

const INPUT_SIZE = MNIST_SIZE * MNIST_SIZE;
const CLASSES = LABELS.length;

function* records(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.byteLength) {
    const width = view.getUint32(offset, true);
    const height = view.getUint32(offset + 4, true);
    const hasInput = bytes[offset + 8] === 1;
    offset += 9;
    let pageInput = null;
    if (hasInput) {
      // A copy: a Buffer's slice is a view into a shared pool, not aligned for float32.
      pageInput = new Float32Array(
        new Uint8Array(bytes.subarray(offset, offset + INPUT_SIZE * 4)).buffer,
      );
      offset += INPUT_SIZE * 4;
    }
    const rgba = bytes.subarray(offset, offset + width * height * 4);
    offset += width * height * 4;
    yield { width, height, pageInput, rgba };
  }
}

async function main([modelDir, recordsPath, outputPath]) {
  if (!outputPath) throw new Error('usage: classify.mjs MODEL_DIR RECORDS_FILE OUTPUT_FILE');
  await startWasm();
  const { model, manifest } = await loadModel(modelDir);
  const classify = (input) =>
    input === null
      ? new Float32Array(CLASSES).fill(Number.NaN)
      : tf.tidy(() =>
          probabilitiesOf(
            model,
            manifest,
            tf.tensor(input, [1, MNIST_SIZE, MNIST_SIZE, 1]),
          ).dataSync(),
        );
  const output = [];
  for (const { width, height, pageInput, rgba } of records(await readFile(recordsPath))) {
    const baseline = baselineInput(rgba, width, height);
    output.push(classify(pageInput), classify(baseline));
  }
  const values = new Float32Array(output.length * CLASSES);
  output.forEach((probabilities, index) => {
    values.set(probabilities, index * CLASSES);
  });
  await writeFile(outputPath, Buffer.from(values.buffer));
}

await main(process.argv.slice(2));
