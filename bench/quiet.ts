/**
 * `npm run bench -- quiet [--minutes N] [--rate R] [--after S]`: is the platform quiet when healthy, and
 * loud once when it is not? The embedded platform (every service of platform/main.ts on the in-process
 * bus, a fresh DATA_DIR) starts from cold with the detector tier sampling its own registry every second,
 * under a steady mixed load of R requests/s (default 20) for N minutes (default 30). Then one fault: the
 * event loop stalls 600 ms of every second for 30 s (a blocking call in a hot path), which users see as
 * slow answers. Detections (from the bus) and incidents (GET /api/incidents) are counted before the fault
 * and for S seconds (default 60) after it starts; the fault's first detection (a reminder of a finding made
 * while healthy, same series and detector and continuing since before the fault, is not the fault's) and
 * first incident are timed from its start. Figures on stdout's last line; the healthy detections' series and
 * the incident titles on stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { TopicData } from '../platform/backbone/topics.ts';
import { apiFetch } from '../platform/testing/api-client.ts';
import type { Service } from '../platform/runtime/service.ts';
import { everyService } from '../platform/testing/every-service.ts';
import { startTestPlatform } from '../platform/testing/platform.ts';
import { watchLag } from './quiet/lag-watch.ts';
import { startLoad } from './quiet/load.ts';
import { round } from './support/stats.ts';

const argsSchema = z.strictObject({
  minutes: z.coerce.number().min(0.5).max(240).default(30),
  rate: z.coerce.number().min(1).max(500).default(20),
  after: z.coerce.number().min(10).max(600).default(60),
});

function parseArgs(args: readonly string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? '';
    const value = args[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new Error(`expected --name value, got ${name}`);
    raw[name.slice(2)] = value;
  }
  return argsSchema.parse(raw);
}

const STALL_MS = 600;
const STALL_EVERY_MS = 1000;
const FAULT_S = 30;

const incidentList = z.object({
  incidents: z.array(z.object({ id: z.string(), title: z.string(), severity: z.string(), createdAt: z.string() })),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Blocks the event loop for `ms` (the fault: a synchronous call where an asynchronous one belonged). */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* busy */
  }
}

