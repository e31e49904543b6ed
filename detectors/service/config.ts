import { z } from 'zod';
import { emptyToUndefined, parseEnv } from '../../platform/config/config.ts';
import { slos } from '../../platform/slo/definitions/index.ts';
import { detectorSloSetting } from '../../platform/slo/rules.ts';
import { DEFAULT_ANOMALY } from '../anomaly/index.ts';
import { parseSelector, type LabelMatcher } from '../sources/source.ts';
import type { PrometheusOptions } from '../sources/prometheus.ts';
import { defaultChannelBindings, parseChannelBindings, type ChannelBinding } from './precursor.ts';
import { parseSloBindings, type SloBinding } from './slo.ts';

const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback));
const fraction = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(fallback));
const sourceNames = ['in-process', 'prometheus', 'otlp'] as const;
export type SourceName = (typeof sourceNames)[number];

const selector = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('')
    .transform((s, ctx) => {
      if (s.trim() === '') return [];
      try {
        return parseSelector(s);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
);

/** Platform metrics worth watching through Prometheus by default: RED per route, the bus, the runtime. */
const defaultQueries = [
  'sum by (route) (rate(insitechart_http_request_duration_seconds_count[1m]))',
  'sum by (route) (rate(insitechart_http_request_duration_seconds_count{status_code=~"5.."}[1m]))',
  'histogram_quantile(0.99, sum by (route, le) (rate(insitechart_http_request_duration_seconds_bucket[1m])))',
  'sum by (topic) (rate(insitechart_bus_events_published_total[1m]))',
  'sum by (group, topic) (insitechart_bus_consumer_lag_events)',
  'nodejs_eventloop_lag_p99_seconds',
  // Whether each process serves yet: its series are judged from its first reading of 1 (service/startup.ts).
  'insitechart_process_ready',
  'process_resident_memory_bytes',
  'rate(process_cpu_seconds_total[1m])',
].join(';');

/** The platform's own availability SLO: 99.9% of HTTP requests answered without a 5xx. */
/** The platform's SLOs whose bad events are a series of their own (platform/slo/definitions). */
const defaultSlos = detectorSloSetting(slos);

/** The detector tier's environment variables (validated by platform/config's parseEnv). */
const detectorEnv = z
  .object({
    DETECTOR_SOURCES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('in-process,otlp')
        .transform((s) => [
          ...new Set(
            s
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
          ),
        ])
        .pipe(
          z
            .array(z.enum(sourceNames, { error: `each source must be one of ${sourceNames.join(', ')}` }))
            .min(1, 'name at least one source'),
        ),
    ),
    DETECTOR_PROMETHEUS_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ),
    DETECTOR_PROMETHEUS_QUERIES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default(defaultQueries)
        .transform((s) =>
          s
            .split(';')
            .map((q) => q.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.string()).min(1, 'list at least one PromQL query, separated by ;')),
    ),
    DETECTOR_PROMETHEUS_STEP_MS: int(15_000, 1_000, 3_600_000),
    DETECTOR_PROMETHEUS_LOOKBACK_MS: int(3_600_000, 0, 30 * 86_400_000),
    DETECTOR_PROMETHEUS_TIMEOUT_MS: int(10_000, 100, 300_000),
    DETECTOR_PROMETHEUS_RETRIES: int(2, 0, 10),
    DETECTOR_POLL_INTERVAL_MS: int(10_000, 100, 3_600_000),
    DETECTOR_SAMPLE_INTERVAL_MS: int(10_000, 100, 3_600_000),
    DETECTOR_SERIES_LIMIT: int(10_000, 1, 1_000_000),
    DETECTOR_POINTS_PER_SERIES: int(360, 1, 100_000),
    DETECTOR_WATCH: selector,
    DETECTOR_SCORE_THRESHOLD: fraction(DEFAULT_ANOMALY.alarm),
    DETECTOR_CLEAR_THRESHOLD: fraction(DEFAULT_ANOMALY.alarm * 0.6),
    DETECTOR_CLEAR_AFTER_POINTS: int(3, 1, 10_000),
    DETECTOR_REPEAT_MS: int(600_000, 0, 86_400_000),
    DETECTOR_MIN_GAP_MS: int(60_000, 0, 86_400_000),
    DETECTOR_MAX_DETECTIONS_PER_MINUTE: int(60, 1, 100_000),
    DETECTOR_STRAIN_GRACE_MS: int(60_000, 0, 3_600_000),
    DETECTOR_STARTUP_GRACE_MS: int(120_000, 1_000, 3_600_000),
    DETECTOR_PRECURSOR: z.preprocess(
      emptyToUndefined,
      z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    ),
    DETECTOR_PRECURSOR_CHANNELS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default(defaultChannelBindings)
        .transform((s, ctx) => {
          try {
            return parseChannelBindings(s);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
            return z.NEVER;
          }
        }),
    ),
    DETECTOR_SLOS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default(defaultSlos)
        .transform((s, ctx) => {
          if (s.trim() === 'none') return [];
          try {
            return parseSloBindings(s);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
            return z.NEVER;
          }
        }),
    ),
  })
  .refine((e) => !e.DETECTOR_SOURCES.includes('prometheus') || e.DETECTOR_PROMETHEUS_URL !== undefined, {
    path: ['DETECTOR_PROMETHEUS_URL'],
    error: 'must be set when DETECTOR_SOURCES includes prometheus',
  })
  .refine((e) => e.DETECTOR_CLEAR_THRESHOLD <= e.DETECTOR_SCORE_THRESHOLD, {
    path: ['DETECTOR_CLEAR_THRESHOLD'],
    error: 'must not exceed DETECTOR_SCORE_THRESHOLD',
  });

