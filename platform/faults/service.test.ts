import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { marketFeedService } from '../../collectors/market/feed-service.ts';
import { analyticsService } from '../analytics/service.ts';
import { marketDataService } from '../market-data/service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { eventually } from '../testing/eventually.ts';
import { NO_HISTORY, startTestPlatform, type TestPlatform } from '../testing/platform.ts';
import { PlatformControls } from '../runtime/controls.ts';
import { RuntimeSettings } from '../runtime/runtime-settings.ts';
import { limits, type ActiveFault } from './kinds.ts';
import { faultService } from './service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = { 'content-type': 'application/json' };

describe('fault injector on a running platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-service-'));
  let platform: TestPlatform;
  let ticks = 0;
  const controls = new PlatformControls(new RuntimeSettings());

  before(async () => {
    platform = await startTestPlatform(
      dir,
      [faultService(), marketFeedService({ controls }), marketDataService(), analyticsService()],
      {},
      0,
      NO_HISTORY,
    );
    await platform.bus.subscribe({
      group: 'faults-test',
      topic: 'market.ticks',
      handler: () => {
        ticks += 1;
      },
    });
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const inject = async (body: unknown): Promise<ActiveFault> => {
    const res = await apiFetch(platform, '/api/faults', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
      as: 'sre',
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as ActiveFault;
  };
  const clear = async (id: string): Promise<void> => {
    const res = await apiFetch(platform, `/api/faults/${id}`, { method: 'DELETE', as: 'sre' });
    assert.equal(res.status, 200);
  };
  const listed = async (): Promise<ActiveFault[]> =>
    ((await (await apiFetch(platform, '/api/faults', { as: 'viewer' })).json()) as { faults: ActiveFault[] }).faults;
  const timed = async (path: string): Promise<{ status: number; ms: number }> => {
    const started = performance.now();
    const res = await apiFetch(platform, path, { as: 'viewer' });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  it('refuses hostile input with a 4xx and a JSON message, and changes nothing', async () => {
    const bodies = [
      'not json',
      JSON.stringify({ kind: 'rm -rf' }),
      JSON.stringify({ kind: 'latency', service: '../../etc' }),
      JSON.stringify({ kind: 'latency', duration: '999999m' }),
      JSON.stringify({ kind: 'latency', duration: -5 }),
      JSON.stringify({ kind: 'latency', intensity: -1 }),
      JSON.stringify({ kind: 'memory-leak', maxBytes: 1e15 }),
      JSON.stringify({ kind: 'disk-fill', intensity: 'lots' }),
      JSON.stringify({ kind: 'latency', __proto__: { polluted: true }, extra: 1 }),
      JSON.stringify([{ kind: 'latency' }]),
    ];
    for (const body of bodies) {
      const res = await apiFetch(platform, '/api/faults', { method: 'POST', headers: json, body, as: 'sre' });
      assert.equal(res.status, 400, body);
      assert.equal(typeof ((await res.json()) as { error: unknown }).error, 'string');
    }
    const forbidden = await apiFetch(platform, '/api/faults', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ kind: 'latency' }),
      as: 'oncall',
    });
    assert.equal(forbidden.status, 403);
    const anonymous = await apiFetch(platform, '/api/faults', { method: 'DELETE', as: 'anonymous' });
    assert.equal(anonymous.status, 401);
    assert.equal((await apiFetch(platform, '/api/faults/..%2f..', { method: 'DELETE', as: 'sre' })).status, 400);
    const unknown = await apiFetch(platform, `/api/faults/${crypto.randomUUID()}`, { method: 'DELETE', as: 'sre' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await listed(), []);
  });

  it('bounds the active faults (409 beyond) and clears them all', async () => {
    for (let i = 0; i < limits.maxActive; i += 1) await inject({ kind: 'latency', service: 'detectors', intensity: 1 });
    const res = await apiFetch(platform, '/api/faults', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ kind: 'latency' }),
      as: 'sre',
    });
    assert.equal(res.status, 409);
    const cleared = await apiFetch(platform, '/api/faults', { method: 'DELETE', as: 'sre' });
    assert.equal(((await cleared.json()) as { cleared: string[] }).cleared.length, limits.maxActive);
    assert.deepEqual(await listed(), []);
  });

  it('latency slows the target service until cleared', async () => {
    const fault = await inject({ kind: 'latency', service: 'market-data', intensity: 400, duration: '30s' });
    const slow = await timed('/api/quotes');
    assert.equal(slow.status, 200);
    assert.ok(slow.ms >= 400, `slowed: ${String(slow.ms)} ms`);
    await clear(fault.id);
    assert.ok((await timed('/api/quotes')).ms < 400);
  });

  it('an error rate of 1 and a bad deploy fail every request until cleared', async () => {
    const errors = await inject({ kind: 'error-rate', service: 'market-data', intensity: 1 });
    assert.equal((await timed('/api/quotes')).status, 503);
    const metrics = await (await apiFetch(platform, '/metrics')).text();
    assert.match(
      metrics,
      /route="\/api\/quotes",status_code="503"/,
      "the failure is the route's, as telemetry sees it",
    );
    await clear(errors.id);
    // A service that mounts a router of its own: its failures are labelled with its route too.
    const analytics = await inject({ kind: 'error-rate', service: 'analytics', intensity: 1 });
    assert.equal((await timed('/api/analytics/symbols')).status, 503);
    const labelled = await (await apiFetch(platform, '/metrics')).text();
    assert.match(labelled, /route="\/api\/analytics\/symbols",status_code="503"/);
    await clear(analytics.id);
    const deploy = await inject({ kind: 'bad-deploy', service: 'market-data' });
    const broken = await apiFetch(platform, '/api/quotes', { as: 'viewer' });
    assert.equal(broken.status, 500);
    assert.match(((await broken.json()) as { error: string }).error, /configuration v2 of market-data/);
    await clear(deploy.id);
    assert.equal((await timed('/api/quotes')).status, 200);
  });

  it('a feed stall stops the ticks until cleared', async () => {
    const fault = await inject({ kind: 'feed-stall' });
    await sleep(400);
    const during = ticks;
    await sleep(1_200);
    assert.equal(ticks, during, 'no tick while the feed is stalled');
    await clear(fault.id);
    await eventually(() => ticks > during, 'ticks again after clearing', 5_000);
  });

  it('a restart of the feed (the remediation control port) cures a stall: the new run is not hung', async () => {
    const fault = await inject({ kind: 'feed-stall' });
    await sleep(400);
    const during = ticks;
    await sleep(800);
    assert.equal(ticks, during);
    await controls.feeds.get('market-feed')?.restart();
    await eventually(() => ticks > during, 'ticks again after the restart', 5_000);
    assert.equal((await listed()).length, 1, 'the fault itself is still listed until it expires');
    await clear(fault.id);
  });

  it('consumer lag builds a real backlog for the slowed group, and it drains once cleared', async () => {
    const lag = async (): Promise<number> => {
      const text = await (await apiFetch(platform, '/metrics')).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith('insitechart_bus_consumer_lag_events{group="market-data"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    };
    const fault = await inject({ kind: 'consumer-lag', service: 'market-data', intensity: 500 });
    let during = 0;
    await eventually(
      async () => (during = await lag()) > 10,
      'a backlog of more than 10 events for the slowed group',
      10_000,
      100,
    );
    await clear(fault.id);
    await eventually(async () => (await lag()) < during / 2, 'the backlog to drain after clearing', 10_000, 100);
  });
});
