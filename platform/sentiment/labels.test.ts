/** Label values come from a fixed set: texts with invented `source` values create no new Prometheus series. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { sentimentService } from './service.ts';

describe('sentiment input bounds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentiment-labels-'));
  let platform: RunningPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [sentimentService({ feeds: () => [] })]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts 200 texts with 200 invented sources under source="api" only', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => ({
      id: `t${String(i)}`,
      kind: 'news',
      source: `attacker-${String(i)}`,
      text: 'Apple beats estimates',
      symbols: ['AAPL'],
      ts: Date.now(),
    }));
    const res = await apiFetch(platform, '/api/sentiment/texts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(texts),
    });
    assert.equal(res.status, 202);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    const series = metrics.split('\n').filter((l) => l.startsWith('insitechart_sentiment_texts_total{'));
    assert.deepEqual(series, ['insitechart_sentiment_texts_total{kind="news",source="api"} 200']);
  });

  it('keeps no state for invented tickers', async () => {
    const res = await apiFetch(platform, '/api/sentiment/texts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        Array.from({ length: 100 }, (_, i) => ({
          id: `x${String(i)}`,
          kind: 'social',
          source: 'x',
          text: 'to the moon',
          symbols: [`ZQ${String(i)}`],
          ts: Date.now(),
        })),
      ),
    });
    assert.equal(res.status, 202);
    assert.deepEqual(((await res.json()) as { scored: unknown[] }).scored, []);
    const all = (await (await apiFetch(platform, '/api/sentiment')).json()) as { symbols: { symbol: string }[] };
    assert.deepEqual(
      all.symbols.map((s) => s.symbol),
      ['AAPL'],
    );
  });
});
