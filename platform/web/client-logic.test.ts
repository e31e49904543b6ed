import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './client/backoff.ts';
import { aggregateBars, mergeBar, normaliseBars } from './client/bars.ts';
import { parseServerMessage, type Bar } from './client/protocol.ts';
import { parseRoute, routeHash } from './client/route.ts';
import { staleAction } from './client/build-stamp.ts';
import { MarketStore, MAX_SERIES } from './client/store.ts';
import { cachesToDelete } from './client/sw-caches.ts';
import { chartSelection, chartWants } from './client/views/markets/selection.ts';
import { barKey, noSubscriptions, planSubscriptions, union, type Subscriptions } from './client/subscriptions.ts';
import { DEFAULT_WATCHLIST, MAX_WATCHLIST, Watchlist, WATCHLIST_KEY, type KeyValueStore } from './client/watchlist.ts';

const subs = (quotes: string[], bars: [string, '1s' | '1m' | '5m'][] = []): Subscriptions => ({
  quotes: new Set(quotes),
  bars: new Set(bars.map(([s, i]) => barKey(s, i))),
});
const bar = (start: number, close: number): Bar => ({ start, open: close, high: close, low: close, close, volume: 1 });

describe('reconnect backoff', () => {
  it('grows exponentially to the cap, with the jitter spanning the upper half of each step', () => {
    const options = { baseMs: 500, maxMs: 30_000 };
    assert.equal(
      backoffDelay(0, options, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(0, options, () => 1),
      500,
    );
    assert.equal(
      backoffDelay(3, options, () => 0),
      2_000,
    );
    assert.equal(
      backoffDelay(3, options, () => 1),
      4_000,
    );
    assert.equal(
      backoffDelay(20, options, () => 1),
      30_000,
      'capped',
    );
    assert.equal(
      backoffDelay(1_000, options, () => 0.5),
      22_500,
      'huge attempt counts do not overflow',
    );
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, options, Math.random)));
    assert.ok(spread.size > 10, 'jitter spreads clients apart');
  });
});

describe('subscription planning', () => {
  it('subscribes each new symbol on its own and bars per interval', () => {
    assert.deepEqual(planSubscriptions(noSubscriptions, subs(['MSFT', 'AAPL'], [['AAPL', '1m']])), [
      { type: 'subscribe', symbols: ['AAPL'] },
      { type: 'subscribe', symbols: ['MSFT'] },
      { type: 'subscribe', symbols: ['AAPL'], intervals: ['1m'] },
    ]);
  });

  it('switching interval drops only the old bar stream, keeping the quote', () => {
    assert.deepEqual(planSubscriptions(subs(['AAPL'], [['AAPL', '1m']]), subs(['AAPL'], [['AAPL', '5m']])), [
      { type: 'unsubscribe', symbols: ['AAPL'], intervals: ['1m'] },
      { type: 'subscribe', symbols: ['AAPL'], intervals: ['5m'] },
    ]);
  });

  it('drops a symbol nobody wants entirely, and sends nothing when nothing changed', () => {
    assert.deepEqual(planSubscriptions(subs(['AAPL', 'MSFT'], [['MSFT', '1s']]), subs(['AAPL'])), [
      { type: 'unsubscribe', symbols: ['MSFT'] },
    ]);
    assert.deepEqual(planSubscriptions(subs(['AAPL'], [['AAPL', '1m']]), subs(['AAPL'], [['AAPL', '1m']])), []);
  });

  it('a bar stream keeps its symbol subscribed even when no quote owner wants it', () => {
    const wanted = union([subs(['AAPL']), subs([], [['TSLA', '1m']])]);
    assert.deepEqual(planSubscriptions(subs(['AAPL', 'TSLA'], [['TSLA', '1s']]), wanted), [
      { type: 'unsubscribe', symbols: ['TSLA'], intervals: ['1s'] },
      { type: 'subscribe', symbols: ['TSLA'], intervals: ['1m'] },
    ]);
  });
});

