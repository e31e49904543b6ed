import type { z } from 'zod';
import type { Point, SeriesLabels } from '../../platform/series/series.ts';
import { seriesKey } from '../../platform/series/series.ts';
import {
  denseBuckets,
  exponentialBucketList,
  explicitBuckets,
  indexedCounts,
  quantileFromBuckets,
  type Bucket,
} from '../../platform/series/histogram-math.ts';
import { resourceLabels, sanitizeName, seriesLabels } from './labels.ts';
import {
  exponentialHistogramDataPoint,
  histogramDataPoint,
  metric as metricSchema,
  numberDataPoint,
  summaryDataPoint,
  temporality as temporalitySchema,
  type metricsRequest,
  type Metric,
  type KeyValue,
} from './schema.ts';

export interface Sample {
  readonly labels: SeriesLabels;
  readonly point: Point;
}

export interface Conversion {
  readonly samples: Sample[];
  /** Data points rejected (invalid), for the partial-success response. */
  readonly rejected: number;
  /** The first few distinct reasons, for the partial-success error message. */
  readonly errors: string[];
}

/** Quantiles derived from histograms. */
export const histogramQuantiles = [0.5, 0.9, 0.99] as const;

const DELTA = 1;

/** What a cumulative series looked like at its previous point, to turn the next one into a delta. */
interface Previous {
  readonly start: number | undefined;
  readonly ts: number;
  /** Counters in a fixed layout (count, sum, buckets...), or for exponential histograms the indexed buckets. */
  readonly values: readonly number[];
  readonly exp?: {
    readonly scale: number;
    readonly positive: ReadonlyMap<number, number>;
    readonly negative: ReadonlyMap<number, number>;
  };
}

/**
 * Turns OTLP metrics into series samples. Gauges stay values; monotonic sums become per-second rates
 * (`<name>_rate`), whichever their temporality; histograms, exponential histograms and summaries become
 * `<name>{quantile=...}` plus `<name>_count_rate` and `<name>_sum_rate`. Cumulative data is turned into
 * deltas against the previous point of the same series (a lower value or a new start time is a reset),
 * so the converter keeps one small state per cumulative series, at most `maxStates` of them.
 */
export class MetricsConverter {
  readonly #previous = new Map<string, Previous>();
  readonly #maxStates: number;

  constructor(options: { maxStates: number }) {
    this.#maxStates = options.maxStates;
  }

  get states(): number {
    return this.#previous.size;
  }

