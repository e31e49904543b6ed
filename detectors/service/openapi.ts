/**
 * The OpenAPI description of /api/detectors (routes.ts, ops-routes.ts, and the fixed checks' /detectors/checks).
 * Response schemas are checked against real answers by openapi.test.ts, so they cannot drift silently.
 */
import { z } from 'zod';
import { detection } from '../../platform/backbone/topics.ts';
import type { ApiOperation, OpenApiRegistry } from '../../platform/http/openapi.ts';
import { backtestQuery, bandQuery } from './ops-routes.ts';

const tags = ['detectors'];
const labels = z.record(z.string(), z.string());
const point = z.object({ ts: z.number(), value: z.number() });
const range = z.object({ low: z.number(), high: z.number() });
const forecastPoint = z.object({
  ts: z.number(),
  steps: z.number(),
  value: z.number(),
  lower80: z.number(),
  upper80: z.number(),
  lower95: z.number(),
  upper95: z.number(),
});
const burnStatus = z.object({
  at: z.number(),
  alerts: z.array(z.looseObject({ rule: z.string(), severity: z.string() })),
  burnRates: z.record(z.string(), z.number()),
  budgetRemaining: z.number(),
});
export const seriesView = z.object({
  source: z.string(),
  series: z.string().describe('the series key: name{label="value",...}'),
  labels,
  points: z.number(),
  lastTs: z.number().nullable(),
  lastValue: z.number().nullable(),
  score: z.number().nullable(),
  expected: range.nullable(),
  anomalous: z.boolean(),
  anomalousSince: z.number().nullable(),
  warmup: z.object({ warming: z.boolean(), points: z.number(), needed: z.number() }),
});
const selector = z.string().optional().describe('a PromQL-style selector: {service="x",__name__=~"http_.*"}');
const seriesRef = {
  series: z.string().describe('the series key, as listed by /api/detectors/series'),
  source: z.string().optional().describe('the source it is read from (default: the first that watches it)'),
};
const historyMs = z.coerce.number().int().min(60_000).max(2_592_000_000).optional();
const recentDetection = z.object({ id: z.string(), source: z.string(), detection });

export const detectorResponses = {
  series: z.object({
    watched: z.number(),
    anomalous: z.number(),
    warming: z.number(),
    evicted: z.number(),
    series: z.array(seriesView),
  }),
  history: seriesView.extend({ history: z.array(point) }),
  detections: z.object({ detections: z.array(recentDetection) }),
  sources: z.object({
    sources: z.array(
      z.object({
        name: z.string(),
        lastPollAt: z.number().optional(),
        lastError: z.string().optional(),
        polls: z.number(),
        failures: z.number(),
        points: z.number(),
      }),
    ),
  }),
  predictions: z.object({
    precursor: z.looseObject({ enabled: z.boolean() }),
    slos: z.array(
      z.object({ name: z.string(), objective: z.number(), alerting: z.boolean(), status: burnStatus.nullable() }),
    ),
  }),
  forecast: z.object({
    source: z.string(),
    series: z.string(),
    labels,
    history: z.number(),
    forecast: z.array(forecastPoint),
  }),
  slo: z.object({
    total: labels,
    bad: labels,
    objective: z.number(),
    intervals: z.number(),
    coveredMs: z.number(),
    status: burnStatus,
  }),
  exhaustion: z.object({
    source: z.string(),
    series: z.string(),
    labels,
    history: z.number(),
    exhaustion: z.looseObject({ status: z.string() }),
  }),
  slos: z.object({
    dashboards: z
      .object({ slos: z.string(), detectors: z.string() })
      .nullable()
      .describe("Grafana's SLO and detector dashboards, when GRAFANA_URL is set"),
    slos: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        description: z.string(),
        service: z.string(),
        objective: z.number(),
        runbook: z.string(),
        watched: z.boolean(),
        measuredBy: z
          .enum(['detector-tier', 'embedded'])
          .nullable()
          .describe("the detector tier (DETECTOR_SLOS) or the embedded measurement from this process's metrics"),
        alerting: z.boolean(),
        status: burnStatus.nullable(),
        exhaustion: z
          .discriminatedUnion('state', [
            z.object({ state: z.literal('no-data') }),
            z.object({ state: z.enum(['not-burning', 'exhausted']), burnRate: z.number(), window: z.string() }),
            z.object({
              state: z.literal('burning'),
              burnRate: z.number(),
              window: z.string(),
              inMs: z.number().describe('budget left x 30 days / burn rate'),
            }),
          ])
          .describe(
            "time to budget exhaustion at the fastest burn over the burn rules' long windows (1h, 6h, 1d, 3d); " +
              'not-burning at a burn of 1 or less',
          ),
        reason: z.string().nullable().describe('why there is no status yet (e.g. a metric not exported here)'),
      }),
    ),
  }),
  band: z.object({
    id: z.string(),
    series: z.string(),
    at: z.number(),
    detection,
    points: z.array(
      z.object({ ts: z.number(), value: z.number(), low: z.number(), high: z.number(), score: z.number() }),
    ),
  }),
  backtest: z.object({
    id: z.string(),
    series: z.string(),
    fittedOn: z.number(),
    actual: z.array(point),
    forecast: z.array(forecastPoint),
  }),
  checks: z.object({
    checks: z.array(z.object({ name: z.string(), warmupS: z.number(), warmingUp: z.boolean() })),
    status: z.array(
      z.object({
        check: z.string(),
        subject: z.string(),
        firing: z.boolean(),
        since: z.number().optional(),
        value: z.number(),
        limit: z.number(),
        title: z.string(),
      }),
    ),
  }),
};

