import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, tfReady } from './index.ts';

test('a TensorFlow.js backend other than plain JS is ready and computes', async () => {
  const backend = await tfReady();
  assert.notEqual(backend, 'cpu');
  assert.equal(tf.getBackend(), backend);
  assert.equal(await tfReady(), backend);
  const sum = tf.tidy(() => tf.tensor1d([1, 2, 3.5]).sum().dataSync()[0]);
  assert.equal(sum, 6.5);
});
