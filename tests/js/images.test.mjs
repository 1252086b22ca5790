// What the page reads from an image file before decoding it (site/js/images.js): the format
// and pixel size from the first bytes, so a huge or unsupported file is refused early.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pickFile, sniffImage } from '../../site/js/images.js';

/** Bytes from numbers and ASCII strings, in order. */
function bytesOf(...parts) {
  const out = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(...Array.from(part, (char) => char.charCodeAt(0)));
    else out.push(...part);
  }
  return new Uint8Array(out);
}
const u16be = (value) => [value >> 8, value & 0xff];
const u16le = (value) => [value & 0xff, value >> 8];
const u32be = (value) => [...u16be(value >>> 16), ...u16be(value & 0xffff)];
const i32le = (value) => [
  value & 0xff,
  (value >> 8) & 0xff,
  (value >> 16) & 0xff,
  (value >> 24) & 0xff,
];

test('PNG: the size from its IHDR header', () => {
  const png = bytesOf([0x89], 'PNG\r\n\x1a\n', u32be(13), 'IHDR', u32be(4000), u32be(3000));
  assert.deepEqual(sniffImage(png), { type: 'PNG', width: 4000, height: 3000 });
});

test('GIF and BMP (a top-down BMP has a negative height)', () => {
  assert.deepEqual(sniffImage(bytesOf('GIF89a', u16le(320), u16le(200))), {
    type: 'GIF',
    width: 320,
    height: 200,
  });
  const bmp = bytesOf('BM', new Array(16).fill(0), i32le(640), i32le(-480), [0, 0, 0, 0]);
  assert.deepEqual(sniffImage(bmp), { type: 'BMP', width: 640, height: 480 });
});

test('JPEG: the frame header is found behind the metadata segments', () => {
  const app0 = [0xff, 0xe0, ...u16be(16), ...new Array(14).fill(0)];
  const dht = [0xff, 0xc4, ...u16be(4), 0, 0]; // a Huffman table: not a frame header
  const sof0 = [0xff, 0xc0, ...u16be(17), 8, ...u16be(1080), ...u16be(1920), 3, 0, 0, 0];
  const jpeg = bytesOf([0xff, 0xd8], app0, dht, sof0);
  assert.deepEqual(sniffImage(jpeg), { type: 'JPEG', width: 1920, height: 1080 });
});

test('SVG is recognized by its text; anything else is not an image', () => {
  const svg = bytesOf('  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
  assert.deepEqual(sniffImage(svg), { type: 'SVG', width: 0, height: 0 });
  assert.equal(sniffImage(bytesOf('%PDF-1.7 not an image at all')), null);
  assert.equal(sniffImage(new Uint8Array(0)), null);
});

test('dropped or pasted: the first image is picked, else the first file', () => {
  const text = { name: 'notes.txt', type: 'text/plain' };
  const photo = { name: 'digit.jpg', type: 'image/jpeg' };
  assert.equal(pickFile({ files: [text, photo] }), photo);
  assert.equal(pickFile({ files: [text] }), text);
  assert.equal(pickFile({ files: [] }), null);
  assert.equal(pickFile(null), null);
});
