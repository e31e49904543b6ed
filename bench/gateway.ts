import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { createHttpApp } from '../platform/http/app.ts';
import { Health } from '../platform/http/health.ts';
import type { Identity } from '../platform/identity/identity.ts';
import { routePermissions } from '../platform/identity/permissions.ts';
import { platformIdentity } from '../platform/identity/platform-identity.ts';
import { runAs } from '../platform/identity/principal.ts';
import { RouteMatcher } from '../platform/identity/route-matcher.ts';
import { loadIdentitySettings } from '../platform/identity/settings.ts';
import { createLogger } from '../platform/telemetry/logger.ts';
import { createMetrics } from '../platform/telemetry/metrics.ts';
import { percentile, round } from './support/stats.ts';

/**
 * The cost of the access layer: one quote-sized handler at GET /api/quotes/:symbol (market data not public, so it
 * needs credentials) served by the platform's HTTP app with the access middleware, called with a session cookie and
 * with an API token, and the same handler in the same app without the middleware ("bare"), all in one run.
 * Per variant: the highest rate 32 concurrent clients get (closed loop) with the server's CPU time per request, and
 * p50/p99 at a fixed open-loop rate of a quarter of the bare median maximum (latency from each request's scheduled
 * time). Every round measures the three maxima back to back (order rotated), then the three latencies in one stream
 * whose requests take turns between the variants; rates are medians over rounds with their spread and their ratios to
 * bare medians of the ratios within each round; latencies pool each variant's requests of all rounds, and the p99
 * ratio is also given per round (median and range of the paired ratios). The load generator is a child process with
 * a minimal HTTP client (bench/gateway/load.ts); a full collection runs before every measurement. The access
 * middleware's CPU per request and that of each of its steps are measured alone at the end. The load averages before
 * and after are printed with them.
 * Target: p99 at most 1.3x and rate at least 70% of bare.
 *
 * Args: --quick (3 rounds), --seconds=N per measurement (1), --rounds=N (15), --open-fraction=F (0.25).
 */

function option(args: readonly string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const quote = { symbol: 'AAPL', price: 189.25, change: 1.75, changePct: 0.93, volume: 51_234_000, ts: Date.now() };
const handler: RequestHandler = (_req, res) => {
  res.json({ ...quote, ts: Date.now() });
};

function serve(access: RequestHandler): Promise<Server> {
  const { app, api } = createHttpApp({
    metrics: createMetrics(),
    health: new Health(),
    logger: createLogger({ service: 'bench', level: 'silent' }),
    access,
  });
  api.get('/quotes/:symbol', handler);
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  not_sent: number;
  /** Open loop only: every request's latency. */
  latencies?: number[];
}

/** The load generator: one child process for the run, one job at a time. */
function loadGenerator(): { load: (job: Record<string, unknown>) => Promise<Figures[]>; close: () => void } {
  const child = fork(new URL('./gateway/load.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending: { resolve: (f: Figures[]) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (figures) => {
    pending?.resolve(figures as Figures[]);
    pending = undefined;
  });
  child.once('exit', (code) => {
    pending?.reject(new Error(`load generator exited with ${String(code)}`));
    pending = undefined;
  });
  return {
    load: (job) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(job);
      }),
    close: () => {
      if (child.connected) child.send('end');
    },
  };
}

/**
 * CPU time of the access middleware alone per request (no sockets), which the shared machine's load does not
 * blur as much as latency: `n` calls with the given headers through to `next()`.
 */
async function middlewareMicros(access: RequestHandler, headers: Record<string, string>, n: number): Promise<number> {
  const req = {
    method: 'GET',
    path: '/api/quotes/AAPL',
    ip: '127.0.0.1',
    headers,
    header: (name: string) => headers[name.toLowerCase()],
  };
  const res = { setHeader: () => res, status: () => res, json: () => res };
  const once = () =>
    new Promise<void>((resolve, reject) => {
      access(req as never, res as never, (error?: unknown) => {
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('the access middleware failed'));
      });
    });
  for (let i = 0; i < 10_000; i++) await once();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await once();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / n) * 100) / 100;
}

