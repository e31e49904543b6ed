/**
 * The backfill's thread: makes the simulated history (`historyParts`) and hands it to the feed part by part, so the
 * platform's event loop only publishes what is made. At most WINDOW parts are unacknowledged: the generation waits
 * for the publisher (memory stays bounded when the backbone is slow).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exchanges, type ExchangeCode, type Instrument } from '../../../platform/reference/instruments.ts';
import type { HistoryBlock } from './backfill.ts';
import { historyParts } from './backfill-parts.ts';
import type { Regime } from './market-model.ts';

/** What the thread makes: a `BackfillOptions` in a form that crosses threads (the exchange by its code). */
export interface BackfillRequest {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  readonly endMs: number;
  readonly endMids: Readonly<Record<string, number>>;
  readonly endRegime: Regime;
  readonly exchange: ExchangeCode;
  readonly days: number;
  /** Bars per part at most (default MAX_PART_BARS). */
  readonly maxPartBars?: number;
}

/** From the thread: a part to publish (answered with `ack` once it is), the end, or why it stopped. */
export type BackfillMessage =
  | { readonly type: 'part'; readonly blocks: HistoryBlock[] }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };

/** To the thread: a part was published. */
export interface BackfillAck {
  readonly type: 'ack';
}

/** Parts handed over and not yet published: one being published, one ready behind it. */
export const WINDOW = 2;

const port = parentPort;
if (port !== null) {
  const request = workerData as BackfillRequest;
  let credits = WINDOW;
  let wake: (() => void) | undefined;
  // The only message the feed sends.
  const onAck = (_ack: BackfillAck): void => {
    credits += 1;
    wake?.();
  };
  port.on('message', onAck);
  const send = (message: BackfillMessage): void => {
    port.postMessage(message);
  };
  const run = async (): Promise<void> => {
    const parts = historyParts(
      {
        instruments: request.instruments,
        seed: request.seed,
        endMs: request.endMs,
        endMids: new Map(Object.entries(request.endMids)),
        endRegime: request.endRegime,
        exchange: exchanges[request.exchange],
        days: request.days,
      },
      request.maxPartBars,
    );
    for (const blocks of parts) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      send({ type: 'part', blocks });
    }
    send({ type: 'done' });
  };
  run()
    .catch((error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => {
      // Nothing left to wait for: the thread ends once its last messages are out.
      port.off('message', onAck);
    });
}
