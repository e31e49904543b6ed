import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteBarStore } from './sqlite-bar-store.ts';
import type { StoredBar } from './bar-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bars-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const bar = (symbol: string, interval: StoredBar['interval'], start: number, close = 10): StoredBar => ({
  symbol,
  interval,
  start,
  open: 10,
  high: Math.max(10, close),
  low: Math.min(10, close),
  close,
  volume: 100,
});

describe('SQLite bar store', () => {
  it('reads a range oldest first, newest bars when limited, one symbol and interval only', () => {
    const store = new SqliteBarStore(join(dir, 'a.db'));
    store.write(Array.from({ length: 10 }, (_, i) => bar('AAPL', '1m', i * 60_000, 10 + i)));
    store.write([bar('AAPL', '5m', 0), bar('MSFT', '1m', 60_000)]);
    assert.deepEqual(
      store.range({ symbol: 'AAPL', interval: '1m', from: 120_000, to: 300_000, limit: 100 }).map((b) => b.start),
      [120_000, 180_000, 240_000],
    );
    assert.deepEqual(
      store.range({ symbol: 'AAPL', interval: '1m', from: 0, to: 1e12, limit: 2 }).map((b) => b.close),
      [18, 19],
    );
    assert.equal(store.range({ symbol: 'MSFT', interval: '1m', from: 0, to: 1e12, limit: 10 }).length, 1);
    store.close();
  });

  it('replaces a bar written again with the same key (a correction), before and after a flush', () => {
    const store = new SqliteBarStore(join(dir, 'b.db'));
    store.write([bar('AAPL', '1s', 1000, 11)]);
    store.write([bar('AAPL', '1s', 1000, 12)]);
    assert.equal(store.pending, 1);
    store.flush();
    store.write([bar('AAPL', '1s', 1000, 13)]);
    assert.deepEqual(
      store.range({ symbol: 'AAPL', interval: '1s', from: 0, to: 5000, limit: 10 }).map((b) => b.close),
      [13],
    );
    store.close();
  });

  it('keeps its bars across a reopen', () => {
    const path = join(dir, 'c.db');
    const first = new SqliteBarStore(path);
    first.write([bar('AAPL', '1d', 86_400_000)]);
    first.close();
    const second = new SqliteBarStore(path);
    assert.equal(second.range({ symbol: 'AAPL', interval: '1d', from: 0, to: 1e12, limit: 5 }).length, 1);
    second.close();
  });

  it('prunes each interval by its own retention', () => {
    const store = new SqliteBarStore(join(dir, 'd.db'), {
      '1s': 1_000,
      '1m': 60_000,
      '5m': 1e12,
      '1h': 1e12,
      '1d': 1e12,
    });
    const now = 10_000_000;
    store.write([
      bar('A', '1s', now - 2_000),
      bar('A', '1s', now - 500),
      bar('A', '1m', now - 120_000),
      bar('A', '1m', now - 60_000),
      bar('A', '5m', 0),
    ]);
    assert.equal(store.prune(now), 2);
    assert.deepEqual(
      store.range({ symbol: 'A', interval: '1s', from: 0, to: now, limit: 10 }).map((b) => b.start),
      [now - 500],
    );
    assert.deepEqual(
      store.range({ symbol: 'A', interval: '1m', from: 0, to: now, limit: 10 }).map((b) => b.start),
      [now - 60_000],
    );
    assert.equal(store.range({ symbol: 'A', interval: '5m', from: 0, to: now, limit: 10 }).length, 1);
    store.close();
  });
});
