import { loopbackAllowed } from '../net/config.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { captureServer } from './notify/capture-server.ts';
import { alertsService } from './service.ts';
import { apiFetch, type ApiTarget } from '../testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

describe('alerts service across a restart', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof captureServer>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alerts-restart-'));
    receiver = await captureServer();
  });
  after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (): Promise<TestPlatform> =>
    startTestPlatform(dir, [
      alertsService({
        config: {
          route: { receiver: 'ops', group_wait: '0s', group_interval: '1h' },
          receivers: [{ name: 'ops', escalation_policy: 'p' }],
          users: [{ id: 'alice', name: 'Alice', contacts: [{ type: 'webhook', url: `${receiver.url}/alice` }] }],
          escalation_policies: [{ id: 'p', name: 'P', steps: [{ timeout: '1h', targets: [{ user: 'alice' }] }] }],
        },
        outbound: loopbackAllowed(),
      }),
    ]);
  const post = async (platform: ApiTarget): Promise<void> => {
    const r = await apiFetch(platform, '/api/alerts', {
      as: 'ingest',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: { alertname: 'QueueStuck', service: 'worker', severity: 'critical' } }),
    });
    assert.equal(r.status, 202);
  };

  it('restores open incidents and pages nobody twice', async () => {
    const first = await start();
    await post(first);
    await waitFor(() => receiver.requests.length === 1, 10_000, 'the page');
    await first.stop();

    const second = await start();
    try {
      await post(second);
      await new Promise((r) => setTimeout(r, 500));
      const list = (await (await apiFetch(second, '/api/incidents', { as: 'viewer' })).json()) as {
        incidents: { id: string; status: string; assignee: string; alertCount: number }[];
      };
      assert.equal(list.incidents.length, 1, 'the same incident, restored');
      assert.deepEqual(
        [list.incidents[0]?.status, list.incidents[0]?.assignee, list.incidents[0]?.alertCount],
        ['triggered', 'alice', 1],
      );
      assert.equal(receiver.requests.length, 1, 'no second page for the same step');
      const resolved = await apiFetch(second, `/api/incidents/${list.incidents[0]?.id ?? ''}/resolve`, {
        as: 'oncall',
        method: 'POST',
      });
      assert.equal(resolved.status, 200);
      await waitFor(() => receiver.requests.length === 2, 10_000, 'the resolved notification');
      assert.equal((receiver.requests[1]?.json() as { kind: string }).kind, 'resolved');
    } finally {
      await second.stop();
    }
  });
});
