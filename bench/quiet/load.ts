/**
 * Steady mixed load on a running platform: one request every 1000 / rate ms (open loop: a slow answer does
 * not slow the sending), rotating over quotes, one symbol's quote and history, the symbol list, analytics,
 * sentiment, the incidents list and the web page, as a population of users does: the test platform's viewer, trader
 * and on-call identities in turn (API tokens, each with its own rate allowance; traders never ask for incidents, which
 * their role may not read), and
 * per-symbol requests only for symbols the platform quotes, as its own quote list names them (a watchlist's view).
 * Counts what failed, and what was refused by status and route.
 * The schedule is kept: the generator shares the platform's event loop, and a timer that the loop (or a
 * loaded machine) delays fires once, not once per missed interval, so each tick sends every request due
 * by then. Without that the load thinned whenever the machine was busy, and the platform's request rate,
 * a watched series, dipped with it. `behindMax` is the most requests one tick had to catch up.
 */
import { apiFetch } from '../../platform/testing/api-client.ts';
import type { ApiTarget } from '../../platform/testing/api-client.ts';
import type { Role } from '../../platform/identity/permissions.ts';
import { z } from 'zod';

export interface LoadCounts {
  sent: number;
  failed: number;
  serverErrors: number;
  /** Answers 4xx: a load that is refused (no credentials, rate limited) does not exercise the platform. */
  refused: number;
  /** The most requests one timer tick sent late (the event loop had delayed it). */
  behindMax: number;
  /** Refused answers (4xx) by status and route, e.g. `403 GET /api/sentiment` (at most 8 routes x statuses). */
  refusedBy: Record<string, number>;
}

/** Who may ask what: market reads come from every kind of signed-in user, the incidents list not from traders. */
const marketReaders: readonly Role[] = ['viewer', 'trader', 'oncall'];
const opsReaders: readonly Role[] = ['viewer', 'oncall'];
const quoteList = z.object({ quotes: z.array(z.object({ symbol: z.string() })) });

export function startLoad(target: ApiTarget, rate: number): { counts: LoadCounts; stop(): void } {
  /** The symbols the platform quotes, as its last answer to GET /api/quotes listed them (a watchlist's view). */
  let quoted: readonly string[] = [];
  const counts: LoadCounts = { sent: 0, failed: 0, serverErrors: 0, refused: 0, behindMax: 0, refusedBy: {} };
  const mix = [
    { route: '/api/quotes', path: () => '/api/quotes', as: marketReaders },
    { route: '/api/quotes/:symbol', path: (s: string) => `/api/quotes/${s}`, as: marketReaders, perSymbol: true },
    {
      route: '/api/history/:symbol',
      path: (s: string) => `/api/history/${s}?interval=1m&limit=100`,
      as: marketReaders,
      perSymbol: true,
    },
    { route: '/api/symbols', path: () => '/api/symbols?q=A', as: marketReaders },
    { route: '/api/analytics/symbols', path: () => '/api/analytics/symbols', as: marketReaders },
    { route: '/api/sentiment', path: () => '/api/sentiment', as: marketReaders },
    { route: '/api/incidents', path: () => '/api/incidents?limit=20', as: opsReaders },
    { route: '/', path: () => '/', as: marketReaders },
  ] as const;
  const send = (): void => {
    const n = counts.sent;
    const round = Math.floor(n / mix.length);
    const symbol = quoted[round % Math.max(1, quoted.length)];
    const chosen = mix[n % mix.length] ?? mix[0];
    // Until the platform has listed what it quotes, a per-symbol request asks for the list instead.
    const request = symbol === undefined && 'perSymbol' in chosen ? mix[0] : chosen;
    counts.sent += 1;
    apiFetch(target, request.path(symbol ?? ''), { as: request.as[round % request.as.length] ?? 'viewer' })
      .then(async (res) => {
        if (res.status >= 500) counts.serverErrors += 1;
        else if (res.status >= 400) {
          counts.refused += 1;
          const key = `${String(res.status)} GET ${request.route}`;
          counts.refusedBy[key] = (counts.refusedBy[key] ?? 0) + 1;
        }
        if (request === mix[0] && res.status === 200) {
          const list = quoteList.safeParse(await res.json());
          if (list.success) quoted = list.data.quotes.map((q) => q.symbol);
        } else await res.arrayBuffer();
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
      if (counts.refused > 0) process.stderr.write(`quiet load: refused ${JSON.stringify(counts.refusedBy)}\n`);
    },
  };
}
