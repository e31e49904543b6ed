/**
 * The OpenAPI description of /api/analytics (api.ts). Each answer is the route's envelope (interval, symbols,
 * sample size) merged with the compute job's result; nested statistics blocks are described by their top level.
 */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../http/openapi.ts';
import { fixtureFile } from './fixture-file.ts';
import { analyticsQueries as Q } from './queries.ts';
import { rollingClosed } from './rolling.ts';
import { VAR_TRENDS } from './var-trend.ts';

const num = z.number();
const matrix = z.array(z.array(num));
const interval = z.enum(['1s', '1m', '5m', '1h', '1d']);
/** statsmodels' VAR deterministic terms. */
const trend = z.enum(VAR_TRENDS);
/** sample-size.ts SampleInfo. */
const sample = z.object({
  interval: z.string(),
  n: num,
  minimum: num,
  sufficient: z.boolean(),
  from: num.nullable(),
  to: num.nullable(),
  warning: z.string().optional(),
});
/** What every answer computed from aligned returns carries. */
const envelope = { interval, sample, skipped: z.array(z.string()) };
const withSymbols = { ...envelope, symbols: z.array(z.string()), n: num };
/** var.ts LagOrderSelection. */
const lagSelection = z.looseObject({
  maxlags: num,
  nobs_used: num,
  orders: z.array(num),
  selected_orders: z.object({ aic: num, bic: num, hqic: num, fpe: num }),
});
/** correlation.ts Correlation. */
const correlation = z.object({ r: num, pvalue: num, n: num });
/** streaming.ts BreakEvent (change.ts CorrelationBreak with its pair and time). */
const breakEvent = z.object({
  a: z.string(),
  b: z.string(),
  ts: num,
  baseline: num,
  recent: num,
  delta: num,
  z: num,
  pvalue: num,
  baselineN: num,
  recentN: num,
});

export const analyticsResponses = {
  symbols: z.object({
    interval,
    intervals: z.array(interval),
    symbols: z.array(z.object({ symbol: z.string(), bars: num, first: num, last: num })),
  }),
  /** streaming.ts PairSnapshot per pair. */
  live: z.object({
    interval,
    pairs: z.array(
      z.object({
        a: z.string(),
        b: z.string(),
        rolling: num.nullable(),
        ewma: num.nullable(),
        updates: num,
        lastStart: num,
      }),
    ),
  }),
  breaks: z.object({ breaks: z.array(breakEvent) }),
  /** correlation.ts CorrelationMatrix. */
  correlation: z.object({
    ...withSymbols,
    from: num.optional(),
    to: num.optional(),
    method: z.enum(['pearson', 'spearman', 'kendall']),
    missing: z.enum(['listwise', 'pairwise']),
    matrix,
    pvalues: matrix.nullable(),
    nobs: matrix,
  }),
  rolling: z.object({
    ...envelope,
    x: z.string(),
    y: z.string(),
    /** Points, or the pandas offset string of a time window. */
    window: z.union([num, z.string()]),
    minPeriods: num,
    closed: z.enum(rollingClosed),
    /** The EWMA span in bars, or null when the half-life is a duration over the bar times. */
    span: num.nullable(),
    halflife: z.string().nullable(),
    points: z.array(z.object({ start: num, rolling: num.nullable(), ewma: num.nullable() })),
  }),
  /** partial.ts PartialCorrelation. */
  partial: z.object({ ...withSymbols, matrix, precisionMatrix: matrix }),
  /** granger.ts GrangerResult with the lag selection. */
  granger: z.object({
    ...envelope,
    n: num,
    cause: z.string(),
    effect: z.string(),
    null_hypothesis: z.string(),
    maxlag: num,
    lags: z.array(z.looseObject({ lag: num, nobs: num })),
    lag_selection: lagSelection,
  }),
  var: z.object({
    ...withSymbols,
    selection: lagSelection.nullable(),
    /** var.ts VarFit without the residuals and the design inverse. */
    fit: z.looseObject({
      symbols: z.array(z.string()),
      k: num,
      lag_order: num,
      trend,
      nobs: num,
      coefs: z.array(matrix),
    }),
  }),
  /** var.ts Forecast. */
  varForecast: z.object({
    ...withSymbols,
    lag_order: num,
    trend,
    steps: num,
    y_input: matrix,
    point: matrix,
    interval_alpha: num,
    lower: matrix,
    upper: matrix,
  }),
  /** var.ts ImpulseResponse. */
  varIrf: z.object({
    ...withSymbols,
    lag_order: num,
    trend,
    periods: num,
    cholesky_factor: matrix,
    irfs: z.array(matrix),
    orth_irfs: z.array(matrix),
  }),
  /** var.ts CausalityTest. */
  varCausality: z.object({
    ...withSymbols,
    lag_order: num,
    trend,
    caused: z.union([z.array(z.string()), z.string()]),
    causing: z.array(z.string()),
    kind: z.enum(['f', 'wald']),
    signif: num,
    test_statistic: num,
    crit_value: num,
    pvalue: num,
    df: z.union([num, z.tuple([num, num])]),
    conclusion: z.enum(['reject', 'fail to reject']),
  }),
  /** graph.ts CausalityGraph. */
  causalityGraph: z.object({
    ...withSymbols,
    method: z.enum(['pairwise', 'var']),
    trend,
    lag: num,
    alpha: num,
    adjustment: z.enum(['none', 'bh']),
    tests: num,
    nodes: z.array(z.object({ id: z.string(), outDegree: num, inDegree: num })),
    edges: z.array(
      z.object({ from: z.string(), to: z.string(), F: num, pvalue: num, adjustedPvalue: num, strength: num }),
    ),
  }),
  /** views.ts PriceSentimentVolume with the series it was computed from. */
  priceSentimentVolume: z.object({
    interval,
    symbol: z.string(),
    sample,
    n: num,
    variables: z.array(z.string()),
    matrix,
    pvalues: matrix,
    sentimentLeadsReturn: correlation,
    returnLeadsSentiment: correlation,
    volumeLeadsAbsReturn: correlation,
    series: z.array(z.object({ start: num, close: num.optional(), volume: num.optional(), sentiment: num.nullable() })),
  }),
  /** views.ts SectorCorrelation. */
  sectors: z.object({
    ...envelope,
    n: num,
    sectors: z.array(z.string()),
    matrix: z.array(z.array(num.nullable())),
    members: z.record(z.string(), z.array(z.string())),
  }),
  /** views.ts RegimeCorrelation. */
  regimes: z.object({
    ...envelope,
    symbols: z.array(z.string()),
    market: z.string(),
    window: num,
    threshold: num,
    high: z.object({ n: num, matrix }),
    low: z.object({ n: num, matrix }),
    differencePvalues: matrix,
  }),
  /** fixture-file.ts computeFixture: the outputs of the fixture's layout. */
  compute: z.object({ fixture: z.string(), outputs: z.record(z.string(), z.unknown()) }),
};
type Name = Exclude<keyof typeof analyticsResponses, 'breaks' | 'compute'>;

