/** The sentiment service in a real platform: texts in (REST and a feed), scores out on the backbone and REST. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import type { TopicData } from '../backbone/topics.ts';
import type { TextFeed, TextSink } from './feed.ts';
import { sentimentService } from './service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

describe('sentiment service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentiment-'));
  let platform: TestPlatform;
  let sink: TextSink | undefined;
  const scores: TopicData<'sentiment.scores'>[] = [];
  const feed: TextFeed = {
    name: 'test',
    start: (s) => {
      sink = s;
    },
    stop: () => Promise.resolve(),
  };
  const url = (path: string): string => `/api/sentiment${path}`;

  before(async () => {
    platform = await startTestPlatform(dir, [sentimentService({ feeds: () => [feed] })]);
    await platform.bus.subscribe({
      group: 'test',
      topic: 'sentiment.scores',
      from: 'earliest',
      handler: (d) => {
        scores.push(d.envelope.data);
      },
    });
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores feed texts, publishes them on sentiment.scores and serves the aggregate', async () => {
    assert.ok(sink);
    sink({
      id: 'n1',
      kind: 'news',
      source: 'wire',
      text: 'Apple beats estimates and raises guidance',
      symbols: ['AAPL'],
      ts: Date.now(),
    });
    sink({ id: 'p1', kind: 'social', source: 'posts', text: '$TSLA tanking, guidance cut', ts: Date.now() });
    await waitFor(() => scores.length === 2, 5_000, 'two scores on the bus');
    assert.ok((scores.find((s) => s.symbol === 'AAPL')?.score ?? 0) > 0.5);
    assert.ok((scores.find((s) => s.symbol === 'TSLA')?.score ?? 0) < -0.5, 'attributed by cashtag');
    const aapl = (await (await apiFetch(platform, url('/aapl'))).json()) as {
      aggregate: number;
      recent: { id: string }[];
    };
    assert.ok(aapl.aggregate > 0);
    assert.deepEqual(
      aapl.recent.map((r) => r.id),
      ['n1'],
    );
    const all = (await (await apiFetch(platform, url(''))).json()) as { symbols: { symbol: string }[] };
    assert.deepEqual(
      all.symbols.map((s) => s.symbol),
      ['AAPL', 'TSLA'],
    );
  });

  it('accepts texts over REST, ignores duplicates, validates input', async () => {
    const post = (body: unknown) =>
      apiFetch(platform, url('/texts'), {
        as: 'feed',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const item = {
      id: 'r1',
      kind: 'news',
      source: 'api',
      text: 'Analyst downgrades MSFT to underweight',
      symbols: ['msft'],
      ts: Date.now(),
    };
    const first = await post([item]);
    assert.equal(first.status, 202);
    const body = (await first.json()) as { scored: { symbol: string; score: number }[] };
    assert.equal(body.scored[0]?.symbol, 'MSFT');
    assert.ok(body.scored[0].score < 0);
    const again = (await (await post(item)).json()) as { scored: unknown[] };
    assert.equal(again.scored.length, 0, 'a repeated id is ignored');
    assert.equal((await post({ ...item, id: 'r2', kind: 'rumour' })).status, 400);
    assert.equal((await post({ ...item, id: 'r3', symbols: ['not a ticker'] })).status, 400);
    assert.equal((await apiFetch(platform, url('/ZZZZ'))).status, 404);
    const scored = (await (await apiFetch(platform, url('/score?text=did%20not%20beat%20estimates'))).json()) as {
      score: number;
    };
    assert.ok(scored.score < 0);
  });
});