describe('bar series', () => {
  it('appends a new bar, replaces the open one, and revises an older one in place', () => {
    let series = mergeBar([], bar(1_000, 1));
    series = mergeBar(series, bar(2_000, 2));
    series = mergeBar(series, bar(2_000, 3));
    assert.deepEqual(
      series.map((b) => [b.start, b.close]),
      [
        [1_000, 1],
        [2_000, 3],
      ],
    );
    series = mergeBar(series, bar(1_000, 9));
    assert.deepEqual(
      series.map((b) => [b.start, b.close]),
      [
        [1_000, 9],
        [2_000, 3],
      ],
    );
    series = mergeBar(series, bar(1_500, 5));
    assert.deepEqual(
      series.map((b) => b.start),
      [1_000, 1_500, 2_000],
      'a late bar is inserted in order',
    );
  });

  it('bounds the series and normalises a snapshot (sorted, later duplicate wins)', () => {
    assert.deepEqual(
      mergeBar([bar(1, 1), bar(2, 2)], bar(3, 3), 2).map((b) => b.start),
      [2, 3],
    );
    assert.deepEqual(
      normaliseBars([bar(3, 3), bar(1, 1), bar(3, 4)]).map((b) => [b.start, b.close]),
      [
        [1, 1],
        [3, 4],
      ],
    );
  });
});

describe('server message parsing', () => {
  it('accepts the protocol messages', () => {
    const welcome = parseServerMessage(
      JSON.stringify({
        type: 'welcome',
        seq: 1,
        session: 's1',
        resumed: false,
        heartbeatMs: 15_000,
        limits: { maxSymbols: 100 },
        subscriptions: { symbols: [], streams: [] },
        traceparent: '00-x',
      }),
    );
    assert.equal(welcome.message?.type, 'welcome');
    assert.equal(welcome.problem, undefined);
    const update = parseServerMessage(
      JSON.stringify({
        type: 'update',
        seq: 7,
        quotes: [{ symbol: 'AAPL', price: 1, size: 1, volume: 1, open: 1, change: 0, changePct: 0, ts: 1 }],
        bars: [{ symbol: 'AAPL', interval: '1m', bar: bar(0, 1), final: false }],
      }),
    );
    assert.equal(update.message?.type === 'update' ? update.message.bars?.[0]?.interval : undefined, '1m');
  });

  it('keeps the sequence number of an unknown or malformed sequenced message, and says what was wrong', () => {
    assert.deepEqual(parseServerMessage('{"type":"news","seq":4}'), {
      message: { type: 'other', seq: 4, name: 'news' },
    });
    const bad = parseServerMessage('{"type":"update","seq":5,"quotes":"nope"}');
    assert.deepEqual(bad.message, { type: 'other', seq: 5, name: 'update' });
    assert.match(bad.problem ?? '', /quotes/);
    assert.deepEqual(parseServerMessage('not json'), { problem: 'frame is not JSON' });
    assert.equal(parseServerMessage('{"type":"update"}').message, undefined);
  });
});

describe('hash routes', () => {
  const views = [{ id: 'markets' }, { id: 'alerts' }];
  it('parses a view and its parameters, falling back to the first view', () => {
    const route = parseRoute('#/alerts?rule=7', views);
    assert.equal(route.id, 'alerts');
    assert.equal(route.params.get('rule'), '7');
    assert.equal(parseRoute('', views).id, 'markets');
    assert.equal(parseRoute('#/nope?x=1', views).params.get('x'), null, 'an unknown route gets no parameters');
    assert.equal(routeHash('markets', new URLSearchParams({ s: 'AAPL', i: '1m' })), '#/markets?s=AAPL&i=1m');
  });
});

