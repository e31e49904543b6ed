import type { Registry } from 'prom-client';
import { seriesKey, type Series, type SeriesLabels } from '../series.ts';
import { counterRate, cumulativeLeBuckets, quantileFromBuckets } from '../../platform/series/histogram-math.ts';
import { SeriesStore } from '../../platform/series/series-store.ts';
import { matches, type LabelMatcher, type MetricSource, type TimeRange } from './source.ts';

export const inProcessQuantiles = [0.5, 0.9, 0.99] as const;

export interface InProcessOptions {
  readonly registry: Registry;
  /** How often the registry is sampled. */
  readonly intervalMs: number;
  /** Which derived series to keep; by default everything but the detector tier's own metrics. */
  readonly watch?: readonly LabelMatcher[];
  readonly maxSeries: number;
  readonly pointsPerSeries: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Labels added to every series, as a Prometheus scrape adds `job` and `instance` (e.g. the service). */
  readonly labels?: SeriesLabels;
}

/**
 * Left out by default: the detector's own metrics (they move because of anomalies, not with them) and the fault
 * injector's (watching them would hand the detector the answer it is tested on).
 */
export const defaultInProcessWatch: readonly LabelMatcher[] = [
  { name: '__name__', op: '!~', value: 'insitechart_(detector|faults)_.*' },
];

interface HistogramReading {
  labels: SeriesLabels;
  count: number;
  sum: number;
  le: { le: number; cumulative: number }[];
}

/**
 * The platform's own prom-client registry as a metric source. Every `intervalMs` it reads the registry
 * and derives series the way one would query Prometheus: gauges as they are, counters as per-second
 * rates (`<name>_rate`), histograms as `<name>_count_rate`, `<name>_sum_rate` and `<name>{quantile}`
 * over the interval's observations, summaries as their quantiles.
 */
export class InProcessSource implements MetricSource {
  readonly name = 'in-process';
  readonly #options: InProcessOptions;
  readonly #store: SeriesStore;
  readonly #watch: readonly LabelMatcher[];
  readonly #previous = new Map<string, { ts: number; value: number }>();
  readonly #previousHistograms = new Map<string, HistogramReading & { ts: number }>();
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<unknown> = Promise.resolve();

  constructor(options: InProcessOptions) {
    this.#options = options;
    this.#store = new SeriesStore({ maxSeries: options.maxSeries, pointsPerSeries: options.pointsPerSeries });
    this.#watch = options.watch ?? defaultInProcessWatch;
  }

