/**
 * Per-request work caps: every analytics method's cost in rough units (one unit is about one inner-loop step,
 * ~30 ns here), estimated from the sizes a request asks for before anything is computed. A request over the budget
 * gets a 422 naming its cost, so no request, however shaped, holds the compute worker for long.
 */
import { HttpError } from '../http/errors.ts';
import type { CorrelationMethod } from './correlation.ts';
import type { FixtureFile } from './fixture-file.ts';
import { offsetMs } from './durations.ts';
import { timesOf, type RollingFile } from './fixture-rolling.ts';
import { boundsWork, timeWindowBounds } from './time-window.ts';

/** Default budget: about 3-6 s of compute in the worker on this class of machine. */
export const DEFAULT_MAX_WORK = 200_000_000;

const pairs = (k: number): number => (k * (k - 1)) / 2;

export function correlationWork(k: number, n: number, method: CorrelationMethod, pairwise: boolean): number {
  const perPair = method === 'kendall' ? (n * n) / 2 : method === 'spearman' ? 1.5 * n : n;
  return pairs(k) * perPair * (pairwise ? 2 : 1) + k * n * Math.log2(n + 1);
}

/** Granger's tests at every lag up to `maxlag` plus the lag selection: OLS on up to 2*maxlag+1 columns. */
export function grangerWork(n: number, maxlag: number): number {
  return 3 * n * maxlag ** 3;
}

/** VAR order selection up to `maxlags` (when asked), the fit at `order`, forecasts and impulse responses. */
export function varWork(
  n: number,
  k: number,
  p: { maxlags: number; select: boolean; order: number; steps?: number; periods?: number; deterministic?: number },
): number {
  const select = p.select ? (n * k * k * p.maxlags ** 3) / 3 : 0;
  // Regressors per equation: the lags and the trend's deterministic terms (a constant by default).
  const m = k * p.order + (p.deterministic ?? 1);
  return select + n * m * m + m ** 3 + (p.steps ?? 0) * m * k * 4 + (p.periods ?? 0) * k ** 3 * p.order;
}

export function partialWork(k: number, n: number): number {
  return k * k * n + k ** 3;
}

/** Linear; a time window's correlations are computed afresh per window: at most n points each. */
export function rollingWork(n: number, timed = false): number {
  return 20 * n + (timed ? n * n : 0);
}

export function regimeWork(k: number, n: number, window: number): number {
  return k * n * window;
}

export function graphWork(
  k: number,
  n: number,
  p: { method: 'pairwise' | 'var'; maxlag: number; lag: number | 'aic' },
): number {
  const order = p.lag === 'aic' ? p.maxlag : p.lag;
  const select = p.lag === 'aic' ? varWork(n, k, { maxlags: p.maxlag, select: true, order: 1 }) : 0;
  const tests =
    p.method === 'pairwise'
      ? 2 * pairs(k) * n * (2 * order + 1) ** 2
      : varWork(n, k, { maxlags: 0, select: false, order }) * k;
  return select + tests;
}

/** Refuses a request whose estimated work exceeds the budget. */
export function requireWithinBudget(work: number, budget: number, what: string): void {
  if (!(work <= budget))
    throw new HttpError(
      422,
      `${what} would take about ${work.toExponential(1)} work units, over the per-request cap of ${budget.toExponential(1)}: ask for fewer symbols, points or lags`,
    );
}

/** A rolling file's work: linear, plus the points of every time window (each computed afresh). */
function rollingFileWork(file: RollingFile): number {
  const n = Math.max(file.inputs.x.length, file.inputs.y.length);
  const { window, center, closed = 'right' } = file.params;
  if (typeof window !== 'string') return rollingWork(n);
  return rollingWork(n) + boundsWork(timeWindowBounds(timesOf(file), offsetMs(window), center, closed));
}

/** A fixture file's work: what computeFixture will run for it. */
export function fixtureWork(file: FixtureFile): number {
  const longest = (map: Record<string, readonly unknown[]> | undefined): number =>
    Math.max(0, ...Object.values(map ?? {}).map((s) => s.length));
  switch (file.fixture) {
    case 'correlation': {
      const { symbols, close, log_returns: given } = file.inputs;
      const n = Math.max(longest(close), longest(given));
      const k = symbols.length;
      const matrices = (['pearson', 'spearman', 'kendall'] as const).reduce(
        (w, m) => w + correlationWork(k, n, m, file.params.missing === 'pairwise'),
        0,
      );
      // Kendall once more for the named pair; an exact p-value counts permutations by inversions, O(n^3 / 4).
      const exact = (method: string | undefined, pairs: number): number =>
        method === 'exact' ? (pairs * n ** 3) / 4 : 0;
      const p = file.params;
      return (
        matrices +
        (n * n) / 2 +
        exact(p.kendall_method, 1) +
        exact(p.kendall_matrix_method ?? p.kendall_method, (k * (k - 1)) / 2)
      );
    }
    case 'rolling_correlation':
      return rollingFileWork(file);
    case 'granger': {
      const { maxlag } = file.params;
      const highest = typeof maxlag === 'number' ? maxlag : Math.max(...maxlag);
      return file.params.pairs.length * grangerWork(longest(file.inputs.series), highest);
    }
    case 'var': {
      const p = file.params;
      const order = typeof p.lag_order === 'number' ? p.lag_order : p.maxlags;
      const k = file.inputs.symbols.length;
      return (
        varWork(file.inputs.data.length, k, {
          maxlags: p.maxlags,
          select: true,
          order,
          steps: p.forecast_steps,
          periods: p.irf_periods,
        }) +
        p.causality.length * (k * order + 1) ** 3
      );
    }
    case 'partial_correlation': {
      const n = longest(file.inputs.log_returns);
      const subsets = file.params?.subsets ?? { all: file.inputs.symbols };
      return Object.values(subsets).reduce((w, s) => w + partialWork(s.length, n), partialWork(3, n));
    }
  }
}
