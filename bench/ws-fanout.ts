import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../platform/config/config.ts';
import { loadIdentitySettings } from '../platform/identity/settings.ts';
import { marketDataService } from '../platform/market-data/service.ts';
import { instruments } from '../platform/reference/instruments.ts';
import { startPlatform } from '../platform/runtime/platform.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { seededRandom } from '../platform/random/seeded.ts';
import { round } from './support/stats.ts';
import { BareBroadcastServer, type BenchTick } from './ws-fanout/bare-server.ts';
import { startFeed, type PacedFeed } from './ws-fanout/feed.ts';
import { LoadProcesses, type LoadResult } from './ws-fanout/load-processes.ts';
import { measureProcessUse, SATURATED_ELU, type ProcessUse } from './ws-fanout/process-use.ts';

/**
 * Tick-to-client delivery of /ws fan-out: the market-data service in this process (ticks published on the
 * embedded backbone, consumed, batched and fanned out) against a bare `ws` broadcast server fed the same
 * batches directly, each with N clients held by load processes (children) on 10 random symbols of 100.
 *
 * Every tick carries its number per symbol, so the clients count, per tick of the measured window and per
 * subscribed client: delivered (with latency = client clock minus the tick's scheduled time, whole ms, so a
 * late feed timer or a backed-up server shows), coalesced (superseded by a later tick of the symbol in a
 * coalesced update: ours only, by design) and dropped (never delivered by the end: coalesced ones included).
 * The window's ticks are those emitted during the measured seconds; the clients get DRAIN_MS after the
 * feed stops to receive what is in flight. Closed sockets are reported apart.
 *
 * Server and clients share this machine's cores, so each side's use over the window and drain is reported
 * beside the latencies: CPU (share of a core and per tick delivery), event-loop utilisation and the share of
 * the time its main thread waited for a CPU (Linux schedstat). A side whose loop was saturated put its own
 * queue into the latency (`bound`); a high CPU wait says the machine, not either program, set the figure.
 *
 * Args: --quick (1k clients, 3 s), --clients=1000,5000 (counts), --seconds=N, --rate=N ticks/s, --procs=N,
 * --no-baseline (ours only, for profiling).
 */

interface Figures {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  msgs_per_s: number;
  /** Tick deliveries the clients were owed per second (subscribed symbols' ticks x clients). */
  ticks_expected_per_s: number;
  ticks_delivered_per_s: number;
  ticks_coalesced_per_s: number;
  /** Tick deliveries never made, in all and as a share of those owed (coalesced ones included). */
  dropped: number;
  dropped_pct: number;
  closed_sockets: number;
  connect_failed: number;
  seq_gaps?: number;
  /** Share of one core (100 = one core) used over the window and drain by the server (+ feed) and the clients. */
  server_cpu_pct: number;
  clients_cpu_pct: number;
  server_elu: number;
  clients_elu_max: number;
  /** CPU microseconds per tick delivery (window and drain): what one delivery costs each side. */
  server_cpu_us_per_tick: number;
  clients_cpu_us_per_tick: number;
  /** Share of the span (%) the server's / the most delayed load process's main thread waited for a CPU. */
  server_cpu_wait_pct: number | null;
  clients_cpu_wait_pct_max: number | null;
  /** Which side's event loop was saturated: a latency measured by saturated clients is not the server's. */
  bound: 'server' | 'clients' | 'server and clients' | 'neither';
  load_average_1m: number;
}

const SYMBOLS = instruments.slice(0, 100).map((i) => i.symbol);
const FEED_PERIOD_MS = 50;
const WARMUP_MS = 2_000;
const DRAIN_MS = 2_000;

