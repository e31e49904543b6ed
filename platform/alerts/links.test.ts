import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../config/config.ts';
import type { RunningPlatform } from '../runtime/platform.ts';
import { apiFetch } from '../testing/api-client.ts';
import { startTestPlatform } from '../testing/platform.ts';
import { alertsConfigSchema } from './config/schema.ts';
import { GRAFANA_SERVICE_DASHBOARD, linkSettings } from './links.ts';
import { alertsService } from './service.ts';
import { Enricher } from './stages/enrich.ts';

const input = { route: { receiver: 'r' }, receivers: [{ name: 'r' }] };
const config = alertsConfigSchema.parse(input);
const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  fingerprint: 'f',
  labels,
  annotations,
  status: 'firing' as const,
  startsAt: 0,
  source: 'test',
  traceIds: [],
});

describe('links the alert pipeline sends', () => {
  it('are built on PUBLIC_URL, else on this process own port, never a fixed localhost:8080', () => {
    assert.equal(linkSettings(config, {}, 9123).publicUrl, 'http://localhost:9123');
    assert.equal(
      linkSettings(config, { PUBLIC_URL: 'https://charts.example/app/' }, 9123).publicUrl,
      'https://charts.example/app',
    );
    const explicit = alertsConfigSchema.parse({ ...input, public_url: 'https://ops.example' });
    assert.equal(linkSettings(explicit, { PUBLIC_URL: 'https://charts.example' }, 1).publicUrl, 'https://ops.example');
    assert.throws(
      () => linkSettings(config, { PUBLIC_URL: 'ftp://x' }, 1),
      (e: unknown) => e instanceof ConfigError && /PUBLIC_URL/.test(e.message),
    );
  });

  it('link a dashboard only where one exists: Grafana when GRAFANA_URL is set, else none', () => {
    assert.equal(linkSettings(config, {}, 8080).dashboardUrl, undefined);
    const grafana = linkSettings(config, { GRAFANA_URL: 'https://grafana.example/' }, 8080);
    assert.equal(grafana.dashboardUrl, `https://grafana.example${GRAFANA_SERVICE_DASHBOARD}`);
    const enricher = new Enricher({ ...grafana, runbooks: new Set(), remediationWindowMs: 60_000 });
    assert.equal(
      enricher.enrich(alert({ alertname: 'X', service: 'market data' }), 0).dashboardUrl,
      'https://grafana.example/d/insitechart-overview/?var-service=market%20data',
    );
    const none = new Enricher({ ...linkSettings(config, {}, 8080), runbooks: new Set(), remediationWindowMs: 1 });
    assert.equal(none.enrich(alert({ alertname: 'X', service: 'web' }), 0).dashboardUrl, undefined);
  });

  it('make runbook links absolute on the public URL, from the slug or a rule runbook_url path', () => {
    const settings = linkSettings(config, { PUBLIC_URL: 'https://charts.example' }, 8080);
    const enricher = new Enricher({ ...settings, runbooks: new Set(['instance-down']), remediationWindowMs: 1 });
    assert.equal(
      enricher.enrich(alert({ alertname: 'InstanceDown' }), 0).runbookUrl,
      'https://charts.example/runbooks/instance-down.md',
    );
    const fromRule = alert({ alertname: 'Other' }, { runbook_url: '/runbooks/dead-letter-growth.md' });
    assert.equal(enricher.enrich(fromRule, 0).runbookUrl, 'https://charts.example/runbooks/dead-letter-growth.md');
    const elsewhere = alert({ alertname: 'Other' }, { runbook_url: 'https://wiki.example/rb' });
    assert.equal(enricher.enrich(elsewhere, 0).runbookUrl, 'https://wiki.example/rb');
    assert.equal(enricher.enrich(alert({ alertname: 'NoRunbook' }), 0).runbookUrl, undefined);
  });
});

describe('a platform alert through the running alerts service', () => {
  let dir = '';
  let platform: RunningPlatform;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-links-'));
    platform = await startTestPlatform(dir, [
      alertsService({
        config: { ...input, public_url: 'https://charts.example', route: { receiver: 'r', group_wait: '0s' } },
      }),
    ]);
  });
  after(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries a runbook link on the public URL whose path the platform serves, and no dead dashboard link', async () => {
    const posted = await apiFetch(platform, '/api/alerts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        labels: { alertname: 'DeadLetterGrowth', service: 'backbone' },
        annotations: { runbook_url: '/runbooks/dead-letter-growth.md' },
      }),
    });
    assert.equal(posted.status, 202);
    let alerts: { runbookUrl: string | null; dashboardUrl: string | null }[] = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      const body = (await (await apiFetch(platform, '/api/incidents')).json()) as {
        incidents: { alerts?: typeof alerts }[];
      };
      alerts = body.incidents.flatMap((inc) => inc.alerts ?? []);
      if (alerts.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    const runbook = alerts[0]?.runbookUrl ?? '';
    assert.equal(runbook, 'https://charts.example/runbooks/dead-letter-growth.md');
    assert.equal(alerts[0]?.dashboardUrl, null);
    const served = await apiFetch(platform, new URL(runbook).pathname);
    assert.equal(served.status, 200);
    assert.match(await served.text(), /^# DeadLetterGrowth/);
  });
});