describe('the markets chart a route opens', () => {
  const route = (query: string) => new URLSearchParams(query);
  it("takes the link's symbol and interval, else the current ones, else the watchlist's first and 1m", () => {
    assert.deepEqual(chartSelection(route('s=msft&i=1h'), undefined, ['AAPL']), { symbol: 'MSFT', interval: '1h' });
    assert.deepEqual(chartSelection(route(''), undefined, ['NVDA', 'AAPL']), { symbol: 'NVDA', interval: '1m' });
    assert.deepEqual(chartSelection(route('i=bogus'), { symbol: 'TSLA', interval: '5m' }, ['NVDA']), {
      symbol: 'TSLA',
      interval: '5m',
    });
    assert.deepEqual(chartSelection(route('s='), undefined, []), { symbol: 'AAPL', interval: '1m' });
  });
  it('subscribes the quote and the bars at that interval', () => {
    assert.deepEqual(chartWants({ symbol: 'AAPL', interval: '1s' }), subs(['AAPL'], [['AAPL', '1s']]));
  });
});

describe('watchlist', () => {
  const memory = (initial?: string): KeyValueStore & { value: string | undefined } => {
    const store = {
      value: initial,
      getItem: (key: string) => (key === WATCHLIST_KEY ? (store.value ?? null) : null),
      setItem: (key: string, value: string) => {
        if (key === WATCHLIST_KEY) store.value = value;
      },
    };
    return store;
  };

  it('persists additions and removals, upper-cased and without duplicates', () => {
    const storage = memory();
    const list = new Watchlist(storage);
    assert.deepEqual(list.symbols, DEFAULT_WATCHLIST);
    assert.equal(list.add('xom'), true);
    assert.equal(list.add('XOM'), false);
    list.remove('AAPL');
    assert.deepEqual(new Watchlist(storage).symbols, [...DEFAULT_WATCHLIST.filter((s) => s !== 'AAPL'), 'XOM']);
  });

  it('falls back to the default on a corrupt entry and refuses to grow past the limit', () => {
    assert.deepEqual(new Watchlist(memory('{oops')).symbols, DEFAULT_WATCHLIST);
    assert.deepEqual(new Watchlist(memory('["<script>"]')).symbols, DEFAULT_WATCHLIST);
    const full = new Watchlist(
      memory(JSON.stringify(Array.from({ length: MAX_WATCHLIST }, (_, i) => `S${String(i)}`))),
    );
    assert.equal(full.add('ONEMORE'), false);
    assert.equal(full.symbols.length, MAX_WATCHLIST);
  });
});

describe('market store', () => {
  it('takes a snapshot, merges updates, ignores an older quote, and prepends history once', () => {
    const store = new MarketStore();
    const seen: string[] = [];
    store.listen({
      series: (s, i, bars) => seen.push(`series ${s} ${i} ${String(bars.length)}`),
      bar: (s, i, b) => seen.push(`bar ${s} ${i} ${String(b.start)}`),
      history: (s, i, bars, added) => seen.push(`history ${s} ${i} ${String(bars.length)} +${String(added)}`),
    });
    const quote = (price: number, ts: number) => ({
      symbol: 'AAPL',
      price,
      size: 1,
      volume: 1,
      change: 0,
      changePct: 0,
      ts,
    });
    store.apply({
      type: 'snapshot',
      seq: 2,
      symbol: 'AAPL',
      quote: quote(10, 5),
      bars: { '1m': [bar(120_000, 1), bar(60_000, 1)] },
    });
    store.apply({
      type: 'update',
      seq: 3,
      quotes: [quote(11, 4)],
      bars: [{ symbol: 'AAPL', interval: '1m', bar: bar(180_000, 2), final: false }],
    });
    assert.equal(store.quote('AAPL')?.price, 10, 'an older quote does not replace a newer one');
    assert.deepEqual(
      store.bars('AAPL', '1m').map((b) => b.start),
      [60_000, 120_000, 180_000],
    );
    assert.equal(store.prepend('AAPL', '1m', [bar(0, 1), bar(60_000, 9)]), 1, 'only bars before the first one are new');
    assert.equal(store.prepend('AAPL', '1m', [bar(0, 1)]), 0);
    assert.equal(store.bars('AAPL', '1m')[1]?.close, 1, 'history does not overwrite live bars');
    assert.deepEqual(seen, ['series AAPL 1m 2', 'bar AAPL 1m 180000', 'history AAPL 1m 4 +1']);
  });
});

