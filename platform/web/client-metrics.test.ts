/** Browser reports cannot add arbitrary counts: per-report bounds, and a rate per address and in total. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { webMetrics } from './client-metrics.ts';

const report = (resumed: number) => ({
  sessions: { new: 0, resumed, replaced: 0 },
  problems: { server: 0, unreadable: 0, gap: 0, watchdog: 0 },
  lagMs: [],
});

describe('client metrics bounds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-metrics-'));
  let platform: RunningPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [
      {
        name: 'client-metrics',
        start(ctx) {
          webMetrics(ctx.metrics, { perAddress: 3, total: 100 }).mount(ctx.api);
          return Promise.resolve();
        },
        stop: () => Promise.resolve(),
      },
    ]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    apiFetch(platform, '/api/web/client-metrics', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const resumed = async (): Promise<string | undefined> => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    return /insitechart_web_client_sessions_total\{kind="resumed"\} (\d+)/.exec(text)?.[1];
  };

  it('refuses a count no browser can reach in one report with 400, counting nothing', async () => {
    const res = await post(report(100_000));
    assert.equal(res.status, 400);
    assert.equal(await resumed(), undefined);
  });

  it('counts at most the per-address rate of reports; the rest get 429 and add nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(report(30))).status);
    assert.deepEqual(statuses, [204, 204, 204, 429, 429, 429, 429, 429, 429, 429]);
    assert.equal(await resumed(), '90');
  });
});
