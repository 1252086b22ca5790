// Your handwriting, kept on this device only: the examples a person gave by correcting an
// answer (the 28x28 input the model saw, the digit it really was, when), in IndexedDB so they
// survive reloads, offline use and app updates (the Cache API is the service worker's, and a
// new release replaces it). The recognizer's worker keeps only a copy in memory, sent by the
// page (js/handwriting.js); this module holds the record, its file format for export and
// import, and the checks that keep a bad or foreign file from touching what is stored.
//
// Where storage fails (no IndexedDB in private browsing, a quota, a browser that throws), the
// examples live in memory for this session and `problem` says why, so corrections still apply
// until the page closes. Nothing here needs the DOM: tests/js/ runs it under Node.

import { LABELS, MNIST_SIZE } from './facts.js';
import { EXAMPLE_INPUT_SCALE } from './protocol.js';

/** An example's input: MNIST_SIZE x MNIST_SIZE grey levels, row-major, 0 paper, 255 ink. */
export const INPUT_LENGTH = MNIST_SIZE * MNIST_SIZE;
export const EXPORT_FORMAT = 'digit-recognizer-handwriting';
export const EXPORT_VERSION = 1;
// Far above what a person corrects (a file of 10,000 examples is about 13 MB), low enough that
// a wrong file (a video, a disk image) is refused before it is read.
export const MAX_EXAMPLES = 10_000;
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;
const DB_NAME = 'digit-recognizer-handwriting';
const DB_VERSION = 1;
const STORE = 'examples';
// An IndexedDB that neither opens nor fails (blocked by another tab's upgrade) must not keep
// the recognizer waiting for the examples.
const OPEN_TIMEOUT_MS = 5000;
const ID_PATTERN = /^[\w-]{1,64}$/;

/** A file that cannot be imported; the message says why, in words a user can act on. */
export class ImportError extends Error {}

/** The model's input (0..1 floats) as stored and sent: round(255 * value), clamped. */
export function toStoredInput(values) {
  if (values?.length !== INPUT_LENGTH) {
    throw new RangeError(`an input has ${INPUT_LENGTH} values, not ${values?.length}`);
  }
  const scaled = (value) => Math.round(EXAMPLE_INPUT_SCALE * Math.min(1, Math.max(0, value)));
  return Uint8Array.from(values, scaled);
}

/** A fresh random id (getRandomValues works where randomUUID does not: plain http hosts). */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A new example from a result's input and the digit it really was. */
export function newExample(values, label, date = new Date()) {
  if (!LABELS.includes(label)) throw new RangeError(`not a digit: ${label}`);
  return { id: newId(), label, input: toStoredInput(values), date: date.toISOString() };
}

/** How many examples of each digit: {'0': n0, ..., '9': n9}. */
export function countPerLabel(examples) {
  const counts = Object.fromEntries(LABELS.map((label) => [label, 0]));
  for (const example of examples) counts[example.label] += 1;
  return counts;
}

/** What the worker is sent: id, label and input only (the date stays on the page). */
export function forWorker(examples) {
  return examples.map(({ id, label, input }) => ({ id, label, input }));
}

function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** The export file's text: JSON, one example per line, the inputs in base64. */
export function exportText(examples, now = new Date()) {
  const header = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    about:
      `Handwritten digits kept by the digit recognizer: each input is ${MNIST_SIZE}x${MNIST_SIZE} ` +
      'grey levels, row-major, 0 = paper, 255 = ink, in base64.',
    exported: now.toISOString(),
  };
  const lines = examples.map(({ id, label, date, input }) =>
    JSON.stringify({ id, label, date, input: toBase64(input) }),
  );
  const head = JSON.stringify(header, null, 1).slice(0, -2);
  return `${head},\n "examples": [\n  ${lines.join(',\n  ')}\n ]\n}\n`;
}

/** The examples in an export file's text, every one checked; ImportError for any fault. */
export function parseExport(text) {
  if (text.length > MAX_IMPORT_BYTES) throw tooBig(text.length);
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportError('This file is not a handwriting export: it is not JSON.');
  }
  if (data === null || typeof data !== 'object' || data.format !== EXPORT_FORMAT) {
    throw new ImportError(
      'This file is not a handwriting export of this app (it should say "format": ' +
        `"${EXPORT_FORMAT}").`,
    );
  }
  if (!Number.isInteger(data.version) || data.version < 1) {
    throw new ImportError('This handwriting export has no valid format version.');
  }
  if (data.version > EXPORT_VERSION) {
    throw new ImportError(
      `This handwriting export was written by a newer version of the app (format ` +
        `${data.version}; this one reads format ${EXPORT_VERSION}). Reload to update, then import it.`,
    );
  }
  if (!Array.isArray(data.examples)) {
    throw new ImportError('This handwriting export has no list of examples.');
  }
  if (data.examples.length > MAX_EXAMPLES) {
    throw new ImportError(
      `This file holds ${data.examples.length} examples; at most ${MAX_EXAMPLES} can be imported.`,
    );
  }
  const seen = new Set();
  const examples = [];
  data.examples.forEach((entry, index) => {
    const example = checkedExample(entry, index + 1);
    if (seen.has(example.id)) return; // the same example twice in one file: once is enough
    seen.add(example.id);
    examples.push(example);
  });
  return examples;
}

