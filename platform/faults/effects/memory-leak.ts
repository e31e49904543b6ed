import { Worker } from 'node:worker_threads';

/** The leaking code, run in its own thread so that ending the fault gives the memory back at once. */
const leaker = `
const { parentPort, workerData } = require('node:worker_threads');
const chunks = [];
let held = 0;
const step = () => {
  const size = Math.min(workerData.bytesPerSecond, workerData.maxBytes - held);
  if (size <= 0) return;
  chunks.push(Buffer.alloc(size, 1));
  held += size;
  parentPort.postMessage(held);
};
step();
setInterval(step, 1000);
`;

/**
 * A memory leak the process really has: buffers allocated every second and kept, up to a bound, filled so that the
 * pages are resident (the process's RSS grows). They live in a worker thread of this process: `release()` ends the
 * thread, which frees them at once, as a restart frees a leaking process (buffers dropped in the main thread would
 * stay resident until a major collection, which may not come for minutes).
 */
export class MemoryLeak {
  readonly #worker: Worker;
  #held = 0;

  constructor(bytesPerSecond: number, maxBytes: number) {
    this.#worker = new Worker(leaker, { eval: true, workerData: { bytesPerSecond, maxBytes } });
    this.#worker.on('message', (held: unknown) => {
      if (typeof held === 'number') this.#held = held;
    });
    // An allocation failure ends the thread and so the fault's effect; nothing else depends on it.
    this.#worker.on('error', () => undefined);
    this.#worker.unref();
  }

  /** The leaking thread: its heap statistics show what it holds. */
  get thread(): Worker {
    return this.#worker;
  }

  get heldBytes(): number {
    return this.#held;
  }

  release(): void {
    this.#held = 0;
    this.#worker.terminate().catch(() => undefined);
  }
}
