import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningPlatform } from '../../runtime/platform.ts';
import { apiFetch } from '../../testing/api-client.ts';
import { startTestPlatform } from '../../testing/platform.ts';
import { alertsService } from '../service.ts';

interface Listed {
  id: string;
  status: string;
  alerts: {
    fingerprint: string;
    status: string;
    labels: Record<string, string>;
    suppressedBy: string | null;
    correlation: { kind: string; shared: { label: string; value: string }[] } | null;
  }[];
}

describe('incidents: correlation, nothing missing, merge and split', () => {
  let dir: string;
  let platform: RunningPlatform;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alerts-correlation-'));
    platform = await startTestPlatform(dir, [
      alertsService({
        config: {
          route: { receiver: 'team', group_wait: '0s' },
          receivers: [{ name: 'team' }],
          inhibit_rules: [{ source_matchers: ['alertname="PostgresDown"'], target_matchers: ['severity="info"'] }],
        },
      }),
    ]);
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await apiFetch(platform, `/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const list = async (): Promise<Listed[]> =>
    ((await (await apiFetch(platform, '/api/incidents?limit=500&alerts=1000')).json()) as { incidents: Listed[] })
      .incidents;
  const until = async (done: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  interface Sent {
    labels: Record<string, string>;
    status?: string;
    at: number;
  }
  const webhook = (alerts: readonly Sent[]): unknown => ({
    version: '4',
    groupKey: '{}:{}',
    status: 'firing',
    receiver: 'insitechart',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am.invalid',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: {},
      startsAt: new Date(Date.now() - 600_000 + a.at * 1000).toISOString(),
      fingerprint: `fp${String(a.at)}x${String(i)}`,
    })),
  });
  const incidentOf = (incidents: Listed[], fp: string): Listed | undefined =>
    incidents.find((i) => i.alerts.some((a) => a.fingerprint === `am:${fp}`));

  it('groups by what alerts name, says why, and lists every accepted alert with its state', async () => {
    const noise: Sent[] = Array.from({ length: 30 }, (_, i) => ({
      labels: { alertname: `Misc${String(i % 5)}`, cluster: 'eu', service: `s${String(i)}`, node: `n${String(i % 8)}` },
      at: i,
    }));
    assert.equal((await post('/alerts/alertmanager', webhook(noise))).status, 202);
    const storm: Sent[] = [
      { labels: { alertname: 'PostgresDown', cluster: 'eu', db: 'pg-ledger', severity: 'critical' }, at: 40 },
      { labels: { alertname: 'DBErrors', cluster: 'eu', service: 'ledger', database: 'pg-ledger' }, at: 42 },
      { labels: { alertname: 'PoolFull', cluster: 'eu', db: 'pg-ledger', severity: 'info' }, at: 43 },
      { labels: { alertname: 'CertExpiring', cluster: 'eu', service: 'mail' }, at: 44 },
      { labels: { alertname: 'Gone', cluster: 'eu', service: 'batch' }, status: 'resolved', at: 45 },
    ];
    assert.equal((await post('/alerts/alertmanager', webhook(storm))).status, 202);
    await until(async () => (await list()).reduce((n, i) => n + i.alerts.length, 0) === 35);
    const incidents = await list();
    const db = incidentOf(incidents, 'fp40x0');
    assert.ok(db !== undefined);
    assert.equal(incidentOf(incidents, 'fp42x1')?.id, db.id, 'the client names the same database');
    const joined = db.alerts.find((a) => a.fingerprint === 'am:fp42x1');
    const why = joined?.correlation;
    assert.equal(why?.kind, 'joined');
    assert.ok(
      why.shared.some((s) => s.value === 'pg-ledger'),
      'why: the shared database',
    );
    assert.equal(db.alerts.find((a) => a.fingerprint === 'am:fp43x2')?.suppressedBy, 'inhibited', 'inhibited, listed');
    assert.notEqual(incidentOf(incidents, 'fp44x3')?.id, db.id, 'an unrelated one-off stays alone');
    const resolved = incidentOf(incidents, 'fp45x4');
    assert.equal(resolved?.status, 'resolved', 'a resolve never seen firing is filed, resolved');
  });

  it('merges and splits when an operator says so, and rejects what cannot be done', async () => {
    const before = await list();
    const db = incidentOf(before, 'fp40x0');
    const mail = incidentOf(before, 'fp44x3');
    assert.ok(db !== undefined && mail !== undefined);
    assert.equal((await post(`/incidents/${db.id}/merge`, { from: db.id })).status, 400);
    assert.equal((await post(`/incidents/${db.id}/merge`, { from: 'Not An Id!' })).status, 400);
    assert.equal((await post(`/incidents/${db.id}/split`, { fingerprints: ['am:nope'] })).status, 400);
    assert.equal((await post(`/incidents/${db.id}/merge`, { from: mail.id })).status, 200);
    let after = await list();
    assert.equal(incidentOf(after, 'fp44x3')?.id, db.id, 'merged in');
    assert.equal(after.find((i) => i.id === mail.id)?.status, 'resolved');
    const split = await post(`/incidents/${db.id}/split`, { fingerprints: ['am:fp44x3'] });
    assert.equal(split.status, 200);
    after = await list();
    const moved = incidentOf(after, 'fp44x3');
    assert.equal(moved?.id, split.json.splitTo);
    assert.equal(moved?.alerts[0]?.correlation?.kind, 'moved');
    assert.equal(after.filter((i) => i.alerts.some((a) => a.fingerprint === 'am:fp44x3')).length, 1, 'listed once');
  });
});
