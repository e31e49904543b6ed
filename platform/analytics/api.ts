/**
 * REST endpoints under /api/analytics on the live bar windows. Every query is validated with zod (400 with
 * the issues); an unknown symbol is a 404, too few points or a singular system a 422, each with a message.
 */
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { KeptAnswers } from '../http/kept-answers.ts';
import type { BarWindows, Interval } from './bar-windows.ts';
import type { VarRequest } from './compute-jobs.ts';
import type { ComputeWorker } from './compute-pool.ts';
import { offsetMs } from './durations.ts';
import { AnalyticsInputError, FixtureFileError, SingularMatrixError } from './errors.ts';
import { requireVariation } from './correlation.ts';
import { fixtureFromJson } from './fixture-file.ts';
import { analyticsQueries as Q, type base } from './queries.ts';
import { returns } from './returns.ts';
import type { BreakEvent, StreamingCorrelations } from './streaming.ts';
import { minimumSample, sampleInfo, type SampleInfo } from './sample-size.ts';
import { trendOrder } from './var-trend.ts';
import { priceSentimentVolume } from './views.ts';
import {
  correlationWork,
  fixtureWork,
  graphWork,
  grangerWork,
  partialWork,
  regimeWork,
  requireWithinBudget,
  rollingWork,
  varWork,
} from './work-caps.ts';

export interface AnalyticsSources {
  readonly windows: BarWindows;
  readonly streaming: (interval: Interval) => StreamingCorrelations | undefined;
  readonly breaks: () => readonly BreakEvent[];
  /** The symbol's time-decayed sentiment at time ts (NaN before any text). */
  readonly sentimentAt: (symbol: string, ts: number) => number;
  readonly sectorOf: (symbol: string) => string;
  readonly defaultInterval: Interval;
}

export interface AnalyticsCompute {
  /** Where the numerics run: off the event loop, with a deadline. */
  readonly worker: ComputeWorker;
  /** Per-request work cap (see work-caps.ts). */
  readonly maxWork: number;
}

/** `extras` then the job's result (JSON text) as one object; the result's keys win, as with a spread. */
function merged(extras: Record<string, unknown>, json: string): string {
  const head = JSON.stringify(extras).slice(0, -1);
  const tail = json.slice(1);
  return head === '{' || tail === '}' ? `${head}${tail}` : `${head},${tail}`;
}

function sendMerged(res: Response, extras: Record<string, unknown>, json: string): void {
  res.type('application/json').send(merged(extras, json));
}

/** Sector views kept (kept-answers.ts): one per distinct query, until a bar of its interval arrives. */
const SECTOR_VIEWS_KEPT = 32;

const intervalMs: Record<Interval, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AnalyticsInputError || error instanceof SingularMatrixError)
      throw new HttpError(422, error.message);
    throw error;
  }
}