function checkedExample(entry, number) {
  const fault = (what) =>
    new ImportError(`Example ${number} in this file ${what}: nothing was imported.`);
  if (entry === null || typeof entry !== 'object') throw fault('is not an example');
  const { id, label, date, input } = entry;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw fault('has no valid id');
  if (typeof label !== 'string' || !LABELS.includes(label)) {
    throw fault(`has the label ${JSON.stringify(label)}, not a digit from 0 to 9`);
  }
  if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) throw fault('has no valid date');
  let bytes;
  try {
    bytes = typeof input === 'string' ? fromBase64(input) : null;
  } catch {
    bytes = null;
  }
  if (bytes === null) throw fault('has no picture (base64 grey levels)');
  if (bytes.length !== INPUT_LENGTH) {
    throw fault(
      `has a picture of ${bytes.length} pixels, not ${MNIST_SIZE}x${MNIST_SIZE} = ${INPUT_LENGTH}`,
    );
  }
  return { id, label, date: new Date(date).toISOString(), input: bytes };
}

function tooBig(bytes) {
  const megabytes = (n) => (n / (1024 * 1024)).toFixed(1);
  return new ImportError(
    `This file is too big to be a handwriting export (${megabytes(bytes)} MB; at most ` +
      `${megabytes(MAX_IMPORT_BYTES)} MB).`,
  );
}

/** ImportError unless a file of `bytes` bytes may be read at all. */
export function checkImportSize(bytes) {
  if (bytes > MAX_IMPORT_BYTES) throw tooBig(bytes);
}

/** Why storage failed, in words (the start of "cannot be kept on this device: ..."). */
export function storageProblem(error) {
  if (error?.name === 'QuotaExceededError') return "this site's storage on the device is full";
  if (error?.name === 'SecurityError' || error?.name === 'InvalidStateError') {
    return 'this browser does not let the site store data (private browsing?)';
  }
  return error?.message || String(error);
}

function settled(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('the write was aborted'));
  });
}

/**
 * The examples of this device: in memory (what the session uses), written through to
 * IndexedDB while that works. `problem` is null, or why they are not kept beyond this page.
 */
export class HandwritingStore {
  #examples = new Map(); // id -> {id, label, input, date}
  #db = null;

  /** @param {{indexedDB?: IDBFactory | undefined, openTimeoutMs?: number}} options */
  constructor({ indexedDB = globalThis.indexedDB, openTimeoutMs = OPEN_TIMEOUT_MS } = {}) {
    this.factory = indexedDB;
    this.openTimeoutMs = openTimeoutMs;
    this.problem = null;
  }

  /** Read what this device keeps; never rejects (a failure leaves an empty, memory-only store). */
  async load() {
    try {
      if (!this.factory) throw new Error('this browser offers no storage for them (IndexedDB)');
      this.#db = await this.#open();
      const transaction = this.#db.transaction(STORE, 'readonly');
      const stored = await settled(transaction.objectStore(STORE).getAll());
      for (const example of stored) this.#examples.set(example.id, example);
    } catch (error) {
      this.#fail(error);
    }
    return this.list();
  }

  #open() {
    return new Promise((resolve, reject) => {
      const request = this.factory.open(DB_NAME, DB_VERSION); // may throw: load() catches it
      const timer = setTimeout(
        () => reject(new Error('the storage did not open (is the app open in another tab?)')),
        this.openTimeoutMs,
      );
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
      request.onsuccess = () => {
        clearTimeout(timer);
        const db = request.result;
        db.onversionchange = () => db.close(); // a newer app's upgrade in another tab goes first
        resolve(db);
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error);
      };
      request.onblocked = () => {}; // waits, up to the timer
    });
  }

  #fail(error) {
    this.problem = storageProblem(error);
    this.#db?.close();
    this.#db = null;
  }

  /** Whether the examples outlive this page. */
  get persistent() {
    return this.problem === null;
  }

  /** Every example, oldest first. */
  list() {
    return [...this.#examples.values()].sort((a, b) => a.date.localeCompare(b.date));
  }

  has(id) {
    return this.#examples.has(id);
  }

  /** Keep new examples; those already here (by id) are skipped. Returns those added. */
  async add(examples) {
    const added = examples.filter((example) => !this.#examples.has(example.id));
    for (const example of added) this.#examples.set(example.id, example);
    await this.#write((store) => {
      for (const example of added) store.put(example);
    });
    return added;
  }

  /** Forget some examples; returns the ids that were here. */
  async remove(ids) {
    const removed = ids.filter((id) => this.#examples.delete(id));
    await this.#write((store) => {
      for (const id of removed) store.delete(id);
    });
    return removed;
  }

  /** Forget every example. */
  async clear() {
    this.#examples.clear();
    await this.#write((store) => store.clear());
  }

  /** Apply a change to IndexedDB; a failure turns the store memory-only (never rejects). */
  async #write(change) {
    if (!this.#db) return;
    try {
      const transaction = this.#db.transaction(STORE, 'readwrite');
      change(transaction.objectStore(STORE));
      await committed(transaction);
    } catch (error) {
      this.#fail(error);
    }
  }
}
