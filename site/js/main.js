// Orchestration: the pad, the ways in (drawing, images, examples), the recognizer worker and
// the results view. The main thread only draws and renders; recognition happens in the worker.

import { CorrectionRow } from './correction.js';
import { appendDigitButtons } from './digit-buttons.js';
import { EXAMPLES, exampleStrokes } from './examples.js';
import { Handwriting } from './handwriting.js';
import { HandwritingPanel } from './handwriting-panel.js';
import { ImageInputError, loadImageFile, pickFile } from './images.js';
import { followInputKind } from './input-kind.js';
import { NumberView, unsureSentence } from './number-view.js';
import { registerServiceWorker } from './offline.js';
import { Pad, placeAfterInk } from './pad.js';
import { RecognizerClient } from './recognizer-client.js';
import { ResultsView } from './results.js';
import { RecognitionScheduler } from './scheduler.js';

// `?recognizer=baseline` swaps in the benchmark's baseline: the same page and model, with
// preprocessing in JavaScript and no Pyodide (site/baseline/).
const BASELINE_WORKER_URL = new URL('../baseline/worker.js', import.meta.url);
const useBaseline = new URLSearchParams(window.location.search).get('recognizer') === 'baseline';
const NOTHING_MESSAGES = {
  empty: 'Draw a digit in the box.',
  dot: 'Just a dot: draw a whole digit.',
};
// Number mode (issue 13): the pad is a strip for a row of digits, read as one number.
const NUMBER_NOTHING_MESSAGES = {
  empty: 'Write a number in the box: its digits side by side.',
  dot: 'Just a dot: write whole digits.',
};
const ONE_DIGIT_ONLY = 'This recognizer reads one digit only: switch off “Write a number”.';
const PAD_LABELS = {
  digit: 'Drawing pad: draw one digit with the mouse, a finger or a pen, or drop an image here',
  number:
    'Drawing pad: write a number, its digits side by side, with the mouse, a finger or a pen, ' +
    'or drop an image of one here',
};
const MODE_KEY = 'digit-recognizer.mode'; // localStorage: 'number' or 'digit'
// The worker says 'Ready: draw a digit.'; in number mode the status line says this instead.
const READY_FOR_A_NUMBER = 'Ready: write a number.';
const WAITING_MESSAGE = 'Still loading the recognizer: your digit will be recognized in a moment…';
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

followInputKind();
const view = new ResultsView();
let upload = null; // {bitmap, imageData}: the image on the pad, recognized at its own resolution
let serviceWorkerStarted = false;
let statusCount = 0; // bumped by every status: a later one overrides an earlier one's wait
let shownFinal = null; // the ok digit result whose answer is on screen, until it changes
let answerShown = false; // a final answer (a digit, or a number) is on screen
let numberMode = false; // the pad takes a number, not one digit
let lastStatus = null; // the worker's latest {stage, message, progress}: shown again on a mode switch
let spokenWithNext = null; // said with the next final answer (one announcement, not two)
let correctedAt = null; // performance.now() of a correction, until the answer it brings shows
let examplesSent = Promise.resolve(); // settles once the worker has the stored examples

