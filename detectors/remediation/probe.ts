import type { Registry } from 'prom-client';
import { cumulativeLeBuckets, quantileFromBuckets } from '../../platform/series/histogram-math.ts';
import type { SignalProbe } from './guardrails/verification.ts';
import type { Signal } from './types.ts';

const ignored = new Set(['__name__', 'service', 'quantile', 'le']);
const MAX_REMEMBERED = 1_000;

type OwnLabels = Readonly<Record<string, string | number | undefined>>;

/** A label the signal carries fits the metric's: equal, absent from the metric, or the source's `5xx` aggregate. */
function fits(labels: Readonly<Record<string, string>>, own: OwnLabels): boolean {
  return Object.entries(labels).every(([k, want]) => {
    if (ignored.has(k) || own[k] === undefined) return true;
    const have = String(own[k]);
    return have === want || (want === '5xx' && have.startsWith('5'));
  });
}

/** Keeps a bounded map bounded: the oldest key goes first. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value ?? key);
}

/**
 * Reads a series as the in-process detector source names it, straight from the platform's registry: a gauge as is,
 * `<counter>_rate` as the per-second rate between two reads, `<histogram>{quantile}` as that quantile of the
 * observations between two reads (over the label sets that fit, summed, as the source's aggregates are). Labels the
 * signal carries and the metric does not (the `service` the source adds) are ignored; the matching values are
 * summed. Undefined: not such a metric here, or the first read of a rate or quantile.
 */
export class RegistryReader {
  readonly #registry: Registry;
  readonly #previous = new Map<string, { value: number; at: number }>();
  readonly #previousBuckets = new Map<string, Map<number, number>>();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  async read(labels: Readonly<Record<string, string>>, now = Date.now()): Promise<number | undefined> {
    const name = labels.__name__ ?? '';
    if (labels.quantile !== undefined) return this.#quantile(name, labels);
    const direct = await this.#sum(name, labels, 'gauge');
    if (direct !== undefined || !name.endsWith('_rate')) return direct;
    const total = await this.#sum(name.slice(0, -'_rate'.length), labels, 'counter');
    if (total === undefined) return undefined;
    const key = JSON.stringify(labels);
    const before = this.#previous.get(key);
    remember(this.#previous, key, { value: total, at: now });
    if (before === undefined || now <= before.at) return undefined;
    return Math.max(0, total - before.value) / ((now - before.at) / 1000);
  }

  async #quantile(name: string, labels: Readonly<Record<string, string>>): Promise<number | undefined> {
    const q = Number(labels.quantile);
    const metric = this.#registry.getSingleMetric(name);
    if (metric === undefined || !(q >= 0 && q <= 1)) return undefined;
    const data = await metric.get();
    if (String(data.type) !== 'histogram') return undefined;
    const cumulative = new Map<number, number>();
    for (const v of data.values as readonly { value: number; labels: OwnLabels; metricName?: string }[]) {
      if (v.metricName !== `${name}_bucket` || !fits(labels, v.labels)) continue;
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      cumulative.set(le, (cumulative.get(le) ?? 0) + v.value);
    }
    const key = JSON.stringify(labels);
    const before = this.#previousBuckets.get(key);
    remember(this.#previousBuckets, key, cumulative);
    if (before === undefined) return undefined;
    // A bucket that went down was reset (a restart of the counter): its whole value is new.
    const since = [...cumulative].map(([le, n]) => {
      const old = before.get(le) ?? 0;
      return { le, cumulative: n >= old ? n - old : n };
    });
    return quantileFromBuckets(cumulativeLeBuckets(since), q);
  }

  async #sum(name: string, labels: Readonly<Record<string, string>>, type: 'gauge' | 'counter') {
    const metric = this.#registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    const data = await metric.get();
    // prom-client's typings say a numeric enum; at run time the type is its name.
    if (String(data.type) !== type) return undefined;
    let sum = 0;
    for (const v of data.values) if (fits(labels, v.labels)) sum += v.value;
    return sum;
  }
}

/** Fingerprints of alerts seen resolved (bounded), so an incident signal can be verified by its alert resolving. */
export class ResolvedAlerts {
  readonly #at = new Map<string, number>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  add(fingerprint: string, at: number): void {
    this.#at.delete(fingerprint);
    this.#at.set(fingerprint, at);
    if (this.#at.size > this.#max) this.#at.delete(this.#at.keys().next().value ?? fingerprint);
  }

  since(fingerprint: string, since: number): boolean {
    return (this.#at.get(fingerprint) ?? -Infinity) >= since;
  }
}

/** Healthy again: back on the good side of the expected range the detection (or forecast) gave. */
export function backInRange(signal: Signal, value: number): boolean {
  const { expected, observed } = signal;
  if (expected === undefined) return false;
  if (observed !== undefined && observed < expected.low) return value >= expected.low;
  if (observed !== undefined && observed > expected.high) return value <= expected.high;
  return value >= expected.low && value <= expected.high;
}

/** The gauge the fixed checks (detectors/checks) keep: 1 while a check fires on a subject, 0 once it cleared. */
export const CHECK_FIRING = 'insitechart_detector_check_firing';

/**
 * The embedded platform's probe: incidents by their alert resolving, a fixed check's detection by the check clearing
 * (its own hysteresis decides), other series by their value in the registry.
 */
export function platformProbe(reader: RegistryReader, resolved: ResolvedAlerts): SignalProbe {
  return {
    async recovered(signal, since) {
      if (signal.kind === 'incident') return resolved.since(signal.fingerprint, since);
      const { check, service } = signal.labels;
      if (signal.labels.__name__?.startsWith('check_') === true && check !== undefined && service !== undefined) {
        const firing = await reader.read({ __name__: CHECK_FIRING, check, subject: service });
        return firing === undefined ? undefined : firing === 0;
      }
      const value = await reader.read(signal.labels);
      return value === undefined ? undefined : backInRange(signal, value);
    },
  };
}