  start(): void {
    // One reading at a time: a collect slower than the interval (a stalled loop) let a later reading finish first,
    // so the earlier one's points came after newer ones (dropped) and the next reading's counters and histograms
    // were diffed against that older one (counted twice). A skipped tick loses nothing: the next reading covers it.
    let busy = false;
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.#sampling = this.sample()
        .catch((error: unknown) => this.#options.onError?.(error))
        .finally(() => {
          busy = false;
        });
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sampling;
  }

  /** Reads the registry once and appends the derived points; returns how many were appended. */
  async sample(): Promise<number> {
    const now = (this.#options.now ?? Date.now)();
    const metrics = await this.#options.registry.getMetricsAsJSON();
    let appended = 0;
    const add = (own: SeriesLabels, value: number): void => {
      const labels = this.#options.labels === undefined ? own : { ...this.#options.labels, ...own };
      if (Number.isFinite(value) && matches(labels, this.#watch) && this.#store.append(labels, { ts: now, value }))
        appended++;
    };
    for (const metric of metrics) {
      const type = String(metric.type);
      const values = metric.values as readonly {
        value: number;
        labels: Record<string, string | number | undefined>;
        metricName?: string;
      }[];
      if (type === 'gauge') {
        for (const v of values) add(toLabels(metric.name, v.labels), v.value);
      } else if (type === 'counter') {
        for (const v of values) {
          const labels = toLabels(`${metric.name}_rate`, v.labels);
          const key = seriesKey(labels);
          const prev = this.#previous.get(key);
          this.#remember(this.#previous, key, { ts: now, value: v.value });
          const rate = prev === undefined ? undefined : counterRate(prev, { ts: now, value: v.value });
          if (rate !== undefined) add(labels, rate);
        }
      } else if (type === 'histogram') {
        for (const reading of withAggregates(groupHistogram(metric.name, values))) {
          const key = `${metric.name}|${seriesKey(reading.labels)}`;
          const prev = this.#previousHistograms.get(key);
          this.#remember(this.#previousHistograms, key, { ...reading, ts: now });
          if (prev === undefined || now <= prev.ts) continue;
          const seconds = (now - prev.ts) / 1_000;
          const reset = reading.count < prev.count;
          const count = reset ? reading.count : reading.count - prev.count;
          const sum = reset ? reading.sum : reading.sum - prev.sum;
          const name = metric.name;
          add({ ...reading.labels, __name__: `${name}_count_rate` }, count / seconds);
          add({ ...reading.labels, __name__: `${name}_sum_rate` }, sum / seconds);
          if (count > 0) {
            const le = reading.le.map((b) => ({
              le: b.le,
              cumulative: b.cumulative - (reset ? 0 : (prev.le.find((p) => p.le === b.le)?.cumulative ?? 0)),
            }));
            const buckets = cumulativeLeBuckets(le);
            for (const q of inProcessQuantiles) {
              const v = quantileFromBuckets(buckets, q);
              if (v !== undefined) add({ ...reading.labels, __name__: name, quantile: String(q) }, v);
            }
          }
        }
      } else if (type === 'summary') {
        for (const v of values) if (v.metricName === undefined) add(toLabels(metric.name, v.labels), v.value);
      }
    }
    return appended;
  }

  /** Series evicted for the limit since start. */
  stats(): { series: number; evicted: number } {
    return this.#store.stats();
  }

  listSeries(matchers: readonly LabelMatcher[]): Promise<SeriesLabels[]> {
    return Promise.resolve(this.#store.list((labels) => matches(labels, matchers)));
  }

  readRange(matchers: readonly LabelMatcher[], range: TimeRange): Promise<Series[]> {
    return Promise.resolve(this.#store.read((labels) => matches(labels, matchers), range));
  }

  poll(since: number): Promise<Series[]> {
    return Promise.resolve(this.#store.since(since));
  }

  /** Previous readings are bounded like the store, oldest first out. */
  #remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    if (map.size >= this.#options.maxSeries * 2) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
    map.set(key, value);
  }
}

function toLabels(name: string, labels: Record<string, string | number | undefined>): SeriesLabels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[k] = String(v);
  out.__name__ = name;
  return out;
}

/** prom-client lists a histogram's `_bucket`, `_sum` and `_count` values flat; this regroups them per label set. */
function groupHistogram(
  name: string,
  values: readonly { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[],
): HistogramReading[] {
  const groups = new Map<string, HistogramReading>();
  for (const v of values) {
    const { le, ...rest } = v.labels;
    const labels = toLabels(name, rest);
    const key = seriesKey(labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, count: 0, sum: 0, le: [] };
      groups.set(key, g);
    }
    if (v.metricName === `${name}_bucket` && le !== undefined)
      g.le.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), cumulative: v.value });
    else if (v.metricName === `${name}_count`) g.count = v.value;
    else if (v.metricName === `${name}_sum`) g.sum = v.value;
  }
  return [...groups.values()].map((g) => ({
    ...g,
    labels: Object.fromEntries(Object.entries(g.labels).filter(([k]) => k !== '__name__')),
  }));
}

/**
 * A histogram split by route and status gives noisy per-series quantiles (a few observations a second
 * each). What users feel is the whole: so, beside its label sets, the histogram summed over all of them
 * (no labels: e.g. the API's overall latency and request rate) and, when it has a status label, over the
 * server errors (`status_code="5xx"`: their rate, zero while there are none, is the error symptom).
 */
function withAggregates(readings: readonly HistogramReading[]): HistogramReading[] {
  if (readings.length < 2) return [...readings];
  const statusLabel = ['status_code', 'status'].find((l) => readings.some((r) => r.labels[l] !== undefined));
  const sum = (labels: SeriesLabels, parts: readonly HistogramReading[]): HistogramReading => {
    const le = new Map<number, number>();
    for (const r of readings) for (const b of r.le) le.set(b.le, 0);
    for (const r of parts) for (const b of r.le) le.set(b.le, (le.get(b.le) ?? 0) + b.cumulative);
    return {
      labels,
      count: parts.reduce((n, r) => n + r.count, 0),
      sum: parts.reduce((n, r) => n + r.sum, 0),
      le: [...le].map(([bound, cumulative]) => ({ le: bound, cumulative })),
    };
  };
  const out = [...readings, sum({}, readings)];
  if (statusLabel !== undefined)
    out.push(
      sum(
        { [statusLabel]: '5xx' },
        readings.filter((r) => /^5/.test(r.labels[statusLabel] ?? '')),
      ),
    );
  return out;
}
