import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../platform/http/errors.ts';
import type { TopicData } from '../../platform/backbone/topics.ts';
import { timeToExhaustion } from '../failure/exhaustion.ts';
import { createBurnRateMonitor } from '../failure/slo-burn.ts';
import { fitForecaster } from '../forecast/index.ts';
import { seriesKey, type Point } from '../series.ts';
import { matches, parseSelector, SelectorError, type LabelMatcher, type MetricSource } from '../sources/source.ts';
import type { SeriesWatcher, Tracked } from './watcher.ts';
import { warmupStatus } from './warmup.ts';

export interface RecentDetection {
  readonly id: string;
  readonly source: string;
  readonly detection: TopicData<'detections'>;
}

export interface SourceStatus {
  readonly name: string;
  lastPollAt: number | undefined;
  lastError: string | undefined;
  polls: number;
  failures: number;
  points: number;
}

export interface RouteDeps {
  readonly watcher: SeriesWatcher;
  readonly sources: readonly MetricSource[];
  readonly status: ReadonlyMap<string, SourceStatus>;
  readonly recent: () => readonly RecentDetection[];
  readonly now: () => number;
  /** What the learned precursor model is doing (or why it is not). */
  readonly precursor: () => unknown;
  /** The watched SLOs' burn status. */
  readonly slos: () => unknown;
}

const selectorParam = z
  .string()
  .optional()
  .transform((s, ctx): LabelMatcher[] => {
    if (s === undefined || s.trim() === '') return [];
    try {
      return parseSelector(s);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof SelectorError ? error.message : 'bad selector' });
      return z.NEVER;
    }
  });
const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const seriesRef = {
  series: z.string().min(1, 'series (the series key, as listed by /api/detectors/series) is required'),
  source: z.string().optional(),
};
const historyMs = z.coerce
  .number()
  .int()
  .min(60_000)
  .max(30 * 86_400_000)
  .default(6 * 3_600_000);

function view(t: Tracked) {
  return {
    source: t.source,
    series: t.key,
    labels: t.labels,
    points: t.points,
    lastTs: Number.isFinite(t.lastTs) ? t.lastTs : null,
    lastValue: Number.isFinite(t.lastValue) ? t.lastValue : null,
    score: t.last?.score ?? null,
    expected: t.last?.expected ?? null,
    anomalous: t.gate.active,
    anomalousSince: t.gate.active ? t.gate.since : null,
    warmup: warmupStatus(t.points, t.detector.warmup),
  };
}

