/**
 * SLOs as code (after Sloth and Pyrra): one definition per SLO generates its Prometheus recording rules,
 * its multi-window multi-burn-rate alerts, its dashboard panels and the binding the detector tier watches.
 */

/** One burn-rate alert condition: both windows' burn rates at or above `burnRate` (SRE Workbook, ch. 5). */
export interface BurnRule {
  readonly name: string;
  readonly severity: 'page' | 'ticket';
  readonly burnRate: number;
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The workbook's rules for a 30-day SLO: 2% of the budget in 1 h, 5% in 6 h, 10% in 1 d and in 3 d. */
export const DEFAULT_BURN_RULES: readonly BurnRule[] = [
  { name: 'fast-burn-1h', severity: 'page', burnRate: 14.4, longWindowMs: HOUR, shortWindowMs: 5 * MIN },
  { name: 'fast-burn-6h', severity: 'page', burnRate: 6, longWindowMs: 6 * HOUR, shortWindowMs: 30 * MIN },
  { name: 'slow-burn-1d', severity: 'ticket', burnRate: 3, longWindowMs: 24 * HOUR, shortWindowMs: 2 * HOUR },
  { name: 'slow-burn-3d', severity: 'ticket', burnRate: 1, longWindowMs: 72 * HOUR, shortWindowMs: 6 * HOUR },
];

export const SLO_PERIOD_MS = 30 * 24 * HOUR;

/**
 * How good and bad are counted, as data: the Prometheus recording rules (sli.ts) and the embedded mode's own
 * measurement (detectors/service/slo-meter.ts) are both derived from it, so they read the same metrics the same way.
 * - `ratio`: a counter (or a histogram's `_count`) over `selector`; bad events are those also matching `bad`.
 * - `latency`: a histogram over `selector`; bad events are observations above `thresholdSeconds` (count minus the
 *   bucket `le` = threshold, which must be one of the histogram's bounds).
 * - `sampled`: a gauge-derived share of bad things right now, `sum(bad) / count(population)` (e.g. stale symbols
 *   among watched ones), averaged over each window.
 * Selectors are PromQL label matchers without braces, e.g. `route=~"/api/.+"`; empty selects every series.
 */
export type Sli =
  | { readonly kind: 'ratio'; readonly counter: string; readonly selector: string; readonly bad: string }
  | {
      readonly kind: 'latency';
      readonly histogram: string;
      readonly selector: string;
      readonly thresholdSeconds: number;
    }
  | { readonly kind: 'sampled'; readonly bad: string; readonly population: string };

/** What the on-call reads in the runbook of the SLO's burn alert (rendered by platform/alerts/rules). */
export interface SloRunbook {
  readonly impact: string;
  readonly diagnosis: readonly { readonly what: string; readonly expr: string }[];
  readonly mitigation: readonly string[];
  readonly remediation: string;
  readonly escalation: string;
}

export interface SloDefinition {
  /** kebab-case, the `slo` label of every generated series. */
  readonly name: string;
  /** The burn alert's alertname (its runbook is runbooks/<kebab-case alertname>.md). */
  readonly alertName: string;
  readonly title: string;
  /** What "good" means, in one sentence. */
  readonly description: string;
  readonly service: string;
  /** Target share of good events, e.g. 0.999. */
  readonly objective: number;
  readonly sli: Sli;
  /**
   * The same SLI for the detector tier's own burn monitor (detectors/service/slo.ts): selectors of the
   * watched rate series of all and of bad events. Only where bad events are a series of their own.
   */
  readonly detector?: { readonly total: string; readonly bad: string };
  readonly runbook: SloRunbook;
}

/** Prometheus duration text for a whole number of minutes, hours or days. */
export function promDuration(ms: number): string {
  if (ms % (24 * HOUR) === 0) return `${String(ms / (24 * HOUR))}d`;
  if (ms % HOUR === 0) return `${String(ms / HOUR)}h`;
  if (ms % MIN === 0) return `${String(ms / MIN)}m`;
  throw new RangeError(`${String(ms)} ms is not a whole number of minutes`);
}

/** The name of the recorded error ratio over a window, e.g. slo:sli_error:ratio_rate5m. */
export function errorRatioRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** Share of the period's budget an error ratio burns: 1 spends exactly the budget over the period. */
export function errorBudget(slo: SloDefinition): number {
  return Number((1 - slo.objective).toPrecision(12));
}
