// Orchestration: the pad, the recognizer worker and the results view. The main thread
// only draws and renders; recognition happens in the worker.

import { registerServiceWorker } from './offline.js';
import { Pad } from './pad.js';
import { RecognizerClient } from './recognizer-client.js';
import { ResultsView } from './results.js';

// `?recognizer=baseline` swaps in the benchmark's baseline: the same page and model, with
// preprocessing in JavaScript and no Pyodide (site/baseline/).
const BASELINE_WORKER_URL = new URL('../baseline/worker.js', import.meta.url);
const useBaseline = new URLSearchParams(window.location.search).get('recognizer') === 'baseline';
const view = new ResultsView();
let ready = false;
let inkVersion = 0; // bumped whenever the pixels change: a stroke's moves, a clear
let inFlight = null; // {version, clears} of the recognition in flight, or null
let wanted = false; // newer pixels than the ones in flight await recognition
let latest = null; // {version, result}: the newest result received for these pixels
let strokeEndedAt = null; // performance.now() of the last pen lift, until its result shows
let clears = 0;

const client = new RecognizerClient({
  workerUrl: useBaseline ? BASELINE_WORKER_URL : undefined,
  onStatus: ({ stage, message, progress, ...details }) => {
    view.showStatus(stage, message, progress);
    if (stage === 'ready') {
      ready = true;
      // Read by benchmarks/web.py; the detail says when each loading step finished.
      performance.mark('digit:ready', { detail: details.stepTimes });
      view.showModelInfo(details);
      if (pad.hasInk) requestRecognition();
      // Only now: the service worker's precache then revalidates what the page just
      // downloaded instead of downloading it a second time in parallel.
      registerServiceWorker({ onUpdateReady: showUpdate }).catch((error) =>
        console.warn('Offline support unavailable:', error),
      );
    }
  },
});
client.ready.catch(() => {}); // shown through onStatus

const pad = new Pad(document.querySelector('[data-testid="pad"]'), {
  // Live: results follow the pen (at most one recognition in flight, the newest wins).
  onInk: () => {
    inkVersion += 1;
    strokeEndedAt = null;
    requestRecognition();
  },
  onStrokeEnd: () => {
    strokeEndedAt = performance.now();
    if (latest?.version === inkVersion) showFinal(latest.result); // already computed
    else requestRecognition();
    updatePending();
  },
});
const prediction = document.querySelector('[data-testid="prediction"]');

document.querySelector('[data-testid="clear"]').addEventListener('click', () => {
  pad.clear();
  inkVersion += 1;
  clears += 1;
  wanted = false;
  latest = null;
  strokeEndedAt = null;
  view.showNothing('Draw a digit in the box.');
  updatePending();
});

function showUpdate(apply) {
  const banner = document.querySelector('[data-testid="update"]');
  banner.hidden = false;
  banner.querySelector('[data-testid="update-reload"]').onclick = apply;
}

/** data-pending: "true" while what is shown may still change (drawing, or recognizing). */
function updatePending() {
  const pending = pad.drawing || inFlight !== null || wanted || strokeEndedAt !== null;
  prediction.dataset.pending = String(pending);
}

/** The answer for the finished drawing: shown once per pen lift, then measured. */
function showFinal(result) {
  view.showResult(result);
  if (strokeEndedAt !== null) {
    // Pen lift to result on screen, with the worker's own timings (benchmarks/web.py).
    performance.measure('digit:stroke-to-result', {
      start: strokeEndedAt,
      end: performance.now(),
      detail: result.timings,
    });
  }
  strokeEndedAt = null;
}

/**
 * At most one recognition in flight; the newest pixels win, none queue up behind. While the
 * pen moves, each result is shown as it comes (live); once it lifts, only a result for the
 * exact pixels on the pad is shown, so the last result shown is the drawing's answer.
 */
async function requestRecognition() {
  updatePending();
  if (!pad.hasInk) return;
  if (!ready) {
    if (!pad.drawing) {
      view.showStatus('loading', 'Still loading the recognizer: your digit will be recognized in a moment…');
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
    const result = await client.recognize(pad.pixels());
    const current = request.version === inkVersion;
    if (current) latest = { version: request.version, result };
    if (current && !pad.drawing && strokeEndedAt !== null) showFinal(result);
    else if (pad.drawing && request.clears === clears) view.showResult(result);
  } catch (error) {
    view.showError(`Recognition failed: ${error.message}`);
  } finally {
    inFlight = null;
    if (wanted) requestRecognition();
    updatePending();
  }
}
