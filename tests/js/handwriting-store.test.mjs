// Your handwriting's record and its file (site/js/handwriting-store.js): what an export holds,
// that it imports back the same, that every bad or foreign file is refused with words a user
// can act on, and that a store without working storage keeps the examples in memory.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkImportSize,
  countPerLabel,
  EXPORT_FORMAT,
  exportText,
  forWorker,
  HandwritingStore,
  ImportError,
  INPUT_LENGTH,
  MAX_EXAMPLES,
  MAX_IMPORT_BYTES,
  newExample,
  parseExport,
  toStoredInput,
} from '../../site/js/handwriting-store.js';

function values(seed) {
  return Float32Array.from({ length: INPUT_LENGTH }, (_, i) => ((i * 7 + seed) % 11) / 10);
}

const examples = [
  newExample(values(1), '7', new Date('2026-11-27T10:00:00Z')),
  newExample(values(2), '1', new Date('2026-11-27T10:01:00Z')),
];

function fileWith(change) {
  const data = JSON.parse(exportText(examples));
  change(data);
  return JSON.stringify(data);
}

function refused(text, pattern) {
  assert.throws(
    () => parseExport(text),
    (error) => error instanceof ImportError && pattern.test(error.message),
  );
}

test('a stored input is the model input in grey levels of 0 to 255', () => {
  const input = new Float32Array(INPUT_LENGTH);
  input.set([0, 1, 0.5, 0.499, 1.2, -0.1]);
  const stored = toStoredInput(input);
  assert.ok(stored instanceof Uint8Array);
  assert.deepEqual([...stored.slice(0, 6)], [0, 255, 128, 127, 255, 0]);
  assert.throws(() => toStoredInput(new Float32Array(10)), RangeError);
});

test('an example has a fresh id, its label, its input and its date', () => {
  const [seven, one] = examples;
  assert.equal(seven.label, '7');
  assert.equal(seven.date, '2026-11-27T10:00:00.000Z');
  assert.equal(seven.input.length, INPUT_LENGTH);
  assert.match(seven.id, /^[0-9a-f]{32}$/);
  assert.notEqual(seven.id, one.id);
  assert.throws(() => newExample(values(1), '10'), RangeError);
  assert.deepEqual(Object.keys(forWorker(examples)[0]).sort(), ['id', 'input', 'label']);
});

test('counts per digit', () => {
  const counts = countPerLabel([...examples, examples[0]]);
  assert.equal(counts['7'], 2);
  assert.equal(counts['1'], 1);
  assert.equal(counts['0'], 0);
  assert.equal(Object.keys(counts).length, 10);
});

test('an export imports back exactly', () => {
  const text = exportText(examples, new Date('2026-11-28T00:00:00Z'));
  const data = JSON.parse(text);
  assert.equal(data.format, EXPORT_FORMAT);
  assert.equal(data.version, 1);
  assert.equal(data.exported, '2026-11-28T00:00:00.000Z');
  assert.deepEqual(parseExport(text), examples);
  assert.deepEqual(parseExport(exportText([])), []);
});

test('the same example twice in one file is imported once', () => {
  const text = fileWith((data) => data.examples.push(data.examples[0]));
  assert.equal(parseExport(text).length, 2);
});

test('a file that is not JSON, or not an export of this app, is refused', () => {
  refused('\x89PNG\r\n', /not JSON/);
  refused('', /not JSON/);
  refused('[1, 2]', /not a handwriting export of this app/);
  refused('null', /not a handwriting export of this app/);
  refused('{"format": "something-else", "version": 1, "examples": []}', /not a handwriting/);
  refused(
    fileWith((data) => delete data.examples),
    /no list of examples/,
  );
  refused(
    fileWith((data) => delete data.version),
    /no valid format version/,
  );
  refused(
    fileWith((data) => (data.version = 2)),
    /newer version of the app/,
  );
});

test('an example with a bad label, picture, id or date is refused, and says which', () => {
  refused(
    fileWith((data) => (data.examples[1].label = 'x')),
    /Example 2 .*label "x", not a digit/,
  );
  refused(
    fileWith((data) => (data.examples[0].label = 7)),
    /Example 1 .*label 7/,
  );
  refused(
    fileWith((data) => (data.examples[0].input = btoa('abc'))),
    /Example 1 .*3 pixels, not 28x28/,
  );
  refused(
    fileWith((data) => (data.examples[0].input = '%%%')),
    /Example 1 .*has no picture/,
  );
  refused(
    fileWith((data) => (data.examples[0].input = [1, 2])),
    /Example 1 .*has no picture/,
  );
  refused(
    fileWith((data) => (data.examples[0].id = '../x')),
    /Example 1 .*has no valid id/,
  );
  refused(
    fileWith((data) => (data.examples[0].date = 'soon')),
    /Example 1 .*has no valid date/,
  );
  refused(
    fileWith((data) => (data.examples[1] = null)),
    /Example 2 .*is not an example/,
  );
});

