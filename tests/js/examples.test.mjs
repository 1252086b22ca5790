// The example digits (site/js/examples.js): strokes the pad draws like a hand-drawn digit.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EXAMPLES, exampleStrokes, smooth } from '../../site/js/examples.js';

test('each example is smooth strokes through its control points, inside the pad', () => {
  for (const [digit, controls] of Object.entries(EXAMPLES)) {
    const strokes = exampleStrokes(digit);
    assert.equal(strokes.length, controls.length, `example ${digit}`);
    strokes.forEach((stroke, index) => {
      const points = controls[index];
      assert.deepEqual(stroke[0], points[0], 'starts where the pen goes down');
      assert.deepEqual(stroke.at(-1), points.at(-1), 'ends where it lifts');
      assert.ok(stroke.length > points.length, 'a curve, not the corners alone');
      for (const [x, y] of stroke) assert.ok(x >= 0 && x <= 1 && y >= 0 && y <= 1, `${x}, ${y}`);
    });
  }
});

test('the curve passes through every control point', () => {
  const points = [
    [0.1, 0.1],
    [0.5, 0.2],
    [0.4, 0.8],
    [0.9, 0.9],
  ];
  const curve = smooth(points, 4);
  assert.equal(curve.length, 3 * 4 + 1);
  points.forEach((point, index) => {
    const [x, y] = curve[index * 4];
    assert.ok(Math.abs(x - point[0]) < 1e-12 && Math.abs(y - point[1]) < 1e-12, `${point}`);
  });
});

test('two points make a straight line', () => {
  assert.deepEqual(
    smooth(
      [
        [0, 0],
        [1, 0.5],
      ],
      2,
    ),
    [
      [0, 0],
      [0.5, 0.25],
      [1, 0.5],
    ],
  );
});

test('a digit without an example is refused', () => {
  assert.throws(() => exampleStrokes('5'), /no example for 5/);
});
