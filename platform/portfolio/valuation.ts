import type { Position } from './store.ts';

export interface LastPrice {
  readonly price: number;
  readonly ts: number;
}

export interface DailyClose {
  readonly start: number;
  readonly close: number;
}

/** Where live prices come from (the latest trade) and the daily closes the performance series uses. */
export interface PriceSource {
  last(symbol: string): LastPrice | undefined;
  /** Daily closes, oldest first. */
  dailyCloses(symbol: string): readonly DailyClose[];
}

export interface PositionValue extends Position {
  readonly costBasis: number;
  /** null until the symbol has traded since the start. */
  readonly price: number | null;
  readonly priceAt: number | null;
  readonly marketValue: number | null;
  readonly unrealizedPnl: number | null;
  /** unrealizedPnl / costBasis. */
  readonly unrealizedReturn: number | null;
  /** Against the previous daily close. */
  readonly dayChange: number | null;
  readonly dayReturn: number | null;
}

export interface Totals {
  readonly costBasis: number;
  /** Of the priced positions only (see `unpriced`). */
  readonly marketValue: number;
  readonly unrealizedPnl: number;
  readonly unrealizedReturn: number | null;
  readonly unpriced: string[];
}

/** The current holdings valued at each day's close: what they returned and their worst fall. */
export interface Performance {
  /** Days in the series (common daily closes of every holding, then the live value). */
  readonly n: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly periodReturn: number | null;
  /** Largest peak-to-trough fall of the series, as a fraction (0.12 = 12 %). */
  readonly maxDrawdown: number | null;
  readonly peakAt: number | null;
  readonly troughAt: number | null;
  readonly series: { readonly start: number; readonly value: number }[];
  readonly warning?: string;
}

/** Fewer days than this and the performance figures come with a warning. */
export const MIN_PERFORMANCE_DAYS = 20;

const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function valuePositions(positions: readonly Position[], prices: PriceSource): PositionValue[] {
  return positions.map((p) => {
    const last = prices.last(p.symbol);
    const costBasis = p.quantity * p.averageCost;
    if (last === undefined)
      return {
        ...p,
        costBasis: round(costBasis),
        price: null,
        priceAt: null,
        marketValue: null,
        unrealizedPnl: null,
        unrealizedReturn: null,
        dayChange: null,
        dayReturn: null,
      };
    const marketValue = p.quantity * last.price;
    const closes = prices.dailyCloses(p.symbol);
    // The previous close: the last daily bar that ended before the live price's trade.
    const previous = closes.findLast((c) => c.start + 86_400_000 <= last.ts);
    return {
      ...p,
      costBasis: round(costBasis),
      price: last.price,
      priceAt: last.ts,
      marketValue: round(marketValue),
      unrealizedPnl: round(marketValue - costBasis),
      unrealizedReturn: costBasis > 0 ? round(marketValue / costBasis - 1) : null,
      dayChange: previous === undefined ? null : round(p.quantity * (last.price - previous.close)),
      dayReturn: previous === undefined ? null : round(last.price / previous.close - 1),
    };
  });
}

export function totals(values: readonly PositionValue[]): Totals {
  const priced = values.filter((v) => v.marketValue !== null);
  const costBasis = priced.reduce((s, v) => s + v.costBasis, 0);
  const marketValue = priced.reduce((s, v) => s + (v.marketValue ?? 0), 0);
  return {
    costBasis: round(costBasis),
    marketValue: round(marketValue),
    unrealizedPnl: round(marketValue - costBasis),
    unrealizedReturn: costBasis > 0 ? round(marketValue / costBasis - 1) : null,
    unpriced: values.filter((v) => v.marketValue === null).map((v) => v.symbol),
  };
}

/** The holdings' value at each common daily close (at most `days`), ending with the live value. */
export function performance(positions: readonly Position[], prices: PriceSource, days: number): Performance {
  const byStart = new Map<number, number>();
  const counts = new Map<number, number>();
  for (const p of positions)
    for (const c of prices.dailyCloses(p.symbol)) {
      byStart.set(c.start, (byStart.get(c.start) ?? 0) + p.quantity * c.close);
      counts.set(c.start, (counts.get(c.start) ?? 0) + 1);
    }
  const series = [...byStart]
    .filter(([start]) => counts.get(start) === positions.length)
    .sort((a, b) => a[0] - b[0])
    .slice(-days)
    .map(([start, value]) => ({ start, value: round(value) }));
  const live = positions.map((p) => prices.last(p.symbol));
  const lastStart = series.at(-1)?.start ?? -Infinity;
  const newest = Math.max(...live.map((l) => l?.ts ?? -Infinity));
  if (positions.length > 0 && live.every((l) => l !== undefined) && newest > lastStart + 86_400_000)
    series.push({
      start: newest,
      value: round(positions.reduce((s, p, i) => s + p.quantity * (live[i]?.price ?? 0), 0)),
    });
  let peak = series[0];
  let drawdown = 0;
  let peakAt: number | null = null;
  let troughAt: number | null = null;
  for (const point of series) {
    if (peak === undefined || point.value > peak.value) peak = point;
    const fall = 1 - point.value / peak.value;
    if (fall > drawdown) {
      drawdown = fall;
      peakAt = peak.start;
      troughAt = point.start;
    }
  }
  const first = series[0];
  const last = series.at(-1);
  const n = series.length;
  return {
    n,
    from: first?.start ?? null,
    to: last?.start ?? null,
    periodReturn: first !== undefined && last !== undefined ? round(last.value / first.value - 1) : null,
    maxDrawdown: n >= 2 ? round(drawdown) : null,
    peakAt,
    troughAt,
    series,
    ...(n < MIN_PERFORMANCE_DAYS
      ? {
          warning: `only ${String(n)} days of prices for these holdings; at least ${String(MIN_PERFORMANCE_DAYS)} are needed for returns and drawdown to mean much`,
        }
      : {}),
  };
}