  convert(request: z.output<typeof metricsRequest>): Conversion {
    const out: { samples: Sample[]; rejected: number; errors: string[] } = { samples: [], rejected: 0, errors: [] };
    for (const rm of request.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        const base = resourceLabels(rm.resource.attributes, sm.scope.name);
        for (const raw of sm.metrics) {
          const parsed = metricSchema.safeParse(raw);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            this.#reject(
              out,
              countRawPoints(raw),
              `metric ${rawName(raw)}: ${issue === undefined ? 'invalid' : `${issue.path.join('.')} ${issue.message}`}`,
            );
            continue;
          }
          this.#convertMetric(parsed.data, base, out);
        }
      }
    }
    return out;
  }

  #reject(out: { rejected: number; errors: string[] }, points: number, reason: string): void {
    out.rejected += points;
    if (out.errors.length < 5 && !out.errors.includes(reason)) out.errors.push(reason);
  }

  #convertMetric(
    m: Metric,
    base: Record<string, string>,
    out: { samples: Sample[]; rejected: number; errors: string[] },
  ): void {
    const name = sanitizeName(m.name);
    const kinds = [m.gauge, m.sum, m.histogram, m.exponentialHistogram, m.summary].filter((k) => k !== undefined);
    if (kinds.length !== 1) {
      const n = kinds.reduce((total, k) => total + k.dataPoints.length, 0);
      this.#reject(
        out,
        Math.max(n, kinds.length === 0 ? 0 : n),
        `metric ${m.name}: needs exactly one of gauge, sum, histogram, exponentialHistogram, summary`,
      );
      return;
    }
    const each = <T>(points: readonly unknown[], schema: z.ZodType<T>, handle: (p: T) => void): void => {
      for (const raw of points) {
        const p = schema.safeParse(raw);
        if (p.success) handle(p.data);
        else this.#reject(out, 1, `metric ${m.name}: ${p.error.issues[0]?.message ?? 'invalid data point'}`);
      }
    };
    const emit = (
      metricName: string,
      attributes: readonly KeyValue[],
      ts: number,
      value: number,
      extra?: Record<string, string>,
    ): void => {
      if (Number.isFinite(value))
        out.samples.push({ labels: seriesLabels(metricName, base, attributes, extra), point: { ts, value } });
    };

    if (m.gauge !== undefined) {
      each(m.gauge.dataPoints, numberDataPoint, (p) => {
        emit(name, p.attributes, p.ts, p.value);
      });
      return;
    }
    if (m.summary !== undefined) {
      each(m.summary.dataPoints, summaryDataPoint, (p) => {
        for (const q of p.quantileValues)
          emit(name, p.attributes, p.timeUnixNano, q.value, { quantile: String(q.quantile) });
        const d = this.#delta(seriesLabels(name, base, p.attributes), p.startTimeUnixNano, p.timeUnixNano, [
          p.count,
          p.sum,
        ]);
        if (d !== undefined) {
          emit(`${name}_count_rate`, p.attributes, p.timeUnixNano, (d.values[0] ?? 0) / d.seconds);
          emit(`${name}_sum_rate`, p.attributes, p.timeUnixNano, (d.values[1] ?? 0) / d.seconds);
        }
      });
      return;
    }
    const data = m.sum ?? m.histogram ?? m.exponentialHistogram;
    if (data === undefined) return;
    const temporality = temporalitySchema.safeParse(data.aggregationTemporality);
    if (!temporality.success) {
      this.#reject(
        out,
        data.dataPoints.length,
        `metric ${m.name}: ${temporality.error.issues[0]?.message ?? 'bad temporality'}`,
      );
      return;
    }
    const delta = temporality.data === DELTA;

    if (m.sum !== undefined) {
      const monotonic = m.sum.isMonotonic;
      each(m.sum.dataPoints, numberDataPoint, (p) => {
        if (!delta && !monotonic) {
          // A cumulative up-down counter is a level (queue depth, pool size): a gauge for detection.
          emit(name, p.attributes, p.ts, p.value);
          return;
        }
        const d = this.#interval(seriesLabels(name, base, p.attributes), p.start, p.ts, [p.value], delta);
        if (d !== undefined) emit(`${name}_rate`, p.attributes, p.ts, (d.values[0] ?? 0) / d.seconds);
      });
      return;
    }
    if (m.histogram !== undefined) {
      each(m.histogram.dataPoints, histogramDataPoint, (p) => {
        const d = this.#interval(
          seriesLabels(name, base, p.attributes),
          p.startTimeUnixNano,
          p.timeUnixNano,
          [p.count, p.sum ?? 0, ...p.bucketCounts],
          delta,
        );
        if (d === undefined) return;
        const [count = 0, sum = 0, ...counts] = d.values;
        this.#emitDistribution(
          name,
          p.attributes,
          p.timeUnixNano,
          d.seconds,
          count,
          p.sum === undefined ? undefined : sum,
          explicitBuckets(p.explicitBounds, counts, delta ? p.min : undefined, delta ? p.max : undefined),
          emit,
        );
      });
      return;
    }
    each(data.dataPoints, exponentialHistogramDataPoint, (p) => {
      const key = seriesLabels(name, base, p.attributes);
      const positive = indexedCounts(p.positive, 0);
      const negative = indexedCounts(p.negative, 0);
      let scale = p.scale;
      let values = [p.count, p.sum ?? 0, p.zeroCount];
      let seconds: number | undefined;
      if (delta) {
        seconds =
          p.startTimeUnixNano !== undefined && p.timeUnixNano > p.startTimeUnixNano
            ? (p.timeUnixNano - p.startTimeUnixNano) / 1_000
            : this.#sinceLast(key, p.timeUnixNano);
        this.#remember(key, { start: p.startTimeUnixNano, ts: p.timeUnixNano, values: [] });
      } else {
        const prev = this.#previous.get(seriesKey(key));
        this.#remember(key, {
          start: p.startTimeUnixNano,
          ts: p.timeUnixNano,
          values,
          exp: { scale, positive, negative },
        });
        if (prev?.exp === undefined) return;
        seconds = (p.timeUnixNano - prev.ts) / 1_000;
        const reset = prev.start !== p.startTimeUnixNano || values.some((v, i) => v < (prev.values[i] ?? 0));
        if (!reset) {
          scale = Math.min(scale, prev.exp.scale);
          const sub = (
            cur: ReadonlyMap<number, number>,
            curScale: number,
            old: ReadonlyMap<number, number>,
            oldScale: number,
          ): Map<number, number> => {
            const a = indexedCounts(denseBuckets(cur), curScale - scale);
            for (const [i, c] of indexedCounts(denseBuckets(old), oldScale - scale)) a.set(i, (a.get(i) ?? 0) - c);
            return a;
          };
          const pos = sub(positive, p.scale, prev.exp.positive, prev.exp.scale);
          const neg = sub(negative, p.scale, prev.exp.negative, prev.exp.scale);
          values = values.map((v, i) => v - (prev.values[i] ?? 0));
          this.#emitExponential(
            name,
            p.attributes,
            p.timeUnixNano,
            seconds,
            values,
            p.sum !== undefined,
            scale,
            pos,
            neg,
            p.zeroThreshold,
            emit,
          );
          return;
        }
      }
      if (seconds === undefined || !(seconds > 0)) return;
      this.#emitExponential(
        name,
        p.attributes,
        p.timeUnixNano,
        seconds,
        values,
        p.sum !== undefined,
        scale,
        positive,
        negative,
        p.zeroThreshold,
        emit,
      );
    });
  }

  #emitExponential(
    name: string,
    attributes: readonly KeyValue[],
    ts: number,
    seconds: number,
    values: readonly number[],
    hasSum: boolean,
    scale: number,
    positive: ReadonlyMap<number, number>,
    negative: ReadonlyMap<number, number>,
    zeroThreshold: number,
    emit: (n: string, a: readonly KeyValue[], ts: number, v: number, extra?: Record<string, string>) => void,
  ): void {
    const [count = 0, sum = 0, zero = 0] = values;
    const buckets = exponentialBucketList(scale, denseBuckets(positive), denseBuckets(negative), zero, zeroThreshold);
    this.#emitDistribution(name, attributes, ts, seconds, count, hasSum ? sum : undefined, buckets, emit);
  }

  #emitDistribution(
    name: string,
    attributes: readonly KeyValue[],
    ts: number,
    seconds: number,
    count: number,
    sum: number | undefined,
    buckets: readonly Bucket[],
    emit: (n: string, a: readonly KeyValue[], ts: number, v: number, extra?: Record<string, string>) => void,
  ): void {
    emit(`${name}_count_rate`, attributes, ts, count / seconds);
    if (sum !== undefined) emit(`${name}_sum_rate`, attributes, ts, sum / seconds);
    for (const q of histogramQuantiles) {
      const v = quantileFromBuckets(buckets, q);
      if (v !== undefined) emit(name, attributes, ts, v, { quantile: String(q) });
    }
  }

  /**
   * The increase over the interval that ends at this point: the point itself for delta data, the
   * difference from the previous point for cumulative data (undefined for the first one, which only
   * sets the baseline).
   */
  #interval(
    labels: SeriesLabels,
    start: number | undefined,
    ts: number,
    values: readonly number[],
    delta: boolean,
  ): { values: readonly number[]; seconds: number } | undefined {
    if (!delta) return this.#delta(labels, start, ts, values);
    const seconds = start !== undefined && ts > start ? (ts - start) / 1_000 : this.#sinceLast(labels, ts);
    this.#remember(labels, { start, ts, values: [] });
    return seconds !== undefined && seconds > 0 ? { values, seconds } : undefined;
  }

  #delta(
    labels: SeriesLabels,
    start: number | undefined,
    ts: number,
    values: readonly number[],
  ): { values: readonly number[]; seconds: number } | undefined {
    const prev = this.#previous.get(seriesKey(labels));
    this.#remember(labels, { start, ts, values });
    if (prev === undefined || ts <= prev.ts) return undefined;
    const reset =
      prev.start !== start || prev.values.length !== values.length || values.some((v, i) => v < (prev.values[i] ?? 0));
    if (reset) {
      // Counted since the restart: over the time since its start when known, else since the last point.
      const seconds = start !== undefined && ts > start ? (ts - start) / 1_000 : (ts - prev.ts) / 1_000;
      return { values, seconds };
    }
    return { values: values.map((v, i) => v - (prev.values[i] ?? 0)), seconds: (ts - prev.ts) / 1_000 };
  }

  #sinceLast(labels: SeriesLabels, ts: number): number | undefined {
    const prev = this.#previous.get(seriesKey(labels));
    return prev === undefined || ts <= prev.ts ? undefined : (ts - prev.ts) / 1_000;
  }

  #remember(labels: SeriesLabels, state: Previous): void {
    const key = seriesKey(labels);
    this.#previous.delete(key);
    if (this.#previous.size >= this.#maxStates) {
      const oldest = this.#previous.keys().next();
      if (oldest.done !== true) this.#previous.delete(oldest.value);
    }
    this.#previous.set(key, state);
  }
}

function rawName(raw: unknown): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).name : undefined;
  return typeof name === 'string' && name !== '' ? name.slice(0, 100) : '(unnamed)';
}

/** Data points in a metric that failed validation, so a rejected metric still counts its points. */
function countRawPoints(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null) return 1;
  let n = 0;
  for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
    const data = (raw as Record<string, unknown>)[kind];
    if (typeof data === 'object' && data !== null) {
      const points = (data as Record<string, unknown>).dataPoints;
      if (Array.isArray(points)) n += points.length;
    }
  }
  return Math.max(n, 1);
}