describe('a page left open across a deploy', () => {
  it('reloads once into a newer build, offers a reload if that did not bring it, and blames the network otherwise', () => {
    assert.equal(staleAction('old', 'new', null), 'reload');
    assert.equal(staleAction('old', 'new', 'older'), 'reload', 'a reload made for another build does not count');
    assert.equal(staleAction('old', 'new', 'new'), 'offer', 'reloaded for it already: no loop');
    assert.equal(staleAction('same', 'same', null), 'none', 'the same build: the chunk failed for another reason');
    assert.equal(staleAction('old', undefined, null), 'none', 'the server not reachable: offline, not a deploy');
    assert.equal(staleAction(undefined, 'new', null), 'none', 'a page without its build stamp cannot tell');
  });

  it("keeps the previous build's shell cache for pages still running it, and no older one", () => {
    const names = ['shell-a', 'api-v1', 'shell-b', 'shell-c', 'other'];
    assert.deepEqual(cachesToDelete(names, 'shell-c', ['api-v1']), ['shell-a', 'other']);
    assert.deepEqual(cachesToDelete(['shell-c'], 'shell-c', []), [], 'a first install deletes nothing');
    assert.deepEqual(cachesToDelete(['shell-b', 'shell-c'], 'shell-b', []), [], 'the worker of b again: c is kept');
  });
});

describe('an interval switch drawn from what the page holds', () => {
  const ohlcv = (start: number, open: number, high: number, low: number, close: number, volume: number): Bar => ({
    start,
    open,
    high,
    low,
    close,
    volume,
  });

  it('makes coarser bars from a finer series, leaving out a first bucket it does not cover from its start', () => {
    const m = 60_000;
    const seconds = [
      ohlcv(10 * m - 1_000, 9, 9, 9, 9, 1), // the last second of a minute whose start is not held
      ohlcv(10 * m, 10, 12, 9, 11, 2),
      ohlcv(10 * m + 1_000, 11, 13, 10, 12, 3),
      ohlcv(11 * m, 12, 12, 8, 9, 4),
    ];
    assert.deepEqual(aggregateBars(seconds, '1s', '1m'), [
      ohlcv(10 * m, 10, 13, 9, 12, 5),
      ohlcv(11 * m, 12, 12, 8, 9, 4),
    ]);
    const minutes = [0, 1, 2, 3, 4, 5].map((n) => ohlcv(n * m, n, n + 1, n - 1, n + 0.5, 1));
    assert.deepEqual(aggregateBars(minutes, '1m', '5m'), [ohlcv(0, 0, 5, -1, 4.5, 5), ohlcv(5 * m, 5, 6, 4, 5.5, 1)]);
    assert.equal(aggregateBars(minutes, '1m', '1h'), undefined, "an hour's bounds depend on the exchange's offset");
    assert.equal(aggregateBars(minutes, '1m', '1d'), undefined);
    assert.equal(aggregateBars(minutes, '5m', '1m'), undefined, 'not finer from coarser');
  });

  it('keeps a series switched away from, until more than MAX_SERIES were received', () => {
    const store = new MarketStore();
    const snapshot = (symbol: string, interval: '1s' | '1m' | '5m'): void => {
      store.apply({ type: 'snapshot', seq: 1, symbol, quote: null, bars: { [interval]: [bar(1_000, 1)] } });
    };
    snapshot('AAPL', '1m');
    snapshot('AAPL', '5m');
    assert.equal(store.bars('AAPL', '1m').length, 1, 'the 1m series is still here after the switch to 5m');
    store.apply({
      type: 'update',
      seq: 2,
      quotes: [],
      bars: [{ symbol: 'AAPL', interval: '1m', bar: bar(2_000, 2), final: false }],
    });
    for (let n = 0; n < MAX_SERIES - 1; n++) snapshot(`S${String(n)}`, '1s');
    assert.equal(store.bars('AAPL', '5m').length, 0, 'the least recently received went first');
    assert.equal(store.bars('AAPL', '1m').length, 2, 'a series updated since is kept');
  });
});
