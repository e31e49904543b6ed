/**
 * The history writer's thread: stores feeds' past bars (`market.history`) in the bar database over its own SQLite
 * connection (WAL: the platform's connection keeps reading meanwhile), only where no bar is stored yet.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bar } from '../bars/aggregator.ts';
import type { Interval } from '../bars/buckets.ts';
import { SqliteBarStore } from './sqlite-bar-store.ts';

/** Bars of one symbol and interval to store where none is. */
export interface WriteRequest {
  readonly id: number;
  readonly symbol: string;
  readonly interval: Interval;
  readonly bars: readonly Bar[];
}

/** To the thread: bars to store, or the end (it closes its connection and exits). */
export type WriterMessage = WriteRequest | { readonly close: true };

export type WriteAnswer =
  | { readonly id: number; readonly ok: true; readonly inserted: number }
  | { readonly id: number; readonly ok: false; readonly message: string };

/**
 * Rows per transaction: the platform's connection, flushing the bars built from ticks, waits at most for this many
 * inserts (about 1.5 ms) for the write lock.
 */
const ROWS_PER_TRANSACTION = 500;

const port = parentPort;
if (port !== null) {
  const store = new SqliteBarStore((workerData as { path: string }).path);
  const onMessage = (message: WriterMessage): void => {
    if ('close' in message) {
      port.off('message', onMessage);
      store.close();
      return;
    }
    const { id, symbol, interval, bars } = message;
    let answer: WriteAnswer;
    try {
      let inserted = 0;
      for (let i = 0; i < bars.length; i += ROWS_PER_TRANSACTION)
        inserted += store.insertMissing(
          bars.slice(i, i + ROWS_PER_TRANSACTION).map((bar) => ({ symbol, interval, ...bar })),
        );
      answer = { id, ok: true, inserted };
    } catch (error) {
      answer = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  };
  port.on('message', onMessage);
}
