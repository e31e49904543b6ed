import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { marketTick } from '../../../platform/backbone/topics.ts';
import { createLogger } from '../../../platform/telemetry/logger.ts';
import type { BreakerState, FeedContext, FeedHealth } from '../feed.ts';
import { YahooFeed } from '../yahoo-feed.ts';
import { dataCalls, recordedTransport, recording } from './recorded-transport.ts';
import { YahooQuoteSource } from './yahoo-source.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

// Just the recorded fields the assertions compare against.
const recordedQuotes = z.object({
  quoteResponse: z.object({
    result: z.array(
      z.looseObject({
        symbol: z.string(),
        regularMarketPrice: z.number(),
        regularMarketTime: z.number(),
        regularMarketVolume: z.number(),
        bid: z.number(),
        ask: z.number(),
        marketState: z.string(),
      }),
    ),
  }),
});
const recordedChart = z.object({
  chart: z.object({
    result: z.array(
      z.looseObject({
        timestamp: z.array(z.number()),
        indicators: z.object({
          quote: z.array(
            z.object({ open: z.array(z.number()), close: z.array(z.number()), volume: z.array(z.number()) }),
          ),
        }),
      }),
    ),
  }),
});

const quoteBody = (): z.infer<typeof recordedQuotes> => recordedQuotes.parse(recording('quote-AAPL-BABA.json'));

class RecordingHealth implements FeedHealth {
  readonly errors: string[] = [];
  readonly breakers: BreakerState[] = [];
  reconnects = 0;
  stale = 0;
  error(kind: string): void {
    this.errors.push(kind);
  }
  reconnect(): void {
    this.reconnects++;
  }
  breaker(state: BreakerState): void {
    this.breakers.push(state);
  }
  staleSymbols(count: number): void {
    this.stale = count;
  }
}

function context(health: FeedHealth): FeedContext {
  return { emit: () => Promise.resolve(), history: () => Promise.resolve(), health, logger };
}

describe('Yahoo source on the recorded responses (the library parses and validates them)', () => {
  it('turns a two-symbol quote into upstream quotes', async () => {
    const { transport, calls } = recordedTransport(() => ({ status: 200, body: recording('quote-AAPL-BABA.json') }));
    const quotes = await new YahooQuoteSource({ transport, logger }).quotes(['AAPL', 'BABA']);
    const recorded = quoteBody().quoteResponse.result;
    assert.equal(quotes.length, recorded.length);
    for (const [i, r] of recorded.entries()) {
      assert.deepEqual(quotes[i], {
        symbol: r.symbol,
        price: r.regularMarketPrice,
        time: r.regularMarketTime * 1000,
        dayVolume: r.regularMarketVolume,
        bid: r.bid,
        ask: r.ask,
        marketState: r.marketState,
      });
    }
    const quoteCall = dataCalls(calls)[0] ?? '';
    assert.match(
      quoteCall,
      /\/v7\/finance\/quote\?symbols=AAPL%2CBABA&crumb=recorded-crumb/,
      'the library built the request and went through the crumb handshake',
    );
  });

  it('reads an ETF quote', async () => {
    const { transport } = recordedTransport(() => ({ status: 200, body: recording('quote-QQQ.json') }));
    const [qqq] = await new YahooQuoteSource({ transport, logger }).quotes(['QQQ']);
    assert.ok(qqq);
    assert.equal(qqq.symbol, 'QQQ');
    assert.ok(qqq.price > 0);
  });

  it('reads chart history, and an empty chart (a Saturday) as no bars', async () => {
    const { transport, calls } = recordedTransport((url) => ({
      status: 200,
      body: recording(
        url.searchParams.get('interval') === '1m'
          ? 'chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json'
          : 'chart-AAPL-2020-08-31-to-2020-11-07.json',
      ),
    }));
    const source = new YahooQuoteSource({ transport, logger });
    const bars = await source.history('AAPL', {
      from: new Date('2020-08-31'),
      to: new Date('2020-11-07'),
      interval: '1d',
    });
    const chart = recordedChart.parse(recording('chart-AAPL-2020-08-31-to-2020-11-07.json')).chart.result[0];
    assert.ok(chart);
    assert.equal(bars.length, 49);
    assert.deepEqual(
      bars.map((b) => b.start),
      chart.timestamp.map((t) => t * 1000),
    );
    assert.deepEqual(
      bars.map((b) => b.open),
      chart.indicators.quote[0]?.open,
    );
    assert.deepEqual(
      bars.map((b) => b.volume),
      chart.indicators.quote[0]?.volume,
    );
    assert.match(
      dataCalls(calls)[0] ?? '',
      /\/v8\/finance\/chart\/AAPL\?.*interval=1d.*period1=1598832000&period2=1604707200/,
    );
    assert.deepEqual(
      await source.history('AAPL', { from: new Date('2025-02-01'), to: new Date('2025-02-02'), interval: '1m' }),
      [],
    );
  });

  it("rejects a body that fails the library's schema validation", async () => {
    const body = quoteBody();
    const [first] = body.quoteResponse.result;
    assert.ok(first);
    const broken = { quoteResponse: { ...body.quoteResponse, result: [{ ...first, regularMarketTime: 'yesterday' }] } };
    const { transport } = recordedTransport(() => ({ status: 200, body: broken }));
    await assert.rejects(new YahooQuoteSource({ transport, logger }).quotes(['AAPL']), /validation/i);
  });
});

