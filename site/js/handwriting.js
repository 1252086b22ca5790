// Teaching the recognizer your handwriting: a correction becomes an example kept on this
// device (js/handwriting-store.js), and every change to what is kept is sent to the
// recognizer's worker (protocol.js's PERSONAL requests), which keeps its copy in memory only:
// after each start of the worker (first load, Retry, a crash's restart, a new model) the page
// sends it everything again ('replace'), so its features are computed by the model it runs.
// Nothing here leaves the device: the export is a file the browser saves.

import { aDigit } from './correction.js';
import { examplesInWords } from './handwriting-panel.js';
import {
  checkImportSize,
  countPerLabel,
  exportText,
  forWorker,
  HandwritingStore,
  ImportError,
  newExample,
  parseExport,
} from './handwriting-store.js';

export class Handwriting {
  #canLearn = null; // null until the worker answers; then whether it learns at all
  #warned = false; // the panel has said that the examples cannot be kept

  /**
   * @param {object} parts
   * @param {{personal?: (request: object) => Promise<object>}} parts.client the recognizer
   * @param {import('./handwriting-panel.js').HandwritingPanel} parts.panel
   * @param {import('./correction.js').CorrectionRow} parts.correction
   * @param {(text: string) => void} parts.announce speaks a sentence (the page's announcer)
   * @param {() => void} parts.onChanged what is kept changed: the answer shown may change too
   * @param {HandwritingStore} [parts.store]
   */
  constructor({ client, panel, correction, announce, onChanged, store = new HandwritingStore() }) {
    Object.assign(this, { client, panel, correction, announce, onChanged, store });
    this.loaded = store.load().then(() => this.#showStore());
  }

  /** Whether a correction can teach the recognizer (false until its worker said yes). */
  get canLearn() {
    return this.#canLearn === true;
  }

  /**
   * The worker is (again) ready: send it every example kept. Resolves once it has them (or
   * has said it cannot learn), so what is recognized next already uses them.
   */
  async workerReady() {
    await this.loaded;
    try {
      if (typeof this.client.personal !== 'function') {
        throw new Error('This recognizer cannot learn from corrections.');
      }
      await this.client.personal({ op: 'replace', examples: forWorker(this.store.list()) });
      this.#canLearn = true;
      this.correction.available();
    } catch (error) {
      this.#canLearn = false;
      this.correction.unavailable();
      const kept = this.store.list().length
        ? ' Your examples stay kept on this device for the page that can.'
        : '';
      this.#say(`${error.message}${kept}`, 'error', { speak: false });
    }
  }

  /**
   * The final answer shown was really `label`: keep it and teach the worker. Returns the
   * thanks to show and say.
   * @param {{input: ArrayLike<number>, digit: string}} result the result being corrected
   */
  async correct(result, label) {
    const example = newExample(result.input, label);
    const kept = this.store.add([example]); // in memory at once, on the device soon after
    const taught = this.#tell({ op: 'add', examples: forWorker([example]) });
    await kept;
    this.#showStore();
    const count = countPerLabel(this.store.list())[label];
    const ofLabel = `${examplesInWords(count)} of ${label}`;
    const where = this.store.persistent
      ? `${ofLabel} on this device`
      : `${ofLabel}, for this visit only: ${this.store.problem}`;
    const done = result.digit === label ? 'kept this as' : 'learned that this is';
    const problem = await taught;
    if (problem) return `Kept as ${aDigit(label)}, but the recognizer could not use it: ${problem}`;
    return `Thanks: ${done} ${aDigit(label)} (${where}).`;
  }

  /** Forget one example. */
  async remove(id) {
    const example = this.store.list().find((kept) => kept.id === id);
    if (!example) return;
    const taught = this.#tell({ op: 'remove', ids: [id] });
    await this.store.remove([id]);
    this.#showStore();
    const left = countPerLabel(this.store.list())[example.label];
    await this.#finished(taught, `Deleted an example of ${example.label} (${left} left).`);
  }

  /** Forget every example. */
  async reset() {
    const taught = this.#tell({ op: 'replace', examples: [] });
    await this.store.clear();
    this.#showStore();
    await this.#finished(taught, 'Deleted all your examples: the answers are the model’s own.');
  }

  /** Save every example to a file (the browser's download: it stays on the device). */
  exportFile() {
    const examples = this.store.list();
    const name = `handwriting-${new Date().toISOString().slice(0, 10)}.json`;
    const url = URL.createObjectURL(new Blob([exportText(examples)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    this.#say(`Exported ${examplesInWords(examples.length)} to the file ${name}.`);
  }

  /** Add the examples of an export file; a bad file changes nothing and says why. */
  async importFile(file) {
    let examples;
    try {
      checkImportSize(file.size);
      examples = parseExport(await file.text());
    } catch (error) {
      const reason = error instanceof ImportError ? error.message : `It could not be read.`;
      this.#say(
        `“${file.name}” was not imported. ${reason} Nothing you kept has changed.`,
        'error',
      );
      return;
    }
    const added = await this.store.add(examples);
    this.#showStore();
    const skipped = examples.length - added.length;
    const already = skipped ? ` (${examplesInWords(skipped)} already here)` : '';
    const taught = this.#tell({ op: 'replace', examples: forWorker(this.store.list()) });
    await this.#finished(taught, `Imported ${examplesInWords(added.length)}${already}.`);
  }

  /** Send a change to the worker; resolves to null, or why it could not use it. */
  async #tell(request) {
    if (!this.canLearn) return null; // a worker that cannot learn, or one still starting
    try {
      await this.client.personal(request);
      return null;
    } catch (error) {
      return error.message;
    }
  }

  async #finished(taught, text) {
    const problem = await taught;
    const kept = this.store.persistent ? '' : ` Kept for this visit only: ${this.store.problem}.`;
    if (problem) this.#say(`${text} The recognizer could not take it in: ${problem}`, 'error');
    else this.#say(`${text}${kept}`);
    this.onChanged();
  }

  #storageProblem() {
    return (
      `Your corrections cannot be kept on this device: ${this.store.problem}. ` +
      'They still apply until this page is closed.'
    );
  }

  /** The panel shows what is kept; the first time storage fails (at load, or a write
   * later: a full quota), it says so. */
  #showStore() {
    this.panel.show(this.store.list(), { persistent: this.store.persistent });
    if (!this.store.persistent && !this.#warned) {
      this.#warned = true;
      this.#say(this.#storageProblem(), 'error');
    }
  }

  #say(text, kind = 'info', { speak = true } = {}) {
    this.panel.showMessage(text, kind);
    if (speak) this.announce(text);
  }
}
