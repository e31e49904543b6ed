/**
 * REST endpoints under /api/analytics on the live bar windows. Every query is validated with zod (400 with
 * the issues); an unknown symbol is a 404, too few points or a singular system a 422, each with a message.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { BarWindows, Interval } from './bar-windows.ts';
import { correlationMatrix } from './correlation.ts';
import { AnalyticsInputError, SingularMatrixError } from './errors.ts';
import { computeFixture, fixtureFile } from './fixture-file.ts';
import { grangerCausality, grangerLagSelection } from './granger.ts';
import { causalityGraph } from './graph.ts';
import { partialCorrelation } from './partial.ts';
import { returns } from './returns.ts';
import { ewmaCorrelation, rollingCorrelation } from './rolling.ts';
import type { BreakEvent, StreamingCorrelations } from './streaming.ts';
import { fitVar, forecast, impulseResponse, selectOrder, testCausality, type VarFit } from './var.ts';
import { priceSentimentVolume, regimeCorrelation, sectorCorrelation } from './views.ts';

export interface AnalyticsSources {
  readonly windows: BarWindows;
  readonly streaming: (interval: Interval) => StreamingCorrelations | undefined;
  readonly breaks: () => readonly BreakEvent[];
  /** The symbol's time-decayed sentiment at time ts (NaN before any text). */
  readonly sentimentAt: (symbol: string, ts: number) => number;
  readonly sectorOf: (symbol: string) => string;
  readonly defaultInterval: Interval;
}

const intervalMs: Record<Interval, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
const tickerRe = /^[A-Z0-9.^=-]{1,15}$/;
const ticker = z.string().trim().toUpperCase().regex(tickerRe, 'must be a ticker symbol');
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

const base = z.object({
  interval: z.enum(['1s', '1m', '5m', '1h', '1d']).optional(),
  points: int(10, 5_000, 500),
  returns: z.enum(['log', 'simple']).default('log'),
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

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AnalyticsInputError || error instanceof SingularMatrixError)
      throw new HttpError(422, error.message);
    throw error;
  }
}

