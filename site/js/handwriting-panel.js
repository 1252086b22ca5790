// The "Your handwriting" panel: how many examples of each digit this device keeps, each one as
// the 28x28 picture the model saw with a button to delete it, Reset all (asked twice), Export
// to a file and Import one, and a line saying what the last of these did. It only shows and
// asks; js/handwriting.js does the work. The pictures are drawn only while the panel is open,
// so a thousand examples cost nothing to a page that never opens it.

import { LABELS, MNIST_SIZE } from './facts.js';
import { countPerLabel } from './handwriting-store.js';

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "1 example", "12 examples". */
export function examplesInWords(count) {
  return `${count} example${count === 1 ? '' : 's'}`;
}

export class HandwritingPanel {
  #examples = [];
  #stale = true;

  /**
   * @param {HTMLDetailsElement} root the panel (data-testid="handwriting")
   * @param {{onDelete: (id: string) => void, onReset: () => void, onExport: () => void,
   *          onImport: (file: File) => void}} actions what the user asked for
   */
  constructor(root, { onDelete, onReset, onExport, onImport }) {
    const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.root = root;
    this.summary = byTestId('handwriting-summary');
    this.message = byTestId('handwriting-message');
    this.digits = byTestId('handwriting-digits');
    this.resetButton = byTestId('handwriting-reset');
    this.confirm = byTestId('handwriting-confirm');
    this.onDelete = onDelete;
    root.addEventListener('toggle', () => this.#renderIfOpen());
    byTestId('handwriting-export').addEventListener('click', onExport);
    const importInput = byTestId('handwriting-import');
    importInput.addEventListener('change', () => {
      const [file] = importInput.files;
      importInput.value = ''; // the same file again is a new change
      if (file) onImport(file);
    });
    this.resetButton.addEventListener('click', () => this.#askToReset());
    byTestId('handwriting-reset-cancel').addEventListener('click', () => this.#endAsking(true));
    byTestId('handwriting-reset-confirm').addEventListener('click', () => {
      this.#endAsking(false);
      onReset();
    });
  }

  /** What the store holds now; `persistent` false: kept for this visit only. */
  show(examples, { persistent = true } = {}) {
    this.#examples = examples;
    const count = examples.length;
    const where = persistent ? '' : ', this visit only';
    this.summary.textContent = count
      ? `(${examplesInWords(count)}${where})`
      : `(none yet${persistent ? '' : '; this visit only'})`;
    this.resetButton.disabled = count === 0;
    this.root.querySelector('[data-testid="handwriting-export"]').disabled = count === 0;
    if (count === 0) this.#endAsking(false);
    this.#stale = true;
    this.#renderIfOpen();
  }

  /** The line under the explanation; kind 'error' for what went wrong. */
  showMessage(text, kind = 'info') {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }

  /** Open the panel (e.g. to show a storage problem where the user will look for it). */
  open() {
    this.root.open = true;
  }

  #askToReset() {
    const count = this.#examples.length;
    this.confirm.querySelector('.handwriting-confirm-question').textContent =
      count === 1 ? 'Delete your one example?' : `Delete all ${count} examples?`;
    this.confirm.hidden = false;
    this.resetButton.hidden = true;
    this.confirm.querySelector('[data-testid="handwriting-reset-cancel"]').focus();
  }

  #endAsking(refocus) {
    const wasAsking = !this.confirm.hidden;
    this.confirm.hidden = true;
    this.resetButton.hidden = false;
    if (refocus && wasAsking) this.resetButton.focus();
  }

  #renderIfOpen() {
    if (!this.root.open || !this.#stale) return;
    this.#stale = false;
    const focusedId = document.activeElement?.closest?.('[data-testid="handwriting-example"]')
      ?.dataset.id;
    const counts = countPerLabel(this.#examples);
    const groups = [];
    for (const label of LABELS) {
      if (!counts[label]) continue;
      const group = document.createElement('section');
      group.className = 'handwriting-digit';
      group.dataset.digit = label;
      const heading = document.createElement('h2');
      heading.textContent = `Digit ${label}:`;
      const count = document.createElement('span');
      count.className = 'handwriting-count';
      count.dataset.testid = 'handwriting-count';
      count.dataset.digit = label;
      count.textContent = examplesInWords(counts[label]);
      heading.append(' ', count);
      const list = document.createElement('ul');
      list.className = 'handwriting-examples';
      list.setAttribute('aria-label', `Your examples of ${label}`);
      for (const example of this.#examples) {
        if (example.label === label) list.append(this.#exampleItem(example));
      }
      group.append(heading, list);
      groups.push(group);
    }
    this.digits.replaceChildren(...groups);
    if (focusedId !== undefined) this.#focusNear(focusedId);
  }

  #exampleItem(example) {
    const item = document.createElement('li');
    item.dataset.testid = 'handwriting-example';
    item.dataset.digit = example.label;
    item.dataset.id = example.id;
    const when = DATE_FORMAT.format(new Date(example.date));
    const picture = document.createElement('canvas');
    picture.width = MNIST_SIZE;
    picture.height = MNIST_SIZE;
    picture.setAttribute('role', 'img');
    picture.setAttribute('aria-label', `Your ${example.label}, kept ${when}`);
    drawInput(picture, example.input);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'handwriting-delete';
    remove.dataset.testid = 'handwriting-delete';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `Delete this ${example.label} (kept ${when})`);
    remove.addEventListener('click', () => this.onDelete(example.id));
    item.append(picture, remove);
    return item;
  }

  /** After a delete, the focus goes to the next example's delete button (or the summary). */
  #focusNear(id) {
    const ids = this.#examples.map((example) => example.id);
    if (ids.includes(id)) {
      this.digits.querySelector(`[data-id="${id}"] button`)?.focus();
      return;
    }
    const next = this.digits.querySelector('[data-testid="handwriting-delete"]');
    (next ?? this.root.querySelector('summary')).focus();
  }
}

/** A stored input (0 paper .. 255 ink) drawn like the pad: dark ink on paper. */
function drawInput(canvas, input) {
  const context = canvas.getContext('2d');
  const image = context.createImageData(MNIST_SIZE, MNIST_SIZE);
  for (let i = 0; i < input.length; i += 1) {
    const shade = 255 - input[i];
    image.data.set([shade, shade, shade, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}