const client = new RecognizerClient({
  workerUrl: useBaseline ? BASELINE_WORKER_URL : undefined,
  onStatus: ({ stage, message, progress, ...details }) => {
    const ready = stage === 'ready';
    statusCount += 1;
    lastStatus = { stage, message, progress };
    showStatus();
    byTestId('retry').hidden = stage !== 'error';
    if (!ready) {
      scheduler.setReady(false);
      return;
    }
    // Read by benchmarks/web.py; the detail says when each loading step finished.
    performance.mark('digit:ready', { detail: details.stepTimes });
    view.showModelInfo(details);
    view.uncertainBelow = details.uncertainBelow;
    // Ready at once: the first answer does not wait for the stored examples (1,000 of them
    // take the worker seconds to take in). The worker keeps them in memory only, so a new one
    // gets them all again; once it has, the answer on screen is recognized again, in case
    // your handwriting changes it.
    scheduler.setReady(true);
    const current = statusCount;
    examplesSent = handwriting.workerReady().then(() => {
      if (current === statusCount && handwriting.store.list().length) recognizeAgain();
    });
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
  onInk: () => scheduler.inkChanged(),
  onStrokeEnd: () => scheduler.finished(),
});
const prediction = byTestId('prediction');
const numberView = new NumberView(byTestId('number-box'), {
  announce: (text) => view.announce(text),
});

const scheduler = new RecognitionScheduler({
  pad,
  recognize: () =>
    numberMode
      ? client.recognize(pixelsToRecognize(), { mode: 'number', strokes: pad.strokes() })
      : client.recognize(pixelsToRecognize()),
  onLive: (result) => {
    noFinalAnswer();
    if (numberMode) showNumber(result, { final: false });
    else view.showResult(result, { final: false });
  },
  onFinal: showFinal,
  onNothing: (reason) => {
    noFinalAnswer();
    if (numberMode) {
      numberView.showNothing('empty');
      view.showMessage(NUMBER_NOTHING_MESSAGES[reason], { announce: true });
    } else {
      view.showNothing(NOTHING_MESSAGES[reason]);
    }
  },
  onWaiting: () => view.showNotice(WAITING_MESSAGE),
  onError: (error) => {
    noFinalAnswer();
    if (numberMode) numberView.showNothing('error');
    view.showError(`Recognition failed: ${error.message}`);
  },
  // data-pending: "true" while what is shown may still change (drawing, or recognizing).
  onPending: (pending) => {
    prediction.dataset.pending = String(pending);
    numberView.setPending(pending);
  },
});

// Teaching it your handwriting: the row under the answer, the panel, and what is kept.
const correction = new CorrectionRow(byTestId('correct'), { onCorrect: correctAnswer });
const handwriting = new Handwriting({
  client,
  correction,
  panel: new HandwritingPanel(byTestId('handwriting'), {
    onDelete: (id) => handwriting.remove(id),
    onReset: () => handwriting.reset(),
    onExport: () => handwriting.exportFile(),
    onImport: (file) => handwriting.importFile(file),
  }),
  announce: (text) => view.announce(text),
  onChanged: recognizeAgain,
});

/** The answer on screen was really `label`: keep it, and show the answer that now gives. */
async function correctAnswer(label) {
  const result = shownFinal;
  if (!result) return;
  correction.setBusy(true);
  correctedAt = performance.now();
  try {
    await examplesSent; // an example told to the worker before 'replace' would be dropped
    const thanks = await handwriting.correct(result, label);
    correction.note(thanks);
    recognizeAgain(thanks);
    if (!shownFinal) correctedAt = null; // no answer to measure to
  } catch (error) {
    correctedAt = null;
    correction.note(`That could not be kept: ${error.message}`);
  } finally {
    correction.setBusy(false);
  }
}

/**
 * What is kept changed: recognize the same pixels again (the answer may change), and say
 * `text` with that answer; where there is no answer on screen, say it alone.
 */
function recognizeAgain(text = null) {
  if (answerShown && !pad.drawing) {
    spokenWithNext = text;
    scheduler.replaced();
  } else if (text) {
    view.announce(text);
  }
}

function noFinalAnswer() {
  shownFinal = null;
  answerShown = false;
  correctedAt = null;
  correction.hide();
}

function clearPad() {
  pad.clear();
  upload = null;
  scheduler.cleared();
}

function undo() {
  if (pad.undo()) scheduler.replaced();
}

byTestId('clear').addEventListener('click', clearPad);
byTestId('undo').addEventListener('click', undo);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    clearPad();
  } else if (
    (event.ctrlKey || event.metaKey) &&
    !event.shiftKey &&
    event.key.toLowerCase() === 'z'
  ) {
    event.preventDefault();
    undo();
  }
});

// Examples: one click draws a digit on the pad, which is then recognized like a drawing.
const examples = byTestId('examples');
appendDigitButtons(examples, Object.keys(EXAMPLES), {
  className: 'button example',
  testId: 'example',
  name: (digit) => `Draw an example ${digit}`,
  onClick: (digit) => {
    if (numberMode) {
      addNextDigit(exampleStrokes(digit));
    } else {
      clearPad();
      pad.addStrokes(exampleStrokes(digit));
    }
    scheduler.replaced();
  },
});

/** Number mode: an example is written after the digits on the pad (on a clear pad when an
 * image is there, or when the strip is full), so a few clicks write a number. */
function addNextDigit(strokes) {
  if (pad.strokes() === null) clearPad();
  let placed = placeAfterInk(strokes, pad.inkBounds, pad.aspect);
  if (!placed) {
    clearPad();
    placed = placeAfterInk(strokes, pad.inkBounds, pad.aspect);
  }
  pad.addStrokes(placed);
}