function option(args: readonly string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function subscriptions(count: number, perClient: number, seed: number): string[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const chosen = new Set<string>();
    while (chosen.size < perClient) chosen.add(SYMBOLS[Math.floor(random() * SYMBOLS.length)] ?? 'AAPL');
    return [...chosen];
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Warms up, measures the ticks emitted during `seconds`, stops the feed and lets in-flight ticks arrive. */
async function measure(
  load: LoadProcesses,
  feed: PacedFeed,
  seconds: number,
): Promise<{ result: LoadResult; seconds: number; fed: { ticks: number; seconds: number }; server: ProcessUse }> {
  await sleep(WARMUP_MS);
  load.measure(feed.counters());
  const serverUse = measureProcessUse();
  const started = performance.now();
  await sleep(seconds * 1000);
  const fed = feed.stop();
  const to = feed.counters();
  const measured = (performance.now() - started) / 1000;
  await sleep(DRAIN_MS);
  const result = await load.report(to);
  return { result, seconds: measured, fed, server: serverUse() };
}

const percent = (share: number): number | null => (Number.isFinite(share) ? round(100 * share, 0) : null);

function boundBy(server: number, clients: number): Figures['bound'] {
  const s = server >= SATURATED_ELU;
  const c = clients >= SATURATED_ELU;
  return s && c ? 'server and clients' : s ? 'server' : c ? 'clients' : 'neither';
}

function figures(run: { result: LoadResult; seconds: number; server: ProcessUse }, failed: number): Figures {
  const { result, seconds, server } = run;
  const delivered = result.latency.total;
  const dropped = Math.max(0, result.expected - delivered);
  const used = seconds + DRAIN_MS / 1000;
  return {
    p50_ms: result.latency.percentile(50),
    p95_ms: result.latency.percentile(95),
    p99_ms: result.latency.percentile(99),
    msgs_per_s: round(result.messages / seconds, 0),
    ticks_expected_per_s: round(result.expected / seconds, 0),
    ticks_delivered_per_s: round(delivered / seconds, 0),
    ticks_coalesced_per_s: round(result.coalesced / seconds, 0),
    dropped,
    dropped_pct: result.expected === 0 ? 0 : round((100 * dropped) / result.expected, 2),
    closed_sockets: result.closed,
    connect_failed: failed,
    server_cpu_pct: round((100 * server.cpuSeconds) / used, 0),
    clients_cpu_pct: round((100 * result.cpuSeconds) / used, 0),
    server_elu: round(server.elu, 2),
    clients_elu_max: round(result.eluMax, 2),
    server_cpu_us_per_tick: round((1e6 * server.cpuSeconds) / Math.max(1, delivered), 2),
    clients_cpu_us_per_tick: round((1e6 * result.cpuSeconds) / Math.max(1, delivered), 2),
    server_cpu_wait_pct: percent(server.cpuWait),
    clients_cpu_wait_pct_max: percent(result.cpuWaitMax),
    bound: boundBy(server.elu, result.eluMax),
    load_average_1m: round(loadavg()[0] ?? 0, 1),
  };
}

/** The hub's counters from /metrics. */
async function serverCounters(url: string): Promise<{ sent: number; coalesced: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    sent: read('insitechart_ws_messages_sent_total'),
    coalesced: read('insitechart_ws_coalesced_updates_total'),
  };
}

async function runOurs(
  subs: string[][],
  rate: number,
  procs: number,
  seconds: number,
): Promise<Figures & { feed_ticks_per_s: number; server_msgs_per_s: number; coalesced_per_s: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ws-'));
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    logger: createLogger({ service: 'bench', level: 'silent' }),
    // Every client comes from loopback: the per-address caps would refuse all but the first hundred.
    services: [
      marketDataService({
        admission: { maxConnections: 1_000_000, maxConnectionsPerAddress: 1_000_000 },
        stream: { maxRetainedPerAddress: 1_000_000 },
      }),
    ],
    bus: new EmbeddedBus({ partitions: 8, source: 'bench' }),
    // One address and one (anonymous) identity for every client: its shared message allowance and request rate
    // would close all but the first hundred subscribers a second, and its HTTP connection cap would refuse handshakes
    // beyond 256 at once (each load process opens waves of 100).
    identity: loadIdentitySettings({
      WS_MESSAGES_PER_SECOND: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    }),
  });
  const load = new LoadProcesses(procs);
  try {
    const { failed } = await load.connect(`${platform.url.replace('http', 'ws')}/ws`, 'ours', subs);
    const feed = startFeed(SYMBOLS, rate, FEED_PERIOD_MS, (batch) => {
      for (const tick of batch)
        platform.bus.publish('market.ticks', { key: tick.symbol, data: tick }).catch(() => undefined);
    });
    const before = await serverCounters(platform.url);
    const run = await measure(load, feed, seconds);
    const after = await serverCounters(platform.url);
    return {
      ...figures(run, failed),
      seq_gaps: run.result.gaps,
      feed_ticks_per_s: round(run.fed.ticks / run.fed.seconds, 0),
      server_msgs_per_s: round((after.sent - before.sent) / run.seconds, 0),
      coalesced_per_s: round((after.coalesced - before.coalesced) / run.seconds, 0),
    };
  } finally {
    await load.close();
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runBare(subs: string[][], rate: number, procs: number, seconds: number): Promise<Figures> {
  const server = await BareBroadcastServer.start();
  const load = new LoadProcesses(procs);
  try {
    const { failed } = await load.connect(server.url, 'bare', subs);
    const feed = startFeed(SYMBOLS, rate, FEED_PERIOD_MS, (batch: BenchTick[]) => {
      server.broadcast(batch);
    });
    const run = await measure(load, feed, seconds);
    return figures(run, failed);
  } finally {
    await load.close();
    await server.close();
  }
}

export default async function wsFanout(args: readonly string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const counts = (option(args, 'clients') ?? (quick ? '1000' : '1000,5000,10000')).split(',').map(Number);
  const seconds = Number(option(args, 'seconds') ?? (quick ? 3 : 10));
  const rate = Number(option(args, 'rate') ?? 1_000);
  const procs = Number(option(args, 'procs') ?? 4);
  const runs: Record<string, unknown>[] = [];
  for (const clients of counts) {
    const subs = subscriptions(clients, 10, clients);
    const ours = await runOurs(subs, rate, procs, seconds);
    global.gc?.();
    if (args.includes('--no-baseline')) {
      runs.push({ clients, ...ours });
      continue;
    }
    const baseline = await runBare(subs, rate, procs, seconds);
    global.gc?.();
    runs.push({ clients, ...ours, baseline: { ...baseline } });
    process.stderr.write(`ws-fanout ${String(clients)} clients: ${JSON.stringify(runs.at(-1))}\n`);
  }
  return {
    bench: 'ws-fanout',
    workload: {
      symbols: SYMBOLS.length,
      symbols_per_client: 10,
      subscriptions: 'each client 10 distinct symbols drawn at random (seeded) from 100',
      feed_ticks_per_s: rate,
      feed_batch_ms: FEED_PERIOD_MS,
      server_flush_ms: 25,
      load_processes: procs,
      cores: availableParallelism(),
      warmup_s: WARMUP_MS / 1000,
      measure_s: seconds,
      drain_s: DRAIN_MS / 1000,
      latency: "client Date.now() minus the tick's scheduled time (epoch ms, same host), every delivered tick",
      dropped: 'tick deliveries owed to subscribed clients and never made by the end of the drain (coalesced included)',
      cpu_wait: 'share of window + drain the main thread was runnable but waiting for a CPU (/proc/self/schedstat)',
      bound: `event loop utilisation >= ${String(SATURATED_ELU)} over window + drain in the server (+ feed) or the busiest load process; client-bound latencies include the clients' own queue`,
      ours: 'market-data service: embedded backbone -> consumer -> bars + quotes -> /ws hub (groups, seq, replay ring, coalescing)',
      baseline:
        'bare ws server: each feed batch filtered per client, JSON.stringify, send (no seq, replay, backpressure or tracing)',
    },
    runs,
  };
}