const tags = ['analytics'];
const failures = {
  400: { description: 'invalid query' },
  404: { description: 'a symbol without bars at the interval' },
  422: { description: 'too few points, a singular system, or more work than the per-request cap' },
};
const read = (path: string, name: Name, summary: string): ApiOperation => ({
  method: 'get',
  path: `/analytics${path}`,
  summary,
  tags,
  query: Q[name],
  responses: { 200: { description: summary, schema: analyticsResponses[name] }, ...failures },
});

export const analyticsOperations: readonly ApiOperation[] = [
  read('/symbols', 'symbols', 'Symbols with bars at an interval, and the intervals kept'),
  read('/correlation', 'correlation', 'Correlation matrix of returns with p-values'),
  read('/correlation/rolling', 'rolling', 'Rolling and EWMA correlation of two symbols'),
  read('/correlation/partial', 'partial', 'Partial correlation matrix'),
  read('/correlation/live', 'live', 'Streaming pair correlations, updated on every bar'),
  {
    method: 'get',
    path: '/analytics/correlation/breaks',
    summary: 'Recent correlation breaks the streaming detector found',
    tags,
    responses: { 200: { description: 'breaks', schema: analyticsResponses.breaks } },
  },
  read('/granger', 'granger', 'Granger causality of one symbol on another, per lag'),
  read('/var', 'var', 'A vector autoregression fit (order chosen by an information criterion or fixed)'),
  read('/var/forecast', 'varForecast', 'VAR forecasts with intervals'),
  read('/var/irf', 'varIrf', 'VAR impulse responses'),
  read('/var/causality', 'varCausality', 'VAR Granger causality test between symbol groups'),
  read('/causality-graph', 'causalityGraph', 'Directed graph of significant Granger causality'),
  read('/views/price-sentiment-volume', 'priceSentimentVolume', 'Price, sentiment and volume of one symbol'),
  read('/views/sectors', 'sectors', 'Mean correlation within and between sectors'),
  read('/views/regimes', 'regimes', 'Correlations in high and low market volatility'),
  {
    method: 'post',
    path: '/analytics/compute',
    summary: 'Computes a file of the reference-fixture layout (the CLI over HTTP)',
    tags,
    body: fixtureFile,
    responses: {
      200: { description: 'the outputs', schema: analyticsResponses.compute },
      ...failures,
    },
  },
];

export function describeAnalyticsRoutes(registry: OpenApiRegistry): void {
  for (const operation of analyticsOperations) registry.add(operation);
}
