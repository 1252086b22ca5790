// Orchestration: the pad, the ways in (drawing, images, examples), the recognizer worker and
// the results view. The main thread only draws and renders; recognition happens in the worker.

import { exampleStrokes, EXAMPLES } from './examples.js';
import { ImageInputError, loadImageFile, pickFile } from './images.js';
import { followInputKind } from './input-kind.js';
import { registerServiceWorker } from './offline.js';
import { Pad } from './pad.js';
import { RecognizerClient } from './recognizer-client.js';
import { ResultsView } from './results.js';

// `?recognizer=baseline` swaps in the benchmark's baseline: the same page and model, with
// preprocessing in JavaScript and no Pyodide (site/baseline/).
const BASELINE_WORKER_URL = new URL('../baseline/worker.js', import.meta.url);
const useBaseline = new URLSearchParams(window.location.search).get('recognizer') === 'baseline';
const EMPTY_MESSAGE = 'Draw a digit in the box.';
const DOT_MESSAGE = 'Just a dot: draw a whole digit.';
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

followInputKind();
const view = new ResultsView();
let ready = false;
let inkVersion = 0; // bumped whenever the pixels change: a stroke's moves, undo, clear, an image
let inFlight = null; // {version, clears} of the recognition in flight, or null
let wanted = false; // newer pixels than the ones in flight await recognition
let latest = null; // {version, result}: the newest result received for these pixels
let strokeEndedAt = null; // performance.now() when the drawing was finished, until its result shows
let imageChosenAt = null; // performance.now() when an image file was given, until its result shows
let clears = 0;
let upload = null; // {bitmap, imageData}: the image on the pad, recognized at its own resolution
let serviceWorkerStarted = false;

const client = new RecognizerClient({
  workerUrl: useBaseline ? BASELINE_WORKER_URL : undefined,
  onStatus: ({ stage, message, progress, ...details }) => {
    ready = stage === 'ready';
    view.showStatus(stage, message, progress);
    byTestId('retry').hidden = stage !== 'error';
    if (!ready) return;
    // Read by benchmarks/web.py; the detail says when each loading step finished.
    performance.mark('digit:ready', { detail: details.stepTimes });
    view.showModelInfo(details);
    view.uncertainBelow = details.uncertainBelow;
    latest = null;
    if (pad.hasInk) {
      strokeEndedAt ??= performance.now();
      requestRecognition();
    }
    if (!serviceWorkerStarted) {
      serviceWorkerStarted = true;
      // Only now: the service worker's precache then revalidates what the page just
      // downloaded instead of downloading it a second time in parallel.
      registerServiceWorker({
        onUpdateReady: showUpdate,
        onOfflineUnavailable: showOfflineUnavailable,
      }).catch((error) => showOfflineUnavailable(error.message));
    }
  },
});
byTestId('retry').addEventListener('click', () => client.retry());

const pad = new Pad(byTestId('pad'), {
  // Live: results follow the pen (at most one recognition in flight, the newest wins).
  onInk: () => {
    inkVersion += 1;
    strokeEndedAt = null;
    imageChosenAt = null;
    requestRecognition();
  },
  onStrokeEnd: () => finished(),
});
const prediction = byTestId('prediction');

/** The pixels on the pad are final (pen lifted, image loaded, undo): show their answer. */
function finished() {
  strokeEndedAt = performance.now();
  if (!pad.hasInk || pad.onlyDots) {
    // A tap is not a digit: say so rather than let the model guess (a dot looks like a 0).
    view.showNothing(pad.hasInk ? DOT_MESSAGE : EMPTY_MESSAGE);
    strokeEndedAt = null;
  } else if (latest?.version === inkVersion) {
    showFinal(latest.result); // already computed while the pen moved
  } else {
    requestRecognition();
  }
  updatePending();
}

/** After undo, clear, an example or an image: the pixels changed all at once. */
function replaced() {
  inkVersion += 1;
  latest = null;
  finished();
}

function clearPad() {
  pad.clear();
  upload = null;
  clears += 1;
  wanted = false;
  inkVersion += 1;
  latest = null;
  strokeEndedAt = null;
  view.showNothing(EMPTY_MESSAGE);
  updatePending();
}

function undo() {
  if (pad.undo()) replaced();
}

byTestId('clear').addEventListener('click', clearPad);
byTestId('undo').addEventListener('click', undo);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    clearPad();
  } else if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'z') {
    event.preventDefault();
    undo();
  }
});

// Examples: one click draws a digit on the pad, which is then recognized like a drawing.
const examples = byTestId('examples');
for (const digit of Object.keys(EXAMPLES)) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button example';
  button.dataset.testid = 'example';
  button.dataset.digit = digit;
  button.textContent = digit;
  button.setAttribute('aria-label', `Draw an example ${digit}`);
  button.addEventListener('click', () => {
    clearPad();
    pad.addStrokes(exampleStrokes(digit));
    replaced();
  });
  examples.append(button);
}

