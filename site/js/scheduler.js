// When to recognize and which result to show. At most one recognition is in flight; the newest
// pixels win and none queue up behind. While the pen moves, each result is shown as it comes
// (live); once it lifts, only a result for the exact pixels on the pad is shown, so the last
// result shown is the drawing's answer. It holds no DOM: the pad, the recognizer, the clock and
// what to show are given to it, so tests/js/ runs it under Node.

export class RecognitionScheduler {
  #ready = false;
  #inkVersion = 0; // bumped whenever the pixels change: a stroke's moves, undo, clear, an image
  #inFlight = null; // {version, clears} of the recognition in flight, or null
  #wanted = false; // newer pixels than the ones in flight await recognition
  #latest = null; // {version, result}: the newest result received for these pixels
  #strokeEndedAt = null; // now() when the drawing was finished, until its result shows
  #imageChosenAt = null; // now() when an image file was given, until its result shows
  #clears = 0;

  /**
   * @param {object} collaborators
   * @param {{hasInk: boolean, onlyDots: boolean, drawing: boolean}} collaborators.pad what is
   *   on the pad, read at each step
   * @param {() => Promise<object>} collaborators.recognize recognizes the pixels on the pad now
   * @param {() => number} [collaborators.now] the clock (milliseconds) for the start times
   * @param {(result: object) => void} collaborators.onLive a result while the pen moves
   * @param {(result: object, started: {strokeEndedAt: number | null, imageChosenAt: number |
   *   null}) => void} collaborators.onFinal the answer for the finished pixels, with when the
   *   drawing was finished and the image given (null where not), to measure the wait
   * @param {(reason: 'empty' | 'dot') => void} collaborators.onNothing nothing to recognize
   * @param {() => void} collaborators.onWaiting a finished drawing waits for the recognizer
   * @param {(error: Error) => void} collaborators.onError a recognition failed
   * @param {(pending: boolean) => void} collaborators.onPending whether what is shown may
   *   still change (drawing, or recognizing)
   */
  constructor({
    pad,
    recognize,
    now = () => performance.now(),
    onLive,
    onFinal,
    onNothing,
    onWaiting,
    onError,
    onPending,
  }) {
    const callbacks = { recognize, now, onLive, onFinal, onNothing, onWaiting, onError, onPending };
    for (const [name, value] of Object.entries(callbacks)) {
      if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
    }
    this.pad = pad;
    Object.assign(this, callbacks);
  }

  /** Whether what is shown may still change: the pen is down, or a result is on its way. */
  get pending() {
    return (
      this.pad.drawing || this.#inFlight !== null || this.#wanted || this.#strokeEndedAt !== null
    );
  }

  /** The recognizer is ready (or no longer is); once ready, what is on the pad is recognized. */
  setReady(ready) {
    this.#ready = ready;
    if (!ready) return;
    this.#latest = null;
    if (this.pad.hasInk) {
      this.#strokeEndedAt ??= this.now();
      this.request();
    }
  }

  /** The pen changed the pixels: recognize them live. */
  inkChanged() {
    this.#inkVersion += 1;
    this.#strokeEndedAt = null;
    this.#imageChosenAt = null;
    this.request();
  }

  /** The pixels on the pad are final (pen lifted, image loaded, undo): show their answer. */
  finished() {
    this.#strokeEndedAt = this.now();
    if (!this.pad.hasInk || this.pad.onlyDots) {
      // A tap is not a digit: say so rather than let the model guess (a dot looks like a 0).
      this.onNothing(this.pad.hasInk ? 'dot' : 'empty');
      this.#strokeEndedAt = null;
    } else if (this.#latest?.version === this.#inkVersion) {
      this.#showFinal(this.#latest.result); // already computed while the pen moved
    } else {
      this.request();
    }
    this.#updatePending();
  }

  /** After undo, an example or an image: the pixels changed all at once. */
  replaced() {
    this.#inkVersion += 1;
    this.#latest = null;
    this.finished();
  }

  /** The pad was cleared: no result in flight is shown any more. */
  cleared() {
    this.#clears += 1;
    this.#wanted = false;
    this.#inkVersion += 1;
    this.#latest = null;
    this.#strokeEndedAt = null;
    this.onNothing('empty');
    this.#updatePending();
  }

  /** An image file was given: its wait is measured from now, until its answer shows. */
  imageChosen() {
    this.#imageChosenAt = this.now();
  }

  /** The image could not be used: there is no answer to wait for. */
  imageFailed() {
    this.#imageChosenAt = null;
  }

  /** Recognize the pixels on the pad, unless they are already recognized or being recognized. */
  async request() {
    this.#updatePending();
    if (!this.pad.hasInk || this.pad.onlyDots) return;
    if (!this.#ready) {
      if (!this.pad.drawing) this.onWaiting();
      return;
    }
    if (this.#inFlight) {
      if (this.#inFlight.version !== this.#inkVersion) this.#wanted = true;
      this.#updatePending();
      return;
    }
    if (this.#latest?.version === this.#inkVersion) return;
    const request = { version: this.#inkVersion, clears: this.#clears };
    this.#inFlight = request;
    this.#wanted = false;
    this.#updatePending();
    try {
      const result = await this.recognize();
      const current = request.version === this.#inkVersion;
      if (current) this.#latest = { version: request.version, result };
      if (current && !this.pad.drawing && this.#strokeEndedAt !== null) this.#showFinal(result);
      else if (this.pad.drawing && request.clears === this.#clears) this.onLive(result);
    } catch (error) {
      if (request.version === this.#inkVersion) this.#strokeEndedAt = null;
      this.onError(error);
    } finally {
      this.#inFlight = null;
      if (this.#wanted) this.request();
      this.#updatePending();
    }
  }

  /** The answer for the finished drawing: shown once per pen lift, then measured. */
  #showFinal(result) {
    this.onFinal(result, {
      strokeEndedAt: this.#strokeEndedAt,
      imageChosenAt: this.#imageChosenAt,
    });
    this.#strokeEndedAt = null;
    this.#imageChosenAt = null;
  }

  #updatePending() {
    this.onPending(this.pending);
  }
}
