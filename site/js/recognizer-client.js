// A small promise-based API over the recognizer's module Web Worker, so the main thread
// only draws and renders: Pyodide and TF.js load and run in the worker. If the worker
// crashes or stops answering, it is replaced by a fresh one and the page carries on.

const DEFAULT_WORKER_URL = new URL('./worker.js', import.meta.url);
// A recognition takes milliseconds; one that has not answered in this long never will.
const RECOGNITION_TIMEOUT_MS = 20_000;

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
    this.start();
  }

  /** A new worker; `ready` settles when it reports ready or fails to start. */
  start() {
    this.worker?.terminate();
    this.started = false;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // reported through onStatus
    const worker = new Worker(this.workerUrl, { type: 'module' });
    this.worker = worker;
    worker.addEventListener('message', ({ data }) => {
      if (worker !== this.worker) return; // a replaced worker's late message
      if (data.type === 'status') {
        if (data.stage === 'ready') {
          this.started = true;
          this.resolveReady(data);
        }
        if (data.stage === 'error') this.rejectReady(new Error(data.message));
        this.onStatus(data);
        return;
      }
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
      else this.failed(`The recognizer could not start: ${reason}`);
    });
  }

  failed(message) {
    this.rejectAll(message);
    this.rejectReady(new Error(message));
    this.onStatus({ type: 'status', stage: 'error', message });
  }

  /** A worker that was running died: answer what was waiting, then start a new one. */
  crashed(message) {
    this.rejectAll(message);
    this.onStatus({ type: 'status', stage: 'restarting', message: `${message} Restarting it…` });
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
   * Recognize the digit in an ImageData; its buffer is transferred, not copied.
   * @param {ImageData} image
   * @returns {Promise<object>} the worker's result
   */
  recognize(image) {
    const id = this.nextId++;
    const pixels = image.data.buffer;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.has(id)) this.crashed('The recognizer stopped answering.');
      }, RECOGNITION_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage(
        { type: 'recognize', id, width: image.width, height: image.height, pixels },
        [pixels],
      );
    });
  }
}
