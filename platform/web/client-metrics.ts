import type { Router } from 'express';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import type { BuiltApp } from './build.ts';

const count = z.number().int().min(0).max(100_000);
/** What the browser's telemetry.ts reports (ClientReport); bounded so one client cannot skew much. */
const clientReport = z.strictObject({
  sessions: z.strictObject({ new: count, resumed: count, replaced: count }),
  problems: z.strictObject({ server: count, unreadable: count, gap: count, watchdog: count }),
  lagMs: z.array(z.number().min(0).max(86_400_000)).max(200),
});

/**
 * The web app's metrics: its build, and what browsers report about the live stream (real-user
 * monitoring): how sessions start after a drop, problems, and tick-to-browser lag.
 */
export function webMetrics(registry: Registry) {
  const registers = [registry];
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
    help: 'Time the in-process esbuild build of the web app took at start',
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
    /** POST /api/web/client-metrics: 204, or 400 naming what is wrong. */
    mount(api: Router): void {
      api.post('/web/client-metrics', (req, res) => {
        const report = clientReport.parse(req.body);
        for (const [kind, n] of Object.entries(report.sessions)) if (n > 0) sessions.inc({ kind }, n);
        for (const [kind, n] of Object.entries(report.problems)) if (n > 0) problems.inc({ kind }, n);
        for (const ms of report.lagMs) lag.observe(ms / 1000);
        res.status(204).end();
      });
    },
  };
}
