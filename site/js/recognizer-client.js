// A small promise-based API over the recognizer's module Web Worker, so the main thread
// only draws and renders: Pyodide and TF.js load and run in the worker.

const DEFAULT_WORKER_URL = new URL('./worker.js', import.meta.url);

export class RecognizerClient {
  /**
   * @param {{workerUrl?: URL | string,
   *          onStatus?: (status: {stage: string, message: string}) => void}} options
   */
  constructor({ workerUrl = DEFAULT_WORKER_URL, onStatus } = {}) {
    this.onStatus = onStatus ?? (() => {});
    this.pending = new Map();
    this.nextId = 1;
    let resolveReady;
    let rejectReady;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.worker = new Worker(workerUrl, { type: 'module' });
    this.worker.addEventListener('message', ({ data }) => {
      if (data.type === 'status') {
        this.onStatus(data);
        if (data.stage === 'ready') resolveReady(data);
        if (data.stage === 'error') rejectReady(new Error(data.message));
        return;
      }
      const request = this.pending.get(data.id);
      if (!request) return;
      this.pending.delete(data.id);
      if (data.ok) request.resolve(data.result);
      else request.reject(new Error(data.error));
    });
    this.worker.addEventListener('error', (event) => {
      const message = `The recognizer could not start: ${event.message || 'worker error'}`;
      this.onStatus({ type: 'status', stage: 'error', message });
      rejectReady(new Error(message));
      for (const request of this.pending.values()) request.reject(new Error(message));
      this.pending.clear();
    });
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
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(
        { type: 'recognize', id, width: image.width, height: image.height, pixels },
        [pixels],
      );
    });
  }
}