/** REST under /api/detectors: what is watched, what was found, and forecasts on demand. */
export function mountDetectorRoutes(api: Router, deps: RouteDeps): void {
  const { watcher, sources } = deps;

  const find = (ref: { series: string; source?: string | undefined }): Tracked => {
    const names = ref.source === undefined ? sources.map((s) => s.name) : [ref.source];
    for (const name of names) {
      const t = watcher.get(name, ref.series);
      if (t !== undefined) return t;
    }
    throw new HttpError(
      404,
      `series ${ref.series} is not watched${ref.source === undefined ? '' : ` from source ${ref.source}`}`,
    );
  };

  const history = async (t: Tracked, ms: number): Promise<Point[]> => {
    const source = sources.find((s) => s.name === t.source);
    if (source === undefined) throw new HttpError(404, `source ${t.source} is not configured`);
    const to = deps.now();
    const matchers = Object.entries(t.labels).map(([name, value]) => ({ name, op: '=' as const, value }));
    const found = await source.readRange(matchers, { from: to - ms, to }, AbortSignal.timeout(30_000));
    return found.find((s) => seriesKey(s.labels) === t.key)?.points.slice() ?? [];
  };

  api.get('/detectors/series', (req, res) => {
    const q = z
      .object({
        match: selectorParam,
        source: z.string().optional(),
        anomalous: z.enum(['true', 'false']).optional(),
        limit: limit(100, 10_000),
      })
      .parse(req.query);
    const items = watcher.list(q.match, {
      ...(q.source === undefined ? {} : { source: q.source }),
      anomalous: q.anomalous === 'true',
      limit: q.limit,
    });
    res.json({
      watched: watcher.size,
      anomalous: watcher.anomalousCount(),
      warming: watcher.warmingCount(),
      evicted: watcher.evicted,
      series: items.map(view),
    });
  });

  api.get('/detectors/series/history', async (req, res) => {
    const q = z.object({ ...seriesRef, historyMs }).parse(req.query);
    const t = find(q);
    res.json({ ...view(t), history: await history(t, q.historyMs) });
  });

  api.get('/detectors/detections', (req, res) => {
    const q = z.object({ match: selectorParam, limit: limit(50, 1_000) }).parse(req.query);
    const items = deps
      .recent()
      .filter((d) => q.match.length === 0 || matches(d.detection.series, q.match))
      .slice(-q.limit)
      .reverse();
    res.json({ detections: items });
  });

  api.get('/detectors/sources', (_req, res) => {
    res.json({ sources: [...deps.status.values()] });
  });

  api.get('/detectors/predictions', (_req, res) => {
    res.json({ precursor: deps.precursor(), slos: deps.slos() });
  });

  api.get('/detectors/forecast', async (req, res) => {
    const q = z.object({ ...seriesRef, historyMs, steps: limit(30, 2_000) }).parse(req.query);
    const t = find(q);
    const points = await history(t, q.historyMs);
    if (points.length < 3)
      throw new HttpError(
        409,
        `series ${t.key} has ${points.length} points in the last ${q.historyMs} ms; a forecast needs at least 3`,
      );
    const model = fitForecaster(points);
    res.json({
      source: t.source,
      series: t.key,
      labels: t.labels,
      history: points.length,
      forecast: model.forecast(q.steps),
    });
  });

  /**
   * SLO error-budget burn from two watched rate series (all events, bad events): their history is
   * integrated into counts and run through the multi-window, multi-burn-rate rules.
   */
  api.get('/detectors/slo', async (req, res) => {
    const q = z
      .object({
        total: z.string().min(1, 'total (the series key of the rate of all events) is required'),
        bad: z.string().min(1, 'bad (the series key of the rate of bad events) is required'),
        source: z.string().optional(),
        objective: z.coerce.number().gt(0).lt(1, 'objective is the target share of good events, e.g. 0.999'),
        historyMs: z.coerce
          .number()
          .int()
          .min(60_000)
          .max(30 * 86_400_000)
          .default(3 * 86_400_000),
      })
      .parse(req.query);
    const total = find({ series: q.total, source: q.source });
    const bad = find({ series: q.bad, source: q.source });
    const [totals, bads] = await Promise.all([history(total, q.historyMs), history(bad, q.historyMs)]);
    const badAt = new Map(bads.map((p) => [p.ts, p.value]));
    const monitor = createBurnRateMonitor({ objective: q.objective, periodMs: 30 * 86_400_000, bucketMs: 60_000 });
    let used = 0;
    for (let i = 1; i < totals.length; i++) {
      const cur = totals[i];
      const prev = totals[i - 1];
      if (cur === undefined || prev === undefined) continue;
      const seconds = (cur.ts - prev.ts) / 1_000;
      const b = badAt.get(cur.ts);
      if (!(seconds > 0) || b === undefined) continue;
      const all = Math.max(0, cur.value) * seconds;
      monitor.record(cur.ts, all, Math.min(all, Math.max(0, b) * seconds));
      used++;
    }
    const first = totals[0]?.ts;
    const last = totals.at(-1)?.ts;
    res.json({
      total: total.labels,
      bad: bad.labels,
      objective: q.objective,
      intervals: used,
      coveredMs: first === undefined || last === undefined ? 0 : last - first,
      status: monitor.evaluate(last ?? deps.now()),
    });
  });

  api.get('/detectors/exhaustion', async (req, res) => {
    const q = z
      .object({
        ...seriesRef,
        historyMs,
        capacity: z.coerce
          .number()
          .positive('capacity (the level at which the resource is exhausted) must be positive'),
      })
      .parse(req.query);
    const t = find(q);
    const points = await history(t, q.historyMs);
    res.json({
      source: t.source,
      series: t.key,
      labels: t.labels,
      history: points.length,
      exhaustion: timeToExhaustion(points, { capacity: q.capacity }),
    });
  });
}
