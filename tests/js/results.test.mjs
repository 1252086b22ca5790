// How the results view words the numbers (site/js/results.js): what a user reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatPercent, rankOf } from '../../site/js/results.js';

test('a probability is shown with one decimal', () => {
  assert.equal(formatPercent(0.5), '50.0%');
  assert.equal(formatPercent(0.0123), '1.2%');
  assert.equal(formatPercent(0), '0.0%');
});

test('never a rounded 100% or a rounded 0% for what is not certain or impossible', () => {
  assert.equal(formatPercent(0.9996), '>99.9%');
  assert.equal(formatPercent(1), '>99.9%');
  assert.equal(formatPercent(0.99949), '99.9%');
  assert.equal(formatPercent(0.0004), '<0.1%');
  assert.equal(formatPercent(0.001), '0.1%');
});

test('the runner-up is the second largest probability', () => {
  const probabilities = new Float32Array([0.01, 0.6, 0.02, 0.3, 0.07, 0, 0, 0, 0, 0]);
  assert.equal(rankOf(probabilities, 0), 1);
  assert.equal(rankOf(probabilities, 1), 3);
  assert.equal(rankOf(probabilities, 2), 4);
});
