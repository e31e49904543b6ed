import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue } from './bounded-queue.ts';

describe('BoundedQueue', () => {
  it('is FIFO and evicts the oldest item when full', () => {
    const q = new BoundedQueue<number>(3);
    assert.deepEqual(
      [1, 2, 3].map((n) => q.push(n)),
      [false, false, false],
    );
    assert.equal(q.push(4), true);
    assert.equal(q.length, 3);
    assert.equal(q.peek(), 2);
    assert.deepEqual(q.take(2), [2, 3]);
    q.push(5);
    q.push(6);
    assert.deepEqual(q.take(10), [4, 5, 6], 'wraps around the ring in order');
    assert.equal(q.peek(), undefined);
  });

  it('clears and reports how much it held', () => {
    const q = new BoundedQueue<string>(2);
    q.push('a');
    q.push('b');
    assert.equal(q.clear(), 2);
    assert.equal(q.length, 0);
    q.push('c');
    assert.deepEqual(q.take(1), ['c']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    assert.throws(() => new BoundedQueue(0), RangeError);
    assert.throws(() => new BoundedQueue(1.5), RangeError);
  });
});
