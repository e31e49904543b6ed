import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { toError } from '../../async/to-error.ts';
import { startTsWorker } from '../../runtime/ts-worker.ts';
import type { Bar } from '../bars/aggregator.ts';
import type { Interval } from '../bars/buckets.ts';
import type { WriteAnswer, WriterMessage } from './history-writer-worker.ts';

interface Pending {
  resolve(inserted: number): void;
  reject(error: Error): void;
}

/** Batches waiting for the thread at most (the backbone delivers a few at a time; beyond, a batch is refused). */
const MAX_PENDING = 64;
/** The thread's heap at most: it holds one batch at a time. */
const MAX_HEAP_MB = 128;
const IDLE_MS = 30_000;
/** How long a closing thread may take to close its connection before it is terminated. */
const CLOSE_TIMEOUT_MS = 5_000;

export interface HistoryWriterOptions {
  /** The bar database (`SqliteBarStore`'s file, opened by the platform first). */
  readonly path: string;
  /** Told when the thread dies (the batches it held are refused: the backbone redelivers them). */
  readonly onError: (error: Error) => void;
  /** The thread's module (tests give one that fails). */
  readonly entry?: URL;
  /** A thread with nothing to store for this long ends (default 30 s). */
  readonly idleMs?: number;
}

/**
 * Stores feeds' past bars on a worker thread with its own connection to the bar database, so a first start's
 * backfill (tens of thousands of inserts) does not hold the platform's event loop. Batches are stored in order,
 * one at a time. A thread that dies fails the batches it held (the backbone redelivers them: they are
 * acknowledged only once stored) and the next batch starts a new one; `onError` is told.
 */
export class HistoryWriter {
  readonly #path: string;
  readonly #onError: (error: Error) => void;
  readonly #entry: URL;
  readonly #idleMs: number;
  readonly #pending = new Map<number, Pending>();
  /** Settles with each batch sent: what `close` waits for. */
  readonly #inFlight = new Set<Promise<void>>();
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: HistoryWriterOptions) {
    this.#path = options.path;
    this.#onError = options.onError;
    this.#entry = options.entry ?? new URL('./history-writer-worker.ts', import.meta.url);
    this.#idleMs = options.idleMs ?? IDLE_MS;
  }

  /**
   * Starts the thread ahead of the first batch: its modules load while the platform starts, not while a first
   * start's chart waits for its history. A thread with nothing to do for IDLE_MS ends (a restart has no history).
   */
  prepare(): void {
    if (this.#closed) return;
    this.#spawn();
    this.#retireWhenIdle();
  }

  /** Stores the bars where no bar of the same start is; resolves with how many were stored. */
  insertMissing(symbol: string, interval: Interval, bars: readonly Bar[]): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('the history writer is closed'));
    if (bars.length === 0) return Promise.resolve(0);
    if (this.#pending.size >= MAX_PENDING)
      return Promise.reject(new Error(`more than ${String(MAX_PENDING)} history batches wait to be stored`));
    clearTimeout(this.#idle);
    const id = this.#nextId++;
    const worker = this.#spawn();
    const stored = new Promise<number>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, symbol, interval, bars } satisfies WriterMessage);
    });
    const settled = stored.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return stored;
  }

  /** Ends the thread once the batches it holds are stored; it closes its connection and exits. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idle);
    await Promise.allSettled(this.#inFlight);
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ close: true } satisfies WriterMessage);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  #spawn(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = startTsWorker(this.#entry, {
      workerData: { path: this.#path },
      resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB },
    });
    worker.on('message', (answer: WriteAnswer) => {
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (answer.ok) pending?.resolve(answer.inserted);
      else pending?.reject(new Error(`storing history failed: ${answer.message}`));
      if (this.#pending.size === 0) this.#retireWhenIdle();
    });
    const lost = (error: Error): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const held = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of held) p.reject(error);
      this.#onError(error);
    };
    worker.on('error', (error: unknown) => {
      lost(toError(error));
    });
    worker.on('exit', (code) => {
      lost(new Error(`the history writer thread exited with code ${String(code)}`));
    });
    this.#worker = worker;
    return worker;
  }

  #retireWhenIdle(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      const worker = this.#worker;
      if (worker === undefined || this.#pending.size > 0) return;
      // Its exit is no loss (lost() ignores a thread no longer current); the next batch starts a new one.
      this.#worker = undefined;
      worker.postMessage({ close: true } satisfies WriterMessage);
    }, this.#idleMs);
    this.#idle.unref();
  }
}
