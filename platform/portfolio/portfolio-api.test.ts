import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch, type ApiRequestInit } from '../testing/api-client.ts';
import { eventually } from '../testing/eventually.ts';
import { announceUniverse, publishDailyHistory } from '../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { portfolioResponses } from './openapi.ts';
import { portfolioService } from './service.ts';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

describe('portfolio API: positions, valuation from live prices, CSV import and export, watchlist', () => {
  let dir: string;
  let platform: TestPlatform;
  let gina: { token: string };
  let hal: { token: string };
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    as: ApiRequestInit['as'] = 'trader',
    type = 'application/json',
  ) => {
    const response = await apiFetch(platform, `/api${path}`, {
      method,
      as,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } }),
    });
    const text = await response.text();
    return { status: response.status, text, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Json };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portfolio-'));
    platform = await startTestPlatform(dir, [portfolioService()]);
    gina = { token: platform.identity.tokens.create('gina', 'trader').secret };
    hal = { token: platform.identity.tokens.create('hal', 'trader').secret };
    await announceUniverse(platform.bus, ['AAPL', 'JPM']);
    // 30 daily closes: AAPL rises 100 -> 129 with a fall in the middle; JPM flat at 50.
    const t0 = Date.UTC(2026, 9, 1, 4);
    const aapl = Array.from({ length: 30 }, (_, i) => (i === 15 ? 90 : 100 + i));
    for (const [symbol, closes] of [
      ['AAPL', aapl],
      ['JPM', aapl.map(() => 50)],
    ] as const)
      await publishDailyHistory(platform.bus, symbol, closes, t0);
    for (const [symbol, price] of [
      ['AAPL', 130],
      ['JPM', 55],
    ] as const)
      await platform.bus.publish('market.ticks', { key: symbol, data: { symbol, price, size: 1, ts: t0 + 31 * DAY } });
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('values positions at live prices: P&L, returns, day change, drawdown', async () => {
    await eventually(
      async () =>
        (await call('PUT', '/portfolio/positions/AAPL', { quantity: 10, averageCost: 100 }, gina)).status === 200,
      'the universe',
    );
    assert.equal((await call('PUT', '/portfolio/positions/jpm', { quantity: 20, averageCost: 60 }, gina)).status, 200);
    await eventually(async () => {
      const p = (await call('GET', '/portfolio', undefined, gina)).json;
      return (p.totals as Json).unpriced !== undefined && ((p.totals as Json).unpriced as string[]).length === 0;
    }, 'live prices');
    const { json } = await call('GET', '/portfolio', undefined, gina);
    assert.ok(portfolioResponses.portfolio.safeParse(json).success, 'answers as the OpenAPI document declares');
    const [aapl, jpm] = json.positions as Json[];
    assert.deepEqual(
      [aapl?.symbol, aapl?.marketValue, aapl?.unrealizedPnl, aapl?.unrealizedReturn],
      ['AAPL', 1300, 300, 0.3],
    );
    assert.deepEqual([jpm?.marketValue, jpm?.unrealizedPnl, jpm?.dayChange], [1100, -100, 100]);
    assert.deepEqual(json.totals, {
      costBasis: 2200,
      marketValue: 2400,
      unrealizedPnl: 200,
      unrealizedReturn: 0.090909,
      unpriced: [],
    });
    const perf = json.performance as Json;
    assert.equal(perf.n, 31, '30 common closes and the live value');
    // Day 14: 10 x 114 + 1000 = 2140; day 15: 10 x 90 + 1000 = 1900: the worst fall.
    assert.equal(perf.maxDrawdown, Math.round((1 - 1900 / 2140) * 1e6) / 1e6);
    assert.equal(perf.periodReturn, Math.round((2400 / 2000 - 1) * 1e6) / 1e6);
    assert.equal(perf.warning, undefined);
    assert.equal(
      ((await call('GET', '/portfolio', undefined, hal)).json.positions as unknown[]).length,
      0,
      'owners only',
    );
  });

  it('refuses instruments without a live source and bad numbers', async () => {
    const msft = await call('PUT', '/portfolio/positions/MSFT', { quantity: 1, averageCost: 1 }, gina);
    assert.equal(msft.status, 422);
    assert.match(String(msft.json.error), /MSFT has no live price source/);
    assert.equal((await call('PUT', '/portfolio/positions/AAPL', { quantity: -1, averageCost: 1 }, gina)).status, 400);
    assert.equal((await call('DELETE', '/portfolio/positions/AAPL', undefined, hal)).status, 404);
  });

  it('imports CSV all or nothing with row errors, exports the same layout', async () => {
    const bad = await call(
      'POST',
      '/portfolio/import',
      'symbol,quantity,average_cost\nAAPL,5,100\nMSFT,1,2\nJPM,x,3\nAAPL,1,1\n',
      hal,
      'text/csv',
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(
      (bad.json.rows as { line: number }[]).map((r) => r.line),
      [3, 4, 5],
    );
    assert.match(
      JSON.stringify(bad.json.rows),
      /MSFT has no live price source.*quantity \\"x\\" must be a positive number.*AAPL is already on line 2/,
    );
    // Codes and values for a client that writes the message in its own language.
    assert.deepEqual(
      (bad.json.rows as { code: string; params: unknown }[]).map((r) => [r.code, r.params]),
      [
        ['not_live', { symbol: 'MSFT' }],
        ['quantity', { value: 'x' }],
        ['duplicate', { symbol: 'AAPL', first: 2 }],
      ],
    );
    assert.equal(
      ((await call('GET', '/portfolio', undefined, hal)).json.positions as unknown[]).length,
      0,
      'nothing imported',
    );
    const good = await call(
      'POST',
      '/portfolio/import',
      'Symbol,Quantity,Average_Cost\r\naapl,5,100\r\n"JPM",2,40.5\r\n',
      hal,
      'text/csv',
    );
    assert.equal(good.status, 200);
    assert.equal(good.json.imported, 2);
    const merged = await call(
      'POST',
      '/portfolio/import?mode=merge',
      'symbol,quantity,average_cost\nAAPL,5,120\n',
      hal,
      'text/csv',
    );
    assert.equal(merged.status, 200);
    const exported = await call('GET', '/portfolio/export', undefined, hal);
    assert.equal(exported.text, 'symbol,quantity,average_cost\nAAPL,10,110\nJPM,2,40.5\n');
    const huge = await call(
      'POST',
      '/portfolio/import',
      `symbol,quantity,average_cost\n${'AAPL,1,1\n'.repeat(9_000)}`,
      hal,
      'text/csv',
    );
    assert.equal(huge.status, 413, 'over 64 KiB');
  });

  it('keeps a watchlist of live instruments only', async () => {
    assert.equal((await call('PUT', '/watchlist', { symbols: ['AAPL', 'NOPE'] }, gina)).status, 422);
    assert.equal((await call('PUT', '/watchlist', { symbols: ['jpm', 'AAPL'] }, gina)).status, 200);
    assert.deepEqual((await call('GET', '/watchlist', undefined, gina)).json.symbols, [
      { symbol: 'JPM', live: true },
      { symbol: 'AAPL', live: true },
    ]);
    assert.deepEqual((await call('GET', '/watchlist', undefined, hal)).json.symbols, []);
  });
});
