import { intervals, type Interval } from '../../protocol.ts';
import { barKey, type Subscriptions } from '../../subscriptions.ts';

/** The connection owner of the markets chart's subscription (the view's, and main.ts's before the view exists). */
export const CHART_OWNER = 'markets-chart';
export const DEFAULT_INTERVAL: Interval = '1m';
const DEFAULT_SYMBOL = 'AAPL';

export interface ChartSelection {
  readonly symbol: string;
  readonly interval: Interval;
}

export function isInterval(value: string | null): value is Interval {
  return (intervals as readonly (string | null)[]).includes(value);
}

/**
 * What a markets route (`?s=AAPL&i=1m`) charts: its symbol and interval; without them the current selection, else the
 * watchlist's first symbol and the default interval.
 */
export function chartSelection(
  params: URLSearchParams,
  current: ChartSelection | undefined,
  watchlist: readonly string[],
): ChartSelection {
  const symbol = (params.get('s') ?? current?.symbol ?? '').toUpperCase() || (watchlist[0] ?? DEFAULT_SYMBOL);
  const raw = params.get('i');
  return { symbol, interval: isInterval(raw) ? raw : (current?.interval ?? DEFAULT_INTERVAL) };
}

/** The chart's subscription: the symbol's quote and its bars at the interval. */
export const chartWants = ({ symbol, interval }: ChartSelection): Subscriptions => ({
  quotes: new Set([symbol]),
  bars: new Set([barKey(symbol, interval)]),
});
