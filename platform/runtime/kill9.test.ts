import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { openSqlite } from '../storage/sqlite.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startEntrypoint, waitForOutput, type Started } from '../testing/process.ts';

/**
 * kill -9 of the platform (a real process) under mixed load: simulated and posted ticks, alerts opening
 * incidents, pages to a loopback webhook. After a restart on the same DATA_DIR every acknowledged tick
 * and alert is there, every incident was paged under one idempotency key, and no key was accepted twice
 * except sends in flight at the kill (the receiver drops those by key, as PagerDuty does).
 */
describe('kill -9 under mixed load, then restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kill9-'));
  const received: { key: string; at: number }[] = [];
  const accepted = new Set<string>();
  let receiver: Server;

  before(async () => {
    receiver = createServer((req, res) => {
      const key = String(req.headers['idempotency-key']);
      received.push({ key, at: Date.now() });
      req.resume();
      req.on('end', () => {
        // A little latency so that some sends are in flight when the process is killed.
        setTimeout(() => {
          accepted.add(key);
          res.end('ok');
        }, 20);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/page`;
    writeFileSync(
      join(dir, 'alerts.json'),
      JSON.stringify({
        route: { receiver: 'team', group_wait: '0s', group_interval: '1s' },
        receivers: [{ name: 'team', targets: [{ type: 'webhook', url }] }],
        // Every test alert is its own incident: a page per incident, one key each.
        correlation: { equal: ['case'] },
      }),
    );
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (): Started =>
    startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
      ALERTS_CONFIG: join(dir, 'alerts.json'),
      SERVICES: 'market-feed,market-data,alerts',
      MARKET_TICK_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
      // The outbound guard refuses loopback destinations unless allowed.
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    });

  it('keeps every acknowledged event and alert and pages each incident once', async () => {
    const first = start();
    const [, url] = await waitForOutput(first, /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//, 60_000);
    const target = { url: url ?? '' };
    const ackedTicks: string[] = [];
    const ackedAlerts: string[] = [];
    const run = { killed: false };
    const load = (async () => {
      for (let i = 0; !run.killed; i++) {
        try {
          const ticks = Array.from({ length: 10 }, (_, j) => ({
            symbol: 'KILL',
            price: 100 + j,
            size: 1,
            ts: Date.now(),
          }));
          const t = await apiFetch(target, '/api/market/ticks', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ticks }),
          });
          if (t.status === 202) ackedTicks.push(...((await t.json()) as { ids: string[] }).ids);
          const a = await apiFetch(target, '/api/alerts', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              labels: { alertname: `Crash${String(i)}`, service: `svc${String(i)}`, case: String(i) },
            }),
          });
          if (a.status === 202) ackedAlerts.push(...((await a.json()) as { fingerprints: string[] }).fingerprints);
        } catch {
          // Refused or reset by the kill: not acknowledged, so not expected afterwards.
        }
      }
    })();
    await waitFor(() => ackedAlerts.length >= 40 && accepted.size >= 5, 60_000, 'load under way with pages sent');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    run.killed = true;
    await first.exited;
    await load;
    assert.doesNotMatch(first.output(), /"level":60|fatal/, 'the first process did not die on its own');

    const second = start();
    await waitForOutput(second, /InsiteChart is up at/, 60_000);
    await waitFor(() => accepted.size >= ackedAlerts.length, 60_000, 'every acknowledged alert paged');
    await new Promise((r) => setTimeout(r, 1_500));
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, `a clean drain after the restart:\n${second.output()}`);
    assert.doesNotMatch(second.output(), /"level":60|fatal/);

    const backbone = openSqlite(join(dir, 'data', 'backbone.db'), { synchronous: 'NORMAL' });
    const stored = new Set(
      (
        backbone.prepare(`SELECT envelope FROM events WHERE topic = 'market.ticks'`).all() as { envelope: string }[]
      ).map((r) => (JSON.parse(r.envelope) as { id: string }).id),
    );
    backbone.close();
    const lostTicks = ackedTicks.filter((id) => !stored.has(id));
    assert.deepEqual(lostTicks, [], `every acknowledged tick is in the log (${String(ackedTicks.length)})`);

    const alerts = openSqlite(join(dir, 'data', 'alerts', 'alerts.db'), { synchronous: 'NORMAL' });
    const fingerprints = new Set(
      (alerts.prepare('SELECT fingerprint FROM incident_alerts').all() as { fingerprint: string }[]).map(
        (r) => r.fingerprint,
      ),
    );
    alerts.close();
    const lostAlerts = ackedAlerts.filter((fp) => !fingerprints.has(fp));
    assert.deepEqual(lostAlerts, [], `every acknowledged alert is in an incident (${String(ackedAlerts.length)})`);

    const pageKeys = new Map<string, Set<string>>();
    for (const { key } of received) {
      const incident = key.split(':')[0] ?? '';
      pageKeys.set(incident, (pageKeys.get(incident) ?? new Set()).add(key));
    }
    for (const [incident, keys] of pageKeys) assert.equal(keys.size, 1, `${incident} paged under one key`);
    assert.ok(pageKeys.size >= ackedAlerts.length);

    const firstSeen = new Map<string, number>();
    const repeated: string[] = [];
    for (const { key, at } of received) {
      if (firstSeen.has(key)) repeated.push(key);
      else firstSeen.set(key, at);
    }
    for (const key of repeated)
      assert.ok((firstSeen.get(key) ?? 0) <= killedAt, `${key} repeated although first sent after the restart`);
    assert.ok(repeated.length <= 16, `only sends in flight at the kill repeat (got ${String(repeated.length)})`);
  });
});
