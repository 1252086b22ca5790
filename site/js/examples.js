// Example digits a visitor can try with one click: pen strokes (control points in the pad's
// 0..1 square) that the pad draws as smooth curves, the same way a hand-drawn digit arrives,
// so an example goes through exactly the path a drawing does.

const SAMPLES_PER_SEGMENT = 10;

// biome-ignore format: the control points read as rows of (x, y) pairs, not one per line
export const EXAMPLES = {
  3: [
    [
      [0.32, 0.24], [0.5, 0.15], [0.66, 0.24], [0.63, 0.4], [0.47, 0.48], [0.66, 0.58],
      [0.68, 0.74], [0.5, 0.85], [0.3, 0.78],
    ],
  ],
  4: [
    [[0.42, 0.15], [0.34, 0.42], [0.28, 0.62], [0.52, 0.61], [0.76, 0.6]],
    [[0.64, 0.32], [0.63, 0.6], [0.62, 0.87]],
  ],
  7: [
    [[0.27, 0.2], [0.5, 0.19], [0.73, 0.2], [0.6, 0.5], [0.47, 0.85]],
    [[0.4, 0.52], [0.56, 0.51], [0.7, 0.5]],
  ],
  9: [
    [
      [0.64, 0.3], [0.5, 0.17], [0.34, 0.24], [0.33, 0.42], [0.5, 0.49], [0.65, 0.36],
      [0.64, 0.3], [0.64, 0.6], [0.6, 0.86],
    ],
  ],
};

/** A Catmull-Rom curve through the control points: a pen moves in curves, not corners. */
export function smooth(points, samples = SAMPLES_PER_SEGMENT) {
  if (points.length < 3) {
    const [[x0, y0], [x1, y1]] = [points[0], points[points.length - 1]];
    return Array.from({ length: samples + 1 }, (_, i) => [
      x0 + ((x1 - x0) * i) / samples,
      y0 + ((y1 - y0) * i) / samples,
    ]);
  }
  const padded = [points[0], ...points, points[points.length - 1]];
  const curve = [];
  for (let i = 1; i < padded.length - 2; i += 1) {
    const [p0, p1, p2, p3] = padded.slice(i - 1, i + 3);
    for (let step = 0; step < samples; step += 1) {
      const t = step / samples;
      const t2 = t * t;
      const t3 = t2 * t;
      curve.push(
        [0, 1].map(
          (k) =>
            0.5 *
            (2 * p1[k] +
              (-p0[k] + p2[k]) * t +
              (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2 +
              (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3),
        ),
      );
    }
  }
  curve.push(points[points.length - 1]);
  return curve;
}

/** The example's strokes as polylines in pad coordinates. */
export function exampleStrokes(digit) {
  const strokes = EXAMPLES[digit];
  if (!strokes) throw new Error(`no example for ${digit}`);
  return strokes.map((stroke) => smooth(stroke));
}