// Images: file picker, camera, drag and drop onto the pad, paste.
async function useImageFile(file) {
  if (!file) {
    view.showError('That is not a file: drop or paste an image file.');
    return;
  }
  view.showNotice(`Reading “${file.name}”…`);
  imageChosenAt = performance.now();
  try {
    const { bitmap, imageData } = await loadImageFile(file);
    clearPad();
    upload = { bitmap, imageData };
    pad.setImage(bitmap);
    replaced();
  } catch (error) {
    // The drawing and the last result stay as they were: nothing is lost.
    imageChosenAt = null;
    const message =
      error instanceof ImageInputError ? error.message : `That image could not be used: ${error.message}`;
    view.showError(message);
  }
}

for (const id of ['upload', 'camera']) {
  const input = byTestId(id);
  input.addEventListener('change', () => {
    const [file] = input.files;
    input.value = ''; // choosing the same file again is a new change
    if (file) useImageFile(file);
  });
}

const dropZone = byTestId('drop-zone');
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.dataset.dragging = 'true';
});
dropZone.addEventListener('dragleave', () => delete dropZone.dataset.dragging);
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  delete dropZone.dataset.dragging;
  useImageFile(pickFile(event.dataTransfer));
});
document.addEventListener('paste', (event) => {
  const file = pickFile(event.clipboardData);
  if (!file) return; // pasted text: not for us
  event.preventDefault();
  useImageFile(file);
});

function showUpdate(apply) {
  const banner = byTestId('update');
  banner.hidden = false;
  banner.querySelector('[data-testid="update-reload"]').onclick = apply;
}

/** Offline use could not be set up: say so, without getting in the way of recognizing. */
function showOfflineUnavailable(reason) {
  const note = byTestId('offline-unavailable');
  note.hidden = false;
  const text =
    `Offline use is not available: the app's files could not be kept in this browser (${reason}). ` +
    'Recognition keeps working while you are online.';
  note.querySelector('span').textContent = text;
  // Spoken once through the page's one announcer: the note is not a live region of its own.
  view.announce(text);
}

/** data-pending: "true" while what is shown may still change (drawing, or recognizing). */
function updatePending() {
  const pending = pad.drawing || inFlight !== null || wanted || strokeEndedAt !== null;
  prediction.dataset.pending = String(pending);
}

/** The answer for the finished drawing: shown once per pen lift, then measured. */
function showFinal(result) {
  view.showResult(result, { final: true });
  // Pen lift, or an image file given, to result on screen, with the worker's own timings
  // (benchmarks/web.py reads these).
  measureUntilNow('digit:stroke-to-result', strokeEndedAt, result.timings);
  measureUntilNow('digit:image-to-result', imageChosenAt, result.timings);
  strokeEndedAt = null;
  imageChosenAt = null;
}

function measureUntilNow(name, start, timings) {
  if (start !== null) performance.measure(name, { start, end: performance.now(), detail: timings });
}

/** What to recognize: an image alone on the pad at its own resolution, else the pad. */
function pixelsToRecognize() {
  if (upload && pad.image === upload.bitmap) {
    const { data, width, height } = upload.imageData;
    return new ImageData(new Uint8ClampedArray(data), width, height); // the copy is transferred
  }
  return pad.pixels();
}

/**
 * At most one recognition in flight; the newest pixels win, none queue up behind. While the
 * pen moves, each result is shown as it comes (live); once it lifts, only a result for the
 * exact pixels on the pad is shown, so the last result shown is the drawing's answer.
 */
async function requestRecognition() {
  updatePending();
  if (!pad.hasInk || pad.onlyDots) return;
  if (!ready) {
    if (!pad.drawing) {
      view.showNotice('Still loading the recognizer: your digit will be recognized in a moment…');
    }
    return;
  }
  if (inFlight) {
    if (inFlight.version !== inkVersion) wanted = true;
    updatePending();
    return;
  }
  if (latest?.version === inkVersion) return;
  const request = { version: inkVersion, clears };
  inFlight = request;
  wanted = false;
  updatePending();
  try {
    const result = await client.recognize(pixelsToRecognize());
    const current = request.version === inkVersion;
    if (current) latest = { version: request.version, result };
    if (current && !pad.drawing && strokeEndedAt !== null) showFinal(result);
    else if (pad.drawing && request.clears === clears) view.showResult(result, { final: false });
  } catch (error) {
    if (request.version === inkVersion) strokeEndedAt = null;
    view.showError(`Recognition failed: ${error.message}`);
  } finally {
    inFlight = null;
    if (wanted) requestRecognition();
    updatePending();
  }
}
