import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Where worker threads keep the modules they compiled, across threads and processes. */
export const workerCompileCache = join(tmpdir(), 'insitechart-worker-compile-cache');

/**
 * A worker thread running the module `entry` (TypeScript or JavaScript) with Node's compile cache on: a fresh
 * thread otherwise strips the types of every module it imports and compiles them again (about 0.25 s of CPU for a
 * few files, most of what a thread costs to start), although the process did it already. The cache is on disk: the
 * first thread of a fresh install fills it. The options are the Worker's (`eval` excepted).
 */
export function startTsWorker(
  entry: URL,
  options: Omit<WorkerOptions, 'eval'> = {},
  cacheDir = workerCompileCache,
): Worker {
  const boot = [
    `require('node:module').enableCompileCache(${JSON.stringify(cacheDir)});`,
    // A module that fails to load rejects here: uncaught in the thread, it reaches the Worker's 'error' event.
    `import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new Worker(boot, { ...options, eval: true });
}
