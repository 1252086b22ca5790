// What the page says when the recognizer cannot start (site/js/start-errors.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { inWords, StartError, startFailureMessage } from '../../site/js/start-errors.js';

test('a known failure says what failed and the advice that goes with it', () => {
  const error = new StartError('the model file x.bin could not be downloaded', 'connection');
  assert.equal(
    startFailureMessage(error),
    'The recognizer could not start: the model file x.bin could not be downloaded. ' +
      'Check your connection, then press Retry.',
  );
  assert.equal(
    startFailureMessage(new StartError('its Python failed to import', 'fault')),
    'The recognizer could not start: its Python failed to import. ' +
      'This is a fault in the app, not your connection.',
  );
});

test('any other error: its first line, without a doubled full stop, and Retry', () => {
  const error = new Error('Traceback (most recent call last).\n  File "x.py", line 1');
  assert.equal(
    startFailureMessage(error),
    'The recognizer could not start: Traceback (most recent call last). Press Retry to try again.',
  );
  assert.equal(
    startFailureMessage('a plain string'),
    'The recognizer could not start: a plain string. Press Retry to try again.',
  );
});

test('a StartError without advice asks for Retry', () => {
  const error = new StartError('loading stalled');
  assert.equal(error.name, 'StartError');
  assert.ok(startFailureMessage(error).endsWith('loading stalled. Press Retry to try again.'));
});

test('names in words', () => {
  assert.equal(inWords([]), '');
  assert.equal(inWords(['a']), 'a');
  assert.equal(inWords(['a', 'b']), 'a and b');
  assert.equal(inWords(['a', 'b', 'c']), 'a, b and c');
});
