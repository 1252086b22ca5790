// Pyodide does not report every download of its own that fails: a pyodide.asm.wasm that does
// not arrive (refused, 404, cut short, the network lost mid-way) leaves loadPyodide() pending
// forever, and a standard library that does not arrive ends as "Program terminated with
// exit(1)". This watches the worker's downloads under one URL prefix as they pass through
// fetch() and WebAssembly.instantiateStreaming(), and rejects the promise it returns at the
// first one that fails, naming the file: loading then stops at once and says what failed.

import { StartError } from './start-errors.js';

/**
 * @param {string} prefix URLs to watch (a folder's URL)
 * @param {(url: string) => string} describe the file at `url` in words
 * @returns {Promise<never>} rejects with a StartError when a watched download fails
 */
export function watchDownloads(prefix, describe) {
  let reject;
  const failed = new Promise((_, rejectFailed) => {
    reject = rejectFailed;
  });
  const fail = (url, reason) => reject(new StartError(`${describe(url)} ${reason}`, 'connection'));
  const arrived = new WeakSet(); // watched responses that came with a good status

  const fetchFile = self.fetch;
  self.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : new URL(input, self.location.href).href;
    if (!url.startsWith(prefix)) return fetchFile.call(self, input, init);
    let response;
    try {
      response = await fetchFile.call(self, input, init);
    } catch (error) {
      fail(url, `could not be downloaded (${error.message})`);
      throw error;
    }
    if (!response.ok) {
      fail(url, `could not be downloaded: the server answered ${response.status}`);
      return response;
    }
    if (url.endsWith('.wasm')) {
      arrived.add(response); // compiled as it streams in: watched where it is compiled
      return response;
    }
    // Anything else is read whole by its user anyway: read it here, where a body that
    // breaks off can still be told apart from any other failure.
    try {
      const body = await response.arrayBuffer();
      const { status, statusText, headers } = response;
      return new Response(body, { status, statusText, headers });
    } catch (error) {
      fail(url, `was cut short while downloading (${error.message})`);
      throw error;
    }
  };

  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    try {
      return await instantiateStreaming(response, imports);
    } catch (error) {
      if (arrived.has(response)) {
        fail(response.url, `arrived damaged or cut short (${error.message})`);
      }
      throw error;
    }
  };
  return failed;
}
