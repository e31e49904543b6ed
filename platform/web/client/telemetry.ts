import type { MarketConnection, ProblemKind, SessionKind } from './connection.ts';

/** Lag samples kept per report; beyond it, reservoir sampling keeps a uniform sample. */
const MAX_SAMPLES = 200;
const REPORT_EVERY_MS = 30_000;
export const CLIENT_METRICS_PATH = '/api/web/client-metrics';

export interface ClientReport {
  sessions: Record<SessionKind, number>;
  problems: Record<ProblemKind, number>;
  /** Tick time to arrival in this browser, ms (clock skew included; negative values clipped to 0). */
  lagMs: number[];
}

/**
 * Real-user monitoring of the live stream: how sessions start (resumed or replaced after a drop), the
 * problems seen, and tick-to-browser lag, reported to the platform every 30 s and when the page is hidden.
 */
export function reportClientMetrics(connection: MarketConnection): void {
  let report = empty();
  let seen = 0;
  connection.listen({
    welcome: (kind) => {
      report.sessions[kind] += 1;
    },
    problem: (_text, kind) => {
      report.problems[kind] += 1;
    },
    message: (message) => {
      if (message.type !== 'update') return;
      const first = message.quotes[0];
      if (first === undefined) return;
      const lag = Math.max(0, Date.now() - first.ts);
      seen += 1;
      if (report.lagMs.length < MAX_SAMPLES) report.lagMs.push(lag);
      else {
        const slot = Math.floor(Math.random() * seen);
        if (slot < MAX_SAMPLES) report.lagMs[slot] = lag;
      }
    },
  });
  const flush = (beacon: boolean) => {
    const counts = [...Object.values(report.sessions), ...Object.values(report.problems)];
    if (report.lagMs.length === 0 && counts.every((n) => n === 0)) return;
    const body = JSON.stringify(report);
    report = empty();
    seen = 0;
    if (beacon) navigator.sendBeacon(CLIENT_METRICS_PATH, new Blob([body], { type: 'application/json' }));
    else
      void fetch(CLIENT_METRICS_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        keepalive: true,
      }).catch(() => undefined);
  };
  window.setInterval(() => {
    flush(false);
  }, REPORT_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush(true);
  });
}

function empty(): ClientReport {
  return {
    sessions: { new: 0, resumed: 0, replaced: 0 },
    problems: { server: 0, unreadable: 0, gap: 0, watchdog: 0 },
    lagMs: [],
  };
}
