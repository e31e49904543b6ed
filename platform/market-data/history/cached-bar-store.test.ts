import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CachedBarStore } from './cached-bar-store.ts';
import { SqliteBarStore } from './sqlite-bar-store.ts';
import type { RangeQuery, StoredBar } from './bar-store.ts';

const bar = (start: number, close = 1): StoredBar => ({
  symbol: 'A',
  interval: '1m',
  start,
  open: 1,
  high: Math.max(1, close),
  low: Math.min(1, close),
  close,
  volume: 1,
});
const q = (from: number, to: number, limit: number): RangeQuery => ({ symbol: 'A', interval: '1m', from, to, limit });

/** Counts the queries that reach the store under the cache. */
class CountingStore extends SqliteBarStore {
  queries = 0;
  override range(query: RangeQuery) {
    this.queries += 1;
    return super.range(query);
  }
}

describe('cached bar store', () => {
  it('answers recent ranges from memory, follows writes and corrections, and sends older ranges to the store', () => {
    const inner = new CountingStore(':memory:');
    inner.write(Array.from({ length: 20 }, (_, i) => bar(i * 60_000)));
    const cache = new CachedBarStore(inner, 8);
    assert.deepEqual(
      cache.range(q(0, Infinity, 3)).map((b) => b.start / 60_000),
      [17, 18, 19],
    );
    assert.equal(inner.queries, 1, 'one load');
    cache.write([bar(20 * 60_000, 5), bar(19 * 60_000, 7)]);
    assert.deepEqual(
      cache.range(q(18 * 60_000, Infinity, 10)).map((b) => [b.start / 60_000, b.close]),
      [
        [18, 1],
        [19, 7],
        [20, 5],
      ],
    );
    assert.equal(inner.queries, 1, 'served from memory');
    assert.deepEqual(
      cache.range(q(0, 5 * 60_000, 10)).map((b) => b.start / 60_000),
      [0, 1, 2, 3, 4],
    );
    assert.equal(inner.queries, 2, 'older than the cache: from the store');
    assert.deepEqual(
      inner.range(q(19 * 60_000, 20 * 60_000, 1)).map((b) => b.close),
      [7],
      'writes reach the store',
    );
    cache.close();
  });
});
