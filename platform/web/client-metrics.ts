import type { Request, Router } from 'express';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { addressKey } from '../http/address-key.ts';
import { openApi, type ApiOperation } from '../http/openapi.ts';
import type { BuiltApp } from './build.ts';

/**
 * What the browser's telemetry.ts reports (ClientReport) every 30 s: counts bounded by what one browser can see in
 * that time (a session at most every second; problems are rarer still), so one report cannot skew the metrics.
 */
const clientReport = z.strictObject({
  sessions: z.strictObject({
    new: z.number().int().min(0).max(30),
    resumed: z.number().int().min(0).max(30),
    replaced: z.number().int().min(0).max(30),
  }),
  problems: z.strictObject({
    server: z.number().int().min(0).max(100),
    unreadable: z.number().int().min(0).max(100),
    gap: z.number().int().min(0).max(100),
    watchdog: z.number().int().min(0).max(100),
  }),
  lagMs: z.array(z.number().min(0).max(86_400_000)).max(200),
});

export interface ClientReportLimits {
  /** Reports one address (an IPv6 /64) may send per 30 s: the timer's plus a few page-hidden flushes. */
  readonly perAddress: number;
  /** Reports counted per 30 s from everyone together: bounds what many addresses can add. */
  readonly total: number;
}

const defaultLimits: ClientReportLimits = { perAddress: 4, total: 5_000 };

const reportOperation: ApiOperation = {
  method: 'post',
  path: '/web/client-metrics',
  summary: "A browser's real-user report of the live stream (sessions, problems, tick lag) for the last 30 s",
  tags: ['web'],
  body: clientReport,
  responses: {
    204: { description: 'counted' },
    400: { description: 'invalid report' },
    429: { description: 'too many reports from this address or from everyone; nothing counted' },
  },
};

/** The client's address, IPv6 reduced to its /64 (one host commonly owns a whole /64). */
const clientKey = (req: Request): string => addressKey(req.ip ?? req.socket.remoteAddress);

/** Takes one report from the limiters; false when this address or everyone together is over the limit. */
async function admitted(limiter: RateLimiterMemory, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}

/**
 * The web app's metrics: its build, and what browsers report about the live stream (real-user
 * monitoring): how sessions start after a drop, problems, and tick-to-browser lag.
 */
export function webMetrics(registry: Registry, limits: ClientReportLimits = defaultLimits) {
  const registers = [registry];
  const perAddress = new RateLimiterMemory({ points: limits.perAddress, duration: 30 });
  const total = new RateLimiterMemory({ points: limits.total, duration: 30 });
  const sessions = new Counter({
    name: 'insitechart_web_client_sessions_total',
    help: 'Stream sessions browsers started, by kind (new, resumed after a drop, replaced by a fresh one)',
    labelNames: ['kind'],
    registers,
  });
  const problems = new Counter({
    name: 'insitechart_web_client_problems_total',
    help: 'Stream problems browsers saw, by kind (server error, unreadable message, sequence gap, heartbeat watchdog)',
    labelNames: ['kind'],
    registers,
  });
  const lag = new Histogram({
    name: 'insitechart_web_client_tick_lag_seconds',
    help: 'Tick time to arrival in the browser (sampled; includes client clock skew)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const buildSeconds = new Gauge({
    name: 'insitechart_web_build_duration_seconds',
    help: 'Time the web app took to build at start (to read when the build cache matches its sources)',
    registers,
  });
  const bundleBytes = new Gauge({
    name: 'insitechart_web_bundle_bytes',
    help: 'Size of the web app JS and CSS, raw and brotli-compressed',
    labelNames: ['encoding'],
    registers,
  });
  return {
    built(app: BuiltApp): void {
      buildSeconds.set(app.buildMs / 1000);
      bundleBytes.set({ encoding: 'identity' }, app.bytes.raw);
      bundleBytes.set({ encoding: 'br' }, app.bytes.brotli);
    },
    /** POST /api/web/client-metrics: 204, 400 naming what is wrong, or 429 over the rate (nothing counted). */
    mount(api: Router): void {
      api.post('/web/client-metrics', async (req, res) => {
        const report = clientReport.parse(req.body);
        if (!(await admitted(perAddress, clientKey(req))) || !(await admitted(total, 'all'))) {
          res.setHeader('Retry-After', '30');
          res.status(429).json({ error: 'too many client reports; try again in 30 s' });
          return;
        }
        for (const [kind, n] of Object.entries(report.sessions)) if (n > 0) sessions.inc({ kind }, n);
        for (const [kind, n] of Object.entries(report.problems)) if (n > 0) problems.inc({ kind }, n);
        for (const ms of report.lagMs) lag.observe(ms / 1000);
        res.status(204).end();
      });
      openApi.add(reportOperation);
    },
  };
}
