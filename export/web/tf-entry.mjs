// The only TF.js parts the page needs: core, the graph-model loader, and two backends
// (wasm first, cpu as the fallback). export/runtime.py bundles this with esbuild into
// site/vendor/tfjs/tf.mjs, an ES module a module worker can import.
import '@tensorflow/tfjs-backend-cpu';
export { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
export { loadGraphModel } from '@tensorflow/tfjs-converter';
export {
  engine,
  env,
  getBackend,
  memory,
  ready,
  setBackend,
  tensor,
  tidy,
  version_core,
} from '@tensorflow/tfjs-core';
