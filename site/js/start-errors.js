// Why the recognizer could not start, in the user's words: what failed, and what to do about
// it. Every start-up failure is said through here, whether the worker met it or the page saw
// loading stall.

const PREFIX = 'The recognizer could not start';
const ADVICE = {
  connection: 'Check your connection, then press Retry.',
  fault: 'This is a fault in the app, not your connection.',
  retry: 'Press Retry to try again.',
};

export class StartError extends Error {
  /**
   * @param {string} what what failed, in words ("the model file x.bin could not be downloaded")
   * @param {'connection' | 'fault' | 'retry'} advice what the user can do about it
   */
  constructor(what, advice = 'retry') {
    super(what);
    this.name = 'StartError';
    this.advice = advice;
  }
}

/** The one-line message the page shows for any error that stopped the start. */
export function startFailureMessage(error) {
  const known = error instanceof StartError;
  const [firstLine] = String(error?.message ?? error).split('\n');
  const what = firstLine.replace(/\.$/, '');
  return `${PREFIX}: ${what}. ${ADVICE[known ? error.advice : 'retry']}`;
}

/** "a", "a and b", "a, b and c" */
export function inWords(names) {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
