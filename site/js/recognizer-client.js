// A small promise-based API over the recognizer's module Web Worker, so the main thread
// only draws and renders: Pyodide and TF.js load and run in the worker. If the worker
// crashes or stops answering, it is replaced by a fresh one and the page carries on; if its
// loading stalls (a file that never arrives, Python stuck at import), it is stopped and the
// page says what it was waiting for, with Retry.

import { deadlineMs } from './deadlines.js';
import { MESSAGE, personalMessage, recognizeMessage, statusMessage } from './protocol.js';
import { inWords, StartError, startFailureMessage } from './start-errors.js';

const DEFAULT_WORKER_URL = new URL('./worker.js', import.meta.url);
const UNKNOWN_STEPS = ['its files']; // until the worker has named its loading steps

export class RecognizerClient {
  /**
   * @param {{workerUrl?: URL | string,
   *          onStatus?: (status: {stage: string, message: string}) => void}} options
   *   onStatus gets the worker's loading/ready/error messages, and {stage: 'restarting'}
   *   when a crashed worker is being replaced
   */
  constructor({ workerUrl = DEFAULT_WORKER_URL, onStatus } = {}) {
    this.workerUrl = workerUrl;
    this.onStatus = onStatus ?? (() => {});
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
    this.stallTimer = null;
    this.start();
  }

  /** A new worker; `ready` settles when it reports ready or fails to start. */
  start() {
    this.stop();
    this.started = false;
    this.loading = { waitingFor: UNKNOWN_STEPS, starting: new Set() };
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // reported through onStatus
    const worker = new Worker(this.workerUrl, { type: 'module' });
    this.worker = worker;
    this.watchLoading();
    worker.addEventListener('message', ({ data }) => {
      if (worker !== this.worker) return; // a replaced worker's late message
      if (data.type === MESSAGE.STEP_STARTING) {
        this.loading.starting.add(data.name);
        this.watchLoading();
        return;
      }
      if (data.type === MESSAGE.STATUS) {
        this.loadingStatus(data);
        this.onStatus(data);
        return;
      }
      if (data.type !== MESSAGE.RESULT) return;
      const request = this.pending.get(data.id);
      if (!request) return;
      this.pending.delete(data.id);
      clearTimeout(request.timer);
      if (data.ok) request.resolve(data.result);
      else request.reject(new Error(data.error));
    });
    worker.addEventListener('error', (event) => {
      if (worker !== this.worker) return;
      event.preventDefault();
      const reason = event.message || 'worker error';
      if (this.started) this.crashed(`The recognizer crashed (${reason}).`);
      else this.failed(startFailureMessage(new StartError(`its worker failed (${reason})`)));
    });
  }

  /** Stop the worker, whatever it is doing (even a loop that never yields). */
  stop() {
    clearTimeout(this.stallTimer);
    this.worker?.terminate();
    this.worker = null;
  }

  loadingStatus(data) {
    if (data.stage === 'loading') {
      this.loading.waitingFor = data.waitingFor ?? this.loading.waitingFor;
      this.watchLoading();
    } else if (data.stage === 'ready') {
      clearTimeout(this.stallTimer);
      this.started = true;
      this.resolveReady(data);
    } else if (data.stage === 'error') {
      clearTimeout(this.stallTimer);
      this.rejectReady(new Error(data.message));
    }
  }

  /** (Re)start the loading deadline: every step must finish within it of the one before. */
  watchLoading() {
    clearTimeout(this.stallTimer);
    const ms = deadlineMs('loadingStall');
    this.stallTimer = setTimeout(() => this.stalled(ms), ms);
  }

  stalled(ms) {
    const { waitingFor, starting } = this.loading;
    // A step running its code holds the worker's one thread: the others wait behind it.
    const running = waitingFor.filter((step) => starting.has(step));
    const seconds = Math.round(ms / 1000);
    const error = running.length
      ? new StartError(`${inWords(running)} did not finish starting within ${seconds} s`, 'retry')
      : new StartError(
          `${inWords(waitingFor)} did not finish loading within ${seconds} s`,
          'connection',
        );
    this.stop();
    this.failed(startFailureMessage(error));
  }

  failed(message) {
    this.stop();
    this.rejectAll(message);
    this.rejectReady(new Error(message));
    this.onStatus(statusMessage('error', message));
  }

  /** A worker that was running died: answer what was waiting, then start a new one. */
  crashed(message) {
    this.rejectAll(message);
    this.onStatus(statusMessage('restarting', `${message} Restarting it…`));
    this.start();
  }

  rejectAll(message) {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(new Error(message));
    }
    this.pending.clear();
  }

  /** Start again after an error (e.g. the runtime could not be downloaded). */
  retry() {
    this.rejectAll('The recognizer was restarted.');
    this.start();
  }

  /**
   * Recognize the digit in an ImageData, or with {mode: 'number', strokes} the number
   * (protocol.js: RECOGNIZE); its buffer is transferred, not copied.
   * @param {ImageData} image
   * @param {{mode?: string, strokes?: number[][] | null}} [options]
   * @returns {Promise<object>} the worker's result
   */
  recognize(image, { mode, strokes } = {}) {
    const pixels = image.data.buffer;
    const { width, height } = image;
    return this.request(
      (id) => recognizeMessage(id, { width, height, pixels, mode, strokes }),
      [pixels],
    );
  }

  /**
   * Change the person's examples the worker holds (protocol.js: PERSONAL): {op: 'replace' |
   * 'add', examples} or {op: 'remove', ids}. The worker forgets them when it is replaced:
   * send them all again ('replace') after each 'ready'.
   * @returns {Promise<{examples: number, perLabel: object}>} what the worker now holds
   */
  personal(request) {
    return this.request((id) => personalMessage(id, request));
  }

  /** Send the message `build(id)` makes; its answer settles the promise, within a deadline. */
  request(build, transfer = []) {
    if (!this.worker) return Promise.reject(new Error('The recognizer is not running.'));
    const id = this.nextId++;
    const message = build(id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.has(id)) this.crashed('The recognizer stopped answering.');
      }, deadlineMs('recognition'));
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage(message, transfer);
    });
  }
}
