/**
 * Numeric edges through the API (JSON reads 1e400 as Infinity; 1e308, 5e-324 and 2^53 are valid JSON numbers):
 * refused with a 4xx and a JSON message, and nothing changes. Sent by a real client to a platform on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { alertsService } from '../alerts/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { eventually } from '../testing/eventually.ts';
import { idleFeed } from '../testing/market-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

describe('numeric edges in market ticks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-values-'));
  let platform: TestPlatform;
  const post = (tick: string): Promise<Response> =>
    apiFetch(platform, '/api/market/ticks', {
      method: 'POST',
      as: 'feed',
      headers: { 'content-type': 'application/json' },
      body: `{"ticks":[${tick}]}`,
    });
  const quote = async (): Promise<{ price: number; volume: number } | undefined> => {
    const res = await apiFetch(platform, '/api/quotes/AAPL');
    return res.status === 200 ? ((await res.json()) as { price: number; volume: number }) : undefined;
  };

  before(async () => {
    platform = await startTestPlatform(dir, [marketFeedService({ feed: idleFeed }), marketDataService()]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses absurd prices, sizes and crossed quotes; the quote and the volume stay as they were', async () => {
    const ts = () => String(Date.now());
    const ok = await post(`{"symbol":"AAPL","price":230.5,"size":100,"ts":${ts()}}`);
    assert.equal(ok.status, 202);
    await eventually(async () => (await quote())?.price === 230.5, 'the first quote');
    const before = await quote();
    assert.ok(before !== undefined);
    for (const tick of [
      `{"symbol":"AAPL","price":1e308,"size":1,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":1e400,"size":1,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":5e-324,"size":1,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":-0,"size":1,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":231,"size":9007199254740991,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":231,"bid":232,"ask":231,"size":1,"ts":${ts()}}`,
      `{"symbol":"AAPL","price":231,"bid":1e-300,"size":1,"ts":${ts()}}`,
    ]) {
      const res = await post(tick);
      assert.equal(res.status, 400, tick);
      assert.equal(typeof ((await res.json()) as { error?: unknown }).error, 'string');
    }
    // A later good tick shows that the refused ones were never applied in between.
    assert.equal((await post(`{"symbol":"AAPL","price":230.75,"size":10,"ts":${ts()}}`)).status, 202);
    await eventually(async () => (await quote())?.price === 230.75, 'the later quote');
    assert.equal((await quote())?.volume, before.volume + 10);
  });
});

describe('timestamps and width in ingested alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-alerts-'));
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [alertsService()]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const send = (path: string, body: unknown): Promise<Response> =>
    apiFetch(platform, path, {
      method: 'POST',
      as: 'ingest',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const webhook = (alert: Record<string, unknown>) => ({
    version: '4',
    groupKey: 'g',
    status: 'firing',
    receiver: 'insitechart',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [{ status: 'firing', fingerprint: 'f1', labels: { alertname: 'Far' }, ...alert }],
  });

  it('refuses alerts that start far in the future or carry thousands of labels; no incident is opened', async () => {
    const wide = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`l${String(i)}`, 'v']));
    for (const [path, body] of [
      ['/api/alerts', { labels: { alertname: 'Far' }, startsAt: '9999-12-31T23:59:59Z' }],
      ['/api/alerts', { labels: { alertname: 'Wide', ...wide } }],
      ['/api/alerts', { labels: { alertname: 'Notes' }, annotations: wide }],
      ['/api/alerts/alertmanager', webhook({ startsAt: '9999-12-31T23:59:59Z' })],
      [
        '/api/alerts/alertmanager',
        webhook({ startsAt: new Date().toISOString(), labels: { alertname: 'W', ...wide } }),
      ],
    ] as const) {
      const res = await send(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}`);
      assert.equal(typeof ((await res.json()) as { error?: unknown }).error, 'string');
    }
    // A sender's clock a minute ahead is still taken.
    const skewed = await send('/api/alerts', {
      labels: { alertname: 'Skewed' },
      startsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    assert.equal(skewed.status, 202);
    await eventually(async () => {
      const list = (await (await apiFetch(platform, '/api/incidents')).json()) as { incidents: { title: string }[] };
      return list.incidents.length > 0;
    }, 'the skewed alert to open an incident');
    const list = (await (await apiFetch(platform, '/api/incidents?alerts=10')).json()) as {
      incidents: { alerts?: { labels: Record<string, string> }[] }[];
    };
    const names = list.incidents.flatMap((i) => (i.alerts ?? []).map((a) => a.labels.alertname));
    assert.deepEqual(names, ['Skewed'], 'only the plausible alert reached the pipeline');
  });
});
