import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '../platform/backbone/bus.ts';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import { SqliteLogStore } from '../platform/backbone/embedded/sqlite-log-store.ts';
import { asyncQueueTransport, sqliteQueueTransport, tickOf, type Transport } from './backbone/baselines.ts';
import { percentile, round } from './support/stats.ts';

/**
 * Publish -> consume on the embedded bus, in memory and durable, each against a baseline doing the least
 * such a bus must do, measured in the same run (bench/backbone/baselines.ts). Throughput: the publisher
 * runs flat out in chunks (yielding between them so the consumer keeps pace) until every event was
 * consumed. Latency: an open-loop publisher at a fixed rate; each event is timed from its scheduled send
 * time (a publisher that falls behind does not hide the delay: no coordinated omission), and events not
 * delivered within the grace period after the last send count as infinitely late in the percentiles.
 */

interface Figures {
  events_per_s: number;
  latency: Latency;
}

interface Latency {
  /** Milliseconds from the scheduled send time; null when that rank falls on an undelivered event. */
  p50_ms: number | null;
  p99_ms: number | null;
  p999_ms: number | null;
  max_ms: number | null;
  sent: number;
  undelivered: number;
  publish_rejected: number;
}

const KEYS = Array.from({ length: 100 }, (_, i) => `SYM${String(i)}`);

