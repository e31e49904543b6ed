import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.ts';
import { retryWithBackoff } from './retry.ts';
import { StalenessTracker } from './staleness.ts';
import { TokenBucket } from './token-bucket.ts';

describe('resilience primitives', () => {
  it('token bucket: bursts up to capacity, then paces at the refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 3, perSecond: 2, now: () => now });
    assert.deepEqual(
      [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()].map((r) => r.ok),
      [true, true, true],
    );
    assert.deepEqual(bucket.tryTake(), { ok: false, waitMs: 500 });
    now += 500;
    assert.equal(bucket.tryTake().ok, true);
    now += 10_000;
    assert.equal([1, 2, 3, 4].filter(() => bucket.tryTake().ok).length, 3, 'never more than capacity after idling');
  });

  it('token bucket take() waits for a token and gives up when aborted', async () => {
    // Timed from the bucket's creation: on a loaded machine the refill may already be under way at the second take.
    const created = performance.now();
    const bucket = new TokenBucket({ capacity: 1, perSecond: 50 });
    const controller = new AbortController();
    assert.equal(await bucket.take(controller.signal), true);
    assert.equal(await bucket.take(controller.signal), true);
    assert.ok(performance.now() - created >= 15, 'the second token came about 20 ms after the first');
    controller.abort();
    assert.equal(await bucket.take(controller.signal), false);
  });

  it('circuit breaker lets a single trial through when half-open and reopens if it fails', async () => {
    let now = 0;
    const states: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      openMs: 100,
      now: () => now,
      onStateChange: (s) => states.push(s),
    });
    await assert.rejects(
      breaker.execute(() => Promise.reject(new Error('down'))),
      /down/,
    );
    await assert.rejects(
      breaker.execute(() => Promise.resolve(1)),
      CircuitOpenError,
    );
    now = 100;
    let release: () => void = () => undefined;
    const trial = breaker.execute(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await assert.rejects(
      breaker.execute(() => Promise.resolve()),
      CircuitOpenError,
      'a second call waits for the trial',
    );
    release();
    await trial;
    assert.equal(breaker.state, 'closed');
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('down'))));
    now = 250;
    await assert.rejects(breaker.execute(() => Promise.reject(new Error('still down'))));
    assert.equal(breaker.state, 'open');
    assert.deepEqual(states, ['open', 'half-open', 'closed', 'open', 'half-open', 'open']);
  });

  it('retry backs off exponentially with jitter up to the cap, then rethrows', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const work = (): Promise<never> => {
      attempts++;
      return Promise.reject(new Error(`fail ${String(attempts)}`));
    };
    await assert.rejects(
      retryWithBackoff(work, {
        signal: new AbortController().signal,
        policy: { retries: 5, initialBackoffMs: 100, maxBackoffMs: 400, multiplier: 2 },
        random: () => 1,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      }),
      /fail 6/,
    );
    assert.deepEqual(delays, [100, 200, 400, 400, 400]);
    const low: number[] = [];
    await assert.rejects(
      retryWithBackoff(work, {
        signal: new AbortController().signal,
        policy: { retries: 2, initialBackoffMs: 100, maxBackoffMs: 400, multiplier: 2 },
        random: () => 0,
        sleep: (ms) => {
          low.push(ms);
          return Promise.resolve();
        },
      }),
    );
    assert.deepEqual(low, [50, 100], 'jitter spreads each delay over its upper half');
  });

  it('staleness tracker: a symbol the upstream stopped returning goes stale too', () => {
    const tracker = new StalenessTracker(1_000);
    tracker.observe('A', 0, 'CLOSED', 0);
    tracker.observe('B', 0, 'REGULAR', 0);
    assert.deepEqual(tracker.stale(['A', 'B', 'C'], 500), []);
    assert.deepEqual(tracker.stale(['A', 'B', 'C'], 1_001), ['A', 'B']);
  });
});
