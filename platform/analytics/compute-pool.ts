import { Worker } from 'node:worker_threads';
import { HttpError } from '../http/errors.ts';
import type { AdmissionControl } from '../runtime/controls.ts';
import type { ComputeJobs, JobName } from './compute-jobs.ts';
import type { JobAnswer, JobMessage } from './compute-worker.ts';

interface Pending {
  readonly message: JobMessage;
  resolve(json: string): void;
  reject(error: Error): void;
}

export interface ComputeWorkerOptions {
  /** A job running longer is stopped (the thread terminated and replaced) and answered 503. */
  readonly deadlineMs: number;
  /** Jobs waiting beyond this are refused with 503 at once. */
  readonly maxQueued: number;
}

/**
 * Runs analytics jobs on one worker thread, in order, so the event loop (and /healthz, the WebSocket fan-out) never
 * waits on numerics. One thread: the machine's other core serves requests.
 */
export class ComputeWorker {
  readonly #options: ComputeWorkerOptions;
  #maxQueued: number;
  /** Admission control port: a lower queue limit sheds load (503 at once). */
  readonly admission: AdmissionControl;
  readonly #queue: Pending[] = [];
  #worker: Worker | undefined;
  #current: Pending | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #nextId = 1;
  #closed = false;
  readonly #ready = new WeakSet<Worker>();

  constructor(options: ComputeWorkerOptions) {
    this.#options = options;
    this.#maxQueued = options.maxQueued;
    this.admission = {
      normal: options.maxQueued,
      limit: () => this.#maxQueued,
      setLimit: (limit) => {
        if (!Number.isInteger(limit) || limit < 0) throw new RangeError('the queue limit must be a whole number >= 0');
        this.#maxQueued = limit;
      },
      waiting: () => this.#queue.length,
    };
  }

  /** The job's result as JSON text; HttpError 422 for input the numerics refuse, 503 when busy or over time. */
  run<J extends JobName>(job: J, request: Parameters<ComputeJobs[J]>[0]): Promise<string> {
    if (this.#closed) return Promise.reject(new HttpError(503, 'analytics is shutting down'));
    if (this.#queue.length >= this.#maxQueued)
      return Promise.reject(new HttpError(503, 'analytics is busy: too many computations waiting; retry shortly'));
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ message: { id: this.#nextId++, job, request }, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new HttpError(503, 'analytics is shutting down'));
    this.#finish(new HttpError(503, 'analytics is shutting down'));
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #pump(): void {
    if (this.#current !== undefined) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#current = next;
    const worker = this.#spawn();
    worker.postMessage(next.message);
    // The deadline counts computing time: a fresh thread first loads its modules, then says it is ready.
    if (this.#ready.has(worker)) this.#startDeadline();
  }

  #startDeadline(): void {
    this.#deadline = setTimeout(() => {
      const worker = this.#worker;
      this.#worker = undefined;
      void worker?.terminate();
      this.#finish(
        new HttpError(503, `the computation exceeded its ${String(this.#options.deadlineMs / 1000)} s deadline`),
      );
    }, this.#options.deadlineMs);
  }

  #spawn(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(new URL('./compute-worker.ts', import.meta.url));
    worker.on('message', (answer: JobAnswer) => {
      if ('ready' in answer) {
        this.#ready.add(worker);
        if (this.#current !== undefined && this.#worker === worker) this.#startDeadline();
        return;
      }
      if (answer.id !== this.#current?.message.id) return;
      if (answer.ok) this.#finish(undefined, answer.json);
      else this.#finish(answer.input ? new HttpError(422, answer.message) : new Error(answer.message));
    });
    const lost = (error: Error): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#finish(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      lost(new Error(`the compute worker exited with code ${String(code)}`));
    });
    this.#worker = worker;
    return worker;
  }

  #finish(error: Error | undefined, json?: string): void {
    clearTimeout(this.#deadline);
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) {
      if (error === undefined) current.resolve(json ?? 'null');
      else current.reject(error);
    }
    if (!this.#closed) this.#pump();
  }
}
