// The baseline's preprocessing, in JavaScript: the same MNIST normalization as the product's
// Python (py/digits/preprocess.py), so the benchmark compares runtimes, not algorithms.

import {
  FIELD_CENTRE,
  FIT_SIZE,
  LUMA_PER_MILLE,
  LUMA_SCALE,
  MIN_INK_FRACTION,
  MNIST_SIZE,
  NOISE_THRESHOLD,
} from '../js/facts.js';

const [LUMA_RED, LUMA_GREEN, LUMA_BLUE] = LUMA_PER_MILLE;

/** Ink per pixel (0-255) composited over white paper, noise below the threshold zeroed. */
function inkOf(rgba, pixels) {
  const ink = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i += 1, j += 4) {
    const luminance = Math.floor(
      (LUMA_RED * rgba[j] + LUMA_GREEN * rgba[j + 1] + LUMA_BLUE * rgba[j + 2]) / LUMA_SCALE,
    );
    const value = Math.floor((rgba[j + 3] * (255 - luminance) + 127) / 255);
    ink[i] = value > NOISE_THRESHOLD ? value : 0;
  }
  return ink;
}

/** For each target pixel: [first, stop, firstWeight, lastWeight, total] source coverage. */
function areaBins(source, target) {
  const scale = source / target;
  const bins = [];
  for (let index = 0; index < target; index += 1) {
    const start = index * scale;
    const end = Math.min((index + 1) * scale, source);
    const first = Math.floor(start);
    const stop = Math.min(Math.max(first + 1, Math.ceil(end)), source);
    if (stop - first === 1) {
      bins.push([first, stop, 1, 0, 1]);
    } else {
      const firstWeight = first + 1 - start;
      const lastWeight = end - (stop - 1);
      bins.push([
        first,
        stop,
        firstWeight,
        lastWeight,
        firstWeight + lastWeight + stop - first - 2,
      ]);
    }
  }
  return bins;
}

/** @returns {Float32Array | null} 784 values in [0, 1], or null when there is no ink. */
export function toModelInput(rgba, width, height) {
  const ink = inkOf(rgba, width * height);
  let left = width;
  let right = 0;
  let top = height;
  let bottom = 0;
  let count = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (ink[y * width + x]) {
        count += 1;
        if (x < left) left = x;
        if (x >= right) right = x + 1;
        if (y < top) top = y;
        bottom = y + 1;
      }
    }
  }
  if (count === 0 || count < MIN_INK_FRACTION * width * height) return null;
  const boxWidth = right - left;
  const boxHeight = bottom - top;
  const scale = FIT_SIZE / Math.max(boxWidth, boxHeight);
  const fitWidth = Math.max(1, Math.min(FIT_SIZE, Math.floor(boxWidth * scale + 0.5)));
  const fitHeight = Math.max(1, Math.min(FIT_SIZE, Math.floor(boxHeight * scale + 0.5)));
  const columnBins = areaBins(boxWidth, fitWidth);
  const rowBins = areaBins(boxHeight, fitHeight);

  const narrowed = new Float64Array(boxHeight * fitWidth);
  for (let y = 0; y < boxHeight; y += 1) {
    const row = (top + y) * width + left;
    columnBins.forEach(([first, stop, firstWeight, lastWeight, total], x) => {
      let sum = firstWeight * ink[row + first] + lastWeight * ink[row + stop - 1];
      for (let i = first + 1; i < stop - 1; i += 1) sum += ink[row + i];
      narrowed[y * fitWidth + x] = sum / total;
    });
  }
  const fitted = new Float64Array(fitHeight * fitWidth);
  let mass = 0;
  let momentX = 0;
  let momentY = 0;
  rowBins.forEach(([first, stop, firstWeight, lastWeight, total], y) => {
    for (let x = 0; x < fitWidth; x += 1) {
      let sum =
        firstWeight * narrowed[first * fitWidth + x] +
        lastWeight * narrowed[(stop - 1) * fitWidth + x];
      for (let i = first + 1; i < stop - 1; i += 1) sum += narrowed[i * fitWidth + x];
      const value = sum / total;
      fitted[y * fitWidth + x] = value;
      mass += value;
      momentX += value * x;
      momentY += value * y;
    }
  });
  const clamp = (value, high) => Math.min(Math.max(value, 0), high);
  const offsetX = clamp(Math.floor(FIELD_CENTRE - momentX / mass + 0.5), MNIST_SIZE - fitWidth);
  const offsetY = clamp(Math.floor(FIELD_CENTRE - momentY / mass + 0.5), MNIST_SIZE - fitHeight);
  const field = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < fitHeight; y += 1) {
    for (let x = 0; x < fitWidth; x += 1) {
      field[(y + offsetY) * MNIST_SIZE + x + offsetX] = Math.min(fitted[y * fitWidth + x] / 255, 1);
    }
  }
  return field;
}
