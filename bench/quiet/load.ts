/**
 * Steady mixed load on a running platform: one request every 1000 / rate ms (open loop: a slow answer does
 * not slow the sending), rotating over quotes, one symbol's quote and history, the symbol list, analytics,
 * sentiment, the incidents list and the web page, as a user session does. Counts what failed.
 * The schedule is kept: the generator shares the platform's event loop, and a timer that the loop (or a
 * loaded machine) delays fires once, not once per missed interval, so each tick sends every request due
 * by then. Without that the load thinned whenever the machine was busy, and the platform's request rate,
 * a watched series, dipped with it. `behindMax` is the most requests one tick had to catch up.
 */
import { apiFetch } from '../../platform/testing/api-client.ts';
import type { ApiTarget } from '../../platform/testing/api-client.ts';
import { instruments } from '../../platform/reference/instruments.ts';

export interface LoadCounts {
  sent: number;
  failed: number;
  serverErrors: number;
  /** Answers 4xx: a load that is refused (no credentials, rate limited) does not exercise the platform. */
  refused: number;
  /** The most requests one timer tick sent late (the event loop had delayed it). */
  behindMax: number;
}

export function startLoad(target: ApiTarget, rate: number): { counts: LoadCounts; stop(): void } {
  const symbols = instruments.slice(0, 20).map((i) => i.symbol);
  const counts: LoadCounts = { sent: 0, failed: 0, serverErrors: 0, refused: 0, behindMax: 0 };
  const paths = (n: number): string => {
    const symbol = symbols[n % symbols.length] ?? 'AAPL';
    const mix = [
      '/api/quotes',
      `/api/quotes/${symbol}`,
      `/api/history/${symbol}?interval=1m&limit=100`,
      '/api/symbols?q=A',
      '/api/analytics/symbols',
      '/api/sentiment',
      '/api/incidents?limit=20',
      '/',
    ];
    return mix[n % mix.length] ?? '/';
  };
  const send = (): void => {
    const path = paths(counts.sent);
    counts.sent += 1;
    apiFetch(target, path)
      .then(async (res) => {
        if (res.status >= 500) counts.serverErrors += 1;
        else if (res.status >= 400) counts.refused += 1;
        await res.arrayBuffer();
      })
      .catch(() => {
        counts.failed += 1;
      });
  };
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * rate) / 1000);
    counts.behindMax = Math.max(counts.behindMax, due - counts.sent - 1);
    while (counts.sent < due) send();
  }, 1000 / rate);
  return {
    counts,
    stop: () => {
      clearInterval(timer);
    },
  };
}
