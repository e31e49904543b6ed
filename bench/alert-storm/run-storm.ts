/**
 * One storm through a running embedded platform: Alertmanager v4 webhooks over HTTP at a scheduled rate,
 * the backbone, the pipeline and the outbox to a loopback receiver; incidents read back from
 * `GET /api/incidents`. The platform gets the alerts and nothing else of the generator.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../../platform/config/config.ts';
import type { AlertsConfigInput } from '../../platform/alerts/config/schema.ts';
import { alertsService } from '../../platform/alerts/service.ts';
import { loadOtlpConfig } from '../../collectors/otlp/config.ts';
import { otlpReceiverService } from '../../collectors/otlp/service.ts';
import { loopbackAllowed } from '../../platform/net/config.ts';
import { startPlatform } from '../../platform/runtime/platform.ts';
import { lockDataDir } from '../../platform/storage/data-dir-lock.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { credentialsFor } from '../../platform/testing/credentials.ts';
import { loadIdentitySettings } from '../../platform/identity/settings.ts';
import { percentile } from '../support/stats.ts';
import { startReceiver } from './receiver.ts';
import { score, type Scores } from './score.ts';
import type { Storm } from './storms/storm.ts';
import { otlpRequests } from './storms/traces.ts';

export interface StormRun extends Scores {
  readonly sent: number;
  readonly notifyP50Ms: number;
  readonly notifyP99Ms: number;
  readonly ratePerMin: number;
}

interface ListedIncident {
  readonly id: string;
  readonly alertCount: number;
  readonly alerts: readonly { readonly fingerprint: string }[];
}

const amFingerprint = (labels: Record<string, string>): string =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(labels).sort()))
    .digest('hex')
    .slice(0, 16);

export async function runStorm(
  storm: Storm,
  correlation: AlertsConfigInput['correlation'],
  ratePerMin: number,
): Promise<StormRun> {
  const dir = await mkdtemp(join(tmpdir(), 'alert-storm-'));
  // Taken as platform/main.ts takes it: nothing else may write this platform's SQLite files.
  const lock = lockDataDir(dir);
  const receiver = await startReceiver();
  const running = await startPlatform({
    identity: loadIdentitySettings({ RATE_LIMIT_PER_MINUTE: '10000000' }),
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    logger: createLogger({ service: 'bench', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 4, source: 'bench' }),
    services: [
      // The platform's own trace receiver: the correlator's only view of who calls whom.
      otlpReceiverService({ config: loadOtlpConfig({ OTLP_WINDOW_MS: '500' }) }),
      alertsService({
        outbound: loopbackAllowed(),
        config: {
          route: { receiver: 'oncall', group_wait: '0s', group_interval: '5s', repeat_interval: '4h' },
          receivers: [{ name: 'oncall', targets: [{ type: 'webhook', url: receiver.url }] }],
          correlation,
          channels: { retry: { attempts: 3, initial_backoff: '100ms', max_backoff: '1s' } },
        },
      }),
    ],
  });
  const platform = Object.assign(running, { credentials: credentialsFor(running.identity) });
  try {
    // Event times as they happened: the storm's span ends now; sends are paced at the requested rate. The
    // spans go first (those sent during the storm carry their own times): the platform files them by time.
    const t0 = Date.now() - storm.spanMs;
    await sendTraces(platform, storm, t0);
    const iso = (ms: number): string => new Date(t0 + ms).toISOString();
    const causeOf = new Map<string, string>();
    const batch = 20;
    const intervalMs = (batch / ratePerMin) * 60_000;
    const started = Date.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < storm.alerts.length; i += batch) {
      const wait = started + (i / batch) * intervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const alerts = storm.alerts.slice(i, i + batch).map((a) => {
        const fingerprint = amFingerprint(a.labels);
        causeOf.set(`am:${fingerprint}`, a.cause);
        return {
          status: a.status,
          labels: a.labels,
          annotations: {},
          startsAt: iso(a.startsAt),
          ...(a.status === 'resolved' ? { endsAt: iso(a.at) } : {}),
          generatorURL: '',
          fingerprint,
        };
      });
      const payload = {
        version: '4',
        groupKey: `{}:{batch="${String(i)}"}`,
        truncatedAlerts: 0,
        status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
        receiver: 'insitechart',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager.invalid',
        alerts,
      };
      inflight.push(deliver(platform, JSON.stringify(payload)));
    }
    await Promise.all(inflight);
    const seconds = (Date.now() - started) / 1000;
    await drained(platform, 'alerts-pipeline');
    await new Promise((r) => setTimeout(r, 1_000));
    const placed = await listIncidents(platform);
    const firstPage = new Map<string, number>();
    for (const p of receiver.pages)
      if (p.kind === 'page' && p.acceptedAt !== undefined && !firstPage.has(p.incidentId))
        firstPage.set(p.incidentId, p.receivedAt - p.acceptedAt);
    const latencies = [...firstPage.values()];
    const scores = score([...causeOf].map(([fp, cause]) => ({ cause, incident: placed.get(fp) })));
    return {
      ...scores,
      sent: storm.alerts.length,
      notifyP50Ms: percentile([...latencies], 50),
      notifyP99Ms: percentile([...latencies], 99),
      ratePerMin: Math.round(storm.alerts.length / (seconds / 60)),
    };
  } finally {
    await platform.stop();
    await receiver.close();
    lock.release();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One webhook, retried on a network error as Alertmanager retries (ingest is idempotent per fingerprint). */
async function deliver(platform: { url: string }, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await apiFetch(platform, '/api/alerts/alertmanager', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (r.status !== 202) throw new Error(`ingest answered ${String(r.status)}: ${await r.text()}`);
      return;
    } catch (error) {
      if (attempt >= 5 || !(error instanceof TypeError)) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** The services' traces as OTLP/JSON; waits until the alerts service has the graph and the failed requests. */
async function sendTraces(
  platform: Awaited<ReturnType<typeof startPlatform>> & { url: string },
  storm: Storm,
  t0: number,
) {
  for (const request of otlpRequests(storm.traces, t0)) {
    const r = await apiFetch(platform, '/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (r.status !== 200) throw new Error(`OTLP answered ${String(r.status)}: ${await r.text()}`);
  }
  // Three collector windows (a trace is counted once quiet for one), then until the alerts service has it.
  await new Promise((r) => setTimeout(r, 1_500));
  await drained(platform, 'alerts-service-graph');
}

/** Resolves once the consumer group has no lag left. */
async function drained(platform: { bus: { lag(): Promise<{ group: string; lag: number }[]> } }, group: string) {
  for (;;) {
    const lag = (await platform.bus.lag()).filter((l) => l.group === group).reduce((s, l) => s + l.lag, 0);
    if (lag === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** fingerprint -> the incident it is listed in (the first, if an alert flapped into several). */
async function listIncidents(platform: { url: string }): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  for (let offset = 0; ; offset += 500) {
    const r = await apiFetch(platform, `/api/incidents?limit=500&alerts=1000&offset=${String(offset)}`);
    if (r.status !== 200) throw new Error(`GET /api/incidents answered ${String(r.status)}`);
    const { incidents } = (await r.json()) as { incidents: ListedIncident[] };
    for (const i of incidents) {
      if (i.alertCount > i.alerts.length) throw new Error(`incident ${i.id} lists ${String(i.alerts.length)} alerts`);
      for (const a of i.alerts) if (!placed.has(a.fingerprint)) placed.set(a.fingerprint, i.id);
    }
    if (incidents.length < 500) return placed;
  }
}
