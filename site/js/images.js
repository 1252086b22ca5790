// Images the user gives the page (file picker, camera, drag and drop, paste): checked before
// they are decoded, then decoded into pixels for the recognizer and a picture for the pad.
// Every refusal is an ImageInputError whose message the page shows as it is.

import { LUMA_PER_MILLE, LUMA_SCALE } from './facts.js';

const [LUMA_RED, LUMA_GREEN, LUMA_BLUE] = LUMA_PER_MILLE;

const MAX_FILE_BYTES = 30 * 1024 * 1024; // phone photos are 2-12 MB
const MAX_PIXELS = 50_000_000; // 8000 x 6000 fits; decoding it takes 200 MB of RGBA
// The recognizer gets the image with its longer side at most this (never upscaled): enough
// for a digit that fills a tenth of a photo's width, and quick to prepare in Python.
const RECOGNITION_MAX_SIDE = 640;
const SVG_DEFAULT_SIDE = 280; // an SVG without its own size is drawn at this size
const HEADER_BYTES = 64 * 1024; // enough to find a JPEG's size behind its metadata
const SUPPORTED = 'PNG, JPEG, GIF, WebP, BMP or SVG';
// An image whose ink (darkness over white paper, as py/digits/preprocess.py measures it)
// varies by no more than this (of 255) is one flat shade: blank paper, an all-black photo.
// Recognized, the all-black one would be one big blob of ink, which the model calls a digit.
const FLAT_INK_RANGE = 40;

export class ImageInputError extends Error {}

const megabytes = (bytes) =>
  `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** The format and pixel size from the first bytes of a file, without decoding it. */
export function sniffImage(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (start, length) => String.fromCharCode(...bytes.subarray(start, start + length));
  if (bytes.length >= 24 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') {
    return { type: 'PNG', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && ascii(0, 3) === 'GIF') {
    return { type: 'GIF', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes.length >= 26 && ascii(0, 2) === 'BM') {
    return {
      type: 'BMP',
      width: Math.abs(view.getInt32(18, true)),
      height: Math.abs(view.getInt32(22, true)),
    };
  }
  if (bytes.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') {
      const read24 = (at) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
      return { type: 'WebP', width: read24(24) + 1, height: read24(27) + 1 };
    }
    if (chunk === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { type: 'WebP', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8 ') {
      return {
        type: 'WebP',
        width: view.getUint16(26, true) & 0x3fff,
        height: view.getUint16(28, true) & 0x3fff,
      };
    }
    return { type: 'WebP', width: 0, height: 0 };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // JPEG: walk the segments to the frame header (SOF0..SOF15, not DHT/JPG/DAC).
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return { type: 'JPEG', width: 0, height: 0 };
      const marker = bytes[at + 1];
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { type: 'JPEG', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + view.getUint16(at + 2);
    }
    return { type: 'JPEG', width: 0, height: 0 };
  }
  const text = new TextDecoder().decode(bytes.subarray(0, 1024)).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) {
    return { type: 'SVG', width: 0, height: 0 };
  }
  return null;
}

function checkFile(file, header) {
  if (file.size === 0) {
    throw new ImageInputError(`“${file.name}” is empty: there is no image in it.`);
  }
  if (file.size > MAX_FILE_BYTES) {
    throw new ImageInputError(
      `“${file.name}” is too large (${megabytes(file.size)}): the limit is ${megabytes(MAX_FILE_BYTES)}.`,
    );
  }
  const format = sniffImage(header);
  if (!format) {
    throw new ImageInputError(`“${file.name}” is not an image this page can read (${SUPPORTED}).`);
  }
  if (format.width * format.height > MAX_PIXELS) {
    throw new ImageInputError(
      `“${file.name}” is too large (${format.width} × ${format.height} pixels): ` +
        `the limit is ${(MAX_PIXELS / 1e6).toFixed(0)} megapixels.`,
    );
  }
  return format;
}

async function decodeSvg(file) {
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const width = image.naturalWidth || SVG_DEFAULT_SIDE;
    const height = image.naturalHeight || SVG_DEFAULT_SIDE;
    const scale = Math.min(1, RECOGNITION_MAX_SIDE / Math.max(width, height));
    // Drawn onto a canvas, not given to createImageBitmap(image): Chrome turns an SVG with
    // only a viewBox (no width and height of its own) into a blank bitmap that way.
    const canvas = new OffscreenCanvas(
      Math.max(1, Math.round(width * scale)),
      Math.max(1, Math.round(height * scale)),
    );
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    return createImageBitmap(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Check and decode an image file (an animated GIF gives its first frame).
 * @returns {Promise<{bitmap: ImageBitmap, imageData: ImageData, format: string}>} the picture
 *   to show and the pixels to recognize (longer side at most RECOGNITION_MAX_SIDE)
 * @throws {ImageInputError} with a message for the user
 */
export async function loadImageFile(file) {
  const header = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const format = checkFile(file, header);
  let bitmap;
  try {
    if (format.type === 'SVG') {
      bitmap = await decodeSvg(file);
    } else if (format.width && format.height) {
      // Decoded straight to the size used: a 12-megapixel photo never exists at full size.
      const scale = Math.min(1, RECOGNITION_MAX_SIDE / Math.max(format.width, format.height));
      bitmap = await createImageBitmap(file, {
        resizeWidth: Math.max(1, Math.round(format.width * scale)),
        resizeHeight: Math.max(1, Math.round(format.height * scale)),
        resizeQuality: 'high',
      });
    } else {
      bitmap = await createImageBitmap(file);
    }
  } catch {
    throw new ImageInputError(
      `“${file.name}” could not be decoded as ${format.type}: the file may be damaged or cut short.`,
    );
  }
  if (!bitmap.width || !bitmap.height) {
    throw new ImageInputError(`“${file.name}” has no pixels.`);
  }
  const scale = Math.min(1, RECOGNITION_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const imageData = context.getImageData(0, 0, width, height);
  if (isFlat(imageData)) {
    throw new ImageInputError(`“${file.name}” is all one shade: there is no digit in it.`);
  }
  return { bitmap, imageData, format: format.type };
}

/** Whether the ink of every pixel is within FLAT_INK_RANGE of every other's. */
function isFlat({ data }) {
  let least = Infinity;
  let most = -Infinity;
  for (let at = 0; at < data.length; at += 4) {
    const luminance =
      (LUMA_RED * data[at] + LUMA_GREEN * data[at + 1] + LUMA_BLUE * data[at + 2]) / LUMA_SCALE;
    const ink = (data[at + 3] * (255 - luminance)) / 255;
    least = Math.min(least, ink);
    most = Math.max(most, ink);
    if (most - least > FLAT_INK_RANGE) return false;
  }
  return true;
}

/** The first image among dropped or pasted items, or the first file, or null. */
export function pickFile(dataTransfer) {
  const files = [...(dataTransfer?.files ?? [])];
  return files.find((file) => file.type.startsWith('image/')) ?? files[0] ?? null;
}
