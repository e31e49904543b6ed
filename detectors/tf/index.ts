/**
 * One place that sets up TensorFlow.js for the detector tier. Every learned model imports `tf` from here
 * and awaits `tfReady()` before its first tensor op, so the backend is chosen once per process:
 * tfjs-node (native TensorFlow) when that optional package is installed, else the WebAssembly backend
 * (its .wasm files are read from node_modules/@tensorflow/tfjs-backend-wasm/dist), else plain JS (cpu).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export { tf };

export type TfBackend = 'tensorflow' | 'wasm' | 'cpu';

let ready: Promise<TfBackend> | undefined;

/** Resolves to the backend in use; safe to call any number of times. */
export function tfReady(): Promise<TfBackend> {
  ready ??= chooseBackend();
  return ready;
}

async function chooseBackend(): Promise<TfBackend> {
  if (await tryNative()) return 'tensorflow';
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (await tf.setBackend('wasm')) {
    await tf.ready();
    return 'wasm';
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** tfjs-node is optional (not a dependency): importing it registers the 'tensorflow' backend. */
async function tryNative(): Promise<boolean> {
  const optional = '@tensorflow/tfjs-node';
  try {
    await import(optional);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}