export default async function quiet(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  process.env.DETECTOR_SAMPLE_INTERVAL_MS ??= '1000';
  process.env.DETECTOR_POLL_INTERVAL_MS ??= '1000';
  const dir = mkdtempSync(join(tmpdir(), 'bench-quiet-'));
  // Every /api route needs credentials: the test platform's tokens (and rate limits out of the load's way).
  const coldAt = Date.now();
  // The lag gauge read from the first service's start on (the bench's probe, first in the list), so the figures
  // show what the platform's own start-up looked like, which the detector tier does not judge.
  let lag: ReturnType<typeof watchLag> | undefined;
  const probe: Service = {
    name: 'bench-lag-probe',
    start(ctx) {
      lag = watchLag(ctx.metrics);
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
  };
  const platform = await startTestPlatform(dir, [probe, ...everyService()]);
  // How long the platform took to be ready (it says so itself on /metrics: insitechart_process_ready).
  const startupS = round((Date.now() - coldAt) / 1000, 1);
  const detections: { at: number; data: TopicData<'detections'> }[] = [];
  await platform.bus.subscribe({
    group: 'bench-quiet',
    topic: 'detections',
    handler: (d) => {
      detections.push({ at: Date.now(), data: d.envelope.data });
    },
  });
  const incidents = new Map<string, { title: string; severity: string; seenAt: number }>();
  const pollIncidents = async (): Promise<void> => {
    const res = await apiFetch(platform, '/api/incidents?limit=200');
    for (const i of incidentList.parse(await res.json()).incidents)
      if (!incidents.has(i.id)) incidents.set(i.id, { title: i.title, severity: i.severity, seenAt: Date.now() });
  };
  const load = startLoad(platform, options.rate);
  const lagWatch = lag ?? watchLag(platform.metrics.registry);
  const started = Date.now();
  try {
    const healthyUntil = started + options.minutes * 60_000;
    // The machine's 1-minute load average at the start, halfway through the healthy stretch and at the end.
    const load1 = (): number => round(loadavg()[0] ?? Number.NaN, 2);
    const loadAverage = [load1()];
    while (Date.now() < healthyUntil) {
      await sleep(Math.min(5_000, healthyUntil - Date.now()));
      await pollIncidents();
      if (loadAverage.length === 1 && Date.now() >= started + options.minutes * 30_000) loadAverage.push(load1());
    }
    const healthyDetections = detections.length;
    const healthyIncidents = incidents.size;
    const faultAt = Date.now();
    const stalls = setInterval(() => {
      if (Date.now() - faultAt < FAULT_S * 1000) stall(STALL_MS);
    }, STALL_EVERY_MS);
    const end = faultAt + options.after * 1000;
    let shown = false;
    while (Date.now() < end) {
      await sleep(1_000);
      await pollIncidents();
      if (!shown && Date.now() - faultAt >= (FAULT_S * 1000) / 2) {
        shown = true;
        // What the detector tier sees mid-fault, published or not (diagnostic, on stderr).
        const res = await apiFetch(platform, '/api/detectors/series?anomalous=true&limit=30');
        process.stderr.write(`anomalous mid-fault: ${(await res.text()).slice(0, 4_000)}\n`);
      }
    }
    clearInterval(stalls);
    loadAverage.push(load1());
    // A reminder of a finding already made while healthy (the same series and detector, continuing since
    // before the fault) is not the fault's; a new onset on a series that fired while healthy is.
    const healthyFindings = new Set(detections.slice(0, healthyDetections).map((d) => findingOf(d.data)));
    const after = detections.slice(healthyDetections);
    const fault = after.filter((d) => !(healthyFindings.has(findingOf(d.data)) && continuingSince(d.data) < faultAt));
    const opened = [...incidents.values()].filter((i) => i.seenAt >= faultAt);
    const firstIncident = Math.min(...opened.map((i) => i.seenAt));
    report(detections.slice(0, healthyDetections), fault, opened, faultAt);
    return {
      bench: 'quiet',
      healthy_minutes: round(options.minutes, 2),
      startup_s: startupS,
      healthy_detections: healthyDetections,
      healthy_incidents: healthyIncidents,
      fault_detected_s: fault[0] === undefined ? null : round((fault[0].at - faultAt) / 1000, 1),
      fault_incident_s: opened.length === 0 ? null : round((firstIncident - faultAt) / 1000, 1),
      fault_detections: fault.length,
      healthy_reminders_during_fault: after.length - fault.length,
      fault_incidents: opened.length,
      fault_incident_titles: opened.map((i) => `[${i.severity}] ${i.title}`.slice(0, 200)),
      requests: load.counts.sent,
      request_failures: load.counts.failed + load.counts.serverErrors,
      requests_refused: load.counts.refused,
      load_behind_max: load.counts.behindMax,
      load_average_1m: loadAverage,
      startup_lag: lagWatch.summary(coldAt, started),
      healthy_lag: lagWatch.summary(started, faultAt),
      fault_lag: lagWatch.summary(faultAt, faultAt + FAULT_S * 1000),
    };
  } finally {
    lagWatch.stop();
    load.stop();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When the episode a detection reminds of began ("Anomaly continuing since ..."); +Infinity for an onset. */
const continuingSince = (d: TopicData<'detections'>): number => {
  const since = /continuing since (\S+)/.exec(d.explanation)?.[1];
  return since === undefined ? Number.POSITIVE_INFINITY : Date.parse(since);
};

const findingOf = (d: TopicData<'detections'>): string =>
  JSON.stringify([d.detector, Object.entries(d.series).sort(([a], [b]) => a.localeCompare(b))]);

function report(
  healthy: readonly { at: number; data: TopicData<'detections'> }[],
  fault: readonly { at: number; data: TopicData<'detections'> }[],
  opened: readonly { title: string; severity: string }[],
  faultAt: number,
): void {
  const bySeries = new Map<string, number>();
  for (const { data } of healthy) {
    const name = `${data.series.__name__ ?? '?'} (${data.detector})`;
    bySeries.set(name, (bySeries.get(name) ?? 0) + 1);
  }
  process.stderr.write(`healthy detections by series: ${JSON.stringify([...bySeries].sort((a, b) => b[1] - a[1]))}\n`);
  // When, before the fault: one just before it can hold the fault's onset back (the gate's minimum gap).
  const when = healthy.map(
    (h) => `${h.data.series.__name__ ?? '?'} ${String(round((faultAt - h.at) / 1000))} s before`,
  );
  process.stderr.write(`healthy detections: ${JSON.stringify(when)}\n`);
  process.stderr.write(`fault detections: ${JSON.stringify(fault.map((f) => f.data.explanation.slice(0, 160)))}\n`);
  process.stderr.write(`fault incidents: ${JSON.stringify(opened)}\n`);
}
