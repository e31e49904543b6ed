/** The ops view's evidence (no DOM): SLO budgets, detections with their band, forecasts against actual. */
import * as z from 'zod/mini';
import { getJson } from '../../api.ts';

const burnStatus = z.object({
  at: z.number(),
  budgetRemaining: z.number(),
  /** Burn rate by rule window in ms. */
  burnRates: z.record(z.string(), z.number()),
  alerts: z.array(z.object({ rule: z.string(), severity: z.string() })),
});
/** When the budget runs out at the current burn (platform/slo/exhaustion.ts). */
const exhaustion = z.object({
  state: z.enum(['no-data', 'not-burning', 'exhausted', 'burning']),
  burnRate: z.optional(z.number()),
  window: z.optional(z.string()),
  inMs: z.optional(z.number()),
});
const slo = z.object({
  name: z.string(),
  title: z.string(),
  service: z.string(),
  objective: z.number(),
  runbook: z.string(),
  watched: z.boolean(),
  /** The detector tier, the embedded measurement from this process's metrics, or nobody here. */
  measuredBy: z.nullable(z.enum(['detector-tier', 'embedded'])),
  alerting: z.boolean(),
  status: z.nullable(burnStatus),
  exhaustion,
  reason: z.nullable(z.string()),
});
export type Exhaustion = z.infer<typeof exhaustion>;
const slosAnswer = z.object({
  dashboards: z.nullable(z.object({ slos: z.string(), detectors: z.string() })),
  slos: z.array(slo),
});
export type Slo = z.infer<typeof slo>;
export type SlosAnswer = z.infer<typeof slosAnswer>;

const detection = z.object({
  id: z.string(),
  source: z.string(),
  detection: z.object({
    detector: z.string(),
    title: z.optional(z.string()),
    severity: z.optional(z.string()),
    series: z.record(z.string(), z.string()),
    score: z.number(),
    observed: z.number(),
    expected: z.object({ low: z.number(), high: z.number() }),
    ts: z.number(),
    explanation: z.string(),
  }),
});
const detectionsAnswer = z.object({ detections: z.array(detection) });
export type Detection = z.infer<typeof detection>;

const bandPoint = z.object({ ts: z.number(), value: z.number(), low: z.number(), high: z.number() });
const bandAnswer = z.object({ series: z.string(), at: z.number(), points: z.array(bandPoint) });
export type BandPoint = z.infer<typeof bandPoint>;

const forecastPoint = z.object({ ts: z.number(), value: z.number(), lower80: z.number(), upper80: z.number() });
const backtestAnswer = z.object({
  actual: z.array(z.object({ ts: z.number(), value: z.number() })),
  forecast: z.array(forecastPoint),
});
export type Backtest = z.infer<typeof backtestAnswer>;

const detectionPath = (id: string): string => `/api/detectors/detections/${encodeURIComponent(id)}`;
export const loadSlos = (): Promise<SlosAnswer> => getJson('/api/detectors/slos', slosAnswer);
export const loadDetections = (limit: number): Promise<Detection[]> =>
  getJson(`/api/detectors/detections?limit=${String(limit)}`, detectionsAnswer).then((a) => a.detections);
export const loadBand = (id: string): Promise<BandPoint[]> =>
  getJson(`${detectionPath(id)}/band?windowMs=600000`, bandAnswer).then((a) => a.points);
export const loadBacktest = (id: string): Promise<Backtest> =>
  getJson(`${detectionPath(id)}/forecast?holdout=20&historyMs=3600000`, backtestAnswer);

/** Where the platform serves a runbook (alerts/service.ts); relative, so it follows the page's own origin. */
export const runbookHref = (slug: string): string => `/runbooks/${encodeURIComponent(slug)}.md`;

/**
 * The runbook of the alert a detection becomes (alerts/ingest/detections.ts names it AnomalyDetected): an SLO burn
 * detection's own SLO runbook when the SLO is known, else anomaly-detected.
 */
export function detectionRunbook(d: Detection, slos: readonly Slo[]): string {
  const burning = d.detection.detector === 'slo-burn' ? slos.find((s) => s.name === d.detection.series.slo) : undefined;
  return burning?.runbook ?? runbookHref('anomaly-detected');
}

/** `5m`, `1h`, `3d`: a rule window in ms, as the SLO rules name it. */
export function windowName(ms: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ];
  const unit = units.find(([size]) => ms >= size && ms % size === 0);
  return unit === undefined ? `${String(Math.round(ms / 1000))}s` : `${String(ms / unit[0])}${unit[1]}`;
}

/** Burn rates shortest window first, e.g. [['1h', 0.4], ['6h', 0.2]]. */
export function burnRates(status: NonNullable<Slo['status']>): [string, number][] {
  return Object.entries(status.burnRates)
    .map(([ms, rate]): [number, number] => [Number(ms), rate])
    .filter(([ms]) => Number.isFinite(ms))
    .sort((a, b) => a[0] - b[0])
    .map(([ms, rate]) => [windowName(ms), rate]);
}

/** The largest whole unit of a duration with one decimal, e.g. [2.5, 'day'] or [40, 'minute']. */
export function durationUnit(ms: number): [number, 'day' | 'hour' | 'minute'] {
  const round = (v: number): number => Math.round(v * 10) / 10;
  if (ms >= 86_400_000) return [round(ms / 86_400_000), 'day'];
  if (ms >= 3_600_000) return [round(ms / 3_600_000), 'hour'];
  return [Math.max(1, Math.round(ms / 60_000)), 'minute'];
}

/** Points of a band chart whose value left the expected range. */
export const outsideBand = (points: readonly BandPoint[]): number =>
  points.filter((p) => p.value > p.high || p.value < p.low).length;
