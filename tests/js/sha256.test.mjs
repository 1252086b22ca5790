// The page's SHA-256 (site/js/sha256.js) against Node's: checksums of downloaded files are
// checked with it, so a wrong digest would refuse every download (or accept a damaged one).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, test } from 'node:test';

import { sha256Hex, sha256HexInJs } from '../../site/js/sha256.js';

const nodeSha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('the plain-JavaScript SHA-256 matches node:crypto at every padding boundary', () => {
  // 55/56 bytes: the length still fits the last block or needs another; 64: a whole block.
  for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
    const bytes = randomBytes(length);
    assert.equal(sha256HexInJs(new Uint8Array(bytes)), nodeSha256(bytes), `${length} bytes`);
  }
});

test('the plain-JavaScript SHA-256 of known texts', () => {
  const encode = (text) => new TextEncoder().encode(text);
  assert.equal(
    sha256HexInJs(encode('')),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(
    sha256HexInJs(encode('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('an ArrayBuffer and a view into a larger buffer hash their own bytes', () => {
  const bytes = new Uint8Array(randomBytes(300));
  assert.equal(sha256HexInJs(bytes.buffer), nodeSha256(bytes));
  const view = bytes.subarray(10, 110);
  assert.equal(sha256HexInJs(view), nodeSha256(view));
});

const hadSelf = 'self' in globalThis;
const originalSelf = globalThis.self;
afterEach(() => {
  if (hadSelf) globalThis.self = originalSelf;
  else delete globalThis.self;
});

test('sha256Hex gives the same digest with crypto.subtle and without it', async () => {
  const bytes = new Uint8Array(randomBytes(777));
  globalThis.self = globalThis; // a secure context: crypto.subtle is there
  assert.equal(await sha256Hex(bytes), nodeSha256(bytes));
  globalThis.self = {}; // plain HTTP to another host: no crypto.subtle
  assert.equal(await sha256Hex(bytes), nodeSha256(bytes));
});
