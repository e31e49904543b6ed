import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { startTsWorker } from './ts-worker.ts';

const cache = mkdtempSync(join(tmpdir(), 'ts-worker-cache-'));
after(() => {
  rmSync(cache, { recursive: true, force: true });
});
/** A thread that imports a TypeScript module of the platform and answers with its workerData and a value of it. */
const entry = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort, workerData } from 'node:worker_threads';
    const { toError } = await import(${JSON.stringify(new URL('../async/to-error.ts', import.meta.url).href)});
    parentPort.postMessage({ data: workerData, message: toError('x').message });
  `)}`,
);

it('runs a module importing TypeScript with its workerData, and fills the compile cache', async () => {
  // Without this, a NODE_COMPILE_CACHE set for the test run (npm test sets one) would already hold the cache.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_COMPILE_CACHE'));
  const worker = startTsWorker(entry, { workerData: { n: 3 }, env }, cache);
  const [answer] = (await once(worker, 'message')) as [unknown];
  assert.deepEqual(answer, { data: { n: 3 }, message: 'x' });
  await once(worker, 'exit');
  assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'the cache has entries');
});

it('a module that fails to load reaches the error event', async () => {
  const worker = startTsWorker(new URL('./no-such-module.ts', import.meta.url), {}, cache);
  const [error] = (await once(worker, 'error')) as [Error];
  assert.match(error.message, /no-such-module/);
});
