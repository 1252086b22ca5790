// Renders what the recognizer said: the digit (alone, in the prediction element), how sure
// the model is (in words when it is not), the top two when it is torn, the probability of
// every digit as a bar chart, and the 28x28 image the model actually saw. Final results are
// also announced to screen readers; live ones (while the pen moves) are not, to keep quiet.

import { LABELS, MNIST_SIZE } from './facts.js';

// Used only until the model's manifest says otherwise (training/ calibrates it from data).
const DEFAULT_UNCERTAIN_BELOW = 0.6;

export class ResultsView {
  constructor(root = document) {
    const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.prediction = byTestId('prediction');
    this.confidence = byTestId('confidence');
    this.message = byTestId('message');
    this.status = byTestId('status');
    this.statusBox = this.status.parentElement;
    this.progress = byTestId('load-progress');
    this.modelInfo = byTestId('model-info');
    this.announcement = byTestId('announcement');
    this.modelInput = byTestId('model-input');
    this.personalNote = byTestId('personalized');
    this.rows = this.buildProbabilityRows(byTestId('probabilities'));
    this.seq = 0;
    this.uncertainBelow = null;
    this.spoken = ''; // what the last final result said
  }

  buildProbabilityRows(list) {
    return LABELS.map((label) => {
      const row = document.createElement('li');
      row.dataset.digit = label;
      row.innerHTML =
        '<span class="digit"></span><span class="bar" aria-hidden="true"><span></span></span><span class="percent"></span>';
      row.querySelector('.digit').textContent = label;
      list.append(row);
      return row;
    });
  }

  /** The status line and the prediction's data-status: loading, ready or error. */
  showStatus(stage, message, progress) {
    const state = stage === 'ready' || stage === 'error' ? stage : 'loading';
    this.status.textContent = message;
    this.statusBox.dataset.state = state;
    this.prediction.dataset.status = state;
    this.progress.hidden = state !== 'loading';
    if (typeof progress === 'number') this.progress.value = progress;
    if (state === 'error') this.announce(message);
  }

  showModelInfo({ testAccuracy, backend, runtime, tfjsVersion, modelVersion }) {
    const accuracy = testAccuracy
      ? `, ${(testAccuracy * 100).toFixed(2)}% on the MNIST test set`
      : '';
    const engine = `TF.js ${tfjsVersion} (${backend} backend)`;
    this.modelInfo.textContent = `Model ${modelVersion}${accuracy}; ${engine}, ${runtime}.`;
  }

  /** Below this probability an answer is "not sure" (a number's digits use it too). */
  get threshold() {
    return this.uncertainBelow ?? DEFAULT_UNCERTAIN_BELOW;
  }

  /** Each call shows a new result, so data-seq goes up by exactly one. */
  bumpSeq() {
    this.seq += 1;
    this.prediction.dataset.seq = String(this.seq);
  }

  /** @param {{final: boolean}} options final: the answer for a finished drawing (announced) */
  showResult(result, { final = true } = {}) {
    if (result.status !== 'ok') {
      this.showNothing(result.message, { announce: final });
      return;
    }
    const { digit, probability, probabilities } = result;
    const uncertain = probability < this.threshold;
    const runnerUp = LABELS[rankOf(probabilities, 1)];
    this.prediction.textContent = digit;
    this.prediction.dataset.uncertain = String(uncertain);
    let spoken;
    if (uncertain) {
      this.confidence.textContent = `Not sure (${formatPercent(probability)})`;
      this.message.textContent =
        `It looks most like a ${digit} (${formatPercent(probability)}), ` +
        `but it could be a ${runnerUp} (${formatPercent(probabilities[LABELS.indexOf(runnerUp)])}).`;
      this.message.dataset.kind = 'uncertain';
      spoken = `Not sure: ${digit} or ${runnerUp}.`;
    } else {
      this.confidence.textContent = `${formatPercent(probability)} sure`;
      this.message.textContent = '';
      delete this.message.dataset.kind;
      spoken = `Recognized ${digit}, ${formatPercent(probability)} sure.`;
    }
    // Your handwriting's examples (js/handwriting.js) made the answer differ from the model's.
    const personalized = result.personal?.changed === true;
    this.prediction.dataset.personalized = String(personalized);
    this.personalNote.hidden = !personalized;
    if (personalized) spoken += ' Adjusted to your handwriting.';
    this.renderProbabilities(probabilities, digit, uncertain ? runnerUp : null);
    this.renderModelInput(result.input);
    this.bumpSeq();
    if (final) {
      this.spoken = spoken;
      this.announce(spoken);
    }
  }

  showNothing(message, { announce = true } = {}) {
    this.prediction.textContent = '';
    this.prediction.dataset.uncertain = 'false';
    this.prediction.dataset.personalized = 'false';
    this.personalNote.hidden = true;
    this.confidence.textContent = '';
    this.message.textContent = message;
    delete this.message.dataset.kind;
    this.renderProbabilities(null, null, null);
    this.renderModelInput(null);
    this.bumpSeq();
    if (announce) this.announce(message);
  }

  /** Something went wrong; what is shown stays, with the reason under it. */
  showError(message) {
    this.showMessage(message, { kind: 'error', announce: true });
  }

  /** A passing note (e.g. "Reading the image…"), not an error. */
  showNotice(message) {
    this.showMessage(message);
  }

  /**
   * A line in the message area, the answer above it left as it is (number mode shows its
   * own); `kind` 'error' or 'uncertain' styles it; `announce` says it (final answers only).
   */
  showMessage(message, { kind = null, announce = false } = {}) {
    this.message.textContent = message;
    if (kind) this.message.dataset.kind = kind;
    else delete this.message.dataset.kind;
    if (announce) this.announce(message);
  }

  announce(text) {
    this.announcement.textContent = text;
  }

  renderProbabilities(probabilities, top, second) {
    this.rows.forEach((row, index) => {
      const value = probabilities ? probabilities[index] : 0;
      row.querySelector('.bar > span').style.width = `${(value * 100).toFixed(1)}%`;
      row.querySelector('.percent').textContent = probabilities ? formatPercent(value) : '';
      row.dataset.top = String(LABELS[index] === top);
      row.dataset.second = String(LABELS[index] === second);
    });
  }

  renderModelInput(values) {
    drawModelInput(this.modelInput, values);
  }
}

/** The model's 28x28 input (0-1 floats, or null for none) on a 28x28 canvas: ink dark on
 * paper, like the pad. */
export function drawModelInput(canvas, values) {
  const context = canvas.getContext('2d');
  const image = context.createImageData(MNIST_SIZE, MNIST_SIZE);
  const { data } = image; // written in place: a number's view draws one per digit
  for (let i = 0; i < MNIST_SIZE * MNIST_SIZE; i += 1) {
    const shade = 255 - Math.round(255 * (values ? values[i] : 0));
    data[4 * i] = shade;
    data[4 * i + 1] = shade;
    data[4 * i + 2] = shade;
    data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Index of the (rank+1)-th largest value. */
export function rankOf(values, rank) {
  return [...values.keys()].sort((a, b) => values[b] - values[a])[rank];
}

/** A probability as the page shows it: one decimal, never a rounded 100% or 0% for what is not. */
export function formatPercent(value) {
  const percent = value * 100;
  if (percent >= 99.95) return '>99.9%';
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}
