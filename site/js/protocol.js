// The recognizer worker's messages, defined once: the page's client (recognizer-client.js)
// and both workers (worker.js, and the baseline's) build and read them through this module.
//
// page -> worker  {type: RECOGNIZE, id, width, height, pixels, mode, strokes}
//                   pixels: RGBA, transferred; mode: 'digit' (one digit) or 'number' (a row
//                   of digits, issue 13); strokes (number mode, a drawing): each stroke a
//                   flat [x0, y0, x1, y1, ...] in the image's pixels, in drawing order, or
//                   null for an image (its ink is then split into digits by its pixels)
//                 {type: PERSONAL, id, op: 'replace' | 'add', examples}
//                 {type: PERSONAL, id, op: 'remove', ids}
//                   the person's corrected examples, which the worker keeps in memory only
//                   (the page stores them, and sends them all with 'replace' after each
//                   start); an example is {id, label, input}: input is the 28x28 image the
//                   model saw as a Uint8Array (0 paper, 255 full ink; see EXAMPLE_INPUT_SCALE)
// worker -> page  {type: RESULT, id, ok: true, result} | {type: RESULT, id, ok: false, error}
//                   the answer to either request: for PERSONAL, result is
//                   {examples, perLabel: {'0': count, ...}} (what the worker now holds);
//                   for RECOGNIZE, what digits.recognizer.recognize (digit mode) or
//                   recognize_number (number mode: status 'ok' with number and digits,
//                   'empty', or 'rejected' with reason and message) returns
//                 {type: STATUS, stage: 'loading' | 'ready' | 'error', message, ...details}
//                 {type: STEP_STARTING, name}   a loading step has its files, now runs code

export const MESSAGE = Object.freeze({
  RECOGNIZE: 'recognize',
  PERSONAL: 'personal',
  RESULT: 'result',
  STATUS: 'status',
  STEP_STARTING: 'step-starting',
});

export const RECOGNIZE_MODES = Object.freeze({ DIGIT: 'digit', NUMBER: 'number' });

/**
 * Ask for the digit (or, in number mode, the number) in an RGBA image; `pixels` is its
 * ArrayBuffer (transfer it); `strokes` the pad's strokes, number mode only.
 */
export function recognizeMessage(
  id,
  { width, height, pixels, mode = RECOGNIZE_MODES.DIGIT, strokes = null },
) {
  if (!Object.values(RECOGNIZE_MODES).includes(mode)) throw new Error(`unknown mode ${mode}`);
  return { type: MESSAGE.RECOGNIZE, id, width, height, pixels, mode, strokes };
}

// An example's input values (0-1 floats, as the model saw them) are stored as bytes: 0-255.
export const EXAMPLE_INPUT_SCALE = 255;
export const PERSONAL_OPS = Object.freeze(['replace', 'add', 'remove']);

/** Change the person's examples the worker holds: {op, examples} or {op: 'remove', ids}. */
export function personalMessage(id, { op, examples, ids }) {
  if (!PERSONAL_OPS.includes(op)) throw new Error(`unknown personal op ${op}`);
  return op === 'remove'
    ? { type: MESSAGE.PERSONAL, id, op, ids }
    : { type: MESSAGE.PERSONAL, id, op, examples };
}

/** The answer to recognition `id`: its result, or the error's message when it failed. */
export function resultMessage(id, outcome) {
  return 'error' in outcome
    ? { type: MESSAGE.RESULT, id, ok: false, error: outcome.error }
    : { type: MESSAGE.RESULT, id, ok: true, result: outcome.result };
}

/** Loading progress, readiness or a start-up failure, with what the page shows of it. */
export function statusMessage(stage, message, details = {}) {
  return { type: MESSAGE.STATUS, stage, message, ...details };
}

/** A loading step has all its files and now only runs code (the page's stall deadline). */
export function stepStartingMessage(name) {
  return { type: MESSAGE.STEP_STARTING, name };
}
