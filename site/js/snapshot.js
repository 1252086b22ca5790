// A memory snapshot of the started Python runtime (Pyodide with the page's modules imported),
// kept in this browser's Cache Storage. Starting Python from scratch takes 1.6-2.6 s on a
// 2-core machine; restoring the snapshot takes about 0.2 s, so every visit after the first
// is ready sooner. The snapshot is made here, by the page itself, never downloaded.
//
// Its key is a hash of the Pyodide version and the SHA-256 of the page's Python wheel (from
// the lock file): a new release makes a new snapshot, and the old one is deleted then. It is
// stored gzipped (31 MB of wasm memory become about 6 MB), and gzip's checksum, checked when
// it is read back, means a damaged snapshot is refused rather than restored.

import { sha256Hex } from './sha256.js';

const CACHE_NAME = 'digit-python-snapshot'; // not the service worker's prefix: it keeps this
const FORMAT = 2; // bump when what goes into a snapshot changes (2: the page's Python as a wheel)

/** Cache Storage exists only in secure contexts (https, localhost): else no snapshots. */
export const SNAPSHOTS_POSSIBLE = typeof caches !== 'undefined' && self.isSecureContext;

export async function snapshotKey(pyodideVersion, wheelSha256) {
  const text = JSON.stringify([FORMAT, pyodideVersion, wheelSha256]);
  return (await sha256Hex(new TextEncoder().encode(text))).slice(0, 24);
}

function requestFor(key) {
  return new Request(new URL(`python-snapshot/${key}.bin.gz`, self.location.href).href);
}

// The functions below are called only where SNAPSHOTS_POSSIBLE holds.

/**
 * The snapshot for `key`, or null when there is none (or Cache Storage cannot be read): as
 * `{ bytes }`, a promise of its bytes, unpacked while they are awaited (loadPyodide takes the
 * promise and loads Pyodide's JavaScript meanwhile). It rejects when the snapshot cannot be
 * unpacked (a damaged one: gzip's checksum); the caller then drops it.
 */
export async function findSnapshot(key) {
  let response;
  try {
    const cache = await caches.open(CACHE_NAME);
    response = await cache.match(requestFor(key));
  } catch (error) {
    console.warn('The Python snapshot could not be read; starting Python from scratch.', error);
    return null;
  }
  if (!response) return null;
  const unpacked = response.body.pipeThrough(new DecompressionStream('gzip'));
  const bytes = new Response(unpacked).arrayBuffer().then((buffer) => new Uint8Array(buffer));
  bytes.catch(() => {}); // its failure is the awaiting caller's to handle, never unhandled
  return { bytes };
}

/** Store `bytes` as the snapshot for `key`, replacing any other. */
export async function writeSnapshot(key, bytes) {
  const packed = await new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip')),
  ).blob();
  const cache = await caches.open(CACHE_NAME);
  await dropSnapshots(cache);
  await cache.put(
    requestFor(key),
    new Response(packed, { headers: { 'Content-Type': 'application/gzip' } }),
  );
}

/** Delete every stored snapshot (a damaged one, or an older release's). */
export async function dropSnapshots(cache = null) {
  try {
    const store = cache ?? (await caches.open(CACHE_NAME));
    await Promise.all((await store.keys()).map((request) => store.delete(request)));
  } catch (error) {
    console.warn('Old Python snapshots could not be deleted.', error);
  }
}