/** The worker's latest status on the status line, its ready message fitted to the mode. */
function showStatus() {
  const { stage, message, progress } = lastStatus;
  const ready = stage === 'ready';
  view.showStatus(stage, ready && numberMode ? READY_FOR_A_NUMBER : message, progress);
}

// Number mode: the switch, remembered across visits (where the browser lets the page keep it).
const modeSwitch = byTestId('number-mode');
const app = document.querySelector('.app');
function setNumberMode(on, { remember = true } = {}) {
  numberMode = on;
  const mode = on ? 'number' : 'digit';
  modeSwitch.setAttribute('aria-pressed', String(on));
  app.dataset.mode = mode;
  byTestId('pad').setAttribute('aria-label', PAD_LABELS[mode]);
  if (lastStatus) showStatus();
  if (remember) {
    try {
      localStorage.setItem(MODE_KEY, mode);
    } catch {
      // Storage switched off: the mode lasts for this visit.
    }
  }
  clearPad(); // a drawing of one digit is no number, nor the other way round
}
modeSwitch.addEventListener('click', () => setNumberMode(!numberMode));
try {
  if (localStorage.getItem(MODE_KEY) === 'number') setNumberMode(true, { remember: false });
} catch {
  // Storage switched off: the page starts with one digit.
}

// Images: file picker, camera, drag and drop onto the pad, paste.
async function useImageFile(file) {
  if (!file) {
    view.showError('That is not a file: drop or paste an image file.');
    return;
  }
  view.showNotice(`Reading “${file.name}”…`);
  scheduler.imageChosen();
  try {
    const { bitmap, imageData } = await loadImageFile(file);
    clearPad();
    upload = { bitmap, imageData };
    pad.setImage(bitmap);
    scheduler.replaced();
  } catch (error) {
    // The drawing and the last result stay as they were: nothing is lost.
    scheduler.imageFailed();
    const message =
      error instanceof ImageInputError
        ? error.message
        : `That image could not be used: ${error.message}`;
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

/** The answer for the finished drawing, then how long it took to come. */
function showFinal(result, { strokeEndedAt, imageChosenAt }) {
  if (numberMode) {
    answerShown = showNumber(result, { final: true });
    shownFinal = null;
    correction.hide(); // corrections teach single digits
  } else {
    view.showResult(result, { final: true });
    shownFinal = result.status === 'ok' ? result : null;
    answerShown = shownFinal !== null;
    if (shownFinal) correction.show(result.digit);
    else correction.hide();
    if (spokenWithNext) view.announce(`${spokenWithNext} ${view.spoken}`);
  }
  spokenWithNext = null;
  // Pen lift, or an image file given, to result on screen, with the worker's own timings
  // (benchmarks/web.py reads these).
  measureUntilNow('digit:stroke-to-result', strokeEndedAt, result.timings);
  measureUntilNow('digit:image-to-result', imageChosenAt, result.timings);
  // A correction's tap to the answer it brings: keeping it, teaching the worker, recognizing.
  measureUntilNow('digit:correction-to-result', correctedAt, result.timings);
  correctedAt = null;
}

function measureUntilNow(name, start, timings) {
  if (start !== null) performance.measure(name, { start, end: performance.now(), detail: timings });
}

/**
 * Number mode's answer: the number and its digits, or a refusal's message (never a number).
 * Final answers are said once, through the page's announcer. Returns whether a number shows.
 */
function showNumber(result, { final }) {
  if (result.mode !== 'number') {
    numberView.showNothing('error'); // a worker that reads one digit only
    view.showMessage(ONE_DIGIT_ONLY, { kind: 'error', announce: final });
    return false;
  }
  if (result.status !== 'ok') {
    const status = result.status === 'empty' ? 'empty' : 'rejected';
    numberView.showNothing(status, result.reason);
    view.showMessage(result.message, {
      kind: status === 'empty' ? null : 'error',
      announce: final,
    });
    return false;
  }
  const spoken = numberView.showNumber(result, { threshold: view.threshold });
  const unsure = unsureSentence(numberView.digits);
  view.showMessage(unsure, { kind: unsure ? 'uncertain' : null });
  if (final) view.announce(spokenWithNext ? `${spokenWithNext} ${spoken}` : spoken);
  return true;
}

/** What to recognize: an image alone on the pad at its own resolution, else the pad. */
function pixelsToRecognize() {
  if (upload && pad.image === upload.bitmap) {
    const { data, width, height } = upload.imageData;
    return new ImageData(new Uint8ClampedArray(data), width, height); // the copy is transferred
  }
  return pad.pixels();
}
