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
 * Recognize each image like `recognizeImages`, one in flight, each answer with `ms`: the time
 * from handing the image to the client to its answer, as the page would wait for it.
 */
export async function recognizeImagesTimed(images) {
  const answers = [];
  for (const { pixels, width, height } of images) {
    const image = new ImageData(decodeBase64(pixels), width, height);
    const started = performance.now();
    const answer = await settled(recognizer().recognize(image));
    answers.push({ ...answer, ms: performance.now() - started });
  }
  return answers;
}

/**
 * A PNG (base64) as the ImageData a canvas holding it gives: exact for the pad's drawings
 * (black ink on transparency: premultiplied alpha loses nothing when the colour is black).
 */
async function decodePng(text) {
  const bitmap = await createImageBitmap(new Blob([decodeBase64(text)], { type: 'image/png' }), {
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/**
 * Recognize each PNG (base64; a drawing is ~5 KB where its RGBA is 300 KB), `inFlight`
 * recognitions queued at the worker; {ok, result} or {ok: false, error} for each, in order.
 */
export async function recognizePngs({ images, inFlight }) {
  const answers = new Array(images.length);
  let next = 0;
  const lane = async () => {
    while (next < images.length) {
      const index = next++;
      const image = await decodePng(images[index]);
      answers[index] = await settled(recognizer().recognize(image));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return answers;
}

/** A personal request as the page sends it: each example's input as a Uint8Array(784). */
function personalRequest({ op, examples, ids }) {
  if (op === 'remove') return { op, ids };
  return {
    op,
    examples: examples.map(({ id, label, input }) => ({
      id,
      label,
      input: Uint8Array.from(input),
    })),
  };
}

/**
 * Send the worker's personal message (`{op: 'replace' | 'add', examples}` with each input as
 * 784 numbers 0-255, or `{op: 'remove', ids}`) through the client, as the page does;
 * {ok, result: {examples, perLabel}} or {ok: false, error}, with `ms` from sending to the
 * worker's reply.
 */
export async function personalize(request) {
  const started = performance.now();
  const answer = await settled(recognizer().personal(personalRequest(request)));
  return { ...answer, ms: performance.now() - started };
}

/**
 * A correction, then the next drawing: send `request` (an 'add'), then recognize `image`
 * ({pixels: base64 RGBA, width, height}) once the worker has taken it. Returns the personal
 * reply, the recognition's answer, and `ms` from sending the correction to that answer.
 */
export async function correctThenRecognize({ request, image }) {
  const pixels = new ImageData(decodeBase64(image.pixels), image.width, image.height);
  const message = personalRequest(request);
  const started = performance.now();
  const personal = await settled(recognizer().personal(message));
  const answer = await settled(recognizer().recognize(pixels));
  return { personal, answer, ms: performance.now() - started };
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

/** A result as a report keeps it: each digit's model input and probabilities left out. */
function summary(result) {
  const { input, probabilities, model_probabilities, digits, ...kept } = result;
  if (digits)
    kept.digits = digits.map(({ digit, probability, runner_up, box }) => ({
      digit,
      probability,
      runner_up,
      box,
    }));
  return kept;
}

/**
 * Recognize each PNG (base64) as the page does in `mode`: 'number' sends strokes[i] (the
 * pad's strokes in the image's pixels, each a flat [x0, y0, x1, y1, ...]; null for an image)
 * with client.recognize(image, {mode: 'number', strokes}); 'digit' makes the old call,
 * client.recognize(image). `inFlight` recognitions are queued at the worker. Each answer is
 * {ok, result} (the result without the model inputs and probability lists: a number's are
 * 784 + 10 floats a digit) or {ok: false, error}, in order.
 */
export async function recognizeNumbers({ images, strokes, mode, inFlight }) {
  const answers = new Array(images.length);
  let next = 0;
  const lane = async () => {
    while (next < images.length) {
      const index = next++;
      const image = await decodePng(images[index]);
      const recognition =
        mode === 'number'
          ? recognizer().recognize(image, { mode, strokes: strokes?.[index] ?? null })
          : recognizer().recognize(image);
      const answer = await settled(recognition);
      answers[index] = answer.ok ? { ok: true, result: summary(answer.result) } : answer;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return answers;
}
