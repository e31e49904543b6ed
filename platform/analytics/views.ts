/**
 * Multi-dimensional views: price-sentiment-volume for one symbol, correlation within and between sectors,
 * and correlation by market regime (high vs low volatility of a market proxy).
 */
import { fisherZTest } from './change.ts';
import { correlationMatrix, pearson, type Correlation } from './correlation.ts';
import { AnalyticsInputError, requireLength } from './errors.ts';
import { logReturns } from './returns.ts';

export interface PriceSentimentVolume {
  readonly n: number;
  /** Pearson correlations of same-period return, sentiment, log volume change and absolute return. */
  readonly variables: string[];
  readonly matrix: number[][];
  readonly pvalues: number[][];
  /** Does sentiment lead returns? corr(sentiment_t, return_{t+1}) and the reverse. */
  readonly sentimentLeadsReturn: Correlation;
  readonly returnLeadsSentiment: Correlation;
  /** Does volume lead absolute returns? corr(volume change_t, |return|_{t+1}). */
  readonly volumeLeadsAbsReturn: Correlation;
}

/**
 * closes, volumes and sentiment are aligned per period (sentiment: the period's mean score, NaN if none).
 * Periods with a missing value are dropped (listwise).
 */
export function priceSentimentVolume(
  closes: readonly number[],
  volumes: readonly number[],
  sentiment: readonly number[],
): PriceSentimentVolume {
  if (closes.length !== volumes.length || closes.length !== sentiment.length)
    throw new AnalyticsInputError('closes, volumes and sentiment must have the same length');
  const r = logReturns(closes);
  const v = logReturns(volumes.map((x) => x + 1)); // +1: a period without trades is not an infinite change
  const s = Float64Array.from(sentiment.slice(1));
  const abs = r.map((x) => Math.abs(x));
  const keep: number[] = [];
  for (let t = 0; t < r.length; t++) if ([r[t], v[t], s[t]].every((x) => Number.isFinite(x))) keep.push(t);
  requireLength('price-sentiment-volume view (complete periods)', keep.length, 10);
  const pickAt = (x: Float64Array, idx: readonly number[]): Float64Array =>
    Float64Array.from(idx, (t) => x[t] ?? Number.NaN);
  const variables = ['return', 'sentiment', 'volume_change', 'abs_return'];
  const m = correlationMatrix(
    [pickAt(r, keep), pickAt(s, keep), pickAt(v, keep), pickAt(abs, keep)],
    'pearson',
    'listwise',
  );
  const leadPairs = keep.filter((t) => keep.includes(t + 1));
  const lead = (x: Float64Array, y: Float64Array): Correlation =>
    pearson(
      pickAt(x, leadPairs),
      Float64Array.from(leadPairs, (t) => y[t + 1] ?? Number.NaN),
    );
  return {
    n: keep.length,
    variables,
    matrix: m.matrix,
    pvalues: m.pvalues ?? [],
    sentimentLeadsReturn: lead(s, r),
    returnLeadsSentiment: lead(r, s),
    volumeLeadsAbsReturn: lead(v, abs),
  };
}

export interface SectorCorrelation {
  readonly sectors: string[];
  /** Mean pairwise correlation between members of sector a and sector b (diagonal: within the sector). */
  readonly matrix: (number | null)[][];
  readonly members: Record<string, string[]>;
}

export function sectorCorrelation(
  series: readonly ArrayLike<number>[],
  names: readonly string[],
  sectorOf: (symbol: string) => string,
): SectorCorrelation {
  const full = correlationMatrix(series, 'pearson', 'pairwise', { pvalues: false }).matrix;
  const members: Record<string, string[]> = {};
  names.forEach((n) => {
    (members[sectorOf(n)] ??= []).push(n);
  });
  const sectors = Object.keys(members).sort();
  const indexOf = new Map(names.map((n, i) => [n, i]));
  const matrix = sectors.map((a) =>
    sectors.map((b) => {
      let sum = 0;
      let count = 0;
      for (const x of members[a] ?? []) {
        for (const y of members[b] ?? []) {
          if (x === y) continue;
          const r = full[indexOf.get(x) ?? 0]?.[indexOf.get(y) ?? 0] ?? Number.NaN;
          if (Number.isFinite(r)) {
            sum += r;
            count++;
          }
        }
      }
      return count > 0 ? sum / count : null;
    }),
  );
  return { sectors, matrix, members };
}

export interface RegimeCorrelation {
  readonly window: number;
  /** Median rolling volatility of the market proxy: the split between the regimes. */
  readonly threshold: number;
  readonly high: { n: number; matrix: number[][] };
  readonly low: { n: number; matrix: number[][] };
  /** Fisher z test of high vs low for each pair: p-values. */
  readonly differencePvalues: number[][];
}

/**
 * Splits time points by the trailing `window`-period volatility of `market` (returns) at its median and
 * computes the correlation matrix of `series` (returns) in each regime.
 */
export function regimeCorrelation(
  series: readonly ArrayLike<number>[],
  market: ArrayLike<number>,
  window: number,
): RegimeCorrelation {
  const n = market.length;
  if (!Number.isInteger(window) || window < 5)
    throw new AnalyticsInputError(`regime window must be an integer >= 5, got ${window}`);
  for (const s of series)
    if (s.length !== n) throw new AnalyticsInputError(`series lengths differ: ${n} and ${s.length}`);
  requireLength('regime correlation', n, window + 20);
  const vol: number[] = [];
  for (let t = window - 1; t < n; t++) {
    let m = 0;
    for (let i = t - window + 1; i <= t; i++) m += market[i] ?? 0;
    m /= window;
    let ss = 0;
    for (let i = t - window + 1; i <= t; i++) ss += ((market[i] ?? 0) - m) ** 2;
    vol.push(Math.sqrt(ss / (window - 1)));
  }
  const sorted = [...vol].sort((a, b) => a - b);
  const threshold = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const high: number[] = [];
  const low: number[] = [];
  vol.forEach((v, i) => (v > threshold ? high : low).push(i + window - 1));
  const sub = (idx: number[]): Float64Array[] => series.map((s) => Float64Array.from(idx, (t) => s[t] ?? Number.NaN));
  const hi = correlationMatrix(sub(high), 'pearson', 'pairwise', { pvalues: false });
  const lo = correlationMatrix(sub(low), 'pearson', 'pairwise', { pvalues: false });
  const differencePvalues = hi.matrix.map((row, i) =>
    row.map((r, j) =>
      i === j ? 1 : fisherZTest(r, hi.nobs[i]?.[j] ?? 0, lo.matrix[i]?.[j] ?? 0, lo.nobs[i]?.[j] ?? 0).pvalue,
    ),
  );
  return {
    window,
    threshold,
    high: { n: high.length, matrix: hi.matrix },
    low: { n: low.length, matrix: lo.matrix },
    differencePvalues,
  };
}
