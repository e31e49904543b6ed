/**
 * `npm run bench -- alert-storm [--quick] [--alerts N] [--rate PER_MIN] [--seed S]`: replays a labelled storm
 * through the real platform (HTTP ingest -> backbone -> pipeline -> outbox -> webhook at a loopback
 * receiver) and scores the incidents against the ground truth. Baseline, same storm: Alertmanager-style
 * grouping by [alertname, cluster] without correlation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../platform/config/config.ts';
import { fingerprintOf } from '../platform/alerts/fingerprint.ts';
import { alertsService } from '../platform/alerts/service.ts';
import { loadIdentitySettings } from '../platform/identity/settings.ts';
import { startPlatform } from '../platform/runtime/platform.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { startReceiver } from './alert-storm/receiver.ts';
import { score } from './alert-storm/score.ts';
import { generateStorm } from './alert-storm/storm.ts';
import { percentile, round } from './support/stats.ts';

const argsSchema = z.object({
  quick: z.boolean(),
  alerts: z.coerce.number().int().min(100).max(1_000_000),
  rate: z.coerce.number().int().min(600).max(1_000_000),
  seed: z.coerce.number().int().min(0),
});

function parseArgs(args: readonly string[]): z.output<typeof argsSchema> {
  const quick = args.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return argsSchema.parse({
    quick,
    alerts: value('alerts') ?? (quick ? 2_000 : 12_000),
    rate: value('rate') ?? 20_000,
    seed: value('seed') ?? 7,
  });
}

export default async function alertStorm(args: readonly string[]): Promise<Record<string, unknown>> {
  const o = parseArgs(args);
  const storm = generateStorm({ alerts: o.alerts, rootCauses: o.quick ? 4 : 8, noiseShare: 0.05, seed: o.seed });
  const dir = await mkdtemp(join(tmpdir(), 'alert-storm-'));
  const receiver = await startReceiver();
  const platform = await startPlatform({
    identity: loadIdentitySettings({ RATE_LIMIT_PER_MINUTE: '100000000' }),
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    logger: createLogger({ service: 'bench', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 4, source: 'bench' }),
    services: [
      alertsService({
        config: {
          route: { receiver: 'oncall', group_wait: '0s', group_interval: '5s', repeat_interval: '4h' },
          receivers: [{ name: 'oncall', targets: [{ type: 'webhook', url: receiver.url }] }],
          topology: storm.topology,
          correlation: { window: '5m', max_hops: 2, equal: ['cluster'] },
          channels: { retry: { attempts: 3, initial_backoff: '100ms', max_backoff: '1s' } },
        },
      }),
    ],
  });

  const ingestToken = platform.identity.tokens.create('alert-storm', 'ingest', 1).secret;
  // Replay: batches on a fixed schedule at the requested rate; event times compress the 15-minute storm.
  const t0 = Date.now() - storm.spanMs;
  const batch = 20;
  const intervalMs = (batch / o.rate) * 60_000;
  const started = Date.now();
  const causeOf = new Map<string, string>();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < storm.alerts.length; i += batch) {
    const due = started + (i / batch) * intervalMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const alerts = storm.alerts.slice(i, i + batch).map((a) => {
      causeOf.set(fingerprintOf(a.labels), a.cause);
      return {
        labels: a.labels,
        annotations: a.annotations,
        status: a.status,
        startsAt: new Date(t0 + a.at).toISOString(),
      };
    });
    inflight.push(
      fetch(`${platform.url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestToken}` },
        body: JSON.stringify({ source: 'storm', alerts }),
      }).then(async (r) => {
        if (r.status !== 202) throw new Error(`ingest answered ${String(r.status)}: ${await r.text()}`);
      }),
    );
  }
  await Promise.all(inflight);
  const replaySeconds = (Date.now() - started) / 1000;
  // Drained: the pipeline's consumer group has no lag and the outbox is empty.
  for (;;) {
    const lag = (await platform.bus.lag()).filter((l) => l.group === 'alerts-pipeline').reduce((s, l) => s + l.lag, 0);
    if (lag === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const db = new DatabaseSync(join(dir, 'alerts', 'alerts.db'));
  const rows = db.prepare(`SELECT incident_id, fingerprint FROM incident_alerts`).all() as {
    incident_id: string;
    fingerprint: string;
  }[];
  const incidents = (db.prepare(`SELECT COUNT(*) AS n FROM incidents`).get() as { n: number }).n;
  db.close();
  await platform.stop();
  await receiver.close();
  await rm(dir, { recursive: true, force: true });

  // Latency of each incident's first page: accepted alert -> notification at the receiver.
  const firstPage = new Map<string, number>();
  for (const p of receiver.pages)
    if (p.kind === 'page' && p.acceptedAt !== undefined && !firstPage.has(p.incidentId))
      firstPage.set(p.incidentId, p.receivedAt - p.acceptedAt);
  const latencies = [...firstPage.values()];
  // Scored over every alert sent (as sources send them, repeats included) and over distinct alerts.
  const incidentOf = new Map<string, string>();
  for (const r of rows) if (!incidentOf.has(r.fingerprint)) incidentOf.set(r.fingerprint, r.incident_id);
  const sent = storm.alerts.map((a) => ({
    fp: fingerprintOf(a.labels),
    cause: a.cause,
    group: `${a.labels.alertname ?? ''}|${a.labels.cluster ?? ''}`,
  }));
  const ours = score(
    sent.flatMap((a) => {
      const incident = incidentOf.get(a.fp);
      return incident === undefined ? [] : [{ cause: a.cause, incident }];
    }),
  );
  const oursUnique = score([...incidentOf].map(([fp, incident]) => ({ cause: causeOf.get(fp) ?? '', incident })));
  const baseline = score(sent.map((a) => ({ cause: a.cause, incident: a.group })));
  const baselineGroups = new Set(sent.map((a) => a.group));
  const alertsIn = storm.alerts.length;
  return {
    bench: 'alert-storm',
    alerts_in: alertsIn,
    incidents_out: incidents,
    reduction: round(1 - incidents / alertsIn, 4),
    purity: round(ours.purity, 4),
    completeness: round(ours.completeness, 4),
    notify_p50_ms: round(percentile([...latencies], 50), 1),
    notify_p99_ms: round(percentile([...latencies], 99), 1),
    rate_per_min: Math.round(alertsIn / (replaySeconds / 60)),
    unique_alerts: new Set(causeOf.keys()).size,
    notifications: receiver.pages.length,
    purity_distinct: round(oursUnique.purity, 4),
    completeness_distinct: round(oursUnique.completeness, 4),
    baseline_alertmanager_groups: baselineGroups.size,
    baseline_reduction: round(1 - baselineGroups.size / alertsIn, 4),
    baseline_purity: round(baseline.purity, 4),
    baseline_completeness: round(baseline.completeness, 4),
  };
}
