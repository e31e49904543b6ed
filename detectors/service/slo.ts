import type { TopicInput } from '../../platform/backbone/topics.ts';
import { createBurnRateMonitor, type BurnRateMonitor, type BurnStatus } from '../failure/slo-burn.ts';
import type { SeriesLabels } from '../series.ts';
import { parseSelector, type LabelMatcher } from '../sources/source.ts';

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

/**
 * Feeds one SLO's burn-rate monitor (failure/slo-burn.ts) from the current values of its rate series:
 * each step integrates the rates over the time since the previous step into event counts.
 */
export class SloWatch {
  readonly binding: SloBinding;
  readonly #monitor: BurnRateMonitor;
  #lastAt: number | undefined;
  #last: BurnStatus | undefined;

  constructor(binding: SloBinding) {
    this.binding = binding;
    this.#monitor = createBurnRateMonitor({ objective: binding.objective });
  }

  get last(): BurnStatus | undefined {
    return this.#last;
  }

  /** `current(matchers)` gives the current values of the matching series; undefined until two steps. */
  step(now: number, current: (matchers: readonly LabelMatcher[]) => number[]): BurnStatus | undefined {
    const totals = current(this.binding.total);
    const previous = this.#lastAt;
    this.#lastAt = now;
    if (previous === undefined || totals.length === 0 || now <= previous) return this.#last;
    const seconds = (now - previous) / 1_000;
    const total = totals.reduce((a, v) => a + Math.max(0, v), 0) * seconds;
    const bad = Math.min(total, current(this.binding.bad).reduce((a, v) => a + Math.max(0, v), 0) * seconds);
    this.#monitor.record(now, total, bad);
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