export function analyticsRouter(src: AnalyticsSources): Router {
  const router = Router();
  const intervalOf = (q: { interval?: Interval | undefined }): Interval => q.interval ?? src.defaultInterval;

  const requireKnown = (interval: Interval, symbols: readonly string[]): void => {
    const unknown = symbols.filter((s) => !src.windows.has(interval, s));
    if (unknown.length > 0)
      throw new HttpError(
        404,
        `unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: no ${interval} bars received`,
      );
  };

  /** Returns of the symbols on their common bar starts (the last `points` returns). */
  const returnsOf = (
    q: z.output<typeof base>,
    symbols: readonly string[],
  ): { interval: Interval; starts: number[]; series: Float64Array[]; closes: number[][]; volumes: number[][] } => {
    const interval = intervalOf(q);
    requireKnown(interval, symbols);
    const aligned = src.windows.aligned(interval, symbols, q.points + 1);
    if (aligned.starts.length < 3)
      throw new HttpError(
        422,
        `too few points: ${aligned.starts.length} common ${interval} bars for ${symbols.join(', ')}`,
      );
    return {
      interval,
      starts: aligned.starts.slice(1),
      series: aligned.closes.map((c) => returns(c, q.returns)),
      closes: aligned.closes,
      volumes: aligned.volumes,
    };
  };

  const parse = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => schema.parse(req.query);

  router.get('/analytics/symbols', (req, res) => {
    const q = parse(z.object({ interval: base.shape.interval }), req);
    res.json({
      interval: intervalOf(q),
      intervals: src.windows.intervals(),
      symbols: src.windows.symbols(intervalOf(q)),
    });
  });

  router.get('/analytics/correlation', (req, res) => {
    const q = parse(
      base.extend({
        symbols: symbolList(2, 500),
        method: z.enum(['pearson', 'spearman', 'kendall']).default('pearson'),
        missing: z.enum(['listwise', 'pairwise']).default('listwise'),
        pvalues: z.enum(['true', 'false']).default('true'),
      }),
      req,
    );
    if (q.method === 'kendall' && q.symbols.length * q.symbols.length * q.points > 50_000_000)
      throw new HttpError(422, 'Kendall is O(n^2) per pair: ask for fewer symbols or points');
    const data = returnsOf(q, q.symbols);
    const result = guard(() => correlationMatrix(data.series, q.method, q.missing, { pvalues: q.pvalues === 'true' }));
    res.json({
      interval: data.interval,
      symbols: q.symbols,
      n: data.starts.length,
      from: data.starts[0],
      to: data.starts.at(-1),
      ...result,
    });
  });

  router.get('/analytics/correlation/rolling', (req, res) => {
    const q = parse(base.extend({ x: ticker, y: ticker, window: int(3, 1_000, 60), span: int(2, 1_000, 60) }), req);
    const data = returnsOf(q, [q.x, q.y]);
    const [x = new Float64Array(), y = new Float64Array()] = data.series;
    const rolling = guard(() => rollingCorrelation(x, y, q.window));
    const ewma = guard(() => ewmaCorrelation(x, y, q.span));
    res.json({
      interval: data.interval,
      x: q.x,
      y: q.y,
      window: q.window,
      span: q.span,
      points: data.starts.map((start, t) => ({ start, rolling: rolling[t] ?? null, ewma: ewma[t] ?? null })),
    });
  });

  router.get('/analytics/correlation/partial', (req, res) => {
    const q = parse(base.extend({ symbols: symbolList(2, 100) }), req);
    const data = returnsOf(q, q.symbols);
    res.json({ interval: data.interval, symbols: q.symbols, ...guard(() => partialCorrelation(data.series)) });
  });

  router.get('/analytics/correlation/live', (req, res) => {
    const q = parse(z.object({ interval: base.shape.interval }), req);
    res.json({ interval: intervalOf(q), pairs: src.streaming(intervalOf(q))?.snapshot() ?? [] });
  });

  router.get('/analytics/correlation/breaks', (_req, res) => {
    res.json({ breaks: src.breaks() });
  });

  router.get('/analytics/granger', (req, res) => {
    const q = parse(base.extend({ cause: ticker, effect: ticker, maxlag: int(1, 20, 5) }), req);
    if (q.cause === q.effect) throw new HttpError(400, 'cause and effect must differ');
    const data = returnsOf(q, [q.effect, q.cause]);
    const [effect = new Float64Array(), cause = new Float64Array()] = data.series;
    const result = guard(() => grangerCausality(effect, cause, q.maxlag, { effect: q.effect, cause: q.cause }));
    const selection = guard(() => grangerLagSelection(effect, cause, q.maxlag));
    res.json({ interval: data.interval, n: data.starts.length, ...result, lag_selection: selection });
  });

  const varQuery = base.extend({ symbols: symbolList(1, 20), lags: lagChoice, maxlags: int(1, 20, 8) });
  const fitFor = (
    q: z.output<typeof varQuery>,
  ): { interval: Interval; fit: VarFit; selection: ReturnType<typeof selectOrder> | null } => {
    const data = returnsOf(q, q.symbols);
    return guard(() => {
      const selection = typeof q.lags === 'number' ? null : selectOrder(data.series, q.maxlags);
      const order = typeof q.lags === 'number' ? q.lags : Math.max(1, selection?.selected_orders[q.lags] ?? 1);
      return { interval: data.interval, fit: fitVar(data.series, order, q.symbols), selection };
    });
  };

  router.get('/analytics/var', (req, res) => {
    const { interval, fit, selection } = fitFor(parse(varQuery, req));
    // The residuals (nobs x k) and the design inverse are internal bulk: left out of the response.
    const summary = Object.fromEntries(
      Object.entries(fit).filter(([key]) => key !== 'resid' && key !== 'designInverse'),
    );
    res.json({ interval, selection, fit: summary });
  });

  router.get('/analytics/var/forecast', (req, res) => {
    const q = parse(varQuery.extend({ steps: int(1, 500, 10), alpha: prob(0.05) }), req);
    const { interval, fit } = fitFor(q);
    res.json({
      interval,
      symbols: fit.symbols,
      lag_order: fit.lag_order,
      ...guard(() => forecast(fit, q.steps, q.alpha)),
    });
  });

  router.get('/analytics/var/irf', (req, res) => {
    const q = parse(varQuery.extend({ periods: int(0, 200, 10) }), req);
    const { interval, fit } = fitFor(q);
    res.json({
      interval,
      symbols: fit.symbols,
      lag_order: fit.lag_order,
      ...guard(() => impulseResponse(fit, q.periods)),
    });
  });

  router.get('/analytics/var/causality', (req, res) => {
    const q = parse(
      varQuery.extend({
        caused: symbolList(1, 20),
        causing: symbolList(1, 20),
        kind: z.enum(['f', 'wald']).default('f'),
        signif: prob(0.05),
      }),
      req,
    );
    const { interval, fit } = fitFor(q);
    res.json({
      interval,
      lag_order: fit.lag_order,
      ...guard(() => testCausality(fit, q.caused, q.causing, q.kind, q.signif)),
    });
  });

  router.get('/analytics/causality-graph', (req, res) => {
    const q = parse(
      base.extend({
        symbols: symbolList(2, 50),
        method: z.enum(['pairwise', 'var']).default('pairwise'),
        lag: z.union([z.literal('aic'), z.coerce.number().int().min(1).max(20)]).default('aic'),
        maxlag: int(1, 20, 5),
        alpha: prob(0.05),
        adjust: z.enum(['none', 'bh']).default('bh'),
      }),
      req,
    );
    const data = returnsOf(q, q.symbols);
    res.json({
      interval: data.interval,
      n: data.starts.length,
      ...guard(() =>
        causalityGraph(data.series, q.symbols, {
          method: q.method,
          lag: q.lag,
          maxlag: q.maxlag,
          alpha: q.alpha,
          adjustment: q.adjust,
        }),
      ),
    });
  });

  router.get('/analytics/views/price-sentiment-volume', (req, res) => {
    const q = parse(base.extend({ symbol: ticker }), req);
    const interval = intervalOf(q);
    requireKnown(interval, [q.symbol]);
    const aligned = src.windows.aligned(interval, [q.symbol], q.points + 1);
    const closes = aligned.closes[0] ?? [];
    const sentiment = aligned.starts.map((start) => src.sentimentAt(q.symbol, start + intervalMs[interval]));
    const view = guard(() => priceSentimentVolume(closes, aligned.volumes[0] ?? [], sentiment));
    res.json({
      interval,
      symbol: q.symbol,
      ...view,
      series: aligned.starts.map((start, t) => ({
        start,
        close: closes[t],
        volume: aligned.volumes[0]?.[t],
        sentiment: Number.isFinite(sentiment[t]) ? sentiment[t] : null,
      })),
    });
  });

  router.get('/analytics/views/sectors', (req, res) => {
    const q = parse(base.extend({ symbols: symbolList(2, 500).optional() }), req);
    const symbols = q.symbols ?? src.windows.symbols(intervalOf(q)).map((s) => s.symbol);
    if (symbols.length < 2) throw new HttpError(422, `too few symbols with ${intervalOf(q)} bars: ${symbols.length}`);
    const data = returnsOf(q, symbols);
    res.json({
      interval: data.interval,
      n: data.starts.length,
      ...guard(() => sectorCorrelation(data.series, symbols, src.sectorOf)),
    });
  });

  router.get('/analytics/views/regimes', (req, res) => {
    const q = parse(base.extend({ symbols: symbolList(2, 100), market: ticker, window: int(5, 500, 20) }), req);
    const all = q.symbols.includes(q.market) ? q.symbols : [...q.symbols, q.market];
    const data = returnsOf(q, all);
    const market = data.series[all.indexOf(q.market)] ?? new Float64Array();
    const series = q.symbols.map((s) => data.series[all.indexOf(s)] ?? new Float64Array());
    res.json({
      interval: data.interval,
      symbols: q.symbols,
      market: q.market,
      ...guard(() => regimeCorrelation(series, market, q.window)),
    });
  });

  /** Computes a file of the reference-fixture layout posted as the body (the CLI's job, over HTTP). */
  router.post('/analytics/compute', (req, res) => {
    const file = fixtureFile.parse(req.body);
    res.json({ fixture: file.fixture, outputs: guard(() => computeFixture(file)) });
  });

  return router;
}
