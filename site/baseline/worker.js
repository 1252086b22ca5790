// The benchmark's baseline recognizer: the same model and TF.js, preprocessing in JavaScript,
// no Pyodide. Same message protocol as the product's worker (site/js/protocol.js).

import { LABELS } from '../js/facts.js';
import { RECOGNIZE_MODES } from '../js/protocol.js';
import {
  loadModel,
  modelDetails,
  progressReporter,
  serveRecognitions,
  status,
} from '../js/worker-common.js';
import { toModelInput } from './preprocess.js';

const STEPS = ['TF.js', 'the model'];

async function start() {
  const stepDone = progressReporter(STEPS);
  const model = await loadModel({
    onTfReady: () => stepDone(STEPS[0]),
    onModelReady: () => stepDone(STEPS[1]),
  });
  status('ready', 'Ready: draw a digit.', {
    ...modelDetails(model),
    runtime: 'JavaScript preprocessing (baseline, no Pyodide)',
    stepTimes: stepDone.times,
  });
  return model.run;
}

const ONE_DIGIT_ONLY = 'The baseline recognizer reads one digit only.';

function recognize({ width, height, pixels, mode }, run) {
  if (mode === RECOGNIZE_MODES.NUMBER) throw new Error(ONE_DIGIT_ONLY);
  const started = performance.now();
  const input = toModelInput(new Uint8Array(pixels), width, height);
  const preprocessed = performance.now();
  if (input === null) {
    return {
      status: 'empty',
      message: 'Nothing to recognize: draw a digit.',
      timings: { preprocess_ms: preprocessed - started, total_ms: preprocessed - started },
    };
  }
  const probabilities = Array.from(run(input));
  const inferred = performance.now();
  const best = probabilities.indexOf(Math.max(...probabilities));
  return {
    status: 'ok',
    digit: LABELS[best],
    probability: probabilities[best],
    probabilities,
    timings: {
      preprocess_ms: preprocessed - started,
      inference_ms: inferred - preprocessed,
      total_ms: inferred - started,
    },
  };
}

const starting = start().catch((error) => {
  status('error', `The recognizer could not start: ${error.message}`);
  throw error;
});

serveRecognitions(starting, recognize);
