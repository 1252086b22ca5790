// The page's own recognizer client (site/js/recognizer-client.js), driven directly: a second
// worker, started and fed images the way the page does it, so tests and benchmarks speak
// the worker's protocol through the one client that defines it. harness/recognizer.py
// imports this module into the page and calls its exports.

const CLIENT_PATH = 'js/recognizer-client.js'; // relative to the page
const FACTS_PATH = 'js/facts.js';

/** The recognizer started by `startRecognizer` (one per page). */
function recognizer() {
  if (!globalThis.harnessRecognizer)
    throw new Error('startRecognizer() was not called in this page');
  return globalThis.harnessRecognizer;
}

/** A result with its typed arrays (the model input) as plain arrays, to return to Python. */
function plain(result) {
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) => [
      key,
      ArrayBuffer.isView(value) ? Array.from(value) : value,
    ]),
  );
}

/** The client's answer as {ok, result} or {ok: false, error}, the way the worker sends it. */
async function settled(recognition) {
  try {
    return { ok: true, result: plain(await recognition) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

function decodeBase64(text) {
  return Uint8ClampedArray.from(atob(text), (char) => char.charCodeAt(0));
}

/**
 * Start a recognizer on the worker at `workerUrl` (the page's own, or the baseline's);
 * resolves once it is ready, rejects with the worker's message if it cannot start.
 */
export async function startRecognizer(workerUrl) {
  const { RecognizerClient } = await import(new URL(CLIENT_PATH, document.baseURI).href);
  const client = new RecognizerClient({ workerUrl });
  await client.ready;
  globalThis.harnessRecognizer = client;
  return true;
}

/** Stop the recognizer (its worker is terminated). */
export function stopRecognizer() {
  recognizer().stop();
  globalThis.harnessRecognizer = undefined;
  return true;
}

/**
 * Recognize each image ({pixels: base64 RGBA, width, height}), one after another;
 * {ok, result} or {ok: false, error} for each.
 */
export async function recognizeImages(images) {
  const answers = [];
  for (const { pixels, width, height } of images) {
    answers.push(
      await settled(recognizer().recognize(new ImageData(decodeBase64(pixels), width, height))),
    );
  }
  return answers;
}

/**
 * MNIST digits (28x28 grey bytes, base64, one after another), each re-rendered `sides[i]` px
 * wide: on white when `onWhite[i]`, else as black ink on transparency (the pad's format).
 * `inFlight` recognitions are kept queued at the worker, so it never waits for the next
 * image. Returns [status, digit, probability] per image, or ['error', null, message].
 */
export async function recognizeMnist({ images, sides, onWhite, inFlight }) {
  const { MNIST_SIZE: MNIST_SIDE } = await import(new URL(FACTS_PATH, document.baseURI).href);
  const bytes = decodeBase64(images);
  const small = new OffscreenCanvas(MNIST_SIDE, MNIST_SIDE);
  const smallContext = small.getContext('2d');
  const render = (index) => {
    const digit = new ImageData(MNIST_SIDE, MNIST_SIDE);
    const first = index * MNIST_SIDE * MNIST_SIDE;
    for (let p = 0; p < MNIST_SIDE * MNIST_SIDE; p++) digit.data[p * 4 + 3] = bytes[first + p];
    smallContext.putImageData(digit, 0, 0);
    const side = sides[index];
    const canvas = new OffscreenCanvas(side, side);
    const context = canvas.getContext('2d');
    if (onWhite[index]) {
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, side, side);
    }
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(small, 0, 0, side, side);
    return context.getImageData(0, 0, side, side);
  };
  const results = new Array(sides.length);
  let next = 0;
  const lane = async () => {
    while (next < sides.length) {
      const index = next++;
      const answer = await settled(recognizer().recognize(render(index)));
      results[index] = answer.ok
        ? [answer.result.status, answer.result.digit ?? null, answer.result.probability ?? null]
        : ['error', null, answer.error];
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return results;
}
