/**
 * `npm run soak -- --minutes N [--sample-seconds S] [--clients C]`: starts the embedded platform
 * (`platform/main.ts`) as a child process on loopback with a temporary DATA_DIR, drives mixed load (ticks,
 * Alertmanager webhooks, OTLP metrics/traces/logs, WebSocket churn with resumes, sentiment texts), prints
 * a line per sample (heap, RSS, event-loop lag, every SQLite table's rows) and ends with one JSON line:
 * heap and RSS at the end against minute 10, tables against their bounds, events lost.
 * Every request (HTTP and the WebSocket upgrade) carries a bearer token: `SOAK_TOKEN` when set, else an admin
 * token the soak creates in its temporary DATA_DIR's identity store before the platform starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { provisionTestCredentials } from '../platform/testing/credentials.ts';
import { projectRoot } from '../platform/testing/process.ts';
import { soakClient } from './soak/http-client.ts';
import { startLoad } from './soak/load.ts';
import { parseExposition, takeSample, type Sample } from './soak/sampler.ts';
import { drainedBacklog, memoryVerdict, tableVerdicts } from './soak/verdict.ts';
import { startChurn } from './soak/ws-churn.ts';

const argsSchema = z.strictObject({
  minutes: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  'sample-seconds': z.coerce.number().min(1).max(600).optional(),
  clients: z.coerce.number().int().min(0).max(1000).default(20),
  /** Minutes at which the platform writes a V8 heap snapshot (into `--heap-snapshot-dir`), e.g. `2,8`. */
  'heap-snapshots': z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/)
    .transform((s) => s.split(',').map(Number))
    .optional(),
  'heap-snapshot-dir': z.string().min(1).optional(),
  /** Minute the end is compared with (default: 10, or a third of a shorter run). */
  'reference-minute': z.coerce.number().positive().optional(),
});

/** Keeps the last `limit` characters of the child's output (for the report when it dies), nothing more. */
function tail(limit: number) {
  let text = '';
  return {
    push: (chunk: Buffer): void => {
      text = (text + chunk.toString()).slice(-limit);
    },
    text: () => text,
  };
}

const upUrl = (output: string): string | undefined => /InsiteChart is up at (http:\/\/[\d.]+:\d+)\//.exec(output)?.[1];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export default async function soak(args: readonly string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      minutes: { type: 'string' },
      'sample-seconds': { type: 'string' },
      clients: { type: 'string' },
      'heap-snapshots': { type: 'string' },
      'heap-snapshot-dir': { type: 'string' },
      'reference-minute': { type: 'string' },
    },
  });
  const options = argsSchema.parse(values);
  const sampleMs = (options['sample-seconds'] ?? Math.min(15, Math.max(2, options.minutes))) * 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const token = process.env.SOAK_TOKEN ?? provisionTestCredentials(dataDir).admin;
  const output = tail(64 * 1024);
  const snapshotAt = [...(options['heap-snapshots'] ?? [])].sort((a, b) => a - b);
  const snapshotDir = options['heap-snapshot-dir'] ?? dataDir;
  const snapshotFlags =
    snapshotAt.length > 0 ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
  const child = spawn(
    process.execPath,
    [...snapshotFlags, '--import', './platform/telemetry/register.ts', 'platform/main.ts'],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', output.push);
  child.stderr.on('data', output.push);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
  });
  try {
    const deadline = Date.now() + 90_000;
    let url = upUrl(output.text());
    while (url === undefined) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`platform did not start:\n${output.text()}`);
      await sleep(100);
      url = upUrl(output.text());
    }
    const client = soakClient(url, token);
    const load = startLoad(client);
    const churn = startChurn(`${url.replace(/^http/, 'ws')}/ws`, client.headers, options.clients);
    const started = Date.now();
    const samples: Sample[] = [];
    let missedSamples = 0;
    const minutes = (): number => (Date.now() - started) / 60_000;
    while (minutes() < options.minutes) {
      await sleep(Math.min(sampleMs, Math.max(0, options.minutes * 60_000 - (Date.now() - started))));
      if (child.exitCode !== null) throw new Error(`platform exited ${String(child.exitCode)}:\n${output.text()}`);
      if (snapshotAt.length > 0 && minutes() >= (snapshotAt[0] ?? Infinity)) {
        snapshotAt.shift();
        child.kill('SIGUSR2');
        process.stdout.write(`${JSON.stringify({ heap_snapshot: true, minute: minutes(), dir: snapshotDir })}\n`);
      }
      // An overloaded platform may miss a scrape: counted and reported, the soak goes on.
      try {
        const sample = takeSample(minutes(), await client.getText('/metrics'), dataDir);
        samples.push(sample);
        process.stdout.write(`${JSON.stringify({ sample: true, ...sample })}\n`);
      } catch (error) {
        missedSamples += 1;
        process.stdout.write(`${JSON.stringify({ sample: false, minute: minutes(), error: String(error) })}\n`);
      }
    }
    await load.stop();
    await churn.stop();

    // A 202 comes only after the backbone acknowledged the publish, so what can still be lost is what no
    // group consumed after a drain period, what ended in a dead-letter topic, and WebSocket sequence gaps.
    const drainStarted = Date.now();
    const scrape = async () => parseExposition(await client.getText('/metrics').catch(() => ''));
    let lines = await scrape();
    while ((lines.length === 0 || drainedBacklog(lines) > 0) && Date.now() - drainStarted < 60_000) {
      await sleep(1_000);
      lines = await scrape();
    }
    const deadLettered = lines
      .filter((l) => l.name === 'insitechart_bus_events_published_total' && (l.labels.topic ?? '').endsWith('.dlq'))
      .reduce((s, l) => s + l.value, 0);
    if (lines.length === 0) throw new Error('no /metrics answer after the load stopped: events lost unknown');
    const backlog = drainedBacklog(lines);

    child.kill('SIGTERM');
    const exitCode = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (exitCode === 'timeout') child.kill('SIGKILL');

    const memory = memoryVerdict(samples, options.minutes, options['reference-minute']);
    return {
      bench: 'soak',
      minutes: options.minutes,
      samples: samples.length,
      missed_samples: missedSamples,
      memory,
      tables: tableVerdicts(samples, memory.reference_minute),
      events: {
        accepted: {
          ticks: load.counts.ticks,
          alerts: load.counts.alerts,
          texts: load.counts.texts,
          otlp_points: load.counts.otlpPoints,
        },
        otlp_points_rejected: load.counts.otlpRejected,
        lost: backlog + deadLettered + churn.counts.sequenceGaps,
        backlog_after_drain: backlog,
        dead_lettered: deadLettered,
        ws_sequence_gaps: churn.counts.sequenceGaps,
      },
      requests: {
        ok: Object.fromEntries(client.outcomes.ok),
        failed: Object.fromEntries(client.outcomes.failed),
        last_failure: client.outcomes.lastFailure ?? null,
        skipped_beats: load.counts.skippedBeats,
      },
      websocket: churn.counts,
      exit_code: exitCode,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
