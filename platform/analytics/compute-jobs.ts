/**
 * The analytics computations the compute worker runs: plain data in (numbers, Float64Arrays, strings), a JSON-ready
 * result out. The routes gather the data on the main thread and send it here.
 */
import { correlationMatrix, type CorrelationMethod } from './correlation.ts';
import { computeFixture, type FixtureFile } from './fixture-file.ts';
import { grangerCausality, grangerLagSelection } from './granger.ts';
import { causalityGraph, type CausalityGraphOptions } from './graph.ts';
import { partialCorrelation } from './partial.ts';
import { offsetMs, timedeltaMs } from './durations.ts';
import { ewmaCorrelation, rollingCorrelation, type RollingClosed } from './rolling.ts';
import { ewmCorrelationOverTime, rollingCorrelationOverTime } from './time-window.ts';
import { fitVar, forecast, impulseResponse, selectOrder, testCausality } from './var.ts';
import type { VarTrend } from './var-trend.ts';
import { regimeCorrelation, sectorCorrelation } from './views.ts';

type Series = readonly Float64Array[];

export interface VarRequest {
  readonly series: Series;
  readonly symbols: readonly string[];
  readonly lags: 'aic' | 'bic' | 'hqic' | 'fpe' | number;
  readonly maxlags: number;
  readonly trend: VarTrend;
  readonly then:
    | { readonly kind: 'summary' }
    | { readonly kind: 'forecast'; readonly steps: number; readonly alpha: number }
    | { readonly kind: 'irf'; readonly periods: number }
    | {
        readonly kind: 'causality';
        readonly caused: readonly string[];
        readonly causing: readonly string[];
        readonly test: 'f' | 'wald';
        readonly signif: number;
      };
}

export interface RollingRequest {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** The returns' times (bar starts, epoch ms): for a time window or a half-life in time. */
  readonly times: readonly number[];
  /** Points, or a pandas offset string. */
  readonly window: number | string;
  readonly minPeriods?: number | undefined;
  readonly closed: RollingClosed;
  readonly span: number;
  readonly halflife?: string | undefined;
}

function varJob(r: VarRequest): Record<string, unknown> {
  const selection = typeof r.lags === 'number' ? null : selectOrder(r.series, r.maxlags, r.trend);
  const order = typeof r.lags === 'number' ? r.lags : Math.max(1, selection?.selected_orders[r.lags] ?? 1);
  const fit = fitVar(r.series, order, r.symbols, r.trend);
  const head = { symbols: fit.symbols, lag_order: fit.lag_order, trend: fit.trend };
  switch (r.then.kind) {
    case 'summary':
      // The residuals (nobs x k) and the design inverse are internal bulk: left out of the response.
      return {
        selection,
        fit: Object.fromEntries(Object.entries(fit).filter(([key]) => key !== 'resid' && key !== 'designInverse')),
      };
    case 'forecast':
      return { ...head, ...forecast(fit, r.then.steps, r.then.alpha) };
    case 'irf':
      return { ...head, ...impulseResponse(fit, r.then.periods) };
    case 'causality':
      return {
        lag_order: fit.lag_order,
        trend: fit.trend,
        ...testCausality(fit, [...r.then.caused], [...r.then.causing], r.then.test, r.then.signif),
      };
  }
}

export const computeJobs = {
  correlation: (r: { series: Series; method: CorrelationMethod; missing: 'listwise' | 'pairwise'; pvalues: boolean }) =>
    correlationMatrix(r.series, r.method, r.missing, { pvalues: r.pvalues }),
  rolling: (r: RollingRequest) => {
    const options = { closed: r.closed, ...(r.minPeriods === undefined ? {} : { minPeriods: r.minPeriods }) };
    return {
      rolling:
        typeof r.window === 'string'
          ? rollingCorrelationOverTime(r.x, r.y, r.times, offsetMs(r.window), options)
          : rollingCorrelation(r.x, r.y, r.window, options),
      // pandas' default min_periods (0) for a half-life in time; the span's own count of bars otherwise.
      ewma:
        r.halflife === undefined
          ? ewmaCorrelation(r.x, r.y, r.span)
          : ewmCorrelationOverTime(r.x, r.y, r.times, { halflifeMs: timedeltaMs(r.halflife), minPeriods: 0 }),
    };
  },
  partial: (r: { series: Series }) => partialCorrelation(r.series),
  granger: (r: {
    effect: Float64Array;
    cause: Float64Array;
    maxlag: number;
    names: { effect: string; cause: string };
  }) => ({
    ...grangerCausality(r.effect, r.cause, r.maxlag, r.names),
    lag_selection: grangerLagSelection(r.effect, r.cause, r.maxlag),
  }),
  var: varJob,
  graph: (r: { series: Series; symbols: readonly string[]; options: CausalityGraphOptions }) =>
    causalityGraph(r.series, r.symbols, r.options),
  sectors: (r: { series: Series; symbols: readonly string[]; sectors: Readonly<Record<string, string>> }) =>
    sectorCorrelation(r.series, r.symbols, (s) => r.sectors[s] ?? 'unknown'),
  regimes: (r: { series: Series; market: Float64Array; window: number }) =>
    regimeCorrelation(r.series, r.market, r.window),
  fixture: (r: { file: FixtureFile }) => computeFixture(r.file),
} as const;

export type ComputeJobs = typeof computeJobs;
export type JobName = keyof ComputeJobs;
