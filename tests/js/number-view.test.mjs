// Number mode's words and placement (site/js/number-view.js, site/js/pad.js): what a user
// reads and hears of a number, and where an example digit lands on the strip.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { digitsOf, ordinal, spokenDigits, unsureSentence } from '../../site/js/number-view.js';
import { placeAfterInk } from '../../site/js/pad.js';

test("a digit's place is named as a sentence names it", () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th']);
});

test('a number is spoken digit by digit, as a phone number or a reading is', () => {
  assert.equal(spokenDigits('2026'), '2 0 2 6');
  assert.equal(spokenDigits('7'), '7');
});

const result = {
  digits: [
    { digit: '2', probability: 0.99, runner_up: { digit: '7', probability: 0.01 }, input: [] },
    { digit: '1', probability: 0.6, runner_up: { digit: '7', probability: 0.3 }, input: [] },
  ],
};

test('a digit below the threshold is unsure, with its runner-up', () => {
  const digits = digitsOf(result, 0.95);
  assert.deepEqual(
    digits.map(({ digit, unsure, runnerUp }) => [digit, unsure, runnerUp.digit]),
    [
      ['2', false, '7'],
      ['1', true, '7'],
    ],
  );
  assert.equal(
    unsureSentence(digits),
    'Not sure of the 2nd digit: 1 or 7. Tap the other one if it is right.',
  );
});

test('nothing is said of unsure digits when the model is sure of all', () => {
  assert.equal(unsureSentence(digitsOf(result, 0.5)), '');
});

const ONE = [
  [
    [0.5, 0.1],
    [0.5, 0.9],
  ],
];

test('an example digit is placed right of the ink, or at the left of an empty strip', () => {
  const empty = { minX: Infinity, maxX: -Infinity };
  const first = placeAfterInk(ONE, empty, 2.5);
  const firstX = first[0][0][0];
  const second = placeAfterInk(ONE, { minX: 0, maxX: firstX }, 2.5);
  assert.ok(second[0][0][0] > firstX);
  for (const [x, y] of [...first.flat(), ...second.flat()]) {
    assert.ok(x >= 0 && x <= 1 && y >= 0 && y <= 1, `${x}, ${y} is on the strip`);
  }
});

test('an example that does not fit before the right edge is refused', () => {
  assert.equal(placeAfterInk(ONE, { minX: 0, maxX: 0.99 }, 2.5), null);
});