export interface DetectorConfig {
  readonly sources: readonly SourceName[];
  readonly prometheus?: Omit<PrometheusOptions, 'fetch' | 'now'>;
  readonly pollIntervalMs: number;
  /** In-process registry sampling interval. */
  readonly sampleIntervalMs: number;
  readonly seriesLimit: number;
  readonly pointsPerSeries: number;
  /** Applied to every source's series: only matching ones are watched. */
  readonly watch: readonly LabelMatcher[];
  readonly gate: {
    readonly enter: number;
    readonly exit: number;
    readonly clearAfter: number;
    readonly repeatMs: number;
    readonly minGapMs: number;
  };
  readonly maxDetectionsPerMinute: number;
  /** How long a strain (event-loop lag, CPU, traffic) waits for a symptom to explain it before it is published. */
  readonly strainGraceMs: number;
  /**
   * How long a process may report "starting" before that pages (what it samples meanwhile is not scored). Default
   * 120 s, the start-up budget Kubernetes gives a pod here (infra/pulumi/pod.ts: startup probe, 60 tries 2 s apart).
   */
  readonly startupGraceMs: number;
  /** The learned precursor model (reloaded from DATA_DIR when one was trained) and the series feeding its channels. */
  readonly precursor: { readonly enabled: boolean; readonly channels: readonly ChannelBinding[] };
  /** SLOs watched for error-budget burn (multi-window, multi-burn-rate rules). */
  readonly slos: readonly SloBinding[];
}

/** Reads the detector tier's settings from the environment; throws ConfigError naming each bad variable. */
export function loadDetectorConfig(env: Readonly<Record<string, string | undefined>> = process.env): DetectorConfig {
  const e = parseEnv(detectorEnv, env);
  return {
    sources: e.DETECTOR_SOURCES,
    ...(e.DETECTOR_PROMETHEUS_URL === undefined
      ? {}
      : {
          prometheus: {
            url: e.DETECTOR_PROMETHEUS_URL,
            queries: e.DETECTOR_PROMETHEUS_QUERIES,
            stepMs: e.DETECTOR_PROMETHEUS_STEP_MS,
            lookbackMs: e.DETECTOR_PROMETHEUS_LOOKBACK_MS,
            timeoutMs: e.DETECTOR_PROMETHEUS_TIMEOUT_MS,
            retries: e.DETECTOR_PROMETHEUS_RETRIES,
          },
        }),
    pollIntervalMs: e.DETECTOR_POLL_INTERVAL_MS,
    sampleIntervalMs: e.DETECTOR_SAMPLE_INTERVAL_MS,
    seriesLimit: e.DETECTOR_SERIES_LIMIT,
    pointsPerSeries: e.DETECTOR_POINTS_PER_SERIES,
    watch: e.DETECTOR_WATCH,
    gate: {
      enter: e.DETECTOR_SCORE_THRESHOLD,
      exit: e.DETECTOR_CLEAR_THRESHOLD,
      clearAfter: e.DETECTOR_CLEAR_AFTER_POINTS,
      repeatMs: e.DETECTOR_REPEAT_MS,
      minGapMs: e.DETECTOR_MIN_GAP_MS,
    },
    maxDetectionsPerMinute: e.DETECTOR_MAX_DETECTIONS_PER_MINUTE,
    strainGraceMs: e.DETECTOR_STRAIN_GRACE_MS,
    startupGraceMs: e.DETECTOR_STARTUP_GRACE_MS,
    precursor: { enabled: e.DETECTOR_PRECURSOR === 'on', channels: e.DETECTOR_PRECURSOR_CHANNELS },
    slos: e.DETECTOR_SLOS,
  };
}
