import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import type { TopicData } from '../backbone/topics.ts';
import { instruments } from '../reference/instruments.ts';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { eventually } from '../testing/eventually.ts';
import { idleFeed } from '../testing/market-fixtures.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { marketDataService } from './service.ts';

type Tick = TopicData<'market.ticks'>;

describe('tick ingestion and per-symbol state against hostile input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-ticks-'));
  let platform: RunningPlatform;
  const published: Tick[] = [];

  const post = (ticks: unknown[]): Promise<Response> =>
    apiFetch(platform, '/api/market/ticks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticks }),
    });
  const price = async (symbol: string): Promise<number | undefined> => {
    const response = await apiFetch(platform, `/api/quotes/${symbol}`);
    return response.status === 200 ? ((await response.json()) as { price: number }).price : undefined;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await apiFetch(platform, '/metrics')).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  before(async () => {
    platform = await startTestPlatform(dir, [
      marketFeedService({ feed: idleFeed }),
      marketDataService({ symbols: { maxFeedSymbols: 5 } }),
    ]);
    await platform.bus.subscribe({
      group: 'test-ticks',
      topic: 'market.ticks',
      handler: (d) => {
        published.push(d.envelope.data);
      },
    });
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a tick stamped in the future, so it cannot freeze the quote', async () => {
    assert.equal((await post([{ symbol: 'AAPL', price: 100, size: 1, ts: Date.now() }])).status, 202);
    await eventually(async () => (await price('AAPL')) === 100, 'the first quote');
    const frozen = { symbol: 'AAPL', price: 0.01, size: 1, ts: Number.MAX_SAFE_INTEGER };
    const response = await post([frozen]);
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /ticks\.0\.ts: .* ahead of the server's clock/);
    // The same tick on the backbone (another publisher, Kafka): the bars drop it, so the quote book does too.
    await platform.bus.publish('market.ticks', { key: 'AAPL', data: frozen });
    assert.equal((await post([{ symbol: 'AAPL', price: 101, size: 1, ts: Date.now() }])).status, 202);
    await eventually(async () => (await price('AAPL')) === 101, 'the next quote');
    assert.equal(published.filter((t) => t.price === 0.01).length, 1, 'only the backbone copy was published');
  });

  it('accepts only known instruments and at most 1,000 ticks per request, as a whole batch', async () => {
    const before = published.length;
    const now = Date.now();
    const unknown = await post([
      { symbol: 'MSFT', price: 10, size: 1, ts: now },
      { symbol: 'ZZZQQ', price: 10, size: 1, ts: now },
    ]);
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: string }).error, /ticks\.1\.symbol: unknown instrument ZZZQQ/);
    const tooMany = await post(Array.from({ length: 1_001 }, () => ({ symbol: 'MSFT', price: 10, size: 1, ts: now })));
    assert.equal(tooMany.status, 400);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(published.length, before, 'a refused batch publishes nothing');
    assert.equal(await price('MSFT'), undefined);
  });

  it('keeps state for a bounded number of symbols outside the catalog, however many are invented', async () => {
    const catalog = new Set(instruments.map((i) => i.symbol));
    const invented = Array.from({ length: 60 }, (_, i) => `QX${String(i)}`).filter((s) => !catalog.has(s));
    for (const symbol of invented)
      await platform.bus.publish('market.ticks', { key: symbol, data: { symbol, price: 1, size: 1, ts: Date.now() } });
    await eventually(
      async () => (await metric('insitechart_market_ticks_refused_total')) === invented.length - 5,
      'the ticks over the bound refused',
    );
    const quotes = ((await (await apiFetch(platform, '/api/quotes')).json()) as { quotes: { symbol: string }[] })
      .quotes;
    assert.equal(quotes.filter((q) => !catalog.has(q.symbol)).length, 5);
    assert.equal(await metric('insitechart_market_feed_symbols'), 5);
    const search = (await (await apiFetch(platform, '/api/symbols?q=QX&limit=50')).json()) as { results: unknown[] };
    assert.equal(search.results.length, 5);
  });
});
