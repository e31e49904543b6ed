/**
 * `npm run bench -- sectors-view [--requests N] [--symbols 20,121]`: how long one `GET /api/analytics/views/sectors`
 * holds the event loop. The analytics router on loopback over full 1m windows (2,000 bars per symbol, the live
 * capacity), its computations on the real worker thread; requests one at a time from this process. Per request:
 * the main thread's busy time (event-loop utilisation's active time over the requests) for the sector view asked
 * anew each time (a different `points`, so nothing kept can answer) and asked again unchanged (what a dashboard's
 * polling does between bars), each beside the same number of requests to a trivial route in the same run (the
 * HTTP and client share: `extra_*` is the view's own part); the main thread's CPU time per request (what load on the
 * machine blurs least), and the longest single block (event-loop delay max).
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import express, { type ErrorRequestHandler } from 'express';
import { analyticsRouter } from '../platform/analytics/api.ts';
import { BarWindows } from '../platform/analytics/bar-windows.ts';
import { ComputeWorker } from '../platform/analytics/compute-pool.ts';
import { seededGaussian } from '../platform/analytics/synthetic.ts';
import { DEFAULT_MAX_WORK } from '../platform/analytics/work-caps.ts';
import { HttpError } from '../platform/http/errors.ts';
import { instrumentBySymbol, instruments } from '../platform/reference/instruments.ts';
import { percentile, round } from './support/stats.ts';

const CAPACITY = 2_000;
const MINUTE = 60_000;

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function fullWindows(symbols: readonly string[]): BarWindows {
  const windows = new BarWindows(CAPACITY);
  const g = seededGaussian(7);
  const t0 = Date.UTC(2026, 0, 5);
  for (const symbol of symbols) {
    let price = 100;
    for (let i = 0; i < CAPACITY; i++) {
      price *= Math.exp(0.001 * g());
      windows.add({
        symbol,
        interval: '1m',
        start: t0 + i * MINUTE,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: 1_000,
      });
    }
  }
  return windows;
}

interface Figures {
  /** Main-thread CPU per request: what load on the machine blurs least. */
  cpu_ms: number;
  loop_ms: number;
  p50_ms: number;
  max_block_ms: number;
}

/** Sends `paths` one after the other; main-thread busy ms per request, latency p50, longest event-loop block. */
async function measure(base: string, paths: readonly string[]): Promise<Figures> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  delay.enable();
  const before = performance.eventLoopUtilization();
  const cpu = process.threadCpuUsage();
  for (const path of paths) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${String(res.status)}`);
    latencies.push(performance.now() - t0);
  }
  const used = performance.eventLoopUtilization(before);
  const spent = process.threadCpuUsage(cpu);
  delay.disable();
  return {
    cpu_ms: round((spent.user + spent.system) / 1000 / paths.length, 2),
    loop_ms: round(used.active / paths.length, 2),
    p50_ms: round(percentile(latencies, 50), 2),
    max_block_ms: round(delay.max / 1e6, 1),
  };
}

async function run(symbolCount: number, requests: number): Promise<Record<string, unknown>> {
  const symbols = instruments.slice(0, symbolCount).map((i) => i.symbol);
  const windows = fullWindows(symbols);
  const worker = new ComputeWorker({ deadlineMs: 30_000, maxQueued: 16 });
  const app = express();
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    analyticsRouter(
      {
        windows,
        streaming: () => undefined,
        breaks: () => [],
        sentimentAt: () => Number.NaN,
        sectorOf: (symbol) => instrumentBySymbol(symbol)?.sector ?? 'Unknown',
        defaultInterval: '1m',
      },
      { worker, maxWork: DEFAULT_MAX_WORK },
    ),
  );
  const fail: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    res.status(error instanceof HttpError ? error.status : 500).json({ error: String(error) });
  };
  app.use(fail);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  try {
    // Warm-up: the worker thread's start, JIT; and the answer `kept` asks for, computed once.
    await measure(base, ['/analytics/views/sectors?points=100', '/analytics/views/sectors?points=500', '/ping']);
    const trivial = await measure(
      base,
      Array.from({ length: requests }, () => '/ping'),
    );
    const fresh = await measure(
      base,
      Array.from({ length: requests }, (_, i) => `/analytics/views/sectors?points=${String(1_000 + i)}`),
    );
    const kept = await measure(
      base,
      Array.from({ length: requests }, () => '/analytics/views/sectors?points=500'),
    );
    const extra = (f: Figures) => ({
      ...f,
      extra_cpu_ms: round(f.cpu_ms - trivial.cpu_ms, 2),
      extra_loop_ms: round(f.loop_ms - trivial.loop_ms, 2),
    });
    return { symbols: symbolCount, bars_per_symbol: CAPACITY, trivial, fresh: extra(fresh), kept: extra(kept) };
  } finally {
    server.close();
    server.closeAllConnections();
    await worker.close();
  }
}

export default async function sectorsView(args: readonly string[]): Promise<Record<string, unknown>> {
  const requests = Number(option(args, 'requests') ?? 30);
  const counts = (option(args, 'symbols') ?? '20,121').split(',').map(Number);
  const loadBefore = loadavg().map((x) => round(x, 2));
  const runs: Record<string, unknown>[] = [];
  for (const n of counts) runs.push(await run(n, requests));
  return {
    bench: 'sectors-view',
    requests,
    runs,
    load_before: loadBefore,
    load_after: loadavg().map((x) => round(x, 2)),
  };
}
