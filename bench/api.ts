import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { EmbeddedBus } from '../platform/backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../platform/config/config.ts';
import { SqliteBarStore } from '../platform/market-data/history/sqlite-bar-store.ts';
import { marketDataService } from '../platform/market-data/service.ts';
import { instruments } from '../platform/reference/instruments.ts';
import { loadIdentitySettings } from '../platform/identity/settings.ts';
import { startPlatform } from '../platform/runtime/platform.ts';
import { createLogger } from '../platform/telemetry/logger.ts';

/**
 * REST latency at a fixed, open-loop 1,000 req/s (generator in a child process): latest quote of one
 * symbol, all quotes, and 100 one-minute bars of history, each against the platform with market-data
 * running; the baseline is a bare express handler returning a quote-sized JSON object.
 *
 * Args: --quick (3 s per endpoint), --seconds=N, --rate=N.
 */

const SYMBOLS = instruments.slice(0, 100).map((i) => i.symbol);
const BARS_PER_SYMBOL = 2_000;

function option(args: readonly string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function load(urls: string[], rate: number, seconds: number): Promise<Record<string, number>> {
  const child = fork(new URL('./api/load.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (figures) => {
      resolve(figures as Record<string, number>);
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${String(code)}`));
    });
    child.send({ urls, rate, seconds });
  });
}

/** Final 1m bars written to the service's history before it starts (the path its store uses). */
function seedHistory(dataDir: string, now: number): void {
  const store = new SqliteBarStore(join(dataDir, 'market-data', 'bars.db'));
  const first = Math.floor(now / 60_000) * 60_000 - BARS_PER_SYMBOL * 60_000;
  for (const symbol of SYMBOLS) {
    let price = 100;
    store.write(
      Array.from({ length: BARS_PER_SYMBOL }, (_, i) => {
        const open = price;
        price *= 1 + (Math.random() - 0.5) * 0.01;
        return {
          symbol,
          interval: '1m' as const,
          start: first + i * 60_000,
          open,
          high: Math.max(open, price) * 1.001,
          low: Math.min(open, price) * 0.999,
          close: price,
          volume: 1_000,
        };
      }),
    );
    store.flush();
  }
  store.close();
}

const WARMUP_S = 2;

export default async function api(args: readonly string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const seconds = Number(option(args, 'seconds') ?? (quick ? 3 : 10));
  const rate = Number(option(args, 'rate') ?? 1_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  seedHistory(dir, Date.now());
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' }),
    logger: createLogger({ service: 'bench', level: 'silent' }),
    services: [marketDataService()],
    bus: new EmbeddedBus({ partitions: 8, source: 'bench' }),
    // The load generator is one anonymous address: lift its rate limit (the gateway bench measures access) and its
    // connection cap (its agent opens up to 512 sockets).
    identity: loadIdentitySettings({
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    }),
  });
  const bare = express();
  bare.get('/quote/:symbol', (req, res) => {
    res.json({
      symbol: req.params.symbol,
      price: 101.25,
      size: 10,
      volume: 123_456,
      open: 100,
      change: 1.25,
      changePct: 1.25,
      ts: Date.now(),
    });
  });
  const bareServer = await new Promise<Server>((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => {
      resolve(s);
    });
  });
  const bareUrl = `http://127.0.0.1:${String((bareServer.address() as AddressInfo).port)}`;
  try {
    await Promise.all(
      SYMBOLS.map((symbol, i) =>
        platform.bus.publish('market.ticks', {
          key: symbol,
          data: { symbol, price: 100 + i, size: 10, ts: Date.now() },
        }),
      ),
    );
    for (
      let i = 0;
      i < 200 &&
      (await fetch(`${platform.url}/api/quotes`).then((r) => r.json() as Promise<{ quotes: unknown[] }>)).quotes
        .length < SYMBOLS.length;
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    const endpoints: { name: string; urls: string[] }[] = [
      { name: 'GET /api/quotes/{symbol}', urls: SYMBOLS.map((s) => `${platform.url}/api/quotes/${s}`) },
      { name: 'GET /api/quotes (100 symbols)', urls: [`${platform.url}/api/quotes`] },
      {
        name: 'GET /api/history/{symbol}?interval=1m&limit=100',
        urls: SYMBOLS.map((s) => `${platform.url}/api/history/${s}?interval=1m&limit=100`),
      },
    ];
    const results: Record<string, unknown>[] = [];
    for (const endpoint of endpoints) {
      // Unmeasured warmup at the same rate: JIT, connection pool and the recent-bars cache, as in steady state.
      await load(endpoint.urls, rate, WARMUP_S);
      results.push({ name: endpoint.name, ...(await load(endpoint.urls, rate, seconds)) });
      process.stderr.write(`api: ${JSON.stringify(results.at(-1))}\n`);
    }
    const bareUrls = SYMBOLS.map((s) => `${bareUrl}/quote/${s}`);
    await load(bareUrls, rate, WARMUP_S);
    const baseline = await load(bareUrls, rate, seconds);
    return {
      bench: 'api',
      workload: {
        rate_per_s: rate,
        seconds_per_endpoint: seconds,
        warmup_s_per_endpoint: WARMUP_S,
        mode: 'open loop, latency from the scheduled send time, keep-alive',
        history_rows: SYMBOLS.length * BARS_PER_SYMBOL,
        baseline: 'bare express handler returning a quote-sized JSON object',
      },
      endpoints: results,
      baseline,
    };
  } finally {
    await new Promise((resolve) => {
      bareServer.close(resolve);
    });
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
