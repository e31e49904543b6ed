import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Bar } from '../bars/aggregator.ts';
import { HistoryWriter } from './history-writer.ts';
import { SqliteBarStore } from './sqlite-bar-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'history-writer-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The thread must not die in these tests. */
const unexpected = (error: Error): never => {
  throw error;
};
const bar = (start: number, close: number): Bar => ({ start, open: close, high: close, low: close, close, volume: 1 });
const all = { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1_000 };
let files = 0;
/** A bar database opened by the platform's connection first, as market data does. */
const database = (): { path: string; store: SqliteBarStore } => {
  const path = join(dir, `bars-${String((files += 1))}.db`);
  return { path, store: new SqliteBarStore(path) };
};
/** The real thread's module, behind a listener that kills the thread when a batch's symbol is CRASH. */
const crashOnSymbol = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    const crash = (m) => { if (m.symbol === 'CRASH') process.exit(7); if (m.close) parentPort.off('message', crash); };
    parentPort.on('message', crash);
    await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'history-writer-worker.ts')).href)});
  `)}`,
);

/** Runs `test` with a writer on a fresh database, then closes both. */
async function withWriter(
  test: (writer: HistoryWriter, store: SqliteBarStore) => Promise<void>,
  options: { onError?: (error: Error) => void; entry?: URL } = {},
): Promise<void> {
  const { path, store } = database();
  const writer = new HistoryWriter({ path, onError: unexpected, ...options });
  try {
    await test(writer, store);
  } finally {
    await writer.close();
    store.close();
  }
}

describe('the history writer thread', () => {
  it('stores bars where none is, never over a stored bar, seen by the platform connection', () =>
    withWriter(async (writer, store) => {
      store.write([{ symbol: 'AAPL', interval: '1m', ...bar(60_000, 99) }]);
      store.flush();
      const counts = await Promise.all([
        writer.insertMissing('AAPL', '1m', [bar(0, 1), bar(60_000, 2), bar(120_000, 3)]),
        writer.insertMissing(
          'AAPL',
          '1d',
          Array.from({ length: 1_200 }, (_, k) => bar(k * 86_400_000, k + 1)),
        ),
        writer.insertMissing('AAPL', '1m', [bar(0, 5), bar(180_000, 4)]),
      ]);
      assert.deepEqual(counts, [2, 1_200, 1]);
      assert.deepEqual(
        store.range({ symbol: 'AAPL', interval: '1m', ...all }).map((b) => b.close),
        [1, 99, 3, 4],
        'the bar built from ticks and the first history win',
      );
      assert.equal(store.range({ symbol: 'AAPL', interval: '1d', ...all }).length, 1_000);
    }));

  it('refuses a batch SQLite refuses, stores nothing of it, and goes on with the next', () =>
    withWriter(async (writer, store) => {
      await assert.rejects(
        writer.insertMissing('MSFT', '1h', [bar(0, 1), { ...bar(3_600_000, 2), close: Number.NaN }]),
        /storing history failed: .+/,
      );
      assert.equal(store.range({ symbol: 'MSFT', interval: '1h', ...all }).length, 0, 'rolled back');
      assert.equal(await writer.insertMissing('MSFT', '1h', [bar(0, 1)]), 1);
    }));

  it('a thread that dies refuses what it held, is reported, and the next batch gets a new thread', () => {
    const errors: Error[] = [];
    return withWriter(
      async (writer, store) => {
        assert.equal(await writer.insertMissing('SPY', '1d', [bar(0, 1)]), 1);
        await assert.rejects(writer.insertMissing('CRASH', '1d', [bar(0, 1)]), /exited with code 7/);
        assert.equal(errors.length, 1);
        assert.equal(await writer.insertMissing('SPY', '1d', [bar(86_400_000, 2)]), 1);
        assert.equal(store.range({ symbol: 'SPY', interval: '1d', ...all }).length, 2);
      },
      { onError: (e) => errors.push(e), entry: crashOnSymbol },
    );
  });

  it('bounds the batches waiting for the thread', () =>
    withWriter(async (writer, store) => {
      const sent = Array.from({ length: 65 }, (_, k) => writer.insertMissing('QQQ', '1s', [bar(k * 1_000, 1)]));
      const results = await Promise.allSettled(sent);
      assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
      assert.equal(store.range({ symbol: 'QQQ', interval: '1s', ...all }).length, 64);
    }));

  it('close waits for the batches sent, then refuses more; an idle thread ends and comes back', async () => {
    const { path, store } = database();
    const writer = new HistoryWriter({ path, onError: unexpected, idleMs: 50 });
    writer.prepare();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The thread that ended idle is replaced by the next batch.
    const stored = writer.insertMissing('TSLA', '5m', [bar(0, 1), bar(300_000, 2)]);
    await writer.close();
    assert.equal(await stored, 2);
    await assert.rejects(writer.insertMissing('TSLA', '5m', [bar(600_000, 3)]), /closed/);
    assert.equal(store.range({ symbol: 'TSLA', interval: '5m', ...all }).length, 2);
    store.close();
  });
});
