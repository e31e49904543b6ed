import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '../platform/backbone/bus.ts';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import { SqliteLogStore } from '../platform/backbone/embedded/sqlite-log-store.ts';
import { percentile, round } from './support/stats.ts';

/**
 * Publish -> consume on the embedded bus, in memory and durable, against a plain EventEmitter carrying
 * the same payloads in the same run. Throughput: the publisher runs flat out in chunks (yielding between
 * them so the consumer keeps pace) until every event was consumed. Latency: a paced publisher at a
 * steady rate; each event carries its send time.
 */

interface Figures {
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

interface Transport {
  publish(key: string, seq: number): Promise<unknown> | undefined;
  /** The handler gets the sequence number the event was published with. */
  onEvent(handler: (seq: number) => void): Promise<void>;
  close(): Promise<void>;
}

const KEYS = Array.from({ length: 100 }, (_, i) => `SYM${String(i)}`);

// Market ticks are the bulk of the platform's traffic; the trade size carries the sequence number.
const tickOf = (symbol: string, seq: number) => ({
  symbol,
  price: 100.25,
  size: seq,
  bid: 100.24,
  ask: 100.26,
  ts: Date.now(),
});

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

function emitterTransport(): Transport {
  const emitter = new EventEmitter();
  return {
    publish: (key, seq) => {
      emitter.emit('event', tickOf(key, seq));
      return undefined;
    },
    onEvent: (handler) => {
      emitter.on('event', (tick: { size: number }) => {
        handler(tick.size);
      });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
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
  const round = async (count: number): Promise<number> => {
    target = received + count;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const end = sent + count;
    const started = performance.now();
    while (sent < end) {
      let last: Promise<unknown> | undefined;
      for (let i = 0; i < chunk && sent < end; i++, sent++) last = transport.publish(KEYS[sent % KEYS.length]!, sent);
      // Acknowledgements come in publish order, so the chunk's last one stands for all of them.
      await last;
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

async function latency(
  transport: Transport,
  ratePerS: number,
  seconds: number,
): Promise<{ p50: number; p99: number; achieved: number }> {
  const latencies: number[] = [];
  const total = Math.round(ratePerS * seconds);
  const sentAt = new Float64Array(total);
  await transport.onEvent((seq) => {
    latencies.push(performance.now() - (sentAt[seq] ?? 0));
  });
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerS));
    for (; sent < due; sent++) {
      sentAt[sent] = performance.now();
      void transport.publish(KEYS[sent % KEYS.length]!, sent);
    }
    await tick();
  }
  const elapsed = (performance.now() - started) / 1000;
  const deadline = performance.now() + 10_000;
  while (latencies.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), achieved: total / elapsed };
}

/** Collects the previous phase's garbage so its pauses are not charged to the next phase (needs --expose-gc). */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(
  make: () => Transport,
  total: number,
  rate: number,
  seconds: number,
): Promise<Figures & { latency_rate_per_s: number }> {
  settle();
  const a = make();
  const eps = await throughput(a, total, 1_000, Math.round(total / 5), 3);
  await a.close();
  settle();
  const b = make();
  const lat = await latency(b, rate, seconds);
  await b.close();
  return {
    events_per_s: Math.round(eps),
    p50_ms: round(lat.p50),
    p99_ms: round(lat.p99),
    latency_rate_per_s: Math.round(lat.achieved),
  };
}

export default async function runBackboneBench(args: readonly string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const total = quick ? 50_000 : 300_000;
  const seconds = quick ? 1 : 3;
  const rate = 50_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-backbone-'));
  let n = 0;
  try {
    const baseline = await measure(emitterTransport, total, rate, seconds);
    const memory = await measure(
      () => busTransport(new EmbeddedBus({ partitions: 8, source: 'bench' })),
      total,
      rate,
      seconds,
    );
    const durable = await measure(
      () =>
        busTransport(
          new EmbeddedBus({
            partitions: 8,
            source: 'bench',
            store: new SqliteLogStore(join(dir, `bench-${String(n++)}.db`)),
          }),
        ),
      total,
      rate,
      seconds,
    );
    return {
      bench: 'backbone',
      workload: {
        events: total,
        keys: KEYS.length,
        partitions: 8,
        latency_rate_per_s: rate,
        latency_seconds: seconds,
        payload: 'market tick, schema-validated on publish',
        throughput: 'median of 3 timed rounds after a warmup of events/5',
      },
      memory: {
        ...memory,
        throughput_ratio_to_baseline: round(memory.events_per_s / baseline.events_per_s),
        p99_ratio_to_baseline: round(memory.p99_ms / baseline.p99_ms),
      },
      durable: {
        ...durable,
        throughput_ratio_to_baseline: round(durable.events_per_s / baseline.events_per_s),
        p99_ratio_to_baseline: round(durable.p99_ms / baseline.p99_ms),
      },
      baseline: { ...baseline, kind: 'node:events EventEmitter, synchronous emit' },
      targets: { memory_events_per_s: 300_000, memory_p99_ms: 2, durable_events_per_s: 30_000 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
