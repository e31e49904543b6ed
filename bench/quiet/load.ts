/**
 * Steady mixed load on a running platform: one request every 1000 / rate ms (open loop: a slow answer does
 * not slow the sending), rotating over quotes, one symbol's quote and history, the symbol list, analytics,
 * sentiment, the incidents list and the web page, as a user session does. Counts what failed.
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
}

export function startLoad(target: ApiTarget, rate: number): { counts: LoadCounts; stop(): void } {
  const symbols = instruments.slice(0, 20).map((i) => i.symbol);
  const counts: LoadCounts = { sent: 0, failed: 0, serverErrors: 0, refused: 0 };
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
  const timer = setInterval(() => {
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
  }, 1000 / rate);
  return {
    counts,
    stop: () => {
      clearInterval(timer);
    },
  };
}
