import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../backbone/conformance/bus-conformance.ts';
import { freePort, peerSkipReason } from '../testing/peers.ts';
import type { AlertsConfigInput } from './config/schema.ts';
import { alertsService } from './service.ts';
import { apiFetch } from '../testing/api-client.ts';
import { loopbackAllowed } from '../net/config.ts';
import { startTestPlatform, type TestPlatform } from '../testing/platform.ts';

const binary = '/usr/bin/prometheus-alertmanager';
const skip = peerSkipReason(binary, 'prometheus-alertmanager');

interface Received {
  readonly path: string;
  readonly key: string;
  readonly body: {
    kind: string;
    incidentId: string;
    recipient?: { id: string };
    alerts: { labels: Record<string, string> }[];
  };
}

describe('a real Alertmanager sends its webhook to the platform', { skip: skip ?? false }, () => {
  let dir: string;
  let am: ChildProcess | undefined;
  let amUrl: string;
  let amLog = '';
  let platform: TestPlatform;
  let receiver: Server;
  const received: Received[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'am-e2e-'));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          key: String(req.headers['idempotency-key']),
          body: JSON.parse(body) as Received['body'],
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = (who: string) => [
      { type: 'webhook' as const, url: `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/${who}` },
    ];
    const now = Date.now();
    const alertsConfig: AlertsConfigInput = {
      route: {
        receiver: 'web-team',
        group_wait: '100ms',
        group_interval: '1s',
        routes: [{ matchers: ['service=~"db|postgres"'], receiver: 'db-team' }],
      },
      receivers: [
        { name: 'web-team', escalation_policy: 'web' },
        { name: 'db-team', escalation_policy: 'db', targets: hook('db-channel') },
      ],
      users: ['alice', 'bob', 'carol', 'walt'].map((id) => ({ id, name: id, contacts: hook(id) })),
      schedules: [
        {
          id: 'db-primary',
          name: 'DB primary',
          time_zone: 'Europe/Berlin',
          layers: [{ users: ['alice', 'bob'], rotation: { length: 1, unit: 'weeks' }, start: '2026-01-05T09:00' }],
          overrides: [
            {
              user: 'carol',
              start: new Date(now - 3_600_000).toISOString(),
              end: new Date(now + 3_600_000).toISOString(),
            },
          ],
        },
        {
          id: 'web-primary',
          name: 'Web',
          time_zone: 'UTC',
          layers: [{ users: ['walt'], rotation: { length: 1, unit: 'weeks' }, start: '2026-01-05T09:00' }],
        },
      ],
      escalation_policies: [
        { id: 'db', name: 'DB', steps: [{ timeout: '10m', targets: [{ schedule: 'db-primary' }] }] },
        { id: 'web', name: 'Web', steps: [{ timeout: '10m', targets: [{ schedule: 'web-primary' }] }] },
      ],
    };
    platform = await startTestPlatform(join(dir, 'data'), [
      alertsService({ config: alertsConfig, outbound: loopbackAllowed() }),
    ]);

    const port = await freePort();
    amUrl = `http://127.0.0.1:${String(port)}`;
    const amConfig = join(dir, 'alertmanager.yml');
    await writeFile(
      amConfig,
      [
        'route:',
        '  receiver: platform',
        '  group_by: [alertname]',
        '  group_wait: 100ms',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: platform',
        '    webhook_configs:',
        `      - url: ${platform.url}/api/alerts/alertmanager`,
        '        send_resolved: true',
        // Alertmanager presents an API token with the ingest role, as an operator configures it.
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        `            credentials: ${platform.identity.tokens.create('alertmanager', 'ingest').secret}`,
        '',
      ].join('\n'),
    );
    am = spawn(
      binary,
      [
        `--config.file=${amConfig}`,
        `--storage.path=${join(dir, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.stdout?.on('data', (c: Buffer) => {
      amLog += c.toString();
    });
    am.stderr?.on('data', (c: Buffer) => {
      amLog += c.toString();
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`${amUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || am.exitCode !== null)
        throw new Error(`Alertmanager did not become ready:\n${amLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    am?.kill('SIGTERM');
    await platform.stop();
    await new Promise((r) => receiver.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const post = async (alerts: unknown[]): Promise<void> => {
    const r = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    assert.equal(r.status, 200, await r.text());
  };
  const labels = { alertname: 'PostgresDown', service: 'db', severity: 'critical', cluster: 'eu' };

  it('becomes an incident paged to the on-call person of the matching route, with the team channel', async () => {
    await post([
      {
        labels,
        annotations: { summary: 'primary is down' },
        startsAt: new Date().toISOString(),
        generatorURL: 'http://prometheus/graph',
      },
    ]);
    await waitFor(
      () => received.some((r) => r.path === '/carol'),
      15_000,
      `a page for carol (Alertmanager log:\n${amLog})`,
    );
    await waitFor(() => received.some((r) => r.path === '/db-channel'), 5_000, 'the team channel');
    const page = received.find((r) => r.path === '/carol')!;
    assert.equal(page.body.kind, 'page');
    assert.equal(page.body.alerts[0]?.labels.alertname, 'PostgresDown');
    assert.equal(
      received.filter((r) => ['/alice', '/bob', '/walt'].includes(r.path)).length,
      0,
      'nobody else is paged',
    );

    const list = (await (await apiFetch(platform, '/api/incidents', { as: 'viewer' })).json()) as {
      incidents: {
        id: string;
        status: string;
        severity: string;
        assignee: string;
        alerts: { labels: Record<string, string> }[];
      }[];
    };
    assert.equal(list.incidents.length, 1);
    const incident = list.incidents[0]!;
    assert.equal(incident.status, 'triggered');
    assert.equal(incident.severity, 'critical');
    assert.equal(incident.assignee, 'carol');
    assert.deepEqual(incident.alerts[0]?.labels, labels);
    assert.equal(page.body.incidentId, incident.id);
  });

  it('resolves the incident when Alertmanager sends the alert resolved', async () => {
    await post([
      {
        labels,
        annotations: { summary: 'primary is down' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date().toISOString(),
      },
    ]);
    await waitFor(
      () => received.some((r) => r.body.kind === 'resolved' && r.path === '/carol'),
      15_000,
      `the resolved notification (Alertmanager log:\n${amLog})`,
    );
    const list = (await (await apiFetch(platform, '/api/incidents', { as: 'viewer' })).json()) as {
      incidents: { status: string }[];
    };
    assert.equal(list.incidents[0]?.status, 'resolved');
    assert.equal(new Set(received.map((r) => r.key)).size, received.length, 'no notification delivered twice');
  });
});
