import type { Router } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { emptyToUndefined, parseEnv, type Env } from '../../platform/config/config.ts';
import { HttpError } from '../../platform/http/errors.ts';
import { KeptAnswers } from '../../platform/http/kept-answers.ts';
import { slos } from '../../platform/slo/definitions/index.ts';
import { budgetExhaustion } from '../../platform/slo/exhaustion.ts';
import { sloRunbookPath } from '../../platform/slo/rules.ts';
import { fitForecaster } from '../forecast/index.ts';
import { seriesKey, type Point } from '../series.ts';
import type { MetricSource } from '../sources/source.ts';
import { BAND_POINTS, type BandHistory } from './bands.ts';
import type { RecentDetection } from './routes.ts';
import { SloMeter } from './slo-meter.ts';
import type { SeriesWatcher } from './watcher.ts';
import type { BurnStatus } from '../failure/slo-burn.ts';

export interface OpsRouteDeps {
  readonly recent: () => readonly RecentDetection[];
  readonly watcher: SeriesWatcher;
  readonly sources: readonly MetricSource[];
  readonly bands: BandHistory;
  readonly now: () => number;
  /** Grafana's base URL (GRAFANA_URL), when one runs beside the platform: the ops view links to its dashboards. */
  readonly grafanaUrl?: string | undefined;
  /** The detector tier's SLO monitors (DETECTOR_SLOS), by SLO name. */
  readonly slos: () => readonly {
    readonly name: string;
    readonly alerting: boolean;
    readonly status: BurnStatus | null;
  }[];
  /**
   * The process's metrics registry: the SLOs the detector tier does not watch are measured from it (slo-meter.ts)
   * every `intervalMs` (10 s) until `signal` aborts. Only where the process's registry is the platform's (the
   * in-process source, embedded mode); absent, those SLOs read "not measured in this process".
   */
  readonly meter?: {
    readonly registry: Registry;
    readonly signal: AbortSignal;
    readonly intervalMs?: number;
    /** The meter's clock (default `now`). */
    readonly now?: () => number;
  };
}

const MIN = 60_000;

/** GRAFANA_URL, validated (a ConfigError names it when it is not an http(s) URL); undefined when unset. */
export function grafanaFromEnv(env: Env): string | undefined {
  const url = z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  );
  return parseEnv(z.object({ GRAFANA_URL: url }), env).GRAFANA_URL?.replace(/\/+$/, '');
}

/** The generated dashboards (dashboards/definitions) the ops view links to when Grafana runs. */
const DASHBOARDS = { slos: '/d/insitechart-slos/', detectors: '/d/insitechart-detectors/' } as const;
const detectionParams = z.object({ id: z.string().min(1).max(200) });

/**
 * A forecast is fitted on the event loop (17-73 ms of CPU for 720-86,400 points): kept per detection and query for the
 * ops view's refresh interval, which every open view then shares, and at most this many fitted a second beyond that
 * (a stream of distinct queries is answered 429).
 */
const FORECAST_KEPT_MS = 5_000;
const FORECAST_FITS_PER_SECOND = 4;

/** GET /detectors/detections/{id}/band: the series' value against its expected range around the detection. */
export const bandQuery = z.object({
  windowMs: z.coerce
    .number()
    .int()
    .min(MIN)
    .max(60 * MIN)
    .default(10 * MIN),
});

/** GET /detectors/detections/{id}/forecast: a forecast made `holdout` points ago, against what then happened. */
export const backtestQuery = z.object({
  historyMs: z.coerce
    .number()
    .int()
    .min(MIN)
    .max(24 * 60 * MIN)
    .default(60 * MIN),
  holdout: z.coerce.number().int().min(1).max(BAND_POINTS).default(20),
});

/** The embedded measurement of the SLOs the detector tier does not watch, stepped until the signal aborts. */
function startMeter(deps: OpsRouteDeps): SloMeter | undefined {
  const options = deps.meter;
  if (options === undefined) return undefined;
  const clock = options.now ?? deps.now;
  const watched = new Set(deps.slos().map((s) => s.name));
  const meter = new SloMeter(
    options.registry,
    slos.filter((s) => !watched.has(s.name)),
  );
  // One reading at a time: the first now, then every interval; a tick while one still runs is skipped.
  let busy = false;
  const step = (): void => {
    if (busy) return;
    busy = true;
    meter
      .step(clock())
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  };
  step();
  const timer = setInterval(step, options.intervalMs ?? 10_000);
  timer.unref();
  options.signal.addEventListener('abort', () => {
    clearInterval(timer);
  });
  return meter;
}