export function analyticsRouter(src: AnalyticsSources, compute: AnalyticsCompute): Router {
  const router = Router();
  const { worker } = compute;
  const cap = (work: number, what: string): void => {
    requireWithinBudget(work, compute.maxWork, what);
  };
  const intervalOf = (q: { interval?: Interval | undefined }): Interval => q.interval ?? src.defaultInterval;

  const requireKnown = (interval: Interval, symbols: readonly string[]): void => {
    const unknown = symbols.filter((s) => !src.windows.has(interval, s));
    if (unknown.length > 0)
      throw new HttpError(
        404,
        `unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: no ${interval} bars received`,
      );
  };

  interface Aligned {
    interval: Interval;
    /** The symbols used, in the order asked (without the skipped ones). */
    symbols: string[];
    skipped: string[];
    starts: number[];
    series: Float64Array[];
    closes: number[][];
    volumes: number[][];
  }

  /**
   * Returns of the symbols on their common bar starts (the last `points` returns). With `onMissing=skip` the
   * symbols without bars are left out (listed in `skipped`) as long as `least` symbols remain.
   */
  const returnsOf = (q: z.output<typeof base>, asked: readonly string[], least = asked.length): Aligned => {
    const interval = intervalOf(q);
    const skipped = q.onMissing === 'skip' ? asked.filter((s) => !src.windows.has(interval, s)) : [];
    const symbols = asked.filter((s) => !skipped.includes(s));
    if (symbols.length < least)
      throw new HttpError(
        422,
        `too few symbols with ${interval} bars: ${symbols.join(', ') || 'none'} (no data: ${skipped.join(', ')})`,
      );
    requireKnown(interval, symbols);
    const aligned = src.windows.aligned(interval, symbols, q.points + 1);
    if (aligned.starts.length < 3)
      throw new HttpError(
        422,
        `too few points: ${aligned.starts.length} common ${interval} bars for ${symbols.join(', ')}`,
      );
    return {
      interval,
      symbols,
      skipped,
      starts: aligned.starts.slice(1),
      series: aligned.closes.map((c) => returns(c, q.returns)),
      closes: aligned.closes,
      volumes: aligned.volumes,
    };
  };

  /** The `sample` block and `skipped` list every answer computed from returns carries. */
  const about = (data: Aligned, minimum: number, what: string): { sample: SampleInfo; skipped: string[] } => ({
    sample: sampleInfo(data.interval, data.starts, minimum, what),
    skipped: data.skipped,
  });

  const parse = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => schema.parse(req.query);

  router.get('/analytics/symbols', (req, res) => {
    const q = parse(Q.symbols, req);
    res.json({
      interval: intervalOf(q),
      intervals: src.windows.intervals(),
      symbols: src.windows.symbols(intervalOf(q)),
    });
  });

  router.get('/analytics/correlation', async (req, res) => {
    const q = parse(Q.correlation, req);
    cap(correlationWork(q.symbols.length, q.points, q.method, q.missing === 'pairwise'), `${q.method} correlation`);
    const data = returnsOf(q, q.symbols, 2);
    const { series, method, missing } = { ...data, ...q };
    guard(() => {
      requireVariation(series, data.symbols);
    });
    const json = await worker.run('correlation', { series, method, missing, pvalues: q.pvalues === 'true' });
    const range = { n: data.starts.length, from: data.starts[0], to: data.starts.at(-1) };
    const sample = about(data, minimumSample('correlation'), `${q.method} correlation`);
    sendMerged(res, { interval: data.interval, symbols: data.symbols, ...range, ...sample }, json);
  });

  router.get('/analytics/correlation/rolling', async (req, res) => {
    const q = parse(Q.rolling, req);
    if (q.span !== undefined && q.halflife !== undefined)
      throw new HttpError(400, 'give span (bars) or halflife (a duration over the bar times), not both');
    const timed = typeof q.window === 'string';
    if (!timed && q.minPeriods !== undefined && q.minPeriods > Number(q.window))
      throw new HttpError(
        400,
        `minPeriods must be at most the window (${String(q.window)}), got ${String(q.minPeriods)}`,
      );
    cap(rollingWork(q.points, timed), 'rolling correlation');
    const data = returnsOf(q, [q.x, q.y]);
    const [x = new Float64Array(), y = new Float64Array()] = data.series;
    if (typeof q.window === 'number' && q.window > x.length)
      throw new HttpError(
        422,
        `a ${String(q.window)}-point window needs at least that many returns, got ${String(x.length)}`,
      );
    const span = q.halflife === undefined ? (q.span ?? 60) : null;
    const job = { x, y, times: data.starts, window: q.window, minPeriods: q.minPeriods, closed: q.closed };
    const { rolling, ewma } = JSON.parse(
      await worker.run('rolling', { ...job, span: span ?? 60, halflife: q.halflife }),
    ) as { rolling: (number | null)[]; ewma: (number | null)[] };
    // A time window's minimum sample counts the bars it spans.
    const bars =
      typeof q.window === 'string' ? Math.max(1, Math.round(offsetMs(q.window) / intervalMs[data.interval])) : q.window;
    const what = timed ? `a ${String(q.window)} rolling correlation` : `a ${String(q.window)}-bar rolling correlation`;
    res.json({
      interval: data.interval,
      x: q.x,
      y: q.y,
      window: q.window,
      minPeriods: q.minPeriods ?? (typeof q.window === 'string' ? 1 : q.window),
      closed: q.closed,
      span,
      halflife: q.halflife ?? null,
      ...about(data, minimumSample('rolling', { window: Math.min(bars, q.points) }), what),
      points: data.starts.map((start, t) => ({ start, rolling: rolling[t] ?? null, ewma: ewma[t] ?? null })),
    });
  });

  router.get('/analytics/correlation/partial', async (req, res) => {
    const q = parse(Q.partial, req);
    cap(partialWork(q.symbols.length, q.points), 'partial correlation');
    const data = returnsOf(q, q.symbols, 2);
    const sample = about(data, minimumSample('partial', { symbols: data.symbols.length }), 'partial correlation');
    const json = await worker.run('partial', { series: data.series });
    sendMerged(res, { interval: data.interval, symbols: data.symbols, n: data.starts.length, ...sample }, json);
  });

  router.get('/analytics/correlation/live', (req, res) => {
    const q = parse(Q.live, req);
    res.json({ interval: intervalOf(q), pairs: src.streaming(intervalOf(q))?.snapshot() ?? [] });
  });

  router.get('/analytics/correlation/breaks', (_req, res) => {
    res.json({ breaks: src.breaks() });
  });

  router.get('/analytics/granger', async (req, res) => {
    const q = parse(Q.granger, req);
    if (q.cause === q.effect) throw new HttpError(400, 'cause and effect must differ');
    cap(grangerWork(q.points, q.maxlag), 'Granger causality');
    const data = returnsOf(q, [q.effect, q.cause]);
    const [effect = new Float64Array(), cause = new Float64Array()] = data.series;
    const names = { effect: q.effect, cause: q.cause };
    const json = await worker.run('granger', { effect, cause, maxlag: q.maxlag, names });
    const sample = about(data, minimumSample('granger', { lags: q.maxlag }), 'Granger causality');
    sendMerged(res, { interval: data.interval, n: data.starts.length, ...sample }, json);
  });

  /** Fits the VAR (choosing the order when asked) and what follows from it, in the worker. */
  const varJob = async (
    res: Response,
    q: z.output<typeof Q.var>,
    then: VarRequest['then'],
    more: { steps?: number; periods?: number } = {},
  ): Promise<void> => {
    const select = typeof q.lags !== 'number';
    const order = typeof q.lags === 'number' ? q.lags : q.maxlags;
    const deterministic = trendOrder(q.trend);
    cap(varWork(q.points, q.symbols.length, { maxlags: q.maxlags, select, order, deterministic, ...more }), 'the VAR');
    const data = returnsOf(q, q.symbols, then.kind === 'causality' ? q.symbols.length : 1);
    const json = await worker.run('var', {
      series: data.series,
      symbols: data.symbols,
      lags: q.lags,
      maxlags: q.maxlags,
      trend: q.trend,
      then,
    });
    const minimum = minimumSample('var', { symbols: data.symbols.length, lags: order, deterministic });
    const sample = about(data, minimum, 'the VAR');
    sendMerged(res, { interval: data.interval, symbols: data.symbols, n: data.starts.length, ...sample }, json);
  };

  router.get('/analytics/var', async (req, res) => {
    await varJob(res, parse(Q.var, req), { kind: 'summary' });
  });

  router.get('/analytics/var/forecast', async (req, res) => {
    const q = parse(Q.varForecast, req);
    await varJob(res, q, { kind: 'forecast', steps: q.steps, alpha: q.alpha }, { steps: q.steps });
  });

  router.get('/analytics/var/irf', async (req, res) => {
    const q = parse(Q.varIrf, req);
    await varJob(res, q, { kind: 'irf', periods: q.periods }, { periods: q.periods });
  });

  router.get('/analytics/var/causality', async (req, res) => {
    const q = parse(Q.varCausality, req);
    // A variable's own lags are not a causal claim between symbols.
    const both = q.caused.filter((s) => q.causing.includes(s));
    if (both.length > 0) throw new HttpError(400, `caused and causing must not share symbols: ${both.join(', ')}`);
    await varJob(res, q, { kind: 'causality', caused: q.caused, causing: q.causing, test: q.kind, signif: q.signif });
  });

  router.get('/analytics/causality-graph', async (req, res) => {
    const q = parse(Q.causalityGraph, req);
    cap(graphWork(q.symbols.length, q.points, q), 'the causality graph');
    const data = returnsOf(q, q.symbols, 2);
    if (q.method === 'pairwise' && q.trend !== 'c')
      throw new HttpError(400, `trend '${q.trend}' applies to method=var only: pairwise Granger tests fit a constant`);
    const { method, lag, maxlag, alpha, trend } = q;
    const options = { method, lag, maxlag, alpha, adjustment: q.adjust, trend };
    const json = await worker.run('graph', { series: data.series, symbols: data.symbols, options });
    const lags = typeof q.lag === 'number' ? q.lag : q.maxlag;
    const minimum =
      q.method === 'var'
        ? minimumSample('var', { symbols: data.symbols.length, lags, deterministic: trendOrder(q.trend) })
        : minimumSample('granger', { lags });
    const sample = about(data, minimum, 'the causality graph');
    const head = { interval: data.interval, symbols: data.symbols, n: data.starts.length, trend, ...sample };
    sendMerged(res, head, json);
  });

  router.get('/analytics/views/price-sentiment-volume', (req, res) => {
    const q = parse(Q.priceSentimentVolume, req);
    const interval = intervalOf(q);
    requireKnown(interval, [q.symbol]);
    const aligned = src.windows.aligned(interval, [q.symbol], q.points + 1);
    const closes = aligned.closes[0] ?? [];
    const sentiment = aligned.starts.map((start) => src.sentimentAt(q.symbol, start + intervalMs[interval]));
    const view = guard(() => priceSentimentVolume(closes, aligned.volumes[0] ?? [], sentiment));
    res.json({
      interval,
      symbol: q.symbol,
      sample: sampleInfo(interval, aligned.starts.slice(1), minimumSample('view'), 'the price-sentiment-volume view'),
      ...view,
      series: aligned.starts.map((start, t) => ({
        start,
        close: closes[t],
        volume: aligned.volumes[0]?.[t],
        sentiment: Number.isFinite(sentiment[t]) ? sentiment[t] : null,
      })),
    });
  });

  const sectorViews = new KeptAnswers(SECTOR_VIEWS_KEPT);
  router.get('/analytics/views/sectors', async (req, res) => {
    const q = parse(Q.sectors, req);
    const interval = intervalOf(q);
    const key = JSON.stringify([interval, q.symbols ?? null, q.points, q.returns, q.onMissing]);
    const body = await sectorViews.answer(key, src.windows.version(interval), async () => {
      const symbols = q.symbols ?? src.windows.symbols(interval).map((s) => s.symbol);
      if (symbols.length < 2) throw new HttpError(422, `too few symbols with ${interval} bars: ${symbols.length}`);
      cap(correlationWork(symbols.length, q.points, 'pearson', true), 'the sector view');
      const data = returnsOf(q, symbols, 2);
      const sectors = Object.fromEntries(data.symbols.map((s) => [s, src.sectorOf(s)]));
      const json = await worker.run('sectors', { series: data.series, symbols: data.symbols, sectors });
      const sample = about(data, minimumSample('correlation'), 'the sector view');
      return merged({ interval: data.interval, n: data.starts.length, ...sample }, json);
    });
    res.type('application/json').send(body);
  });

  router.get('/analytics/views/regimes', async (req, res) => {
    const q = parse(Q.regimes, req);
    const all = q.symbols.includes(q.market) ? q.symbols : [...q.symbols, q.market];
    cap(regimeWork(all.length, q.points, q.window), 'the regime view');
    const data = returnsOf(q, all);
    const market = data.series[all.indexOf(q.market)] ?? new Float64Array();
    const series = q.symbols.map((s) => data.series[all.indexOf(s)] ?? new Float64Array());
    const json = await worker.run('regimes', { series, market, window: q.window });
    // Each regime holds about half the points: the minimum applies to each half.
    const sample = about(data, 2 * minimumSample('correlation'), 'correlations split by volatility regime');
    sendMerged(res, { interval: data.interval, symbols: q.symbols, market: q.market, ...sample }, json);
  });

  /** Computes a file of the reference-fixture layout posted as the body (the CLI's job, over HTTP). */
  router.post('/analytics/compute', async (req, res) => {
    const file = (() => {
      try {
        return fixtureFromJson(req.body);
      } catch (error) {
        if (error instanceof FixtureFileError) throw new HttpError(400, error.message);
        throw error;
      }
    })();
    cap(fixtureWork(file), `the ${file.fixture} fixture`);
    res
      .type('application/json')
      .send(`{"fixture":${JSON.stringify(file.fixture)},"outputs":${await worker.run('fixture', { file })}}`);
  });

  return router;
}