/** CPU time per call of each step of the access middleware alone (after 1,000 warm-up calls each). */
async function stepMicros(
  identity: Identity,
  headers: Record<'session' | 'token', Record<string, string>>,
  n: number,
): Promise<Record<string, number>> {
  const perCall = async (f: () => unknown): Promise<number> => {
    for (let i = 0; i < 1_000; i++) await f();
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await f();
    const used = process.cpuUsage(before);
    return Math.round(((used.user + used.system) / n) * 100) / 100;
  };
  const request = (name: 'session' | 'token') => ({ headers: headers[name] }) as unknown as IncomingMessage;
  const principal = identity.authenticate(request('token'));
  if (principal === 'invalid') throw new Error("the bench's token was not accepted");
  const matcher = new RouteMatcher(routePermissions);
  return {
    authenticate_session: await perCall(() => identity.authenticate(request('session'))),
    authenticate_token: await perCall(() => identity.authenticate(request('token'))),
    route_permission: await perCall(() => matcher.permissionOf('GET', '/api/quotes/AAPL')),
    rate_limit: await perCall(() => identity.rateLimits.consume({ actor: 'user:bench' })),
    // The frame the rest of the request runs in (AsyncLocalStorage), with one promise made in it as a handler would.
    run_as: await perCall(() => {
      runAs({}, principal, () => void Promise.resolve());
    }),
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};
const spread = (xs: readonly number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
const r2 = (x: number): number => Math.round(x * 100) / 100;

type Variant = 'session' | 'token' | 'bare';
const variantNames: readonly Variant[] = ['session', 'token', 'bare'];

/**
 * Before every measurement a full collection (the bench runs with --expose-gc), so that garbage the previous one left
 * is not collected during whichever variant comes next.
 */
const settle = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

/** One closed-loop measurement with the server's CPU time per request (this process serves; the load is a child). */
async function maxRate(
  load: (job: Record<string, unknown>) => Promise<Figures[]>,
  job: Record<string, unknown>,
): Promise<Figures & { cpu_us: number }> {
  settle();
  const before = process.cpuUsage();
  const [figures] = await load(job);
  if (figures === undefined) throw new Error('the load generator answered no figures');
  const used = process.cpuUsage(before);
  const served = figures.rps * Number(job.seconds);
  return { ...figures, cpu_us: served > 0 ? Math.round(((used.user + used.system) / served) * 10) / 10 : Number.NaN };
}

export default async function gateway(args: readonly string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const seconds = Number(option(args, 'seconds') ?? 1);
  const rounds = Number(option(args, 'rounds') ?? (quick ? 3 : 15));
  // A quarter of capacity: at half, the shared machine's swings in capacity (2-3x between seconds) saturate some
  // rounds, and their p99 measures that queue instead of the request's cost.
  const openFraction = Number(option(args, 'open-fraction') ?? 0.25);
  const loadBefore = loadavg().map(r2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const settings = loadIdentitySettings({
    PUBLIC_MARKET_DATA: 'false',
    ADMIN_PASSWORD: 'bench-admin-password',
    RATE_LIMIT_PER_MINUTE: '10000000',
  });
  const identity = platformIdentity(
    dir,
    settings,
    createMetrics().registry,
    createLogger({ service: 'b', level: 'silent' }),
  );
  await identity.identity.users.put('bench', 'viewer', 'bench-password-long');
  const session = identity.identity.sessions.create('bench');
  const token = identity.identity.tokens.create('bench', 'viewer').secret;
  const gated = await serve(identity.access);
  const bare = await serve((_req, _res, next) => {
    next();
  });
  const url = (server: Server) => `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/api/quotes/AAPL`;
  const variants: Record<Variant, { url: string; headers: Record<string, string> }> = {
    session: { url: url(gated), headers: { cookie: `${identity.identity.cookieName}=${session.id}` } },
    token: { url: url(gated), headers: { authorization: `Bearer ${token}` } },
    bare: { url: url(bare), headers: {} },
  };
  const max: Record<Variant, (Figures & { cpu_us: number })[]> = { session: [], token: [], bare: [] };
  const open: Record<Variant, Figures[]> = { session: [], token: [], bare: [] };
  // Each round runs every variant back to back (order rotated), so a round's ratios compare measurements taken
  // within seconds of each other: the machine's load drifts over minutes, and the median of paired ratios is what
  // that drift blurs least.
  const order = (round: number): Variant[] => variantNames.map((_, i) => variantNames[(i + round) % 3] ?? 'bare');
  const generator = loadGenerator();
  const load = generator.load;
  try {
    // Warm-up (JIT, SQLite caches); then the maximum rates; then latency at a fraction of the bare median maximum.
    for (const name of variantNames)
      await load({ targets: [variants[name]], mode: 'max', rate: 1, concurrency: 8, seconds: 1 });
    for (let round = 0; round < rounds; round++)
      for (const name of order(round))
        max[name].push(
          await maxRate(load, { targets: [variants[name]], mode: 'max', rate: 1, concurrency: 32, seconds }),
        );
    const rate = Math.max(100, Math.round(median(max.bare.map((f) => f.rps)) * openFraction));
    for (let round = 0; round < rounds; round++) {
      // The three variants' requests take turns in one open-loop stream at the same total rate, three times as long
      // (so each gets as many requests as alone): whatever stalls the machine meets all three alike.
      const names = order(round);
      settle();
      const figures = await load({
        targets: names.map((name) => variants[name]),
        mode: 'open',
        rate,
        concurrency: 1,
        seconds: seconds * names.length,
      });
      names.forEach((name, i) => {
        const f = figures[i];
        if (f !== undefined) open[name].push(f);
      });
    }
    // Latency: each variant's requests of every round pooled (the rounds interleave, so each variant meets the
    // machine's hiccups alike); the spread is that of the per-round p99s.
    const pooled = (name: Variant) => open[name].flatMap((f) => f.latencies ?? []);
    const summary = (name: Variant) => ({
      rps: median(max[name].map((f) => f.rps)),
      p50_ms: round(percentile(pooled(name), 50), 3),
      p99_ms: round(percentile(pooled(name), 99), 3),
      rps_spread: spread(max[name].map((f) => f.rps)),
      p99_spread: spread(open[name].map((f) => f.p99_ms)),
      // The round the machine disturbed least (the same number of tries for every variant).
      p99_best_round_ms: Math.min(...open[name].map((f) => f.p99_ms)),
      server_cpu_us_per_request: median(max[name].map((f) => f.cpu_us)),
      errors: [...max[name], ...open[name]].reduce((s, f) => s + f.errors + f.not_sent, 0),
    });
    const figures = { session: summary('session'), token: summary('token'), bare: summary('bare') };
    const micros = {
      session: await middlewareMicros(identity.access, variants.session.headers, 20_000),
      token: await middlewareMicros(identity.access, variants.token.headers, 20_000),
    };
    const steps = await stepMicros(
      identity.identity,
      { session: variants.session.headers, token: variants.token.headers },
      20_000,
    );
    /** Per round, the variant's figure over bare's in the same round: median and range over rounds. */
    const paired = (name: 'session' | 'token', pick: (f: Figures) => number, from: Record<Variant, Figures[]>) => {
      const ratios = from[name].map((f, i) => pick(f) / pick(from.bare[i] ?? f));
      return { median: r2(median(ratios)), spread: spread(ratios).map(r2) };
    };
    const ratio = (name: 'session' | 'token') => ({
      p99_vs_bare: r2(figures[name].p99_ms / figures.bare.p99_ms),
      p99_vs_bare_per_round: paired(name, (f) => f.p99_ms, open),
      p99_best_round_vs_bare: r2(figures[name].p99_best_round_ms / figures.bare.p99_best_round_ms),
      rps_vs_bare: paired(name, (f) => f.rps, max),
      cpu_rate_vs_bare: r2(figures.bare.server_cpu_us_per_request / figures[name].server_cpu_us_per_request),
    });
    return {
      bench: 'gateway',
      ...figures,
      open_loop_rate: rate,
      open_loop_fraction_of_bare_max: openFraction,
      access_middleware_cpu_us: micros,
      access_steps_cpu_us: steps,
      rounds,
      seconds,
      ratios: { session: ratio('session'), token: ratio('token') },
      target: { p99_vs_bare_max: 1.3, rps_vs_bare_min: 0.7 },
      load_average: { before: loadBefore, after: loadavg().map(r2) },
    };
  } finally {
    generator.close();
    gated.close();
    bare.close();
    await identity.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