/**
 * The ops view's evidence under /api/detectors: every SLO with its burn status, the band a detection fired against
 * (bands.ts keeps it), and a forecast against the actual values it forecast (the last `holdout` points held out).
 */
export function mountOpsRoutes(api: Router, deps: OpsRouteDeps): void {
  const detection = (params: unknown): RecentDetection => {
    const { id } = detectionParams.parse(params);
    const found = deps.recent().find((d) => d.id === id);
    if (found === undefined) throw new HttpError(404, `detection ${id} is not among the recent ones`);
    return found;
  };

  const meter = startMeter(deps);
  // Every SLO of the platform (platform/slo): the detector tier's burn status where it watches one, else the embedded
  // measurement from the registry; with the time left until its budget runs out at the current burn.
  api.get('/detectors/slos', (_req, res) => {
    const watched = new Map(deps.slos().map((s) => [s.name, s]));
    const grafana = deps.grafanaUrl;
    res.json({
      dashboards:
        grafana === undefined
          ? null
          : { slos: `${grafana}${DASHBOARDS.slos}`, detectors: `${grafana}${DASHBOARDS.detectors}` },
      slos: slos.map((slo) => {
        const tier = watched.get(slo.name);
        const metered = tier === undefined ? meter?.status(slo.name) : undefined;
        const status = tier?.status ?? metered?.status ?? null;
        return {
          name: slo.name,
          title: slo.title,
          description: slo.description,
          service: slo.service,
          objective: slo.objective,
          runbook: sloRunbookPath(slo),
          watched: tier !== undefined,
          measuredBy: tier !== undefined ? 'detector-tier' : metered !== undefined ? 'embedded' : null,
          alerting: tier?.alerting ?? (status?.alerts.length ?? 0) > 0,
          status,
          exhaustion:
            status === null ? { state: 'no-data' } : budgetExhaustion(status.budgetRemaining, status.burnRates),
          reason: tier !== undefined ? null : metered === undefined ? 'not measured in this process' : metered.reason,
        };
      }),
    });
  });

  api.get('/detectors/detections/:id/band', (req, res) => {
    const q = bandQuery.parse(req.query);
    const d = detection(req.params);
    const series = seriesKey(d.detection.series);
    const at = d.detection.ts;
    const points = deps.bands.band(series, at - q.windowMs, at + q.windowMs) ?? [];
    res.json({ id: d.id, series, at, detection: d.detection, points });
  });

  const backtest = async (d: RecentDetection, q: z.output<typeof backtestQuery>): Promise<string> => {
    const key = seriesKey(d.detection.series);
    const tracked = deps.watcher.get(d.source, key);
    const source = deps.sources.find((s) => s.name === d.source);
    if (tracked === undefined || source === undefined) throw new HttpError(404, `series ${key} is no longer watched`);
    const to = deps.now();
    const matchers = Object.entries(tracked.labels).map(([name, value]) => ({ name, op: '=' as const, value }));
    const found = await source.readRange(matchers, { from: to - q.historyMs, to }, AbortSignal.timeout(30_000));
    const points: Point[] = found.find((s) => seriesKey(s.labels) === key)?.points.slice() ?? [];
    const fit = points.slice(0, -q.holdout);
    if (fit.length < 3)
      throw new HttpError(
        409,
        `series ${key} has ${String(points.length)} points; holding ${String(q.holdout)} out leaves too few to fit`,
      );
    return JSON.stringify({
      id: d.id,
      series: key,
      fittedOn: fit.length,
      actual: points.slice(-3 * q.holdout),
      forecast: fitForecaster(fit).forecast(q.holdout),
    });
  };

  const forecasts = new KeptAnswers(64);
  const fits = { second: 0, count: 0 };
  api.get('/detectors/detections/:id/forecast', async (req, res) => {
    const q = backtestQuery.parse(req.query);
    const d = detection(req.params);
    const query = JSON.stringify([d.id, q.historyMs, q.holdout]);
    const body = await forecasts.answer(query, Math.floor(deps.now() / FORECAST_KEPT_MS), async () => {
      const second = Math.floor(Date.now() / 1_000);
      if (fits.second !== second) Object.assign(fits, { second, count: 0 });
      if (++fits.count > FORECAST_FITS_PER_SECOND) {
        res.setHeader('Retry-After', '1');
        throw new HttpError(429, `at most ${String(FORECAST_FITS_PER_SECOND)} forecasts are fitted a second`);
      }
      return await backtest(d, q);
    });
    res.type('application/json').send(body);
  });
}