test('a file too big, or with too many examples, is refused before its examples are read', () => {
  assert.throws(() => checkImportSize(MAX_IMPORT_BYTES + 1), /too big .* at most 16\.0 MB/);
  checkImportSize(MAX_IMPORT_BYTES);
  refused(
    fileWith((data) => (data.examples = new Array(MAX_EXAMPLES + 1).fill(0))),
    /10001 examples; at most 10000/,
  );
});

test('without IndexedDB, the examples are kept in memory and the store says why', async () => {
  const store = new HandwritingStore({ indexedDB: undefined });
  assert.deepEqual(await store.load(), []);
  assert.equal(store.persistent, false);
  assert.match(store.problem, /no storage/);
  assert.deepEqual(await store.add(examples), examples);
  assert.deepEqual(await store.add([examples[0]]), []); // already there: skipped
  assert.deepEqual(store.list(), examples);
  assert.deepEqual(await store.remove([examples[0].id, 'gone']), [examples[0].id]);
  assert.deepEqual(store.list(), [examples[1]]);
  await store.clear();
  assert.deepEqual(store.list(), []);
});

test('an IndexedDB that throws or never opens leaves a working memory-only store', async () => {
  const throwing = {
    open() {
      const error = new Error('The user denied permission to access the database.');
      error.name = 'SecurityError';
      throw error;
    },
  };
  const store = new HandwritingStore({ indexedDB: throwing });
  await store.load();
  assert.match(store.problem, /does not let the site store data/);
  await store.add(examples);
  assert.equal(store.list().length, 2);

  const hanging = { open: () => ({}) };
  const waiting = new HandwritingStore({ indexedDB: hanging, openTimeoutMs: 10 });
  await waiting.load();
  assert.match(waiting.problem, /did not open/);
  await waiting.add(examples);
  assert.equal(waiting.list().length, 2);
});

/** Just enough of IndexedDB for the store: one database, one object store, in memory. */
function fakeIndexedDB({ failWritesWith = null } = {}) {
  const rows = new Map();
  const later = (callback) => setTimeout(callback, 0);
  const db = {
    close() {},
    createObjectStore() {},
    transaction(_name, mode) {
      const pending = [];
      const store = {
        getAll() {
          const request = {};
          later(() => {
            request.result = [...rows.values()];
            request.onsuccess();
          });
          return request;
        },
        put: (example) => pending.push(() => rows.set(example.id, example)),
        delete: (id) => pending.push(() => rows.delete(id)),
        clear: () => pending.push(() => rows.clear()),
      };
      const transaction = { objectStore: () => store };
      later(() => {
        if (mode === 'readwrite' && failWritesWith) {
          transaction.error = failWritesWith;
          transaction.onabort();
          return;
        }
        for (const change of pending) change();
        transaction.oncomplete?.();
      });
      return transaction;
    },
  };
  return {
    rows,
    open() {
      const request = {};
      later(() => {
        request.result = db;
        request.onupgradeneeded();
        request.onsuccess();
      });
      return request;
    },
  };
}

test('what is stored is there the next time the page loads', async () => {
  const indexedDB = fakeIndexedDB();
  const first = new HandwritingStore({ indexedDB });
  await first.load();
  assert.equal(first.persistent, true);
  await first.add(examples);
  await first.remove([examples[1].id]);
  const next = new HandwritingStore({ indexedDB });
  assert.deepEqual(await next.load(), [examples[0]]);
  await next.clear();
  assert.deepEqual(await new HandwritingStore({ indexedDB }).load(), []);
});

test('a full storage turns the store memory-only, and it says so', async () => {
  const quota = new Error('quota');
  quota.name = 'QuotaExceededError';
  const store = new HandwritingStore({ indexedDB: fakeIndexedDB({ failWritesWith: quota }) });
  await store.load();
  assert.equal(store.persistent, true);
  assert.deepEqual(await store.add(examples), examples);
  assert.equal(store.persistent, false);
  assert.match(store.problem, /storage on the device is full/);
  assert.deepEqual(store.list(), examples); // this session still has them
});