function busTransport(bus: EventBus): Transport {
  return {
    publish: (key, seq) => bus.publish('market.ticks', { key, data: tickOf(key, seq) }),
    onEvent: async (handler) => {
      await bus.subscribe({
        group: 'bench',
        topic: 'market.ticks',
        from: 'latest',
        handler: (d) => {
          handler(d.envelope.data.size);
        },
      });
    },
    close: () => bus.close(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Publishes `warmup` events untimed (so the JIT has compiled the hot path), then times `trials` rounds
 * of `total` events each and returns the median rate: these machines are shared and single runs jitter.
 */
async function throughput(
  transport: Transport,
  total: number,
  chunk: number,
  warmup: number,
  trials: number,
): Promise<number> {
  let received = 0;
  let target = 0;
  let done: () => void = () => undefined;
  await transport.onEvent(() => {
    received += 1;
    if (received === target) done();
  });
  let sent = 0;
  let failure: unknown;
  const onRejected = (error: unknown): void => {
    failure ??= error;
  };
  const round = async (count: number): Promise<number> => {
    target = received + count;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const end = sent + count;
    const started = performance.now();
    while (sent < end) {
      let last: Promise<unknown> | undefined;
      for (let i = 0; i < chunk && sent < end; i++, sent++)
        last = transport.publish(KEYS[sent % KEYS.length]!, sent)?.catch(onRejected);
      // Acknowledgements come in publish order, so the chunk's last one stands for all of them.
      await last;
      // A lost publish would leave the round waiting for ever: a throughput figure needs every event.
      if (failure !== undefined) throw new Error('publish rejected during the throughput round', { cause: failure });
      // Let the consumer run before the next chunk, so the rate measured is one both sides sustain.
      while (sent - received > chunk * 4) await tick();
    }
    await finished;
    return count / ((performance.now() - started) / 1000);
  };
  await round(warmup);
  const rates: number[] = [];
  for (let t = 0; t < trials; t++) rates.push(await round(total));
  return percentile(rates, 50);
}

const ms = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? round(x) : null);

async function latency(transport: Transport, ratePerS: number, seconds: number, graceMs: number): Promise<Latency> {
  const total = Math.round(ratePerS * seconds);
  const intervalMs = 1000 / ratePerS;
  const latencies = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  let delivered = 0;
  let rejected = 0;
  let started = 0;
  await transport.onEvent((seq) => {
    // A redelivered event keeps its first latency.
    if (latencies[seq] !== Number.POSITIVE_INFINITY) return;
    latencies[seq] = performance.now() - (started + seq * intervalMs);
    delivered += 1;
  });
  const onRejected = (): void => {
    rejected += 1;
  };
  started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; sent < due; sent++) transport.publish(KEYS[sent % KEYS.length]!, sent)?.catch(onRejected);
    await tick();
  }
  const deadline = performance.now() + graceMs;
  while (delivered < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const sorted = Array.from(latencies);
  return {
    p50_ms: ms(percentile(sorted, 50)),
    p99_ms: ms(percentile(sorted, 99)),
    p999_ms: ms(percentile(sorted, 99.9)),
    max_ms: ms(sorted.at(-1)),
    sent: total,
    undelivered: total - delivered,
    publish_rejected: rejected,
  };
}

/** Collects the previous phase's garbage so its pauses are not charged to the next phase (needs --expose-gc). */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function throughputOf(make: () => Transport, total: number): Promise<number> {
  settle();
  const transport = make();
  const eps = await throughput(transport, total, 1_000, Math.round(total / 5), 3);
  await transport.close();
  return Math.round(eps);
}

async function latencyOf(make: () => Transport, rate: number, seconds: number, graceMs: number): Promise<Latency> {
  settle();
  const transport = make();
  const result = await latency(transport, rate, seconds, graceMs);
  await transport.close();
  return result;
}

/**
 * Ours and its baseline: throughput of each, then latency of both at one rate: the target rate, or half
 * the slower one's throughput when that is lower (past its capacity an open-loop latency only measures
 * the queue growing for as long as the run lasts).
 */
async function pair(
  ours: () => Transport,
  baseline: () => Transport,
  options: { total: number; targetRate: number; seconds: number; graceMs: number },
): Promise<{ ours: Figures; baseline: Figures; latency_rate_per_s: number }> {
  const oursEps = await throughputOf(ours, options.total);
  const baselineEps = await throughputOf(baseline, options.total);
  const rate = Math.round(Math.min(options.targetRate, Math.min(oursEps, baselineEps) / 2));
  return {
    ours: { events_per_s: oursEps, latency: await latencyOf(ours, rate, options.seconds, options.graceMs) },
    baseline: { events_per_s: baselineEps, latency: await latencyOf(baseline, rate, options.seconds, options.graceMs) },
    latency_rate_per_s: rate,
  };
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round(a / b));

function compare(ours: Figures, baseline: Figures) {
  return {
    throughput_ratio_to_baseline: round(ours.events_per_s / baseline.events_per_s),
    p99_ratio_to_baseline: ratio(ours.latency.p99_ms, baseline.latency.p99_ms),
  };
}

export default async function runBackboneBench(args: readonly string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const total = quick ? 50_000 : 300_000;
  const seconds = quick ? 1 : 5;
  const rate = 50_000;
  const graceMs = 2_000;
  const partitions = 8;
  const dir = mkdtempSync(join(tmpdir(), 'bench-backbone-'));
  let n = 0;
  const dbPath = (): string => join(dir, `bench-${String(n++)}.db`);
  const run = { total, targetRate: rate, seconds, graceMs };
  try {
    const memory = await pair(
      () => busTransport(new EmbeddedBus({ partitions, source: 'bench' })),
      () => asyncQueueTransport(partitions),
      run,
    );
    const durable = await pair(
      () => busTransport(new EmbeddedBus({ partitions, source: 'bench', store: new SqliteLogStore(dbPath()) })),
      () => sqliteQueueTransport(partitions, dbPath()),
      run,
    );
    return {
      bench: 'backbone',
      workload: {
        events: total,
        keys: KEYS.length,
        partitions,
        latency_target_rate_per_s: rate,
        latency_seconds: seconds,
        latency_from: 'scheduled send time (open loop); undelivered after a grace period count as infinitely late',
        grace_ms: graceMs,
        payload: 'market tick, schema-validated on publish',
        throughput: 'median of 3 timed rounds after a warmup of events/5',
      },
      memory: {
        ...memory.ours,
        latency_rate_per_s: memory.latency_rate_per_s,
        ...compare(memory.ours, memory.baseline),
      },
      durable: {
        ...durable.ours,
        latency_rate_per_s: durable.latency_rate_per_s,
        ...compare(durable.ours, durable.baseline),
      },
      baselines: {
        memory: { ...memory.baseline, kind: 'partition queues drained on the next turn (setImmediate), key order' },
        durable: {
          ...durable.baseline,
          kind: 'the same, after one SQLite transaction per turn (WAL, synchronous=FULL), as the bus store',
        },
      },
      targets: { memory_events_per_s: 300_000, memory_p99_ms: 2, durable_events_per_s: 30_000 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
