// The page's deadlines (site/js/deadlines.js): the real ones, and a test's shorter one.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { deadlineMs } from '../../site/js/deadlines.js';

// The page's global, as in a browser or worker (each test file runs in its own process).
globalThis.self ??= globalThis;

afterEach(() => {
  delete globalThis.testDeadlinesMs;
});

test('each deadline is many times what the step normally takes', () => {
  assert.equal(deadlineMs('loadingStall'), 60_000);
  assert.equal(deadlineMs('recognition'), 20_000);
});

test('a test shortens one deadline, read at each use, and the others stay', () => {
  self.testDeadlinesMs = { recognition: 50 };
  assert.equal(deadlineMs('recognition'), 50);
  assert.equal(deadlineMs('loadingStall'), 60_000);
  delete self.testDeadlinesMs;
  assert.equal(deadlineMs('recognition'), 20_000, 'restored before Retry');
});
