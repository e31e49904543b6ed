import type { TopicInput } from '../../platform/backbone/topics.ts';
import { createBurnRateMonitor, type BurnRateMonitor, type BurnStatus } from '../failure/slo-burn.ts';
import { seriesKey, type Series, type SeriesLabels } from '../series.ts';
import { matches, parseSelector, type LabelMatcher } from '../sources/source.ts';

/** An SLO over watched rate series: the share of good events should stay at or above `objective`. */
export interface SloBinding {
  readonly name: string;
  readonly objective: number;
  /** Rate series of all events (summed). */
  readonly total: readonly LabelMatcher[];
  /** Rate series of bad events (summed). */
  readonly bad: readonly LabelMatcher[];
}

/** Parses `name=objective:total_selector|bad_selector;...`; throws with the reason. */
export function parseSloBindings(text: string): SloBinding[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z0-9_.-]+)=(0?\.\d+):([^|]+)\|(.+)$/s.exec(entry);
      if (m === null) throw new Error(`bad SLO ${JSON.stringify(entry)}: use name=0.999:total_selector|bad_selector`);
      const objective = Number(m[2]);
      if (!(objective > 0 && objective < 1)) throw new Error(`SLO ${m[1] ?? ''}: objective must be between 0 and 1`);
      return { name: m[1] ?? '', objective, total: parseSelector(m[3] ?? ''), bad: parseSelector(m[4] ?? '') };
    });
}

/** Series one SLO integrates at most (a route and status each): beyond it the least recently seen starts over. */
const MAX_SERIES = 1_000;

/**
 * Feeds one SLO's burn-rate monitor (failure/slo-burn.ts) from its rate series: every new point of a matching
 * series adds its rate times the time since that series' previous point, so the counts are the counters' own,
 * and each step records what was added since the last one. Reading only each series' latest value at a step (as
 * this did) lost a point whenever two arrived between steps, the sampler and the poll loop being two timers, and
 * counted one twice when none did: an error burst could vanish from the budget, or double.
 */
export class SloWatch {
  readonly binding: SloBinding;
  readonly #monitor: BurnRateMonitor;
  #total = 0;
  #bad = 0;
  #fed = false;
  #last: BurnStatus | undefined;
  /** Each matching series' latest point time, least recently seen first. */
  readonly #previousTs = new Map<string, number>();

  constructor(binding: SloBinding) {
    this.binding = binding;
    this.#monitor = createBurnRateMonitor({ objective: binding.objective });
  }

  get last(): BurnStatus | undefined {
    return this.#last;
  }

  /** New points of a watched series (from any source; each point once, as the poll's cursor gives them). */
  integrate(series: Series): void {
    const total = matches(series.labels, this.binding.total);
    const bad = matches(series.labels, this.binding.bad);
    if (!total && !bad) return;
    const key = seriesKey(series.labels);
    let previous = this.#previousTs.get(key) ?? Number.NEGATIVE_INFINITY;
    for (const p of series.points) {
      if (!(p.ts > previous) || !Number.isFinite(p.value)) continue;
      if (Number.isFinite(previous)) {
        const events = (Math.max(0, p.value) * (p.ts - previous)) / 1_000;
        if (total) this.#total += events;
        if (bad) this.#bad += events;
        this.#fed = true;
      }
      previous = p.ts;
    }
    this.#previousTs.delete(key);
    if (this.#previousTs.size >= MAX_SERIES) this.#previousTs.delete(this.#previousTs.keys().next().value ?? '');
    this.#previousTs.set(key, previous);
  }

  /** Records what was integrated since the last step; undefined until a series has given two points. */
  step(now: number): BurnStatus | undefined {
    if (!this.#fed) return this.#last;
    this.#monitor.record(now, this.#total, Math.min(this.#total, this.#bad));
    this.#total = 0;
    this.#bad = 0;
    this.#fed = false;
    this.#last = this.#monitor.evaluate(now);
    return this.#last;
  }
}

/** The `detections` event for a firing burn-rate rule. */
export function sloDetection(
  binding: SloBinding,
  status: BurnStatus,
  related: readonly SeriesLabels[],
): TopicInput<'detections'> | undefined {
  // The most urgent firing rule: pages before tickets, then the fastest burn it stands for.
  const strongest = [...status.alerts].sort((a, b) =>
    a.severity === b.severity ? b.threshold - a.threshold : a.severity === 'page' ? -1 : 1,
  )[0];
  if (strongest === undefined) return undefined;
  const rule = strongest.rule;
  const percent = (binding.objective * 100).toPrecision(4).replace(/\.?0+$/, '');
  return {
    detector: 'slo-burn',
    series: { __name__: 'slo_error_budget_burn', slo: binding.name },
    // Firing means at least the rule's rate: 0.5 at the threshold, towards 1 as the burn grows.
    score: Math.min(1, 0.5 + 0.5 * (1 - strongest.threshold / Math.max(strongest.longBurnRate, strongest.threshold))),
    observed: strongest.longBurnRate,
    expected: { low: 0, high: strongest.threshold },
    ts: Math.max(0, Math.round(status.at)),
    explanation:
      `SLO ${binding.name} (${percent}% good) is burning its error budget ${strongest.longBurnRate.toFixed(1)}x too fast ` +
      `(${strongest.shortBurnRate.toFixed(1)}x on the short window): rule ${rule} (${strongest.severity}, threshold ${strongest.threshold}x); ` +
      (status.budgetRemaining >= 0
        ? `${Math.round(status.budgetRemaining * 100)}% of the budget left over the data seen.`
        : 'the budget of the data seen is overspent.'),
    related: related.map((l) => ({ ...l })),
  };
}
