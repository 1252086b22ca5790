// Orchestration: the pad, the recognizer worker and the results view. The main thread
// only draws and renders; recognition happens in the worker.

import { registerServiceWorker } from './offline.js';
import { Pad } from './pad.js';
import { RecognizerClient } from './recognizer-client.js';
import { ResultsView } from './results.js';

const view = new ResultsView();
let ready = false;
let inFlight = false;
let wanted = false; // a newer drawing than the one in flight awaits recognition
let drawingVersion = 0; // bumped by every stroke and clear; stale results are dropped
let strokeEndedAt = 0;

const client = new RecognizerClient({
  onStatus: ({ stage, message, progress, ...details }) => {
    view.showStatus(stage, message, progress);
    if (stage === 'ready') {
      ready = true;
      performance.mark('digit:ready'); // read by benchmarks/web.py
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
  onStrokeMove: () => requestRecognition(),
  onStrokeEnd: () => {
    drawingVersion += 1;
    strokeEndedAt = performance.now();
    requestRecognition();
  },
});
const prediction = document.querySelector('[data-testid="prediction"]');

document.querySelector('[data-testid="clear"]').addEventListener('click', () => {
  pad.clear();
  drawingVersion += 1;
  wanted = false;
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
  prediction.dataset.pending = String(pad.drawing || inFlight || wanted);
}

/**
 * At most one recognition in flight; the newest drawing wins, none queue up behind. A
 * result is shown only if no stroke ended and no clear happened since its pixels were read:
 * so after a stroke ends, the next result shown is the one for the whole drawing.
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
    wanted = true;
    updatePending();
    return;
  }
  inFlight = true;
  wanted = false;
  const version = drawingVersion;
  const final = !pad.drawing;
  try {
    const result = await client.recognize(pad.pixels());
    if (version === drawingVersion) {
      view.showResult(result);
      if (final) {
        // Stroke end to result on screen, with the worker's own timings (benchmarks/web.py).
        performance.measure('digit:stroke-to-result', {
          start: strokeEndedAt,
          end: performance.now(),
          detail: result.timings,
        });
      }
    }
  } catch (error) {
    view.showError(`Recognition failed: ${error.message}`);
  } finally {
    inFlight = false;
    if (wanted) requestRecognition();
    updatePending();
  }
}
