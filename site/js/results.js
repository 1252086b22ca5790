// Renders what the recognizer said: the digit (alone, in the prediction element), its
// probability, a short message, and the probability of every digit.

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export class ResultsView {
  constructor(root = document) {
    this.prediction = root.querySelector('[data-testid="prediction"]');
    this.confidence = root.querySelector('[data-testid="confidence"]');
    this.message = root.querySelector('[data-testid="message"]');
    this.status = root.querySelector('[data-testid="status"]');
    this.statusBox = this.status.parentElement;
    this.progress = root.querySelector('[data-testid="load-progress"]');
    this.modelInfo = root.querySelector('[data-testid="model-info"]');
    this.rows = this.buildProbabilityRows(root.querySelector('[data-testid="probabilities"]'));
    this.seq = 0;
  }

  buildProbabilityRows(list) {
    return LABELS.map((label) => {
      const row = document.createElement('li');
      row.dataset.digit = label;
      row.innerHTML =
        '<span class="digit"></span><span class="bar"><span></span></span><span class="percent"></span>';
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
  }

  showModelInfo({ testAccuracy, backend, runtime, tfjsVersion, modelVersion }) {
    const accuracy = testAccuracy ? `${(testAccuracy * 100).toFixed(2)}% on the MNIST test set` : '';
    this.modelInfo.textContent =
      `Model ${modelVersion}${accuracy ? `, ${accuracy}` : ''}; TF.js ${tfjsVersion} (${backend} backend), ${runtime}.`;
  }

  /** Each call shows a new result, so data-seq goes up by exactly one. */
  bumpSeq() {
    this.seq += 1;
    this.prediction.dataset.seq = String(this.seq);
  }

  showResult(result) {
    if (result.status !== 'ok') {
      this.showNothing(result.message);
      return;
    }
    const { digit, probability, probabilities } = result;
    this.prediction.textContent = digit;
    this.confidence.textContent = `${formatPercent(probability)} sure`;
    this.message.textContent = '';
    delete this.message.dataset.kind;
    this.renderProbabilities(probabilities, digit);
    this.bumpSeq();
  }

  showNothing(message) {
    this.prediction.textContent = '';
    this.confidence.textContent = '';
    this.message.textContent = message;
    delete this.message.dataset.kind;
    this.renderProbabilities(null, null);
    this.bumpSeq();
  }

  showError(message) {
    this.message.textContent = message;
    this.message.dataset.kind = 'error';
  }

  renderProbabilities(probabilities, top) {
    this.rows.forEach((row, index) => {
      const value = probabilities ? probabilities[index] : 0;
      row.querySelector('.bar > span').style.width = `${(value * 100).toFixed(1)}%`;
      row.querySelector('.percent').textContent = probabilities ? formatPercent(value) : '';
      row.dataset.top = String(LABELS[index] === top);
    });
  }
}

function formatPercent(value) {
  const percent = value * 100;
  if (percent >= 99.95) return '>99.9%';
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}
