import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../random/seeded.ts';
import { apiFetch } from '../testing/api-client.ts';
import { eventually } from '../testing/eventually.ts';
import { publishDailyHistory } from '../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { analyticsService } from './service.ts';
import { flatBar } from './test-bars.ts';

type Json = Record<string, unknown>;
interface Sample {
  interval: string;
  n: number;
  minimum: number;
  sufficient: boolean;
  warning?: string;
}

/** Correlated random-walk closes for two symbols. */
function walks(n: number, seed: number): { a: number[]; b: number[] } {
  const random = seededRandom(seed);
  const a = [100];
  const b = [50];
  for (let i = 1; i < n; i++) {
    const common = random() - 0.5;
    a.push((a.at(-1) ?? 100) * Math.exp(0.01 * (common + 0.3 * (random() - 0.5))));
    b.push((b.at(-1) ?? 50) * Math.exp(0.01 * (common + 0.3 * (random() - 0.5))));
  }
  return { a, b };
}

describe('analytics: every statistic with its sample size, a warning below the minimum, history at every interval', () => {
  let dir: string;
  let platform: TestPlatform;
  const get = async (path: string): Promise<{ status: number; json: Json }> => {
    const response = await apiFetch(platform, `/api/analytics/${path}`, { as: 'viewer' });
    return { status: response.status, json: (await response.json()) as Json };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'analytics-sample-'));
    platform = await startTestPlatform(dir, [analyticsService()]);
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a correlation from 7 returns comes with n = 7 and a warning', async () => {
    const { a, b } = walks(8, 1);
    const t0 = Date.UTC(2026, 11, 7, 15, 0);
    for (let i = 0; i < 8; i++)
      for (const [symbol, close] of [
        ['AAA', a[i] ?? 1],
        ['BBB', b[i] ?? 1],
      ] as const)
        await platform.bus.publish('market.bars', flatBar(symbol, '1m', t0 + i * 60_000, close));
    await eventually(async () => (await get('correlation?symbols=AAA,BBB&interval=1m')).status === 200, 'the bars');
    const { json } = await get('correlation?symbols=AAA,BBB&interval=1m&pvalues=false');
    const sample = json.sample as Sample;
    assert.deepEqual([sample.n, sample.minimum, sample.sufficient], [7, 30, false]);
    assert.match(sample.warning ?? '', /only 7 1m returns/);
    assert.equal(json.n, 7);
  });

  it('history from a feed fills the windows: the same query is then sufficient, without a warning', async () => {
    const { a, b } = walks(300, 2);
    const t0 = Date.UTC(2025, 0, 2);
    for (const [symbol, closes] of [
      ['AAA', a],
      ['BBB', b],
    ] as const)
      await publishDailyHistory(platform.bus, symbol, closes, t0, 10);
    await eventually(async () => (await get('correlation?symbols=AAA,BBB&interval=1d')).status === 200, 'history');
    const { json } = await get('correlation?symbols=AAA,BBB&interval=1d&points=250');
    const sample = json.sample as Sample;
    assert.deepEqual([sample.n, sample.sufficient, sample.warning], [250, true, undefined]);
    const graph = await get('causality-graph?symbols=AAA,BBB&interval=1d&lag=2');
    assert.equal((graph.json.sample as Sample).n, 299);
    assert.equal((graph.json.sample as Sample).minimum, 35);
  });

  it('onMissing=skip leaves out symbols without bars and names them; the default is still a 404', async () => {
    const skipped = await get('correlation?symbols=AAA,BBB,MSFT&interval=1d&onMissing=skip');
    assert.equal(skipped.status, 200);
    assert.deepEqual([skipped.json.symbols, skipped.json.skipped], [['AAA', 'BBB'], ['MSFT']]);
    assert.equal((await get('correlation?symbols=AAA,BBB,MSFT&interval=1d')).status, 404);
    const alone = await get('correlation?symbols=AAA,MSFT&interval=1d&onMissing=skip');
    assert.equal(alone.status, 422);
    assert.match(String(alone.json.error), /no data: MSFT/);
  });
});