const ok = (description: string, schema: z.ZodType) => ({
  200: { description, schema },
  400: { description: 'invalid query' },
});
const notFound = { 404: { description: 'the series or detection is not known' } };
const detectionId = z.object({ id: z.string().describe('a detection id from /api/detectors/detections') });

export const detectorOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/detectors/series',
    summary: 'Watched series with their latest score, expected range and warm-up',
    tags,
    query: z.object({
      match: selector,
      source: z.string().optional(),
      anomalous: z.enum(['true', 'false']).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).optional(),
    }),
    responses: ok('watched series, newest first', detectorResponses.series),
  },
  {
    method: 'get',
    path: '/detectors/series/history',
    summary: "A watched series' recent points, read from its source",
    tags,
    query: z.object({ ...seriesRef, historyMs }),
    responses: { ...ok('the series and its points', detectorResponses.history), ...notFound },
  },
  {
    method: 'get',
    path: '/detectors/detections',
    summary: 'Recent detections (the last 500 kept), newest first',
    tags,
    query: z.object({ match: selector, limit: z.coerce.number().int().min(1).max(1_000).optional() }),
    responses: ok('detections as published on the detections topic', detectorResponses.detections),
  },
  {
    method: 'get',
    path: '/detectors/detections/{id}/band',
    summary: "A detection's evidence: the series' value against its expected band around the detection",
    tags,
    params: detectionId,
    query: bandQuery,
    responses: { ...ok('the band, oldest point first', detectorResponses.band), ...notFound },
  },
  {
    method: 'get',
    path: '/detectors/detections/{id}/forecast',
    summary: "A forecast of the detection's series fitted without its last points, against those points",
    tags,
    params: detectionId,
    query: backtestQuery,
    responses: {
      ...ok('the held-out actual values and the forecast with its intervals', detectorResponses.backtest),
      ...notFound,
      409: { description: 'too few points to fit' },
      429: { description: 'more new forecasts asked for than are fitted a second; retry (Retry-After)' },
    },
  },
  {
    method: 'get',
    path: '/detectors/sources',
    summary: 'Metric sources and their polling status',
    tags,
    responses: ok('sources', detectorResponses.sources),
  },
  {
    method: 'get',
    path: '/detectors/predictions',
    summary: "The precursor model's state and the watched SLOs' burn status",
    tags,
    responses: ok('predictions', detectorResponses.predictions),
  },
  {
    method: 'get',
    path: '/detectors/slos',
    summary: "Every SLO of the platform with its runbook, and the detector tier's burn status where it watches it",
    tags,
    responses: ok('SLOs in dashboard order', detectorResponses.slos),
  },
  {
    method: 'get',
    path: '/detectors/forecast',
    summary: 'A forecast with 80% and 95% intervals of a watched series',
    tags,
    query: z.object({ ...seriesRef, historyMs, steps: z.coerce.number().int().min(1).max(2_000).optional() }),
    responses: {
      ...ok('the forecast', detectorResponses.forecast),
      ...notFound,
      409: { description: 'too few points' },
    },
  },
  {
    method: 'get',
    path: '/detectors/slo',
    summary: 'SLO error-budget burn from two watched rate series (all and bad events)',
    tags,
    query: z.object({
      total: z.string(),
      bad: z.string(),
      source: z.string().optional(),
      objective: z.coerce.number().gt(0).lt(1),
      historyMs,
    }),
    responses: { ...ok('burn rates per rule window and the budget left', detectorResponses.slo), ...notFound },
  },
  {
    method: 'get',
    path: '/detectors/exhaustion',
    summary: 'Time until a watched series reaches a capacity',
    tags,
    query: z.object({ ...seriesRef, historyMs, capacity: z.coerce.number().positive() }),
    responses: { ...ok('the prediction', detectorResponses.exhaustion), ...notFound },
  },
  {
    method: 'get',
    path: '/detectors/checks',
    summary: "The fixed platform checks (detectors/checks), their warm-up and each subject's state",
    tags,
    responses: ok('checks and their latest status per subject', detectorResponses.checks),
  },
];

export function describeDetectorRoutes(registry: OpenApiRegistry): void {
  for (const operation of detectorOperations) registry.add(operation);
}
