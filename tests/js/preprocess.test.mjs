// The baseline's JavaScript preprocessing (site/baseline/preprocess.js): RGBA pixels in, the
// model's 28x28 input out, normalized as MNIST is (the digit fitted into 20x20, its centre of
// mass moved to the field's centre).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toModelInput } from '../../site/baseline/preprocess.js';

const SIDE = 28;

/** A width x height RGBA image of white paper, with `ink` (x0, y0, x1, y1) boxes in black. */
function paper(width, height, boxes = [], shade = 0) {
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const [x0, y0, x1, y1] of boxes) {
    for (let y = y0; y < y1; y += 1) {
      for (let x = x0; x < x1; x += 1)
        rgba.fill(shade, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return rgba;
}

/** [left, top, right, bottom) of the inked pixels, and the centre of mass. */
function inkedBox(field) {
  let [left, top, right, bottom, mass, momentX, momentY] = [SIDE, SIDE, 0, 0, 0, 0, 0];
  field.forEach((value, index) => {
    if (value <= 0) return;
    const [x, y] = [index % SIDE, Math.floor(index / SIDE)];
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + 1);
    bottom = Math.max(bottom, y + 1);
    mass += value;
    momentX += value * x;
    momentY += value * y;
  });
  return { left, top, right, bottom, centre: [momentX / mass, momentY / mass] };
}

test('blank paper, transparent pixels and faint noise are nothing to recognize', () => {
  assert.equal(toModelInput(paper(100, 100), 100, 100), null);
  assert.equal(toModelInput(new Uint8ClampedArray(100 * 100 * 4), 100, 100), null);
  // Light grey: ink below the noise threshold (a smudge, the paper's texture).
  assert.equal(toModelInput(paper(100, 100, [[10, 10, 90, 90]], 230), 100, 100), null);
});

test('a drawn block becomes 784 values in [0, 1], fitted into 20 pixels and centred', () => {
  // A tall bar, off-centre in a large pad: 40 x 160 of 280 x 280.
  const field = toModelInput(paper(280, 280, [[20, 30, 60, 190]]), 280, 280);
  assert.ok(field instanceof Float32Array);
  assert.equal(field.length, SIDE * SIDE);
  assert.ok(field.every((value) => value >= 0 && value <= 1));
  assert.equal(Math.max(...field), 1, 'solid black is full ink');

  const { left, top, right, bottom, centre } = inkedBox(field);
  assert.equal(bottom - top, 20, 'the longer side is fitted to 20 pixels');
  assert.equal(right - left, 5, 'the aspect ratio is kept');
  assert.ok(Math.abs(centre[0] - 14) <= 1 && Math.abs(centre[1] - 14) <= 1, `${centre}`);
});

test('where the digit is drawn does not change what the model sees', () => {
  const atLeft = toModelInput(paper(200, 200, [[5, 5, 45, 85]]), 200, 200);
  const atRight = toModelInput(paper(200, 200, [[150, 110, 190, 190]]), 200, 200);
  assert.deepEqual(atLeft, atRight);
});

test('too little ink for the pad is nothing: one dark pixel in 10,000 is the least', () => {
  assert.notEqual(toModelInput(paper(100, 100, [[50, 50, 51, 51]]), 100, 100), null);
  assert.equal(toModelInput(paper(200, 200, [[50, 50, 51, 51]]), 200, 200), null);
});