describe('Yahoo feed', () => {
  it('ticks what moved since the last poll, with the traded volume as size', async () => {
    let body: unknown = recording('quote-AAPL-BABA.json');
    const { transport } = recordedTransport(() => ({ status: 200, body }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['AAPL', 'BABA'],
      pollMs: 1_000,
    });
    const health = new RecordingHealth();
    const first = await feed.poll(context(health));
    assert.deepEqual(
      first.map((t) => [t.symbol, t.size]),
      [
        ['AAPL', 0],
        ['BABA', 0],
      ],
    );
    for (const t of first) assert.ok(marketTick.safeParse(t).success);
    assert.deepEqual(await feed.poll(context(health)), [], 'an unchanged quote is not a tick');
    const moved = quoteBody();
    const aapl = moved.quoteResponse.result[0];
    assert.ok(aapl);
    aapl.regularMarketVolume += 1_500;
    aapl.regularMarketTime += 1;
    aapl.regularMarketPrice = 245.1;
    body = moved;
    const next = await feed.poll(context(health));
    assert.deepEqual(
      next.map((t) => [t.symbol, t.price, t.size, t.ts]),
      [['AAPL', 245.1, 1_500, aapl.regularMarketTime * 1000]],
    );
    assert.deepEqual(health.errors, []);
  });

  it('retries with exponential backoff and jitter, opens the circuit, then half-opens and recovers', async () => {
    let now = 1_000_000;
    let healthy = false;
    const { transport, calls } = recordedTransport(() =>
      healthy ? { status: 200, body: recording('quote-AAPL-BABA.json') } : { status: 503, body: 'Service Unavailable' },
    );
    const delays: number[] = [];
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['AAPL', 'BABA'],
      pollMs: 1_000,
      retry: { retries: 2, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2 },
      breaker: { failureThreshold: 2, openMs: 30_000 },
      rateLimit: { capacity: 100, perSecond: 100 },
      now: () => now,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });
    const health = new RecordingHealth();
    const ctx = context(health);
    const originalConsoleError = console.error;
    console.error = () => undefined; // the library prints the URL of a failed request
    try {
      assert.deepEqual(await feed.poll(ctx), []);
      assert.equal(dataCalls(calls).length, 3, 'one call and two retries');
      assert.equal(delays.length, 2);
      assert.deepEqual(health.errors, ['retry', 'retry', 'upstream']);
      assert.ok((delays[0] ?? 0) >= 50 && (delays[0] ?? 0) <= 100, `first backoff ${String(delays[0])} in [50, 100]`);
      assert.ok(
        (delays[1] ?? 0) >= 100 && (delays[1] ?? 0) <= 200,
        `second backoff ${String(delays[1])} in [100, 200]`,
      );
      assert.equal(feed.breakerState, 'closed');
      await feed.poll(ctx);
      assert.equal(feed.breakerState, 'open', 'two failed requests open the circuit');
      assert.deepEqual(health.breakers.slice(-1), ['open']);
      const before = dataCalls(calls).length;
      await feed.poll(ctx);
      assert.equal(dataCalls(calls).length, before, 'no upstream call while open');
      assert.ok(health.errors.includes('circuit_open'));
      now += 30_000;
      assert.equal(feed.breakerState, 'half-open');
      healthy = true;
      const ticks = await feed.poll(ctx);
      assert.equal(ticks.length, 2);
      assert.equal(feed.breakerState, 'closed');
      assert.equal(health.reconnects, 1);
      assert.deepEqual(health.breakers, ['open', 'half-open', 'closed']);
    } finally {
      console.error = originalConsoleError;
    }
  });

  it('serves chart history through the same rate limit and breaker', async () => {
    let now = 0;
    const { transport, calls } = recordedTransport(() => ({
      status: 200,
      body: recording('chart-AAPL-2020-08-31-to-2020-11-07.json'),
    }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: [],
      pollMs: 1_000,
      rateLimit: { capacity: 1, perSecond: 1_000 },
      now: () => now,
    });
    await feed.poll(context(new RecordingHealth()));
    const started = feed.history('AAPL', { from: new Date('2020-08-31'), to: new Date('2020-11-07'), interval: '1d' });
    const second = feed.history('AAPL', { from: new Date('2020-08-31'), to: new Date('2020-11-07'), interval: '1d' });
    assert.equal((await started).length, 49);
    now += 1; // the bucket refills one token per millisecond: the second request waited for it
    assert.equal((await second).length, 49);
    assert.equal(dataCalls(calls).length, 2);
  });

  it('does not retry a client error', async () => {
    const { transport, calls } = recordedTransport(() => ({ status: 404, body: 'Not Found' }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['NOPE'],
      pollMs: 1_000,
      sleep: () => Promise.resolve(),
    });
    const originalConsoleError = console.error;
    console.error = () => undefined;
    try {
      await feed.poll(context(new RecordingHealth()));
    } finally {
      console.error = originalConsoleError;
    }
    assert.equal(dataCalls(calls).length, 1);
  });

  it('reports symbols stale when their market trades but their quote stopped moving', async () => {
    const body = quoteBody();
    for (const q of body.quoteResponse.result) q.marketState = 'REGULAR';
    const quoteTime = (body.quoteResponse.result[0]?.regularMarketTime ?? 0) * 1000;
    let now = quoteTime + 5_000;
    const { transport } = recordedTransport(() => ({ status: 200, body }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['AAPL', 'BABA'],
      pollMs: 1_000,
      staleAfterMs: 60_000,
      now: () => now,
    });
    const health = new RecordingHealth();
    await feed.poll(context(health));
    assert.deepEqual(feed.staleSymbols, []);
    now = quoteTime + 10 * 60_000;
    await feed.poll(context(health));
    assert.deepEqual(feed.staleSymbols, ['AAPL', 'BABA']);
    assert.equal(health.stale, 2);
    const aapl = body.quoteResponse.result[0];
    assert.ok(aapl);
    aapl.regularMarketTime = Math.floor(now / 1000);
    await feed.poll(context(health));
    assert.deepEqual(feed.staleSymbols, ['BABA'], 'AAPL is fresh again');
  });

  it('does not call a closed market stale (the recorded quotes are after the close)', async () => {
    const { transport } = recordedTransport(() => ({ status: 200, body: recording('quote-AAPL-BABA.json') }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['AAPL', 'BABA'],
      pollMs: 1_000,
      staleAfterMs: 60_000,
    });
    await feed.poll(context(new RecordingHealth()));
    assert.deepEqual(feed.staleSymbols, []);
  });
});
