import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';
import type { SloDefinition, Sli } from '../../platform/slo/model.ts';
import { createBurnRateMonitor, type BurnRateMonitor, type BurnStatus } from '../failure/slo-burn.ts';
import { matches, parseSelector, type LabelMatcher } from '../sources/source.ts';

type Value = MetricValue<string> & { metricName?: string };

/** Event counts (cumulative) or a bad share (sampled) read from the registry now; a reason when it cannot. */
type Reading = { kind: 'events'; total: number; bad: number } | { kind: 'share'; share: number } | string;

const labelsOf = (v: Value): Record<string, string> =>
  Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)]));
const selector = (text: string): LabelMatcher[] => (text === '' ? [] : parseSelector(`{${text}}`));

/**
 * The values of a metric name as Prometheus names its series: a counter or gauge by its own name, a histogram's
 * `_count` / `_bucket` through its family.
 */
async function valuesOf(registry: Registry, name: string): Promise<Value[] | undefined> {
  const own = registry.getSingleMetric(name);
  if (own !== undefined) return ((await own.get()) as MetricObjectWithValues<Value>).values;
  const family = /^(.+)_(count|bucket|sum)$/.exec(name)?.[1];
  const histogram = family === undefined ? undefined : registry.getSingleMetric(family);
  if (histogram === undefined) return undefined;
  return ((await histogram.get()) as MetricObjectWithValues<Value>).values.filter((v) => v.metricName === name);
}

/**
 * Reads one SLI the way its recording rules do (platform/slo/sli.ts): `ratio` sums the counter over the selector and
 * over selector and `bad`; `latency` takes the histogram's count minus its bucket at the threshold; `sampled` divides
 * the summed `bad` gauge by the number of `population` series.
 */
export async function readSli(registry: Registry, sli: Sli): Promise<Reading> {
  if (sli.kind === 'sampled') {
    const [bad, population] = [await valuesOf(registry, sli.bad), await valuesOf(registry, sli.population)];
    if (bad === undefined || population === undefined) return `${sli.bad} or ${sli.population} is not exported here`;
    if (population.length === 0) return `no ${sli.population} series yet`;
    return { kind: 'share', share: bad.reduce((s, v) => s + v.value, 0) / population.length };
  }
  const where = selector(sli.selector);
  const sum = (values: readonly Value[], extra: readonly LabelMatcher[] = []): number =>
    values.filter((v) => matches(labelsOf(v), [...where, ...extra])).reduce((s, v) => s + v.value, 0);
  if (sli.kind === 'ratio') {
    const values = await valuesOf(registry, sli.counter);
    if (values === undefined) return `${sli.counter} is not exported here`;
    return { kind: 'events', total: sum(values), bad: sum(values, selector(sli.bad)) };
  }
  const [counts, buckets] = [
    await valuesOf(registry, `${sli.histogram}_count`),
    await valuesOf(registry, `${sli.histogram}_bucket`),
  ];
  if (counts === undefined || buckets === undefined) return `${sli.histogram} is not exported here`;
  const atThreshold = buckets.filter((b) => Number(b.labels.le) === sli.thresholdSeconds);
  if (buckets.length > 0 && atThreshold.length === 0)
    return `${sli.histogram} has no bucket at le=${String(sli.thresholdSeconds)}`;
  const total = sum(counts);
  return { kind: 'events', total, bad: Math.max(0, total - sum(atThreshold)) };
}

const MEASURING = 'measuring: two readings are needed';

interface Metered {
  readonly slo: SloDefinition;
  readonly monitor: BurnRateMonitor;
  previous?: { at: number; total: number; bad: number };
  status?: BurnStatus;
  reason: string;
}

/**
 * The embedded mode's measurement of SLOs the detector tier does not watch as series (latency, delivery, freshness,
 * notification): every step reads their metrics from the process's registry, turns the counters' increase since the
 * previous step (a reset counts from zero, as `rate` does) or the sampled share times the step's length into counts,
 * and keeps the burn monitor of failure/slo-burn.ts, the same windows and rules as the generated alerts.
 */
export class SloMeter {
  readonly #registry: Registry;
  readonly #metered: Metered[];

  constructor(registry: Registry, definitions: readonly SloDefinition[]) {
    this.#registry = registry;
    this.#metered = definitions.map((slo) => ({
      slo,
      monitor: createBurnRateMonitor({ objective: slo.objective }),
      reason: MEASURING,
    }));
  }

  async step(now: number): Promise<void> {
    for (const m of this.#metered) {
      const reading = await readSli(this.#registry, m.slo.sli).catch((error: unknown) =>
        error instanceof Error ? error.message : String(error),
      );
      if (typeof reading === 'string') {
        m.reason = reading;
        continue;
      }
      const current =
        reading.kind === 'events' ? { at: now, total: reading.total, bad: reading.bad } : { at: now, total: 0, bad: 0 };
      const previous = m.previous;
      m.previous = current;
      if (previous === undefined || now <= previous.at) {
        m.reason = MEASURING;
        continue;
      }
      if (reading.kind === 'share') {
        const seconds = (now - previous.at) / 1_000;
        m.monitor.record(now, seconds, Math.min(1, Math.max(0, reading.share)) * seconds);
      } else {
        const reset = current.total < previous.total || current.bad < previous.bad;
        const total = reset ? current.total : current.total - previous.total;
        const bad = Math.min(total, reset ? current.bad : current.bad - previous.bad);
        m.monitor.record(now, total, Math.max(0, bad));
      }
      m.status = m.monitor.evaluate(now);
    }
  }

  /** The burn status of an SLO measured here, or why there is none yet; undefined for an SLO not measured here. */
  status(name: string): { status: BurnStatus | null; reason: string | null } | undefined {
    const m = this.#metered.find((x) => x.slo.name === name);
    if (m === undefined) return undefined;
    return m.status === undefined ? { status: null, reason: m.reason } : { status: m.status, reason: null };
  }
}
