import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { Instrument } from '../../platform/reference/instruments.ts';
import { eventually } from '../../platform/testing/eventually.ts';
import { backfillInThread, BackfillStopped, type BackfillRequest } from './backfill-thread.ts';
import type { HistoryBatch } from './feed.ts';
import { historyParts } from './simulation/backfill-parts.ts';
import type { BackfillMessage } from './simulation/backfill-worker.ts';
import { WINDOW } from './simulation/backfill-worker.ts';
import { symbolUniverse } from './simulation/universe.ts';

const instruments = symbolUniverse(3);
const request: BackfillRequest = {
  instruments,
  seed: 7,
  endMs: Date.parse('2026-12-02T16:00:00Z'),
  endMids: Object.fromEntries(instruments.map((i) => [i.symbol, i.basePrice])),
  endRegime: 'calm',
  exchange: 'XNYS',
  days: 30,
  maxPartBars: 1_000,
};
const entry = new URL('./simulation/backfill-worker.ts', import.meta.url);
/** A thread that runs `code` (an ES module) instead of the backfill's. */
const fake = (code: string): URL => new URL(`data:text/javascript,${encodeURIComponent(code)}`);
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the backfill thread', () => {
  it('publishes, part by part and in order, exactly the history made on the event loop', async () => {
    const published: HistoryBatch[][] = [];
    const bars = await backfillInThread(request, (blocks) => {
      published.push([...blocks]);
      return Promise.resolve();
    });
    const expected = [
      ...historyParts(
        {
          instruments,
          seed: request.seed,
          endMs: request.endMs,
          endMids: new Map(Object.entries(request.endMids)),
          endRegime: request.endRegime,
          days: request.days,
        },
        request.maxPartBars,
      ),
    ];
    assert.deepEqual(published, expected);
    assert.equal(
      bars,
      expected.flat().reduce((n, b) => n + b.bars.length, 0),
    );
    assert.ok(published.length > 5, `${String(published.length)} parts`);
  });

  it('makes no more than WINDOW parts ahead of the publisher, and one more per acknowledgement', async () => {
    const worker = new Worker(entry, { workerData: request });
    const received: BackfillMessage[] = [];
    worker.on('message', (m: BackfillMessage) => received.push(m));
    try {
      await eventually(() => received.length >= WINDOW, 'the first parts', 20_000);
      await pause(500);
      assert.equal(received.length, WINDOW, 'unacknowledged parts');
      worker.postMessage({ type: 'ack' });
      await eventually(() => received.length > WINDOW, 'a part after the acknowledgement', 20_000);
      await pause(500);
      assert.equal(received.length, WINDOW + 1);
      assert.ok(received.every((m) => m.type === 'part'));
    } finally {
      await worker.terminate();
    }
  });

  it('the thread ends by itself once it is done', async () => {
    const worker = new Worker(entry, { workerData: { ...request, days: 3 } });
    const exited = once(worker, 'exit');
    worker.on('message', (m: BackfillMessage) => {
      if (m.type === 'part') worker.postMessage({ type: 'ack' });
    });
    const [code] = (await exited) as [number];
    assert.equal(code, 0);
  });

  it('a publisher that refuses a part fails the run, and nothing is published after it', async () => {
    let calls = 0;
    await assert.rejects(
      backfillInThread(request, () => {
        calls += 1;
        return calls === 2 ? Promise.reject(new Error('backbone down')) : Promise.resolve();
      }),
      /backbone down/,
    );
    await pause(300);
    assert.equal(calls, 2);
  });

  it('a stop ends the run with BackfillStopped after the part in flight, and nothing is published after it', async () => {
    const stop = new AbortController();
    let calls = 0;
    let inFlight = false;
    const run = backfillInThread(
      request,
      async () => {
        calls += 1;
        inFlight = true;
        if (calls === 2) stop.abort();
        await pause(50);
        inFlight = false;
      },
      stop.signal,
    );
    await assert.rejects(run, BackfillStopped);
    assert.equal(inFlight, false, 'settled only once the part in flight was published');
    await pause(300);
    assert.equal(calls, 2);
  });

  it('an error in the generation is reported by the thread and fails the run', async () => {
    const broken = { ...request, instruments: [null as unknown as Instrument] };
    await assert.rejects(
      backfillInThread(broken, () => Promise.resolve()),
      /the backfill thread failed: .+/,
    );
  });

  it('a thread that dies (uncaught error, exit, failing to load) fails the run', async () => {
    const publish = (): Promise<void> => Promise.resolve();
    await assert.rejects(backfillInThread(request, publish, undefined, fake('throw new Error("boom")')), /boom/);
    await assert.rejects(
      backfillInThread(request, publish, undefined, fake('process.exit(3)')),
      /exited with code 3 before it finished/,
    );
    await assert.rejects(
      backfillInThread(request, publish, undefined, new URL('./no-such-worker.ts', import.meta.url)),
      /no-such-worker|Cannot find/,
    );
  });
});
