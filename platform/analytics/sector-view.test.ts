/**
 * The sector view is kept between bars (platform/http/kept-answers.ts): what it answers from memory must be what a
 * fresh computation on the same bars gives, and a new bar must replace it. Bars in over the backbone, REST out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { analyticsService } from './service.ts';
import { seededGaussian } from './synthetic.ts';
import { flatBar } from './test-bars.ts';

/** Two technology stocks, a bank and an oil company (the catalog's sectors), in the order the view lists them. */
const symbols = ['AAPL', 'JPM', 'MSFT', 'XOM'];
const n = 120;
const t0 = 1_700_000_000_000;

describe('the sector view between bars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sector-view-'));
  let platform: TestPlatform;
  const price = new Map(symbols.map((s) => [s, 100]));
  const g = seededGaussian(3);
  const publishMinute = async (t: number): Promise<void> => {
    const common = 0.01 * g();
    for (const symbol of symbols) {
      const next = (price.get(symbol) ?? 100) * Math.exp(common + 0.01 * g());
      price.set(symbol, next);
      await platform.bus.publish('market.bars', flatBar(symbol, '1m', t0 + t * 60_000, next));
    }
  };
  const barsHeld = async (count: number): Promise<void> => {
    for (const deadline = Date.now() + 10_000; ;) {
      const res = await apiFetch(platform, '/api/analytics/symbols', { as: 'viewer' });
      const listed = ((await res.json()) as { symbols: { bars: number }[] }).symbols;
      if (listed.length === symbols.length && listed.every((s) => s.bars === count)) return;
      assert.ok(Date.now() < deadline, `every symbol holds ${String(count)} bars`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const view = async (query = ''): Promise<Record<string, unknown>> => {
    const res = await apiFetch(platform, `/api/analytics/views/sectors${query}`, { as: 'viewer' });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  };
  /** The same view under another key (the symbols named): computed afresh whatever is kept. */
  const fresh = (): Promise<Record<string, unknown>> => view(`?symbols=${symbols.join(',')}`);

  before(async () => {
    platform = await startTestPlatform(dir, [analyticsService({ streamingIntervals: [] })]);
    for (let t = 0; t < n; t++) await publishMinute(t);
    await barsHeld(n);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from memory what a fresh computation gives, and recomputes after a new bar', async () => {
    const first = await view();
    assert.deepEqual(first.sectors, ['Energy', 'Financials', 'Information Technology']);
    const kept = await view();
    assert.deepEqual(kept, first);
    assert.deepEqual(kept, await fresh());

    await publishMinute(n);
    await barsHeld(n + 1);
    const after = await view();
    assert.notDeepEqual(after, first, 'the new bar is in the answer');
    assert.equal((after.sample as { to: number }).to, t0 + n * 60_000);
    assert.deepEqual(after, await fresh());
  });
});
