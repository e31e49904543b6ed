import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TopicData } from '../../platform/backbone/topics.ts';
import { faultService } from '../../platform/faults/service.ts';
import { marketDataService } from '../../platform/market-data/service.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../../platform/testing/platform.ts';
import type { CheckStatus } from './service.ts';
import { platformChecksService } from './service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('platform checks service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-service-'));
  let platform: TestPlatform;
  const detections: TopicData<'detections'>[] = [];

  before(async () => {
    platform = await startTestPlatform(dir, [faultService(), marketDataService(), platformChecksService()]);
    await platform.bus.subscribe({
      group: 'checks-test',
      topic: 'detections',
      handler: (d) => {
        detections.push(d.envelope.data);
      },
    });
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const traffic = async (seconds: number): Promise<void> => {
    for (let i = 0; i < seconds * 10; i += 1) {
      await (await apiFetch(platform, '/api/symbols?q=A', { as: 'viewer' })).arrayBuffer();
      await sleep(100);
    }
  };
  const status = async (): Promise<CheckStatus[]> =>
    ((await (await apiFetch(platform, '/api/detectors/checks', { as: 'viewer' })).json()) as { status: CheckStatus[] })
      .status;

  it('publishes one detection when a service starts failing, and clears once it recovers', async () => {
    await traffic(3);
    assert.deepEqual(
      detections.filter((d) => d.detector === 'check'),
      [],
      'quiet while healthy',
    );
    const injected = await apiFetch(platform, '/api/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error-rate', service: 'market-data', intensity: 1 }),
      as: 'sre',
    });
    const { id } = (await injected.json()) as { id: string };
    const at = Date.now();
    await traffic(4);
    const [found, ...more] = detections.filter((d) => d.series.__name__ === 'check_error_ratio');
    assert.ok(found !== undefined);
    assert.equal(more.length, 0, 'published once');
    assert.equal(found.series.service, 'market-data');
    assert.ok(found.ts - at < 4_000, 'within seconds');
    assert.equal((await status()).find((s) => s.check === 'error-ratio')?.firing, true);
    await apiFetch(platform, `/api/faults/${id}`, { method: 'DELETE', as: 'sre' });
    await traffic(7);
    assert.equal((await status()).find((s) => s.check === 'error-ratio')?.firing, false);
  });
});
