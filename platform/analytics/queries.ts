/** The query strings of the /api/analytics routes (api.ts validates with these; openapi.ts describes them). */
import { z } from 'zod';
import { durationProblem, durationString, offsetMs, timedeltaMs } from './durations.ts';
import { rollingClosed } from './rolling.ts';
import { VAR_TRENDS } from './var-trend.ts';

const tickerRe = /^[A-Z0-9.^=-]{1,15}$/;
export const ticker = z.string().trim().toUpperCase().regex(tickerRe, 'must be a ticker symbol');
const symbolList = (min: number, max: number) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim().toUpperCase())
        .filter((x) => x.length > 0),
    )
    .pipe(
      z
        .array(z.string().regex(tickerRe, 'each symbol must be a ticker'))
        .min(min, `list at least ${min} symbols`)
        .max(max, `list at most ${max} symbols`),
    )
    .refine((l) => new Set(l).size === l.length, 'symbols must be distinct');
const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const prob = (fallback: number) => z.coerce.number().gt(0).lt(1).default(fallback);
/** A rolling window: points (digits only, 3..1000) or a pandas offset string over the bars' times ('30min'). */
const rollingWindow = z
  .string()
  .max(40)
  .default('60')
  .transform((text, ctx): number | string => {
    if (/^\d+$/.test(text)) {
      const points = Number(text);
      if (points >= 3 && points <= 1_000) return points;
      ctx.addIssue({ code: 'custom', message: `an integer window must be 3..1000 points, got ${text}` });
      return z.NEVER;
    }
    const problem = durationProblem(offsetMs, text);
    if (problem === undefined) return text;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });

export const base = z.object({
  interval: z.enum(['1s', '1m', '5m', '1h', '1d']).optional(),
  points: int(10, 5_000, 500),
  returns: z.enum(['log', 'simple']).default('log'),
  /** `skip`: symbols without bars at the interval are left out and listed in `skipped` instead of a 404. */
  onMissing: z.enum(['error', 'skip']).default('error'),
});
const lagChoice = z
  .union([
    z.literal('aic'),
    z.literal('bic'),
    z.literal('hqic'),
    z.literal('fpe'),
    z.coerce.number().int().min(1).max(20),
  ])
  .default('aic');
const interval = z.object({ interval: base.shape.interval });
const varQuery = base.extend({
  symbols: symbolList(1, 20),
  lags: lagChoice,
  maxlags: int(1, 20, 8),
  /** statsmodels' VAR trend: 'n' none, 'c' a constant (default), 'ct' also t, 'ctt' also t^2. */
  trend: z.enum(VAR_TRENDS).default('c'),
});

export const analyticsQueries = {
  symbols: interval,
  correlation: base.extend({
    symbols: symbolList(2, 500),
    method: z.enum(['pearson', 'spearman', 'kendall']).default('pearson'),
    missing: z.enum(['listwise', 'pairwise']).default('listwise'),
    pvalues: z.enum(['true', 'false']).default('true'),
  }),
  rolling: base.extend({
    x: ticker,
    y: ticker,
    window: rollingWindow,
    /** pandas min_periods of the rolling window (default: the window in points; 1 for a time window). */
    minPeriods: z.coerce.number().int().min(0).max(5_000).optional(),
    /** EWMA span in bars (default 60), or `halflife`: a Timedelta string over the bars' times ('4 days'). */
    span: z.coerce.number().int().min(2).max(1_000).optional(),
    halflife: durationString(timedeltaMs).optional(),
    /** pandas' rolling `closed`. */
    closed: z.enum(rollingClosed).default('right'),
  }),
  partial: base.extend({ symbols: symbolList(2, 100) }),
  live: interval,
  granger: base.extend({ cause: ticker, effect: ticker, maxlag: int(1, 20, 5) }),
  var: varQuery,
  varForecast: varQuery.extend({ steps: int(1, 500, 10), alpha: prob(0.05) }),
  varIrf: varQuery.extend({ periods: int(0, 200, 10) }),
  varCausality: varQuery.extend({
    caused: symbolList(1, 20),
    causing: symbolList(1, 20),
    kind: z.enum(['f', 'wald']).default('f'),
    signif: prob(0.05),
  }),
  causalityGraph: base.extend({
    symbols: symbolList(2, 50),
    method: z.enum(['pairwise', 'var']).default('pairwise'),
    lag: z.union([z.literal('aic'), z.coerce.number().int().min(1).max(20)]).default('aic'),
    maxlag: int(1, 20, 5),
    alpha: prob(0.05),
    adjust: z.enum(['none', 'bh']).default('bh'),
    /** method 'var' only: the VAR's trend (statsmodels; default 'c'). */
    trend: z.enum(VAR_TRENDS).default('c'),
  }),
  priceSentimentVolume: base.extend({ symbol: ticker }),
  sectors: base.extend({ symbols: symbolList(2, 500).optional() }),
  regimes: base.extend({ symbols: symbolList(2, 100), market: ticker, window: int(5, 500, 20) }),
};
