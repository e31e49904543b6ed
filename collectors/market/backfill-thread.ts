import { toError } from '../../platform/async/to-error.ts';
import { startTsWorker } from '../../platform/runtime/ts-worker.ts';
import type { HistoryBatch } from './feed.ts';
import type { BackfillAck, BackfillMessage, BackfillRequest } from './simulation/backfill-worker.ts';

export type { BackfillRequest } from './simulation/backfill-worker.ts';

/** The run was stopped (the feed stops): what was published stays, the next start makes the rest. */
export class BackfillStopped extends Error {
  constructor() {
    super('the backfill was stopped before it finished');
    this.name = 'BackfillStopped';
  }
}

/** The thread's heap at most: a part in flight and a day of a few hundred symbols fit many times over. */
const MAX_HEAP_MB = 512;

/**
 * Makes the history of `request` on a worker thread and publishes its parts in order, one at a time (`publish`
 * resolves once the backbone took a part; the thread then makes more). Resolves with the bars published once the
 * thread is done; rejects when the thread fails or dies, when `publish` rejects, or with BackfillStopped when
 * `signal` aborts. It settles only after the part being published was taken or refused, and the thread is
 * terminated by then: nothing publishes after it settled.
 */
export function backfillInThread(
  request: BackfillRequest,
  publish: (blocks: readonly HistoryBatch[]) => Promise<void>,
  signal?: AbortSignal,
  entry: URL = new URL('./simulation/backfill-worker.ts', import.meta.url),
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const worker = startTsWorker(entry, {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB },
    });
    let bars = 0;
    let outcome: { error: Error } | { bars: number } | undefined;
    // Messages are handled in order, one at a time: a part is published before the next is looked at.
    let queue: Promise<void> = Promise.resolve();
    const settle = (result: { error: Error } | { bars: number }): void => {
      if (outcome !== undefined) return;
      outcome = result;
      signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners('message');
      // After the part in flight: terminate() only resolves (with the exit code), a refusal is moot by then.
      void queue
        .then(() => worker.terminate())
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          if ('error' in result) reject(result.error);
          else resolve(result.bars);
        });
    };
    const onAbort = (): void => {
      settle({ error: new BackfillStopped() });
    };
    const handle = async (message: BackfillMessage): Promise<void> => {
      if (outcome !== undefined) return;
      if (message.type === 'part') {
        await publish(message.blocks);
        bars += message.blocks.reduce((n, b) => n + b.bars.length, 0);
        worker.postMessage({ type: 'ack' } satisfies BackfillAck);
      } else if (message.type === 'done') settle({ bars });
      else settle({ error: new Error(`the backfill thread failed: ${message.message}`) });
    };
    worker.on('message', (message: BackfillMessage) => {
      queue = queue
        .then(() => handle(message))
        .catch((error: unknown) => {
          settle({ error: toError(error) });
        });
    });
    worker.on('error', (error: unknown) => {
      settle({ error: toError(error) });
    });
    worker.on('exit', (code) => {
      // Behind the messages it sent before it ended (its `done` among them).
      queue = queue.then(() => {
        settle({ error: new Error(`the backfill thread exited with code ${String(code)} before it finished`) });
      });
    });
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
