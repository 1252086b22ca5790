// The recognizer worker's messages, defined once: the page's client (recognizer-client.js)
// and both workers (worker.js, and the baseline's) build and read them through this module.
//
// page -> worker  {type: RECOGNIZE, id, width, height, pixels}   pixels: RGBA, transferred
// worker -> page  {type: RESULT, id, ok: true, result} | {type: RESULT, id, ok: false, error}
//                 {type: STATUS, stage: 'loading' | 'ready' | 'error', message, ...details}
//                 {type: STEP_STARTING, name}   a loading step has its files, now runs code

export const MESSAGE = Object.freeze({
  RECOGNIZE: 'recognize',
  RESULT: 'result',
  STATUS: 'status',
  STEP_STARTING: 'step-starting',
});

/** Ask for the digit in an RGBA image; `pixels` is its ArrayBuffer (transfer it). */
export function recognizeMessage(id, { width, height, pixels }) {
  return { type: MESSAGE.RECOGNIZE, id, width, height, pixels };
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
