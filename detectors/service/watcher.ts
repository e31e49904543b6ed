import type { TopicInput } from '../../platform/backbone/topics.ts';
import { seriesKey, type AnomalyVerdict, type Series, type SeriesDetector, type SeriesLabels } from '../series.ts';
import { matches, type LabelMatcher } from '../sources/source.ts';
import { gateStep, newGateState, type GateOptions, type GateState } from './gate.ts';
import { warmupStatus } from './warmup.ts';
import { meaningOf, severityOf, type SeriesMeaning } from './meaning.ts';

/** One watched series: its detector, the gate's state and the latest verdict. */
export interface Tracked {
  readonly source: string;
  readonly key: string;
  readonly labels: SeriesLabels;
  readonly detector: SeriesDetector;
  readonly gate: GateState;
  lastTs: number;
  lastValue: number;
  last: AnomalyVerdict | undefined;
  points: number;
}

export interface Finding {
  readonly tracked: Tracked;
  readonly verdict: AnomalyVerdict;
  readonly ts: number;
  readonly decision: 'onset' | 'repeat';
}

export interface WatcherOptions {
  /** Series watched at most; the least recently updated is forgotten beyond it. */
  readonly limit: number;
  readonly detectorFor: (labels: SeriesLabels) => SeriesDetector;
  readonly gate: GateOptions;
}

/** Labels that name the same workload: anomalies sharing them are most likely related. */
const affinityLabels = ['service', 'job', 'instance', 'route', 'topic', 'group', 'span_name'] as const;

/**
 * The detector tier's working set: a bounded LRU of series, each with its own streaming detector and
 * hysteresis gate. Points are fed in time order (older or repeated points are skipped), and the findings
 * worth publishing come back.
 */
export class SeriesWatcher {
  readonly #series = new Map<string, Tracked>();
  readonly #options: WatcherOptions;
  #evicted = 0;

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#series.size;
  }

  get evicted(): number {
    return this.#evicted;
  }

  static id(source: string, key: string): string {
    return `${source}|${key}`;
  }

  get(source: string, key: string): Tracked | undefined {
    return this.#series.get(SeriesWatcher.id(source, key));
  }

  ingest(source: string, series: Series): Finding[] {
    const key = seriesKey(series.labels);
    const id = SeriesWatcher.id(source, key);
    let t = this.#series.get(id);
    if (t === undefined) {
      t = {
        source,
        key,
        labels: series.labels,
        detector: this.#options.detectorFor(series.labels),
        gate: newGateState(),
        lastTs: Number.NEGATIVE_INFINITY,
        lastValue: Number.NaN,
        last: undefined,
        points: 0,
      };
      if (this.#series.size >= this.#options.limit) {
        const oldest = this.#series.keys().next();
        if (oldest.done !== true) {
          this.#series.delete(oldest.value);
          this.#evicted++;
        }
      }
    } else {
      this.#series.delete(id);
    }
    this.#series.set(id, t);
    const findings: Finding[] = [];
    for (const point of series.points) {
      if (point.ts <= t.lastTs || !Number.isFinite(point.value)) continue;
      const verdict = t.detector.update(point);
      t.lastTs = point.ts;
      t.lastValue = point.value;
      t.last = verdict;
      t.points++;
      const decision = gateStep(t.gate, verdict.score, point.ts, this.#options.gate);
      if (decision === 'onset' || decision === 'repeat') findings.push({ tracked: t, verdict, ts: point.ts, decision });
    }
    return findings;
  }

  /** Other series anomalous around `ts`: those sharing workload labels first, then by score. */
  related(of: Tracked, ts: number, windowMs: number, max = 5): SeriesLabels[] {
    const candidates: { labels: SeriesLabels; affinity: number; score: number }[] = [];
    for (const t of this.#series.values()) {
      if (t === of || !t.gate.active || Math.abs(t.gate.since - ts) > windowMs) continue;
      const affinity = affinityLabels.filter((l) => of.labels[l] !== undefined && of.labels[l] === t.labels[l]).length;
      candidates.push({ labels: t.labels, affinity, score: t.gate.peak });
    }
    candidates.sort((a, b) => b.affinity - a.affinity || b.score - a.score);
    return candidates.slice(0, max).map((c) => c.labels);
  }

  list(matchers: readonly LabelMatcher[], filter: { source?: string; anomalous?: boolean; limit: number }): Tracked[] {
    const out: Tracked[] = [];
    // Newest first: the Map is in least-recently-updated order.
    for (const t of [...this.#series.values()].reverse()) {
      if (out.length >= filter.limit) break;
      if (filter.source !== undefined && t.source !== filter.source) continue;
      if (filter.anomalous === true && !t.gate.active) continue;
      if (matches(t.labels, matchers)) out.push(t);
    }
    return out;
  }

  /** Last values of the matching series updated at or after `freshSince`. */
  currentValues(matchers: readonly LabelMatcher[], freshSince: number): number[] {
    const out: number[] = [];
    for (const t of this.#series.values())
      if (t.lastTs >= freshSince && matches(t.labels, matchers)) out.push(t.lastValue);
    return out;
  }

  /** Series whose detector has not yet seen the points it needs to judge. */
  warmingCount(): number {
    let n = 0;
    for (const t of this.#series.values()) if (warmupStatus(t.points, t.detector.warmup).warming) n++;
    return n;
  }

  anomalousCount(): number {
    let n = 0;
    for (const t of this.#series.values()) if (t.gate.active) n++;
    return n;
  }
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Math.round(v * 1_000) / 1_000);

/**
 * The `detections` event for a finding: titled by what the series shows (its meaning's symptom), its
 * severity set by what the series means and the score, with the explanation of the alarm.
 */
export function toDetection(
  finding: Finding,
  related: readonly SeriesLabels[],
  meaning: SeriesMeaning = meaningOf(finding.tracked.labels),
): TopicInput<'detections'> {
  const { tracked, verdict, ts, decision } = finding;
  const fired = verdict.fired.length > 0 ? verdict.fired.join(', ') : 'combined score';
  const side =
    verdict.observed > verdict.expected.high ? 'above' : verdict.observed < verdict.expected.low ? 'below' : 'inside';
  const lead =
    decision === 'onset' ? 'Anomaly' : `Anomaly continuing since ${new Date(tracked.gate.since).toISOString()}`;
  const explanation =
    `${lead} on ${tracked.key} (source ${tracked.source}): observed ${fmt(verdict.observed)}, ${side} the expected range ` +
    `${fmt(verdict.expected.low)} to ${fmt(verdict.expected.high)}; score ${verdict.score.toFixed(2)} from ${fired}` +
    (related.length > 0 ? `; ${related.length} related series anomalous at the same time` : '') +
    '.';
  const title =
    `${meaning.symptom} ${side === 'inside' ? 'unusual' : `${side} normal`}: ${fmt(verdict.observed)} ` +
    `(expected ${fmt(verdict.expected.low)} to ${fmt(verdict.expected.high)})`;
  return {
    detector: verdict.fired[0] ?? 'anomaly',
    title,
    severity: severityOf(meaning.concern, verdict.score),
    series: { ...tracked.labels },
    score: Math.min(1, Math.max(0, verdict.score)),
    observed: verdict.observed,
    expected: { low: verdict.expected.low, high: verdict.expected.high },
    ts: Math.max(0, Math.round(ts)),
    explanation,
    related: related.map((l) => ({ ...l })),
  };
}
